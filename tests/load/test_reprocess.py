"""Reprocessing from the raw archive, without the network, rebuilds the same tables."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tradewire.fetch.reprocess import archived_pages
from tradewire.pipeline import run_all
from tradewire.settings import Settings

CONTENT = {
    "articles": "SELECT * EXCLUDE (first_seen_at, last_seen_at) FROM articles ORDER BY article_id",
    "article_countries": "SELECT * FROM article_countries ORDER BY ALL",
    "article_topics": "SELECT * FROM article_topics ORDER BY ALL",
    "article_lsh": "SELECT * FROM article_lsh ORDER BY ALL",
    "article_urls": "SELECT * EXCLUDE (first_seen_at) FROM article_urls ORDER BY ALL",
    "article_people": "SELECT * FROM article_people ORDER BY ALL",
    "article_places": "SELECT * FROM article_places ORDER BY ALL",
    "article_orgs": "SELECT * FROM article_orgs ORDER BY ALL",
    "dyads": "SELECT * FROM dyads ORDER BY ALL",
    "events": "SELECT * FROM events ORDER BY ALL",
    "quotes": "SELECT * FROM quotes ORDER BY ALL",
    "amounts": "SELECT * FROM amounts ORDER BY ALL",
    "items": "SELECT * EXCLUDE (last_fetched_at, last_run_id) FROM items ORDER BY item_id",
    "fetch_log": "SELECT * FROM fetch_log ORDER BY ALL",  # reprocessing makes no requests
    "raw_archive": "SELECT * FROM raw_archive ORDER BY ALL",
    "quarantine": "SELECT item_id, stage FROM quarantine ORDER BY ALL",
}


def _contents(warehouse: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {table: con.execute(query).fetchall() for table, query in CONTENT.items()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings.from_env({"TRADEWIRE_HOME": str(tmp_path_factory.mktemp("home"))})
    run_all("ingest-1", settings)
    return settings


def test_reprocess_from_the_archive_gives_the_same_tables(ingested: Settings) -> None:
    before = _contents(ingested.warehouse_path)
    ledger = run_all("reprocess-1", ingested, from_archive=True)
    after = _contents(ingested.warehouse_path)
    assert ledger["pages_fetched"] == 39 and ledger["articles_loaded"] == 34 and ledger["articles_new"] == 0
    for table in CONTENT:
        assert after[table] == before[table], table


def test_archive_selection_by_source_and_day(ingested: Settings, tmp_path: Path) -> None:
    import polars as pl

    def pick(**kwargs: object) -> pl.DataFrame:
        out = archived_pages(ingested.snapshot_path, ingested.archive_dir, tmp_path / "f.parquet", **kwargs)  # type: ignore[arg-type]
        return pl.read_parquet(out)

    assert pick().height == 39
    assert set(pick(sources=["saved-dumps"])["source"]) == {"saved-dumps"}
    assert pick(until="2000-01-01").height == 0
    assert pick(since="2000-01-01", until="2999-12-31").height == 39
    dump = pick(sources=["saved-dumps"]).row(0, named=True)
    assert dump["body"] and dump["path"].endswith(".txt")


def test_a_missing_archive_file_is_an_error_not_a_silent_drop(ingested: Settings, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "archive"
    shutil.copytree(ingested.archive_dir, copy)
    next(copy.rglob("*.gz")).unlink()
    with pytest.raises(FileNotFoundError):
        archived_pages(ingested.snapshot_path, copy, tmp_path / "f.parquet")
