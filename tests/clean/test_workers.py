"""The extraction workers: a page that hangs or kills its worker is recorded as failed; the rest go on."""

from __future__ import annotations

import os
import time
from collections import Counter
from typing import Any

import pytest

from tests.conftest import REPO
from tradewire.clean.run import clean_rows
from tradewire.clean.workers import WorkerPool, run_jobs


def _failure(job: dict[str, Any], reason: str) -> dict[str, Any]:
    return {"item_id": job["item_id"], "failed": reason}


@pytest.fixture(autouse=True)
def _repo_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # `python -m tests.clean.misbehaving_worker` resolves from the repo root
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))


def test_hanging_and_crashing_pages_are_failed_and_the_rest_come_back_in_order() -> None:
    jobs = [{"item_id": i} for i in ("a", "hang", "b", "crash", "c", "d")]
    started = time.monotonic()
    results = run_jobs(jobs, timeout=2, workers=2, on_failure=_failure, worker_module="tests.clean.misbehaving_worker")
    elapsed = time.monotonic() - started
    assert [r["item_id"] for r in results] == ["a", "hang", "b", "crash", "c", "d"]
    assert "exceeded" in results[1]["failed"]
    assert "crashed" in results[3]["failed"]
    assert all("pid" in results[i] for i in (0, 2, 4, 5))
    assert elapsed < 60  # bounded by the per-page deadline, not by the 3600 s sleep


def test_clean_rows_records_a_page_it_cannot_parse_as_failed() -> None:
    rows = [
        {"item_id": "x", "source": "s", "url": None, "path": None, "content_type": "text/html", "body": b"\x00" * 10},
        {"item_id": "y", "source": "s", "url": None, "path": "a.txt", "content_type": None, "body": b"Title\n\nBody."},
    ]
    records = clean_rows(rows, page_timeout=20, workers=1)
    assert [r["item_id"] for r in records] == ["x", "y"]
    assert records[0]["page_type"] in ("failed", "empty")
    assert records[0]["reason"]


def test_hostile_and_broken_pages_come_back_as_records() -> None:
    """Deep nesting, broken markup, nothing at all, a lying charset, a huge page: a record each, no escape."""
    paragraph = "<p>Officials said the tariff talks on steel and aluminium would resume next week in Geneva.</p>"
    pages = {
        "nested": ("<div>" * 20000 + paragraph * 20 + "</div>" * 20000).encode(),
        "broken": b"<html><body><article><p>Unclosed <b>bold <i>italic <table><tr><td>cell" + paragraph.encode() * 20,
        "empty": b"",
        "binary": bytes(range(256)) * 40,
        "lying-charset": (
            '<html><head><meta charset="utf-8"><title>Zölle</title></head><body><article>'
            + "<p>Die Zölle auf Stahl steigen, sagte der Minister in Brüssel.</p>" * 20
            + "</article></body></html>"
        ).encode("cp1252"),
        "huge": b"<html><body><article>"
        + "".join(f"<p>Paragraph {n}: the talks on steel quotas went on in Geneva.</p>" for n in range(40000)).encode()
        + b"</article></body></html>",
    }
    rows = [
        {"item_id": k, "source": "s", "url": None, "path": None, "content_type": "text/html", "body": v}
        for k, v in pages.items()
    ]
    records = {r["item_id"]: r for r in clean_rows(rows, page_timeout=60, workers=2)}
    assert set(records) == set(pages)
    for item_id, record in records.items():
        assert record["page_type"] in {"article", "empty", "failed"}, (item_id, record["reason"])
        assert record["page_type"] != "failed" or record["reason"], item_id
    assert records["empty"]["page_type"] == "empty"
    assert records["broken"]["page_type"] == "article" and "Geneva" in records["broken"]["text"]
    assert "Zölle auf Stahl" in records["lying-charset"]["text"]  # not "Z�lle": the next candidate decodes
    assert records["huge"]["page_type"] in {"article", "failed"}, records["huge"]["reason"]  # 2.9 MB of text


def test_a_pool_recycles_its_workers_and_keeps_them_across_batches() -> None:
    """Workers serve several batches, and each is replaced after jobs_per_worker pages (bounded memory)."""
    with WorkerPool(10, 2, _failure, "tests.clean.misbehaving_worker", jobs_per_worker=3) as pool:
        first = pool.map([{"item_id": f"a{i}"} for i in range(8)])
        second = pool.map([{"item_id": "b0"}, {"item_id": "crash"}, {"item_id": "b2"}])
    assert [r["item_id"] for r in first] == [f"a{i}" for i in range(8)]
    pids = Counter(r["pid"] for r in first)
    assert len(pids) >= 3 and max(pids.values()) <= 3  # 8 pages, at most 3 per worker process
    assert [r["item_id"] for r in second] == ["b0", "crash", "b2"]
    assert "crashed" in second[1]["failed"] and second[0]["pid"] and second[2]["pid"]
