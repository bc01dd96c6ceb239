"""Killable extraction workers: separate Python processes fed over pipes, stopped when a page overruns.

trafilatura has no timeout of its own and can spin for minutes on hostile
pages, sometimes inside C code that no signal interrupts. Each worker is a
plain `python -m tradewire.clean.workers` process (no multiprocessing, so
nothing depends on how the parent was started, e.g. by an Airflow task
runner); the parent gives each page a deadline and kills the worker that
misses it, records the page as failed and starts a fresh worker.

Run as a module, this file is the worker: it reads length-prefixed pickled
jobs on stdin and writes length-prefixed pickled results on stdout.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import selectors
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO

_HEADER = struct.Struct(">Q")
READY = "ready"

Job = dict[str, Any]
Result = dict[str, Any]


def _write(stream: BinaryIO, obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exact(stream: BinaryIO, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError("worker pipe closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read(stream: BinaryIO) -> Any:
    (size,) = _HEADER.unpack(_read_exact(stream, _HEADER.size))
    return pickle.loads(_read_exact(stream, size))  # noqa: S301  # our own worker process, never fetched data


WORKER_MODULE = "tradewire.clean.workers"


class _Worker:
    def __init__(self, module: str = WORKER_MODULE) -> None:
        self.module = module
        self.proc = subprocess.Popen(
            [sys.executable, "-m", module],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.index: int | None = None  # the job it is working on
        self.done = 0  # jobs finished, to recycle the worker before library caches and fragmentation grow it
        self.deadline = 0.0
        self.ready = False

    @property
    def stdin(self) -> BinaryIO:
        assert self.proc.stdin is not None
        return self.proc.stdin  # type: ignore[return-value]

    @property
    def stdout(self) -> BinaryIO:
        assert self.proc.stdout is not None
        return self.proc.stdout  # type: ignore[return-value]

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe:
                pipe.close()

    def stop(self) -> None:
        try:
            self.stdin.close()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.kill()
        if self.proc.stdout:
            self.proc.stdout.close()


def run_jobs(
    jobs: Sequence[Job],
    timeout: float,
    workers: int,
    on_failure: Callable[[Job, str], Result],
    worker_module: str = WORKER_MODULE,
) -> list[Result]:
    """Run every job in worker processes; a job that overruns or crashes its worker gets on_failure's result."""
    with WorkerPool(timeout, min(workers, max(1, len(jobs))), on_failure, worker_module) as pool:
        return pool.map(jobs)


class WorkerPool:
    """Worker processes kept for many batches of jobs, so their start-up (the imports) is paid once per stage.

    A job that overruns `timeout` gets on_failure's result and a fresh worker takes the next one.
    A job whose worker dies (a crash in C code, or a kill from outside: the OOM killer, an operator)
    is tried once more in a fresh worker, since the death may have nothing to do with the page; a
    second death gives on_failure's result. The clock for a job starts when a ready worker takes it.
    """

    def __init__(
        self,
        timeout: float,
        workers: int,
        on_failure: Callable[[Job, str], Result],
        worker_module: str = WORKER_MODULE,
        jobs_per_worker: int = 5000,
        label: str = "extraction",
    ) -> None:
        self.timeout, self.size, self.on_failure, self.module = timeout, max(1, workers), on_failure, worker_module
        self.label = label  # names the stage in the failure reasons
        self.jobs_per_worker = jobs_per_worker
        self.pool: list[_Worker] = []
        self.selector = selectors.DefaultSelector()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self.pool:
            worker.stop()
        self.selector.close()

    def _started(self, jobs: int) -> None:
        """Start workers as batches need them: a stage with nothing to do starts none, one page starts one."""
        fresh = [_Worker(self.module) for _ in range(min(self.size, jobs) - len(self.pool))]  # import in parallel
        self.pool.extend(fresh)
        for worker in fresh:
            self._ready(worker)

    def _ready(self, worker: _Worker) -> None:
        """Wait for the worker's imports (its 'ready' message), so start-up is not charged to a page."""
        self.selector.register(worker.stdout, selectors.EVENT_READ, worker)
        try:
            ready = _read(worker.stdout) == READY
        except (EOFError, pickle.UnpicklingError, struct.error):
            ready = False
        if not ready:
            raise RuntimeError(f"extraction worker {worker.module} failed to start")

    def map(self, jobs: Sequence[Job]) -> list[Result]:
        """Results of the jobs, in their order."""
        if not jobs:
            return []
        self._started(len(jobs))
        results: list[Result | None] = [None] * len(jobs)
        pending = list(range(len(jobs)))[::-1]
        retried: set[int] = set()

        def assign(worker: _Worker) -> None:
            if not pending:
                worker.index = None
                return
            if worker.done >= self.jobs_per_worker:  # a fresh process: RSS grew with the pages (docs/benchmarks.md)
                self.selector.unregister(worker.stdout)
                worker.stop()
                fresh = _Worker(self.module)
                self.pool[self.pool.index(worker)] = fresh
                self._ready(fresh)
                worker = fresh
            worker.index = pending.pop()
            worker.deadline = time.monotonic() + self.timeout
            try:
                _write(worker.stdin, jobs[worker.index])
            except (BrokenPipeError, OSError):
                fail(worker, f"{self.label} worker died before taking the page", retry=True)

        def fail(worker: _Worker, reason: str, retry: bool = False) -> None:
            assert worker.index is not None
            if retry and worker.index not in retried:
                retried.add(worker.index)
                pending.append(worker.index)  # next in line, for the fresh worker
            else:
                results[worker.index] = self.on_failure(jobs[worker.index], reason)
            with contextlib.suppress(KeyError, ValueError):
                self.selector.unregister(worker.stdout)
            worker.kill()
            replacement = _Worker(self.module)
            self.pool[self.pool.index(worker)] = replacement
            self._ready(replacement)
            assign(replacement)

        for worker in list(self.pool):
            assign(worker)
        while any(w.index is not None for w in self.pool):
            busy = [w for w in self.pool if w.index is not None]
            wait = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            for key, _ in self.selector.select(timeout=wait):
                worker = key.data
                if worker.index is None:
                    continue
                try:
                    results[worker.index] = _read(worker.stdout)
                except (EOFError, pickle.UnpicklingError, struct.error):
                    fail(worker, f"{self.label} worker crashed on this page, twice", retry=True)
                    continue
                worker.done += 1
                assign(worker)
            now = time.monotonic()
            for worker in [w for w in self.pool if w.index is not None and now >= w.deadline]:
                fail(worker, f"{self.label} exceeded {self.timeout:.0f}s; worker stopped")
        return [r if r is not None else self.on_failure(jobs[i], "not processed") for i, r in enumerate(results)]


def serve(handle: Callable[[Job], Result]) -> None:
    """Worker side: answer each job sent on stdin until it closes."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # anything a library prints must not corrupt the result pipe
    _write(stdout, READY)
    while True:
        try:
            job = _read(stdin)
        except EOFError:
            return
        _write(stdout, handle(job))


def main() -> None:
    import tradewire.clean.html  # noqa: F401  # the heavy imports, before announcing readiness
    from tradewire.clean.run import clean_job

    serve(clean_job)


if __name__ == "__main__":
    main()
