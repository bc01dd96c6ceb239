"""Feed, sitemap and URL-list parsers under fuzzing: FeedError is the only way to refuse a document.

Properties: parse_feed raises nothing but FeedError, returns entries with non-empty string URLs that a
UTF-8 writer takes, well within the page limit; a well-formed sitemap gives exactly its entries, in
order; parse_url_list gives exactly one entry per URL line, whatever the bytes, and `limit` only cuts.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import require_shared
from tests.fuzz import tally
from tests.fuzz.checks import EXAMPLES, PAGE_TIMEOUT
from tests.fuzz.mutate import MUTATORS, seeded
from tests.fuzz.strategies import feed_documents, sitemaps, unicode_text
from tradewire.fetch.feeds import Discovered, FeedError, parse_feed, parse_url_list

KINDS = {"rss", "atom", "json", "sitemap_urlset", "sitemap_index"}


def parse_in_time(data: bytes, target: str = "feeds") -> list[Discovered] | None:
    """The entries, or None when the document is refused (with FeedError: anything else fails the test)."""
    started = time.monotonic()
    try:
        kind, entries = parse_feed(data)
    except FeedError:
        entries = None
    finally:
        tally.count(target)
    assert time.monotonic() - started < PAGE_TIMEOUT
    if entries is not None:
        assert kind in KINDS
        for entry in entries:
            assert isinstance(entry.url, str) and entry.url.strip(), entry
            for value in (entry.url, entry.title, entry.published):
                assert value is None or isinstance(value, str), entry
                (value or "").encode("utf-8")  # raises on a lone surrogate, which item ids and Parquet refuse
    return entries


@settings(max_examples=5 * EXAMPLES)
@given(data=st.one_of(feed_documents(), st.binary(max_size=4000), unicode_text.map(str.encode)))
def test_generated_feeds_and_noise(data: bytes) -> None:
    parse_in_time(data)


@settings(max_examples=3 * EXAMPLES)
@given(sitemap=sitemaps())
def test_well_formed_sitemaps_give_every_entry_in_order(sitemap: tuple[bytes, int]) -> None:
    data, count = sitemap
    entries = parse_in_time(data, "sitemaps")
    assert entries is not None and len(entries) == count
    assert entries == parse_feed(data, limit=count + 1)[1]
    limit = max(1, count // 2)
    assert parse_feed(data, limit=limit)[1] == entries[:limit]


def _url_lines(data: bytes) -> list[str]:
    """The oracle: what parse_url_list promises, written the obvious way."""
    lines = (line.strip() for line in data.decode("utf-8", errors="replace").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@settings(max_examples=5 * EXAMPLES)
@given(
    data=st.one_of(
        st.binary(max_size=4000),
        st.lists(st.one_of(unicode_text, st.sampled_from(["https://a.example/x", "# c", "", " \t", "\r"])))
        .map("\n".join)
        .map(lambda text: text.encode("utf-8")),
    ),
    limit=st.none() | st.integers(1, 20),
)
def test_url_lists_give_one_entry_per_url_line(data: bytes, limit: int | None) -> None:
    started = time.monotonic()
    entries = parse_url_list(data, limit=limit)
    tally.count("url lists")
    assert time.monotonic() - started < PAGE_TIMEOUT
    assert [e.url for e in entries] == _url_lines(data)[:limit]


def test_a_long_url_list_split_in_blocks_loses_no_line() -> None:
    """Lines of every kind across the 64 KiB blocks parse_url_list reads: \\r\\n pairs, \\r, U+2028, comments."""
    rng = seeded(64)
    separators = ["\n", "\r\n", "\r", "\u2028", "\x1c", "\n\n", "\x85"]
    parts = []
    for n in range(20_000):
        parts.append(rng.choice([f"https://site.example/{n}", f"  # note {n}", "", f"\thttps://x.example/{n}?a=1  "]))
        parts.append(rng.choice(separators))
    data = "".join(parts).encode("utf-8")
    assert len(data) > 4 * 65536
    tally.count("url lists")
    assert [e.url for e in parse_url_list(data)] == _url_lines(data)


def test_a_sitemap_over_a_megabyte_read_in_part_gives_the_same_first_entries() -> None:
    locs = "".join(
        f"<url><loc>https://big.example/{n}</loc><lastmod>2025-11-{n % 28 + 1:02d}</lastmod></url>"
        for n in range(20_000)
    )
    data = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'.encode()
    assert len(data) > 1 << 20
    everything = parse_in_time(data, "sitemaps")
    assert everything is not None and len(everything) == 20_000
    for limit in (1, 500, 19_999):
        assert parse_feed(data, limit=limit)[1] == everything[:limit]


HOSTILE = {
    "undeclared-prefix": b"<rss><channel><item><link>https://a.example/1</link><dc:date>2025-01-02</dc:date>"
    b"</item></channel></rss>",
    "undeclared-root-prefix": b"<x:y><entry><link href='https://a.example/'/></entry></x:y>",
    "surrogate-reference-in-text": b"<rss><channel><item><link>https://a.example/2</link><title>a&#xD800;b</title>"
    b"</item></channel></rss>",
    "surrogate-reference-in-attribute": b"<feed><entry><link href='https://a.example/&#xDFFF;'/><title>t</title>"
    b"</entry><entry><link href='https://a.example/3'/></entry></feed>",
    "surrogate-reference-in-sitemap": b"<urlset><url><loc>https://a.example/4</loc><lastmod>&#xD800;</lastmod>"
    b"</url></urlset>",
    "json-int-over-4300-digits": b'{"version": "https://jsonfeed.org/version/1.1", "n": ' + b"9" * 5000 + b"}",
    "json-escaped-surrogates": b'{"version": "https://jsonfeed.org/version/1.1", "items": '
    b'[{"url": "https://a.example/\\ud800", "title": "\\udfff"}]}',
    "json-nested-100k": b'{"version": "https://jsonfeed.org/version/1", "items": ' + b"[" * 100_000 + b"}",
    "deep-xml-10k": b"<rss><channel>" + b"<item>" * 10_000 + b"<link>https://a.example/5</link>",
    "nul-and-controls": b"<rss>\x00<channel><item><link>https://a.example/6\x01</link></item></channel></rss>",
    "html-served-as-feed": b"<!DOCTYPE html><html><body><a href='https://a.example/'>x</a></body></html>",
}
EXPECTED = {  # what must still be read from these (None: refused with FeedError, or nothing found)
    "undeclared-prefix": ["https://a.example/1"],
    "surrogate-reference-in-text": ["https://a.example/2"],
    "surrogate-reference-in-attribute": ["https://a.example/3"],
    "surrogate-reference-in-sitemap": ["https://a.example/4"],
    "json-escaped-surrogates": ["https://a.example/\ufffd"],
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_documents(name: str) -> None:
    entries = parse_in_time(HOSTILE[name])
    if name in EXPECTED:
        assert entries is not None and [e.url for e in entries] == EXPECTED[name]


def test_mutated_real_feeds() -> None:
    """The real feeds under ../shared/eval/feeds, each mutated (seeded) several times."""
    root = require_shared("eval", "feeds")
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != "LICENSE")
    rng = seeded(2005)
    tried = 0
    for path in files:
        for _ in range(max(2, EXAMPLES // 15)):
            data = path.read_bytes()
            for mutator in rng.sample(sorted(MUTATORS), rng.randint(1, 3)):
                data = MUTATORS[mutator](data, rng)
            parse_in_time(data)
            tried += 1
    assert tried >= 2 * len(files) >= 40


def test_url_list_from_mutated_real_feed_bytes() -> None:
    """Feed files read as URL lists (a misconfigured source): one entry per non-comment line, nothing raised."""
    root = require_shared("eval", "feeds")
    for path in sorted(Path(root).rglob("*.xml"))[:10]:
        data = path.read_bytes()
        tally.count("url lists")
        assert [e.url for e in parse_url_list(data)] == _url_lines(data)
