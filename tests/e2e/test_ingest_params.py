"""The manual-run params of tradewire_ingest through the real DAG: dry run, a subset of sources, since."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO
from tests.e2e.airflow_env import airflow_env

AIRFLOW = str(Path(sys.executable).with_name("airflow"))

pytestmark = pytest.mark.e2e


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([AIRFLOW, *args], env=env, capture_output=True, text=True, cwd=REPO, timeout=600)


def test_dry_run_loads_nothing_then_a_subset_since_a_day_loads_only_that(tmp_path: Path) -> None:
    env = airflow_env(tmp_path)
    home = tmp_path / "data"

    dry = _run(env, "dags", "test", "tradewire_ingest", "--conf", json.dumps({"dry_run": True}))
    assert dry.returncode == 0, dry.stdout[-3000:] + dry.stderr[-3000:]
    (report_file,) = home.glob("staging/*/dry_run.json")
    report = json.loads(report_file.read_text())
    print("dry run:", report)
    assert report["items_discovered"] == 39 and report["would_load_articles"] == 35  # 34 + 1 duplicate
    assert not (home / "warehouse.duckdb").exists()  # nothing loaded, nothing recorded
    assert not (home / "serving" / "tradewire.duckdb").exists()  # nothing published

    conf = {"sources": ["meridian-post-trade"], "since": "2025-10-01"}
    subset = _run(env, "dags", "test", "tradewire_ingest", "--conf", json.dumps(conf))
    assert subset.returncode == 0, subset.stdout[-3000:] + subset.stderr[-3000:]
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        sources = con.execute("SELECT DISTINCT source_id FROM articles").fetchall()
        ((discovered, fetched, skipped, detail, balanced),) = con.execute(
            "SELECT items_discovered, pages_fetched, skipped, skipped_detail, balanced FROM run_ledger"
        ).fetchall()
    finally:
        con.close()
    assert sources == [("meridian-post-trade",)]
    # the feed lists 8 pages, 5 of them dated before October: skipped and counted, the ledger balances
    assert (discovered, fetched, skipped, balanced) == (8, 3, 5, True)
    assert json.loads(str(detail))["before_since"] == 5

    typo = _run(env, "dags", "test", "tradewire_ingest", "--conf", json.dumps({"sources": ["meridian-pots"]}))
    assert "no such sources" in typo.stdout + typo.stderr and "meridian-post-trade" in typo.stdout + typo.stderr
