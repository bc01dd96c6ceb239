"""The clean stage: fetched bytes in, one cleaned record per fetched page out.

Extraction runs in worker processes with a hard per-page time limit, because
trafilatura has no timeout of its own and can run for minutes on hostile pages.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import polars as pl

from tradewire.clean.dedup import minhash
from tradewire.faults import crash_point
from tradewire.ids import content_fingerprint, item_id_for_url
from tradewire.staging import StageWriter, iter_parquet

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


def detect_language(text: str, hint: str | None = None) -> str | None:
    if len(text) < 40:
        return hint
    import py3langid

    code, _ = py3langid.classify(text[:1500])  # a few paragraphs decide it; more only costs time
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
    from tradewire.clean.html import decode_html, extract_html, text_units
    from tradewire.clean.metadata import parse_datetime
    from tradewire.clean.normalize import normalize_line, normalize_text
    from tradewire.clean.textdump import clean_text_dump

    record: dict[str, Any] = dict.fromkeys(CLEAN_SCHEMA)
    record.update(item_id=item_id, source=source, url=url, input_path=path, authors=[], tags=[])
    text_in = decode_html(data, content_type)
    if is_text_dump(path, content_type):
        dump = clean_text_dump(text_in)
        record.update(
            title=dump.title,
            authors=dump.authors,
            published_at=parse_datetime(dump.published, bounded=False),  # the only date a dump has: kept as given
            tags=dump.tags,
            text=dump.text,
            extractor="textdump",
        )
        words = text_units(dump.text)
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
    text = record["text"] = normalize_text(record["text"])
    record["title"] = normalize_line(record["title"])
    record["authors"] = [n for n in (normalize_line(a) for a in record["authors"] or []) if n]
    record["word_count"] = text_units(text)
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


# --- running many pages ------------------------------------------------------------------------


def clean_job(row: dict[str, Any]) -> dict[str, Any]:
    """Clean one fetch-stage row; any exception becomes a failed record instead of escaping."""
    crash_point("clean.page")
    try:
        return clean_document(
            row["body"] or b"",
            item_id=row["item_id"],
            source=row["source"],
            url=row["url"],
            path=row["path"],
            content_type=row["content_type"],
        )
    except Exception as exc:  # a hostile page must not take the batch down; it is recorded instead
        return failed_record(row, f"extraction failed: {type(exc).__name__}: {exc}"[:500])


def failed_record(row: dict[str, Any], reason: str) -> dict[str, Any]:
    record: dict[str, Any] = dict.fromkeys(CLEAN_SCHEMA)
    record.update(
        item_id=row["item_id"],
        source=row["source"],
        url=row["url"],
        input_path=row["path"],
        page_type="failed",
        reason=reason,
        authors=[],
        tags=[],
        article_id=article_id(row["item_id"], row["url"], None),
    )
    return record


def clean_rows(rows: Iterable[dict[str, Any]], page_timeout: float = 30.0, workers: int = 2) -> list[dict[str, Any]]:
    """Clean rows (fetch-stage dicts) in killable worker processes; records come back in input order."""
    from tradewire.clean.workers import run_jobs

    jobs = [{k: row.get(k) for k in ("item_id", "source", "url", "path", "content_type", "body")} for row in rows]
    if not jobs:
        return []
    return run_jobs(jobs, page_timeout, workers, failed_record)


FETCH_COLUMNS = ["item_id", "source", "url", "path", "content_type", "body", "status", "item_kind"]
BATCH_PAGES = 128  # pages read, cleaned and written at a time: memory stays flat however large the run


def clean_items(
    fetch_path: Path, out_path: Path, page_timeout: float = 30.0, workers: int = 2, skip: set[str] | None = None
) -> Path:
    """Clean every fetched page of the fetch Parquet but those in `skip` (held back by the fetch checks).

    Pages stream through in batches: the fetch Parquet holds every body of the run, which at tens of
    thousands of pages is more than a worker should hold in memory.
    """
    from tradewire.clean.workers import WorkerPool

    started = datetime.now(UTC)
    held = list(skip or ())
    with WorkerPool(page_timeout, workers, failed_record) as pool, StageWriter(out_path, CLEAN_SCHEMA) as out:
        for batch in iter_parquet(fetch_path, FETCH_COLUMNS, BATCH_PAGES):
            pages = batch.filter(
                (pl.col("status") == "fetched") & (pl.col("item_kind") == "page") & ~pl.col("item_id").is_in(held)
            )
            jobs = [{k: row.get(k) for k in FETCH_COLUMNS[:6]} for row in pages.iter_rows(named=True)]
            records = pool.map(jobs)
            if records:
                out.write(pl.DataFrame(records, schema=CLEAN_SCHEMA, orient="row"))
    log.info("clean: %d pages in %.1fs -> %s", out.rows, (datetime.now(UTC) - started).total_seconds(), out_path)
    return out_path
