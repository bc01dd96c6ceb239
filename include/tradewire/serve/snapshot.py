"""Publishing the read-only snapshot that SQL users and dashboards open.

The warehouse is copied into a new file in an older storage format (BI drivers
embed older DuckDB versions), then renamed over the previous snapshot: the
rename is atomic, and readers that have the old file open keep their inode.

On a shared server the snapshot is 0644 in a 0755 folder whatever the umask:
everyone may read it, only the pipeline's user may change it.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from tradewire.faults import crash_point
from tradewire.files import FILE_MODE, make_folders, private_files


def publish_snapshot(warehouse: Path, snapshot: Path, storage_version: str = "v1.2.0") -> Path:
    make_folders(snapshot.parent)
    tmp = snapshot.with_name(f".{snapshot.name}.{os.getpid()}.tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS wh (READ_ONLY)", [str(warehouse)])
        with private_files():  # DuckDB creates the copy and its WAL with the umask's mode
            con.execute(f"ATTACH ? AS snap (STORAGE_VERSION '{_safe_version(storage_version)}')", [str(tmp)])
            con.execute("COPY FROM DATABASE wh TO snap")
            con.execute("DETACH snap")
        con.execute("DETACH wh")
    finally:
        con.close()
    os.chmod(tmp, FILE_MODE)
    crash_point("publish.before_rename")
    os.replace(tmp, snapshot)
    return snapshot


def _safe_version(version: str) -> str:
    if not version.replace("v", "", 1).replace(".", "").isdigit():
        raise ValueError(f"not a DuckDB storage version: {version!r}")
    return version


def remove_leftovers(snapshot: Path) -> list[Path]:
    """Delete the temporary copies publishers that crashed left beside the snapshot.

    Only call it while holding the warehouse writer lock: then no live publisher is writing one.
    """
    removed = []
    for leftover in snapshot.parent.glob(f".{snapshot.name}.*.tmp*"):
        leftover.unlink(missing_ok=True)
        removed.append(leftover)
    return removed
