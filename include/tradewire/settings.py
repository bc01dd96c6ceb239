"""All configuration, read once from environment variables with documented defaults.

| variable | default | meaning |
|---|---|---|
| TRADEWIRE_HOME | ./data | data folder: warehouse, snapshot, staging, archive |
| TRADEWIRE_SOURCES | bundled include/sources/sample.yaml | sources YAML |
| TRADEWIRE_HTTP_TIMEOUT | 20 | seconds for one HTTP request, all phases together |
| TRADEWIRE_MAX_BYTES | 5000000 | largest body accepted, counted after decompression |
| TRADEWIRE_ALLOW_PRIVATE_HOSTS | (empty) | comma list of hosts/IPs that may resolve to private addresses |
| TRADEWIRE_USER_AGENT | Tradewire/<version> (+https://github.com/tradewire) | sent with every request |
| TRADEWIRE_PAGE_TIMEOUT | 30 | seconds one page may take in extraction before it is given up |
| TRADEWIRE_SNAPSHOT_STORAGE_VERSION | v1.2.0 | storage version of the snapshot (BI drivers embed DuckDB 1.2+) |
| TRADEWIRE_INGEST_SCHEDULE | */30 * * * * | cron schedule of the tradewire_ingest DAG ("none" for manual runs only) |
| TRADEWIRE_CLEAN_WORKERS | 2 | extraction worker processes per clean task |
| TRADEWIRE_ENRICH_WORKERS | 2 | enrichment worker processes per enrich task (1: enrich in the task's own process) |
| TRADEWIRE_HTTP_ATTEMPTS | 3 | tries per URL on connection errors, timeouts, 429 and 5xx (backoff with jitter) |
| TRADEWIRE_HOST_DELAY | 1.0 | minimum seconds between two requests to one host, across tasks on this machine |
| TRADEWIRE_HOST_CONCURRENCY | 2 | requests in flight to one host at most |
| TRADEWIRE_HOST_LIMITS_URL | (empty) | redis:// URL: per-host limits in Redis, for workers on several machines |
| TRADEWIRE_SOURCES_PER_BATCH | 20 | sources one mapped discovery task reads |
| TRADEWIRE_FETCH_BATCH_SIZE | 100 | pages one mapped fetch task fetches (grows when the batch cap is reached) |
| TRADEWIRE_MAX_BATCHES | 32 | most mapped tasks per step, far under Airflow's max_map_length (1024) |
| TRADEWIRE_FETCH_THREADS | 4 | concurrent requests within one fetch task (per-host limits still hold) |
| TRADEWIRE_FETCH_TASKS | 4 | mapped discovery or fetch tasks of one DAG run running at once |
| TRADEWIRE_DQ_MAX_FAILING_SHARE | 0.2 | a batch fails when more than this share of its rows is quarantined |
| TRADEWIRE_PUBLISHED_FLOOR | 1990-01-01 | articles dated before this are quarantined (published_at) |
| TRADEWIRE_DQ_KEEP_RUNS | 50 | runs whose validation results Data Docs keeps (older pages are pruned) |
| TRADEWIRE_MAINTENANCE_SCHEDULE | 0 3 * * * | cron schedule of tradewire_maintenance ("none" for manual runs only) |
| TRADEWIRE_STAGING_RETENTION_DAYS | 14 | run staging folders untouched for this long are removed |
| TRADEWIRE_ARCHIVE_RETENTION_DAYS | 0 | raw bodies last fetched longer ago are removed (0: keep all, for reprocess) |
| TRADEWIRE_WRITER_LOCK_TIMEOUT | 3600 | seconds a warehouse writer waits for another to finish before it fails |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from tradewire import __version__
from tradewire.fetch.redact import redact_url

PACKAGE_DIR = Path(__file__).resolve().parent
INCLUDE_DIR = PACKAGE_DIR.parent
CONFIG_DIR = PACKAGE_DIR / "config"
DEFAULT_SOURCES = INCLUDE_DIR / "sources" / "sample.yaml"


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


class SettingsError(ValueError):
    """An environment variable holds a value Tradewire cannot use; the message names it."""


def _number(env: Mapping[str, str], name: str, default: str, kind: type[int] | type[float]) -> float:
    value = env.get(name, default)
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a {kind.__name__}") from None


def _date(value: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ValueError(f"TRADEWIRE_PUBLISHED_FLOOR must be a date like 1990-01-01, not {value!r}") from None


def _schedule(value: str) -> str | None:
    return None if value.strip().lower() in ("", "none", "manual") else value.strip()


def _redis_url(value: str) -> str:
    value = value.strip()
    if value and not value.startswith(("redis://", "rediss://", "unix://")):
        shown = redact_url(value)  # the error is printed and logged: its password is not
        raise ValueError(f"TRADEWIRE_HOST_LIMITS_URL={shown!r} is not a redis://, rediss:// or unix:// URL")
    return value


LOAD_CHUNK_ARTICLES = 5000  # articles a load reads and writes at a time; more in a run: steps on a copy

WRITER_POOL = "tradewire_duckdb_writer"  # one slot: only one task at a time writes the warehouse
FETCH_POOL = "tradewire_fetch"  # discovery and fetch tasks at once, across DAG runs
POOLS_FILE = INCLUDE_DIR / "airflow" / "pools.json"  # `airflow pools import` it: Makefile, compose, tests


@dataclass(frozen=True)
class Settings:
    home: Path
    sources_file: Path
    http_timeout: float = 20.0
    max_bytes: int = 5_000_000
    allow_private_hosts: tuple[str, ...] = field(default_factory=tuple)
    user_agent: str = f"Tradewire/{__version__} (+https://github.com/tradewire/tradewire)"
    page_timeout: float = 30.0
    snapshot_storage_version: str = "v1.2.0"
    ingest_schedule: str | None = "*/30 * * * *"
    clean_workers: int = 2
    enrich_workers: int = 2
    http_attempts: int = 3
    host_delay: float = 1.0
    host_concurrency: int = 2
    host_limits_url: str = ""
    sources_per_batch: int = 20
    fetch_batch_size: int = 100
    max_batches: int = 32
    fetch_threads: int = 4
    fetch_tasks: int = 4
    dq_max_failing_share: float = 0.2
    published_floor: str = "1990-01-01"
    dq_keep_runs: int = 50
    maintenance_schedule: str | None = "0 3 * * *"
    staging_retention_days: int = 14
    archive_retention_days: int = 0
    writer_lock_timeout: float = 3600.0
    load_chunk_articles: int = LOAD_CHUNK_ARTICLES

    def __repr__(self) -> str:
        """Every setting, with the credentials a URL setting may hold masked: settings get printed and logged."""
        shown = {f.name: getattr(self, f.name) for f in fields(self)}
        shown["host_limits_url"] = redact_url(self.host_limits_url)
        return f"Settings({', '.join(f'{name}={value!r}' for name, value in shown.items())})"

    @property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def snapshot_path(self) -> Path:
        return self.home / "serving" / "tradewire.duckdb"

    @property
    def archive_dir(self) -> Path:
        return self.home / "archive"

    @property
    def staging_dir(self) -> Path:
        return self.home / "staging"

    @property
    def exports_dir(self) -> Path:
        """Parquet exports of the marts; `current/` always points at one complete version."""
        return self.home / "serving" / "exports"

    @property
    def report_path(self) -> Path:
        """The self-contained HTML analytics report."""
        return self.home / "serving" / "report.html"

    @property
    def data_docs_dir(self) -> Path:
        """Great Expectations Data Docs (index.html), rebuilt by every validation."""
        return self.home / "data_docs"

    @property
    def gx_dir(self) -> Path:
        """The Great Expectations project: suites, validation results (Data Docs are built from them)."""
        return self.home / "gx"

    @property
    def failures_log(self) -> Path:
        """One JSON line per failed task attempt, written by the DAGs' failure callback."""
        return self.home / "logs" / "task_failures.jsonl"

    @property
    def host_lock_dir(self) -> Path:
        return self.home / "locks" / "hosts"

    @property
    def robots_cache_dir(self) -> Path:
        return self.home / "cache" / "robots"

    def run_dir(self, run_id: str) -> Path:
        """Run-scoped staging folder; run ids from Airflow contain ':' and '+'."""
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in run_id)
        return self.staging_dir / safe

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        try:
            return cls._from(env)
        except ValueError as exc:
            raise SettingsError(str(exc)) from exc

    @classmethod
    def _from(cls, env: Mapping[str, str]) -> Settings:
        return cls(
            home=Path(env.get("TRADEWIRE_HOME", "data")).expanduser().resolve(),
            sources_file=Path(env.get("TRADEWIRE_SOURCES", str(DEFAULT_SOURCES))).expanduser().resolve(),
            http_timeout=_number(env, "TRADEWIRE_HTTP_TIMEOUT", "20", float),
            max_bytes=int(_number(env, "TRADEWIRE_MAX_BYTES", "5000000", int)),
            allow_private_hosts=_split(env.get("TRADEWIRE_ALLOW_PRIVATE_HOSTS", "")),
            user_agent=env.get("TRADEWIRE_USER_AGENT", cls.user_agent),
            page_timeout=_number(env, "TRADEWIRE_PAGE_TIMEOUT", "30", float),
            snapshot_storage_version=env.get("TRADEWIRE_SNAPSHOT_STORAGE_VERSION", "v1.2.0"),
            ingest_schedule=_schedule(env.get("TRADEWIRE_INGEST_SCHEDULE", "*/30 * * * *")),
            clean_workers=max(1, int(_number(env, "TRADEWIRE_CLEAN_WORKERS", "2", int))),
            enrich_workers=max(1, int(_number(env, "TRADEWIRE_ENRICH_WORKERS", "2", int))),
            http_attempts=max(1, int(_number(env, "TRADEWIRE_HTTP_ATTEMPTS", "3", int))),
            host_delay=max(0.0, _number(env, "TRADEWIRE_HOST_DELAY", "1.0", float)),
            host_concurrency=max(1, int(_number(env, "TRADEWIRE_HOST_CONCURRENCY", "2", int))),
            host_limits_url=_redis_url(env.get("TRADEWIRE_HOST_LIMITS_URL", "")),
            sources_per_batch=max(1, int(_number(env, "TRADEWIRE_SOURCES_PER_BATCH", "20", int))),
            fetch_batch_size=max(1, int(_number(env, "TRADEWIRE_FETCH_BATCH_SIZE", "100", int))),
            max_batches=min(512, max(1, int(_number(env, "TRADEWIRE_MAX_BATCHES", "32", int)))),
            fetch_threads=max(1, int(_number(env, "TRADEWIRE_FETCH_THREADS", "4", int))),
            fetch_tasks=max(1, int(_number(env, "TRADEWIRE_FETCH_TASKS", "4", int))),
            dq_max_failing_share=min(1.0, max(0.0, _number(env, "TRADEWIRE_DQ_MAX_FAILING_SHARE", "0.2", float))),
            published_floor=_date(env.get("TRADEWIRE_PUBLISHED_FLOOR", "1990-01-01")),
            dq_keep_runs=max(1, int(_number(env, "TRADEWIRE_DQ_KEEP_RUNS", "50", int))),
            maintenance_schedule=_schedule(env.get("TRADEWIRE_MAINTENANCE_SCHEDULE", "0 3 * * *")),
            staging_retention_days=max(1, int(_number(env, "TRADEWIRE_STAGING_RETENTION_DAYS", "14", int))),
            archive_retention_days=max(0, int(_number(env, "TRADEWIRE_ARCHIVE_RETENTION_DAYS", "0", int))),
            writer_lock_timeout=max(0.0, _number(env, "TRADEWIRE_WRITER_LOCK_TIMEOUT", "3600", float)),
            load_chunk_articles=max(
                1, int(_number(env, "TRADEWIRE_LOAD_CHUNK_ARTICLES", str(LOAD_CHUNK_ARTICLES), int))
            ),
        )
