"""One record per request attempt: what fetch_log holds.

A `RecordingFetcher` sits directly above the network (under retries and robots),
so every try is a row: a 500 then a 200 are two rows. The item and purpose an
attempt belongs to come from `attributed(...)`, a context the run sets around
each item, because the Fetcher interface carries only a URL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl

from tradewire.fetch.http import Fetcher, FetchError, Response

ATTEMPT_SCHEMA = pl.Schema(
    {
        "item_id": pl.String(),
        "source": pl.String(),
        "purpose": pl.String(),  # page | feed | robots | file
        "attempt": pl.Int32(),  # 1, 2, ... within one item and purpose
        "url": pl.String(),
        "path": pl.String(),  # local files
        "final_url": pl.String(),
        # ok | not_modified | http_error | timeout | too_large | blocked | dns | connection | redirects
        # | robots | wrong_content_type | bad_encoding | parse_error | file_error
        "outcome": pl.String(),
        "http_status": pl.Int32(),
        "bytes": pl.Int64(),
        "duration_ms": pl.Float64(),
        "error": pl.String(),
        "started_at": pl.Datetime("us", "UTC"),
    }
)


@dataclass(frozen=True)
class Context:
    item_id: str
    source: str
    purpose: str


_current: ContextVar[Context | None] = ContextVar("tradewire_fetch_context", default=None)


@contextmanager
def attributed(item_id: str, source: str, purpose: str) -> Iterator[None]:
    """Attempts made inside the block belong to this item."""
    token = _current.set(Context(item_id, source, purpose))
    try:
        yield
    finally:
        _current.reset(token)


def current_context() -> Context | None:
    return _current.get()


def outcome_of_status(status: int) -> str:
    if 200 <= status < 300:
        return "ok"
    return "not_modified" if status == 304 else "http_error"


class AttemptLog:
    """Thread-safe list of attempt rows for one fetch task."""

    def __init__(self) -> None:
        self._rows: list[dict[str, object]] = []
        self._counts: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def add(
        self,
        url: str | None,
        outcome: str,
        *,
        context: Context | None = None,
        path: str | None = None,
        final_url: str | None = None,
        http_status: int | None = None,
        size: int | None = None,
        duration_ms: float = 0.0,
        error: str | None = None,
        started_at: datetime | None = None,
    ) -> None:
        ctx = context or _current.get() or Context("", "", "page")
        key = (ctx.item_id, ctx.purpose)
        with self._lock:
            self._counts[key] = number = self._counts.get(key, 0) + 1
            self._rows.append(
                {
                    "item_id": ctx.item_id,
                    "source": ctx.source,
                    "purpose": ctx.purpose,
                    "attempt": number,
                    "url": url,
                    "path": path,
                    "final_url": final_url,
                    "outcome": outcome,
                    "http_status": http_status,
                    "bytes": size,
                    "duration_ms": round(duration_ms, 3),
                    "error": error,
                    "started_at": started_at or datetime.now(UTC),
                }
            )

    def has(self, item_id: str, purpose: str) -> bool:
        with self._lock:
            return (item_id, purpose) in self._counts

    def settle(self, item_id: str, purpose: str, outcome: str, error: str | None) -> None:
        """Give the item's last attempt the item's outcome when it failed after the transfer (parse error, type)."""
        with self._lock:
            for row in reversed(self._rows):
                if row["item_id"] == item_id and row["purpose"] == purpose:
                    if row["outcome"] == "ok":
                        row["outcome"], row["error"] = outcome, error
                    return

    def take(self) -> pl.DataFrame:
        """The rows recorded since the last take, as a frame; each step of a run writes its own."""
        with self._lock:
            rows, self._rows = self._rows, []
        return pl.DataFrame(rows, schema=ATTEMPT_SCHEMA, orient="row")


class RecordingFetcher:
    """Records each request that passes through into an AttemptLog, then passes its result on."""

    def __init__(self, inner: Fetcher, log: AttemptLog) -> None:
        self.inner = inner
        self.log = log

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Response:
        started_at = datetime.now(UTC)
        start = time.perf_counter()
        try:
            response = self.inner.get(url, headers)
        except FetchError as exc:
            elapsed = (time.perf_counter() - start) * 1000
            self.log.add(url, exc.outcome, duration_ms=elapsed, error=str(exc), started_at=started_at)
            raise
        self.log.add(
            url,
            outcome_of_status(response.status),
            final_url=response.url,
            http_status=response.status,
            size=len(response.body),
            duration_ms=(time.perf_counter() - start) * 1000,
            error=None if response.status < 400 else f"HTTP {response.status}",
            started_at=started_at,
        )
        return response

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close:
            close()
