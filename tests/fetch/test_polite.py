"""Retries with backoff and Retry-After, robots.txt, content types and fetch outcomes, over real loopback HTTP."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import polars as pl
import pytest
import yaml

from tradewire.fetch.http import FetchError, HttpFetcher
from tradewire.fetch.polite import RetryingFetcher, RobotsFetcher, retry_after_seconds
from tradewire.fetch.run import fetch_sources
from tradewire.sources import load_sources

from .loopback import Loopback, Responder, page, send

LOCAL = ("127.0.0.1",)
UA = "TradewireTest/1.0 (+https://example.org)"


@pytest.fixture
def server() -> Iterator[Loopback]:
    with Loopback() as srv:
        yield srv


def sequence(*responders: Responder) -> Responder:
    """Answer with each responder in turn, repeating the last."""
    calls = iter(responders)
    last: list[Responder] = []

    def respond(handler) -> None:  # type: ignore[no-untyped-def]
        responder = next(calls, None) or last[0]
        last[:] = [responder]
        responder(handler)

    return respond


def status(code: int, headers: dict[str, str] | None = None) -> Responder:
    return lambda h: send(h, code, b"busy", "text/plain", headers)


def retrying(sleeps: list[float], attempts: int = 3, max_delay: float = 30.0) -> RetryingFetcher:
    client = HttpFetcher(user_agent=UA, timeout=5, allow_hosts=LOCAL)
    return RetryingFetcher(client, attempts=attempts, base_delay=0.01, max_delay=max_delay, sleep=sleeps.append)


def test_429_with_retry_after_is_honoured(server: Loopback) -> None:
    server.routes["/a"] = sequence(status(429, {"Retry-After": "2"}), page(b"ok"))
    sleeps: list[float] = []
    response = retrying(sleeps).get(server.url("/a"))
    assert response.status == 200 and response.body == b"ok"
    assert sleeps == [2.0]


def test_500_then_success_backs_off(server: Loopback) -> None:
    server.routes["/a"] = sequence(status(500), status(503), page(b"ok"))
    sleeps: list[float] = []
    assert retrying(sleeps).get(server.url("/a")).status == 200
    assert len(sleeps) == 2 and all(0 <= s <= 0.04 for s in sleeps)
    assert server.requests.count("/a") == 3


def test_persistent_5xx_returns_the_last_response(server: Loopback) -> None:
    server.routes["/a"] = status(503)
    sleeps: list[float] = []
    assert retrying(sleeps, attempts=3).get(server.url("/a")).status == 503
    assert len(sleeps) == 2


def test_retry_after_longer_than_allowed_gives_up_at_once(server: Loopback) -> None:
    server.routes["/a"] = status(429, {"Retry-After": "3600"})
    sleeps: list[float] = []
    assert retrying(sleeps, max_delay=30).get(server.url("/a")).status == 429
    assert sleeps == []


def test_404_is_not_retried(server: Loopback) -> None:
    sleeps: list[float] = []
    assert retrying(sleeps).get(server.url("/missing")).status == 404
    assert sleeps == [] and server.requests == ["/missing"]


def test_connection_refused_is_retried_then_reported() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens once the socket closes
    sleeps: list[float] = []
    with pytest.raises(FetchError) as caught:
        retrying(sleeps).get(f"http://127.0.0.1:{port}/a")
    assert caught.value.outcome == "connection" and len(sleeps) == 2


def test_retry_after_http_date() -> None:
    now = datetime(2025, 11, 1, 12, 0, tzinfo=UTC)
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == 90
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("soon") is None


def robots(server: Loopback, responder: Responder) -> RobotsFetcher:
    server.routes["/robots.txt"] = responder
    return RobotsFetcher(HttpFetcher(user_agent=UA, timeout=5, allow_hosts=LOCAL), UA)


def test_robots_disallow_is_honoured_and_fetched_once(server: Loopback) -> None:
    rules = b"User-agent: TradewireTest\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n"
    fetcher = robots(server, page(rules, "text/plain"))
    server.routes["/news/a.html"] = page(b"<p>news</p>")
    assert fetcher.get(server.url("/news/a.html")).status == 200
    with pytest.raises(FetchError) as caught:
        fetcher.get(server.url("/private/b.html"))
    assert caught.value.outcome == "robots"
    fetcher.get(server.url("/news/a.html"))
    assert server.requests.count("/robots.txt") == 1
    assert "/private/b.html" not in server.requests


def test_missing_robots_allows_and_broken_robots_disallows(server: Loopback) -> None:
    server.routes["/a"] = page(b"ok")
    assert robots(server, status(404)).get(server.url("/a")).status == 200
    with pytest.raises(FetchError, match="robots"):
        robots(server, status(500)).get(server.url("/a"))


def test_fetch_outcomes_are_recorded_and_nothing_else_is_lost(server: Loopback, tmp_path: Path) -> None:
    urls = {name: server.url(f"/{name}.html") for name in ("good", "pdf", "gone", "limited", "private")}
    feed = "".join(f"<item><title>{n}</title><link>{u}</link></item>" for n, u in urls.items())
    server.routes["/feed.xml"] = page(f"<rss><channel>{feed}</channel></rss>".encode(), "application/rss+xml")
    server.routes["/broken.xml"] = page(b"<rss><channel><item>", "application/xml")
    server.routes["/robots.txt"] = page(b"User-agent: *\nDisallow: /private\n", "text/plain")
    server.routes["/good.html"] = page(b"<html><body><p>news</p></body></html>")
    server.routes["/pdf.html"] = page(b"%PDF-1.4", "application/pdf")
    server.routes["/gone.html"] = status(410)
    server.routes["/limited.html"] = sequence(status(429, {"Retry-After": "0"}), page(b"<p>later</p>"))
    sources = {
        "sources": [
            {"name": "feed", "kind": "rss", "url": server.url("/feed.xml")},
            {"name": "broken", "kind": "rss", "url": server.url("/broken.xml")},
            {"name": "missing", "kind": "rss", "url": server.url("/nothing.xml")},
        ]
    }
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(sources))
    client = HttpFetcher(user_agent=UA, timeout=5, allow_hosts=LOCAL)
    fetcher = RobotsFetcher(RetryingFetcher(client, base_delay=0.01, sleep=lambda s: None), UA)
    frame = pl.read_parquet(fetch_sources(load_sources(path), fetcher, tmp_path / "fetch.parquet"))
    outcomes = dict(zip(frame["url"], frame["outcome"], strict=True))
    assert outcomes == {
        server.url("/feed.xml"): "ok",
        urls["good"]: "ok",
        urls["pdf"]: "wrong_content_type",
        urls["gone"]: "http_error",
        urls["limited"]: "ok",
        urls["private"]: "robots",
        server.url("/broken.xml"): "parse_error",
        server.url("/nothing.xml"): "http_error",
    }
