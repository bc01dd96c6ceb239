"""Incremental runs over real HTTP: conditional GET for feeds, settled pages never fetched again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest
import yaml

from tradewire.load.warehouse import table_counts
from tradewire.pipeline import run_all
from tradewire.settings import Settings

from .loopback import Loopback, send

ARTICLE = (
    "<html><head><title>{title}</title><meta property='og:type' content='article'></head><body><article>"
    "<h1>{title}</h1>"
    + "".join(
        f"<p>In round {n} of the {{topic}} talks, officials argued about {{topic}} quotas.</p>" for n in range(12)
    )
    + "</article></body></html>"
)


@pytest.fixture
def server() -> Iterator[Loopback]:
    with Loopback() as srv:
        yield srv


def loopback_settings(server: Loopback, tmp_path: Path) -> Settings:
    """One RSS source at /feed.xml on the loopback server, which the settings allow and do not pace."""
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        yaml.safe_dump({"sources": [{"name": "loopback", "kind": "rss", "url": server.url("/feed.xml")}]})
    )
    return Settings.from_env(
        {"TRADEWIRE_HOME": str(tmp_path / "home"), "TRADEWIRE_SOURCES": str(sources),
         "TRADEWIRE_ALLOW_PRIVATE_HOSTS": "127.0.0.1", "TRADEWIRE_HOST_DELAY": "0"}
    )  # fmt: skip


def test_second_run_sends_conditional_requests_and_fetches_no_page(server: Loopback, tmp_path: Path) -> None:
    topics = ["steel", "soybean", "semiconductor"]
    pages = {
        f"/news/{i}.html": ARTICLE.format(title=f"Trade story on {t}", topic=t).encode() for i, t in enumerate(topics)
    }
    items = "".join(f"<item><title>{p}</title><link>{server.url(p)}</link></item>" for p in pages)
    feed = f"<rss version='2.0'><channel><title>t</title>{items}</channel></rss>".encode()
    etag = '"feed-v1"'

    def serve_feed(handler) -> None:  # type: ignore[no-untyped-def]
        if handler.headers.get("If-None-Match") == etag:
            send(handler, 304, b"", "application/rss+xml", {"ETag": etag})
        else:
            send(
                handler,
                200,
                feed,
                "application/rss+xml",
                {"ETag": etag, "Last-Modified": "Mon, 03 Nov 2025 10:00:00 GMT"},
            )

    server.routes["/feed.xml"] = serve_feed
    for path, body in pages.items():
        server.routes[path] = lambda h, body=body: send(h, 200, body, "text/html; charset=utf-8")
    settings = loopback_settings(server, tmp_path)
    first = run_all("run-1", settings)
    counts = table_counts(settings.warehouse_path)
    requests_after_first = list(server.requests)
    second = run_all("run-2", settings)
    assert first["articles_loaded"] == 3 and counts["articles"] == 3
    assert second["items_discovered"] == second["pages_fetched"] == 0  # the feed said 304: nothing to list
    # nothing changes but the per-run tables: the request log gains run 2's one conditional request for
    # the feed, dq_results and run_ledger run 2's checks and ledger
    assert table_counts(settings.warehouse_path) == {
        **counts,
        "fetch_log": counts["fetch_log"] + 1,
        "dq_results": 2 * counts["dq_results"],
        "run_ledger": 2,
    }
    new_requests = server.requests[len(requests_after_first) :]
    assert new_requests == ["/feed.xml"]  # robots.txt comes from the cache; then only the feed
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        feed_row = con.execute("SELECT status, outcome, etag FROM items WHERE item_kind = 'feed'").fetchall()
    finally:
        con.close()
    assert feed_row == [("not_modified", "not_modified", etag)]


def _rss(server: Loopback, paths: list[str]) -> bytes:
    items = "".join(f"<item><title>{p}</title><link>{server.url(p)}</link></item>" for p in paths)
    return f"<rss version='2.0'><channel><title>t</title>{items}</channel></rss>".encode()


def test_rel_canonical_is_respected_within_and_across_runs(server: Loopback, tmp_path: Path) -> None:
    """An AMP copy and a tracking link name /story as canonical: one article; a later run does not fetch /story."""
    story = ARTICLE.format(title="Tariff talks resume", topic="tariff")
    canonical = f"<link rel='canonical' href='{server.url('/story')}'>"
    page = story.replace("<head>", f"<head>{canonical}").encode()
    for path in ("/amp/story", "/story-print", "/story"):
        server.routes[path] = lambda h: send(h, 200, page, "text/html; charset=utf-8")
    listed = ["/amp/story", "/story-print"]
    server.routes["/feed.xml"] = lambda h: send(h, 200, _rss(server, listed), "application/rss+xml")
    settings = loopback_settings(server, tmp_path)
    first = run_all("run-1", settings)
    assert first["articles_loaded"] == 1 and first["pages_fetched"] == 2
    listed.append("/story")  # the feed now links the canonical URL itself
    second = run_all("run-2", settings)
    assert "/story" not in server.requests  # known as the canonical URL of a loaded article: not fetched
    assert second["items_discovered"] == second["skipped"] == 3 and second["pages_fetched"] == 0
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        (article_id,) = con.execute("SELECT article_id FROM articles").fetchone()  # type: ignore[misc]
        rows = con.execute("SELECT url, status, duplicate_of FROM items WHERE item_kind = 'page'").fetchall()
    finally:
        con.close()
    statuses = {urlsplit(url).path: (status, dup) for url, status, dup in rows}
    assert statuses["/story"] == ("duplicate", article_id)
    assert sorted(s for s, _ in statuses.values()) == ["duplicate", "duplicate", "loaded"]
    assert {dup for s, dup in statuses.values() if s == "duplicate"} == {article_id}
