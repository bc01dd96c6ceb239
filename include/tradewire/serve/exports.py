"""Parquet exports of the marts, published as one version at a time.

Each export writes every mart into a new folder `exports/v-<time>/` with a manifest, then
swaps the `exports/current` symlink to it with an atomic rename. A reader that opens files
under `current/` sees one complete version; one that already holds files keeps them (their
inodes live on). The newest few versions are kept, older ones removed.

Files are 0644 and folders 0755 whatever the umask; a version is written in a folder
only the pipeline's user can enter, and opened to readers when it is complete.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from tradewire.files import FILE_MODE, FOLDER_MODE, make_folders

CURRENT = "current"
KEEP_VERSIONS = 3


def export_marts(snapshot: Path, exports_dir: Path, now: datetime | None = None) -> Path:
    """Write every mart_* table of the snapshot as Parquet; returns the new version's folder."""
    now = now or datetime.now(UTC)
    make_folders(exports_dir)
    version = exports_dir / f"v-{now:%Y%m%dT%H%M%S%fZ}"
    staging = exports_dir / f".{version.name}.{os.getpid()}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(mode=0o700)  # nobody else can put a file in it or hold one open while it is written
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        marts = [
            row[0]
            for row in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'mart\\_%' ESCAPE '\\' "
                "ORDER BY table_name"
            ).fetchall()
        ]
        counts: dict[str, int] = {}
        for mart in marts:
            target = staging / f"{mart}.parquet"
            # table names come from the catalogue and match mart_[a-z_]+; paths are parameters
            if not mart.replace("_", "").isalnum():
                raise ValueError(f"unexpected table name {mart!r}")
            con.execute(f"COPY (SELECT * FROM {mart}) TO ? (FORMAT parquet)", [str(target)]).fetchall()  # noqa: S608
            counts[mart] = int(con.execute(f"SELECT count(*) FROM {mart}").fetchall()[0][0])  # noqa: S608
    finally:
        con.close()
    manifest = {"generated_at": now.isoformat(), "snapshot": str(snapshot), "rows": counts}
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    for path in staging.iterdir():
        path.chmod(FILE_MODE)
    staging.chmod(FOLDER_MODE)
    staging.rename(version)
    _point_current_at(exports_dir, version)
    _prune(exports_dir, keep=KEEP_VERSIONS)
    return version


def _point_current_at(exports_dir: Path, version: Path) -> None:
    link = exports_dir / CURRENT
    tmp = exports_dir / f".{CURRENT}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(version.name)  # relative: the folder can move with $TRADEWIRE_HOME
    os.replace(tmp, link)


def _prune(exports_dir: Path, keep: int) -> None:
    current = (exports_dir / CURRENT).resolve()
    versions = sorted(p for p in exports_dir.glob("v-*") if p.is_dir())
    for old in versions[: max(0, len(versions) - keep)]:
        if old.resolve() != current:
            shutil.rmtree(old, ignore_errors=True)
