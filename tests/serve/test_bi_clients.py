"""The published snapshot opens in what BI tools embed: a DuckDB 1.x client and SQLAlchemy (duckdb-engine)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tradewire.load.warehouse import connect
from tradewire.serve.snapshot import publish_snapshot

BI_CLIENT = REPO / ".venv" / "duckdb1"  # made by `make venv` from requirements-bi-client.txt


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    warehouse, snap = tmp_path / "warehouse.duckdb", tmp_path / "serving" / "tradewire.duckdb"
    con = connect(warehouse)  # the real schema, every migration
    try:
        con.execute(
            "INSERT INTO sources (source_id, name, kind) VALUES ('wire', 'wire', 'rss');"
            "CREATE TABLE mart_dyad_weekly AS SELECT DATE '2025-10-06' AS week, 'CHN' AS a, 'USA' AS b, 3 AS articles"
        )
    finally:
        con.close()
    return publish_snapshot(warehouse, snap)


def test_a_duckdb_1_2_client_reads_the_snapshot(snapshot: Path) -> None:
    if not (BI_CLIENT / "duckdb").is_dir():
        pytest.skip(f"no DuckDB 1.x client in {BI_CLIENT}: `make venv` installs it (requirements-bi-client.txt)")
    code = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
        "print(duckdb.__version__, con.execute('SELECT count(*) FROM sources').fetchall()[0][0], "
        "con.execute('SELECT a || b FROM mart_dyad_weekly').fetchall()[0][0])"
    )
    env = {**os.environ, "PYTHONPATH": str(BI_CLIENT)}  # ahead of the venv's DuckDB 2.x
    result = subprocess.run([sys.executable, "-c", code, str(snapshot)], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    version, sources, dyad = result.stdout.split()
    assert version.startswith("1.") and (sources, dyad) == ("1", "CHNUSA")


def test_the_superset_connection_string_works_read_only(snapshot: Path) -> None:
    import sqlalchemy

    # what the README tells Superset users to paste (duckdb-engine's dialect), in both of its forms
    for engine in (
        sqlalchemy.create_engine(f"duckdb:///{snapshot}?access_mode=read_only"),
        sqlalchemy.create_engine(f"duckdb:///{snapshot}", connect_args={"read_only": True}),
    ):
        with engine.connect() as conn:
            assert conn.execute(sqlalchemy.text("SELECT count(*) FROM mart_dyad_weekly")).scalar() == 1
            with pytest.raises(sqlalchemy.exc.SQLAlchemyError, match="read-only"):
                conn.execute(sqlalchemy.text("DELETE FROM sources"))
        engine.dispose()
