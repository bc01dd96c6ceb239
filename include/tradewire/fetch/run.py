"""The fetch stage: discover items in the sources, plan batches, fetch them, combine the results.

Airflow runs the steps as separate tasks (discovery and fetching mapped over
batches); `fetch_sources` runs them in one process for the CLI and tests.
Every step writes Parquet into a folder of the run's staging area and returns
paths, so each one can be rerun alone.
"""

from __future__ import annotations

import bisect
import email.utils
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import polars as pl

from tradewire.fetch import archive
from tradewire.fetch.attempts import ATTEMPT_SCHEMA, AttemptLog, Context, RecordingFetcher, attributed
from tradewire.fetch.feeds import Discovered, FeedError, parse_feed, parse_url_list
from tradewire.fetch.http import Fetcher, FetchError, HttpFetcher, MirrorFetcher, Response, gunzip_capped
from tradewire.fetch.polite import HostLimiter, RedisHostLimiter, RetryingFetcher, RobotsFetcher
from tradewire.fetch.redact import redact_optional, redact_text, redact_url
from tradewire.fetch.state import KnownItem, KnownState
from tradewire.files import FILE_MODE, make_folders
from tradewire.ids import item_id_for_file, item_id_for_url, normalize_url, short_hash
from tradewire.settings import Settings
from tradewire.sources import Source, SourcesConfig
from tradewire.staging import StageWriter, iter_parquet, write_stage_output

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
        "status": pl.String(),  # fetched | not_modified | error | known_url
        # ok | blocked | dns | timeout | too_large | connection | redirects | http_error | robots
        # | wrong_content_type | bad_encoding | parse_error | file_error | known_url
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
        "duplicate_of": pl.String(),  # known_url rows: the article whose canonical URL this is
        "body": pl.Binary(),
    }
)

# a page found in a listing, waiting to be fetched: what plan_fetch writes into batches
PLANNED_SCHEMA = pl.Schema(
    {
        "item_id": pl.String(),
        "source": pl.String(),
        "url": pl.String(),
        "path": pl.String(),
        "discovered_via": pl.String(),
        "discovered_title": pl.String(),
        "discovered_published": pl.String(),
    }
)
LISTINGS = "listings.parquet"  # one row per feed, sitemap or URL list document read
DISCOVERED = "discovered.parquet"
ATTEMPTS = "attempts.parquet"
PLAN = "plan.json"
BATCH_SUMMARY = "batch_summary.json"  # per fetch batch: pages planned, local files found unchanged


@dataclass
class _Item:
    item_id: str
    source: Source
    url: str | None = None
    path: str | None = None
    discovered_via: str | None = None
    discovered: Discovered | None = None


def _write_json(path: Path, data: object) -> None:
    """A small staging file, never writable by others whatever the umask (staging holds fetched bodies)."""
    path.write_text(json.dumps(data), encoding="utf-8")
    os.chmod(path, FILE_MODE)


def content_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def make_fetcher(settings: Settings, config: SourcesConfig, attempts: AttemptLog | None = None) -> Fetcher:
    """Mirror when the sources file names one (offline sample), else the guarded HTTP client.

    With `attempts`, every request that reaches the network (each retry, each robots.txt) is recorded there.
    """
    if config.mirror is not None:
        mirror: Fetcher = MirrorFetcher(config.mirror, settings.max_bytes)
        return RecordingFetcher(mirror, attempts) if attempts is not None else mirror
    client: Fetcher = HttpFetcher(
        user_agent=settings.user_agent,
        timeout=settings.http_timeout,
        max_bytes=settings.max_bytes,
        allow_hosts=settings.allow_private_hosts,
    )
    if attempts is not None:
        client = RecordingFetcher(client, attempts)
    paced: Fetcher
    if settings.host_limits_url:
        paced = RedisHostLimiter(client, settings.host_limits_url, settings.host_delay, settings.host_concurrency)
    else:
        paced = HostLimiter(client, settings.host_lock_dir, settings.host_delay, settings.host_concurrency)
    return RobotsFetcher(
        RetryingFetcher(paced, attempts=settings.http_attempts),
        settings.user_agent,
        cache_dir=settings.robots_cache_dir,
    )


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
    # what is written down never carries the credentials a URL may hold (user:password@, ?token=)
    for key in ("url", "final_url", "discovered_via"):
        if isinstance(row[key], str):
            row[key] = redact_url(str(row[key]))
    if isinstance(row["reason"], str):
        row["reason"] = redact_text(row["reason"])
    return row


def _redacted_attempts(frame: pl.DataFrame) -> pl.DataFrame:
    """Attempt rows as fetch_log will hold them: URLs and errors without credentials."""
    return frame.with_columns(
        pl.col(name).map_elements(redact_optional, return_dtype=pl.String) for name in ("url", "final_url", "error")
    )


def _without_userinfo(url: str) -> str:
    """The URL to request: user info is never sent (requests go to the checked address), so it is dropped before
    any layer (robots.txt origins, their cache file names, attempt rows) can copy it."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url  # malformed: the fetcher refuses it with its own reason
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _unfetchable(url: str) -> str | None:
    """Why a URL a listing names cannot be fetched (javascript:, data:, file:, ftp:, a bare path...), or None."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None  # a malformed http(s) URL: the fetcher refuses it with its own reason
    if scheme in ("http", "https"):
        return None
    if not scheme:
        return "listed URL is not an absolute http(s) URL (a path?): refused, nothing read"
    return f"listed URL is not http(s): scheme {scheme!r} refused"


def _declares_entities(body: bytes) -> bool:
    """An internal DTD subset with <!ENTITY declarations: what billion-laughs, quadratic-blowup and external-entity
    documents need, and what no real feed or sitemap has. (The parser expands none of them either.)"""
    start = body.find(b"<!DOCTYPE")
    if start < 0:
        return False
    subset, close = body.find(b"[", start), body.find(b">", start)
    return 0 <= subset < (close if close >= 0 else len(body)) and body.find(b"<!ENTITY", subset) >= 0


def _parse_listing(source: Source, body: bytes) -> tuple[str, list[Discovered], str]:
    """The listing's kind, its first max_items entries (parsing stops there) and the reason its row records."""
    if source.kind == "urls":
        kind, entries = "urls", parse_url_list(body, limit=source.max_items)
    elif _declares_entities(body):
        raise FeedError("the document declares XML entities (<!ENTITY>): refused unread as an entity-expansion attack")
    else:
        kind, entries = parse_feed(body, limit=source.max_items)
    reason = f"{len(entries)} entries"
    if len(entries) >= source.max_items:
        reason += f" (max_items {source.max_items} reached: any further entries were not read)"
    return kind, entries, reason


def _refused_entry(
    source: Source, doc: str, url: str, why: str, doc_rows: list[dict[str, object]], attempts: AttemptLog
) -> None:
    """A row and an attempt for an entry that is not fetched, so the run still accounts for it."""
    bad = _Item(short_hash(f"unusable:{doc} {url}"), source, url, discovered_via=doc)
    doc_rows.append(_row(bad, "page", "error", why, outcome="blocked"))
    _account(attempts, bad, "page", "blocked", why)


def _discover_remote(
    source: Source,
    fetcher: Fetcher,
    doc_rows: list[dict[str, object]],
    max_bytes: int,
    known: KnownState,
    attempts: AttemptLog,
) -> list[_Item]:
    assert source.url is not None
    items: list[_Item] = []
    queue: list[tuple[str, int]] = [(source.url, 0)]
    while queue and len(items) < source.max_items:
        doc_url, depth = queue.pop(0)
        doc_item = _Item(item_id=item_id_for_url(doc_url), source=source, url=doc_url, discovered_via=source.url)
        resp: Response | None = None
        try:
            with attributed(doc_item.item_id, source.name, "feed"):
                resp = fetcher.get(_without_userinfo(doc_url), known.conditional_headers(doc_item.item_id) or None)
            if resp.status == 304:
                previous = known.items.get(doc_item.item_id) or KnownItem("listed")
                doc_rows.append(
                    _row(
                        doc_item, "feed", "not_modified", http_status=304,
                        etag=resp.headers.get("etag") or previous.etag,
                        last_modified=resp.headers.get("last-modified") or previous.last_modified,
                        content_hash=previous.content_hash, final_url=resp.url,
                    )
                )  # fmt: skip
                continue
            if resp.status != 200:
                raise FetchError(f"HTTP {resp.status}", "http_error")
            body = resp.body
            if body[:2] == b"\x1f\x8b":  # .xml.gz sitemaps come as gzip files, not gzip transfer encoding
                body = gunzip_capped(body, max_bytes)
            kind, entries, reason = _parse_listing(source, body)
        except (FetchError, FeedError) as exc:
            outcome = exc.outcome if isinstance(exc, FetchError) else "parse_error"
            doc_rows.append(
                _row(
                    doc_item, "feed", "error", f"discovery failed: {exc}", outcome=outcome,
                    http_status=resp.status if resp else None, final_url=resp.url if resp else None,
                    content_type=resp.content_type if resp else None,
                )
            )  # fmt: skip
            _account(attempts, doc_item, "feed", outcome, str(exc))
            continue
        doc_rows.append(
            _row(
                doc_item, "feed", "fetched", http_status=resp.status, content_type=resp.content_type,
                etag=resp.headers.get("etag"), last_modified=resp.headers.get("last-modified"),
                content_hash=content_hash(body), reason=reason, body=body,
                final_url=resp.url, headers=json.dumps(resp.headers),
            )
        )  # fmt: skip
        if kind == "sitemap_index":
            if depth < MAX_SITEMAP_DEPTH:
                queue.extend((e.url, depth + 1) for e in entries)
            continue
        for entry in entries:
            entry = replace(entry, url=_absolute(doc_url, entry.url))
            why = _unfetchable(entry.url)
            if why is not None:
                _refused_entry(source, doc_url, entry.url, why, doc_rows, attempts)
                continue
            items.append(_Item(item_id_for_url(entry.url), source, entry.url, discovered_via=doc_url, discovered=entry))
    return items[: source.max_items]


def _account(attempts: AttemptLog, item: _Item, purpose: str, outcome: str, error: str | None) -> None:
    """Make sure fetch_log shows the item's outcome: refused before any request, or failed after the transfer."""
    if attempts.has(item.item_id, purpose):
        attempts.settle(item.item_id, purpose, outcome, error)
    else:
        attempts.add(
            item.url, outcome, context=Context(item.item_id, item.source.name, purpose), path=item.path, error=error
        )


def _absolute(base: str, url: str) -> str:
    """Atom feeds and URL lists may use relative links; a malformed one is kept as written and fails later."""
    try:
        return urljoin(base, url)
    except ValueError:
        return url


def _discover_local(source: Source, doc_rows: list[dict[str, object]], attempts: AttemptLog) -> list[_Item]:
    assert source.path is not None
    root = source.path
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    items = []
    for file in files:
        if not file.name.lower().endswith(LOCAL_SUFFIXES):
            continue
        rel = file.name if root.is_file() else file.relative_to(root).as_posix()
        item = _Item(item_id_for_file(source.name, rel), source, path=str(file), discovered_via=str(root))
        outside = _outside_source(item)
        if outside is not None:
            doc_rows.append(_row(item, "page", "error", outside, outcome="blocked"))
            _account(attempts, item, "page", "blocked", outside)
            continue
        items.append(item)
    return items[: source.max_items]


def _outside_source(item: _Item) -> str | None:
    """Why a local file is not read: a link that leads out of the source's folder (to /etc/passwd, say), or None."""
    assert item.path is not None and item.source.path is not None
    root = item.source.path.resolve()
    target = Path(item.path).resolve()
    if target == root or target.is_relative_to(root):
        return None
    return f"{Path(item.path).name} is a link to {target}, outside the source folder {root}: refused, not read"


def _discover_file_listing(source: Source, doc_rows: list[dict[str, object]], attempts: AttemptLog) -> list[_Item]:
    assert source.path is not None
    item = _Item(item_id_for_file(source.name, source.path.name), source, path=str(source.path))
    try:
        data = source.path.read_bytes()
        _, entries, reason = _parse_listing(source, data)
    except (OSError, FeedError) as exc:
        outcome = "parse_error" if isinstance(exc, FeedError) else "file_error"
        doc_rows.append(_row(item, "feed", "error", f"discovery failed: {exc}", outcome=outcome))
        _account(attempts, item, "feed", outcome, str(exc))
        return []
    attempts.add(None, "ok", context=Context(item.item_id, source.name, "feed"), path=str(source.path), size=len(data))
    doc_rows.append(_row(item, "feed", "fetched", reason=reason, content_hash=content_hash(data), body=data))
    found = []
    for entry in entries:
        # no base URL here: a relative entry (../../etc/passwd) is refused like file:// or javascript:, never read
        why = _unfetchable(entry.url)
        if why is not None:
            _refused_entry(source, str(source.path), entry.url, why, doc_rows, attempts)
            continue
        found.append(
            _Item(item_id_for_url(entry.url), source, entry.url, discovered_via=str(source.path), discovered=entry)
        )
    return found[: source.max_items]


def _fetch_one(
    item: _Item, fetcher: Fetcher, max_bytes: int, known: KnownState, attempts: AttemptLog
) -> dict[str, object] | None:
    """Fetch one page and see that fetch_log shows what happened; None for an unchanged, settled local file."""
    if item.path is not None:
        row = _read_local(item, max_bytes, known)
        if row is not None:
            attempts.add(
                None, str(row["outcome"]), context=Context(item.item_id, item.source.name, "page"), path=item.path,
                size=len(row["body"]) if isinstance(row["body"], bytes) else None, error=row["reason"],  # type: ignore[arg-type]
            )  # fmt: skip
        return row
    with attributed(item.item_id, item.source.name, "page"):
        row = _fetch_url(item, fetcher)
    if row["outcome"] != "ok" or not attempts.has(item.item_id, "page"):
        _account(attempts, item, "page", str(row["outcome"]), row["reason"])  # type: ignore[arg-type]
    return row


def _read_local(item: _Item, max_bytes: int, known: KnownState) -> dict[str, object] | None:
    assert item.path is not None
    file = Path(item.path)
    outside = _outside_source(item) if item.source.kind == "local" else None
    if outside is not None:  # checked again: the file may have been swapped for a link since discovery
        return _row(item, "page", "error", outside, outcome="blocked")
    try:
        if file.stat().st_size > max_bytes:
            return _row(item, "page", "error", f"file larger than {max_bytes} bytes", outcome="too_large")
        body = file.read_bytes()
        if file.name.endswith(".gz"):
            body = gunzip_capped(body, max_bytes)
    except FetchError as exc:
        return _row(item, "page", "error", str(exc), outcome=exc.outcome)
    except OSError as exc:
        return _row(item, "page", "error", str(exc), outcome="file_error")
    digest = content_hash(body)
    if known.settled(item.item_id, digest):
        return None
    ctype = "text/plain" if file.name.endswith(".txt") else "text/html"
    return _row(item, "page", "fetched", body=body, content_type=ctype, content_hash=digest)


def _fetch_url(item: _Item, fetcher: Fetcher) -> dict[str, object]:
    assert item.url is not None
    try:
        resp = fetcher.get(_without_userinfo(item.url))
    except FetchError as exc:
        return _row(item, "page", "error", str(exc), outcome=exc.outcome)
    except ValueError as exc:
        return _row(item, "page", "error", str(exc), outcome="blocked")
    if resp.status != 200:
        return _row(
            item, "page", "error", f"HTTP {resp.status}", http_status=resp.status, outcome="http_error",
            final_url=resp.url,
        )  # fmt: skip
    media_type = resp.content_type.split(";", 1)[0].strip().lower()
    if media_type not in PAGE_MEDIA_TYPES:
        return _row(
            item, "page", "error", f"not a page: content type {media_type!r}", http_status=resp.status,
            content_type=resp.content_type, outcome="wrong_content_type", final_url=resp.url,
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


# ---- the steps -------------------------------------------------------------------------------------------


def discover_sources(
    config: SourcesConfig,
    fetcher: Fetcher,
    out_dir: Path,
    *,
    only: Iterable[str] | None = None,
    max_bytes: int = 5_000_000,
    known: KnownState | None = None,
    attempts: AttemptLog | None = None,
    archive_dir: Path | None = None,
) -> Path:
    """Read the listings (feeds, sitemaps, URL lists, local folders) of the selected sources.

    Writes into out_dir: the pages found (discovered.parquet), one row per listing read
    (listings.parquet) and the request attempts (attempts.parquet). Returns out_dir.
    """
    known = known or KnownState()
    recorder = attempts or AttemptLog()
    if attempts is None:
        fetcher = RecordingFetcher(fetcher, recorder)
    doc_rows: list[dict[str, object]] = []
    found: list[_Item] = []
    wanted = set(only) if only is not None else None
    for source in [s for s in config.enabled() if wanted is None or s.name in wanted]:
        if source.kind == "local":
            found.extend(_discover_local(source, doc_rows, recorder))
        elif source.path is not None:  # a feed or URL list saved on disk
            found.extend(_discover_file_listing(source, doc_rows, recorder))
        else:
            found.extend(_discover_remote(source, fetcher, doc_rows, max_bytes, known, recorder))
    _archive(archive_dir, doc_rows)
    planned = [
        {
            "item_id": it.item_id,
            "source": it.source.name,
            "url": it.url,
            "path": it.path,
            "discovered_via": it.discovered_via,
            "discovered_title": it.discovered.title if it.discovered else None,
            "discovered_published": it.discovered.published if it.discovered else None,
        }
        for it in found
    ]
    write_stage_output(pl.DataFrame(planned, schema=PLANNED_SCHEMA, orient="row"), out_dir / DISCOVERED)
    write_stage_output(pl.DataFrame(doc_rows, schema=FETCH_SCHEMA, orient="row"), out_dir / LISTINGS)
    write_stage_output(_redacted_attempts(recorder.take()), out_dir / ATTEMPTS)
    log.info("discover: %d pages, %d listing rows -> %s", len(planned), len(doc_rows), out_dir)
    return out_dir


def _host_of(row: dict[str, object]) -> str:
    url = row.get("url")
    if not isinstance(url, str):
        return f"file:{row.get('source')}"
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # a malformed URL is fetched (and refused) like any other
        return ""


def plan_fetch(
    discovery_dirs: Sequence[Path],
    out_dir: Path,
    known: KnownState | None = None,
    batch_size: int = 100,
    max_batches: int = 32,
    since: date | None = None,
) -> list[Path]:
    """Split the pages to fetch into batches: unique across sources and listings, minus those settled earlier.

    With `since`, pages whose listing dates them before that day are left out (and counted as
    skipped); pages the listing does not date are fetched.

    A page whose URL is the canonical URL of an article already in the warehouse is not fetched
    again either; it is written as a `known_url` row so the warehouse still accounts for it.
    Hosts are interleaved so a batch's workers are not all waiting on one host. There is always
    at least one batch (maybe empty), so the mapped fetch task never expands to nothing.
    """
    known = known or KnownState()
    frames = [pl.read_parquet(d / DISCOVERED) for d in discovery_dirs if (d / DISCOVERED).exists()]
    discovered = pl.concat(frames) if frames else pl.DataFrame(schema=PLANNED_SCHEMA)
    seen: set[str] = set()
    unique: list[dict[str, Any]] = []
    for row in discovered.iter_rows(named=True):
        key = normalize_url(row["url"]) if row["url"] else f"{row['source']}:{row['path']}"
        if key not in seen:
            seen.add(key)
            unique.append(row)
    to_fetch: list[dict[str, Any]] = []
    known_urls: list[dict[str, Any]] = []
    settled = before_since = 0
    for row in unique:
        if since is not None and (listed := _listed_day(row["discovered_published"])) and listed < since:
            before_since += 1
        elif row["path"] is not None:
            to_fetch.append(row)  # local files: settled only if their content is unchanged, checked on read
        elif known.settled(row["item_id"]):
            settled += 1
        elif row["item_id"] in known.article_ids:
            known_urls.append(row)
        else:
            to_fetch.append(row)
    by_host: dict[str, list[dict[str, object]]] = {}
    for row in to_fetch:
        by_host.setdefault(_host_of(row), []).append(row)
    interleaved = [row for group in _round_robin(list(by_host.values())) for row in group]
    count = max(1, min(max_batches, -(-len(interleaved) // max(1, batch_size))))
    size = -(-len(interleaved) // count) if interleaved else 0
    make_folders(out_dir)
    for stale in out_dir.glob("batch-*.parquet"):
        stale.unlink()
    batches = []
    for index in range(count):
        chunk = interleaved[index * size : (index + 1) * size]
        path = out_dir / f"batch-{index:04d}.parquet"
        write_stage_output(pl.DataFrame(chunk, schema=PLANNED_SCHEMA, orient="row"), path)
        batches.append(path)
    now = datetime.now(UTC)
    known_rows = [
        {
            **dict.fromkeys(FETCH_SCHEMA),
            **{k: row[k] for k in PLANNED_SCHEMA if k in FETCH_SCHEMA},
            "url": redact_url(row["url"]) if row["url"] else None,
            "discovered_via": redact_url(row["discovered_via"]) if row["discovered_via"] else None,
            "item_kind": "page",
            "source_kind": None,
            "status": "known_url",
            "outcome": "known_url",
            "reason": "the canonical URL of an article already in the warehouse",
            "duplicate_of": row["item_id"],
            "fetched_at": now,
        }
        for row in known_urls
    ]
    write_stage_output(pl.DataFrame(known_rows, schema=FETCH_SCHEMA, orient="row"), out_dir / "known_urls.parquet")
    plan = {
        "pages_discovered": len(unique),
        "batches": len(batches),
        "pages_planned": len(to_fetch),
        "pages_settled": settled,  # counted as skipped, so the run ledger can check the sum
        "pages_before_since": before_since,
        "pages_known_url": len(known_urls),
    }
    _write_json(out_dir / PLAN, plan)
    log.info("plan: %s", plan)
    return batches


def _listed_day(value: str | None) -> date | None:
    """The day a listing gives for a page (ISO 8601 or RFC 822), or None when it gives none readable."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None


def _round_robin(groups: list[list[dict[str, object]]]) -> Iterator[list[dict[str, object]]]:
    """One row from each host in turn: [a1, b1, a2, b2, a3]."""
    for depth in range(max((len(g) for g in groups), default=0)):
        yield [g[depth] for g in groups if depth < len(g)]


FETCH_CHUNK = 200  # pages fetched, archived and written at a time within one batch


def fetch_batch(
    batch_path: Path,
    config: SourcesConfig,
    fetcher: Fetcher,
    out_dir: Path,
    *,
    max_bytes: int = 5_000_000,
    known: KnownState | None = None,
    attempts: AttemptLog | None = None,
    workers: int = 4,
    archive_dir: Path | None = None,
) -> Path:
    """Fetch one batch of planned pages; write their fetch rows and attempts into out_dir and return out_dir."""
    known = known or KnownState()
    recorder = attempts or AttemptLog()
    if attempts is None:
        fetcher = RecordingFetcher(fetcher, recorder)
    sources = {s.name: s for s in config.sources}
    items = [_planned_item(r, sources) for r in pl.read_parquet(batch_path).iter_rows(named=True)]
    unchanged = written = 0
    # bodies are written out a chunk at a time: a batch grows past TRADEWIRE_FETCH_BATCH_SIZE on large runs
    with (
        ThreadPoolExecutor(max_workers=max(1, workers)) as pool,
        StageWriter(out_dir / "pages.parquet", FETCH_SCHEMA) as out,
    ):
        for start in range(0, len(items), FETCH_CHUNK):
            chunk = items[start : start + FETCH_CHUNK]
            results = list(pool.map(lambda it: _fetch_one(it, fetcher, max_bytes, known, recorder), chunk))
            rows = [r for r in results if r]
            _archive(archive_dir, rows)
            out.write(pl.DataFrame(rows, schema=FETCH_SCHEMA, orient="row"))
            unchanged += results.count(None)
            written += len(rows)
    # local files read again unchanged give no row; the run ledger counts them as skipped
    _write_json(out_dir / BATCH_SUMMARY, {"planned": len(items), "unchanged": unchanged})
    write_stage_output(_redacted_attempts(recorder.take()), out_dir / ATTEMPTS)
    log.info("fetch batch %s: %d items, %d rows -> %s", batch_path.name, len(items), written, out_dir)
    return out_dir


def _planned_item(row: dict[str, str | None], sources: dict[str, Source]) -> _Item:
    """A row of a batch file as an item; a source renamed since planning is a clear error, not a silent drop."""
    source = sources.get(str(row["source"]))
    if source is None:
        raise KeyError(f"source {row['source']!r} of planned item {row['item_id']} is not in the sources file")
    discovered = Discovered(row["url"], row["discovered_title"], row["discovered_published"]) if row["url"] else None
    return _Item(str(row["item_id"]), source, row["url"], row["path"], row["discovered_via"], discovered)


def _archive(archive_dir: Path | None, rows: list[dict[str, object]]) -> None:
    if archive_dir is None:
        return
    bodies = [row["body"] for row in rows if row["status"] == "fetched" and isinstance(row["body"], bytes)]
    with ThreadPoolExecutor(max_workers=2) as pool:  # zlib and SHA-256 let go of the GIL: two cores, not one
        list(pool.map(lambda body: archive.store(archive_dir, body), bodies))


def _combined_sources(discovery_dirs: Sequence[Path], plan_dir: Path, batch_dirs: Sequence[Path]) -> list[Path]:
    """The fetch Parquets a run combines: listings, then each batch's pages, then known URLs."""
    paths = [d / LISTINGS for d in discovery_dirs] + [d / "pages.parquet" for d in batch_dirs]
    return [p for p in [*paths, plan_dir / "known_urls.parquet"] if p.exists()]


def _without_body(path: Path) -> pl.DataFrame:
    """A fetch Parquet's rows with every column but the body, which is never read."""
    return pl.read_parquet(path, columns=[c for c in pl.read_parquet_schema(path) if c != "body"])


def _copy_rows(parts: Sequence[tuple[Path, list[int]]], schema: pl.Schema, out_path: Path) -> None:
    """Write the given rows (ascending row numbers) of each file, in that order, bodies included, batch by batch."""
    with StageWriter(out_path, schema) as writer:
        for path, rows in parts:
            start = 0
            for batch in iter_parquet(path):
                stop = start + batch.height
                wanted = rows[bisect.bisect_left(rows, start) : bisect.bisect_left(rows, stop)]
                if len(wanted) == batch.height:
                    writer.write(batch)
                elif wanted:
                    writer.write(batch.select(pl.all().gather([r - start for r in wanted])))
                start = stop


def combine_fetched(discovery_dirs: Sequence[Path], plan_dir: Path, batch_dirs: Sequence[Path], out_path: Path) -> Path:
    """One fetch Parquet for the run (listings, pages, known URLs); attempts and fetch_summary.json beside it.

    An item appears once: its first row, files with pages before the others. Which rows survive
    is decided on the files read without bodies; the bodies are then copied a batch at a time,
    so the run's bodies (gigabytes for a large run) are never all in memory.
    """
    sources = _combined_sources(discovery_dirs, plan_dir, batch_dirs)
    tagged = [
        _without_body(path).with_row_index("_row").with_columns(pl.lit(index, pl.UInt32).alias("_file"))
        for index, path in enumerate(sources)
    ]
    # a stable sort: files holding pages first, so a page row wins over a listing row of the same item
    order = sorted(range(len(sources)), key=lambda i: tagged[i].filter(pl.col("item_kind") == "page").height == 0)
    if order:
        kept = pl.concat([tagged[i] for i in order]).unique(subset="item_id", keep="first", maintain_order=True)
        rows = dict(kept.group_by("_file", maintain_order=True).agg("_row").iter_rows())
        schema = pl.Schema(pl.read_parquet_schema(sources[order[0]]))
        frame = kept.drop("_row", "_file")
    else:
        rows, schema, frame = {}, FETCH_SCHEMA, pl.DataFrame(schema=FETCH_SCHEMA).drop("body")
    _copy_rows([(sources[i], rows[i]) for i in order if i in rows], schema, out_path)
    attempt_frames = [pl.read_parquet(d / ATTEMPTS) for d in [*discovery_dirs, *batch_dirs] if (d / ATTEMPTS).exists()]
    attempts = pl.concat(attempt_frames) if attempt_frames else pl.DataFrame(schema=ATTEMPT_SCHEMA)
    # mapped tasks number their attempts alone (each reads robots.txt once): number them again for the run
    attempts = attempts.sort("item_id", "purpose", "started_at").with_columns(
        (pl.int_range(pl.len()).over("item_id", "purpose") + 1).cast(pl.Int32).alias("attempt")
    )
    write_stage_output(attempts, out_path.parent / ATTEMPTS)
    plan = json.loads((plan_dir / PLAN).read_text()) if (plan_dir / PLAN).exists() else {}
    unchanged = sum(
        int(json.loads((d / BATCH_SUMMARY).read_text()).get("unchanged", 0))
        for d in batch_dirs
        if (d / BATCH_SUMMARY).exists()
    )
    pages = frame.filter(pl.col("item_kind") == "page")
    outcomes = dict(sorted(frame.group_by("outcome").len().iter_rows()))
    discovered = int(plan.get("pages_discovered", pages.height))
    fetched = pages.filter(pl.col("status") == "fetched").height
    errors = pages.filter(pl.col("status") == "error").height
    summary = {
        "pages_discovered": discovered,
        "pages_fetched": fetched,
        "page_errors": errors,
        "already_known": max(0, discovered - fetched - errors),
        "pages_settled": int(plan.get("pages_settled", 0)),
        "pages_before_since": int(plan.get("pages_before_since", 0)),
        "pages_unchanged": unchanged,
        "outcomes": outcomes,
        "attempts": attempts.height,
    }
    _write_json(out_path.parent / "fetch_summary.json", summary)
    log.info("fetch: %s; %d rows -> %s", summary, frame.height, out_path)
    return out_path


def fetch_sources(
    config: SourcesConfig,
    fetcher: Fetcher,
    out_path: Path,
    max_bytes: int = 5_000_000,
    only: set[str] | None = None,
    workers: int = 4,
    known: KnownState | None = None,
    archive_dir: Path | None = None,
    attempts: AttemptLog | None = None,
    batch_size: int | None = None,
) -> Path:
    """The whole fetch stage in this process: discover, plan, fetch every batch, combine; returns out_path.

    Pages whose fate earlier runs settled (see `known`) are not fetched again. Beside the Parquet go
    attempts.parquet (one row per request) and fetch_summary.json (counts per outcome).
    """
    known = known or KnownState()
    recorder = attempts or AttemptLog()
    if attempts is None:
        fetcher = RecordingFetcher(fetcher, recorder)
    work = out_path.parent / "fetch"
    discovered = discover_sources(
        config, fetcher, work / "discover", only=only or None, max_bytes=max_bytes, known=known, attempts=recorder,
        archive_dir=archive_dir,
    )  # fmt: skip
    # one batch by default: in one process, batches would only add a tail wait each
    batches = plan_fetch([discovered], work / "plan", known, batch_size=batch_size or 1_000_000, max_batches=1_000_000)
    done = []
    for index, batch in enumerate(batches):
        out_dir = work / f"pages-{index:04d}"
        fetched = fetch_batch(
            batch, config, fetcher, out_dir, max_bytes=max_bytes, known=known, attempts=recorder,
            workers=workers, archive_dir=archive_dir,
        )  # fmt: skip
        done.append(fetched)
    return combine_fetched([discovered], work / "plan", done, out_path)
