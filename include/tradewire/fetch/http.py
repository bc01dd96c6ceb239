"""Getting bytes for a URL: a guarded HTTP client and an offline mirror, behind one interface.

Nothing fetched is trusted: every redirect hop is resolved and checked against
private address ranges, bodies are capped after decompression (decoded here, a
piece at a time, so a gzip or brotli bomb never expands past the cap), and every
phase has a timeout.
"""

from __future__ import annotations

import gzip
import io
import ipaddress
import logging
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urljoin, urlsplit

import httpcore
import httpx

from tradewire.fetch.redact import RedactingFilter

try:
    import brotli
except ImportError:  # pragma: no cover  # a declared dependency; without it br bodies are refused
    brotli = None

# httpx logs every request URL at INFO, query string and all, and httpcore every response header (Location) at
# DEBUG: a token in a source URL would reach the task logs. (A logger's filter sees only its own records.)
for _name in ("httpx", "httpcore.connection", "httpcore.http11", "httpcore.http2", "httpcore.proxy", "httpcore.socks"):
    logging.getLogger(_name).addFilter(RedactingFilter())

MAX_REDIRECTS = 5
DECODED_PIECE = 1 << 16  # most bytes a decoder hands out at once: the cap is checked between pieces


class FetchError(Exception):
    """A URL could not be fetched; the message is the reason and `outcome` the category recorded in fetch_log.

    Outcomes: blocked (scheme, address or path refused), dns, timeout, too_large, connection,
    redirects, http_error, robots, wrong_content_type, bad_encoding.
    """

    def __init__(self, message: str, outcome: str = "error") -> None:
        super().__init__(message)
        self.outcome = outcome


@dataclass(frozen=True)
class Response:
    url: str  # final URL after redirects
    status: int
    body: bytes
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)


class Fetcher(Protocol):
    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Response:
        """GET a URL; headers are request headers such as If-None-Match for conditional requests."""
        ...


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def _split(url: str) -> tuple[str, str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:  # out-of-range port, broken IPv6 literal
        raise FetchError(f"malformed URL: {exc}", "blocked") from exc
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"not an http(s) URL: scheme {parts.scheme!r} not allowed for remote sources", "blocked")
    if not parts.hostname:
        raise FetchError("not an http(s) URL: no host", "blocked")
    return parts.scheme, parts.hostname, port


def check_public(url: str, allow_hosts: tuple[str, ...] = ()) -> str:
    """Resolve the URL's host and return the address to connect to.

    Refuses schemes other than http(s) and hosts that resolve to loopback, private,
    link-local or unique-local addresses, unless the host or address is allow-listed.
    Callers connect to the returned address, so a second DNS answer cannot differ.
    """
    _, host, port = _split(url)
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}", "dns") from exc
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise FetchError(f"cannot resolve {host}", "dns")
    if host not in allow_hosts:
        for address in addresses:
            if address not in allow_hosts and _is_private(address):
                raise FetchError(f"{host} resolves to non-public address {address}; allow-list it to fetch", "blocked")
    return addresses[0]


def _pinned(url: str, address: str) -> tuple[str, dict[str, str], dict[str, object]]:
    """The URL aimed at the checked address, keeping the original Host header and TLS server name."""
    parts = urlsplit(url)
    literal = f"[{address}]" if ":" in address else address
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    headers = {"Host": parts.netloc.rsplit("@", 1)[-1]}
    extensions: dict[str, object] = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
    return parts._replace(netloc=netloc).geturl(), headers, extensions


_deadline = threading.local()  # monotonic time by which the current thread's request must be done


def _clamp(timeout: float | None) -> float:
    """A socket timeout that never runs past the request's total deadline."""
    end = getattr(_deadline, "at", None)
    if end is None:
        return timeout if timeout is not None else 60.0
    left = end - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("total timeout exceeded")
    return min(timeout, left) if timeout is not None else left


class _DeadlineStream(httpcore.NetworkStream):
    """Every read, write and TLS handshake gets at most the time left: a server that drips its headers
    byte by byte cannot hold a request past its total timeout."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _clamp(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, _clamp(timeout), local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not used")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _deadline_transport() -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(trust_env=False)
    # httpx has no public hook for httpcore's network backend; the lock pins httpx 0.28, and
    # tests/fetch/test_http.py::test_trickling_headers_hit_the_total_timeout fails if this stops working
    # No keep-alive: requests go to pinned IP addresses, and a pooled TLS connection made for one host name
    # must not be reused for another name that shares the address (CDNs).
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        network_backend=_DeadlineBackend(),
        max_keepalive_connections=0,
    )
    return transport


REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_STASHED_LOCATION = "x-tradewire-location"


class _LocationStash(httpx.BaseTransport):
    """Moves a redirect's Location header out of httpx's sight; the fetcher checks and follows every hop itself.

    httpx parses Location to build the next request even when it follows no redirects, and refuses data:,
    javascript: or http://0177.0.0.1/ there with errors that read as connection failures (which are retried).
    """

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
            response.headers[_STASHED_LOCATION] = response.headers.pop("location")
        return response

    def close(self) -> None:
        self._inner.close()


def _next_hop(url: str, location: str) -> str:
    try:
        return urljoin(url, location.strip())
    except ValueError as exc:  # a broken IPv6 literal, say
        raise FetchError(f"malformed redirect Location {location[:200]!r}: {exc}", "blocked") from exc


class HttpFetcher:
    """httpx-based client with size cap, timeouts, manual redirects and an SSRF guard with address pinning."""

    def __init__(
        self,
        user_agent: str,
        timeout: float = 20.0,
        max_bytes: int = 5_000_000,
        allow_hosts: tuple[str, ...] = (),
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.allow_hosts = allow_hosts
        self._client = httpx.Client(
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
            follow_redirects=False,
            transport=_LocationStash(transport or _deadline_transport()),
            trust_env=False,  # a proxy from the environment would bypass the address checks
        )

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Response:
        deadline = time.monotonic() + self.timeout
        _deadline.at = deadline
        try:
            return self._get(url, deadline, dict(headers or {}))
        finally:
            _deadline.at = None

    def _get(self, url: str, deadline: float, extra_headers: dict[str, str]) -> Response:
        for _ in range(MAX_REDIRECTS + 1):
            address = check_public(url, self.allow_hosts)
            target, headers, extensions = _pinned(url, address)
            try:
                request = self._client.build_request(
                    "GET", target, headers={**extra_headers, **headers}, extensions=extensions
                )
                resp = self._client.send(request, stream=True)
                try:
                    location = resp.headers.get(_STASHED_LOCATION)
                    if location is not None:
                        url = _next_hop(url, location)
                        continue
                    body = self._read_capped(resp, deadline)
                    return Response(
                        url=url,
                        status=resp.status_code,
                        body=body,
                        content_type=resp.headers.get("content-type", ""),
                        headers=dict(resp.headers),
                    )
                finally:
                    resp.close()
            except httpx.TimeoutException as exc:
                if time.monotonic() >= deadline:
                    raise FetchError(
                        f"total timeout of {self.timeout}s exceeded ({type(exc).__name__})", "timeout"
                    ) from exc
                raise FetchError(f"timeout: {type(exc).__name__}: {exc}", "timeout") from exc
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise FetchError(f"{type(exc).__name__}: {exc}", "connection") from exc
        raise FetchError(f"more than {MAX_REDIRECTS} redirects", "redirects")

    def _read_capped(self, resp: httpx.Response, deadline: float) -> bytes:
        """The body, decoded here rather than by httpx: httpx hands a brotli decoder a whole network read at
        once, and a few hundred bytes of br expand to gigabytes before any cap could look at them."""
        decode = _body_decoder(resp.headers.get_list("content-encoding", split_commas=True))
        chunks: list[bytes] = []
        size = wire = 0

        def keep(pieces: Iterator[bytes]) -> None:
            nonlocal size
            for piece in pieces:
                size += len(piece)
                if size > self.max_bytes:
                    raise FetchError(f"body larger than {self.max_bytes} bytes", "too_large")
                chunks.append(piece)

        for raw in resp.iter_raw():
            wire += len(raw)  # compressed bytes count too: a br metadata block or a gzip comment decodes to nothing
            if wire > self.max_bytes:
                raise FetchError(f"body larger than {self.max_bytes} bytes (as sent)", "too_large")
            keep(decode(raw))
            if time.monotonic() > deadline:
                raise FetchError(f"total timeout of {self.timeout}s exceeded", "timeout")
        keep(decode(None))
        return b"".join(chunks)


class _Zlib:
    """gzip or deflate, inflated at most DECODED_PIECE bytes at a time."""

    def __init__(self, wbits: int, fallback_wbits: int | None = None) -> None:
        self._inflate = zlib.decompressobj(wbits)
        self._fallback = fallback_wbits  # deflate: zlib-wrapped as the RFC says, raw as some servers send
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while True:
            try:
                out = self._inflate.decompress(data, DECODED_PIECE)
            except zlib.error as exc:
                if self._started or self._fallback is None:
                    raise FetchError(f"cannot decode the body: {exc}", "bad_encoding") from exc
                self._inflate, self._fallback = zlib.decompressobj(self._fallback), None
                continue
            self._started = True
            if out:
                yield out
            data = self._inflate.unconsumed_tail
            if not data and len(out) < DECODED_PIECE:
                return

    def finish(self) -> Iterator[bytes]:
        yield from self.feed(b"")
        yield self._inflate.flush()


class _Brotli:
    """br, decompressed at most DECODED_PIECE bytes at a time (brotli>=1.2's output_buffer_limit)."""

    def __init__(self) -> None:
        if brotli is None or not hasattr(brotli.Decompressor, "can_accept_more_data"):
            raise FetchError("a br body cannot be decoded safely here (needs brotli>=1.2)", "bad_encoding")
        self._inflate = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            out = self._inflate.process(data, output_buffer_limit=DECODED_PIECE)
            while True:
                if out:
                    yield out
                # a full piece may have more behind it: drain with empty input, as the brotli API asks
                if len(out) < DECODED_PIECE or self._inflate.is_finished():
                    return
                out = self._inflate.process(b"", output_buffer_limit=DECODED_PIECE)
        except brotli.error as exc:
            raise FetchError(f"cannot decode the body: {exc}", "bad_encoding") from exc

    def finish(self) -> Iterator[bytes]:
        yield from ()


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        yield data

    def finish(self) -> Iterator[bytes]:
        yield from ()


_Decoder = _Zlib | _Brotli | _Identity


def _decoder(coding: str) -> _Decoder:
    coding = coding.strip().lower()
    if coding in ("gzip", "x-gzip"):
        return _Zlib(16 + zlib.MAX_WBITS)
    if coding == "deflate":
        return _Zlib(zlib.MAX_WBITS, fallback_wbits=-zlib.MAX_WBITS)
    if coding == "br":
        return _Brotli()
    return _Identity()  # identity, and codings nobody can decode (as httpx does): the bytes as sent


def _body_decoder(codings: list[str]) -> Callable[[bytes | None], Iterator[bytes]]:
    """A function from raw bytes (None at the end) to decoded pieces, undoing the codings last first.

    The steps are chained generators, so no step holds more than a piece at a time.
    """
    chain = [_decoder(c) for c in reversed(codings) if c.strip()]

    def decode(raw: bytes | None) -> Iterator[bytes]:
        pieces: Iterator[bytes] = iter((raw,) if raw else ())
        for step in chain:
            pieces = _through(step, pieces, end=raw is None)
        return pieces

    return decode


def _through(step: _Decoder, pieces: Iterator[bytes], end: bool) -> Iterator[bytes]:
    for piece in pieces:
        if piece:
            yield from step.feed(piece)
    if end:
        yield from step.finish()


class MirrorFetcher:
    """Offline fetcher: https://host/a/b.html is read from <root>/host/a/b.html (wget -m layout)."""

    def __init__(self, root: Path, max_bytes: int = 5_000_000) -> None:
        self.root = root.resolve()
        self.max_bytes = max_bytes

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Response:
        _, host, _ = _split(url)
        parts = urlsplit(url)
        rel = unquote(parts.path).lstrip("/")
        site = (self.root / host).resolve()
        target = (site / rel).resolve()
        if not site.is_relative_to(self.root) or not target.is_relative_to(site):
            raise FetchError("path escapes the mirror folder", "blocked")
        if target.is_dir() or parts.path.endswith("/") or not rel:
            target = target / "index.html"
        if not target.is_file():
            return Response(url=url, status=404, body=b"", content_type="text/html")
        if target.stat().st_size > self.max_bytes:
            raise FetchError(f"body larger than {self.max_bytes} bytes", "too_large")
        body = target.read_bytes()
        if target.suffix == ".gz":
            body = gunzip_capped(body, self.max_bytes)
        return Response(url=url, status=200, body=body, content_type=guess_content_type(target))


def gunzip_capped(data: bytes, max_bytes: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            out = fh.read(max_bytes + 1)
    except (OSError, EOFError) as exc:
        raise FetchError(f"not valid gzip: {exc}", "bad_encoding") from exc
    if len(out) > max_bytes:
        raise FetchError(f"decompressed body larger than {max_bytes} bytes", "too_large")
    return out


def guess_content_type(path: Path) -> str:
    name = path.name.removesuffix(".gz")
    if name.endswith((".xml", ".rss", ".atom")):
        return "application/xml"
    if name.endswith(".txt"):
        return "text/plain"
    return "text/html"
