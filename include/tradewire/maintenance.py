"""Housekeeping the tradewire_maintenance DAG runs daily: retention, checkpoints, leftovers.

Each function is safe to rerun and touches only what its policy names: run staging folders
nobody has written for a while, raw bodies past the archive policy (off by default: reprocess
needs them), temporary files a crashed publish left behind, and the warehouse's WAL.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from tradewire.fetch.archive import archive_path

log = logging.getLogger(__name__)

LEFTOVER_AGE = timedelta(hours=6)  # a temporary file older than any publish or export can take


def _newest_mtime(folder: Path) -> float:
    times = [p.stat().st_mtime for p in folder.rglob("*") if p.is_file()]
    return max(times, default=folder.stat().st_mtime)


def prune_staging(staging_dir: Path, keep_days: int, now: datetime | None = None) -> list[str]:
    """Remove run folders in which nothing was written for keep_days; returns their names."""
    if not staging_dir.is_dir():
        return []
    cutoff = ((now or datetime.now(UTC)) - timedelta(days=keep_days)).timestamp()
    removed = []
    for run in sorted(p for p in staging_dir.iterdir() if p.is_dir()):
        if _newest_mtime(run) < cutoff:
            shutil.rmtree(run, ignore_errors=True)
            removed.append(run.name)
    log.info("maintenance: %d staging folders older than %d days removed", len(removed), keep_days)
    return removed


def prune_archive(warehouse: Path, archive_dir: Path, keep_days: int, now: datetime | None = None) -> dict[str, int]:
    """Forget raw bodies last fetched before the policy's cutoff, in the index and on disk (writer pool)."""
    if keep_days <= 0 or not warehouse.exists():
        return {"rows": 0, "files": 0}
    cutoff = (now or datetime.now(UTC)) - timedelta(days=keep_days)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("BEGIN TRANSACTION")
        stale = [
            row[0]
            for row in con.execute(
                "SELECT content_hash FROM raw_archive GROUP BY content_hash HAVING max(fetched_at) < ?", [cutoff]
            ).fetchall()
        ]
        rows = con.execute("DELETE FROM raw_archive WHERE list_contains(?, content_hash)", [stale]).fetchall()[0][0]
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    files = 0
    for digest in stale:  # after the commit: a body is never missing while its row still points at it
        path = archive_path(archive_dir, digest)
        if path.exists():
            path.unlink()
            files += 1
    log.info("maintenance: %d archive rows and %d bodies older than %d days removed", rows, files, keep_days)
    return {"rows": int(rows), "files": files}


def checkpoint_warehouse(warehouse: Path) -> int:
    """Fold the WAL into the warehouse file (writer pool); returns the file's size in bytes."""
    if not warehouse.exists():
        return 0
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("FORCE CHECKPOINT").fetchall()
    finally:
        con.close()
    return warehouse.stat().st_size


def tidy_serving(serving_dir: Path, now: datetime | None = None) -> list[str]:
    """Remove temporary snapshot and export files a crashed publish left behind (never a fresh one)."""
    if not serving_dir.is_dir():
        return []
    cutoff = ((now or datetime.now(UTC)) - LEFTOVER_AGE).timestamp()
    removed = []
    for path in serving_dir.rglob(".*.tmp*"):
        if path.stat().st_mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
            removed.append(str(path.relative_to(serving_dir)))
    log.info("maintenance: %d leftover temporary files removed from %s", len(removed), serving_dir)
    return removed


def record_task_failure(failures_log: Path, failure: dict[str, object]) -> None:
    """Append one failed task attempt as a JSON line (one write: lines from parallel tasks never interleave)."""
    failures_log.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"recorded_at": datetime.now(UTC).isoformat(), **failure}, default=str) + "\n"
    fd = os.open(failures_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)


def recent_failures(failures_log: Path, limit: int = 20) -> list[dict[str, object]]:
    if not failures_log.exists():
        return []
    lines = failures_log.read_text(encoding="utf-8").splitlines()[-limit:]
    out = []
    for line in reversed(lines):
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out
