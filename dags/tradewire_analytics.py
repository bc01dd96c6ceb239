"""
# tradewire_analytics

Rebuilds the analytics marts whenever `tradewire_ingest` (or `tradewire_reprocess`) publishes a
new warehouse snapshot, then publishes them for SQL users, BI tools and the report.

| task | what it does | writes |
|---|---|---|
| `build_marts` | rebuilds every `mart_*` table from the facts (writer pool, 1 slot) | warehouse |
| `publish_snapshot` | atomic copy to `serving/tradewire.duckdb` (storage v1.2.0, for BI drivers) | snapshot |
| `export_marts` | every mart as Parquet in a new version; `serving/exports/current` swapped to it | Parquet; Asset |
| `render_report` | self-contained HTML report: dyad tension, topic trends, actors, events | `serving/report.html` |

The marts (`mart_dyad_daily`, `mart_dyad_weekly`, `mart_topic_daily`, `mart_topic_country_daily`,
`mart_event_timeline`, `mart_actor_nodes`, `mart_actor_edges`, `mart_risk_daily`,
`mart_risk_index_daily`, `mart_source_coverage`) are described in `docs/warehouse.md`; the SQL that
builds them is in `include/sql/marts/`. Rebuilding gives the same tables for the same warehouse.
The report is linked from the Airflow UI's **Tradewire** page.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, dag, task
from tradewire_dag_parts import WAREHOUSE, default_args

from tradewire.settings import WRITER_POOL

MARTS = Asset(name="tradewire_marts", uri="file:///tradewire/serving/exports/current")


@dag(
    dag_id="tradewire_analytics",
    schedule=[WAREHOUSE],
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["tradewire", "analytics"],
    default_args=default_args(),
)
def tradewire_analytics() -> None:
    @task(pool=WRITER_POOL)
    def build_marts() -> dict[str, int]:
        from tradewire.pipeline import build_marts_stage

        return build_marts_stage()

    @task(pool=WRITER_POOL)
    def publish_snapshot(marts: dict[str, int]) -> str:
        from tradewire.pipeline import publish_stage

        return publish_stage()

    @task(outlets=[MARTS])
    def export_marts(snapshot: str) -> str:
        from tradewire.pipeline import export_marts_stage

        return export_marts_stage(snapshot)

    @task
    def render_report(snapshot: str) -> str:
        from tradewire.pipeline import render_report_stage

        return render_report_stage(snapshot)

    snapshot = publish_snapshot(build_marts())
    export_marts(snapshot)
    render_report(snapshot)


tradewire_analytics()
