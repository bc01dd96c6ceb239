"""What each stage cost: wall time, CPU seconds and peak memory, one JSON line per stage call.

Written to `<run staging folder>/metrics.jsonl` by the stage functions in `tradewire.pipeline`, so a
benchmark (or a curious operator) can tell the stages' own work apart from Airflow's overhead.
Peak RSS is sampled (this process plus its worker processes), because under `airflow dags test`
every task runs in one process and `ru_maxrss` would only ever report the largest so far.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import logging
import os
import resource
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)

SAMPLE_SECONDS = 0.25  # listing child processes costs ~3 ms: sampling faster would cost the stage itself


def _tree_rss(process: Any) -> int:
    import psutil

    total = 0
    for proc in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):  # a worker can exit between listing and reading it
            total += proc.memory_info().rss
    return int(total)


class _PeakSampler:
    """Samples the RSS of this process and its children on a daemon thread until stopped."""

    def __init__(self) -> None:
        import psutil

        self._process = psutil.Process(os.getpid())
        self._stop = threading.Event()
        self.start = self.peak = _tree_rss(self._process)
        self._thread = threading.Thread(target=self._run, name="tradewire-rss-sampler", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.peak = max(self.peak, _tree_rss(self._process))

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return max(self.peak, _tree_rss(self._process))


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # extraction workers, once they are reaped
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def record_stage(
    metrics_file: Path, stage: str, started: float, cpu_started: float, peak_rss: int, start_rss: int
) -> None:
    metrics_file.parent.mkdir(parents=True, exist_ok=True)
    line = {
        "stage": stage,
        "started_at": datetime.fromtimestamp(started, UTC).isoformat(),
        "wall_seconds": round(time.time() - started, 4),
        "cpu_seconds": round(_cpu_seconds() - cpu_started, 4),
        "peak_rss_bytes": peak_rss,
        "start_rss_bytes": start_rss,  # what the process held before: under `airflow dags test`, earlier tasks too
        "pid": os.getpid(),
    }
    with metrics_file.open("a") as out:  # one short append per stage: concurrent tasks do not interleave lines
        out.write(json.dumps(line) + "\n")


def measured(stage: str, run_dir: Callable[[dict[str, Any]], Path | None]) -> Callable[[F], F]:
    """Record the decorated stage's cost in `run_dir(arguments) / "metrics.jsonl"`; never fails the stage."""

    def decorate(func: F) -> F:
        signature = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            sampler = _PeakSampler()
            started, cpu_started = time.time(), _cpu_seconds()
            try:
                return func(*args, **kwargs)
            finally:
                peak = sampler.stop()
                try:
                    bound = signature.bind_partial(*args, **kwargs)
                    folder = run_dir(dict(bound.arguments))
                    if folder is not None:
                        record_stage(folder / "metrics.jsonl", stage, started, cpu_started, peak, sampler.start)
                except Exception:  # measuring must never break the pipeline
                    log.warning("could not record the cost of stage %s", stage, exc_info=True)

        return wrapper  # type: ignore[return-value]

    return decorate


def read_metrics(run_dir: Path) -> list[dict[str, Any]]:
    path = run_dir / "metrics.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
