"""The pipeline's data contracts: one Great Expectations suite per stage and table, as code.

A suite is a list of rules over one frame the stage derives from its Parquet (GX has
no polars support, so frames go to pandas). Row-level rules send the failing rows'
items to quarantine with the names of the rules they broke; batch-level rules stop the
run. `key` names the column that says which item a row belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

URL_PATTERN = r"^https?://[^\s/$.?#][^\s]*$"
FETCH_STATUSES = ["fetched", "not_modified", "error", "known_url"]
PAGE_TYPES = ["article", "section_front", "video", "gallery", "paywall", "error", "empty", "failed"]
# how far an event's date may sit from the story's publication: background goes back years, and
# tariffs and deals are announced to take effect years ahead; beyond this the date parser erred
EVENT_DAYS_BEFORE = 366 * 30
EVENT_DAYS_AFTER = 366 * 10


@dataclass(frozen=True)
class Rule:
    """One expectation. row_level rules send failing rows to quarantine instead of failing the batch."""

    expectation: str  # class name in great_expectations.expectations
    kwargs: dict[str, Any]
    row_level: bool = True

    @property
    def label(self) -> str:
        """Short name for quarantine reasons and messages: the expectation and its columns."""
        columns = [str(self.kwargs[k]) for k in ("column", "column_A", "column_B") if k in self.kwargs]
        return f"{self.expectation}({', '.join(columns)})"


@dataclass(frozen=True)
class Suite:
    name: str
    stage: str  # fetch | clean | enrich | warehouse
    rules: list[Rule]
    key: str | None = "item_id"
    description: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


@cache
def iso639_1_codes() -> tuple[str, ...]:
    import pycountry

    return tuple(sorted(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")))


@cache
def country_codes() -> tuple[str, ...]:
    """The ISO3 codes of the country dimension: what enrichment may emit and the warehouse holds."""
    from tradewire.load.dimensions import countries

    return tuple(sorted(countries()["iso3"].to_list()))


@cache
def topic_ids() -> tuple[str, ...]:
    from tradewire.enrich.topics import load_taxonomy

    return tuple(sorted(t.id for t in load_taxonomy().topics))


def _rows_between(column: str, low: Any, high: Any, row_level: bool = True) -> Rule:
    return Rule("ExpectColumnValuesToBeBetween", {"column": column, "min_value": low, "max_value": high}, row_level)


def _not_null(column: str, row_level: bool = True) -> Rule:
    return Rule("ExpectColumnValuesToNotBeNull", {"column": column}, row_level)


def _in_set(column: str, values: list[Any] | tuple[Any, ...], row_level: bool = True) -> Rule:
    return Rule("ExpectColumnValuesToBeInSet", {"column": column, "value_set": list(values)}, row_level)


def _unique(column: str) -> Rule:
    return Rule("ExpectColumnValuesToBeUnique", {"column": column}, row_level=False)


def _row_count(low: int | None = None, high: int | None = None) -> Rule:
    return Rule("ExpectTableRowCountToBeBetween", {"min_value": low, "max_value": high}, row_level=False)


# --- fetch ------------------------------------------------------------------------------------


def fetch_run_suite() -> Suite:
    """The run as a whole: it must have seen something. Nothing at all means no source answered."""
    return Suite(
        "fetch_run",
        "fetch",
        [_row_count(1, 1), _rows_between("items_seen", 1, None, row_level=False)],
        key=None,
        description="at least one listing read or page discovered (settled and unchanged ones count)",
    )


def fetch_items_suite() -> Suite:
    """Every row the fetch stage wrote: listings and pages."""
    return Suite(
        "fetch_items",
        "fetch",
        [
            _not_null("item_id", row_level=False),
            _unique("item_id"),
            _in_set("item_kind", ["page", "feed"], row_level=False),
            _in_set("status", FETCH_STATUSES, row_level=False),
            # an error without a reason could not be explained to anyone
            _in_set("error_explained", [True], row_level=False),
        ],
        description="one row per listing and page; statuses from the fetcher's contract",
    )


def fetch_pages_suite(max_bytes: int) -> Suite:
    """The pages fetched with a body: the body must be there and within the cap, the address well formed."""
    return Suite(
        "fetch_pages",
        "fetch",
        [
            _rows_between("body_bytes", 1, max_bytes),
            _not_null("content_hash"),
            _rows_between("http_status", 200, 299),
            Rule("ExpectColumnValuesToMatchRegex", {"column": "url", "regex": URL_PATTERN}),
            _not_null("address"),
        ],
        description="fetched pages: a non-empty body under the size cap, a 2xx status, a well-formed URL",
    )


# --- clean ------------------------------------------------------------------------------------


def clean_pages_suite(expected_rows: int) -> Suite:
    """One record per fetched page, none lost; a page whose extraction failed is quarantined."""
    return Suite(
        "clean_pages",
        "clean",
        [
            Rule("ExpectTableRowCountToEqual", {"value": expected_rows}, row_level=False),
            _not_null("item_id", row_level=False),
            _unique("item_id"),
            _in_set("page_type", PAGE_TYPES, row_level=False),
            Rule("ExpectColumnValuesToNotBeInSet", {"column": "page_type", "value_set": ["failed"]}),
        ],
        description="every fetched page has exactly one record; failed extractions go to quarantine",
    )


def clean_articles_suite(now: datetime | None = None, published_floor: str = "1990-01-01") -> Suite:
    now = now or datetime.now(UTC)
    floor = datetime.fromisoformat(published_floor).replace(tzinfo=UTC)
    if floor >= now:  # GX would take an empty range without complaint: every date would pass
        raise ValueError(f"TRADEWIRE_PUBLISHED_FLOOR ({published_floor}) must be a day in the past")
    return Suite(
        "clean_articles",
        "clean",
        [
            _not_null("article_id"),
            _not_null("title"),
            Rule("ExpectColumnValueLengthsToBeBetween", {"column": "title", "min_value": 5, "max_value": 400}),
            _not_null("text"),
            _rows_between("word_count", 40, 60_000),
            _not_null("language"),
            _in_set("language", iso639_1_codes()),
            Rule("ExpectColumnValuesToMatchRegex", {"column": "url", "regex": URL_PATTERN}),
            # a page may give no date (it loads undated); a date in the future or before the floor is wrong
            _rows_between("published_at", floor, now + timedelta(hours=1)),
            _not_null("fingerprint"),
        ],
        description="articles: a title, a body of 40 to 60,000 words, an ISO 639-1 language, a plausible date",
    )


# --- enrich -----------------------------------------------------------------------------------


def enrich_articles_suite(expected_rows: int) -> Suite:
    return Suite(
        "enrich_articles",
        "enrich",
        [
            Rule("ExpectTableRowCountToEqual", {"value": expected_rows}, row_level=False),
            _unique("item_id"),
            _rows_between("tone", -1.0, 1.0),
            _rows_between("conflict_cooperation", -1.0, 1.0),
            _not_null("is_trade"),
        ],
        description="every cleaned article comes out enriched once; tone and conflict-cooperation in [-1, 1]",
    )


def enrich_countries_suite() -> Suite:
    return Suite(
        "enrich_countries",
        "enrich",
        [
            _in_set("iso3", country_codes()),
            _rows_between("salience", 0.0, 1.0),
            _rows_between("mentions", 1, None),
        ],
        description="country mentions: ISO3 codes of the country dimension, salience in [0, 1]",
    )


def enrich_topics_suite() -> Suite:
    return Suite(
        "enrich_topics",
        "enrich",
        [_in_set("id", topic_ids()), _rows_between("score", 0.0, 1.0), _rows_between("hits", 1, None)],
        description="topics: ids of the taxonomy (config/topics.yaml), score in [0, 1]",
    )


def enrich_places_suite() -> Suite:
    return Suite(
        "enrich_places",
        "enrich",
        [_in_set("iso3", country_codes()), _rows_between("lat", -90.0, 90.0), _rows_between("lon", -180.0, 180.0)],
        description="places: in a known country, with coordinates on the globe",
    )


def enrich_dyads_suite() -> Suite:
    return Suite(
        "enrich_dyads",
        "enrich",
        [
            _in_set("a", country_codes()),
            _in_set("b", country_codes()),
            # a dyad is unordered and stored once, as (a, b) with a < b
            Rule("ExpectColumnPairValuesAToBeGreaterThanB", {"column_A": "b", "column_B": "a", "or_equal": False}),
            _rows_between("tone", -1.0, 1.0),
            _rows_between("conflict_cooperation", -1.0, 1.0),
        ],
        description="country pairs: known codes, stored once in order, tone in [-1, 1]",
    )


def enrich_events_suite() -> Suite:
    return Suite(
        "enrich_events",
        "enrich",
        [
            _not_null("type"),
            _rows_between("days_from_published", -EVENT_DAYS_BEFORE, EVENT_DAYS_AFTER),
            _rows_between("effective_days_from_published", -EVENT_DAYS_BEFORE, EVENT_DAYS_AFTER),
            _rows_between("rate_pct", 0.0, 1000.0),
        ],
        description="events: dates within 30 years before and 10 after publication; tariff rates 0 to 1,000%",
    )


def enrich_people_suite() -> Suite:
    return Suite(
        "enrich_people",
        "enrich",
        [_not_null("name"), _in_set("country_iso3", country_codes())],
        description="people: a name; a nationality, when given, from the country dimension",
    )


# --- warehouse --------------------------------------------------------------------------------


def warehouse_articles_suite(now: datetime | None = None) -> Suite:
    now = now or datetime.now(UTC)
    return Suite(
        "warehouse_articles",
        "warehouse",
        [
            _not_null("article_id", row_level=False),
            _unique("article_id"),
            _in_set("language", iso639_1_codes(), row_level=False),
            Rule("ExpectColumnValuesToMatchRegex", {"column": "url", "regex": URL_PATTERN}, row_level=False),
            _rows_between("published_at", None, now + timedelta(hours=1), row_level=False),
            _rows_between("tone", -1.0, 1.0, row_level=False),
            _in_set("source_known", ["yes"], row_level=False),
        ],
        key=None,
        description="the articles table: unique ids, valid languages and URLs, no future dates, known sources",
    )


INTEGRITY_CHECKS = (
    "orphan_rows",  # bridge and fact rows whose article is not in articles
    "unknown_countries",  # country codes not in the country dimension
    "unknown_topics",  # topic ids not in the topic dimension
    "duplicate_keys",  # rows sharing a key that should be unique
    "loaded_and_quarantined",  # items both loaded and held in quarantine
)


def warehouse_integrity_suite() -> Suite:
    """One row per table and check, with the count of offending rows: every count must be zero."""
    return Suite(
        "warehouse_integrity",
        "warehouse",
        [_in_set("check", INTEGRITY_CHECKS, row_level=False), _rows_between("offending_rows", 0, 0, row_level=False)],
        key=None,
        description="referential integrity: facts and bridges point at articles and at the dimensions",
    )


def run_ledger_suite() -> Suite:
    """The run's accounting: every item discovered and fetched ends in exactly one bucket."""
    return Suite(
        "run_ledger",
        "warehouse",
        [
            _row_count(1, 1),
            Rule(
                "ExpectColumnPairValuesToBeEqual",
                {"column_A": "items_discovered", "column_B": "discovered_accounted"},
                row_level=False,
            ),
            Rule(
                "ExpectColumnPairValuesToBeEqual",
                {"column_A": "pages_fetched", "column_B": "fetched_accounted"},
                row_level=False,
            ),
        ],
        key=None,
        description="discovered = fetched + fetch failures + skipped; fetched = loaded + duplicates + "
        "not articles + quarantined",
    )


def all_suites(now: datetime | None = None, max_bytes: int = 5_000_000) -> list[Suite]:
    """Every suite, for documentation and for the tests that check they build."""
    return [
        fetch_run_suite(),
        fetch_items_suite(),
        fetch_pages_suite(max_bytes),
        clean_pages_suite(0),
        clean_articles_suite(now),
        enrich_articles_suite(0),
        enrich_countries_suite(),
        enrich_topics_suite(),
        enrich_places_suite(),
        enrich_dyads_suite(),
        enrich_events_suite(),
        enrich_people_suite(),
        warehouse_articles_suite(now),
        warehouse_integrity_suite(),
        run_ledger_suite(),
    ]
