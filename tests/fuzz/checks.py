"""The properties every fuzzed clean input must have, checked in one place."""

from __future__ import annotations

import os
import time
from typing import Any

from tests.fuzz import tally
from tradewire.clean.workers import WorkerPool

EXAMPLES = int(os.environ.get("TRADEWIRE_FUZZ_EXAMPLES", "50"))  # per property; more for longer local runs
PAGE_TIMEOUT = 5.0  # seconds one page may take in a clean worker: the per-page limit every input must meet
PAGE_TYPES = {"article", "section_front", "video", "gallery", "paywall", "error", "empty", "failed"}
RESPAWN_ALLOWANCE = 30.0  # a page stopped at its limit costs a fresh worker's start-up (imports) on top


def fetched_row(item_id: str, body: bytes, content_type: str | None = "text/html", **extra: Any) -> dict[str, Any]:
    """A fetch-stage row as clean_items hands it to the workers."""
    row = {"item_id": item_id, "source": "fuzz", "url": None, "path": None, "content_type": content_type, "body": body}
    return {**row, **extra}


def clean_through(pool: WorkerPool, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], float]:
    """Clean rows in the worker pool; every row comes back as one well-formed record, in order."""
    started = time.monotonic()
    records = pool.map(rows)
    elapsed = time.monotonic() - started
    tally.count("clean", len(rows))
    assert [r["item_id"] for r in records] == [r["item_id"] for r in rows], "a page was lost or reordered"
    for record in records:
        assert record["page_type"] in PAGE_TYPES, record
        assert record["page_type"] == "article" or record["reason"], f"{record['item_id']}: no reason given"
        assert record["page_type"] != "article" or record["text"], f"{record['item_id']}: an article without text"
    return records, elapsed


def assert_cleaned_in_time(pool: WorkerPool, row: dict[str, Any]) -> dict[str, Any]:
    """One input: back within the per-page limit, and not as a failure (a failure here is a cleaner bug)."""
    [record], elapsed = clean_through(pool, [row])
    assert elapsed < PAGE_TIMEOUT, f"{row['item_id']}: {elapsed:.1f}s, over the {PAGE_TIMEOUT:.0f}s page limit"
    assert record["page_type"] != "failed", f"{row['item_id']}: {record['reason']}"
    return record
