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


def test_commands_wait_for_a_writing_task_then_say_so_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """DuckDB refuses a reader while a task writes: the CLI queues on the writer lock, and gives up with a line."""
    from tradewire import cli
    from tradewire.load.warehouse import connect

    warehouse = tmp_path / "warehouse.duckdb"
    connect(warehouse).close()
    monkeypatch.setenv("TRADEWIRE_HOME", str(tmp_path))
    monkeypatch.setattr(cli, "WAREHOUSE_BUSY_WAIT", 0.5)
    hold = "import sys, time; from pathlib import Path; from tradewire.load.lock import writer_lock\n"
    hold += "with writer_lock(Path(sys.argv[1])):\n    print('holding', flush=True); time.sleep(600)"
    writer = subprocess.Popen([sys.executable, "-c", hold, str(warehouse)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "holding"
        for command in (["summary"], ["quarantine", "list"], ["quarantine", "release", "--all"]):
            assert cli.main(command) == 1, command
            assert "writing the warehouse" in capsys.readouterr().err
    finally:
        writer.kill()
        writer.wait()
    assert cli.main(["summary"]) == 0  # the writer gone, the summary comes
