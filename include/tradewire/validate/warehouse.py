"""The contract of the warehouse after a load: integrity between tables and a ledger that adds up.

Every check here is batch-level: a warehouse that breaks one is not published.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from tradewire.validate import suites as contracts
from tradewire.validate.run import Contract, StageCheck, _Step

# (check, table, SQL counting the offending rows); fixed SQL, no input reaches it
_ARTICLE_TABLES = (
    "article_countries", "article_topics", "article_people", "article_places", "article_orgs", "article_urls",
    "article_lsh", "dyads", "events", "quotes", "amounts",
)  # fmt: skip
INTEGRITY_SQL: list[tuple[str, str, str]] = [
    *(
        ("orphan_rows", t, f"SELECT count(*) FROM {t} WHERE article_id NOT IN (SELECT article_id FROM articles)")  # noqa: S608
        for t in _ARTICLE_TABLES
    ),
    *(
        ("unknown_countries", f"{t}.{c}", f"SELECT count(*) FROM {t} WHERE {c} IS NOT NULL AND {c} NOT IN (SELECT iso3 FROM countries)")  # noqa: S608, E501
        for t, c in (
            ("article_countries", "iso3"), ("article_places", "iso3"), ("article_people", "country_iso3"),
            ("article_orgs", "country_iso3"), ("dyads", "a"), ("dyads", "b"), ("events", "place_iso3"),
        )
    ),
    ("unknown_topics", "article_topics", "SELECT count(*) FROM article_topics WHERE topic_id NOT IN (SELECT topic_id FROM topics)"),  # noqa: E501
    ("duplicate_keys", "articles.url", "SELECT count(*) FROM (SELECT url FROM articles WHERE url IS NOT NULL GROUP BY url HAVING count(*) > 1)"),  # noqa: E501
    ("duplicate_keys", "items", "SELECT count(*) FROM (SELECT item_id FROM items GROUP BY item_id HAVING count(*) > 1)"),  # noqa: E501
    (
        "loaded_and_quarantined",
        "quarantine",
        "SELECT count(*) FROM quarantine q JOIN items i USING (item_id) "
        "WHERE q.released_at IS NULL AND i.status = 'loaded'",
    ),
]  # fmt: skip


def integrity_frame(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    rows = [
        {"check": check, "table": table, "offending_rows": int(con.execute(sql).fetchall()[0][0])}
        for check, table, sql in INTEGRITY_SQL
    ]
    return pl.DataFrame(rows)


def articles_frame(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.sql(
        """
        SELECT article_id, url, language, published_at, tone,
               CASE WHEN source_id IN (SELECT source_id FROM sources) THEN 'yes' ELSE 'no' END AS source_known
        FROM articles
        """
    ).pl()


def ledger_frame(ledger: dict[str, Any]) -> pl.DataFrame:
    columns = (
        "items_discovered", "discovered_accounted", "pages_fetched", "fetched_accounted", "fetch_failures",
        "skipped", "articles_loaded", "duplicates", "not_articles", "quarantined", "unaccounted",
    )  # fmt: skip
    return pl.DataFrame({c: [int(ledger.get(c) or 0)] for c in columns})


def validate_warehouse(
    warehouse: Path, run_id: str, ledger: dict[str, Any], out_dir: Path, contract: Contract
) -> StageCheck:
    """Check the loaded warehouse and the run's ledger; raise ValidationFailed if either is broken."""
    now = datetime.now(UTC)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        articles = articles_frame(con)
        integrity = integrity_frame(con)
    finally:
        con.close()
    step = _Step("warehouse", run_id, contract, out_dir, now)
    step.check(articles, contracts.warehouse_articles_suite(now))
    step.check(integrity, contracts.warehouse_integrity_suite())
    step.check(ledger_frame(ledger), contracts.run_ledger_suite())
    return step.finish(pl.DataFrame(schema={"item_id": pl.String}), 0, warehouse)
