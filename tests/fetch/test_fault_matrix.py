"""Issue 3: the fault matrix of the fetch stage, one real run against a loopback HTTP server.

A single `fetch_sources` run goes through the production fetcher stack (`make_fetcher`: robots.txt cached on
disk, retries honouring Retry-After, host limiter, SSRF guard, attempt recording). One URL list names a page per
fault plus healthy pages; separate RSS sources carry the feed faults and a healthy feed. A second run asks for
the healthy feed again with its ETag (conditional GET -> 304). Each test then checks one fault: the item's fetch
row and its rows in attempts.parquet, which is what the warehouse's fetch_log holds.

Nothing leaves 127.0.0.1: redirects to private addresses must be refused before any connection, which a wrapped
`socket.create_connection` checks; the bomb feed's links point at the loopback server too.
"""

from __future__ import annotations

import json
import socket
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from tradewire.clean.html import decode_html
from tradewire.fetch.attempts import AttemptLog
from tradewire.fetch.http import MAX_REDIRECTS
from tradewire.fetch.run import fetch_sources, make_fetcher
from tradewire.fetch.state import KnownItem, KnownState
from tradewire.ids import item_id_for_url
from tradewire.settings import Settings
from tradewire.sources import SourcesConfig, load_sources

from .loopback import Loopback, Responder, gzip_zeros, page, redirect, send

TIMEOUT = 2.0  # seconds
ATTEMPTS = 3
MAX_BYTES = 200_000
ETAG = '"wire-v1"'
PRIVATE_TARGETS = {"/to-private-net": "http://10.0.0.1/x", "/to-metadata": "http://169.254.169.254/latest/meta-data/"}

CP1252 = "<html><head><title>Café</title></head><body><p>Le café coûte 5 € – naïve</p></body></html>"
SHIFT_JIS = "<html><head><title>株式</title></head><body><p>東京の株式市場は上昇した。</p></body></html>"
BODIES = {
    "/ok-1.html": b"<html><body><p>first healthy page</p></body></html>",
    "/ok-2.html": b"<html><body><p>second healthy page</p></body></html>",
    "/ok-3.txt": b"a plain text page is a page too",
    "/feed/a.html": b"<html><body><p>feed item a</p></body></html>",
    "/feed/b.html": b"<html><body><p>feed item b</p></body></html>",
    "/chain/end.html": b"<html><body><p>after three hops</p></body></html>",
    "/limited.html": b"<html><body><p>after the 429</p></body></html>",
    "/flaky.html": b"<html><body><p>after the 500</p></body></html>",
    "/cp1252.html": CP1252.encode("cp1252"),
    "/sjis.html": SHIFT_JIS.encode("shift_jis"),
}
HEALTHY = ["/ok-1.html", "/ok-2.html", "/ok-3.txt"]
FEED_ITEMS = ["/feed/a.html", "/feed/b.html"]

# listed page -> (fetch-row outcome, fetch-row http_status, [(attempt outcome, attempt http_status)], server hits)
PAGES: dict[str, tuple[str, int | None, list[tuple[str, int | None]], int]] = {
    "/ok-1.html": ("ok", 200, [("ok", 200)], 1),
    "/ok-2.html": ("ok", 200, [("ok", 200)], 1),
    "/ok-3.txt": ("ok", 200, [("ok", 200)], 1),
    "/chain/1": ("ok", 200, [("ok", 200)], 1),
    "/loop/a": ("redirects", None, [("redirects", None)], (MAX_REDIRECTS + 2) // 2),
    "/missing.html": ("http_error", 404, [("http_error", 404)], 1),
    "/gone.html": ("http_error", 410, [("http_error", 410)], 1),
    "/limited.html": ("ok", 200, [("http_error", 429), ("ok", 200)], 2),
    "/flaky.html": ("ok", 200, [("http_error", 500), ("ok", 200)], 2),
    "/slow.html": ("timeout", None, [("timeout", None)] * ATTEMPTS, ATTEMPTS),
    "/huge.html": ("too_large", None, [("too_large", None)], 1),
    "/gzip-bomb.html": ("too_large", None, [("too_large", None)], 1),
    "/image.png": ("wrong_content_type", 200, [("wrong_content_type", 200)], 1),
    "/report.pdf": ("wrong_content_type", 200, [("wrong_content_type", 200)], 1),
    "/cp1252.html": ("ok", 200, [("ok", 200)], 1),
    "/sjis.html": ("ok", 200, [("ok", 200)], 1),
    "/private/secret.html": ("robots", None, [("robots", None)], 0),
    "/to-private-net": ("blocked", None, [("blocked", None)], 1),
    "/to-metadata": ("blocked", None, [("blocked", None)], 1),
}
BAD_FEEDS = {"bomb": "/bomb.xml", "truncated": "/truncated.xml", "html-feed": "/not-a-feed.xml"}


# -- the server ----------------------------------------------------------------------------------------------
def sequence(*responders: Responder) -> Responder:
    """Answer with each responder in turn, repeating the last; safe under the server's threads."""
    lock, calls = threading.Lock(), [0]

    def respond(h: BaseHTTPRequestHandler) -> None:
        with lock:
            index, calls[0] = min(calls[0], len(responders) - 1), calls[0] + 1
        responders[index](h)

    return respond


def status(code: int, headers: dict[str, str] | None = None) -> Responder:
    return lambda h: send(h, code, f"status {code}".encode(), "text/plain", headers)


def billion_laughs(link: str) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + "\n".join(entities) + "\n]>\n"
        f'<rss version="2.0"><channel><item><title>&lol9;</title><link>{link}&lol9;</link>'
        "<description>&lol9;</description></item></channel></rss>"
    ).encode()


def install_routes(server: Loopback, if_none_match: list[str | None]) -> list[str]:
    """Every route of the matrix; returns the URLs the URL list names."""
    routes = server.routes
    routes.update({path: page(body) for path, body in BODIES.items()})
    routes["/ok-3.txt"] = page(BODIES["/ok-3.txt"], "text/plain; charset=utf-8")
    routes["/robots.txt"] = page(b"User-agent: *\nDisallow: /private/\n", "text/plain")
    routes["/private/secret.html"] = page(b"<p>must never be requested</p>")
    routes |= {"/chain/1": redirect("/chain/2", 301), "/chain/2": redirect("/chain/3", 302)}
    routes["/chain/3"] = redirect(server.url("/chain/end.html"), 307)  # relative and absolute Locations
    routes |= {"/loop/a": redirect("/loop/b"), "/loop/b": redirect("/loop/a")}
    routes |= {"/missing.html": status(404), "/gone.html": status(410)}
    routes["/limited.html"] = sequence(status(429, {"Retry-After": "1"}), page(BODIES["/limited.html"]))
    routes["/flaky.html"] = sequence(status(500), page(BODIES["/flaky.html"]))

    def slow(h: BaseHTTPRequestHandler) -> None:  # answers only when the server stops, long after the timeout
        if not server.stop.wait(30):
            send(h, 200, b"too late")

    routes["/slow.html"] = slow
    routes["/huge.html"] = page(b"<p>" + b"x" * (MAX_BYTES + 100_000) + b"</p>")
    bomb = gzip_zeros(50_000_000)
    assert len(bomb) < MAX_BYTES  # small on the wire, 50 MB once decoded
    routes["/gzip-bomb.html"] = lambda h: send(h, 200, bomb, "text/html", {"Content-Encoding": "gzip"})
    routes["/image.png"] = page(b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
    routes["/report.pdf"] = page(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "application/pdf")
    routes["/cp1252.html"] = page(BODIES["/cp1252.html"], "text/html; charset=windows-1252")
    routes["/sjis.html"] = page(BODIES["/sjis.html"], "text/html; charset=Shift_JIS")
    routes |= {path: redirect(target) for path, target in PRIVATE_TARGETS.items()}

    items = "".join(f"<item><title>{p}</title><link>{server.url(p)}</link></item>" for p in FEED_ITEMS)
    wire = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>'.encode()

    def feed(h: BaseHTTPRequestHandler) -> None:
        if_none_match.append(h.headers.get("If-None-Match"))
        if h.headers.get("If-None-Match") == ETAG:
            send(h, 304, b"", "application/rss+xml", {"ETag": ETAG})
        else:
            send(h, 200, wire, "application/rss+xml", {"ETag": ETAG})

    routes["/wire.xml"] = feed
    routes["/bomb.xml"] = page(billion_laughs(server.url("/bomb/")), "application/rss+xml")
    routes["/truncated.xml"] = page(b'<?xml version="1.0"?>\n<rss version="2.0"><channel><item><title>Cut', "text/xml")
    routes["/not-a-feed.xml"] = page(b"<!doctype html><html><body><p>We moved our feed.</p></body></html>")
    listed = [server.url(path) for path in PAGES]
    routes["/list.txt"] = page(("# the fault matrix\n" + "\n".join(listed) + "\n").encode(), "text/plain")
    return listed


# -- the runs ------------------------------------------------------------------------------------------------
@dataclass
class Run:
    rows: pl.DataFrame
    attempts: pl.DataFrame
    summary: dict[str, Any]
    fetch_path: Path


@dataclass
class Matrix:
    server: Loopback
    listed: list[str]
    first: Run
    second: Run  # the wire feed again, with its ETag
    connections: list[tuple[str, int]]  # every TCP connection the client opened
    if_none_match: list[str | None]  # what the wire feed was asked with, request by request
    settings: Settings

    def row(self, path: str, run: Run | None = None) -> dict[str, Any]:
        found = (run or self.first).rows.filter(pl.col("url") == self.server.url(path))
        assert found.height == 1, found
        return found.row(0, named=True)

    def tries(self, path: str, purpose: str = "page", run: Run | None = None) -> list[dict[str, Any]]:
        item_id = item_id_for_url(self.server.url(path))
        frame = (run or self.first).attempts
        return frame.filter((pl.col("item_id") == item_id) & (pl.col("purpose") == purpose)).sort("attempt").to_dicts()


def write_sources(folder: Path, server: Loopback) -> SourcesConfig:
    sources = [
        {"name": "faults", "kind": "urls", "url": server.url("/list.txt")},
        {"name": "wire", "kind": "rss", "url": server.url("/wire.xml")},
        *({"name": name, "kind": "rss", "url": server.url(path)} for name, path in BAD_FEEDS.items()),
    ]
    path = folder / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": sources}, sort_keys=False), encoding="utf-8")
    return load_sources(path)


def run(settings: Settings, config: SourcesConfig, out_dir: Path, **kwargs: Any) -> Run:
    attempts = AttemptLog()
    fetcher = make_fetcher(settings, config, attempts)  # a fresh stack: robots.txt must come from the disk cache
    out = out_dir / "fetch.parquet"
    try:
        fetch_sources(
            config, fetcher, out, settings.max_bytes, attempts=attempts, archive_dir=out_dir / "raw", **kwargs
        )
    finally:
        getattr(fetcher, "close", lambda: None)()
    summary = json.loads((out_dir / "fetch_summary.json").read_text(encoding="utf-8"))
    return Run(pl.read_parquet(out), pl.read_parquet(out_dir / "attempts.parquet"), summary, out)


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Matrix:
    tmp = tmp_path_factory.mktemp("fault-matrix")
    connections: list[tuple[str, int]] = []
    if_none_match: list[str | None] = []
    real_connect = socket.create_connection

    def connect(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        connections.append((str(address[0]), int(address[1])))
        return real_connect(address, *args, **kwargs)

    settings = Settings.from_env(
        {
            "TRADEWIRE_HOME": str(tmp / "home"),
            "TRADEWIRE_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
            "TRADEWIRE_HOST_DELAY": "0",
            "TRADEWIRE_HOST_CONCURRENCY": "4",
            "TRADEWIRE_HTTP_TIMEOUT": str(TIMEOUT),
            "TRADEWIRE_MAX_BYTES": str(MAX_BYTES),
            "TRADEWIRE_HTTP_ATTEMPTS": str(ATTEMPTS),
        }
    )
    with Loopback() as server, pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "create_connection", connect)  # httpcore's sync backend connects through this
        listed = install_routes(server, if_none_match)
        config = write_sources(tmp, server)
        first = run(settings, config, tmp / "run-1")
        known = KnownState({item_id_for_url(server.url("/wire.xml")): KnownItem("listed", etag=ETAG)})
        second = run(settings, config, tmp / "run-2", only={"wire"}, known=known)
    return Matrix(server, listed, first, second, connections, if_none_match, settings)


# -- nothing lost ----------------------------------------------------------------------------------------------
def test_every_listed_page_has_exactly_one_row(matrix: Matrix) -> None:
    pages = matrix.first.rows.filter(pl.col("item_kind") == "page")
    expected = [*matrix.listed, *(matrix.server.url(p) for p in FEED_ITEMS)]
    assert Counter(pages["url"].to_list()) == Counter(expected)
    assert pages["outcome"].null_count() == 0
    assert set(pages["source"]) == {"faults", "wire"}  # the broken feeds listed nothing


def test_healthy_pages_and_feed_items_come_through(matrix: Matrix) -> None:
    for path in [*HEALTHY, *FEED_ITEMS]:
        row = matrix.row(path)
        assert (row["status"], row["outcome"], row["http_status"]) == ("fetched", "ok", 200), path
        assert row["body"] == BODIES[path] and row["final_url"] == matrix.server.url(path)
        [attempt] = matrix.tries(path)
        assert (attempt["outcome"], attempt["bytes"]) == ("ok", len(BODIES[path]))
    assert {matrix.row(p)["source"] for p in FEED_ITEMS} == {"wire"}


def test_summary_counts_the_outcomes(matrix: Matrix) -> None:
    rows, summary = matrix.first.rows, matrix.first.summary
    assert summary["outcomes"] == dict(Counter(rows["outcome"].to_list()))
    assert summary["attempts"] == matrix.first.attempts.height
    assert summary["pages_discovered"] == len(PAGES) + len(FEED_ITEMS)
    assert summary["pages_fetched"] == sum(o == "ok" for o, *_ in PAGES.values()) + len(FEED_ITEMS)


# -- one case per listed page ----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", sorted(PAGES))
def test_page_fault(matrix: Matrix, path: str) -> None:
    outcome, http_status, attempts, hits = PAGES[path]
    row = matrix.row(path)
    assert (row["outcome"], row["http_status"]) == (outcome, http_status), row["reason"]
    assert row["status"] == ("fetched" if outcome == "ok" else "error")
    assert (row["body"] is not None) == (outcome == "ok")
    tries = matrix.tries(path)
    assert [(t["outcome"], t["http_status"]) for t in tries] == attempts
    assert [t["attempt"] for t in tries] == list(range(1, len(attempts) + 1))
    assert all(t["source"] == "faults" and t["url"] == matrix.server.url(path) for t in tries)
    assert all((t["bytes"] or 0) > 0 for t in tries if t["http_status"] is not None)  # a body came: it is counted
    assert all(t["error"] for t in tries if t["outcome"] != "ok")
    assert matrix.server.hits(path) == hits


def test_redirect_chain_records_the_final_url(matrix: Matrix) -> None:
    end = matrix.server.url("/chain/end.html")
    row = matrix.row("/chain/1")
    assert row["final_url"] == end and row["body"] == BODIES["/chain/end.html"]
    [attempt] = matrix.tries("/chain/1")
    assert attempt["final_url"] == end
    assert [matrix.server.hits(f"/chain/{hop}") for hop in ("1", "2", "3", "end.html")] == [1, 1, 1, 1]


def test_redirect_loop_stops(matrix: Matrix) -> None:
    assert matrix.server.hits("/loop/a") + matrix.server.hits("/loop/b") == MAX_REDIRECTS + 1
    assert "redirects" in matrix.row("/loop/a")["reason"]


def test_retry_after_is_honoured(matrix: Matrix) -> None:
    first, second = matrix.tries("/limited.html")
    assert (second["started_at"] - first["started_at"]).total_seconds() >= 0.95  # Retry-After: 1


def test_timeouts_are_retried_until_the_attempts_run_out(matrix: Matrix) -> None:
    tries = matrix.tries("/slow.html")
    assert all(t["duration_ms"] >= TIMEOUT * 900 and "timeout" in t["error"] for t in tries)


@pytest.mark.parametrize(("path", "word"), [("/cp1252.html", "café"), ("/sjis.html", "株式市場")])
def test_declared_charsets_keep_the_bytes(matrix: Matrix, path: str, word: str) -> None:
    row = matrix.row(path)
    assert row["body"] == BODIES[path]  # bytes as served: decoding happens in cleaning
    assert "charset=" in row["content_type"]
    assert word in decode_html(row["body"], row["content_type"])


def test_robots_disallow_is_decided_without_requesting_the_page(matrix: Matrix) -> None:
    assert "/private/secret.html" not in matrix.server.requests
    [attempt] = matrix.tries("/private/secret.html")
    assert attempt["duration_ms"] == 0 and "robots" in attempt["error"]
    [robots] = matrix.tries("/robots.txt", purpose="robots")
    assert (robots["outcome"], robots["http_status"], robots["url"]) == ("ok", 200, matrix.server.url("/robots.txt"))
    assert robots["bytes"] > 0
    assert matrix.first.attempts.filter(pl.col("purpose") == "robots").height == 1
    assert matrix.second.attempts.filter(pl.col("purpose") == "robots").height == 0  # the disk cache answered
    assert matrix.server.hits("/robots.txt") == 1


@pytest.mark.parametrize("path", sorted(PRIVATE_TARGETS))
def test_redirect_to_a_private_address_is_refused_before_connecting(matrix: Matrix, path: str) -> None:
    target = PRIVATE_TARGETS[path].split("/")[2]
    assert "non-public address" in matrix.row(path)["reason"]
    assert target not in {host for host, _ in matrix.connections}
    assert {host for host, _ in matrix.connections} == {"127.0.0.1"}


# -- feeds ---------------------------------------------------------------------------------------------------------
def test_healthy_feed_is_read(matrix: Matrix) -> None:
    row = matrix.row("/wire.xml")
    assert (row["item_kind"], row["outcome"], row["http_status"], row["etag"]) == ("feed", "ok", 200, ETAG)
    assert row["reason"] == f"{len(FEED_ITEMS)} entries"
    [attempt] = matrix.tries("/wire.xml", purpose="feed")
    assert (attempt["outcome"], attempt["http_status"]) == ("ok", 200) and attempt["bytes"] > 0
    listing = matrix.row("/list.txt")
    assert (listing["outcome"], listing["reason"]) == ("ok", f"{len(PAGES)} entries")


@pytest.mark.parametrize("name", sorted(BAD_FEEDS))
def test_broken_feed_is_a_parse_error(matrix: Matrix, name: str) -> None:
    row = matrix.row(BAD_FEEDS[name])
    assert (row["item_kind"], row["status"], row["outcome"], row["http_status"]) == (
        "feed",
        "error",
        "parse_error",
        200,
    )
    assert len(row["reason"]) < 500 and "lollol" not in row["reason"]  # the bomb did not go off
    [attempt] = matrix.tries(BAD_FEEDS[name], purpose="feed")
    assert (attempt["outcome"], attempt["http_status"], attempt["source"]) == ("parse_error", 200, name)
    assert attempt["bytes"] > 0
    assert matrix.first.rows.filter(pl.col("source") == name).height == 1  # the feed row, no pages
    assert not any(p.startswith("/bomb/") for p in matrix.server.requests)


def test_unchanged_feed_answers_304_to_its_etag(matrix: Matrix) -> None:
    assert matrix.if_none_match == [None, ETAG]  # unconditional first, conditional second
    second = matrix.second
    assert second.rows["item_kind"].to_list() == ["feed"]  # nothing new to fetch
    row = matrix.row("/wire.xml", second)
    assert (row["status"], row["outcome"], row["http_status"], row["etag"]) == (
        "not_modified",
        "not_modified",
        304,
        ETAG,
    )
    [attempt] = matrix.tries("/wire.xml", purpose="feed", run=second)
    assert (attempt["outcome"], attempt["http_status"], attempt["bytes"]) == ("not_modified", 304, 0)
    assert second.attempts.height == 1


# -- in the warehouse ------------------------------------------------------------------------------------------
def test_the_run_lands_in_fetch_log_and_items(matrix: Matrix) -> None:
    """The rest of the pipeline on the matrix run: fetch_log has every attempt, items every item, none lost."""
    import duckdb

    from tradewire.pipeline import process_fetched

    settings, run_id = matrix.settings, "fault-matrix"
    fetch_path = str(matrix.first.fetch_path)
    ledger = process_fetched(fetch_path, run_id, settings)
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        logged = con.execute(
            "SELECT item_id, purpose, attempt, outcome, http_status FROM fetch_log WHERE run_id = ? ORDER BY ALL",
            [run_id],
        ).fetchall()
        items = dict(con.execute("SELECT item_id, status FROM items").fetchall())
    finally:
        con.close()
    attempts = matrix.first.attempts.select("item_id", "purpose", "attempt", "outcome", "http_status")
    assert logged == sorted(attempts.iter_rows())
    assert set(items) == set(matrix.first.rows["item_id"])
    for path, (outcome, *_) in PAGES.items():
        status = items[matrix.row(path)["item_id"]]
        assert (status == "error") == (outcome != "ok"), (path, status)
    assert ledger["items_discovered"] == len(PAGES) + len(FEED_ITEMS)
    robots = ledger["skipped_detail"]["robots"]  # type: ignore[index]
    assert ledger["fetch_failures"] + robots == sum(1 for outcome, *_ in PAGES.values() if outcome != "ok")
    assert ledger["balanced"] is True
