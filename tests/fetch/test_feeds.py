"""Feed, sitemap and URL-list discovery, including hostile XML and the real feeds under ../shared/eval/feeds."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import pytest

from tradewire.fetch.feeds import Discovered, FeedError, parse_feed, parse_url_list

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
EVAL_FEEDS = SHARED / "eval" / "feeds"

RSS2 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Channel</title>
    <link>https://news.example/</link>
    <item>
      <title>  First story  </title>
      <link>https://news.example/a.html</link>
      <pubDate>Thu, 06 Nov 2025 10:00:00 -0500</pubDate>
    </item>
    <!-- a comment between items -->
    <item>
      <title>Guid only</title>
      <guid>https://news.example/b.html</guid>
      <dc:date>2025-11-05T08:00:00Z</dc:date>
    </item>
    <item>
      <title>Not a permalink: skipped</title>
      <guid isPermaLink="false">post-51640</guid>
    </item>
    <item><title>No link at all: skipped</title></item>
  </channel>
</rss>"""

RSS1 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://news.example/">
    <title>RDF channel</title>
    <link>https://news.example/</link>
    <items><rdf:Seq><rdf:li resource="https://news.example/1"/><rdf:li resource="https://news.example/2"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://news.example/1">
    <title>One</title>
    <link>https://news.example/1</link>
    <dc:date>2025-01-02T03:04:05Z</dc:date>
  </item>
  <item rdf:about="https://news.example/2">
    <title>Two</title>
    <link>https://news.example/2</link>
  </item>
</rdf:RDF>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom</title>
  <link rel="self" href="https://atom.example/atom.xml"/>
  <link href="https://atom.example/"/>
  <entry>
    <title>Zölle und Märkte</title>
    <link rel="self" href="https://atom.example/entries/1.atom"/>
    <link rel="alternate" type="text/html" href="https://atom.example/artikel-1.html"/>
    <published>2025-11-18T06:00:00+01:00</published>
    <updated>2025-11-18T08:30:00+01:00</updated>
  </entry>
  <entry>
    <title>Default rel is alternate</title>
    <link href="https://atom.example/artikel-2.html"/>
    <updated>2025-10-10T16:40:00+02:00</updated>
  </entry>
  <entry>
    <title>Only an enclosure: skipped</title>
    <link rel="enclosure" href="https://atom.example/a.mp3"/>
  </entry>
</feed>""".encode()

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc> https://site.example/a.html </loc><lastmod>2025-06-01</lastmod></url>
  <url><loc>https://site.example/b.html</loc></url>
  <url><lastmod>2025-06-02</lastmod></url>
</urlset>"""

SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://site.example/sitemap-1.xml</loc><lastmod>2025-11-18T12:05:00+01:00</lastmod></sitemap>
  <sitemap><loc>https://site.example/sitemap-2.xml.gz</loc></sitemap>
</sitemapindex>"""

NEWS_NS = (
    'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" '
    'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"'
)
NEWS_SITEMAP = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset {NEWS_NS}>
  <url>
    <loc>https://wire.example/world/story-1.html</loc>
    <news:news>
      <news:publication><news:name>Wire</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2025-11-06T09:15:00+01:00</news:publication_date>
      <news:title>Rotterdam braces for congestion</news:title>
    </news:news>
    <image:image><image:loc>https://wire.example/img/1.jpg</image:loc></image:image>
  </url>
  <url>
    <loc>https://wire.example/world/story-2.html</loc>
    <news:news>
      <news:publication><news:name>Wire</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2025-10-23</news:publication_date>
      <news:title>EU adopts sanctions package</news:title>
    </news:news>
  </url>
</urlset>""".encode()

# The order of the bundled sample (include/sample/site/www.continentalwire.example/sitemap-news.xml):
# <lastmod> (last edit) comes before <news:publication_date> (first publication).
NEWS_SITEMAP_WITH_LASTMOD = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset {NEWS_NS}>
  <url>
    <loc>https://wire.example/business/rotterdam.html</loc>
    <lastmod>2025-11-06T11:32:00+01:00</lastmod>
    <news:news>
      <news:publication><news:name>Wire</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2025-11-06T09:15:00+01:00</news:publication_date>
      <news:title>Rotterdam braces for congestion</news:title>
    </news:news>
  </url>
</urlset>""".encode()


# -- the formats ---------------------------------------------------------------------------------------
def test_rss2() -> None:
    kind, items = parse_feed(RSS2)
    assert kind == "rss"
    assert items == [
        Discovered("https://news.example/a.html", "First story", "Thu, 06 Nov 2025 10:00:00 -0500"),
        Discovered("https://news.example/b.html", "Guid only", "2025-11-05T08:00:00Z"),
    ]


def test_rss1_rdf() -> None:
    kind, items = parse_feed(RSS1)
    assert kind == "rss"
    assert [(i.url, i.title, i.published) for i in items] == [
        ("https://news.example/1", "One", "2025-01-02T03:04:05Z"),
        ("https://news.example/2", "Two", None),
    ]


def test_atom() -> None:
    kind, items = parse_feed(ATOM)
    assert kind == "atom"
    assert items == [
        Discovered("https://atom.example/artikel-1.html", "Zölle und Märkte", "2025-11-18T06:00:00+01:00"),
        Discovered("https://atom.example/artikel-2.html", "Default rel is alternate", "2025-10-10T16:40:00+02:00"),
    ]


def test_atom_prefers_published_over_updated_whatever_the_order() -> None:
    doc = ATOM.replace(
        b"<published>2025-11-18T06:00:00+01:00</published>\n    <updated>2025-11-18T08:30:00+01:00</updated>",
        b"<updated>2025-11-18T08:30:00+01:00</updated>\n    <published>2025-11-18T06:00:00+01:00</published>",
    )
    assert doc != ATOM
    _, items = parse_feed(doc)
    assert items[0].published == "2025-11-18T06:00:00+01:00"


def test_sitemap_urlset() -> None:
    kind, items = parse_feed(URLSET)
    assert kind == "sitemap_urlset"
    assert items == [
        Discovered("https://site.example/a.html", None, "2025-06-01"),
        Discovered("https://site.example/b.html", None, None),
    ]


def test_sitemap_index() -> None:
    kind, items = parse_feed(SITEMAP_INDEX)
    assert kind == "sitemap_index"
    assert [i.url for i in items] == ["https://site.example/sitemap-1.xml", "https://site.example/sitemap-2.xml.gz"]
    assert items[0].published == "2025-11-18T12:05:00+01:00"


def test_google_news_sitemap() -> None:
    kind, items = parse_feed(NEWS_SITEMAP)
    assert kind == "sitemap_urlset"
    assert items == [
        Discovered(
            "https://wire.example/world/story-1.html", "Rotterdam braces for congestion", "2025-11-06T09:15:00+01:00"
        ),
        Discovered("https://wire.example/world/story-2.html", "EU adopts sanctions package", "2025-10-23"),
    ]


def test_google_news_sitemap_prefers_publication_date_over_lastmod() -> None:
    _, items = parse_feed(NEWS_SITEMAP_WITH_LASTMOD)
    assert items == [
        Discovered(
            "https://wire.example/business/rotterdam.html",
            "Rotterdam braces for congestion",
            "2025-11-06T09:15:00+01:00",
        )
    ]


def test_url_list_with_comments_and_blanks() -> None:
    data = (
        "# editor's picks\n"
        "\n"
        "https://a.example/1.html\n"
        "   https://a.example/2.html   \r\n"
        "  # indented comment\n"
        "https://b.example/caf\u00e9.html\n"
        "\t\n"
        "https://b.example/last"
    ).encode()
    assert [d.url for d in parse_url_list(data)] == [
        "https://a.example/1.html",
        "https://a.example/2.html",
        "https://b.example/caf\u00e9.html",
        "https://b.example/last",
    ]
    assert all(d.title is None and d.published is None for d in parse_url_list(data))


def test_url_list_tolerates_bad_bytes_and_empty_input() -> None:
    assert parse_url_list(b"") == []
    assert parse_url_list(b"# nothing here\n\n") == []
    assert [d.url for d in parse_url_list(b"https://a.example/\xff\xfe\nhttps://b.example/\n")][1:] == [
        "https://b.example/"
    ]


# -- hostile and non-feed documents -----------------------------------------------------------------------
def _billion_laughs(root: str, inner: str) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]  # lol9 expands to 10**9 'lol's
    return f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n{chr(10).join(entities)}\n]>\n{inner}'.encode()


BOMBS = {
    "rss": _billion_laughs(
        "rss",
        '<rss version="2.0"><channel><item><title>&lol9;</title><link>https://bomb.example/&lol9;</link>'
        "<description>&lol9;</description></item></channel></rss>",
    ),
    "atom": _billion_laughs(
        "feed",
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&lol9;</title>'
        '<link href="https://bomb.example/a"/></entry></feed>',
    ),
    "sitemap": _billion_laughs(
        "urlset",
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://bomb.example/&lol9;</loc>'
        "</url></urlset>",
    ),
}


def _outputs(items: list[Discovered]) -> str:
    return "\n".join(f"{i.url}\t{i.title}\t{i.published}" for i in items)


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_billion_laughs_does_not_expand(name: str) -> None:
    start = time.monotonic()
    try:
        _, items = parse_feed(BOMBS[name])
    except FeedError:
        items = []
    assert time.monotonic() - start < 10, "entity expansion is not inert"  # generous: a real expansion never ends
    text = _outputs(items)
    assert "lollol" not in text
    assert len(text) < 1000


XXE_TARGET = "file:///etc/passwd"
XXE_DOCS = {
    "rss-general-entity": f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{XXE_TARGET}">]>
<rss version="2.0"><channel><item><title>&xxe;</title><link>https://x.example/a</link>
<description>&xxe;</description></item><item><link>&xxe;</link></item></channel></rss>""",
    "sitemap-general-entity": f"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "{XXE_TARGET}">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.example/&xxe;</loc>
<lastmod>&xxe;</lastmod></url></urlset>""",
    "atom-general-entity": f"""<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY xxe SYSTEM "{XXE_TARGET}">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&xxe;</title><published>&xxe;</published>
<link href="https://x.example/a"/></entry></feed>""",
    "parameter-entity": f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY % pe SYSTEM "{XXE_TARGET}"> %pe;]>
<rss version="2.0"><channel><item><link>https://x.example/a</link></item></channel></rss>""",
    "external-dtd": f"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "{XXE_TARGET}">
<rss version="2.0"><channel><item><title>t</title><link>https://x.example/a</link></item></channel></rss>""",
    "xinclude": f"""<rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude"><channel><item>
<title><xi:include href="{XXE_TARGET}" parse="text"/></title><link>https://x.example/a</link></item></channel></rss>""",
}


@pytest.mark.parametrize("name", sorted(XXE_DOCS))
def test_external_entities_are_not_resolved(name: str) -> None:
    start = time.monotonic()
    try:
        _, items = parse_feed(XXE_DOCS[name].encode())
    except FeedError as exc:
        assert "root:" not in str(exc)
        items = []
    assert time.monotonic() - start < 10
    text = _outputs(items)
    assert "root:" not in text and "/bin/" not in text
    assert all(i.url.startswith("https://x.example/") for i in items)


@pytest.mark.parametrize("data", [b"", b"   \n\t  ", b"\n"], ids=["empty", "whitespace", "newline"])
def test_empty_document(data: bytes) -> None:
    with pytest.raises(FeedError, match="empty"):
        parse_feed(data)


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><head><title>News</title></head><body><p>Hello<br>world</body></html>",
        b'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head><body/></html>',
        b"<p>just a fragment",
        b"plain text, not markup",
        b'{"items": ["https://a.example/"]}',
        b"<?xml version='1.0'?><opml version='2.0'><body/></opml>",
        gzip.compress(RSS2, mtime=0),
    ],
    ids=["html5", "xhtml", "fragment", "text", "json", "opml", "gzipped-bytes"],
)
def test_not_a_feed(data: bytes) -> None:
    with pytest.raises(FeedError):
        parse_feed(data)


# -- real feeds -------------------------------------------------------------------------------------------
def test_real_feeds_never_raise_anything_but_feed_error() -> None:
    if not EVAL_FEEDS.is_dir():
        pytest.skip(f"real feeds not available: {EVAL_FEEDS.resolve()} is missing (a user's clone has no ../shared)")
    files = [p for p in sorted(EVAL_FEEDS.rglob("*")) if p.is_file()]
    assert {p.parent.name for p in files} >= {"rss-parser", "node-feedparser"}
    with_items, errors = [], []
    for file in files:
        try:
            kind, items = parse_feed(file.read_bytes())
        except FeedError as exc:
            errors.append(f"{file.name}: {exc}")
            continue
        assert kind in ("rss", "atom", "sitemap_urlset", "sitemap_index"), file
        assert all(isinstance(i.url, str) and i.url for i in items), file
        if items:
            with_items.append(file.name)
    print(f"\nparse_feed tried {len(files)} files: {len(with_items)} with items, {len(errors)} FeedError")
    assert len(with_items) >= 10, with_items
    assert "notafeed.html" not in with_items
