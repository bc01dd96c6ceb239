"""Rebuilding a fetch-stage Parquet from the raw archive, so clean, enrich and load can rerun offline."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import polars as pl

from tradewire.fetch import archive
from tradewire.fetch.run import FETCH_SCHEMA
from tradewire.staging import StageWriter

BATCH_ROWS = 256  # pages read from the archive and written per step


def _day_bound(value: str | date | None, end: bool) -> datetime | None:
    if value is None or value == "":
        return None
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return datetime.combine(day, time.max if end else time.min).astimezone()


def _fetch_row(found: dict[str, Any], archive_dir: Path) -> dict[str, object]:
    """One archive index row as a fetch row, its body read back from the archive."""
    return {
        **dict.fromkeys(FETCH_SCHEMA),
        "item_id": found["item_id"],
        "item_kind": "page",
        "source": found["source_id"],
        "source_kind": "archive",
        "url": found["url"],
        "path": found["path"],
        "discovered_via": "raw_archive",
        "status": "fetched",
        "outcome": "ok",
        "http_status": found["http_status"],
        "content_type": found["content_type"],
        "content_hash": found["content_hash"],
        "final_url": found["final_url"],
        "headers": found["headers"],
        "fetched_at": found["fetched_at"],
        "body": archive.load(archive_dir, found["content_hash"]),
    }


def archived_pages(
    snapshot: Path,
    archive_dir: Path,
    out_path: Path,
    since: str | date | None = None,
    until: str | date | None = None,
    sources: list[str] | None = None,
    item_ids: list[str] | None = None,
) -> Path:
    """The latest archived body of every page fetched between since and until (inclusive days), as fetch rows."""
    import duckdb

    filters: list[str] = ["item_kind = 'page'"]
    params: list[object] = []
    for bound, end, op in ((since, False, ">="), (until, True, "<=")):
        moment = _day_bound(bound, end)
        if moment is not None:
            filters.append(f"fetched_at {op} ?")
            params.append(moment)
    if sources:
        filters.append("list_contains(?, source_id)")
        params.append(list(sources))
    if item_ids is not None:
        filters.append("list_contains(?, item_id)")
        params.append(list(item_ids))
    query = f"""
        SELECT item_id, content_hash, source_id, url, path, final_url, http_status, content_type, headers, fetched_at
        FROM raw_archive WHERE {" AND ".join(filters)}
        QUALIFY row_number() OVER (PARTITION BY item_id ORDER BY fetched_at DESC, content_hash) = 1
        ORDER BY fetched_at, item_id
    """  # noqa: S608  # only fixed fragments are joined; values are parameters
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        found = con.sql(query, params=params).pl()
    finally:
        con.close()
    # the bodies go out a batch at a time: a long window of a large archive would not fit in memory
    with StageWriter(out_path, FETCH_SCHEMA) as writer:
        for chunk in found.iter_slices(BATCH_ROWS):
            rows = [_fetch_row(r, archive_dir) for r in chunk.iter_rows(named=True)]
            writer.write(pl.DataFrame(rows, schema=FETCH_SCHEMA, orient="row"))
    summary = {"pages_discovered": writer.rows, "pages_settled": 0, "reprocessed_from_archive": writer.rows}
    (out_path.parent / "fetch_summary.json").write_text(json.dumps(summary), encoding="utf-8")
    return out_path
