"""The bugs the fuzzing found, each as the smallest input that showed it (all raised or hung before the fix)."""

from __future__ import annotations

import time

import pytest

from tradewire.clean.html import decode_html
from tradewire.clean.run import clean_document
from tradewire.enrich.amounts import find_amounts
from tradewire.enrich.countries import find_countries
from tradewire.enrich.quotes import find_quotes
from tradewire.enrich.run import warm_up
from tradewire.fetch.feeds import Discovered, FeedError, parse_feed

BODY = "".join(
    f"<p>Officials said the tariff talks on steel would resume next week in Geneva, {n}.</p>" for n in range(12)
)
GERMAN = "„Zölle“ – Exporteure in Baden-Württemberg fürchten höhere Kosten für Maschinen, sagte der Verband. " * 6


def _page(head: str = "", h1: str = "Steel talks to resume", body: str = BODY) -> str:
    return (
        f"<html><head><title>Steel talks to resume</title><meta property='og:type' content='article'>{head}</head>"
        f"<body><article><h1>{h1}</h1>{body}</article></body></html>"
    )


# -- the cleaner -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "h1",
    ["Steel\x1ftalks", "Steel&#x1f;talks", "Steel&#27;talks", "Steel\x0btalks\x0c", "Steel&#xFFFE;talks", "\x00"],
    ids=["raw-unit-separator", "reference-to-unit-separator", "reference-to-escape", "raw-vt-ff", "fffe", "nul"],
)
def test_control_characters_do_not_fail_the_page(h1: str) -> None:
    """trafilatura wrote these back into the tree and lxml raised "All strings must be XML compatible"."""
    record = clean_document(_page(h1=h1).encode(), item_id="x", content_type="text/html")
    assert record["page_type"] == "article" and "Geneva, 11." in record["text"]


def test_json_ld_nested_deeper_than_the_decoder_recursion_limit_is_ignored() -> None:
    """json.loads raised RecursionError, which the JSON-LD reader did not catch: the page failed."""
    head = '<script type="application/ld+json">' + "[" * 100_000 + "</script>"
    record = clean_document(_page(head).encode(), item_id="x", content_type="text/html")
    assert record["page_type"] == "article" and record["title"] == "Steel talks to resume"


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-16", "text/html; charset=iso-8859-1"])
def test_a_byte_order_mark_outranks_the_header(content_type: str) -> None:
    """A UTF-8 BOM page served as utf-16 decoded, without error, into CJK noise: the article was lost."""
    for pad in ("", " "):  # both parities: an odd length happened to fail UTF-16 and fall through
        data = b"\xef\xbb\xbf" + _page(body=f"<p>{GERMAN}</p>{pad}").encode()
        assert GERMAN in decode_html(data, content_type)


def test_a_meta_charset_of_utf16_is_read_as_utf8() -> None:
    """As browsers do: markup readable as ASCII is not UTF-16, whatever its meta says."""
    for pad in ("", " "):
        data = _page("<meta charset='utf-16'>", body=f"<p>{GERMAN}</p>{pad}").encode()
        assert GERMAN in decode_html(data, "text/html")


# -- enrichment ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def _matchers_built() -> None:
    warm_up()  # building the dictionaries takes seconds: not part of what is timed


def _timed(call: object, *args: object) -> float:
    started = time.monotonic()
    call(*args)  # type: ignore[operator]
    return time.monotonic() - started


@pytest.mark.parametrize(
    "run", ["A" * 40_000, "X" * 40_000, "AB-" * 13_000 + " CHINA TRADE", "A." * 20_000 + " US CHINA"]
)
@pytest.mark.usefixtures("_matchers_built")
def test_a_long_run_of_capitals_is_read_in_linear_time(run: str) -> None:
    """Two capitals patterns rescanned the run from each of its letters: 30 s for 40,000 capitals."""
    assert _timed(find_countries, None, run) < 2.0


@pytest.mark.usefixtures("_matchers_built")
def test_many_yen_amounts_in_one_sentence_are_linear() -> None:
    """Each "¥" searched its whole sentence for "yuan": 40 s for 13,000 amounts in a 40,000-character sentence."""
    assert _timed(find_amounts, "¥1 " * 13_000) < 2.0
    [amount] = find_amounts("Exports rose to ¥5 billion, the yuan figures showed.")
    assert amount.currency == "CNY"  # still read as yuan where the sentence says so


def test_quote_attribution_still_finds_the_speaker_after_a_long_lead() -> None:
    """The boundary before a speech verb is looked for near the verb first: the same speaker as before."""
    text = "x, " * 300 + 'Commerce Secretary Howard Lutnick said "we will not back down" on Monday.'
    [quote] = find_quotes(text, [])
    assert quote.speaker == "Commerce Secretary Howard Lutnick" and quote.text == "we will not back down"


# -- feeds --------------------------------------------------------------------------------------------------------
def test_an_undeclared_namespace_prefix_is_read_by_its_local_name() -> None:
    """etree.QName raised ValueError on "dc:date" without xmlns:dc: not a FeedError, so discovery crashed."""
    data = b"<rss><channel><item><link>https://a.example/1</link><dc:date>2025-01-02</dc:date></item></channel></rss>"
    assert parse_feed(data) == ("rss", [Discovered("https://a.example/1", None, "2025-01-02")])
    with pytest.raises(FeedError, match="unknown document type"):
        parse_feed(b"<x:y><entry><link href='https://a.example/'/></entry></x:y>")


@pytest.mark.parametrize(
    ("data", "urls"),
    [
        (b"<rss><channel><item><link>https://a.example/1</link><title>a&#xD800;b</title></item></channel></rss>",
         ["https://a.example/1"]),
        (b"<feed><entry><link href='https://a.example/&#xDFFF;'/></entry><entry><link href='https://a.example/2'/>"
         b"</entry></feed>", ["https://a.example/2"]),
        (b"<urlset><url><loc>https://a.example/3</loc><lastmod>&#xD800;</lastmod></url></urlset>",
         ["https://a.example/3"]),
        (b"<rss><channel><item xmlns='urn:x&#xD800;'><link>https://a.example/4</link></item><item>"
         b"<link>https://a.example/5</link></item></channel></rss>", ["https://a.example/5"]),
    ],
    ids=["text", "attribute", "sitemap", "namespace"],
)  # fmt: skip
def test_surrogate_references_are_skipped_not_raised(data: bytes, urls: list[str]) -> None:
    """Recovery keeps &#xD800; as bytes that are not UTF-8: reading text, attribute or tag raised UnicodeDecodeError."""
    assert [e.url for e in parse_feed(data)[1]] == urls


def test_json_feed_oddities_are_refused_or_repaired() -> None:
    with pytest.raises(FeedError, match="not JSON"):  # a 5,000-digit number: ValueError, not JSONDecodeError
        parse_feed(b'{"version": "https://jsonfeed.org/version/1.1", "n": ' + b"9" * 5000 + b"}")
    data = b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"url": "https://a.example/\\ud800", '
    data += b'"title": "\\udfff"}]}'
    [entry] = parse_feed(data)[1]  # escaped lone surrogates: no UTF-8 writer takes them (item ids, Parquet)
    assert entry == Discovered("https://a.example/\ufffd", "\ufffd", None)
    entry.url.encode("utf-8")


def test_atom_link_hrefs_are_stripped_and_blank_ones_skipped() -> None:
    """An href of " " was listed as an entry; " https://..." was listed unstripped, so discovery never fetched it."""
    data = (
        b"<feed><entry><link href=' ' rel='alternate'/></entry>"
        b"<entry><link href='\n https://a.example/1 '/></entry>"
        b"<entry><link href=' '/><link href='https://a.example/2'/></entry></feed>"
    )
    assert [e.url for e in parse_feed(data)[1]] == ["https://a.example/1", "https://a.example/2"]
