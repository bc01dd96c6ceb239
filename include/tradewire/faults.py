"""Crash points: named places where the crash-safety tests kill the process with SIGKILL.

A crash point does nothing unless TRADEWIRE_CRASH_AT names it, so production runs never
stop here. The tests set `TRADEWIRE_CRASH_AT=<point>[:<nth>]` to kill the process at the
nth time it reaches the point (1 by default), and `TRADEWIRE_CRASH_MARK=<file>` to make the
crash happen once across every process (the one that creates the file dies; later ones go
on), which is how a worker pool, a retry or a rerun gets past the crash. SIGKILL, not an
exception: no finally block, atexit handler or ROLLBACK runs, as when the kernel's OOM
killer or a lost machine stops a task.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

CRASH_AT_ENV = "TRADEWIRE_CRASH_AT"
CRASH_MARK_ENV = "TRADEWIRE_CRASH_MARK"

_hits: Counter[str] = Counter()


def crash_point(name: str) -> None:
    """Kill this process here when the crash-safety tests ask for it."""
    wanted = os.environ.get(CRASH_AT_ENV)
    if not wanted:
        return
    point, _, nth = wanted.partition(":")
    if point != name:
        return
    _hits[name] += 1
    if _hits[name] != (int(nth) if nth.isdigit() else 1):
        return
    mark = os.environ.get(CRASH_MARK_ENV)
    if mark:
        try:
            os.close(os.open(mark, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            return  # another process crashed here already
    os.kill(os.getpid(), signal.SIGKILL)
