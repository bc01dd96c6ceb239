"""Crash safety: tasks killed with SIGKILL part-way, then rerun, leave the warehouse exact.

Each ingest task runs in a process of its own (tests/e2e/crash_stage.py, calling what the DAG
task calls), and a crash point (tradewire.faults) kills it at the worst moment: the load with its
transaction written but not committed, the load after its commit but before it returned its
ledger, the publish with the new snapshot copied but not yet renamed into place, an enrich
worker and a clean worker part-way through their pages, and the enrich task itself while it is
writing its output. After each crash the task is run again, as Airflow's retry would: the
tables must equal those of a run that never crashed, row for row, with no duplicate key; the
ledger must balance; a dashboard-like reader querying the snapshot throughout must only ever
see a complete older or newer version; and what the crash left behind (the writer lock, a
half-written snapshot or stage file) must be recovered from without anyone's help.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from tests.conftest import REPO
from tests.e2e.airflow_env import AIRFLOW, airflow_env
from tests.load.test_warehouse import KEYS
from tradewire import pipeline
from tradewire.enrich import run as enrich_run
from tradewire.faults import CRASH_AT_ENV, CRASH_MARK_ENV
from tradewire.load.warehouse import connect, loading_copy, table_counts
from tradewire.settings import Settings

pytestmark = pytest.mark.e2e

HERE = Path(__file__).parent
RUN_ID = "crash-run"
# timestamps that are content; every other one is the moment a row was written, different in any two runs
CONTENT_MOMENTS = ("published_at", "modified_at")
CONTENT_TABLES = sorted(set(KEYS) | {"raw_archive"})


def _settings(home: Path) -> Settings:
    return Settings.from_env({"TRADEWIRE_HOME": str(home), "TRADEWIRE_HOST_DELAY": "0"})


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample fetched, cleaned, enriched and checked (the tasks before the load), in a folder to copy."""
    home = tmp_path_factory.mktemp("prepared") / "data"
    settings = _settings(home)
    fetched = pipeline.fetch_stage(RUN_ID, settings)
    fetch_check = pipeline.validate_fetch_stage(fetched, RUN_ID, settings)
    clean_check = pipeline.validate_clean_stage(
        pipeline.clean_stage(fetch_check, RUN_ID, settings), fetch_check, RUN_ID, settings
    )
    enrich_check = pipeline.validate_enrich_stage(
        pipeline.enrich_stage(clean_check, RUN_ID, settings), clean_check, RUN_ID, settings
    )
    state = {"run_id": RUN_ID, "fetch_path": fetched, "checks": [fetch_check, clean_check, enrich_check]}
    (home / "state.json").write_text(json.dumps(state, default=str))
    return home


def _copy(prepared: Path, to: Path) -> Path:
    """The prepared folder at another place, with the paths the state carries pointed there."""
    shutil.copytree(prepared, to)
    state = to / "state.json"
    state.write_text(state.read_text().replace(str(prepared), str(to)))
    return to


@pytest.fixture(scope="module")
def reference(prepared: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The tables after the remaining tasks ran once with no crash."""
    home = _copy(prepared, tmp_path_factory.mktemp("reference") / "data")
    _tasks(home, "load", "validate_warehouse", "record_run", "publish")
    return _contents(home / "warehouse.duckdb")


def _tasks(
    home: Path, *tasks: str, crash_at: str | None = None, mark: Path | None = None, chunk_articles: int | None = None
) -> int:
    env = {**os.environ, "TRADEWIRE_HOME": str(home), "TRADEWIRE_HOST_DELAY": "0"}
    if chunk_articles:
        env["TRADEWIRE_LOAD_CHUNK_ARTICLES"] = str(chunk_articles)
    env.pop(CRASH_AT_ENV, None)
    if crash_at:
        env[CRASH_AT_ENV] = crash_at
    if mark:
        env[CRASH_MARK_ENV] = str(mark)
    done = subprocess.run(
        [sys.executable, str(HERE / "crash_stage.py"), str(home / "state.json"), *tasks],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if crash_at is None:
        assert done.returncode == 0, f"{tasks} failed:\n{done.stderr[-3000:]}"
    return done.returncode


def _contents(warehouse: Path) -> dict[str, Any]:
    """Every content table's rows (sorted, moments of writing left out) and every table's count."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out: dict[str, Any] = {"counts": table_counts(warehouse)}
        for table in CONTENT_TABLES:
            described = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position",
                [table],
            ).fetchall()
            columns = [name for name, kind in described if not kind.startswith("TIMESTAMP") or name in CONTENT_MOMENTS]
            rows = con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()  # noqa: S608
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


def _assert_exact(home: Path, reference: dict[str, Any]) -> None:
    warehouse = home / "warehouse.duckdb"
    got = _contents(warehouse)
    assert got["counts"] == reference["counts"]
    for table in CONTENT_TABLES:
        assert got[table] == reference[table], f"{table} differs from the run that never crashed"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for table, key in KEYS.items():
            query = f"SELECT count(*) FROM (SELECT {', '.join(key)} FROM {table} GROUP BY ALL HAVING count(*) > 1)"  # noqa: S608
            assert con.execute(query).fetchall() == [(0,)], f"duplicate keys in {table}"
        ledger = con.execute("SELECT status, balanced FROM run_ledger WHERE run_id = ?", [RUN_ID]).fetchall()
    finally:
        con.close()
    assert ledger == [("loaded", True)]


def _snapshot_articles(snapshot: Path) -> int:
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        return int(con.execute("SELECT count(*) FROM articles").fetchall()[0][0])
    finally:
        con.close()


def test_load_and_publish_killed_then_rerun_leave_the_warehouse_exact(
    prepared: Path, reference: dict[str, Any], tmp_path: Path
) -> None:
    home = _copy(prepared, tmp_path / "data")
    warehouse, snapshot = home / "warehouse.duckdb", home / "serving" / "tradewire.duckdb"
    settings = _settings(home)
    connect(warehouse).close()  # the warehouse as a first run finds it: migrated, empty
    pipeline.publish_stage(settings)  # an older version for readers: the warehouse before this run (no articles)
    articles = reference["counts"]["articles"]
    stop, result = tmp_path / "reader.stop", tmp_path / "reader.json"
    reader = subprocess.Popen([sys.executable, str(HERE / "snapshot_reader.py"), str(snapshot), str(stop), str(result)])
    try:
        # 1. the load dies with its whole transaction written but not committed: none of it may survive
        assert _tasks(home, "load", crash_at="load.before_commit") == -signal.SIGKILL
        assert table_counts(warehouse)["articles"] == 0  # opens at once: no stale lock, the WAL replays nothing
        # 2. the retry dies after its commit, before returning its ledger: the data is in, the task failed
        assert _tasks(home, "load", crash_at="load.after_commit") == -signal.SIGKILL
        assert table_counts(warehouse)["articles"] == articles
        # 3. the second retry loads the same pages again (an upsert: nothing doubles) and the run goes on
        _tasks(home, "load", "validate_warehouse", "record_run")
        # 4. the publish dies with the new copy written beside the snapshot, not yet renamed over it
        assert _tasks(home, "publish", crash_at="publish.before_rename") == -signal.SIGKILL
        leftovers = list(snapshot.parent.glob(".tradewire.duckdb.*.tmp*"))
        assert leftovers, "the crash should have left its temporary copy"
        assert _snapshot_articles(snapshot) == 0  # readers still have the complete older version
        # 5. the retried publish clears the dead publisher's copy and swaps in the new version
        _tasks(home, "publish")
        assert not any(p.exists() for p in leftovers)
        assert _snapshot_articles(snapshot) == articles
    finally:
        stop.touch()
        reader.wait(timeout=60)
    _assert_exact(home, reference)
    seen = json.loads(result.read_text())
    print(f"snapshot reader during the crashes: {seen['queries']} queries, errors {seen['errors']}, "
          f"article counts seen {seen['article_counts']}")  # fmt: skip
    assert seen["errors"] == []
    assert seen["queries"] > 0
    assert set(seen["article_counts"]) <= {0, articles}  # only ever a complete older or newer version


def test_a_load_in_steps_killed_on_its_copy_leaves_the_warehouse_as_it_was(
    prepared: Path, reference: dict[str, Any], tmp_path: Path
) -> None:
    """A run of several chunks commits each on a copy of the warehouse: killed between two commits or just
    before the copy's rename, the warehouse is untouched; the rerun removes the copy and loads exactly the
    tables an unchunked load gave."""
    home = _copy(prepared, tmp_path / "data")
    warehouse = home / "warehouse.duckdb"
    copy = loading_copy(warehouse)
    connect(warehouse).close()
    chunk = 2  # the sample's articles in several chunks
    for crash_at in ("load.step:2", "load.before_commit"):
        assert _tasks(home, "load", crash_at=crash_at, chunk_articles=chunk) == -signal.SIGKILL
        assert table_counts(warehouse)["articles"] == 0, f"the warehouse changed before the rename ({crash_at})"
        assert table_counts(copy)["articles"] > 0, "the steps should have been committed on the copy"
    _tasks(home, "load", "validate_warehouse", "record_run", "publish", chunk_articles=chunk)
    assert not copy.exists()
    assert not copy.with_name(copy.name + ".wal").exists()
    _assert_exact(home, reference)


def test_enrich_task_killed_while_writing_is_rerun_from_a_clean_slate(prepared: Path, tmp_path: Path) -> None:
    home = _copy(prepared, tmp_path / "data")
    enriched = Path(json.loads((home / "state.json").read_text())["checks"][2]["passed_path"]).parent.parent
    output = enriched / "enriched.parquet"
    expected = pl.read_parquet(output)
    output.unlink()
    # the task process itself dies on its 20th article, its output half-written
    assert _tasks(home, "enrich", crash_at="enrich.article:20") == -signal.SIGKILL
    half_written = list(enriched.glob(".enriched.parquet.*.tmp"))
    assert half_written and not output.exists()  # never a truncated file under the real name
    _tasks(home, "enrich")
    assert not any(p.exists() for p in half_written)  # the dead writer's file was removed by the rerun
    assert pl.read_parquet(output).equals(expected)


@pytest.mark.parametrize("stage", ["clean", "enrich"])
def test_a_worker_killed_part_way_loses_no_page(
    prepared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    """One worker of the pool is killed mid-run (as the OOM killer would): its page is redone, nothing is lost."""
    from tradewire.clean.run import clean_items

    state = json.loads((prepared / "state.json").read_text())
    fetch_check, clean_check = state["checks"][0], state["checks"][1]
    monkeypatch.setenv(CRASH_AT_ENV, f"{stage}.page:3" if stage == "clean" else "enrich.article:3")
    monkeypatch.setenv(CRASH_MARK_ENV, str(tmp_path / "crashed-once"))
    out = tmp_path / f"{stage}.parquet"
    if stage == "clean":
        expected = pl.read_parquet(Path(clean_check["passed_path"]).parent.parent / "clean.parquet")
        clean_items(Path(fetch_check["passed_path"]), out, page_timeout=30, workers=2)
    else:
        expected = pl.read_parquet(Path(state["checks"][2]["passed_path"]).parent.parent / "enriched.parquet")
        monkeypatch.setattr(enrich_run, "MIN_ARTICLES_PER_WORKER", 1)  # workers even for the small sample
        enrich_run.enrich_articles(Path(clean_check["passed_path"]), out, workers=2, timeout=30)
    assert (tmp_path / "crashed-once").exists(), "no worker was killed"
    # the same rows as the run without a crash: no page lost, none marked failed by the kill
    assert pl.read_parquet(out).sort("item_id").equals(expected.sort("item_id"))


def test_a_real_dag_run_killed_in_its_load_is_made_good_by_the_next_run(
    reference: dict[str, Any], tmp_path: Path
) -> None:
    """`airflow dags test` runs tasks in its own process: the crash point kills the whole run mid-load, as a lost
    worker machine would. Nothing was published, so the next scheduled run fetches and loads everything again."""
    env = airflow_env(tmp_path, TRADEWIRE_HOST_DELAY="0")
    test = [AIRFLOW, "dags", "test", "tradewire_ingest"]
    crashed = subprocess.run(test, env={**env, CRASH_AT_ENV: "load.before_commit"}, cwd=REPO, capture_output=True,
                             text=True, timeout=600)  # fmt: skip
    assert crashed.returncode == -signal.SIGKILL, crashed.stdout[-3000:]
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    assert table_counts(warehouse)["articles"] == 0
    assert not (tmp_path / "data" / "serving" / "tradewire.duckdb").exists()
    again = subprocess.run(test, env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout[-3000:]
    got = _contents(warehouse)
    # the same articles and enrichment as the run that never crashed; per-run tables hold both runs' rows
    for table in ("articles", "article_countries", "article_topics", "article_people", "dyads", "events", "quotes"):
        assert got[table] == reference[table], f"{table} differs from the run that never crashed"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        ledgers = con.execute("SELECT status, balanced FROM run_ledger ORDER BY started_at").fetchall()
        for table, key in KEYS.items():
            query = f"SELECT count(*) FROM (SELECT {', '.join(key)} FROM {table} GROUP BY ALL HAVING count(*) > 1)"  # noqa: S608
            assert con.execute(query).fetchall() == [(0,)], f"duplicate keys in {table}"
    finally:
        con.close()
    assert ledgers == [("loaded", True)]  # the killed run never got to record itself; the next one balanced
