"""The warehouse's writer lock: one process at a time writes the DuckDB file or copies it to the snapshot.

Airflow's one-slot writer pool already serialises the DAGs' writers; this lock also covers what runs
outside the scheduler (the CLI, `airflow dags test`, a second deployment on the same data folder, a
pool someone resized). DuckDB itself refuses a second writer at once ("Conflicting lock is held")
instead of waiting, so without this a concurrent run would fail rather than queue.

The lock is flock(2) on a file beside the warehouse: the kernel releases it when its holder dies,
even by SIGKILL, so a crash never leaves a stale lock behind. It is re-entrant within a process
(a stage that holds it may call code that takes it again).
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

_held: dict[tuple[str, int], tuple[int, int]] = {}  # (lock path, thread) -> (file descriptor, depth)
_guard = threading.Lock()


class WriterLockTimeout(TimeoutError):
    pass


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


@contextmanager
def writer_lock(warehouse: Path, timeout: float = 3600.0, poll: float = 0.2) -> Iterator[None]:
    """Hold the warehouse's writer lock, waiting up to `timeout` seconds for another holder to finish."""
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = (str(path.resolve()), threading.get_ident())
    with _guard:
        held = _held.get(key)
        if held:
            _held[key] = (held[0], held[1] + 1)
    if not held:
        fd = _acquire(path, timeout, poll)
        with _guard:
            _held[key] = (fd, 1)
    try:
        yield
    finally:
        _release(key)


def _acquire(path: Path, timeout: float, poll: float) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline, announced = time.monotonic() + timeout, False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise WriterLockTimeout(
                    f"another process has held the warehouse writer lock {path} for over {timeout:.0f}s"
                ) from None
            if not announced:
                log.info("waiting for the warehouse writer lock %s (another run is writing)", path)
                announced = True
            time.sleep(poll)


def _release(key: tuple[str, int]) -> None:
    with _guard:
        fd, depth = _held[key]
        if depth > 1:
            _held[key] = (fd, depth - 1)
            return
        del _held[key]
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
