"""Pieces the Tradewire DAGs share: default task arguments and the stages after fetching.

Plugins are on sys.path for the DAG processor and the workers alike, so both DAG files import
this module; like them it stays light at import time (stage code is imported inside tasks).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from airflow.sdk import Asset, TriggerRule, XComArg, task
from airflow.sdk.exceptions import AirflowFailException

from tradewire.settings import WRITER_POOL

# clean and enrich take every page of a run in one task, so their time grows with the run: 50,000 pages
# take about 37 minutes of cleaning on 2 cores (docs/benchmarks.md), past the 30 minutes other tasks get
RUN_SIZED_TIMEOUT = timedelta(hours=2)  # the DAG policy test allows 2 hours at most

WAREHOUSE = Asset(name="tradewire_warehouse", uri="file:///tradewire/warehouse.duckdb")


def record_failure(context: Any) -> None:
    """Failure callback: which task of which run failed, on which try, and why (for the Tradewire page)."""
    try:
        from tradewire.pipeline import record_failure_stage

        ti = context.get("ti") or context.get("task_instance")
        record_failure_stage(
            {
                "dag_id": getattr(ti, "dag_id", None),
                "task_id": getattr(ti, "task_id", None),
                "run_id": getattr(ti, "run_id", None) or context.get("run_id"),
                "map_index": getattr(ti, "map_index", None),
                "try_number": getattr(ti, "try_number", None),
                "error": repr(context.get("exception"))[:2000],
            }
        )
    except Exception:  # a callback that raises would hide the task's own failure in the logs
        logging.getLogger(__name__).exception("could not record the task failure")


def default_args(execution_timeout: timedelta = timedelta(minutes=30)) -> dict[str, Any]:
    return {
        "on_failure_callback": record_failure,
        "owner": "tradewire",
        "retries": 2,
        "retry_delay": timedelta(seconds=20),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=10),
        "execution_timeout": execution_timeout,
    }


@contextmanager
def _contract_breaches_fail_at_once() -> Iterator[None]:
    """A batch that broke its data contract fails the task without retries: the same data would fail again."""
    from tradewire.validate.run import ValidationFailed

    try:
        yield
    except ValidationFailed as exc:
        raise AirflowFailException(str(exc)) from exc


def process_fetched(fetched: XComArg, dag_id: str) -> XComArg:
    """The stages after fetching, each followed by its Great Expectations checks, then load and publish.

    validate_* tasks quarantine failing items and fail the run when a batch breaks its contract;
    record_run always runs and writes the run's dq_results and run_ledger row; the snapshot (and
    the warehouse Asset) is published only when every check passed.
    """

    @task
    def validate_fetched(fetch_path: str, run_id: str | None = None) -> dict[str, Any]:
        from tradewire.pipeline import validate_fetch_stage

        with _contract_breaches_fail_at_once():
            return validate_fetch_stage(fetch_path, str(run_id))

    @task(execution_timeout=RUN_SIZED_TIMEOUT)
    def clean_pages(fetch_check: dict[str, Any], run_id: str | None = None) -> str:
        from tradewire.pipeline import clean_stage

        return clean_stage(fetch_check, str(run_id))

    @task
    def validate_cleaned(clean_path: str, fetch_check: dict[str, Any], run_id: str | None = None) -> dict[str, Any]:
        from tradewire.pipeline import validate_clean_stage

        with _contract_breaches_fail_at_once():
            return validate_clean_stage(clean_path, fetch_check, str(run_id))

    @task(execution_timeout=RUN_SIZED_TIMEOUT)
    def enrich_articles(clean_check: dict[str, Any], run_id: str | None = None) -> str:
        from tradewire.pipeline import enrich_stage

        return enrich_stage(clean_check, str(run_id))

    @task
    def validate_enriched(enriched_path: str, clean_check: dict[str, Any], run_id: str | None = None) -> dict[str, Any]:
        from tradewire.pipeline import validate_enrich_stage

        with _contract_breaches_fail_at_once():
            return validate_enrich_stage(enriched_path, clean_check, str(run_id))

    @task(pool=WRITER_POOL)
    def load_warehouse(
        fetch_path: str,
        fetch_check: dict[str, Any],
        clean_check: dict[str, Any],
        enrich_check: dict[str, Any],
        run_id: str | None = None,
    ) -> dict[str, object]:
        from tradewire.pipeline import load_stage

        return load_stage(str(run_id), fetch_path, [fetch_check, clean_check, enrich_check])

    @task(pool=WRITER_POOL)
    def validate_warehouse(ledger: dict[str, Any], run_id: str | None = None) -> dict[str, Any]:
        from tradewire.pipeline import validate_warehouse_stage

        with _contract_breaches_fail_at_once():
            return validate_warehouse_stage(str(run_id), ledger)

    @task(pool=WRITER_POOL, trigger_rule=TriggerRule.ALL_DONE)
    def record_run(run_id: str | None = None, dag_run: Any = None) -> dict[str, Any]:
        from tradewire.pipeline import record_run_stage

        return record_run_stage(str(run_id), dag_id, getattr(dag_run, "start_date", None))

    @task(pool=WRITER_POOL, outlets=[WAREHOUSE])
    def publish_snapshot(checked: dict[str, Any], recorded: dict[str, Any], run_id: str | None = None) -> str:
        from tradewire.pipeline import publish_stage

        return publish_stage(run_id=str(run_id))

    @task.short_circuit(ignore_downstream_trigger_rules=False)
    def stop_if_dry_run(
        fetch_check: dict[str, Any],
        clean_check: dict[str, Any],
        enrich_check: dict[str, Any],
        params: dict[str, Any] | None = None,
        run_id: str | None = None,
    ) -> dict[str, Any] | bool:
        """A dry run ends here with a report: the load, its checks and the publish are skipped."""
        if not (params or {}).get("dry_run"):
            return enrich_check
        from tradewire.pipeline import dry_run_report_stage

        dry_run_report_stage(str(run_id), [fetch_check, clean_check, enrich_check])
        return False

    fetch_check = validate_fetched(fetched)
    clean_check = validate_cleaned(clean_pages(fetch_check), fetch_check)
    enrich_check = validate_enriched(enrich_articles(clean_check), clean_check)
    to_load = stop_if_dry_run(fetch_check, clean_check, enrich_check)
    checked = validate_warehouse(load_warehouse(fetched, fetch_check, clean_check, to_load))
    recorded = record_run()
    checked >> recorded
    return publish_snapshot(checked, recorded)
