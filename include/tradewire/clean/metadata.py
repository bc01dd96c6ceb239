"""Page metadata from the markup publishers write for machines: JSON-LD, OpenGraph, meta tags, microdata."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml import html as lxml_html

_ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "blogposting",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "webpage",
    "liveblogposting",
}


@dataclass
class PageMeta:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    site_name: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    canonical_url: str | None = None
    image: str | None = None
    language: str | None = None
    og_type: str | None = None
    ld_types: list[str] = field(default_factory=list)


def _ld_objects(tree: lxml_html.HtmlElement) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except (json.JSONDecodeError, TypeError, RecursionError):
            continue  # RecursionError: arrays nested deeper than the decoder's stack; not metadata anyone reads
        stack = [data]
        while stack:
            obj = stack.pop()
            if isinstance(obj, list):
                stack.extend(obj)
            elif isinstance(obj, dict):
                if "@graph" in obj:
                    stack.append(obj["@graph"])
                out.append(obj)
    return out


def _names(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if str(value.get("@type", "Person")).lower() not in ("person", ""):
            return []
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _first(tree: lxml_html.HtmlElement, *xpaths: str) -> str | None:
    for xp in xpaths:
        for value in tree.xpath(xp):
            text = (value if isinstance(value, str) else value.text_content()).strip()
            if text:
                return text
    return None


def read_meta(tree: lxml_html.HtmlElement) -> PageMeta:
    meta = PageMeta()
    for obj in _ld_objects(tree):
        types = obj.get("@type")
        type_names = [t.lower() for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)]
        meta.ld_types.extend(type_names)
        if not set(type_names) & _ARTICLE_TYPES or ("webpage" in type_names and meta.title):
            continue
        meta.title = meta.title or _str(obj.get("headline"))
        meta.published = meta.published or _str(obj.get("datePublished"))
        meta.modified = meta.modified or _str(obj.get("dateModified"))
        if not meta.authors:
            meta.authors = _names(obj.get("author"))
        section = obj.get("articleSection")
        meta.section = meta.section or (section if isinstance(section, str) else None)
        keywords = obj.get("keywords")
        if not meta.tags and keywords:
            meta.tags = [
                k.strip()
                for k in (keywords.split(",") if isinstance(keywords, str) else _as_list(keywords))
                if isinstance(k, str) and k.strip()
            ]
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            meta.site_name = meta.site_name or publisher["name"]
        meta.language = meta.language or _str(obj.get("inLanguage"))
    meta.title = meta.title or _first(tree, '//meta[@property="og:title"]/@content', "//h1", "//title")
    meta.published = meta.published or _first(
        tree,
        '//meta[@property="article:published_time"]/@content',
        '//meta[@name="article:published_time"]/@content',
        '//meta[@itemprop="datePublished"]/@content',
        '//*[@itemprop="datePublished"]/@datetime',
        '//meta[@name="date"]/@content',
        '//meta[@name="pubdate"]/@content',
        "//article//time/@datetime",
        "//time[@pubdate]/@datetime",
    )
    meta.modified = meta.modified or _first(
        tree,
        '//meta[@property="article:modified_time"]/@content',
        '//*[@itemprop="dateModified"]/@content',
        '//*[@itemprop="dateModified"]/@datetime',
    )
    if not meta.authors:
        found = tree.xpath('//*[@itemprop="author"]//*[@itemprop="name"]') or tree.xpath('//*[@itemprop="author"]')
        meta.authors = [a.get("content") or a.text_content() for a in found]
        if not meta.authors:
            meta.authors = [a for a in tree.xpath('//meta[@name="author"]/@content')]
    meta.site_name = meta.site_name or _first(tree, '//meta[@property="og:site_name"]/@content')
    meta.section = meta.section or _first(tree, '//meta[@property="article:section"]/@content')
    if not meta.tags:
        meta.tags = [t.strip() for t in tree.xpath('//meta[@property="article:tag"]/@content') if t.strip()]
    meta.canonical_url = _first(tree, '//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content')
    meta.image = _first(tree, '//meta[@property="og:image"]/@content')
    meta.og_type = _first(tree, '//meta[@property="og:type"]/@content')
    meta.language = meta.language or _first(tree, "/html/@lang", '//meta[@http-equiv="content-language"]/@content')
    return meta


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


def _str(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_datetime(value: str | None, not_after: datetime | None = None, bounded: bool = True) -> datetime | None:
    """ISO 8601 (or date-only) to an aware UTC datetime; None when unparseable or, if bounded, implausible
    (before 1990 or in the future). Unbounded, a wrong date is kept for the data contract to quarantine."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    if re.search(r"[+-]\d{4}$", text):  # +0800 -> +08:00
        text = text[:-2] + ":" + text[-2:]
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    parsed = parsed.astimezone(UTC)
    ceiling = not_after or datetime.now(UTC)
    if bounded and (parsed.year < 1990 or parsed > ceiling):
        return None
    return parsed
