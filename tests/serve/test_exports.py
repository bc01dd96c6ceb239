"""Parquet exports of the marts: one complete version at a time behind `current/`."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl

from tradewire.serve.exports import CURRENT, KEEP_VERSIONS, export_marts


def _snapshot(path: Path, rows: int) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE OR REPLACE TABLE mart_dyad_daily AS SELECT range AS n, 'CHN' AS a FROM range(?)", [rows])
        con.execute("CREATE OR REPLACE TABLE mart_topic_daily AS SELECT range AS n FROM range(?)", [rows * 2])
        con.execute("CREATE OR REPLACE TABLE articles AS SELECT 1 AS id")  # not a mart: not exported
    finally:
        con.close()


def test_each_export_is_a_complete_version_and_old_ones_are_pruned(tmp_path: Path) -> None:
    snapshot, exports = tmp_path / "snap.duckdb", tmp_path / "exports"
    start = datetime(2026, 1, 1, tzinfo=UTC)
    _snapshot(snapshot, 3)
    first = export_marts(snapshot, exports, start)
    held = pl.read_parquet(exports / CURRENT / "mart_dyad_daily.parquet")
    assert held.height == 3
    assert sorted(p.name for p in (exports / CURRENT).iterdir()) == [
        "manifest.json", "mart_dyad_daily.parquet", "mart_topic_daily.parquet",
    ]  # fmt: skip
    for step in range(1, 5):
        _snapshot(snapshot, 3 + step)
        export_marts(snapshot, exports, start + timedelta(minutes=step))
    assert (exports / CURRENT).resolve().name.startswith("v-20260101T0004")
    manifest = json.loads((exports / CURRENT / "manifest.json").read_text())
    assert manifest["rows"] == {"mart_dyad_daily": 7, "mart_topic_daily": 14}
    assert len(list(exports.glob("v-*"))) == KEEP_VERSIONS and not first.exists()
    assert not list(exports.glob(".*"))  # no temporary folder or link left behind


def test_readers_of_current_always_see_one_whole_version(tmp_path: Path) -> None:
    snapshot, exports = tmp_path / "snap.duckdb", tmp_path / "exports"
    _snapshot(snapshot, 1)
    export_marts(snapshot, exports)
    stop, errors, reads = threading.Event(), [], [0]

    def read_loop() -> None:
        while not stop.is_set():
            try:
                version = (exports / CURRENT).resolve()
                manifest = json.loads((version / "manifest.json").read_text())
                for mart, rows in manifest["rows"].items():
                    if pl.read_parquet(version / f"{mart}.parquet").height != rows:
                        errors.append(f"{version.name}/{mart}: not {rows} rows")
                reads[0] += 1
            except FileNotFoundError as exc:  # pruned under the reader: only versions older than KEEP_VERSIONS
                errors.append(f"vanished: {exc}")
            except Exception as exc:  # any other failure is what this test looks for
                errors.append(repr(exc))

    reader = threading.Thread(target=read_loop)
    reader.start()
    try:
        for rows in range(2, 12):
            _snapshot(snapshot, rows)
            export_marts(snapshot, exports)
    finally:
        stop.set()
        reader.join()
    print(f"reads: {reads[0]}, errors: {len(errors)}")
    assert reads[0] > 0 and errors == []
