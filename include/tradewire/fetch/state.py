"""What earlier runs already fetched, read from the published snapshot so fetching never waits on the writer.

A run uses it to send conditional requests for feeds and sitemaps (ETag,
Last-Modified) and to skip pages whose fate is settled, so a run over
unchanged sources fetches nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# a page in one of these states is not fetched again; errors and failed extractions are retried
SETTLED = frozenset({"loaded", "duplicate", "skipped", "quarantined"})


@dataclass(frozen=True)
class KnownItem:
    status: str
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None


@dataclass(frozen=True)
class KnownState:
    items: dict[str, KnownItem] = field(default_factory=dict)
    article_ids: frozenset[str] = frozenset()  # an article's id is the item id of its canonical URL

    def settled(self, item_id: str, content_hash: str | None = None) -> bool:
        """True when the item needs no fetch; for local files, only while their content is unchanged."""
        known = self.items.get(item_id)
        if known is None or known.status not in SETTLED:
            return False
        return content_hash is None or content_hash == known.content_hash

    def conditional_headers(self, item_id: str) -> dict[str, str]:
        known = self.items.get(item_id)
        headers: dict[str, str] = {}
        if known is not None and known.status != "error":
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        return headers


def read_known_state(snapshot: Path) -> KnownState:
    """Known items and articles from the snapshot; empty when there is no snapshot yet.

    Snapshots published before schema version 5 keep the item states in fetch_log; they are read too.
    """
    if not snapshot.exists():
        return KnownState()
    import duckdb

    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        columns: dict[str, set[str]] = {}
        for table, column in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_name IN ('items', 'fetch_log', 'articles')"
        ).fetchall():
            columns.setdefault(table, set()).add(column)
        table = "items" if "items" in columns else "fetch_log"
        if "status" not in columns.get(table, set()):
            return KnownState()
        optional = [c if c in columns[table] else f"NULL AS {c}" for c in ("etag", "last_modified", "content_hash")]
        rows = con.execute(f"SELECT item_id, status, {', '.join(optional)} FROM {table}").fetchall()  # noqa: S608
        articles = con.execute("SELECT article_id FROM articles").fetchall() if "articles" in columns else []
    finally:
        con.close()
    return KnownState({r[0]: KnownItem(r[1], r[2], r[3], r[4]) for r in rows}, frozenset(r[0] for r in articles))
