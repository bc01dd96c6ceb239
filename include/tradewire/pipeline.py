"""The stages as the DAG calls them: each takes and returns file paths, so XCom carries paths, never data.

Every function is safe to rerun: outputs are written to the run's staging
folder under fixed names (replaced atomically), and the load is an upsert.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tradewire.settings import Settings
from tradewire.sources import SourcesConfig, load_sources

if TYPE_CHECKING:  # the fetch modules load httpx and polars: imported inside the stages, not here
    from tradewire.fetch.attempts import AttemptLog
    from tradewire.fetch.http import Fetcher
    from tradewire.fetch.state import KnownState

log = logging.getLogger(__name__)


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


def plan_discovery_stage(settings: Settings | None = None, only: list[str] | None = None) -> list[list[str]]:
    """Source names in batches, one per mapped discovery task; always at least one batch."""
    settings = settings or Settings.from_env()
    config = load_sources(settings.sources_file)
    names = [s.name for s in config.enabled(set(only) if only else None)]
    return _chunks(names, settings.sources_per_batch, settings.max_batches)


def _fetch_dir(settings: Settings, run_id: str) -> Path:
    return settings.run_dir(run_id) / "fetch"


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


def plan_fetch_stage(run_id: str, discovery_dirs: list[str], settings: Settings | None = None) -> list[str]:
    """Pages to fetch, in batches for the mapped fetch tasks (paths of batch files)."""
    from tradewire.fetch.run import plan_fetch
    from tradewire.fetch.state import read_known_state

    settings = settings or Settings.from_env()
    batches = plan_fetch(
        [Path(d) for d in discovery_dirs], _fetch_dir(settings, run_id) / "plan",
        read_known_state(settings.snapshot_path), settings.fetch_batch_size, settings.max_batches,
    )  # fmt: skip
    return [str(b) for b in batches]


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


def clean_stage(fetch_path: str, run_id: str, settings: Settings | None = None) -> str:
    from tradewire.clean.run import clean_items

    settings = settings or Settings.from_env()
    return str(
        clean_items(
            Path(fetch_path), settings.run_dir(run_id) / "clean.parquet", settings.page_timeout, settings.clean_workers
        )
    )


def enrich_stage(clean_path: str, run_id: str, settings: Settings | None = None) -> str:
    from tradewire.enrich.run import enrich_articles

    settings = settings or Settings.from_env()
    return str(enrich_articles(Path(clean_path), settings.run_dir(run_id) / "enriched.parquet"))


def validate_stage(enriched_path: str, run_id: str, settings: Settings | None = None) -> dict[str, str]:
    from tradewire.validate.run import validate_cleaned

    settings = settings or Settings.from_env()
    outcome = validate_cleaned(Path(enriched_path), settings.run_dir(run_id) / "validate", run_id)
    return {
        "validated": str(outcome.passed_path),
        "quarantine": str(outcome.quarantine_path),
        "dq_results": str(outcome.results_path),
    }


def load_stage(
    run_id: str, fetch_path: str, enriched_path: str, validated: dict[str, str], settings: Settings | None = None
) -> dict[str, object]:
    from tradewire.load.warehouse import load_run

    settings = settings or Settings.from_env()
    config = load_sources(settings.sources_file)
    ledger = load_run(
        settings.warehouse_path,
        config,
        run_id,
        Path(fetch_path),
        Path(enriched_path),
        Path(validated["validated"]),
        Path(validated["quarantine"]),
        Path(validated["dq_results"]),
    )
    summary = ledger.as_dict()
    (settings.run_dir(run_id) / "ledger.json").write_text(json.dumps(summary, indent=2))
    return summary


def publish_stage(settings: Settings | None = None) -> str:
    from tradewire.serve.snapshot import publish_snapshot

    settings = settings or Settings.from_env()
    return str(publish_snapshot(settings.warehouse_path, settings.snapshot_path, settings.snapshot_storage_version))


def run_all(run_id: str, settings: Settings | None = None, from_archive: bool = False) -> dict[str, object]:
    """All stages in order, in this process: for debugging and for users without Airflow.

    With from_archive, pages come from the raw archive (as tradewire_reprocess does) instead of the sources.
    """
    settings = settings or Settings.from_env()
    fetched = archived_stage(run_id, settings=settings) if from_archive else fetch_stage(run_id, settings)
    cleaned = clean_stage(fetched, run_id, settings)
    enriched = enrich_stage(cleaned, run_id, settings)
    validated = validate_stage(enriched, run_id, settings)
    ledger = load_stage(run_id, fetched, enriched, validated, settings)
    publish_stage(settings)
    return ledger
