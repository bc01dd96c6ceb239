"""The real tradewire_ingest DAG through Airflow (`airflow dags test`, SQLite metadata), run twice."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.conftest import REPO
from tests.e2e.airflow_env import airflow_env as prepared_env
from tests.load.test_warehouse import KEYS
from tradewire.load.warehouse import table_counts

AIRFLOW = str(Path(sys.executable).with_name("airflow"))

pytestmark = pytest.mark.e2e


def _airflow(env: dict[str, str], *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([AIRFLOW, *args], env=env, capture_output=True, text=True, cwd=REPO, timeout=timeout)
    assert result.returncode == 0, f"airflow {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def airflow_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    # small batches, so the sample's 6 sources and 39 pages fan out over several mapped tasks
    return prepared_env(tmp_path_factory.mktemp("e2e"), TRADEWIRE_SOURCES_PER_BATCH="2", TRADEWIRE_FETCH_BATCH_SIZE="8")


def test_dag_runs_twice_with_identical_tables(airflow_env: dict[str, str]) -> None:
    home = Path(airflow_env["TRADEWIRE_HOME"])
    warehouse = home / "warehouse.duckdb"
    snapshot = home / "serving" / "tradewire.duckdb"
    staging = home / "staging"
    # a dashboard-like reader process queries the snapshot for the whole test: it must never fail
    stop, result = home.parent / "reader.stop", home.parent / "reader.json"
    reader = subprocess.Popen([sys.executable, str(Path(__file__).with_name("snapshot_reader.py")), str(snapshot),
                               str(stop), str(result)])  # fmt: skip
    try:
        _runs_and_checks(airflow_env, warehouse, snapshot, staging)
    finally:
        stop.touch()
        reader.wait(timeout=60)
    seen = json.loads(result.read_text())
    print(f"snapshot reader: {seen['queries']} queries, {len(seen['errors'])} errors, counts {seen['article_counts']}")
    assert seen["errors"] == []
    assert seen["queries"] > 100
    assert seen["article_counts"] == [34]  # every answer came from a complete version of the data


def _runs_and_checks(airflow_env: dict[str, str], warehouse: Path, snapshot: Path, staging: Path) -> None:
    _airflow(airflow_env, "dags", "test", "tradewire_ingest")
    first = table_counts(warehouse)
    (run_1,) = [p.parent for p in staging.glob("*/fetch.parquet")]
    _airflow(airflow_env, "dags", "test", "tradewire_ingest")
    second = table_counts(warehouse)
    (run_2,) = [p.parent for p in staging.glob("*/fetch.parquet") if p.parent != run_1]
    print("after run 1:", first)
    print("after run 2:", second)
    assert first["articles"] >= 30
    # mapped tasks: 6 sources in batches of 2, 39 pages in batches of 8 (5 batches)
    assert len(list((run_1 / "fetch").glob("discover-*"))) == 3
    assert len(list((run_1 / "fetch").glob("pages-*"))) == 5
    assert len(list((run_2 / "fetch").glob("pages-*"))) == 1  # nothing to fetch: one empty batch
    # the second run found nothing new, so it changed nothing but the request log (its reads of the listings)
    rereads = pl.read_parquet(run_2 / "attempts.parquet")
    assert set(rereads["purpose"]) == {"feed"}
    # per-run tables grow by one run's rows: the request log, the expectation results and the ledger
    assert second == {
        **first,
        "fetch_log": first["fetch_log"] + rereads.height,
        "dq_results": 2 * first["dq_results"],
        "run_ledger": 2,
    }
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for table, key in KEYS.items():
            cols = ", ".join(key)
            query = f"SELECT count(*) FROM (SELECT {cols} FROM {table} GROUP BY ALL HAVING count(*) > 1)"  # noqa: S608
            assert con.execute(query).fetchone() == (0,)
        page_runs = con.execute("SELECT DISTINCT last_run_id FROM items WHERE item_kind = 'page'").fetchall()
        feed_runs = con.execute("SELECT DISTINCT last_run_id FROM items WHERE item_kind = 'feed'").fetchall()
    finally:
        con.close()
    # pages were fetched by the first run only; the second read the feeds again and found nothing new
    assert len(page_runs) == len(feed_runs) == 1 and page_runs != feed_runs
    snap = duckdb.connect(str(snapshot), read_only=True)
    try:
        assert snap.execute("SELECT count(*) FROM articles").fetchone() == (second["articles"],)
    finally:
        snap.close()
    _airflow(airflow_env, "dags", "test", "tradewire_reprocess")  # from the raw archive, no network
    rebuilt = table_counts(warehouse)
    print("after reprocess:", rebuilt)
    per_run = ("dq_results", "run_ledger")
    assert {k: v for k, v in rebuilt.items() if k not in per_run} == {
        k: v for k, v in second.items() if k not in per_run
    }
    assert rebuilt["run_ledger"] == 3  # the reprocess run is accounted for like the others
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        ledgers = con.execute(
            "SELECT dag_id, status, balanced, items_discovered, pages_fetched, skipped, articles_loaded "
            "FROM run_ledger ORDER BY finished_at"
        ).fetchall()
    finally:
        con.close()
    print("ledgers:", ledgers)
    assert [row[:3] for row in ledgers] == [
        ("tradewire_ingest", "loaded", True),
        ("tradewire_ingest", "loaded", True),
        ("tradewire_reprocess", "loaded", True),
    ]
    assert ledgers[1][4] == 0 and ledgers[1][5] == ledgers[1][3]  # the second run fetched nothing: all skipped
    # the analytics DAG (scheduled on the warehouse Asset) builds the marts, exports and the report
    _airflow(airflow_env, "dags", "test", "tradewire_analytics")
    snap = duckdb.connect(str(snapshot), read_only=True)
    try:
        marts = dict(
            snap.execute(
                "SELECT table_name, estimated_size FROM duckdb_tables() WHERE table_name LIKE 'mart_%'"
            ).fetchall()
        )
        weekly = snap.execute("SELECT count(*) FROM mart_dyad_weekly").fetchone()
    finally:
        snap.close()
    print("marts in the snapshot:", marts)
    assert len(marts) == 10 and weekly is not None and weekly[0] > 0
    exports = snapshot.parent / "exports" / "current"
    manifest = json.loads((exports / "manifest.json").read_text())
    assert set(manifest["rows"]) == set(marts)
    assert all((exports / f"{mart}.parquet").exists() for mart in marts)
    report = (snapshot.parent / "report.html").read_text()
    assert "<svg" in report and 'src="http' not in report
    # daily housekeeping runs for real too: nothing is old enough to prune, the warehouse is checkpointed
    _airflow(airflow_env, "dags", "test", "tradewire_maintenance")
    assert table_counts(warehouse)["articles"] == second["articles"]
    assert not warehouse.with_name(warehouse.name + ".wal").exists()
