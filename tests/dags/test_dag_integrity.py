"""Every DAG imports cleanly and follows the project's policy."""

from __future__ import annotations

import itertools
import subprocess
import sys
from datetime import timedelta

import pytest

from tests.conftest import REPO

DAGS_DIR = REPO / "dags"
HEAVY = ("polars", "duckdb", "trafilatura", "great_expectations", "pandas", "lxml")  # httpx: Airflow's own client


@pytest.fixture(scope="module")
def dagbag():  # type: ignore[no-untyped-def]
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_DIR))


def test_no_import_errors(dagbag) -> None:  # type: ignore[no-untyped-def]
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {
        "tradewire_ingest",
        "tradewire_reprocess",
        "tradewire_analytics",
        "tradewire_maintenance",
    }


def test_policy_tags_retries_docs_timeouts(dagbag) -> None:  # type: ignore[no-untyped-def]
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags, dag_id
        assert dag.doc_md and len(dag.doc_md) > 200, dag_id
        assert dag.max_active_runs == 1, dag_id
        assert dag.catchup is False, dag_id
        for task in dag.tasks:
            assert task.retries >= 2, (dag_id, task.task_id)
            assert task.execution_timeout is not None and task.execution_timeout <= timedelta(hours=2)
            assert task.owner == "tradewire"
            assert task.on_failure_callback, (dag_id, task.task_id)  # failures are recorded for the UI


def test_ingest_shape_and_writer_pool(dagbag) -> None:  # type: ignore[no-untyped-def]
    dag = dagbag.dags["tradewire_ingest"]
    order = [
        "plan_discovery", "discover_items", "plan_fetch", "fetch_pages", "combine_fetched",
        "validate_fetched", "clean_pages", "validate_cleaned", "enrich_articles", "validate_enriched",
        "stop_if_dry_run", "load_warehouse", "validate_warehouse", "record_run", "publish_snapshot",
    ]  # fmt: skip
    assert set(dag.task_ids) == set(order)
    for upstream, downstream in itertools.pairwise(order):
        assert upstream in dag.get_task(downstream).upstream_task_ids
    writers = {t.task_id for t in dag.tasks if t.pool == "tradewire_duckdb_writer"}
    assert writers == {"load_warehouse", "validate_warehouse", "record_run", "publish_snapshot"}
    assert dag.get_task("publish_snapshot").outlets
    # the run is recorded whatever happened; the snapshot is published only if the warehouse checks passed
    assert dag.get_task("record_run").trigger_rule == "all_done"
    assert dag.get_task("publish_snapshot").trigger_rule == "all_success"
    assert "validate_warehouse" in dag.get_task("publish_snapshot").upstream_task_ids
    # manual runs: a subset of sources, a since day, a dry run; the trigger form validates them
    assert set(dag.params.keys()) == {"sources", "since", "dry_run"}
    assert dag.params["dry_run"] is False and dag.params["sources"] == []
    assert dag.get_task("stop_if_dry_run").ignore_downstream_trigger_rules is False  # record_run still runs


def test_ingest_fans_out_by_dynamic_task_mapping(dagbag) -> None:  # type: ignore[no-untyped-def]
    from airflow.sdk.definitions.mappedoperator import MappedOperator

    from tradewire.settings import Settings

    dag = dagbag.dags["tradewire_ingest"]
    mapped = {t.task_id for t in dag.tasks if isinstance(t, MappedOperator)}
    assert mapped == {"discover_items", "fetch_pages"}
    for task_id in mapped:
        assert dag.get_task(task_id).max_active_tis_per_dagrun == Settings.from_env().fetch_tasks
    assert Settings.from_env().max_batches <= 512  # far under Airflow's max_map_length of 1024


def test_reprocess_shape_params_and_writer_pool(dagbag) -> None:  # type: ignore[no-untyped-def]
    dag = dagbag.dags["tradewire_reprocess"]
    assert dag.schedule is None or str(dag.timetable.summary) in ("None", "Never")
    assert set(dag.params.keys()) == {"since", "until", "sources"}
    writers = {t.task_id for t in dag.tasks if t.pool == "tradewire_duckdb_writer"}
    assert writers == {"load_warehouse", "validate_warehouse", "record_run", "publish_snapshot"}


def test_analytics_runs_on_the_warehouse_asset_and_writes_through_the_writer_pool(dagbag) -> None:  # type: ignore[no-untyped-def]
    dag = dagbag.dags["tradewire_analytics"]
    assert [asset.name for asset in dag.timetable.asset_condition.objects] == ["tradewire_warehouse"]
    assert set(dag.task_ids) == {"build_marts", "publish_snapshot", "export_marts", "render_report"}
    writers = {t.task_id for t in dag.tasks if t.pool == "tradewire_duckdb_writer"}
    assert writers == {"build_marts", "publish_snapshot"}
    assert "build_marts" in dag.get_task("publish_snapshot").upstream_task_ids
    assert {"publish_snapshot"} == dag.get_task("export_marts").upstream_task_ids
    assert {"publish_snapshot"} == dag.get_task("render_report").upstream_task_ids
    # its snapshot must not announce the warehouse Asset again, or it would trigger itself
    outlets = [o.name for t in dag.tasks for o in t.outlets]
    assert outlets == ["tradewire_marts"]


def test_maintenance_is_daily_and_writes_through_the_writer_pool(dagbag) -> None:  # type: ignore[no-untyped-def]
    dag = dagbag.dags["tradewire_maintenance"]
    assert dag.schedule == "0 3 * * *" and dag.timetable.expression == "0 3 * * *"
    assert set(dag.task_ids) == {"prune_staging", "prune_archive", "checkpoint_warehouse", "tidy_serving"}
    writers = {t.task_id for t in dag.tasks if t.pool == "tradewire_duckdb_writer"}
    assert writers == {"prune_archive", "checkpoint_warehouse"}


def test_every_pool_a_task_uses_is_created_by_the_project(dagbag) -> None:  # type: ignore[no-untyped-def]
    import json

    from tradewire.settings import FETCH_POOL, POOLS_FILE, WRITER_POOL

    pools = json.loads(POOLS_FILE.read_text())
    used = {t.pool for dag in dagbag.dags.values() for t in dag.tasks}
    assert used - {"default_pool"} <= set(pools), "a task uses a pool that include/airflow/pools.json does not create"
    assert pools[WRITER_POOL]["slots"] == 1
    ingest = dagbag.dags["tradewire_ingest"]
    assert {t.task_id for t in ingest.tasks if t.pool == FETCH_POOL} == {"discover_items", "fetch_pages"}


def test_dag_files_do_no_heavy_imports_at_parse_time() -> None:
    code = (
        "import runpy, sys; "
        f"[runpy.run_path(str(p)) for p in __import__('pathlib').Path({str(DAGS_DIR)!r}).glob('*.py')]; "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1:] in ([], [""]), f"heavy modules imported: {result.stdout}"
