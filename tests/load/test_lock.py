"""The warehouse writer lock: one writer at a time across processes, never stale after a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tradewire.load.lock import WriterLockTimeout, lock_path, writer_lock

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from tradewire.load.lock import writer_lock
    with writer_lock(Path(sys.argv[1]), timeout=5):
        print("holding", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def _holder(warehouse: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(warehouse), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
    return proc


def test_a_second_process_waits_for_the_first(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    holder = _holder(warehouse, 1.5)
    started = time.monotonic()
    with writer_lock(warehouse, timeout=30):
        waited = time.monotonic() - started
        assert holder.poll() is not None, "the lock was granted while another process held it"
    holder.wait()
    assert waited >= 1.0


def test_a_holder_killed_by_sigkill_leaves_no_stale_lock(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    holder = _holder(warehouse, 3600)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert lock_path(warehouse).exists()  # the file stays; the kernel dropped the lock with the process
    started = time.monotonic()
    with writer_lock(warehouse, timeout=5):
        assert time.monotonic() - started < 1.0


def test_waiting_past_the_timeout_is_a_clear_error(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    holder = _holder(warehouse, 3600)
    try:
        with pytest.raises(WriterLockTimeout, match="writer lock"), writer_lock(warehouse, timeout=0.5):
            pass
    finally:
        holder.kill()
        holder.wait()


def test_the_lock_is_reentrant_in_one_thread_and_exclusive_between_threads(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    order: list[str] = []

    def other_thread() -> None:
        with writer_lock(warehouse, timeout=10):
            order.append("other")

    with writer_lock(warehouse, timeout=1), writer_lock(warehouse, timeout=1):  # a stage calling a locked helper
        thread = threading.Thread(target=other_thread)
        thread.start()
        time.sleep(0.5)
        order.append("outer")
    thread.join(timeout=10)
    assert order == ["outer", "other"]
