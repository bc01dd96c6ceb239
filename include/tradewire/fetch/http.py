"""Getting bytes for a URL: a guarded HTTP client and an offline mirror, behind one interface.

Nothing fetched is trusted: every redirect hop is resolved and checked against
private address ranges, bodies are capped after decompression, and every phase
has a timeout.
"""

from __future__ import annotations

import gzip
import io
import ipaddress
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urljoin, urlsplit

import httpx

MAX_REDIRECTS = 5


class FetchError(Exception):
    """A URL could not be fetched; the message is the reason recorded in fetch_log."""


@dataclass(frozen=True)
class Response:
    url: str  # final URL after redirects
    status: int
    body: bytes
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)


class Fetcher(Protocol):
    def get(self, url: str) -> Response: ...


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def check_public(url: str, allow_hosts: tuple[str, ...] = ()) -> None:
    """Refuse non-http(s) schemes and hosts that resolve to private, loopback or link-local addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"scheme {parts.scheme!r} not allowed for remote sources")
    host = parts.hostname
    if not host:
        raise FetchError("URL has no host")
    if host in allow_hosts:
        return
    try:
        infos = socket.getaddrinfo(
            host, parts.port or (443 if parts.scheme == "https" else 80), proto=socket.IPPROTO_TCP
        )
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve {host}: {exc.strerror}") from exc
    for info in infos:
        address = str(info[4][0])
        if address in allow_hosts:
            continue
        if _is_private(address):
            raise FetchError(f"{host} resolves to non-public address {address}; allow-list it to fetch")


class HttpFetcher:
    """httpx-based client with size cap, timeouts, manual redirects and an SSRF guard."""

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
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def get(self, url: str) -> Response:
        deadline = time.monotonic() + self.timeout
        for _ in range(MAX_REDIRECTS + 1):
            check_public(url, self.allow_hosts)
            try:
                with self._client.stream("GET", url) as resp:
                    if resp.is_redirect and "location" in resp.headers:
                        url = urljoin(url, resp.headers["location"])
                        continue
                    body = self._read_capped(resp, deadline)
                    return Response(
                        url=str(resp.url),
                        status=resp.status_code,
                        body=body,
                        content_type=resp.headers.get("content-type", ""),
                        headers=dict(resp.headers),
                    )
            except httpx.HTTPError as exc:
                raise FetchError(f"{type(exc).__name__}: {exc}") from exc
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def _read_capped(self, resp: httpx.Response, deadline: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in resp.iter_bytes():  # decompressed bytes: the cap defeats gzip bombs
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"body larger than {self.max_bytes} bytes")
            if time.monotonic() > deadline:
                raise FetchError(f"total timeout of {self.timeout}s exceeded")
            chunks.append(chunk)
        return b"".join(chunks)


class MirrorFetcher:
    """Offline fetcher: https://host/a/b.html is read from <root>/host/a/b.html (wget -m layout)."""

    def __init__(self, root: Path, max_bytes: int = 5_000_000) -> None:
        self.root = root.resolve()
        self.max_bytes = max_bytes

    def get(self, url: str) -> Response:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"not an http(s) URL: {url!r}")
        rel = unquote(parts.path).lstrip("/")
        target = (self.root / parts.hostname / rel).resolve()
        if not target.is_relative_to(self.root):
            raise FetchError("path escapes the mirror folder")
        if target.is_dir() or parts.path.endswith("/") or not rel:
            target = target / "index.html"
        if not target.is_file():
            return Response(url=url, status=404, body=b"", content_type="text/html")
        if target.stat().st_size > self.max_bytes:
            raise FetchError(f"body larger than {self.max_bytes} bytes")
        body = target.read_bytes()
        if target.suffix == ".gz":
            body = gunzip_capped(body, self.max_bytes)
        return Response(url=url, status=200, body=body, content_type=guess_content_type(target))


def gunzip_capped(data: bytes, max_bytes: int) -> bytes:
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
        out = fh.read(max_bytes + 1)
    if len(out) > max_bytes:
        raise FetchError(f"decompressed body larger than {max_bytes} bytes")
    return out


def guess_content_type(path: Path) -> str:
    name = path.name.removesuffix(".gz")
    if name.endswith((".xml", ".rss", ".atom")):
        return "application/xml"
    if name.endswith(".txt"):
        return "text/plain"
    return "text/html"
