"""Fetch-stage benchmark: N pages from a loopback server, through the real fetch stage.

    .venv/bin/python benchmarks/fetch_bench.py --pages 3000 --repeat 3

Serves the bundled sample pages (rotated, distinct URLs) from 127.0.0.1 with an RSS feed per
100 pages, then runs `fetch_sources` with the production client stack (robots, retries, per-host
limits) twice: politeness off (no delay, 8 in flight) and on (the defaults: 1 s apart, 2 in flight,
on a smaller slice, since 1 s per page bounds it by design). Prints pages/s (median of the repeats)
and the peak RSS of this process. A script, not a test: the machine is noisy.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "include"))

from tradewire.fetch.http import HttpFetcher  # noqa: E402
from tradewire.fetch.polite import HostLimiter, RetryingFetcher, RobotsFetcher  # noqa: E402
from tradewire.fetch.run import fetch_sources  # noqa: E402
from tradewire.sources import load_sources  # noqa: E402


def sample_bodies() -> list[bytes]:
    return [p.read_bytes() for p in sorted((REPO / "include" / "sample" / "site").rglob("*.html"))]


def serve(pages: int, per_feed: int) -> tuple[ThreadingHTTPServer, int]:
    bodies = sample_bodies()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:
            path = self.path
            if path.startswith("/feed/"):
                start = int(path.split("/")[2].removesuffix(".xml")) * per_feed
                port = self.server.server_address[1]
                items = "".join(
                    f"<item><title>p{i}</title><link>http://127.0.0.1:{port}/page/{i}.html</link></item>"
                    for i in range(start, min(pages, start + per_feed))
                )
                body, ctype = f"<rss><channel>{items}</channel></rss>".encode(), "application/rss+xml"
            elif path.startswith("/page/"):
                body, ctype = bodies[int(path.split("/")[2].removesuffix(".html")) % len(bodies)], "text/html"
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, int(server.server_address[1])


def run_once(port: int, pages: int, per_feed: int, delay: float, per_host: int, workers: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        feeds = [{"name": f"feed{n}", "kind": "rss", "url": f"http://127.0.0.1:{port}/feed/{n}.xml",
                  "max_items": min(per_feed, pages - n * per_feed)}
                 for n in range((pages + per_feed - 1) // per_feed)]  # fmt: skip
        (Path(tmp) / "sources.yaml").write_text(yaml.safe_dump({"sources": feeds}))
        config = load_sources(Path(tmp) / "sources.yaml")
        client = HttpFetcher("TradewireBench/1", timeout=20, allow_hosts=("127.0.0.1",))
        limited = HostLimiter(client, Path(tmp) / "locks", min_delay=delay, per_host=per_host)
        fetcher = RobotsFetcher(RetryingFetcher(limited), "TradewireBench/1")
        started = time.perf_counter()
        fetch_sources(config, fetcher, Path(tmp) / "fetch.parquet", workers=workers)
        return pages / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--polite-pages", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    server, port = serve(args.pages, per_feed=100)
    try:
        off = [run_once(port, args.pages, 100, 0.0, 8, 8) for _ in range(args.repeat)]
        on = [run_once(port, args.polite_pages, 100, 1.0, 2, 4) for _ in range(max(1, args.repeat // 2))]
    finally:
        server.shutdown()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    figures = {
        "pages": args.pages,
        "politeness_off_pages_per_s_median": round(statistics.median(off), 1),
        "politeness_off_runs": [round(x, 1) for x in off],
        "politeness_on_pages": args.polite_pages,
        "politeness_on_pages_per_s_median": round(statistics.median(on), 2),
        "peak_rss_mb": round(peak_mb, 1),
    }
    print(json.dumps(figures, indent=2))
    out = REPO / "benchmarks" / "results" / "fetch.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
