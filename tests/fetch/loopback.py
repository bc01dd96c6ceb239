"""A real HTTP server on 127.0.0.1 (port 0) in a background thread, for tests that must not touch the internet.

Routes map a request path (without query) to a callable that writes the whole response through the
handler; `fallback` answers every other path. Every request path is recorded in `requests`.
Long-running responders (trickles) watch `stop` so the server shuts down promptly.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

Responder = Callable[[BaseHTTPRequestHandler], None]


class Loopback:
    def __init__(self, routes: dict[str, Responder] | None = None, fallback: Responder | None = None) -> None:
        self.routes: dict[str, Responder] = dict(routes or {})
        self.fallback = fallback
        self.requests: list[str] = []
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------------
    def __enter__(self) -> Loopback:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request per connection: simple and predictable

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                with owner._lock:
                    owner.requests.append(self.path)
                responder = owner.routes.get(path, owner.fallback)
                try:
                    if responder is None:
                        send(self, 404, b"not found", "text/plain")
                    else:
                        responder(self)
                except OSError:  # client went away (timeout tests): nothing to report
                    pass

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop.set()
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- addresses -------------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for p in self.requests if p.split("?", 1)[0] == path)


# -- responders ----------------------------------------------------------------------------------------
def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.write(body)


def page(body: bytes, content_type: str = "text/html; charset=utf-8", status: int = 200) -> Responder:
    return lambda h: send(h, status, body, content_type)


def redirect(location: str, status: int = 302) -> Responder:
    return lambda h: send(h, status, b"", "text/plain", {"Location": location})


def trickle_body(stop: threading.Event, total: int = 60, every: float = 0.5) -> Responder:
    """Headers at once, then one body byte every `every` seconds (a slow-drip server)."""

    def respond(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/plain")
        h.send_header("Content-Length", str(total))
        h.end_headers()
        h.wfile.flush()
        for _ in range(total):
            if stop.wait(every):
                return
            h.wfile.write(b"x")
            h.wfile.flush()

    return respond


def trickle_headers(stop: threading.Event, count: int = 12, every: float = 0.2) -> Responder:
    """The status line at once, then a header one byte every `every` seconds, then an empty body."""

    def respond(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(b"HTTP/1.0 200 OK\r\n")
        h.wfile.flush()
        filler = b"X-Slow: " + b"a" * count + b"\r\n"
        for i in range(len(filler)):
            if i >= 8 and stop.wait(every):
                return
            h.wfile.write(filler[i : i + 1])
            h.wfile.flush()
        h.wfile.write(b"Content-Type: text/plain\r\nContent-Length: 0\r\n\r\n")
        h.wfile.flush()

    return respond


def gzip_zeros(size: int, block: int = 1 << 20) -> bytes:
    """gzip of `size` zero bytes, built block by block so the plain data never sits in memory at once."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip container
    zeros = bytes(block)
    parts = []
    remaining = size
    while remaining > 0:
        parts.append(comp.compress(zeros[: min(block, remaining)]))
        remaining -= block
    parts.append(comp.flush())
    return b"".join(parts)


# -- a whole sample site -------------------------------------------------------------------------------
def _content_type(name: str) -> str:
    name = name.removesuffix(".gz")
    if name.endswith((".xml", ".rss", ".atom")):
        return "application/xml"
    if name.endswith(".txt"):
        return "text/plain; charset=utf-8"
    return "text/html"


def site_responder(site_root: Path, rewrite: Callable[[bytes], bytes]) -> Responder:
    """Serve <site_root>/<host>/<path> for GET /<host>/<path>; feed bodies (.xml/.txt) go through `rewrite`."""
    root = site_root.resolve()

    def respond(h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0]
        target = (root / path.lstrip("/")).resolve()
        if not target.is_relative_to(root):
            send(h, 403, b"forbidden", "text/plain")
            return
        if target.is_dir() or path.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            send(h, 404, b"not found", "text/plain")
            return
        body = target.read_bytes()
        if target.name.endswith((".xml", ".txt")):
            body = rewrite(body)
        send(h, 200, body, _content_type(target.name))

    return respond


class Recorder:
    """A route that notes when each request arrived and how many were in flight at once.

    Alone it answers "ok" after `hold` seconds; wrapped around another responder it lets that one answer.
    """

    def __init__(self, hold: float = 0.0, inner: Responder | None = None) -> None:
        self.hold = hold
        self.inner = inner
        self.arrivals: list[float] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.lock = threading.Lock()

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        with self.lock:
            self.arrivals.append(time.monotonic())
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            time.sleep(self.hold)
            if self.inner is not None:
                self.inner(handler)
        finally:
            with self.lock:
                self.in_flight -= 1
        if self.inner is None:
            send(handler, 200, b"ok", "text/plain")
