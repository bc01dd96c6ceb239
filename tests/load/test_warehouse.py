"""Loading the sample twice through every stage (no Airflow): same tables, no duplicates, nothing lost."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from tradewire.load.schema import MIGRATIONS, TABLES
from tradewire.load.warehouse import table_counts
from tradewire.pipeline import run_all
from tradewire.settings import Settings

KEYS = {
    "sources": ["source_id"],
    "articles": ["article_id"],
    "article_lsh": ["article_id", "band_key"],
    "article_countries": ["article_id", "iso3"],
    "article_topics": ["article_id", "topic_id"],
    "article_urls": ["article_id", "item_id"],
    "article_people": ["article_id", "person_key"],
    "article_places": ["article_id", "name"],
    "article_orgs": ["article_id", "org_key"],
    "dyads": ["article_id", "a", "b"],
    "events": ["article_id", "event_seq"],
    "quotes": ["article_id", "quote_seq"],
    "amounts": ["article_id", "amount_seq"],
    "items": ["item_id"],
    "fetch_log": ["run_id", "item_id", "purpose", "attempt"],
    "quarantine": ["item_id", "stage"],
}


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict, dict, list[dict]]:
    home = tmp_path_factory.mktemp("home")
    settings = Settings.from_env({"TRADEWIRE_HOME": str(home)})
    first = run_all("run-1", settings)
    counts_1 = table_counts(settings.warehouse_path)
    second = run_all("run-2", settings)
    counts_2 = table_counts(settings.warehouse_path)
    return settings, counts_1, counts_2, [first, second]


def test_second_run_fetches_nothing_and_changes_no_table(two_runs: tuple) -> None:
    """Only the per-run tables grow: fetch_log by run 2's reads of the listings (not one page request),
    dq_results and run_ledger by run 2's checks and ledger."""
    settings, counts_1, counts_2, ledgers = two_runs
    print("row counts after run 1:", counts_1)
    print("row counts after run 2:", counts_2)
    listings = pl.read_parquet(settings.run_dir("run-1") / "fetch.parquet").filter(pl.col("item_kind") == "feed")
    # the per-run tables gain run 2's rows: its expectation results and its ledger
    assert {**counts_2, "fetch_log": counts_1["fetch_log"], "dq_results": counts_1["dq_results"], "run_ledger": 1} == (
        counts_1
    )
    assert counts_2["dq_results"] == 2 * counts_1["dq_results"] and counts_2["run_ledger"] == 2
    assert counts_2["fetch_log"] == counts_1["fetch_log"] + listings.height
    assert set(counts_1) == set(TABLES)
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        purposes = con.execute("SELECT DISTINCT purpose FROM fetch_log WHERE run_id = 'run-2'").fetchall()
    finally:
        con.close()
    assert purposes == [("feed",)]
    assert ledgers[0]["articles_loaded"] == counts_1["articles"]
    assert ledgers[1]["items_discovered"] == ledgers[1]["skipped"] == ledgers[0]["items_discovered"]
    assert ledgers[1]["pages_fetched"] == ledgers[1]["articles_loaded"] == 0
    second = pl.read_parquet(settings.run_dir("run-2") / "fetch.parquet")
    assert second.filter(pl.col("item_kind") == "page").height == 0  # only the feeds were read again


def test_ledgers_add_up(two_runs: tuple) -> None:
    for ledger in two_runs[3]:
        assert ledger["items_discovered"] == ledger["skipped"] + ledger["fetch_failures"] + ledger["pages_fetched"]
        assert ledger["pages_fetched"] == (
            ledger["articles_loaded"] + ledger["duplicates"] + ledger["not_articles"] + ledger["quarantined"]
        )  # fmt: skip
        assert ledger["balanced"] is True and ledger["unaccounted"] == 0


def test_no_duplicate_keys(two_runs: tuple) -> None:
    settings = two_runs[0]
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        for table, key in KEYS.items():
            cols = ", ".join(key)
            dupes = con.execute(f"SELECT {cols}, count(*) FROM {table} GROUP BY ALL HAVING count(*) > 1").fetchall()  # noqa: S608
            assert dupes == [], table
        orphans = con.execute(
            "SELECT count(*) FROM article_countries WHERE article_id NOT IN (SELECT article_id FROM articles)"
        ).fetchone()
        assert orphans == (0,)
    finally:
        con.close()


def test_every_fetched_item_is_accounted_for(two_runs: tuple) -> None:
    settings, counts, _, ledgers = two_runs
    fetched = pl.read_parquet(settings.run_dir("run-1") / "fetch.parquet")
    assert counts["items"] == fetched.height
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        statuses = dict(con.execute("SELECT status, count(*) FROM items GROUP BY status").fetchall())
        loaded_ids = {r[0] for r in con.execute("SELECT article_id FROM items WHERE status = 'loaded'").fetchall()}
        article_ids = {r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()}
        dup = con.execute("SELECT duplicate_of FROM items WHERE status = 'duplicate'").fetchall()
        last_attempts = dict(
            con.execute(
                "SELECT item_id, outcome FROM fetch_log WHERE run_id = 'run-1' AND purpose IN ('page', 'feed') "
                "QUALIFY attempt = max(attempt) OVER (PARTITION BY item_id, purpose)"
            ).fetchall()
        )
    finally:
        con.close()
    # every item of the run has its requests in fetch_log, the last one with the item's outcome
    assert last_attempts == dict(fetched.select("item_id", "outcome").iter_rows())
    assert loaded_ids == article_ids
    # the syndicated EV story has the same text once the wire's credit line is gone: one article, two URLs
    assert statuses.get("duplicate") == ledgers[0]["duplicates"] == 1
    assert dup[0][0] in article_ids
    assert statuses.get("skipped") == ledgers[0]["not_articles"] == 4  # empty, error, section front, paywall
    assert statuses.get("listed") == fetched.filter(pl.col("item_kind") == "feed").height


def test_snapshot_is_published_read_only_in_an_old_storage_format(two_runs: tuple) -> None:
    settings = two_runs[0]
    snapshot = settings.snapshot_path
    assert snapshot.exists() and oct(snapshot.stat().st_mode)[-3:] == "644"
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (two_runs[2]["articles"],)
        version = con.execute(
            "SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = current_database()"
        ).fetchone()
    finally:
        con.close()
    assert version is not None and str(version[0]).startswith("v1.2.0")


def test_migrations_are_recorded_once(two_runs: tuple) -> None:
    con = duckdb.connect(str(Path(two_runs[0].warehouse_path)), read_only=True)
    try:
        recorded = con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
        assert recorded == [(version,) for version, _, _ in MIGRATIONS]
    finally:
        con.close()


def test_syndicated_copy_collapses_into_the_original_keeping_its_url(two_runs: tuple) -> None:
    con = duckdb.connect(str(two_runs[0].warehouse_path), read_only=True)
    try:
        shared = con.execute(
            "SELECT u.article_id, list(u.source_id ORDER BY u.source_id), any_value(a.title) FROM article_urls u "
            "JOIN articles a USING (article_id) GROUP BY u.article_id HAVING count(*) > 1"
        ).fetchall()
        counts = con.execute("SELECT count(*), count(DISTINCT article_id) FROM article_urls").fetchone()
        stories = con.execute("SELECT count(*) FROM articles WHERE story_id = article_id").fetchone()
        duplicate = con.execute("SELECT duplicate_of FROM items WHERE status = 'duplicate'").fetchall()
    finally:
        con.close()
    assert len(shared) == 1
    article_id, sources, title = shared[0]
    assert duplicate == [(article_id,)] and len(set(sources)) == 2
    assert "electric vehicle price undertakings" in title
    assert counts == (35, 34)  # every page that became an article or a copy of one keeps its URL
    assert stories == (34,)  # no near duplicates in the sample: every article is a story of its own


def test_migration_7_recomputes_stored_signatures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Articles stored with version-1 signatures get version-2 signatures and LSH bands from their text."""
    from tradewire.clean.dedup import band_keys, minhash
    from tradewire.load import schema

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    monkeypatch.setattr(schema, "MIGRATIONS", MIGRATIONS[:6])
    schema.migrate(con)
    text = "Steel tariffs rise again as talks stall between the two largest economies in the world."
    con.execute(
        "INSERT INTO articles (article_id, source_id, title, text, fingerprint, minhash, first_seen_at, last_seen_at)"
        " VALUES ('a1', 's', 'Steel', ?, 'fp', ?, now(), now())",
        [text, [1] * 64],
    )
    con.execute("INSERT INTO article_lsh VALUES ('a1', 'stale-band')")
    monkeypatch.setattr(schema, "MIGRATIONS", MIGRATIONS[:7])
    assert schema.migrate(con) == [7]
    stored = con.execute("SELECT minhash FROM articles").fetchone()
    bands = {r[0] for r in con.execute("SELECT band_key FROM article_lsh WHERE article_id = 'a1'").fetchall()}
    con.close()
    assert stored is not None and list(stored[0]) == minhash(text)
    assert bands == set(band_keys(minhash(text)))


def test_people_and_is_trade_are_loaded(two_runs: tuple) -> None:
    con = duckdb.connect(str(two_runs[0].warehouse_path), read_only=True)
    try:
        trade = con.execute("SELECT count(*) FILTER (is_trade), count(is_trade), count(*) FROM articles").fetchone()
        people = con.execute(
            "SELECT count(*), count(DISTINCT article_id), count(actor_id) FROM article_people "
            "WHERE article_id IN (SELECT article_id FROM articles)"
        ).fetchone()
        trump = con.execute("SELECT count(*) FROM article_people WHERE actor_id = 'donald_trump'").fetchone()
    finally:
        con.close()
    assert trade is not None and trade[1] == trade[2] and 0 < trade[0] < trade[2]  # set for all, not all trade
    assert people is not None and people[0] > 0 and people[1] > 10 and people[2] > 0
    assert trump is not None and trump[0] >= 1


def test_every_enrichment_family_has_rows_that_point_back_into_the_text(two_runs: tuple) -> None:
    settings, counts, _, _ = two_runs
    for table in ("article_places", "article_orgs", "dyads", "events", "quotes", "amounts"):
        assert counts[table] > 0, table
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        bad_quotes = con.execute(
            "SELECT count(*) FROM quotes q JOIN articles a USING (article_id) "
            "WHERE q.start_offset < 0 OR q.end_offset > length(a.text) OR q.start_offset >= q.end_offset"
        ).fetchone()
        talks = con.execute(
            "SELECT count(*) FROM events WHERE event_type = 'talks' AND place_iso3 IS NOT NULL"
        ).fetchone()
        tariffs = con.execute(
            "SELECT count(*) FROM events WHERE event_type = 'tariff_action' AND rate_pct IS NOT NULL"
        ).fetchone()
        tone = con.execute(
            "SELECT count(*) FILTER (WHERE tone BETWEEN -1 AND 1 AND conflict_cooperation BETWEEN -1 AND 1), count(*) "
            "FROM articles"
        ).fetchone()
        dyads = con.execute("SELECT count(*) FROM dyads WHERE NOT a < b").fetchone()
        orphans = con.execute(
            "SELECT count(*) FROM (SELECT article_id FROM events UNION ALL SELECT article_id FROM quotes "
            "UNION ALL SELECT article_id FROM article_orgs UNION ALL SELECT article_id FROM article_places) "
            "WHERE article_id NOT IN (SELECT article_id FROM articles)"
        ).fetchone()
    finally:
        con.close()
    assert bad_quotes == (0,)
    assert talks is not None and talks[0] > 0
    assert tariffs is not None and tariffs[0] > 0
    assert tone is not None and tone[0] == tone[1]
    assert dyads == (0,) and orphans == (0,)
