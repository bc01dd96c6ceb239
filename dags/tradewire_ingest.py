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

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, dag, task

from tradewire.settings import WRITER_POOL, Settings

WAREHOUSE = Asset(name="tradewire_warehouse", uri="file:///tradewire/warehouse.duckdb")


@dag(
    dag_id="tradewire_ingest",
    schedule=Settings.from_env().ingest_schedule,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["tradewire", "ingest"],
    default_args={
        "owner": "tradewire",
        "retries": 2,
        "retry_delay": timedelta(seconds=20),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=10),
        "execution_timeout": timedelta(minutes=30),
    },
)
def tradewire_ingest() -> None:
    @task
    def fetch_items(run_id: str | None = None) -> str:
        from tradewire.pipeline import fetch_stage

        return fetch_stage(str(run_id))

    @task
    def clean_pages(fetch_path: str, run_id: str | None = None) -> str:
        from tradewire.pipeline import clean_stage

        return clean_stage(fetch_path, str(run_id))

    @task
    def enrich_articles(clean_path: str, run_id: str | None = None) -> str:
        from tradewire.pipeline import enrich_stage

        return enrich_stage(clean_path, str(run_id))

    @task
    def validate_articles(enriched_path: str, run_id: str | None = None) -> dict[str, str]:
        from tradewire.pipeline import validate_stage

        return validate_stage(enriched_path, str(run_id))

    @task(pool=WRITER_POOL)
    def load_warehouse(
        fetch_path: str, enriched_path: str, validated: dict[str, str], run_id: str | None = None
    ) -> dict[str, object]:
        from tradewire.pipeline import load_stage

        return load_stage(str(run_id), fetch_path, enriched_path, validated)

    @task(pool=WRITER_POOL, outlets=[WAREHOUSE])
    def publish_snapshot(ledger: dict[str, object]) -> str:
        from tradewire.pipeline import publish_stage

        return publish_stage()

    fetched = fetch_items()
    enriched = enrich_articles(clean_pages(fetched))
    ledger = load_warehouse(fetched, enriched, validate_articles(enriched))
    publish_snapshot(ledger)


tradewire_ingest()
