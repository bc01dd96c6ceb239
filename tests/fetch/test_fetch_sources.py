"""The fetch stage end to end: the bundled sample through the mirror and through real HTTP on 127.0.0.1."""

from __future__ import annotations

import gzip
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from tradewire.fetch.http import HttpFetcher, MirrorFetcher
from tradewire.fetch.run import FETCH_SCHEMA, fetch_sources, make_fetcher
from tradewire.settings import Settings
from tradewire.sources import SourcesConfig, load_sources

from .loopback import Loopback, page, redirect, site_responder

REPO = Path(__file__).resolve().parents[2]
SAMPLE_YAML = REPO / "include" / "sources" / "sample.yaml"
SAMPLE = REPO / "include" / "sample"
SITE = SAMPLE / "site"
LOCAL = ("127.0.0.1",)
HOST_URL = re.compile(rb"https://([A-Za-z0-9.-]+\.example)")


def http_fetcher(timeout: float = 10.0) -> HttpFetcher:
    return HttpFetcher(user_agent="tradewire-tests/1", timeout=timeout, allow_hosts=LOCAL)


def run(config: SourcesConfig, fetcher: Any, out: Path, **kwargs: Any) -> pl.DataFrame:
    """The pages and the failures of a fetch run (feeds read successfully are rows too; see test_feed_rows)."""
    assert fetch_sources(config, fetcher, out, **kwargs) == out
    frame = pl.read_parquet(out)
    assert frame.schema == FETCH_SCHEMA
    return frame.filter((pl.col("item_kind") == "page") | (pl.col("status") == "error"))


def test_feed_rows_carry_validators_for_the_next_run(tmp_path: Path) -> None:
    config = load_sources(SAMPLE_YAML)
    out = tmp_path / "fetch.parquet"
    fetch_sources(config, MirrorFetcher(config.mirror), out)  # type: ignore[arg-type]
    feeds = pl.read_parquet(out).filter(pl.col("item_kind") == "feed")
    assert set(feeds["status"]) == {"fetched"} and set(feeds["outcome"]) == {"ok"}
    # RSS, sitemap index, news sitemap, WordPress RSS, Atom, and the URL list saved on disk
    assert feeds.height == 6
    assert feeds["content_hash"].null_count() == 0
    listed_file = feeds.filter(pl.col("url").is_null())
    assert listed_file["source"].to_list() == ["editor-picks"]
    assert listed_file["path"].to_list()[0].endswith("editor-picks.txt")


def write_sources(folder: Path, sources: list[dict[str, Any]], name: str = "sources.yaml") -> SourcesConfig:
    path = folder / name
    path.write_text(yaml.safe_dump({"sources": sources}, sort_keys=False), encoding="utf-8")
    return load_sources(path)


# -- the manifests: what the sample promises --------------------------------------------------------------
def manifests() -> list[dict[str, Any]]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((SAMPLE / "manifest").glob("*.yaml"))]


def listing_texts() -> list[tuple[str, str]]:
    """(kind, text) of every feed, sitemap and URL list the sample names (manifests and sources file)."""
    texts = [
        ("xml", (SAMPLE / feed["file"]).read_text(encoding="utf-8"))
        for manifest in manifests()
        for feed in manifest.get("feeds", [])
    ]
    for source in load_sources(SAMPLE_YAML).sources:
        if source.kind == "urls" and source.path is not None:
            texts.append(("urls", source.path.read_text(encoding="utf-8")))
    return texts


def is_listed(url: str, texts: list[tuple[str, str]]) -> bool:
    """Listed as an entry (<item>, <entry>, <url>) of a feed, or as a line of a URL list (not as a channel link)."""
    for kind, text in texts:
        if kind == "urls":
            if url in (line.strip() for line in text.splitlines()):
                return True
            continue
        for block in re.finditer(r"<(item|entry|url)\b.*?</\1>", text, re.S):
            if f">{url}<" in block.group(0) or f'"{url}"' in block.group(0):
                return True
    return False


def expected_pages() -> tuple[set[str], set[str]]:
    """Manifest page URLs that some listing names, and the file names of the manifest's dumps."""
    texts = listing_texts()
    urls, dumps = set(), set()
    for manifest in manifests():
        for entry in manifest.get("pages", []):
            if entry.get("url"):
                if is_listed(entry["url"], texts):
                    urls.add(entry["url"])
            elif entry["file"].startswith("dumps/"):
                dumps.add(Path(entry["file"]).name)
    return urls, dumps


@pytest.fixture(scope="module")
def sample_config() -> SourcesConfig:
    return load_sources(SAMPLE_YAML)


@pytest.fixture(scope="module")
def mirror_run(sample_config: SourcesConfig, tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    fetcher = make_fetcher(Settings.from_env(), sample_config)
    assert isinstance(fetcher, MirrorFetcher)
    return run(sample_config, fetcher, tmp_path_factory.mktemp("mirror") / "fetch.parquet")


# -- (a) the bundled sample through the mirror ------------------------------------------------------------
def test_manifests_are_consistent_with_the_listings() -> None:
    urls, dumps = expected_pages()
    assert len(urls) >= 30 and len(dumps) == 4
    assert all((SITE.parent / e["file"]).is_file() for m in manifests() for e in m.get("pages", []))


def test_mirror_run_matches_the_manifests(mirror_run: pl.DataFrame) -> None:
    urls, dumps = expected_pages()
    pages = mirror_run.filter(pl.col("item_kind") == "page")
    assert pages.height == mirror_run.height, mirror_run.filter(pl.col("item_kind") != "page")
    bad = mirror_run.filter(pl.col("status") != "fetched").select("source", "url", "path", "reason")
    assert bad.height == 0, bad

    remote = pages.filter(pl.col("url").is_not_null())
    url_counts = Counter(remote["url"].to_list())
    assert set(url_counts) == urls
    assert all(count == 1 for count in url_counts.values()), url_counts.most_common(3)

    local = pages.filter(pl.col("url").is_null())
    file_counts = Counter(Path(p).name for p in local["path"].to_list())
    assert set(file_counts) == dumps and all(count == 1 for count in file_counts.values())

    assert pages.height == len(urls) + len(dumps)
    assert pages["body"].null_count() == 0 and (pages["body"].bin.size() > 0).all()
    assert set(remote["http_status"].to_list()) == {200}


def test_mirror_run_rows_carry_source_and_discovery(mirror_run: pl.DataFrame, sample_config: SourcesConfig) -> None:
    sources = {s.name: s for s in sample_config.sources}
    assert set(mirror_run["source"].to_list()) == set(sources)
    for row in mirror_run.iter_rows(named=True):
        assert row["source_kind"] == sources[row["source"]].kind
        assert row["discovered_via"]
        assert row["fetched_at"] is not None
    feeds = mirror_run.filter(pl.col("source") == "meridian-post-trade")
    assert feeds["discovered_title"].null_count() == 0 and feeds["discovered_published"].null_count() == 0
    wire = mirror_run.filter(pl.col("source") == "continental-wire")
    assert set(wire["discovered_via"].to_list()) == {"https://www.continentalwire.example/sitemap-news.xml"}


def test_item_ids_are_unique_and_stable(mirror_run: pl.DataFrame, sample_config: SourcesConfig, tmp_path: Path) -> None:
    assert mirror_run["item_id"].n_unique() == mirror_run.height
    assert all(re.fullmatch(r"[0-9a-f]{16}", i) for i in mirror_run["item_id"].to_list())
    again = run(sample_config, make_fetcher(Settings.from_env(), sample_config), tmp_path / "again.parquet")

    def ids(frame: pl.DataFrame) -> dict[str, str]:
        return {(r["url"] or r["path"]): r["item_id"] for r in frame.iter_rows(named=True)}

    assert ids(again) == ids(mirror_run)


def test_only_selects_sources(sample_config: SourcesConfig, tmp_path: Path) -> None:
    frame = run(
        sample_config,
        make_fetcher(Settings.from_env(), sample_config),
        tmp_path / "only.parquet",
        only={"wirtschaftskurier", "saved-dumps"},
    )
    assert Counter(frame["source"].to_list()) == {"wirtschaftskurier": 3, "saved-dumps": 4}


# -- (b) the same sample over real HTTP ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_server() -> Iterator[Loopback]:
    with Loopback() as server:
        prefix = f"http://127.0.0.1:{server.port}/".encode()
        server.fallback = site_responder(SITE, lambda body: HOST_URL.sub(prefix + rb"\1", body))
        yield server


def http_sources(server: Loopback, folder: Path) -> SourcesConfig:
    """The bundled sources file without its mirror, every https://<host> turned into the loopback server."""
    raw = yaml.safe_load(SAMPLE_YAML.read_text(encoding="utf-8"))
    prefix = f"http://127.0.0.1:{server.port}/".encode()
    sources = []
    for entry in raw["sources"]:
        entry = dict(entry)
        if "url" in entry:
            entry["url"] = HOST_URL.sub(prefix + rb"\1", entry["url"].encode()).decode()
            assert entry["url"].startswith(server.base)
        elif entry["kind"] == "urls":
            listing = folder / Path(entry["path"]).name
            listing.write_bytes(HOST_URL.sub(prefix + rb"\1", (SAMPLE_YAML.parent / entry["path"]).read_bytes()))
            entry["path"] = str(listing)
        else:
            entry["path"] = str((SAMPLE_YAML.parent / entry["path"]).resolve())
        sources.append(entry)
    config = write_sources(folder, sources)
    assert config.mirror is None
    return config


def site_key(url: str, port: int | None = None) -> str:
    """'host/path' for https://host/path (mirror) and http://127.0.0.1:port/host/path (loopback)."""
    if port is not None:
        prefix = f"http://127.0.0.1:{port}/"
        assert url.startswith(prefix), url
        return url[len(prefix) :]
    return url.removeprefix("https://")


def test_http_run_matches_the_mirror_run(mirror_run: pl.DataFrame, sample_server: Loopback, tmp_path: Path) -> None:
    config = http_sources(sample_server, tmp_path)
    fetcher = http_fetcher()
    try:
        frame = run(config, fetcher, tmp_path / "http.parquet")
    finally:
        fetcher.close()

    bad = frame.filter(pl.col("status") != "fetched").select("source", "url", "reason")
    assert bad.height == 0, bad

    def per_source(f: pl.DataFrame) -> dict[str, int]:
        fetched = f.filter((pl.col("item_kind") == "page") & (pl.col("status") == "fetched"))
        return dict(Counter(fetched["source"].to_list()))

    assert per_source(frame) == per_source(mirror_run)

    mirror_bodies = {site_key(r["url"]): r["body"] for r in mirror_run.iter_rows(named=True) if r["url"]}
    http_bodies = {site_key(r["url"], sample_server.port): r["body"] for r in frame.iter_rows(named=True) if r["url"]}
    assert http_bodies.keys() == mirror_bodies.keys()
    for key in (
        "www.wirtschaftskurier.example/politik/ausland/merz-reist-nach-peking-china-besuch-a-2250419.html",
        "www.meridianpost.example/business/trade/",
        "www.continentalwire.example/world/asia/placeholder-2025-10-02.html",
        "agritradedaily.example/2025/06/12/brazil-overtakes-us-china-new-crop-soybean-bookings.html",
    ):
        assert http_bodies[key] == mirror_bodies[key], key
    assert http_bodies == mirror_bodies  # in fact every page is byte-identical

    pages = frame.filter(pl.col("url").is_not_null())
    assert set(pages["http_status"].to_list()) == {200}
    assert pages["content_type"].str.starts_with("text/html").all()
    # every feed was read once, every page once: nothing fetched twice, nothing else asked for
    feed_requests = [p for p in sample_server.requests if p.endswith(".xml")]
    assert len(feed_requests) == len(set(feed_requests))


# -- (c) max_items and (d) a broken source ------------------------------------------------------------------
def rss(urls: list[str]) -> bytes:
    items = "".join(f"<item><title>Story {i}</title><link>{u}</link></item>" for i, u in enumerate(urls))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


@pytest.fixture
def server() -> Iterator[Loopback]:
    with Loopback(fallback=page(b"<html><body><p>story</p></body></html>")) as lb:
        yield lb


def test_max_items_caps_a_long_feed(server: Loopback, tmp_path: Path) -> None:
    urls = [server.url(f"/story/{i}.html") for i in range(100)]
    server.routes["/feed.xml"] = page(rss(urls), "application/rss+xml")
    config = write_sources(tmp_path, [{"name": "long", "kind": "rss", "url": server.url("/feed.xml"), "max_items": 5}])
    frame = run(config, http_fetcher(), tmp_path / "out.parquet")
    pages = frame.filter(pl.col("item_kind") == "page")
    assert pages.height == 5
    assert pages["url"].to_list() == urls[:5]
    assert (pages["status"] == "fetched").all()
    assert sum(server.hits(f"/story/{i}.html") for i in range(100)) == 5


def test_max_items_caps_a_sitemap_index(server: Loopback, tmp_path: Path) -> None:
    def urlset(start: int) -> bytes:
        locs = "".join(f"<url><loc>{server.url(f'/s/{i}.html')}</loc></url>" for i in range(start, start + 4))
        return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'.encode()

    children = "".join(f"<sitemap><loc>{server.url(f'/sitemap-{n}.xml')}</loc></sitemap>" for n in range(3))
    server.routes["/sitemap.xml"] = page(f"<sitemapindex>{children}</sitemapindex>".encode(), "application/xml")
    for n in range(3):
        server.routes[f"/sitemap-{n}.xml"] = page(urlset(n * 4), "application/xml")
    config = write_sources(
        tmp_path, [{"name": "idx", "kind": "sitemap", "url": server.url("/sitemap.xml"), "max_items": 6}]
    )
    frame = run(config, http_fetcher(), tmp_path / "out.parquet")
    assert frame["url"].to_list() == [server.url(f"/s/{i}.html") for i in range(6)]
    assert server.hits("/sitemap-2.xml") == 0  # enough items after two child sitemaps


def test_broken_feed_is_one_error_row_and_others_come_through(server: Loopback, tmp_path: Path) -> None:
    server.routes["/broken/feed.xml"] = page(b"internal error", "text/plain", status=500)
    good = [server.url(f"/good/{i}.html") for i in range(3)]
    server.routes["/good/feed.xml"] = page(rss(good), "application/rss+xml")
    server.routes["/good/1.html"] = page(b"", "text/html", status=404)  # one missing page: an error row too
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    (dumps / "a.txt").write_text("a saved story", encoding="utf-8")
    (dumps / "b.html.gz").write_bytes(gzip.compress(b"<p>zipped story</p>"))
    (dumps / "notes.pdf").write_bytes(b"%PDF")
    config = write_sources(
        tmp_path,
        [
            {"name": "broken", "kind": "rss", "url": server.url("/broken/feed.xml")},
            {"name": "good", "kind": "rss", "url": server.url("/good/feed.xml")},
            {"name": "dumps", "kind": "local", "path": str(dumps)},
        ],
    )
    frame = run(config, http_fetcher(), tmp_path / "out.parquet")

    broken = frame.filter(pl.col("source") == "broken")
    assert broken.height == 1
    row = broken.row(0, named=True)
    assert (row["item_kind"], row["status"], row["url"]) == ("feed", "error", server.url("/broken/feed.xml"))
    assert row["reason"] and "500" in row["reason"]

    good_rows = {r["url"]: r for r in frame.filter(pl.col("source") == "good").iter_rows(named=True)}
    assert set(good_rows) == set(good)
    assert [good_rows[u]["status"] for u in good] == ["fetched", "error", "fetched"]
    assert good_rows[good[1]]["http_status"] == 404 and "404" in good_rows[good[1]]["reason"]
    assert good_rows[good[0]]["body"] == b"<html><body><p>story</p></body></html>"

    local = {Path(r["path"]).name: r for r in frame.filter(pl.col("source") == "dumps").iter_rows(named=True)}
    assert set(local) == {"a.txt", "b.html.gz"}
    assert local["b.html.gz"]["body"] == b"<p>zipped story</p>"
    assert local["a.txt"]["content_type"] == "text/plain"


def test_unreachable_and_refused_sources_are_error_rows(server: Loopback, tmp_path: Path) -> None:
    server.routes["/feed.xml"] = page(rss([server.url("/ok.html"), "ftp://files.example/a.html"]), "application/xml")
    server.routes["/html-not-feed.xml"] = page(b"<html><body>nope</body></html>")
    config = write_sources(
        tmp_path,
        [
            {"name": "ok", "kind": "rss", "url": server.url("/feed.xml")},
            {"name": "not-a-feed", "kind": "rss", "url": server.url("/html-not-feed.xml")},
            {"name": "metadata", "kind": "rss", "url": "http://169.254.169.254/latest/feed.xml"},
        ],
    )
    frame = run(config, http_fetcher(), tmp_path / "out.parquet")
    by_source = {s: frame.filter(pl.col("source") == s) for s in ("ok", "not-a-feed", "metadata")}
    assert by_source["ok"].filter(pl.col("status") == "fetched")["url"].to_list() == [server.url("/ok.html")]
    assert "not http(s)" in by_source["ok"].filter(pl.col("status") == "error")["reason"][0]
    assert by_source["not-a-feed"]["reason"][0].startswith("discovery failed")
    assert "non-public" in by_source["metadata"]["reason"][0]


# -- gzipped sitemaps: the mirror reads them, HTTP should too -------------------------------------------------
def gz_sitemap_site(root: Path, base: str) -> None:
    host = root / "gz.example"
    host.mkdir(parents=True)
    (host / "sitemap.xml").write_text(
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/sitemap-1.xml.gz</loc></sitemap></sitemapindex>",
        encoding="utf-8",
    )
    locs = "".join(f"<url><loc>{base}/a/{i}.html</loc></url>" for i in range(3))
    (host / "sitemap-1.xml.gz").write_bytes(
        gzip.compress(f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'.encode())
    )
    (host / "a").mkdir()
    for i in range(3):
        (host / "a" / f"{i}.html").write_bytes(f"<p>{i}</p>".encode())


def test_gzipped_child_sitemap_through_the_mirror(tmp_path: Path) -> None:
    gz_sitemap_site(tmp_path / "site", "https://gz.example")
    config = write_sources(tmp_path, [{"name": "gz", "kind": "sitemap", "url": "https://gz.example/sitemap.xml"}])
    frame = run(config, MirrorFetcher(tmp_path / "site"), tmp_path / "out.parquet")
    assert frame.filter(pl.col("status") == "fetched").height == 3


def test_gzipped_child_sitemap_over_http(server: Loopback, tmp_path: Path) -> None:
    gz_sitemap_site(tmp_path / "site", f"{server.base}/gz.example")

    def serve(h):  # type: ignore[no-untyped-def]
        body = (tmp_path / "site" / h.path.lstrip("/")).read_bytes()
        ctype = "application/x-gzip" if h.path.endswith(".gz") else "application/xml"
        page(body, ctype)(h)

    for path in ("/gz.example/sitemap.xml", "/gz.example/sitemap-1.xml.gz"):
        server.routes[path] = serve
    config = write_sources(tmp_path, [{"name": "gz", "kind": "sitemap", "url": server.url("/gz.example/sitemap.xml")}])
    frame = run(config, http_fetcher(), tmp_path / "out.parquet")
    errors = frame.filter(pl.col("status") == "error")
    assert errors.height == 0, errors.select("url", "reason").rows()
    assert frame.filter(pl.col("status") == "fetched").height == 3


# -- one malformed URL must not sink the whole run -----------------------------------------------------------
@pytest.mark.parametrize("bad", ["https://10.0.0.1:99999/x.html", "http://[::1/x.html"])
def test_malformed_listed_url_is_an_error_row(server: Loopback, tmp_path: Path, bad: str) -> None:
    good = [server.url("/a.html"), server.url("/b.html")]
    server.routes["/feed.xml"] = page(rss([good[0], bad, good[1]]), "application/xml")
    config = write_sources(tmp_path, [{"name": "feed", "kind": "rss", "url": server.url("/feed.xml")}])
    frame = run(config, http_fetcher(), tmp_path / "out.parquet")
    assert frame.filter(pl.col("status") == "fetched")["url"].to_list() == good
    assert frame.filter(pl.col("status") == "error").height == 1


def test_page_redirecting_to_malformed_url_is_an_error_row(server: Loopback, tmp_path: Path) -> None:
    server.routes["/feed.xml"] = page(rss([server.url("/a.html"), server.url("/evil.html")]), "application/xml")
    server.routes["/evil.html"] = redirect("http://10.0.0.1:99999/")
    config = write_sources(tmp_path, [{"name": "feed", "kind": "rss", "url": server.url("/feed.xml")}])
    frame = run(config, http_fetcher(), tmp_path / "out.parquet")
    assert frame.filter(pl.col("status") == "fetched")["url"].to_list() == [server.url("/a.html")]
    assert frame.filter(pl.col("status") == "error")["url"].to_list() == [server.url("/evil.html")]
