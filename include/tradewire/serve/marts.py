"""Analytics marts: mart_* tables rebuilt from the warehouse's base tables (contract: the marts spec).

Each mart is one fixed SQL file in include/sql/marts, named NN_mart_x.sql and run in name order
(later marts may read earlier ones). The package is installed editable from include/, so the SQL
sits next to it in the checkout and in the image.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import duckdb

MARTS_DIR = Path(__file__).resolve().parents[2] / "sql" / "marts"

_FILE = re.compile(r"^\d+_(mart_[a-z0-9_]+)\.sql$")


def _mart_files() -> list[tuple[str, Path]]:
    files = []
    for path in sorted(MARTS_DIR.glob("*.sql")):
        match = _FILE.match(path.name)
        if not match:
            raise ValueError(f"{path}: mart files are named NN_mart_name.sql")
        files.append((match.group(1), path))
    return files


def mart_names() -> list[str]:
    """The marts' table names, in build order."""
    return [name for name, _ in _mart_files()]


def build_marts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rebuild every mart in one transaction (all or none); return each mart's row count."""
    files = _mart_files()
    counts: dict[str, int] = {}
    con.execute("BEGIN TRANSACTION").fetchall()
    try:
        for name, path in files:
            con.execute(path.read_text(encoding="utf-8")).fetchall()
            # name matched ^mart_[a-z0-9_]+$ above: a safe identifier, not user input
            row = con.execute(f"SELECT count(*) FROM {name}").fetchone()  # noqa: S608
            counts[name] = int(row[0]) if row else 0
        con.execute("COMMIT").fetchall()
    except BaseException:
        # a failed rollback must not hide why the build failed
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK").fetchall()
        raise
    return counts
