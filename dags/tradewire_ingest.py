"""
# tradewire_ingest

Fetches news from the sources in `TRADEWIRE_SOURCES`, cleans and enriches it, checks it
with Great Expectations and loads it into the DuckDB warehouse, then publishes a
read-only snapshot for SQL users and dashboards.

| task | what it does | writes |
|---|---|---|
| `fetch_items` | reads feeds, sitemaps, URL lists and local folders; one row per item | `fetch.parquet` |
| `clean_pages` | trafilatura for HTML, a dump cleaner for text; classifies page types | `clean.parquet` |
| `enrich_articles` | countries and trade topics | `enriched.parquet` |
| `validate_articles` | Great Expectations suite; failing rows go to quarantine | `validate/*.parquet` |
| `load_warehouse` | idempotent upsert into `$TRADEWIRE_HOME/warehouse.duckdb` (writer pool, 1 slot) | warehouse |
| `publish_snapshot` | atomic copy to `$TRADEWIRE_HOME/serving/tradewire.duckdb` | snapshot; Asset |

Stages hand each other Parquet files in `$TRADEWIRE_HOME/staging/<run_id>/`; XCom carries only paths.
Rerunning any task or the whole run gives the same tables. The logic lives in `include/tradewire`.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task
from tradewire_dag_parts import default_args, process_fetched

from tradewire.settings import Settings


@dag(
    dag_id="tradewire_ingest",
    schedule=Settings.from_env().ingest_schedule,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["tradewire", "ingest"],
    default_args=default_args(),
)
def tradewire_ingest() -> None:
    @task
    def fetch_items(run_id: str | None = None) -> str:
        from tradewire.pipeline import fetch_stage

        return fetch_stage(str(run_id))

    process_fetched(fetch_items())


tradewire_ingest()
