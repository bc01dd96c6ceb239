"""Discovering article URLs from feeds, sitemaps and URL lists, with a parser that trusts nothing.

lxml is run with entity resolution, DTD loading and network access off, so
XML bombs and external entities are inert.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _child_text(el: etree._Element, *names: str) -> str | None:
    """Text of the first child named like the first name that has one: names are in order of preference."""
    for name in names:
        for child in el:
            if _local(child.tag) == name and child.text and child.text.strip():
                return str(child.text.strip())
    return None


def parse_feed(data: bytes) -> tuple[FeedKind, list[Discovered]]:
    """Return the document kind and the entries it lists, in document order.

    Broken XML is read as far as it goes; a document with errors that yields no entries is refused.
    """
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise FeedError("empty document")
    if stripped[:1] == b"{":
        return "json", _json_feed(stripped)
    parser = _parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"not XML: {exc}") from exc
    if root is None:
        raise FeedError("not XML")
    kind, entries = _xml_feed(root)
    if not entries and len(parser.error_log):
        raise FeedError(f"malformed {kind} document: {parser.error_log[0].message}")
    return kind, entries


def _json_feed(data: bytes) -> list[Discovered]:
    """JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1)."""
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise FeedError(f"not JSON: {exc}") from exc
    if not isinstance(doc, dict) or "jsonfeed.org" not in str(doc.get("version", "")):
        raise FeedError("JSON document is not a JSON Feed")
    items = doc.get("items")
    found = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        url = item.get("url") or item.get("external_url")
        if isinstance(url, str) and url.strip():
            title, published = item.get("title"), item.get("date_published") or item.get("date_modified")
            found.append(
                Discovered(
                    url=url.strip(),
                    title=title if isinstance(title, str) else None,
                    published=published if isinstance(published, str) else None,
                )
            )
    return found


def _xml_feed(root: etree._Element) -> tuple[FeedKind, list[Discovered]]:
    kind = _local(root.tag)
    if kind in ("rss", "rdf"):
        return "rss", [_rss_item(i) for i in root.iter() if _local(i.tag) == "item" and _rss_link(i)]
    if kind == "feed":
        return "atom", [e for e in (_atom_entry(x) for x in root.iter() if _local(x.tag) == "entry") if e]
    if kind in ("urlset", "sitemapindex"):
        wanted = "url" if kind == "urlset" else "sitemap"
        found = []
        for node in root:
            if _local(node.tag) != wanted:
                continue
            loc = _child_text(node, "loc")
            if loc:
                dated = {_local(s.tag): s.text.strip() for s in node.iter() if s.text and s.text.strip()}
                published = dated.get("publication_date") or dated.get("lastmod")
                title = next((s.text.strip() for s in node.iter() if _local(s.tag) == "title" and s.text), None)
                found.append(Discovered(url=loc, title=title, published=published))
        return ("sitemap_urlset" if kind == "urlset" else "sitemap_index"), found
    raise FeedError(f"unknown document type <{kind}>")


def _rss_link(item: etree._Element) -> str | None:
    link = _child_text(item, "link")
    if link:
        return link
    for child in item:
        if _local(child.tag) == "guid" and child.get("isPermaLink", "true") != "false" and child.text:
            return str(child.text.strip())
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
        if _local(child.tag) == "link" and child.get("rel", "alternate") == "alternate" and child.get("href"):
            href = child.get("href")
            break
    if not href:
        return None
    return Discovered(
        url=str(href), title=_child_text(entry, "title"), published=_child_text(entry, "published", "updated")
    )


def parse_url_list(data: bytes) -> list[Discovered]:
    """One URL per line; blank lines and # comments ignored."""
    out = []
    for line in data.decode("utf-8", errors="replace").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(Discovered(url=line))
    return out
