"""`tradewire run` on a batch that breaks its contract: a clear message, a rejected record, nothing published."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

TRADEWIRE = [sys.executable, "-m", "tradewire.cli"]


def test_a_rejected_batch_is_reported_without_a_traceback(tmp_path: Path) -> None:
    # a published floor after every sample article (2025): all of them break the date rule, far over the 20%
    env = {**os.environ, "TRADEWIRE_HOME": str(tmp_path), "TRADEWIRE_PUBLISHED_FLOOR": "2026-01-01"}
    env.pop("TRADEWIRE_SOURCES", None)
    result = subprocess.run([*TRADEWIRE, "run"], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "ExpectColumnValuesToBeBetween(published_at)" in result.stderr and "nothing was loaded" in result.stderr
    assert not (tmp_path / "serving" / "tradewire.duckdb").exists()
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT status FROM run_ledger").fetchall() == [("rejected",)]
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(0,)]
    finally:
        con.close()


class _ClosedPipe:
    """stdout after the reader of a pipe (`| head`) has gone: every write fails with EPIPE."""

    def __init__(self, spare: Path) -> None:
        self._file = spare.open("w")

    def write(self, _: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        pass

    def fileno(self) -> int:
        return self._file.fileno()


def test_summary_into_a_closed_pipe_ends_quietly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tradewire.cli import main
    from tradewire.load.warehouse import connect

    connect(tmp_path / "warehouse.duckdb").close()  # an empty, migrated warehouse
    monkeypatch.setenv("TRADEWIRE_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "stdout", _ClosedPipe(tmp_path / "stdout"))
    assert main(["summary"]) == 0
