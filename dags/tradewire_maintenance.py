"""
# tradewire_maintenance

Daily housekeeping (`TRADEWIRE_MAINTENANCE_SCHEDULE`, 03:00 UTC by default), each step safe to rerun.

| task | what it does | policy |
|---|---|---|
| `prune_staging` | removes run folders under `staging/` not written lately | `..._STAGING_RETENTION_DAYS` (14) |
| `prune_archive` | forgets raw bodies fetched before the cutoff (writer pool) | `..._ARCHIVE_RETENTION_DAYS` (0: all) |
| `checkpoint_warehouse` | folds DuckDB's write-ahead log into the warehouse file (writer pool) | every run |
| `tidy_serving` | removes temporary snapshot and export files a crashed publish left behind | older than 6 hours |

The raw archive is what `tradewire_reprocess` and `tradewire quarantine release` rebuild from: keep
it (the default) unless disk space matters more than being able to reprocess old pages.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task
from tradewire_dag_parts import default_args

from tradewire.settings import WRITER_POOL, Settings

SETTINGS = Settings.from_env()


@dag(
    dag_id="tradewire_maintenance",
    schedule=SETTINGS.maintenance_schedule,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["tradewire", "maintenance"],
    default_args=default_args(),
)
def tradewire_maintenance() -> None:
    @task
    def prune_staging() -> list[str]:
        from tradewire.pipeline import prune_staging_stage

        return prune_staging_stage()

    @task(pool=WRITER_POOL)
    def prune_archive() -> dict[str, int]:
        from tradewire.pipeline import prune_archive_stage

        return prune_archive_stage()

    @task(pool=WRITER_POOL)
    def checkpoint_warehouse() -> int:
        from tradewire.pipeline import checkpoint_stage

        return checkpoint_stage()

    @task
    def tidy_serving() -> list[str]:
        from tradewire.pipeline import tidy_serving_stage

        return tidy_serving_stage()

    prune_archive() >> checkpoint_warehouse()
    prune_staging()
    tidy_serving()


tradewire_maintenance()
