"""Run the fetch stage over a sources config and write one Parquet row per item."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

import polars as pl

from tradewire.fetch import archive
from tradewire.fetch.feeds import Discovered, FeedError, parse_feed, parse_url_list
from tradewire.fetch.http import Fetcher, FetchError, HttpFetcher, MirrorFetcher, gunzip_capped
from tradewire.fetch.polite import HostLimiter, RetryingFetcher, RobotsFetcher
from tradewire.fetch.state import KnownItem, KnownState
from tradewire.ids import item_id_for_file, item_id_for_url, normalize_url, short_hash
from tradewire.settings import Settings
from tradewire.sources import Source, SourcesConfig
from tradewire.staging import write_stage_output

log = logging.getLogger(__name__)

# what a server may call an article page; a missing type is given the benefit of the doubt
PAGE_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", ""})
LOCAL_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz", ".txt")
MAX_SITEMAP_DEPTH = 2

FETCH_SCHEMA = pl.Schema(
    {
        "item_id": pl.String(),
        "item_kind": pl.String(),  # page | feed
        "source": pl.String(),
        "source_kind": pl.String(),
        "url": pl.String(),
        "path": pl.String(),
        "discovered_via": pl.String(),
        "discovered_title": pl.String(),
        "discovered_published": pl.String(),
        "status": pl.String(),  # fetched | not_modified | error
        # ok | blocked | dns | timeout | too_large | connection | redirects | http_error | robots
        # | wrong_content_type | bad_encoding | parse_error | file_error
        "outcome": pl.String(),
        "reason": pl.String(),
        "http_status": pl.Int32(),
        "content_type": pl.String(),
        "etag": pl.String(),
        "last_modified": pl.String(),
        "content_hash": pl.String(),  # SHA-256 of the body: its name in the raw archive
        "final_url": pl.String(),
        "headers": pl.String(),  # response headers as JSON
        "fetched_at": pl.Datetime("us", "UTC"),
        "body": pl.Binary(),
    }
)


@dataclass
class _Item:
    item_id: str
    source: Source
    url: str | None = None
    path: str | None = None
    discovered_via: str | None = None
    discovered: Discovered | None = None


def content_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def make_fetcher(settings: Settings, config: SourcesConfig) -> Fetcher:
    """Mirror when the sources file names one (offline sample), else the guarded HTTP client."""
    if config.mirror is not None:
        return MirrorFetcher(config.mirror, settings.max_bytes)
    client = HttpFetcher(
        user_agent=settings.user_agent,
        timeout=settings.http_timeout,
        max_bytes=settings.max_bytes,
        allow_hosts=settings.allow_private_hosts,
    )
    paced = HostLimiter(client, settings.home / "locks" / "hosts", settings.host_delay, settings.host_concurrency)
    return RobotsFetcher(RetryingFetcher(paced, attempts=settings.http_attempts), settings.user_agent)


def _row(item: _Item, kind: str, status: str, reason: str | None = None, **extra: object) -> dict[str, object]:
    row: dict[str, object] = {
        "item_id": item.item_id,
        "item_kind": kind,
        "source": item.source.name,
        "source_kind": item.source.kind,
        "url": item.url,
        "path": item.path,
        "discovered_via": item.discovered_via,
        "discovered_title": item.discovered.title if item.discovered else None,
        "discovered_published": item.discovered.published if item.discovered else None,
        "status": status,
        "outcome": {"fetched": "ok", "not_modified": "not_modified"}.get(status, "error"),
        "reason": reason,
        "http_status": None,
        "content_type": None,
        "etag": None,
        "last_modified": None,
        "content_hash": None,
        "final_url": None,
        "headers": None,
        "fetched_at": datetime.now(UTC),
        "body": None,
    }
    row.update(extra)
    return row


def _discover_remote(
    source: Source, fetcher: Fetcher, doc_rows: list[dict[str, object]], max_bytes: int, known: KnownState
) -> list[_Item]:
    assert source.url is not None
    items: list[_Item] = []
    queue: list[tuple[str, int]] = [(source.url, 0)]
    while queue and len(items) < source.max_items:
        doc_url, depth = queue.pop(0)
        doc_item = _Item(item_id=item_id_for_url(doc_url), source=source, url=doc_url, discovered_via=source.url)
        try:
            resp = fetcher.get(doc_url, known.conditional_headers(doc_item.item_id) or None)
            if resp.status == 304:
                previous = known.items.get(doc_item.item_id) or KnownItem("listed")
                doc_rows.append(
                    _row(
                        doc_item, "feed", "not_modified", http_status=304,
                        etag=resp.headers.get("etag") or previous.etag,
                        last_modified=resp.headers.get("last-modified") or previous.last_modified,
                        content_hash=previous.content_hash,
                    )
                )  # fmt: skip
                continue
            if resp.status != 200:
                raise FetchError(f"HTTP {resp.status}", "http_error")
            body = resp.body
            if body[:2] == b"\x1f\x8b":  # .xml.gz sitemaps come as gzip files, not gzip transfer encoding
                body = gunzip_capped(body, max_bytes)
            if source.kind == "urls":
                entries = parse_url_list(body)
            else:
                kind, entries = parse_feed(body)
        except FetchError as exc:
            doc_rows.append(_row(doc_item, "feed", "error", f"discovery failed: {exc}", outcome=exc.outcome))
            continue
        except FeedError as exc:
            doc_rows.append(_row(doc_item, "feed", "error", f"discovery failed: {exc}", outcome="parse_error"))
            continue
        doc_rows.append(
            _row(
                doc_item, "feed", "fetched", http_status=resp.status, content_type=resp.content_type,
                etag=resp.headers.get("etag"), last_modified=resp.headers.get("last-modified"),
                content_hash=content_hash(body), reason=f"{len(entries)} entries", body=body,
                final_url=resp.url, headers=json.dumps(resp.headers),
            )
        )  # fmt: skip
        if source.kind != "urls" and kind == "sitemap_index":
            if depth < MAX_SITEMAP_DEPTH:
                queue.extend((e.url, depth + 1) for e in entries)
            continue
        for entry in entries:
            entry = replace(entry, url=_absolute(doc_url, entry.url))
            if not entry.url.startswith(("http://", "https://")):
                doc_rows.append(
                    _row(
                        _Item(short_hash(f"unusable:{doc_url} {entry.url}"), source, entry.url, discovered_via=doc_url),
                        "page",
                        "error",
                        "listed URL is not http(s)",
                        outcome="blocked",
                    )
                )
                continue
            items.append(_Item(item_id_for_url(entry.url), source, entry.url, discovered_via=doc_url, discovered=entry))
    return items[: source.max_items]


def _absolute(base: str, url: str) -> str:
    """Atom feeds and URL lists may use relative links; a malformed one is kept as written and fails later."""
    try:
        return urljoin(base, url)
    except ValueError:
        return url


def _discover_local(source: Source) -> list[_Item]:
    assert source.path is not None
    root = source.path
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    items = []
    for file in files:
        if not file.name.lower().endswith(LOCAL_SUFFIXES):
            continue
        rel = file.name if root.is_file() else file.relative_to(root).as_posix()
        items.append(_Item(item_id_for_file(source.name, rel), source, path=str(file), discovered_via=str(root)))
    return items[: source.max_items]


def _fetch_one(item: _Item, fetcher: Fetcher, max_bytes: int, known: KnownState) -> dict[str, object] | None:
    """Fetch one page; None when it is a local file whose content is settled and unchanged."""
    try:
        if item.path is not None:
            file = Path(item.path)
            if file.stat().st_size > max_bytes:
                return _row(item, "page", "error", f"file larger than {max_bytes} bytes", outcome="too_large")
            body = file.read_bytes()
            if file.name.endswith(".gz"):
                body = gunzip_capped(body, max_bytes)
            digest = content_hash(body)
            if known.settled(item.item_id, digest):
                return None
            ctype = "text/plain" if file.name.endswith(".txt") else "text/html"
            return _row(item, "page", "fetched", body=body, content_type=ctype, content_hash=digest)
        assert item.url is not None
        resp = fetcher.get(item.url)
    except FetchError as exc:
        return _row(item, "page", "error", str(exc), outcome=exc.outcome)
    except OSError as exc:
        return _row(item, "page", "error", str(exc), outcome="file_error")
    except ValueError as exc:
        return _row(item, "page", "error", str(exc), outcome="blocked")
    if resp.status != 200:
        return _row(item, "page", "error", f"HTTP {resp.status}", http_status=resp.status, outcome="http_error")
    media_type = resp.content_type.split(";", 1)[0].strip().lower()
    if media_type not in PAGE_MEDIA_TYPES:
        return _row(
            item, "page", "error", f"not a page: content type {media_type!r}", http_status=resp.status,
            content_type=resp.content_type, outcome="wrong_content_type",
        )  # fmt: skip
    return _row(
        item, "page", "fetched", http_status=resp.status, content_type=resp.content_type, body=resp.body,
        etag=resp.headers.get("etag"), last_modified=resp.headers.get("last-modified"),
        content_hash=content_hash(resp.body), final_url=resp.url, headers=json.dumps(resp.headers),
    )  # fmt: skip


def _unique(items: Iterable[_Item]) -> Iterator[_Item]:
    seen: set[str] = set()
    for item in items:
        key = normalize_url(item.url) if item.url else f"{item.source.name}:{item.path}"
        if key not in seen:
            seen.add(key)
            yield item


def fetch_sources(
    config: SourcesConfig,
    fetcher: Fetcher,
    out_path: Path,
    max_bytes: int = 5_000_000,
    only: set[str] | None = None,
    workers: int = 4,
    known: KnownState | None = None,
    archive_dir: Path | None = None,
) -> Path:
    """Discover and fetch every enabled source; write the fetch Parquet and return its path.

    Pages whose fate earlier runs settled (see `known`) are not fetched again; the count of
    discovered and already-known pages goes to fetch_summary.json beside the Parquet.
    """
    known = known or KnownState()
    doc_rows: list[dict[str, object]] = []
    discovered: list[_Item] = []
    for source in config.enabled(only):
        if source.kind == "local":
            discovered.extend(_discover_local(source))
        elif source.path is not None:  # a feed or URL list saved on disk
            discovered.extend(_discover_file_listing(source, doc_rows))
        else:
            discovered.extend(_discover_remote(source, fetcher, doc_rows, max_bytes, known))
    items = list(_unique(discovered))
    to_fetch = [it for it in items if it.path is not None or not known.settled(it.item_id)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        fetched = [r for r in pool.map(lambda it: _fetch_one(it, fetcher, max_bytes, known), to_fetch) if r]
    if archive_dir is not None:
        for row in fetched + doc_rows:
            if row["status"] == "fetched" and isinstance(row["body"], bytes):
                archive.store(archive_dir, row["body"])
    frame = pl.DataFrame(fetched + doc_rows, schema=FETCH_SCHEMA, orient="row")
    frame = frame.unique(subset="item_id", keep="first", maintain_order=True)
    write_stage_output(frame, out_path)
    summary = {"pages_discovered": len(items), "already_known": len(items) - len(fetched)}
    (out_path.parent / "fetch_summary.json").write_text(json.dumps(summary), encoding="utf-8")
    log.info("fetch: %s; %d rows -> %s", summary, frame.height, out_path)
    return out_path


def _discover_file_listing(source: Source, doc_rows: list[dict[str, object]]) -> list[_Item]:
    assert source.path is not None
    item = _Item(item_id_for_file(source.name, source.path.name), source, path=str(source.path))
    try:
        data = source.path.read_bytes()
        entries = parse_url_list(data) if source.kind == "urls" else parse_feed(data)[1]
    except (OSError, FeedError) as exc:
        outcome = "parse_error" if isinstance(exc, FeedError) else "file_error"
        doc_rows.append(_row(item, "feed", "error", f"discovery failed: {exc}", outcome=outcome))
        return []
    return [
        _Item(item_id_for_url(e.url), source, e.url, discovered_via=str(source.path), discovered=e)
        for e in entries
        if e.url.startswith(("http://", "https://"))
    ][: source.max_items]
