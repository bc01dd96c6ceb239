"""Every cookbook query answers its question on the sample warehouse, and runs on an empty one."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO
from tradewire.load.warehouse import connect
from tradewire.pipeline import run_all
from tradewire.serve.marts import MARTS_DIR, build_marts
from tradewire.serve.snapshot import publish_snapshot
from tradewire.settings import Settings

COOKBOOK = MARTS_DIR.parent / "cookbook"
QUERIES = sorted(COOKBOOK.glob("*.sql"))


def _header(path: Path) -> dict[str, str]:
    """The `-- key: value` lines of the comment block the file starts with."""
    header: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            break
        key, sep, value = line.removeprefix("--").strip().partition(":")
        if sep and key in ("question", "uses"):
            header[key] = value.strip()
    return header


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The bundled sample loaded offline by a real run, its marts built, and its published snapshot."""
    home = tmp_path_factory.mktemp("cookbook") / "home"
    settings = Settings.from_env({"TRADEWIRE_HOME": str(home)})
    run_all("run-1", settings)
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        build_marts(con)
    finally:
        con.close()
    # published now: a process cannot attach a file it already holds open read-write
    return settings.warehouse_path, publish_snapshot(settings.warehouse_path, settings.snapshot_path)


@pytest.fixture(scope="module")
def sample(sample_files: tuple[Path, Path]) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(sample_files[0]))
    yield con
    con.close()


def test_the_cookbook_has_at_least_14_numbered_queries() -> None:
    assert len(QUERIES) >= 14
    assert all(path.name[:2].isdigit() and path.name[2] == "_" for path in QUERIES)
    assert len({path.name[:2] for path in QUERIES}) == len(QUERIES)


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_query_has_a_question_and_answers_it_on_the_sample(sample: duckdb.DuckDBPyConnection, path: Path) -> None:
    header = _header(path)
    assert header.get("question", "").endswith("?"), f"{path.name}: no '-- question: ...?' line"
    assert header.get("uses"), f"{path.name}: no '-- uses: tables' line"
    tables = {name for (name,) in sample.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {t.strip() for t in header["uses"].split(",")} <= tables
    rows = sample.execute(path.read_text(encoding="utf-8")).fetchall()
    assert rows, f"{path.name} returns no row on the sample"


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_query_runs_on_an_empty_warehouse(tmp_path: Path, path: Path) -> None:
    con = connect(tmp_path / "empty.duckdb")
    try:
        build_marts(con)
        con.execute(path.read_text(encoding="utf-8")).fetchall()
    finally:
        con.close()


def test_pair_meetings_find_bessent_and_he_lifeng_in_kuala_lumpur(sample: duckdb.DuckDBPyConnection) -> None:
    rows = sample.execute((COOKBOOK / "03_pair_meetings.sql").read_text(encoding="utf-8")).fetchall()
    places = {(str(row[0]), row[3]) for row in rows}
    assert ("2025-10-26", "Kuala Lumpur") in places


def test_held_back_pages_list_quarantined_items_first(sample: duckdb.DuckDBPyConnection) -> None:
    # the sample run quarantines nothing: hold one page for the length of a transaction
    sample.execute("BEGIN TRANSACTION").fetchall()
    try:
        sample.execute(
            "INSERT INTO quarantine (item_id, stage, run_id, failed_expectations, record, quarantined_at, reason) "
            "VALUES ('held-1', 'clean', 'run-1', ['clean_articles: ExpectColumnValuesToBeBetween(published_at)'], "
            "'{}', now(), 'published_at before the floor')"
        ).fetchall()
        rows = sample.execute((COOKBOOK / "11_held_back_pages.sql").read_text(encoding="utf-8")).fetchall()
    finally:
        sample.execute("ROLLBACK").fetchall()
    assert rows[0][:3] == ("quarantined", "clean", "held-1")
    assert rows[0][5] == "published_at before the floor"
    assert all(row[0] != "quarantined" for row in rows[1:])


def test_every_query_answers_on_the_snapshot_with_a_duckdb_1_client(sample_files: tuple[Path, Path]) -> None:
    # dashboards run the cookbook on the published snapshot, with the DuckDB 1.x the BI drivers embed
    client = REPO / ".venv" / "duckdb1"
    if not (client / "duckdb").is_dir():
        pytest.skip(f"no DuckDB 1.x client in {client}: `make venv` installs it (requirements-bi-client.txt)")
    code = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
        "[print(duckdb.__version__, p.rsplit('/', 1)[-1], "
        "len(con.execute(open(p, encoding='utf-8').read()).fetchall())) for p in sys.argv[2:]]"
    )
    env = {**os.environ, "PYTHONPATH": str(client)}  # ahead of the venv's DuckDB 2.x
    result = subprocess.run(
        [sys.executable, "-c", code, str(sample_files[1]), *map(str, QUERIES)], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    counts = [line.split() for line in result.stdout.splitlines()]
    assert [name for _, name, _ in counts] == [path.name for path in QUERIES]
    assert all(version.startswith("1.") and int(n) > 0 for version, _, n in counts), counts
