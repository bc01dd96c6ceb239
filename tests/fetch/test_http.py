"""HttpFetcher against a real server on 127.0.0.1, the SSRF guard, and the offline MirrorFetcher.

Nothing here connects anywhere but 127.0.0.1: every other address is refused before a connection is made.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tradewire.fetch.http import MAX_REDIRECTS, FetchError, HttpFetcher, MirrorFetcher, Response, check_public

from .loopback import Loopback, gzip_zeros, page, redirect, send, trickle_body, trickle_headers

LOCAL = ("127.0.0.1",)
HTML = "<html><head><title>Zölle</title></head><body><p>Tariffs</p></body></html>".encode()


@pytest.fixture
def server() -> Iterator[Loopback]:
    with Loopback() as lb:
        yield lb


def fetcher(timeout: float = 5.0, max_bytes: int = 1_000_000, allow_hosts: tuple[str, ...] = LOCAL) -> HttpFetcher:
    return HttpFetcher(user_agent="tradewire-tests/1", timeout=timeout, max_bytes=max_bytes, allow_hosts=allow_hosts)


# -- plain fetching ---------------------------------------------------------------------------------------
def test_get_200_page(server: Loopback) -> None:
    server.routes["/news/a.html"] = page(HTML, "text/html; charset=utf-8")
    resp = fetcher().get(server.url("/news/a.html"))
    assert isinstance(resp, Response)
    assert resp.status == 200
    assert resp.body == HTML
    assert resp.content_type == "text/html; charset=utf-8"
    assert resp.url == server.url("/news/a.html")
    assert resp.headers["content-length"] == str(len(HTML))


def test_non_200_is_returned_not_raised(server: Loopback) -> None:
    server.routes["/gone"] = page(b"gone", "text/plain", status=410)
    resp = fetcher().get(server.url("/gone"))
    assert (resp.status, resp.body) == (410, b"gone")


def test_gzip_content_encoding_is_decoded(server: Loopback) -> None:
    server.routes["/z"] = lambda h: send(h, 200, gzip.compress(HTML), "text/html", {"Content-Encoding": "gzip"})
    assert fetcher().get(server.url("/z")).body == HTML


def test_user_agent_is_sent(server: Loopback) -> None:
    seen: list[str] = []

    def echo(h):  # type: ignore[no-untyped-def]
        seen.append(h.headers.get("User-Agent", ""))
        send(h, 200, b"ok", "text/plain")

    server.routes["/ua"] = echo
    fetcher().get(server.url("/ua"))
    assert seen == ["tradewire-tests/1"]


# -- redirects --------------------------------------------------------------------------------------------
def test_follows_relative_redirect(server: Loopback) -> None:
    server.routes["/old/story"] = redirect("../new/story.html", 301)
    server.routes["/new/story.html"] = page(HTML)
    resp = fetcher().get(server.url("/old/story"))
    assert resp.status == 200 and resp.body == HTML
    assert resp.url == server.url("/new/story.html")
    assert server.requests == ["/old/story", "/new/story.html"]


def test_follows_absolute_path_redirect_and_303_307_308(server: Loopback) -> None:
    server.routes["/a"] = redirect("/b", 303)
    server.routes["/b"] = redirect("/c", 307)
    server.routes["/c"] = redirect(server.url("/d"), 308)
    server.routes["/d"] = page(b"done", "text/plain")
    resp = fetcher().get(server.url("/a"))
    assert (resp.status, resp.body, resp.url) == (200, b"done", server.url("/d"))


def test_exactly_max_redirects_is_fine(server: Loopback) -> None:
    for i in range(MAX_REDIRECTS, 0, -1):
        server.routes[f"/hop{i}"] = redirect(f"/hop{i - 1}")
    server.routes["/hop0"] = page(b"arrived", "text/plain")
    assert fetcher().get(server.url(f"/hop{MAX_REDIRECTS}")).body == b"arrived"


def test_gives_up_after_too_many_redirects(server: Loopback) -> None:
    server.routes["/loop"] = redirect("/loop")
    with pytest.raises(FetchError, match="redirects"):
        fetcher().get(server.url("/loop"))
    assert server.hits("/loop") == MAX_REDIRECTS + 1


def test_redirect_without_location_is_returned(server: Loopback) -> None:
    server.routes["/r"] = page(b"", "text/plain", status=302)
    assert fetcher().get(server.url("/r")).status == 302


# -- size caps and timeouts ---------------------------------------------------------------------------------
def test_refuses_body_larger_than_max_bytes(server: Loopback) -> None:
    server.routes["/big"] = page(b"a" * 200_000, "text/plain")
    server.routes["/fits"] = page(b"a" * 1000, "text/plain")
    with pytest.raises(FetchError, match="larger than 100000 bytes"):
        fetcher(max_bytes=100_000).get(server.url("/big"))
    assert len(fetcher(max_bytes=1000).get(server.url("/fits")).body) == 1000


def test_refuses_body_larger_than_max_bytes_without_content_length(server: Loopback) -> None:
    def stream(h):  # type: ignore[no-untyped-def]
        h.send_response(200)
        h.send_header("Content-Type", "text/plain")
        h.end_headers()  # HTTP/1.0, no length: the body ends when the connection closes
        for _ in range(40):
            h.wfile.write(b"b" * 8192)

    server.routes["/stream"] = stream
    with pytest.raises(FetchError, match="larger than"):
        fetcher(max_bytes=50_000).get(server.url("/stream"))


def test_refuses_gzip_bomb(server: Loopback) -> None:
    bomb = gzip_zeros(50_000_000)
    assert len(bomb) < 200_000  # small on the wire, 50 MB once decoded
    server.routes["/bomb"] = lambda h: send(h, 200, bomb, "text/html", {"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="larger than 1000000 bytes"):
        fetcher(max_bytes=1_000_000).get(server.url("/bomb"))


def test_trickling_body_hits_the_total_timeout(server: Loopback) -> None:
    # One byte every 0.5 s: each read is well inside the per-read timeout, only the total deadline stops it
    # (the whole body would take 30 s).
    server.routes["/drip"] = trickle_body(server.stop, total=60, every=0.5)
    with pytest.raises(FetchError, match="timeout"):
        fetcher(timeout=2).get(server.url("/drip"))


def test_silent_server_hits_the_read_timeout(server: Loopback) -> None:
    def silent(h):  # type: ignore[no-untyped-def]
        server.stop.wait(30)

    server.routes["/silent"] = silent
    with pytest.raises(FetchError, match="Timeout"):
        fetcher(timeout=1).get(server.url("/silent"))


def test_trickling_headers_hit_the_total_timeout(server: Loopback) -> None:
    # 12 header bytes, one every 0.2 s: about 2.4 s of headers against a 1 s total timeout, then Content-Length 0.
    server.routes["/slow-headers"] = trickle_headers(server.stop, count=12, every=0.2)
    with pytest.raises(FetchError):
        fetcher(timeout=1).get(server.url("/slow-headers"))


# -- the SSRF guard -----------------------------------------------------------------------------------------
def test_loopback_refused_without_allow_list(server: Loopback) -> None:
    server.routes["/secret"] = page(b"internal")
    with pytest.raises(FetchError, match="non-public"):
        fetcher(allow_hosts=()).get(server.url("/secret"))
    assert server.requests == []  # refused before connecting


def test_allow_list_names_the_host(server: Loopback) -> None:
    url = f"http://[::ffff:127.0.0.1]:{server.port}/ok"
    with pytest.raises(FetchError, match="non-public"):
        check_public(url)
    check_public(url, allow_hosts=("::ffff:127.0.0.1",))
    with pytest.raises(FetchError, match="non-public"):
        check_public(url, allow_hosts=("127.0.0.2",))


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("file:///etc/passwd", "scheme 'file'"),
        ("ftp://x", "scheme 'ftp'"),
        ("gopher://127.0.0.1:70/", "scheme 'gopher'"),
        ("http:///no-host", "no host"),
        ("http://169.254.169.254/latest/meta-data/", "non-public"),
        ("http://10.0.0.1/", "non-public"),
        ("http://192.168.1.1:8080/admin", "non-public"),
        ("http://172.16.0.1/", "non-public"),
        ("http://[::1]/", "non-public"),
        ("http://[::ffff:169.254.169.254]/", "non-public"),  # IPv4-mapped IPv6
        ("http://[fd00::1]/", "non-public"),  # unique local
        ("http://[fe80::1]/", "non-public"),  # link-local
        ("http://0.0.0.0/", "non-public"),
        ("http://100.64.0.1/", "non-public"),  # carrier-grade NAT
        ("http://224.0.0.1/", "non-public"),  # multicast
        ("https://127.0.0.1:8443/", "non-public"),
    ],
)
def test_check_public_refuses(url: str, why: str) -> None:
    with pytest.raises(FetchError, match=why):
        check_public(url)


@pytest.mark.parametrize("url", ["http://8.8.8.8/", "https://[2001:4860:4860::8888]/feed.xml", "http://1.1.1.1:8080/"])
def test_check_public_accepts_public_literals(url: str) -> None:
    check_public(url)  # literal addresses: resolving them makes no network traffic


def test_redirect_to_metadata_address_is_refused(server: Loopback) -> None:
    server.routes["/go"] = redirect("http://169.254.169.254/latest/meta-data/iam/")
    with pytest.raises(FetchError, match="non-public"):
        fetcher().get(server.url("/go"))


@pytest.mark.parametrize(
    "location", ["http://10.0.0.1/admin", "http://[::1]:6379/", "file:///etc/passwd", "gopher://127.0.0.1:25/"]
)
def test_every_redirect_hop_is_checked(server: Loopback, location: str) -> None:
    server.routes["/a"] = redirect("/b")
    server.routes["/b"] = redirect(location, 307)
    with pytest.raises(FetchError):
        fetcher().get(server.url("/a"))
    assert server.requests == ["/a", "/b"]


@pytest.mark.parametrize("url", ["http://10.0.0.1:99999/", "http://[::1/x"])
def test_malformed_url_is_a_fetch_error(url: str) -> None:
    with pytest.raises(FetchError):
        check_public(url)


def test_redirect_to_malformed_url_is_a_fetch_error(server: Loopback) -> None:
    server.routes["/bad"] = redirect("http://10.0.0.1:99999/x")
    with pytest.raises(FetchError):
        fetcher().get(server.url("/bad"))


def test_dns_rebinding_cannot_reach_loopback(server: Loopback, monkeypatch: pytest.MonkeyPatch) -> None:
    # A resolver that answers a public address first and 127.0.0.1 afterwards: what a rebinding DNS server does.
    # Only the made-up name is faked; everything else (and the connection) is real, and goes to 127.0.0.1 only.
    real = socket.getaddrinfo
    answers: list[str] = []

    def rebinding(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        answers.append("93.184.215.14" if not answers else "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (answers[-1], port))]

    def loopback_only(sock: socket.socket, address, *args, **kwargs):  # type: ignore[no-untyped-def]
        if address[0] not in ("127.0.0.1", "::ffff:127.0.0.1"):
            raise OSError(f"test guard: no connections to {address[0]}")
        return real_connect(sock, address, *args, **kwargs)

    real_connect = socket.socket.connect
    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(socket.socket, "connect", loopback_only)  # a pinned fix must not reach the internet
    server.routes["/internal"] = page(b"internal secret", "text/plain")
    with contextlib.suppress(FetchError):  # refusing is the right outcome; reaching the server is not
        fetcher(timeout=2, allow_hosts=()).get(f"http://rebind.test:{server.port}/internal")
    assert server.requests == [], "a request reached the loopback server through a rebound name"


# -- the offline mirror -------------------------------------------------------------------------------------
@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "news.example" / "world").mkdir(parents=True)
    (root / "news.example" / "section").mkdir()
    (root / "news.example" / "index.html").write_bytes(b"home")
    (root / "news.example" / "world" / "a.html").write_bytes(HTML)
    (root / "news.example" / "section" / "index.html").write_bytes(b"section front")
    (root / "news.example" / "feed.xml").write_bytes(b"<rss/>")
    (root / "news.example" / "urls.txt").write_bytes(b"https://news.example/world/a.html\n")
    (root / "news.example" / "sitemap-1.xml.gz").write_bytes(gzip.compress(b"<urlset/>"))
    (root / "news.example" / "with space.html").write_bytes(b"spaced")
    (tmp_path / "secret.txt").write_bytes(b"root:x:0:0")
    return root


def test_mirror_maps_url_to_file(mirror: Path) -> None:
    resp = MirrorFetcher(mirror).get("https://news.example/world/a.html?utm_source=x#top")
    assert (resp.status, resp.body, resp.content_type) == (200, HTML, "text/html")
    assert resp.url == "https://news.example/world/a.html?utm_source=x#top"
    assert MirrorFetcher(mirror).get("http://news.example/with%20space.html").body == b"spaced"


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("https://news.example/section/", b"section front"),
        ("https://news.example/section", b"section front"),  # a folder without the slash
        ("https://news.example/", b"home"),
        ("https://news.example", b"home"),
    ],
)
def test_mirror_index_html(mirror: Path, url: str, body: bytes) -> None:
    resp = MirrorFetcher(mirror).get(url)
    assert (resp.status, resp.body) == (200, body)


def test_mirror_content_types_and_gzip(mirror: Path) -> None:
    fetch = MirrorFetcher(mirror)
    assert fetch.get("https://news.example/feed.xml").content_type == "application/xml"
    assert fetch.get("https://news.example/urls.txt").content_type == "text/plain"
    gz = fetch.get("https://news.example/sitemap-1.xml.gz")
    assert (gz.body, gz.content_type) == (b"<urlset/>", "application/xml")


@pytest.mark.parametrize(
    "url", ["https://news.example/world/missing.html", "https://other.example/world/a.html", "https://news.example/x/"]
)
def test_mirror_missing_is_404(mirror: Path, url: str) -> None:
    resp = MirrorFetcher(mirror).get(url)
    assert (resp.status, resp.body) == (404, b"")


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/../../secret.txt",
        "https://news.example/../../../../../../etc/passwd",
        "https://news.example/%2e%2e/%2e%2e/secret.txt",
        "https://news.example/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "https://news.example/..%2f..%2fsecret.txt",
        "https://news.example/world/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt",
        "https://../secret.txt",
    ],
)
def test_mirror_refuses_path_traversal(mirror: Path, url: str) -> None:
    with pytest.raises(FetchError, match="escapes"):
        MirrorFetcher(mirror).get(url)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://news.example/a.html", "https:///a.html", "/a.html"])
def test_mirror_refuses_non_http(mirror: Path, url: str) -> None:
    with pytest.raises(FetchError, match="not an http"):
        MirrorFetcher(mirror).get(url)


def test_mirror_size_caps(mirror: Path) -> None:
    (mirror / "news.example" / "big.html").write_bytes(b"x" * 5000)
    with pytest.raises(FetchError, match="larger than 1000"):
        MirrorFetcher(mirror, max_bytes=1000).get("https://news.example/big.html")
    (mirror / "news.example" / "bomb.xml.gz").write_bytes(gzip_zeros(5_000_000))
    with pytest.raises(FetchError, match="larger than 100000"):
        MirrorFetcher(mirror, max_bytes=100_000).get("https://news.example/bomb.xml.gz")
