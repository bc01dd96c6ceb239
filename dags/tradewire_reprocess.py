"""
# tradewire_reprocess

Rebuilds the warehouse's article tables from the **raw archive**, without the network: the latest
archived body of every page fetched in the chosen days (and sources) goes through clean, enrich,
validate and load again, then a new snapshot is published. Use it after improving the cleaner or
the dictionaries, or to recover from a bad load. Rerunning it over unchanged code gives the same tables.

Trigger it by hand with these params (all optional):

| param | meaning |
|---|---|
| `since` | first fetch day to include (YYYY-MM-DD) |
| `until` | last fetch day to include (YYYY-MM-DD) |
| `sources` | source names to include; empty means all |

The archive lives in `$TRADEWIRE_HOME/archive/`, its index in the `raw_archive` table. The logic is in
`include/tradewire`; the load and publish tasks share the one-slot writer pool with tradewire_ingest.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Param, dag, task
from tradewire_dag_parts import default_args, process_fetched


@dag(
    dag_id="tradewire_reprocess",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["tradewire", "reprocess"],
    params={
        "since": Param(None, type=["null", "string"], format="date", description="first fetch day (YYYY-MM-DD)"),
        "until": Param(None, type=["null", "string"], format="date", description="last fetch day (YYYY-MM-DD)"),
        "sources": Param([], type="array", items={"type": "string"}, description="source names; empty for all"),
    },
    default_args=default_args(execution_timeout=timedelta(minutes=60)),
)
def tradewire_reprocess() -> None:
    @task
    def collect_archived_pages(params: dict[str, Any] | None = None, run_id: str | None = None) -> str:
        from tradewire.pipeline import archived_stage

        params = params or {}
        return archived_stage(str(run_id), params.get("since"), params.get("until"), params.get("sources") or None)

    process_fetched(collect_archived_pages(), dag_id="tradewire_reprocess")


tradewire_reprocess()
