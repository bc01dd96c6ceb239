"""Readers of the snapshot never block the writer, and never see a half-written file."""

from __future__ import annotations

from pathlib import Path

import duckdb

from tradewire.serve.snapshot import publish_snapshot


def _warehouse(path: Path, rows: int) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE OR REPLACE TABLE articles AS SELECT range AS id FROM range(?)", [rows])
    con.close()


def test_reader_keeps_old_snapshot_while_a_new_one_is_published(tmp_path: Path) -> None:
    warehouse, snapshot = tmp_path / "w.duckdb", tmp_path / "serving" / "s.duckdb"
    _warehouse(warehouse, 3)
    publish_snapshot(warehouse, snapshot)
    reader = duckdb.connect(str(snapshot), read_only=True)  # a dashboard holding the snapshot open
    writer = duckdb.connect(str(warehouse))  # the pipeline can still write while the reader is open
    writer.execute("INSERT INTO articles SELECT range + 3 FROM range(4)")
    writer.close()
    publish_snapshot(warehouse, snapshot)
    assert reader.execute("SELECT count(*) FROM articles").fetchone() == (3,)  # its inode is the old file
    reader.close()
    fresh = duckdb.connect(str(snapshot), read_only=True)
    assert fresh.execute("SELECT count(*) FROM articles").fetchone() == (7,)
    fresh.close()
    assert not list(snapshot.parent.glob(".*.tmp"))
