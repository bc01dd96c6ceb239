"""The article body of an HTML page: trafilatura, tuned for news, with two general post-filters.

1. Precision mode without trafilatura's readability/jusText comparison and without reader comments.
2. When that keeps little (under 3,000 characters and under a fifth of the page's visible text,
   the same gate trafilatura uses for its own escalation), recall mode, accepted only if it finds
   more than twice as much: it rescues pages where precision mode kept almost nothing.
3. Up to two leading lines that repeat the headline (<title>, og:title, twitter:title or an <h1>) go.
4. Short lines (120 characters or fewer) of generic news-site furniture go: "Read more"/"Related"
   teaser headers, comment counters, tag lists, share and print tools, newsletter and follow
   prompts, copyright lines, wire-credit lines. A real paragraph is longer than the cap.

Measured with benchmarks/extraction_bench.py; no rule names a site.
"""

from __future__ import annotations

import re
from copy import copy

from lxml.etree import Comment, ProcessingInstruction, strip_elements
from lxml.html import HtmlElement

_WORD = re.compile(r"\w+")
RECALL_GATE_CHARS = 3000
RECALL_GATE_PAGE_SHARE = 0.2
RECALL_ACCEPT_RATIO = 2.0
BOILERPLATE_MAX_CHARS = 120
_BOILERPLATE = re.compile(
    "|".join(
        [
            # teaser and cross-link headers, in the languages most news sites use them in
            r"^\s*(read more|read also|see more|see also|related( stories| articles| posts?| coverage)?"
            r"|recommended( for you)?|you (may|might) also like|don'?t miss|most (read|popular|viewed)( in [\w ]+)?"
            r"|also on [\w.]+|more on this|leggi anche|lesen sie auch|lire aussi|leia (também|mais)"
            r"|veja (também|mais))\b[\s:.…]*",
            r"^\s*(\d+\s+)?comments?\s*$|^\s*(leave|post|add|view|show) (a )?comments?\b|^\s*tell us what you think",
            r"^\s*(tags?|filed under|categories|topics)\s*[:|]?\s",
            r"^\s*(share (this|on|it)|like this (story|article)|tweet this|print (this )?article|order reprints)\b",
            r"^\s*(sign up|subscribe)\b.*\b(newsletter|inbox|email)|newsletter\s*$",
            r"^\s*follow (us|@|[\w ]{1,40} on (twitter|facebook|instagram))",
            r"^\s*(©|ⓒ|\(c\)|copyright\b)|all rights reserved",
            r"^\s*\(?(reporting|additional reporting|writing|editing) by\b"
            r"|contributed (to this report|reporting)\.?\s*$|^\s*contributing:",
            r"^\s*(source|sources|via)\s*:",
        ]
    ),
    re.IGNORECASE,
)


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _headlines(tree: HtmlElement) -> set[str]:
    found = {_words(v) for v in tree.xpath('//meta[@property="og:title" or @name="twitter:title"]/@content')}
    found |= {_words(v) for v in tree.xpath("//head/title/text()")}
    found |= {_words(h1.text_content()) for h1 in tree.xpath("//h1")}
    found.discard("")
    return found


def _without_comments(tree: HtmlElement) -> HtmlElement:
    """trafilatura's own parser drops HTML comments, which split text nodes; a plain lxml parse keeps them."""
    if next(tree.iter(Comment, ProcessingInstruction), None) is None:
        return tree
    tree = copy(tree)
    strip_elements(tree, Comment, ProcessingInstruction, with_tail=False)
    return tree


def extract_body(tree: HtmlElement, url: str | None = None) -> str:
    """The article text, one paragraph a line; trafilatura works on copies, so `tree` is left as it was."""
    from trafilatura import extract
    from trafilatura.baseline import html2txt

    tree = _without_comments(tree)
    text = extract(tree, url=url, fast=True, include_comments=False, favor_precision=True) or ""
    if len(text) < RECALL_GATE_CHARS and len(text) < RECALL_GATE_PAGE_SHARE * len(html2txt(tree)):
        fuller = extract(tree, url=url, fast=True, include_comments=False, favor_recall=True) or ""
        if len(fuller) > RECALL_ACCEPT_RATIO * len(text):
            text = fuller
    lines = [line for line in text.split("\n") if line.strip()]
    headlines = _headlines(tree)
    for _ in range(2):
        first = _words(lines[0]) if lines else ""
        if not first or not any(first == h or (len(first) >= 20 and first in h) for h in headlines):
            break
        lines.pop(0)
    kept = [line for line in lines if not (len(line) <= BOILERPLATE_MAX_CHARS and _BOILERPLATE.search(line))]
    return "\n".join(kept or lines)
