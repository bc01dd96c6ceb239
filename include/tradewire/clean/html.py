"""Article text and metadata from HTML: trafilatura for the text, publisher markup for the metadata."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from lxml import etree
from lxml import html as lxml_html

from tradewire.clean.authors import clean_authors
from tradewire.clean.metadata import PageMeta, parse_datetime, read_meta

_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([\w-]+)""", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)
_ERROR_TITLE = re.compile(r"\b(404|page not found|not found|error 50\d|page (does not|doesn't) exist)\b", re.I)
_PAYWALL = re.compile(
    r"(subscribe to (continue|keep) reading|to continue reading|subscribers only|already a subscriber|"
    r"this (article|content) is for subscribers|unlock this article)",
    re.I,
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")  # lxml refuses str input that declares an encoding
# Characters XML forbids. lxml's HTML parser keeps them in the tree (written raw or as references such as
# "&#x1f;"), but trafilatura later writes text back into elements, and lxml then raises "All strings must be
# XML compatible", failing the whole page. Those Python counts as whitespace become a space; the rest go.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_SAFE = {c: " " if chr(c).isspace() else None for c in (*range(0x20), 0xFFFE, 0xFFFF) if c not in (9, 10, 13)}
_NO_SPACES = "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Thai, kana, CJK
_UNSPACED_CHAR = re.compile(f"[{_NO_SPACES}]")
_SPACED_WORD = re.compile(f"[^\\W{_NO_SPACES}]+")
MIN_ARTICLE_WORDS = 80
MIN_MARKED_ARTICLE_WORDS = 40
_SECTION_TYPES = {"website", "collectionpage", "itemlist", "searchresultspage", "webpage"}


@dataclass
class HtmlArticle:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    modified_at: datetime | None = None
    site_name: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    language_hint: str | None = None
    canonical_url: str | None = None
    image: str | None = None
    text: str = ""
    page_type: str = "article"
    reason: str | None = None


# WHATWG's encoding labels: browsers decode these as the superset, and so must we
_ENCODING_ALIASES = {
    "iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "windows-31j": "cp932",
    "gb2312": "gb18030", "gbk": "gb18030", "euc-kr": "cp949", "ks_c_5601-1987": "cp949",
}  # fmt: skip
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def _declared_encodings(data: bytes, content_type: str | None) -> list[str]:
    # A byte order mark outranks the header, as in browsers (WHATWG "decode"): a UTF-8 BOM page served as
    # utf-16 would otherwise decode, without error, into CJK noise and lose the article.
    found: list[str] = [name for bom, name in _BOMS if data.startswith(bom)]
    if content_type and "charset=" in content_type.lower():
        found.append(content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'"))
    match = _META_CHARSET.search(data[:4096]) or _XML_ENCODING.search(data[:200])
    if match:
        declared = match.group(1).decode("ascii", "ignore").lower()
        # markup we could read as ASCII is not UTF-16 whatever it says: browsers read such a label as UTF-8
        found.append("utf-8" if declared.startswith("utf-16") else declared)
    return [_ENCODING_ALIASES.get(name, name) for name in found]


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """Charset from the HTTP header, then the document (BOM, meta, XML declaration), then UTF-8, then detection."""
    for encoding in [*_declared_encodings(data, content_type), "utf-8"]:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    from charset_normalizer import from_bytes

    guess = from_bytes(data[:200_000]).best()
    encoding = _ENCODING_ALIASES.get(guess.encoding, guess.encoding) if guess is not None else "cp1252"
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("cp1252", errors="replace")


_TITLE_SEPARATORS = re.compile(r"\s+(?:\||»|«|–|—|-|::|·|•|/)\s+")


def _reconcile_title(title: str, page_title: str | None) -> str:
    """Use the <title> element to undo two common markup slips in the chosen title.

    A logo marked up as the first <h1> gives the site name ('Prachatai' for 'Story | Prachatai');
    a headline with the site name glued on ('StoryUltima Hora' for 'Story » Local » Ultima Hora').
    Either way the first segment of <title> is the headline.
    """
    segments = [seg.strip() for seg in _TITLE_SEPARATORS.split(" ".join((page_title or "").split())) if seg.strip()]
    if len(segments) < 2 or len(segments[0].split()) < 3:
        return title
    head, rest = segments[0], segments[1:]
    flat = " ".join(title.split())
    if head not in flat and any(flat and flat in seg for seg in rest):
        return head
    tail = flat[len(head) :].strip() if flat.startswith(head) else ""
    if tail and any(tail == seg or tail in seg for seg in rest):
        return head
    return title


def _strip_site_suffix(title: str, site_name: str | None) -> str:
    title = " ".join(title.split())  # no-break and ideographic spaces, runs of whitespace
    for sep in (" | ", " -- ", " - ", " – ", " — ", " :: "):
        head, found, tail = title.rpartition(sep)
        if found and head and (len(tail.split()) <= 4 or (site_name and site_name.lower() in tail.lower())):
            return head.strip()
    return title.strip()


def extract_text(tree: lxml_html.HtmlElement, url: str | None = None) -> str:
    """The article body as plain text, paragraphs on their own lines (see clean/extract.py)."""
    from tradewire.clean.extract import extract_body

    return extract_body(tree, url)


# dateparser, which htmldate's extensive search falls back on, otherwise tries every one of its ~200
# locales and compiles their patterns on first use: 5-10 s of CPU in every fresh extraction worker
DATE_LANGUAGES = (
    "en", "de", "fr", "es", "it", "pt", "nl", "ru", "uk", "pl", "cs", "ro", "hu", "sv", "da", "nb", "fi", "el",
    "tr", "ar", "he", "fa", "hi", "id", "vi", "th", "zh", "ja", "ko",
)  # fmt: skip


@cache
def _date_parser_languages() -> None:
    """Give htmldate a dateparser limited to DATE_LANGUAGES, with htmldate's own settings."""
    from dateparser import DateDataParser
    from htmldate import extractors

    default = extractors.get_external_parser
    settings = getattr(default(), "_settings", None)
    if settings is None or not hasattr(default, "cache_clear"):  # htmldate changed: keep its parser
        return
    wanted = {key: getattr(settings, key) for key in ("NORMALIZE", "PARSERS", "PREFER_DATES_FROM",
              "PREFER_LOCALE_DATE_ORDER", "RETURN_AS_TIMEZONE_AWARE", "STRICT_PARSING")}  # fmt: skip
    parser = DateDataParser(languages=list(DATE_LANGUAGES), settings=wanted)
    extractors.get_external_parser = lambda: parser  # type: ignore[assignment]


def _fallback_date(tree: lxml_html.HtmlElement, url: str | None, now: datetime) -> str | None:
    """htmldate, only for pages whose markup names no date: it is the slowest part of metadata."""
    from htmldate import find_date

    _date_parser_languages()

    def search(extensive: bool) -> str | None:
        return find_date(
            tree, url=url, extensive_search=extensive, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S%z",
            max_date=now.date().isoformat(),
        )  # fmt: skip

    try:  # the quick search finds most dates; the extensive one reads the text and is much slower
        return search(False) or search(True)
    except Exception:  # htmldate's own parsing bugs must not cost the article
        return None


def extract_html(html: str, url: str | None = None, now: datetime | None = None) -> HtmlArticle:
    """Text from the extractor; metadata from publisher markup first, trafilatura's heuristics where it is silent."""
    from trafilatura import metadata as traf_meta

    now = now or datetime.now(UTC)
    try:
        tree = lxml_html.fromstring(_XML_DECLARATION.sub("", html, count=1))
    except (etree.ParserError, ValueError):
        return HtmlArticle(page_type="empty", reason="no parseable HTML")
    if _may_hold_xml_forbidden(html):  # walking the whole tree costs 8% of the stage: only when the source needs it
        _drop_xml_forbidden(tree)
    meta = read_meta(tree)
    text = extract_text(tree, url)
    site_name = meta.site_name or traf_meta.extract_sitename(tree)
    raw_title = meta.title or traf_meta.extract_title(tree)
    if raw_title:
        raw_title = _reconcile_title(raw_title, next(iter(tree.xpath("//head/title/text()")), None))
    authors = meta.authors or (traf_meta.extract_author(tree) or "").split(";")
    # a declared date that is impossible, with no plausible one elsewhere on the page, is kept as declared:
    # the article is then quarantined with the reason, rather than loaded as if it had no date
    published = (
        parse_datetime(meta.published, now)
        or parse_datetime(_fallback_date(tree, url, now), now)
        or parse_datetime(meta.published, bounded=False)
    )
    article = HtmlArticle(
        title=_strip_site_suffix(raw_title, site_name) if raw_title else None,
        authors=clean_authors(authors, site_name),
        published_at=published,
        modified_at=parse_datetime(meta.modified, now),
        site_name=site_name,
        section=meta.section,
        tags=meta.tags,
        language_hint=(meta.language or "").split("-")[0].lower() or None,
        canonical_url=meta.canonical_url,
        image=meta.image,
        text=_drop_repeated_title(text, raw_title),
    )
    article.page_type, article.reason = classify_page(meta, article, tree, url)
    return article


_NUMERIC_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}))")


def _may_hold_xml_forbidden(html: str) -> bool:
    """Whether the source writes a character XML forbids, raw or as a numeric reference (&#x1f;)."""
    if _XML_FORBIDDEN.search(html):
        return True
    for hexadecimal, decimal in _NUMERIC_REFERENCE.findall(html):
        code = int(hexadecimal, 16) if hexadecimal else int(decimal)
        if code < 0x110000 and _XML_FORBIDDEN.match(chr(code)):
            return True
    return False


def _drop_xml_forbidden(tree: lxml_html.HtmlElement) -> None:
    """Rewrite, in place, every text, tail and attribute that holds a character XML forbids."""
    for element in tree.iter():
        for part in ("text", "tail"):
            value = getattr(element, part)
            if value and _XML_FORBIDDEN.search(value):
                setattr(element, part, value.translate(_XML_SAFE))
        if not isinstance(element.tag, str):  # comments and processing instructions have no attributes
            continue
        attributes = element.attrib.items()
        if any(_XML_FORBIDDEN.search(name + value) for name, value in attributes):
            element.attrib.clear()  # lxml refuses even to delete an attribute by such a name: set them again
            for name, value in attributes:
                with contextlib.suppress(ValueError):  # a name lxml refuses to set ("a\x01b") carries nothing
                    element.set(name, value.translate(_XML_SAFE))


def _drop_repeated_title(text: str, title: str | None) -> str:
    lines = text.split("\n")
    if title and lines and lines[0].strip() == title.strip():
        lines = lines[1:]
    return "\n".join(lines).strip()


def text_units(text: str) -> int:
    """Words, with scripts written without spaces (Chinese, Japanese, Thai) counted as two characters a word."""
    return len(_SPACED_WORD.findall(text)) + len(_UNSPACED_CHAR.findall(text)) // 2


_GALLERY_PATH = re.compile(
    r"/(gallery|galleries|photos?|pictures|in-pictures|slideshows?|fotostrecke|diaporama)(/|-|$)", re.I
)


def _is_gallery(meta: PageMeta, tree: lxml_html.HtmlElement, url: str | None) -> bool:
    """Says it is a gallery (schema.org type or URL path) and shows many pictures."""
    says = bool({"imagegallery", "mediagallery"} & set(meta.ld_types)) or bool(
        url and _GALLERY_PATH.search(url.split("?", 1)[0])
    )
    return says and len(tree.xpath("//body//img | //body//figure[not(.//img)]")) >= 6


def classify_page(
    meta: PageMeta, article: HtmlArticle, tree: lxml_html.HtmlElement, url: str | None = None
) -> tuple[str, str | None]:
    """article | section_front | video | gallery | paywall | error | empty, with a reason for all but article."""
    words = text_units(article.text)
    heading = " ".join([article.title or "", *tree.xpath("//h1//text()")])
    if _ERROR_TITLE.search(heading) and words < 300:
        return "error", f"error page: {heading.strip()[:80]!r}"
    if meta.og_type and meta.og_type.startswith("video") and words < 300:
        return "video", "video page with little text"
    if words < 300 and _is_gallery(meta, tree, url):
        return "gallery", f"photo gallery with little text ({words} words)"
    if words < 250 and _PAYWALL.search(" ".join(tree.xpath("//body//text()"))[:200_000]):
        return "paywall", f"paywall stub ({words} words visible)"
    is_article_markup = (meta.og_type or "").lower() == "article" or bool(
        {"newsarticle", "article", "reportagenewsarticle", "blogposting"} & set(meta.ld_types)
    )
    headline_links = len(tree.xpath("//h2//a | //h3//a"))
    says_index = (meta.og_type or "").lower() == "website" or bool(
        _SECTION_TYPES & set(meta.ld_types) and not is_article_markup
    )
    if not is_article_markup and (
        (says_index and headline_links >= 6 and words < 600) or (headline_links >= 10 and words < 150)
    ):
        return "section_front", f"index page: {headline_links} linked headlines, no article markup"
    # a page that says it is an article may be a short one (breaking news); others need more text to count
    least = MIN_MARKED_ARTICLE_WORDS if is_article_markup else MIN_ARTICLE_WORDS
    if words < least:
        return "empty", "no article text" if words == 0 else f"text too short ({words} words)"
    return "article", None
