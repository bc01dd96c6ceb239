"""Expectation suites, as code. Row-level expectations quarantine rows; batch-level ones stop the run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class Rule:
    """One expectation. row_level rules send failing rows to quarantine instead of failing the batch."""

    expectation: str  # class name in great_expectations.expectations
    kwargs: dict[str, Any]
    row_level: bool = True


def iso639_1_codes() -> list[str]:
    import pycountry

    return sorted(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))


def cleaned_articles_rules(now: datetime | None = None, published_floor: str = "1990-01-01") -> list[Rule]:
    now = now or datetime.now(UTC)
    return [
        Rule("ExpectColumnValuesToNotBeNull", {"column": "article_id"}),
        # one row per fetched page; two pages may name one article (an AMP copy and its rel=canonical),
        # which the load resolves as duplicates, so article_id is unique in the warehouse, not here
        Rule("ExpectColumnValuesToBeUnique", {"column": "item_id"}, row_level=False),
        Rule("ExpectColumnValuesToNotBeNull", {"column": "title"}),
        Rule("ExpectColumnValueLengthsToBeBetween", {"column": "title", "min_value": 5, "max_value": 400}),
        Rule("ExpectColumnValuesToNotBeNull", {"column": "text"}),
        Rule("ExpectColumnValuesToBeBetween", {"column": "word_count", "min_value": 40, "max_value": 60_000}),
        Rule("ExpectColumnValuesToBeInSet", {"column": "language", "value_set": iso639_1_codes()}),
        Rule("ExpectColumnValuesToMatchRegex", {"column": "url", "regex": r"^https?://[^\s/$.?#].[^\s]*$"}),
        Rule(
            "ExpectColumnValuesToBeBetween",
            {
                "column": "published_at",
                "min_value": datetime.fromisoformat(published_floor).replace(tzinfo=UTC),
                "max_value": now,
            },
        ),
        Rule("ExpectColumnToExist", {"column": "fingerprint"}, row_level=False),
    ]
