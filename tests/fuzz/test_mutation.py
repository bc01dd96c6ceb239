"""Mutation fuzzing: real pages from ../shared/eval, mutated with a seeded RNG, through clean and enrich.

Each mutant is a real page with one to three of: byte flips, a chunk deleted, a chunk duplicated, tag
soup inserted, truncation. They go through the clean worker pool (5 s a page), then each article through
enrich_record, and the whole batch through the enrich stage: one row out per page in, in order.
"""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl

from tests.fuzz import tally
from tests.fuzz.checks import EXAMPLES, PAGE_TIMEOUT, clean_through, fetched_row
from tests.fuzz.mutate import mutants, real_pages, seeded
from tradewire.clean.run import CLEAN_SCHEMA
from tradewire.clean.workers import WorkerPool
from tradewire.enrich.run import enrich_articles, enrich_record

SEED = 20251127
SEED_PAGES = 24  # eight from each of the three page sets
MUTANTS = max(24, EXAMPLES // 2)


def test_mutated_real_pages_through_clean_and_enrich(clean_pool: WorkerPool, tmp_path: Path) -> None:
    pages = mutants(real_pages(SEED_PAGES), MUTANTS, SEED)
    rng = seeded(SEED)
    rows = [
        fetched_row(name, data, rng.choice(["text/html", None, "text/html; charset=utf-8"])) for name, data in pages
    ]
    records, _ = clean_through(clean_pool, rows)
    failed = {r["item_id"]: r["reason"] for r in records if r["page_type"] == "failed"}
    assert not failed, failed  # over the page limit, or an exception inside the cleaner
    articles = [r for r in records if r["page_type"] == "article"]
    assert len(articles) >= len(records) // 3  # mutated, but most are still articles: the test exercises enrich

    for record in articles:
        started = time.monotonic()
        enrich_record(record["title"], record["text"], None, record["authors"])
        tally.count("enrich")
        elapsed = time.monotonic() - started
        assert elapsed < PAGE_TIMEOUT, f"{record['item_id']}: enrichment took {elapsed:.1f}s"

    clean_path = tmp_path / "clean.parquet"
    pl.DataFrame(records, schema=CLEAN_SCHEMA, orient="row").write_parquet(clean_path)
    enriched = pl.read_parquet(enrich_articles(clean_path, tmp_path / "enriched.parquet"))
    assert enriched["item_id"].to_list() == [r["item_id"] for r in records]  # one row per page, in order
    errors = enriched.filter(pl.col("enrich_error").is_not_null())
    assert errors.is_empty(), errors.select("item_id", "enrich_error").rows()
