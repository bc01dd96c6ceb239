"""The stages as the DAG calls them: each takes and returns file paths, so XCom carries paths, never data.

Every function is safe to rerun: outputs are written to the run's staging
folder under fixed names (replaced atomically), and the load is an upsert.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradewire.faults import crash_point
from tradewire.metrics import measured
from tradewire.settings import Settings
from tradewire.sources import SourcesConfig, load_sources

if TYPE_CHECKING:  # the fetch modules load httpx and polars: imported inside the stages, not here
    from tradewire.fetch.attempts import AttemptLog
    from tradewire.fetch.http import Fetcher
    from tradewire.fetch.state import KnownState
    from tradewire.validate.run import Contract

log = logging.getLogger(__name__)


@contextmanager
def _writer(settings: Settings) -> Iterator[None]:
    """The warehouse writer lock (tradewire.load.lock): also held to read the file, which a writer would refuse."""
    from tradewire.load.lock import writer_lock

    with writer_lock(settings.warehouse_path, settings.writer_lock_timeout):
        yield


def _metrics_dir(arguments: dict[str, Any]) -> Path | None:
    """Where a stage call's cost is recorded: its run's staging folder (see tradewire.metrics)."""
    run_id = arguments.get("run_id")
    if not run_id:
        return None
    settings = arguments.get("settings") or Settings.from_env()
    return settings.run_dir(str(run_id))


@contextmanager
def _network(settings: Settings) -> Iterator[tuple[SourcesConfig, Fetcher, AttemptLog, KnownState]]:
    """The sources, a fetcher that records every request, its log, and what earlier runs settled; closed after."""
    from tradewire.fetch.attempts import AttemptLog
    from tradewire.fetch.run import make_fetcher
    from tradewire.fetch.state import read_known_state

    config = load_sources(settings.sources_file)
    attempts = AttemptLog()
    fetcher = make_fetcher(settings, config, attempts)
    try:
        # known state comes from the snapshot: fetching never waits on the writer
        yield config, fetcher, attempts, read_known_state(settings.snapshot_path)
    finally:
        _close(fetcher)


@measured("fetch", _metrics_dir)
def fetch_stage(run_id: str, settings: Settings | None = None, only: list[str] | None = None) -> str:
    """The whole fetch stage in one task: discover, plan, fetch every batch, combine."""
    from tradewire.fetch.run import fetch_sources

    settings = settings or Settings.from_env()
    with _network(settings) as (config, fetcher, attempts, known):
        out = fetch_sources(
            config, fetcher, settings.run_dir(run_id) / "fetch.parquet", settings.max_bytes,
            set(only) if only else None, workers=settings.fetch_threads, known=known,
            archive_dir=settings.archive_dir, attempts=attempts,
        )  # fmt: skip
    return str(out)


def _close(fetcher: object) -> None:
    close = getattr(fetcher, "close", None)
    if close:
        close()


def _chunks(names: list[str], size: int, most: int) -> list[list[str]]:
    count = max(1, min(most, -(-len(names) // size)))
    step = -(-len(names) // count) if names else 1
    return [names[i * step : (i + 1) * step] for i in range(count)]


class UnknownSources(ValueError):
    """A run asked for sources the sources file does not have."""


def plan_discovery_stage(settings: Settings | None = None, only: list[str] | None = None) -> list[list[str]]:
    """Source names in batches, one per mapped discovery task; always at least one batch."""
    settings = settings or Settings.from_env()
    config = load_sources(settings.sources_file)
    unknown = sorted(set(only or ()) - {s.name for s in config.sources})
    if unknown:
        known = ", ".join(s.name for s in config.sources)
        raise UnknownSources(f"no such sources in {settings.sources_file}: {', '.join(unknown)} (there are: {known})")
    names = [s.name for s in config.enabled(set(only) if only else None)]
    return _chunks(names, settings.sources_per_batch, settings.max_batches)


def _fetch_dir(settings: Settings, run_id: str) -> Path:
    return settings.run_dir(run_id) / "fetch"


@measured("discover", _metrics_dir)
def discover_stage(run_id: str, source_names: list[str], settings: Settings | None = None) -> str:
    """Read the listings of some sources (one mapped task); returns the folder of its outputs."""
    from tradewire.fetch.run import discover_sources

    settings = settings or Settings.from_env()
    with _network(settings) as (config, fetcher, attempts, known):
        out = discover_sources(
            config, fetcher, _fetch_dir(settings, run_id) / f"discover-{_batch_key(source_names)}",
            only=source_names, max_bytes=settings.max_bytes, known=known, attempts=attempts,
            archive_dir=settings.archive_dir,
        )  # fmt: skip
    return str(out)


def _batch_key(names: list[str]) -> str:
    from tradewire.ids import short_hash

    return short_hash("\n".join(sorted(names)), 12)  # the same sources give the same folder on a rerun


@measured("plan_fetch", _metrics_dir)
def plan_fetch_stage(
    run_id: str, discovery_dirs: list[str], settings: Settings | None = None, since: str | None = None
) -> list[str]:
    """Pages to fetch, in batches for the mapped fetch tasks (paths of batch files); `since` an ISO day."""
    from datetime import date

    from tradewire.fetch.run import plan_fetch
    from tradewire.fetch.state import read_known_state

    settings = settings or Settings.from_env()
    batches = plan_fetch(
        [Path(d) for d in discovery_dirs], _fetch_dir(settings, run_id) / "plan",
        read_known_state(settings.snapshot_path), settings.fetch_batch_size, settings.max_batches,
        since=date.fromisoformat(since) if since else None,
    )  # fmt: skip
    return [str(b) for b in batches]


@measured("fetch_pages", _metrics_dir)
def fetch_batch_stage(run_id: str, batch_path: str, settings: Settings | None = None) -> str:
    """Fetch one batch of pages (one mapped task); returns the folder of its outputs."""
    from tradewire.fetch.run import fetch_batch

    settings = settings or Settings.from_env()
    batch = Path(batch_path)
    with _network(settings) as (config, fetcher, attempts, known):
        out = fetch_batch(
            batch, config, fetcher, _fetch_dir(settings, run_id) / batch.stem.replace("batch", "pages"),
            max_bytes=settings.max_bytes, known=known, attempts=attempts, workers=settings.fetch_threads,
            archive_dir=settings.archive_dir,
        )  # fmt: skip
    return str(out)


@measured("combine_fetched", _metrics_dir)
def combine_fetch_stage(
    run_id: str, discovery_dirs: list[str], batch_dirs: list[str], settings: Settings | None = None
) -> str:
    """The run's fetch Parquet from the mapped tasks' outputs: what clean and load read."""
    from tradewire.fetch.run import combine_fetched

    settings = settings or Settings.from_env()
    out = combine_fetched(
        [Path(d) for d in discovery_dirs], _fetch_dir(settings, run_id) / "plan", [Path(d) for d in batch_dirs],
        settings.run_dir(run_id) / "fetch.parquet",
    )  # fmt: skip
    return str(out)


@measured("read_archive", _metrics_dir)
def archived_stage(
    run_id: str,
    since: str | None = None,
    until: str | None = None,
    sources: list[str] | None = None,
    settings: Settings | None = None,
) -> str:
    """The reprocess DAG's first stage: pages from the raw archive instead of the network."""
    from tradewire.fetch.reprocess import archived_pages

    settings = settings or Settings.from_env()
    if not settings.snapshot_path.exists():
        raise FileNotFoundError(f"no snapshot at {settings.snapshot_path}: run tradewire_ingest first")
    out = settings.run_dir(run_id) / "fetch.parquet"
    return str(archived_pages(settings.snapshot_path, settings.archive_dir, out, since, until, sources))


def _contract(settings: Settings) -> Contract:
    from tradewire.validate.run import Contract

    return Contract(
        gx_dir=settings.gx_dir,
        docs_dir=settings.data_docs_dir,
        max_failing_share=settings.dq_max_failing_share,
        published_floor=settings.published_floor,
        max_bytes=settings.max_bytes,
        keep_runs=settings.dq_keep_runs,
    )


def _checks_dir(settings: Settings, run_id: str) -> Path:
    return settings.run_dir(run_id) / "validate"


@measured("validate_fetched", _metrics_dir)
def validate_fetch_stage(fetch_path: str, run_id: str, settings: Settings | None = None) -> dict[str, Any]:
    """The fetch contract; pages with an empty or oversized body are quarantined."""
    from tradewire.validate.run import validate_fetch

    settings = settings or Settings.from_env()
    check = validate_fetch(Path(fetch_path), _checks_dir(settings, run_id), run_id, _contract(settings))
    return check.as_dict()


@measured("clean", _metrics_dir)
def clean_stage(fetch_check: dict[str, Any], run_id: str, settings: Settings | None = None) -> str:
    """Clean the fetched pages the fetch checks let through."""
    from tradewire.clean.run import clean_items

    settings = settings or Settings.from_env()
    held = _item_ids(fetch_check["quarantine_path"])
    return str(
        clean_items(
            Path(fetch_check["passed_path"]), settings.run_dir(run_id) / "clean.parquet", settings.page_timeout,
            settings.clean_workers, skip=held,
        )
    )  # fmt: skip


def _item_ids(path: str) -> set[str]:
    import polars as pl

    return set(pl.read_parquet(path, columns=["item_id"])["item_id"].to_list())


@measured("validate_cleaned", _metrics_dir)
def validate_clean_stage(
    clean_path: str, fetch_check: dict[str, Any], run_id: str, settings: Settings | None = None
) -> dict[str, Any]:
    from tradewire.validate.run import StageCheck, validate_clean

    settings = settings or Settings.from_env()
    check = validate_clean(
        Path(clean_path), StageCheck.from_dict(fetch_check), _checks_dir(settings, run_id), run_id,
        _contract(settings),
    )  # fmt: skip
    return check.as_dict()


@measured("enrich", _metrics_dir)
def enrich_stage(clean_check: dict[str, Any], run_id: str, settings: Settings | None = None) -> str:
    """Enrich the cleaned pages the clean checks let through."""
    from tradewire.enrich.run import enrich_articles

    settings = settings or Settings.from_env()
    return str(
        enrich_articles(
            Path(clean_check["passed_path"]), settings.run_dir(run_id) / "enriched.parquet",
            workers=settings.enrich_workers, timeout=settings.page_timeout,
        )
    )  # fmt: skip


@measured("validate_enriched", _metrics_dir)
def validate_enrich_stage(
    enriched_path: str, clean_check: dict[str, Any], run_id: str, settings: Settings | None = None
) -> dict[str, Any]:
    from tradewire.validate.run import StageCheck, validate_enrich

    settings = settings or Settings.from_env()
    check = validate_enrich(
        Path(enriched_path), StageCheck.from_dict(clean_check), _checks_dir(settings, run_id), run_id,
        _contract(settings),
    )  # fmt: skip
    return check.as_dict()


@measured("load", _metrics_dir)
def load_stage(
    run_id: str, fetch_path: str, checks: list[dict[str, Any]], settings: Settings | None = None
) -> dict[str, object]:
    """Load what passed the last check and every check's quarantine; returns the run's ledger."""
    from tradewire.load.warehouse import load_run

    settings = settings or Settings.from_env()
    config = load_sources(settings.sources_file)
    with _writer(settings):
        ledger = load_run(
            settings.warehouse_path, config, run_id, Path(fetch_path), Path(checks[-1]["passed_path"]),
            [Path(c["quarantine_path"]) for c in checks], settings.load_chunk_articles,
        )  # fmt: skip
    crash_point("load.after_commit")
    summary = ledger.as_dict()
    (settings.run_dir(run_id) / "ledger.json").write_text(json.dumps(summary, indent=2))
    return summary


@measured("validate_warehouse", _metrics_dir)
def validate_warehouse_stage(run_id: str, ledger: dict[str, Any], settings: Settings | None = None) -> dict[str, Any]:
    """The warehouse contract and the run's ledger; a broken one stops the snapshot from being published."""
    from tradewire.validate.warehouse import validate_warehouse

    settings = settings or Settings.from_env()
    with _writer(settings):
        check = validate_warehouse(
            settings.warehouse_path, run_id, ledger, _checks_dir(settings, run_id), _contract(settings)
        )
    return check.as_dict()


def dry_run_report_stage(run_id: str, checks: list[dict[str, Any]], settings: Settings | None = None) -> dict[str, Any]:
    """What a dry run found, written beside its staging files instead of loading anything."""
    import polars as pl

    settings = settings or Settings.from_env()
    run_dir = settings.run_dir(run_id)
    summary_file = run_dir / "fetch_summary.json"
    summary = json.loads(summary_file.read_text()) if summary_file.exists() else {}
    passed = pl.read_parquet(checks[-1]["passed_path"], columns=["page_type"])
    report = {
        "run_id": run_id,
        "dry_run": True,
        "items_discovered": summary.get("pages_discovered"),
        "pages_fetched": summary.get("pages_fetched"),
        "fetch_failures": summary.get("page_errors"),
        "would_load_articles": passed.filter(pl.col("page_type") == "article").height,
        "not_articles": passed.filter(pl.col("page_type") != "article").height,
        "quarantined": {c["stage"]: c["quarantined"] for c in checks},
    }
    (run_dir / "dry_run.json").write_text(json.dumps(report, indent=2))
    log.info("dry run %s: %s", run_id, report)
    return report


@measured("record_run", _metrics_dir)
def record_run_stage(
    run_id: str, dag_id: str | None = None, started_at: datetime | None = None, settings: Settings | None = None
) -> dict[str, Any]:
    """The run's dq_results and run_ledger row: runs whatever happened before it."""
    from tradewire.load.warehouse import record_run

    settings = settings or Settings.from_env()
    with _writer(settings):
        return record_run(settings.warehouse_path, run_id, settings.run_dir(run_id), dag_id, started_at)


@measured("publish", _metrics_dir)
def publish_stage(settings: Settings | None = None, run_id: str | None = None) -> str:
    from tradewire.serve.snapshot import publish_snapshot, remove_leftovers

    settings = settings or Settings.from_env()
    with _writer(settings):
        remove_leftovers(settings.snapshot_path)  # under the lock, any temporary copy is a crashed publisher's
        return str(publish_snapshot(settings.warehouse_path, settings.snapshot_path, settings.snapshot_storage_version))


def process_fetched(fetched: str, run_id: str, settings: Settings, dag_id: str = "tradewire_cli") -> dict[str, object]:
    """Every stage after fetching, with its checks, as the DAG runs them; the run is recorded even if one fails."""
    from datetime import UTC

    started = datetime.now(UTC)
    try:
        fetch_check = validate_fetch_stage(fetched, run_id, settings)
        clean_check = validate_clean_stage(clean_stage(fetch_check, run_id, settings), fetch_check, run_id, settings)
        enrich_check = validate_enrich_stage(enrich_stage(clean_check, run_id, settings), clean_check, run_id, settings)
        ledger = load_stage(run_id, fetched, [fetch_check, clean_check, enrich_check], settings)
        validate_warehouse_stage(run_id, ledger, settings)
    finally:
        record_run_stage(run_id, dag_id, started, settings)
    publish_stage(settings, run_id)
    return ledger


def run_all(run_id: str, settings: Settings | None = None, from_archive: bool = False) -> dict[str, object]:
    """All stages in order, in this process: for debugging and for users without Airflow.

    With from_archive, pages come from the raw archive (as tradewire_reprocess does) instead of the sources.
    """
    settings = settings or Settings.from_env()
    fetched = archived_stage(run_id, settings=settings) if from_archive else fetch_stage(run_id, settings)
    return process_fetched(fetched, run_id, settings, "tradewire_reprocess" if from_archive else "tradewire_cli")


def release_quarantined(
    item_ids: list[str], run_id: str, settings: Settings | None = None
) -> tuple[dict[str, object], list[str]]:
    """Run quarantined items again, from the raw archive, through every stage and check as they are now.

    Items that pass are loaded and leave quarantine; items that fail again stay, with the new reasons.
    Returns the release run's ledger and the items still held.
    """
    import dataclasses

    import duckdb

    from tradewire.fetch.reprocess import archived_pages

    # the items are known to be bad: only batch-level rules may stop a release, not the share held back
    settings = dataclasses.replace(settings or Settings.from_env(), dq_max_failing_share=1.0)
    out = settings.run_dir(run_id) / "fetch.parquet"
    with _writer(settings):
        fetched = str(archived_pages(settings.warehouse_path, settings.archive_dir, out, item_ids=item_ids))
    ledger = process_fetched(fetched, run_id, settings, dag_id="tradewire_quarantine_release")
    with _writer(settings):
        con = duckdb.connect(str(settings.warehouse_path), read_only=True)
        try:
            held = con.execute(
                "SELECT DISTINCT item_id FROM quarantine WHERE released_at IS NULL AND list_contains(?, item_id) "
                "ORDER BY item_id",
                [item_ids],
            ).fetchall()
        finally:
            con.close()
    return ledger, [row[0] for row in held]


def build_marts_stage(settings: Settings | None = None) -> dict[str, int]:
    """Rebuild every mart in the warehouse (the writer's file: run in the writer pool)."""
    from tradewire.load.warehouse import connect
    from tradewire.serve.marts import build_marts

    settings = settings or Settings.from_env()
    with _writer(settings):
        con = connect(settings.warehouse_path)
        try:
            return build_marts(con)
        finally:
            con.close()


def export_marts_stage(snapshot_path: str | None = None, settings: Settings | None = None) -> str:
    """Parquet files of the marts from the published snapshot, swapped in as one version."""
    from tradewire.serve.exports import export_marts

    settings = settings or Settings.from_env()
    return str(export_marts(Path(snapshot_path) if snapshot_path else settings.snapshot_path, settings.exports_dir))


def render_report_stage(snapshot_path: str | None = None, settings: Settings | None = None) -> str:
    """The self-contained HTML report from the published snapshot."""
    from tradewire.serve.report import render_report

    settings = settings or Settings.from_env()
    return str(render_report(Path(snapshot_path) if snapshot_path else settings.snapshot_path, settings.report_path))


def analytics_all(settings: Settings | None = None) -> dict[str, object]:
    """What tradewire_analytics does, in this process: marts, snapshot, exports, report."""
    settings = settings or Settings.from_env()
    marts = build_marts_stage(settings)
    snapshot = publish_stage(settings)
    return {
        "marts": marts,
        "snapshot": snapshot,
        "exports": export_marts_stage(snapshot, settings),
        "report": render_report_stage(snapshot, settings),
    }


def prune_staging_stage(settings: Settings | None = None) -> list[str]:
    from tradewire.maintenance import prune_staging

    settings = settings or Settings.from_env()
    return prune_staging(settings.staging_dir, settings.staging_retention_days)


def prune_archive_stage(settings: Settings | None = None) -> dict[str, int]:
    from tradewire.maintenance import prune_archive

    settings = settings or Settings.from_env()
    with _writer(settings):
        return prune_archive(settings.warehouse_path, settings.archive_dir, settings.archive_retention_days)


def checkpoint_stage(settings: Settings | None = None) -> int:
    from tradewire.maintenance import checkpoint_warehouse

    settings = settings or Settings.from_env()
    with _writer(settings):
        return checkpoint_warehouse(settings.warehouse_path)


def tidy_serving_stage(settings: Settings | None = None) -> list[str]:
    from tradewire.maintenance import tidy_serving

    settings = settings or Settings.from_env()
    return tidy_serving(settings.snapshot_path.parent)


def record_failure_stage(failure: dict[str, object], settings: Settings | None = None) -> None:
    from tradewire.maintenance import record_task_failure

    settings = settings or Settings.from_env()
    record_task_failure(settings.failures_log, failure)
