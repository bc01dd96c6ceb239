"""The clean stage: fetched bytes in, one cleaned record per fetched page out.

Extraction runs in worker processes with a hard per-page time limit, because
trafilatura has no timeout of its own and can run for minutes on hostile pages.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from multiprocessing.pool import Pool
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

import polars as pl

from tradewire.clean.dedup import minhash
from tradewire.ids import content_fingerprint, item_id_for_url

log = logging.getLogger(__name__)

CLEAN_SCHEMA = pl.Schema(
    {
        "item_id": pl.String(),
        "article_id": pl.String(),
        "source": pl.String(),
        "url": pl.String(),
        "input_path": pl.String(),
        "page_type": pl.String(),
        "reason": pl.String(),
        "title": pl.String(),
        "authors": pl.List(pl.String),
        "published_at": pl.Datetime("us", "UTC"),
        "modified_at": pl.Datetime("us", "UTC"),
        "site_name": pl.String(),
        "section": pl.String(),
        "tags": pl.List(pl.String),
        "language": pl.String(),
        "text": pl.String(),
        "word_count": pl.Int32(),
        "canonical_url": pl.String(),
        "image": pl.String(),
        "fingerprint": pl.String(),
        "minhash": pl.List(pl.UInt64),
        "extractor": pl.String(),
    }
)


class PageTimeout(Exception):
    pass


def detect_language(text: str, hint: str | None = None) -> str | None:
    if len(text) < 40:
        return hint
    import py3langid

    code, _ = py3langid.classify(text[:5000])
    return str(code)


def is_text_dump(path: str | None, content_type: str | None) -> bool:
    if path and path.lower().endswith(".txt"):
        return True
    return bool(content_type and content_type.lower().startswith("text/plain"))


def clean_document(
    data: bytes,
    *,
    item_id: str,
    source: str | None = None,
    url: str | None = None,
    path: str | None = None,
    content_type: str | None = None,
) -> dict[str, Any]:
    """Clean one document (HTML or text dump) into a record of CLEAN_SCHEMA's fields."""
    from tradewire.clean.html import decode_html, extract_html
    from tradewire.clean.metadata import parse_datetime
    from tradewire.clean.textdump import clean_text_dump

    record: dict[str, Any] = dict.fromkeys(CLEAN_SCHEMA)
    record.update(item_id=item_id, source=source, url=url, input_path=path, authors=[], tags=[])
    text_in = decode_html(data, content_type)
    if is_text_dump(path, content_type):
        dump = clean_text_dump(text_in)
        record.update(
            title=dump.title,
            authors=dump.authors,
            published_at=parse_datetime(dump.published),
            tags=dump.tags,
            text=dump.text,
            extractor="textdump",
        )
        words = len(dump.text.split())
        record["page_type"], record["reason"] = (
            ("article", None) if words >= 40 else ("empty", f"text too short ({words} words)")
        )
        hint = None
    else:
        art = extract_html(text_in, url=url)
        record.update(
            title=art.title,
            authors=art.authors,
            published_at=art.published_at,
            modified_at=art.modified_at,
            site_name=art.site_name,
            section=art.section,
            tags=art.tags,
            text=art.text,
            canonical_url=art.canonical_url,
            image=art.image,
            page_type=art.page_type,
            reason=art.reason,
            extractor="trafilatura",
        )
        hint = art.language_hint
    text = record["text"] or ""
    record["word_count"] = len(text.split())
    record["language"] = detect_language(text, hint)
    record["fingerprint"] = content_fingerprint(text) if text else None
    record["minhash"] = minhash(text) if text else None
    record["article_id"] = article_id(item_id, url, record["canonical_url"])
    return record


def article_id(item_id: str, url: str | None, canonical: str | None) -> str:
    """The canonical URL names the article when it is on the fetched URL's own host; else the item."""
    same_host = url is None or (canonical and urlsplit(canonical).hostname == urlsplit(url).hostname)
    if canonical and canonical.startswith(("http://", "https://")) and same_host:
        return item_id_for_url(canonical)
    if url:
        return item_id_for_url(url)
    return item_id


# --- worker processes -------------------------------------------------------------------------


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise PageTimeout


def _init_worker() -> None:
    signal.signal(signal.SIGALRM, _on_alarm)


def _clean_in_worker(job: tuple[dict[str, Any], float]) -> dict[str, Any]:
    row, timeout = job
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return clean_document(
            row["body"] or b"",
            item_id=row["item_id"],
            source=row["source"],
            url=row["url"],
            path=row["path"],
            content_type=row["content_type"],
        )
    except PageTimeout:
        return _failed(row, "error", f"extraction exceeded {timeout:.0f}s")
    except Exception as exc:  # a hostile page must not take the batch down; it is recorded instead
        return _failed(row, "error", f"extraction failed: {type(exc).__name__}: {exc}"[:500])
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _failed(row: dict[str, Any], page_type: str, reason: str) -> dict[str, Any]:
    record: dict[str, Any] = dict.fromkeys(CLEAN_SCHEMA)
    record.update(
        item_id=row["item_id"],
        source=row["source"],
        url=row["url"],
        input_path=row["path"],
        page_type=page_type,
        reason=reason,
        authors=[],
        tags=[],
        article_id=article_id(row["item_id"], row["url"], None),
    )
    return record


def _context() -> multiprocessing.context.BaseContext:
    # fork is unsafe in threaded parents (Airflow task runners, macOS); forkserver starts clean
    method = "forkserver" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(method)


def clean_rows(
    rows: Iterable[dict[str, Any]], page_timeout: float = 30.0, workers: int = 2
) -> Iterator[dict[str, Any]]:
    """Clean rows (fetch-stage dicts) in killable workers, yielding records in input order."""
    jobs = [(row, page_timeout) for row in rows]
    index = 0
    while index < len(jobs):
        pool: Pool = _context().Pool(
            processes=max(1, min(workers, len(jobs) - index)), initializer=_init_worker, maxtasksperchild=500
        )
        try:
            pending = [pool.apply_async(_clean_in_worker, (job,)) for job in jobs[index:]]
            for result in pending:
                try:
                    yield result.get(timeout=page_timeout * 2 + 10)
                except multiprocessing.TimeoutError:
                    # the worker is stuck where the alarm cannot reach (C code): kill the pool, go on after it
                    yield _failed(jobs[index][0], "error", f"extraction hung past {page_timeout:.0f}s; worker killed")
                    index += 1
                    break
                index += 1
        finally:
            pool.terminate()
            pool.join()


def clean_items(fetch_path: Path, out_path: Path, page_timeout: float = 30.0, workers: int = 2) -> Path:
    """Clean every fetched page of the fetch Parquet; write one record per page."""
    fetched = pl.read_parquet(fetch_path).filter((pl.col("status") == "fetched") & (pl.col("item_kind") == "page"))
    started = datetime.now(UTC)
    records = list(clean_rows(fetched.iter_rows(named=True), page_timeout, workers))
    frame = pl.DataFrame(records, schema=CLEAN_SCHEMA, orient="row") if records else pl.DataFrame(schema=CLEAN_SCHEMA)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_suffix(".tmp")
    frame.write_parquet(tmp)
    tmp.replace(out_path)
    log.info("clean: %d pages in %.1fs -> %s", frame.height, (datetime.now(UTC) - started).total_seconds(), out_path)
    return out_path
