"""
# tradewire_ingest

Fetches news from the sources in `TRADEWIRE_SOURCES`, cleans and enriches it, checks it
with Great Expectations and loads it into the DuckDB warehouse, then publishes a
read-only snapshot for SQL users and dashboards.

| task | what it does | writes |
|---|---|---|
| `plan_discovery` | splits the enabled sources into batches | source names (XCom) |
| `discover_items` | mapped over source batches: reads feeds, sitemaps, URL lists, local folders | `fetch/discover-*/` |
| `plan_fetch` | unique pages across sources, minus those settled by earlier runs, in batches | `fetch/plan/` |
| `fetch_pages` | mapped over batches: fetches pages politely (per-host limits hold across tasks) | `fetch/pages-*/` |
| `combine_fetched` | one row per item and one per request attempt for the run | `fetch.parquet`, `attempts.parquet` |
| `validate_fetched` | fetch contract (Great Expectations); empty or oversized bodies to quarantine | `validate/` |
| `clean_pages` | trafilatura for HTML, a dump cleaner for text; classifies page types | `clean.parquet` |
| `validate_cleaned` | one record per page; articles need a title, a body, a language, a plausible date | `validate/` |
| `enrich_articles` | countries, places, people, organisations, topics, dyads, events, quotes | `enriched.parquet` |
| `validate_enriched` | codes from the country and topic dimensions; scores, tone, event dates in range | `validate/` |
| `load_warehouse` | idempotent upsert into `$TRADEWIRE_HOME/warehouse.duckdb` (writer pool, 1 slot) | warehouse |
| `validate_warehouse` | referential integrity; the run ledger accounts for every item | `validate/` |
| `record_run` | always runs: the run's `dq_results` and its `run_ledger` row | warehouse |
| `publish_snapshot` | atomic copy to `serving/tradewire.duckdb`, only if every check passed | snapshot; Asset |

Manual runs take params in the trigger form: `sources` (a subset of the sources file), `since` (skip
pages a listing dates before that day) and `dry_run` (fetch, clean, enrich and check, then stop
with a report in the `stop_if_dry_run` task's log and `dry_run.json`, loading and publishing nothing).

A check quarantines the items that break row-level rules (see `tradewire quarantine list`) and fails
the run, naming the rules, when a batch is empty or more than `TRADEWIRE_DQ_MAX_FAILING_SHARE` (20%)
of it failed. Results are in the `dq_results` table and in the Data Docs (the "Data Docs" menu entry).

Stages hand each other Parquet files in `$TRADEWIRE_HOME/staging/<run_id>/`; XCom carries only paths.
Rerunning any task or the whole run gives the same tables. The logic lives in `include/tradewire`.
"""

from __future__ import annotations

from typing import Any

import pendulum
from airflow.sdk import Param, dag, task
from airflow.sdk.exceptions import AirflowFailException
from tradewire_dag_parts import default_args, process_fetched

from tradewire.settings import FETCH_POOL, Settings

SETTINGS = Settings.from_env()
FETCH_TASKS = SETTINGS.fetch_tasks  # mapped discovery and fetch tasks running at once in one DAG run


@dag(
    dag_id="tradewire_ingest",
    schedule=SETTINGS.ingest_schedule,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["tradewire", "ingest"],
    params={
        "sources": Param(
            [], type="array", items={"type": "string"}, description="source names to read; empty for all enabled"
        ),
        "since": Param(
            None,
            type=["null", "string"],
            format="date",
            description="skip pages a listing dates before this day (YYYY-MM-DD); undated pages are fetched",
        ),
        "dry_run": Param(
            False, type="boolean", description="fetch, clean, enrich and check, then report without loading"
        ),
    },
    default_args=default_args(),
)
def tradewire_ingest() -> None:
    @task
    def plan_discovery(params: dict[str, Any] | None = None) -> list[list[str]]:
        from tradewire.pipeline import UnknownSources, plan_discovery_stage

        try:
            return plan_discovery_stage(only=(params or {}).get("sources") or None)
        except UnknownSources as exc:  # a typo in the trigger form: retrying cannot help
            raise AirflowFailException(str(exc)) from exc

    @task(max_active_tis_per_dagrun=FETCH_TASKS, pool=FETCH_POOL)
    def discover_items(source_names: list[str], run_id: str | None = None) -> str:
        from tradewire.pipeline import discover_stage

        return discover_stage(str(run_id), source_names)

    @task
    def plan_fetch(discovered: list[str], run_id: str | None = None, params: dict[str, Any] | None = None) -> list[str]:
        from tradewire.pipeline import plan_fetch_stage

        return plan_fetch_stage(str(run_id), list(discovered), since=(params or {}).get("since"))

    @task(max_active_tis_per_dagrun=FETCH_TASKS, pool=FETCH_POOL)
    def fetch_pages(batch_path: str, run_id: str | None = None) -> str:
        from tradewire.pipeline import fetch_batch_stage

        return fetch_batch_stage(str(run_id), batch_path)

    @task
    def combine_fetched(discovered: list[str], fetched: list[str], run_id: str | None = None) -> str:
        from tradewire.pipeline import combine_fetch_stage

        return combine_fetch_stage(str(run_id), list(discovered), list(fetched))

    discovered = discover_items.expand(source_names=plan_discovery())
    fetched = fetch_pages.expand(batch_path=plan_fetch(discovered))
    process_fetched(combine_fetched(discovered, fetched), dag_id="tradewire_ingest")


tradewire_ingest()
