"""Discovering article URLs from feeds, sitemaps and URL lists, with a parser that trusts nothing.

lxml is run with entity resolution, DTD loading and network access off, so
XML bombs and external entities are inert.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Literal

from lxml import etree

FeedKind = Literal["rss", "atom", "json", "sitemap_urlset", "sitemap_index", "unknown"]


class FeedError(ValueError):
    """The document is not a feed or sitemap we can read."""


@dataclass(frozen=True)
class Discovered:
    url: str
    title: str | None = None
    published: str | None = None  # as written in the feed; cleaning decides the real date


def _parser() -> etree.XMLParser:
    """A fresh parser per document: its error log says whether the document was malformed."""
    return etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, recover=True, remove_comments=True
    )


def _local(element: etree._Element) -> str:
    """The element's name without namespace: "{ns}date" and, for a prefix never declared, "dc:date" -> "date".

    Recovery keeps an undeclared prefix in the tag (which etree.QName refuses with a ValueError), and may keep
    a name that is not UTF-8 (reading .tag raises UnicodeDecodeError): that one is no name we look for.
    """
    try:
        tag = element.tag
    except UnicodeDecodeError:
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower() if isinstance(tag, str) else ""  # comments: ""


def _text(el: etree._Element) -> str | None:
    """The element's text; None when recovery left bytes that are not UTF-8 (a surrogate such as &#xD800;)."""
    try:
        return el.text
    except UnicodeDecodeError:
        return None


def _attr(el: etree._Element, name: str, default: str | None = None) -> str | None:
    """An attribute, like el.get, with _text's treatment of undecodable values."""
    try:
        return el.get(name, default)
    except UnicodeDecodeError:
        return None


def _child_text(el: etree._Element, *names: str) -> str | None:
    """Text of the first child named like the first name that has one: names are in order of preference."""
    for name in names:
        for child in el:
            text = _text(child) if _local(child) == name else None
            if text and text.strip():
                return str(text.strip())
    return None


def parse_feed(data: bytes, limit: int | None = None) -> tuple[FeedKind, list[Discovered]]:
    """Return the document kind and the entries it lists, in document order (the first `limit` of them).

    Broken XML is read as far as it goes; a document with errors that yields no entries is refused.
    """
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise FeedError("empty document")
    if stripped[:1] == b"{":
        return "json", _json_feed(stripped, limit)
    if limit is not None and len(data) > PREFIX_PARSE_BYTES:
        early = _first_entries(data, limit)
        if early is not None:
            return early
    parser = _parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"not XML: {exc}") from exc
    if root is None:
        raise FeedError("not XML")
    kind, entries = _xml_feed(root, limit)
    if not entries and len(parser.error_log):
        raise FeedError(f"malformed {kind} document: {parser.error_log[0].message}")
    return kind, entries


PREFIX_PARSE_BYTES = 1 << 20  # larger documents, when only some entries are wanted, are parsed only that far
_ENTRY_TAGS = frozenset({"item", "entry", "url", "sitemap"})


def _first_entries(data: bytes, limit: int) -> tuple[FeedKind, list[Discovered]] | None:
    """The first `limit` entries read from as little of the document as holds them, or None to parse it all.

    A feed listing a million items would otherwise be built whole (seconds, hundreds of MB) to keep 500.
    The tree is cut after the last entry element closed so far, so no entry is read half-way.
    """
    parser = etree.XMLPullParser(
        events=("end",), resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, recover=True,
        remove_comments=True,
    )  # fmt: skip
    last: etree._Element | None = None
    closed = 0
    for offset in range(0, len(data), 1 << 16):
        parser.feed(data[offset : offset + (1 << 16)])
        for _, element in parser.read_events():
            if _local(element) in _ENTRY_TAGS:
                last, closed = element, closed + 1
        if closed >= limit:
            break
    else:
        return None  # the whole document holds fewer: the ordinary parse reads it
    assert last is not None
    node = last
    while (parent := node.getparent()) is not None:
        for later in list(node.itersiblings()):
            parent.remove(later)
        node = parent
    try:
        kind, entries = _xml_feed(node, limit)
    except FeedError:
        return None
    return (kind, entries) if len(entries) == limit else None  # fewer usable entries: read it all


def _json_feed(data: bytes, limit: int | None = None) -> list[Discovered]:
    """JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1)."""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError) as exc:  # ValueError: bad JSON or bytes, or an int over 4300 digits
        raise FeedError(f"not JSON: {exc}") from exc
    if not isinstance(doc, dict) or "jsonfeed.org" not in str(doc.get("version", "")):
        raise FeedError("JSON document is not a JSON Feed")
    items = doc.get("items")
    found: list[Discovered] = []
    for item in items if isinstance(items, list) else []:
        if limit is not None and len(found) >= limit:
            break
        if not isinstance(item, dict):
            continue
        url = item.get("url") or item.get("external_url")
        if isinstance(url, str) and url.strip():
            title, published = item.get("title"), item.get("date_published") or item.get("date_modified")
            found.append(
                Discovered(
                    url=_no_surrogates(url.strip()),
                    title=_no_surrogates(title) if isinstance(title, str) else None,
                    published=_no_surrogates(published) if isinstance(published, str) else None,
                )
            )
    return found


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _no_surrogates(text: str) -> str:
    """JSON may escape lone surrogates ("\\ud800"); no UTF-8 writer (ids, Parquet) takes them: U+FFFD instead."""
    return _SURROGATE.sub("\ufffd", text)


def _xml_feed(root: etree._Element, limit: int | None = None) -> tuple[FeedKind, list[Discovered]]:
    kind = _local(root)
    if kind in ("rss", "rdf"):
        items = (_rss_item(i) for i in root.iter() if _local(i) == "item" and _rss_link(i))
        return "rss", list(islice(items, limit))
    if kind == "feed":
        entries = (e for e in (_atom_entry(x) for x in root.iter() if _local(x) == "entry") if e)
        return "atom", list(islice(entries, limit))
    if kind in ("urlset", "sitemapindex"):
        wanted = "url" if kind == "urlset" else "sitemap"
        found: list[Discovered] = []
        for node in root:
            if limit is not None and len(found) >= limit:
                break
            if _local(node) != wanted:
                continue
            loc = _child_text(node, "loc")
            if loc:
                texts = [(_local(s), text.strip()) for s in node.iter() if (text := _text(s)) and text.strip()]
                dated = dict(texts)
                published = dated.get("publication_date") or dated.get("lastmod")
                title = next((text for name, text in texts if name == "title"), None)
                found.append(Discovered(url=loc, title=title, published=published))
        return ("sitemap_urlset" if kind == "urlset" else "sitemap_index"), found
    raise FeedError(f"unknown document type <{kind}>")


def _rss_link(item: etree._Element) -> str | None:
    link = _child_text(item, "link")
    if link:
        return link
    for child in item:
        text = _text(child)
        if _local(child) == "guid" and _attr(child, "isPermaLink", "true") != "false" and text:
            return str(text.strip())
    return None


def _rss_item(item: etree._Element) -> Discovered:
    return Discovered(
        url=_rss_link(item) or "",
        title=_child_text(item, "title"),
        published=_child_text(item, "pubdate", "date"),
    )


def _atom_entry(entry: etree._Element) -> Discovered | None:
    href = None
    for child in entry:
        # stripped like RSS links and sitemap locs: " https://..." was listed as is (and then not fetched), " " too
        href = (_attr(child, "href") or "").strip() if _local(child) == "link" else None
        if href and _attr(child, "rel", "alternate") == "alternate":
            break
        href = None
    if not href:
        return None
    return Discovered(
        url=str(href), title=_child_text(entry, "title"), published=_child_text(entry, "published", "updated")
    )


def parse_url_list(data: bytes, limit: int | None = None) -> list[Discovered]:
    """One URL per line; blank lines and # comments ignored; the first `limit` URLs."""
    out: list[Discovered] = []
    for line in _lines(data.decode("utf-8", errors="replace")):
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(Discovered(url=line))
            if limit is not None and len(out) >= limit:
                break
    return out


def _lines(text: str, block: int = 1 << 16) -> Iterator[str]:
    """text.splitlines(), a block at a time: a list of a million URLs is not split whole to keep 500.

    Blocks end just after a newline, so no line (nor a \\r\\n pair) is cut in two.
    """
    start = 0
    while start < len(text):
        end = text.find("\n", start + block)
        end = len(text) if end < 0 else end + 1
        yield from text[start:end].splitlines()
        start = end
