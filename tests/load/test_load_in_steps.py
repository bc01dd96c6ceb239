"""A load of several chunks commits each on a copy of the warehouse, renamed over it once complete."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tradewire.load.warehouse import _writing, connect, loading_copy


def _sources(path: Path) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT source_id FROM sources ORDER BY 1").fetchall()]
    finally:
        con.close()


def _add(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute("INSERT INTO sources (source_id, name, kind) VALUES (?, ?, 'local')", [name, name])


def test_steps_reach_the_warehouse_only_when_the_load_completes(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    connect(warehouse).close()
    with _writing(warehouse, in_steps=True) as writer:
        _add(writer.con, "first")
        writer.step()
        assert loading_copy(warehouse).exists()
        assert _sources(warehouse) == []  # committed on the copy only
        _add(writer.con, "second")
    assert _sources(warehouse) == ["first", "second"]
    assert not loading_copy(warehouse).exists()


def test_a_failed_load_in_steps_leaves_the_warehouse_and_no_copy(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    connect(warehouse).close()
    with pytest.raises(RuntimeError, match="halfway"), _writing(warehouse, in_steps=True) as writer:
        _add(writer.con, "first")
        writer.step()
        raise RuntimeError("halfway")
    assert _sources(warehouse) == []
    assert not loading_copy(warehouse).exists()


def test_a_symlinked_warehouse_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "disk" / "warehouse.duckdb"
    connect(real).close()
    link = tmp_path / "home" / "warehouse.duckdb"
    link.parent.mkdir()
    link.symlink_to(real)
    with _writing(link, in_steps=True) as writer:
        _add(writer.con, "first")
        writer.step()
    assert link.is_symlink()
    assert _sources(real) == ["first"]
    assert not loading_copy(real).exists()


def test_an_open_connection_elsewhere_in_the_process_stops_a_load_in_steps(tmp_path: Path) -> None:
    """Its uncheckpointed commits would be lost with the file it holds; better to refuse."""
    warehouse = tmp_path / "warehouse.duckdb"
    other = connect(warehouse)
    try:
        _add(other, "committed but not checkpointed")
        with pytest.raises(RuntimeError, match="open elsewhere"), _writing(warehouse, in_steps=True):
            pass
    finally:
        other.close()
    assert _sources(warehouse) == ["committed but not checkpointed"]
