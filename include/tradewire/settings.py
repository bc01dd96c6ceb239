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
| TRADEWIRE_HTTP_ATTEMPTS | 3 | tries per URL on connection errors, timeouts, 429 and 5xx (backoff with jitter) |
| TRADEWIRE_HOST_DELAY | 1.0 | minimum seconds between two requests to one host, across tasks on this machine |
| TRADEWIRE_HOST_CONCURRENCY | 2 | requests in flight to one host at most |
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from tradewire import __version__

PACKAGE_DIR = Path(__file__).resolve().parent
INCLUDE_DIR = PACKAGE_DIR.parent
CONFIG_DIR = PACKAGE_DIR / "config"
DEFAULT_SOURCES = INCLUDE_DIR / "sources" / "sample.yaml"


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _schedule(value: str) -> str | None:
    return None if value.strip().lower() in ("", "none", "manual") else value.strip()


WRITER_POOL = "tradewire_duckdb_writer"  # one slot: only one task at a time writes the warehouse


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
    http_attempts: int = 3
    host_delay: float = 1.0
    host_concurrency: int = 2

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

    def run_dir(self, run_id: str) -> Path:
        """Run-scoped staging folder; run ids from Airflow contain ':' and '+'."""
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in run_id)
        return self.staging_dir / safe

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            home=Path(env.get("TRADEWIRE_HOME", "data")).expanduser().resolve(),
            sources_file=Path(env.get("TRADEWIRE_SOURCES", str(DEFAULT_SOURCES))).expanduser().resolve(),
            http_timeout=float(env.get("TRADEWIRE_HTTP_TIMEOUT", "20")),
            max_bytes=int(env.get("TRADEWIRE_MAX_BYTES", "5000000")),
            allow_private_hosts=_split(env.get("TRADEWIRE_ALLOW_PRIVATE_HOSTS", "")),
            user_agent=env.get("TRADEWIRE_USER_AGENT", cls.user_agent),
            page_timeout=float(env.get("TRADEWIRE_PAGE_TIMEOUT", "30")),
            snapshot_storage_version=env.get("TRADEWIRE_SNAPSHOT_STORAGE_VERSION", "v1.2.0"),
            ingest_schedule=_schedule(env.get("TRADEWIRE_INGEST_SCHEDULE", "*/30 * * * *")),
            clean_workers=max(1, int(env.get("TRADEWIRE_CLEAN_WORKERS", "2"))),
            http_attempts=max(1, int(env.get("TRADEWIRE_HTTP_ATTEMPTS", "3"))),
            host_delay=max(0.0, float(env.get("TRADEWIRE_HOST_DELAY", "1.0"))),
            host_concurrency=max(1, int(env.get("TRADEWIRE_HOST_CONCURRENCY", "2"))),
        )
