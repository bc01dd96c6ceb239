"""Pieces the Tradewire DAGs share: default task arguments and the stages after fetching.

Plugins are on sys.path for the DAG processor and the workers alike, so both DAG files import
this module; like them it stays light at import time (stage code is imported inside tasks).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from airflow.sdk import Asset, XComArg, task

from tradewire.settings import WRITER_POOL

WAREHOUSE = Asset(name="tradewire_warehouse", uri="file:///tradewire/warehouse.duckdb")


def default_args(execution_timeout: timedelta = timedelta(minutes=30)) -> dict[str, Any]:
    return {
        "owner": "tradewire",
        "retries": 2,
        "retry_delay": timedelta(seconds=20),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=10),
        "execution_timeout": execution_timeout,
    }


def process_fetched(fetched: XComArg) -> XComArg:
    """clean -> enrich -> validate -> load -> publish, on the fetch-stage Parquet whose path `fetched` holds."""

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

    enriched = enrich_articles(clean_pages(fetched))
    ledger = load_warehouse(fetched, enriched, validate_articles(enriched))
    return publish_snapshot(ledger)
