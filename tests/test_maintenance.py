"""Daily housekeeping on real files and a real DuckDB warehouse, and the failure record."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType, SimpleNamespace

import duckdb
import pytest

from tests.conftest import REPO, load_module
from tradewire.fetch import archive
from tradewire.load.warehouse import connect
from tradewire.maintenance import (
    checkpoint_warehouse,
    prune_archive,
    prune_staging,
    recent_failures,
    record_task_failure,
    tidy_serving,
)
from tradewire.serve.status import status, status_html
from tradewire.settings import Settings

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _age(path: Path, days: float) -> None:
    stamp = (NOW - timedelta(days=days)).timestamp()
    for p in [path, *path.rglob("*")]:
        os.utime(p, (stamp, stamp))


def test_staging_folders_go_only_when_nothing_was_written_for_the_retention(tmp_path: Path) -> None:
    for name, days in (("old-run", 20), ("recent-run", 2)):
        (tmp_path / name / "validate").mkdir(parents=True)
        (tmp_path / name / "fetch.parquet").write_bytes(b"x")
        _age(tmp_path / name, days)
    (tmp_path / "old-but-touched").mkdir()
    (tmp_path / "old-but-touched" / "a").write_text("x")
    _age(tmp_path / "old-but-touched", 30)
    os.utime(tmp_path / "old-but-touched" / "a", (NOW.timestamp(), NOW.timestamp()))  # a run still writing
    assert prune_staging(tmp_path, keep_days=14, now=NOW) == ["old-run"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old-but-touched", "recent-run"]
    assert prune_staging(tmp_path, keep_days=14, now=NOW) == []  # rerun: nothing more


def test_archive_policy_forgets_old_bodies_index_first(tmp_path: Path) -> None:
    warehouse, root = tmp_path / "warehouse.duckdb", tmp_path / "archive"
    old, shared, new = (archive.store(root, body) for body in (b"old page", b"shared page", b"new page"))
    con = connect(warehouse)
    try:
        rows = [
            ("i1", old, NOW - timedelta(days=400)),
            ("i2", shared, NOW - timedelta(days=400)),
            ("i3", shared, NOW - timedelta(days=1)),  # the same body fetched again lately: kept
            ("i4", new, NOW - timedelta(days=1)),
        ]
        con.executemany(
            "INSERT INTO raw_archive (item_id, content_hash, source_id, item_kind, fetched_at) "
            "VALUES (?, ?, 's', 'page', ?)",
            rows,
        )
    finally:
        con.close()
    assert prune_archive(warehouse, root, keep_days=0, now=NOW) == {"rows": 0, "files": 0}  # default: keep all
    assert prune_archive(warehouse, root, keep_days=365, now=NOW) == {"rows": 1, "files": 1}
    assert not archive.archive_path(root, old).exists()
    assert archive.load(root, shared) == b"shared page" and archive.load(root, new) == b"new page"
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert sorted(r[0] for r in con.execute("SELECT item_id FROM raw_archive").fetchall()) == ["i2", "i3", "i4"]
    finally:
        con.close()
    assert prune_archive(warehouse, root, keep_days=365, now=NOW) == {"rows": 0, "files": 0}


def test_checkpoint_folds_the_wal_into_the_file(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    con = connect(warehouse)
    con.execute("CREATE TABLE scratch AS SELECT range AS n FROM range(1000)")
    con.close()
    assert checkpoint_warehouse(warehouse) > 0
    assert not warehouse.with_name(warehouse.name + ".wal").exists()
    assert checkpoint_warehouse(tmp_path / "absent.duckdb") == 0


def test_only_stale_temporary_serving_files_are_removed(tmp_path: Path) -> None:
    (tmp_path / "exports" / ".v-1.123.tmp").mkdir(parents=True)
    (tmp_path / ".tradewire.duckdb.42.tmp").write_bytes(b"half a snapshot")
    (tmp_path / ".tradewire.duckdb.43.tmp").write_bytes(b"a publish in progress")
    (tmp_path / "tradewire.duckdb").write_bytes(b"the snapshot")
    _age(tmp_path / "exports", 2)
    _age(tmp_path / ".tradewire.duckdb.42.tmp", 2)
    os.utime(tmp_path / ".tradewire.duckdb.43.tmp", (NOW.timestamp(), NOW.timestamp()))
    assert sorted(tidy_serving(tmp_path, now=NOW)) == [".tradewire.duckdb.42.tmp", "exports/.v-1.123.tmp"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".tradewire.duckdb.43.tmp", "exports", "tradewire.duckdb"]


def _dag_parts() -> ModuleType:
    return load_module("tradewire_dag_parts", REPO / "plugins/tradewire_dag_parts.py")


def test_the_failure_callback_records_what_failed_and_the_page_shows_it(tradewire_home: Path) -> None:
    settings = Settings.from_env()
    ti = SimpleNamespace(dag_id="tradewire_ingest", task_id="load_warehouse", run_id="manual__1", map_index=-1,
                         try_number=3)  # fmt: skip
    _dag_parts().record_failure({"ti": ti, "exception": RuntimeError("disk <full>")})
    record_task_failure(settings.failures_log, {"dag_id": "tradewire_analytics", "task_id": "build_marts"})
    latest = recent_failures(settings.failures_log)
    assert [f["task_id"] for f in latest] == ["build_marts", "load_warehouse"]  # newest first
    assert latest[1]["try_number"] == 3 and "disk <full>" in str(latest[1]["error"])
    page = status_html(status(settings))
    assert "Recent task failures" in page and "disk &lt;full&gt;" in page and "disk <full>" not in page


def test_a_broken_callback_never_raises(tradewire_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tradewire.pipeline

    def boom(*_: object, **__: object) -> None:
        raise OSError("read-only file system")

    monkeypatch.setattr(tradewire.pipeline, "record_failure_stage", boom)
    _dag_parts().record_failure({"ti": None, "exception": None})  # logged, not raised
