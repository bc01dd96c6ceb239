"""Cleaning plain-text dumps of news pages ("save as text"): title, byline, date and body without page junk.

The dump layout varies by outlet, so the rules are about kinds of lines
(breadcrumbs, bylines, copyright, share prompts, teaser headings), not about
any one site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher

from tradewire.clean.authors import clean_authors

_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_DATE = re.compile(
    rf"(\d{{4}}-\d{{2}}-\d{{2}}(?:[T ][\d:.]+(?:Z|[+-]\d{{2}}:?\d{{2}})?)?"
    rf"|\d{{1,2}} (?:{_MONTHS})[a-z]* \d{{4}}(?:,? \d{{1,2}}:\d{{2}}(?: ?(?:GMT|UTC)? ?[+-]\d{{1,2}}(?::?\d{{2}})?)?)?"
    rf"|(?:{_MONTHS})[a-z]* \d{{1,2}},? \d{{4}})",
    re.I,
)
_BREADCRUMB = re.compile(r"^(home(page)?|start|news)\s*[/>›»|]", re.I)
_COPYRIGHT = re.compile(r"^(copyright\b|©|\(c\)\s)", re.I)
_PROMPT = re.compile(
    r"^(share( this( article| story)?)?\b|follow us\b|subscribe\b|sign up\b|tags?:|topics?:|"
    r"advertisement$|click here\b|download (our|the) app\b|listen to this article\b)",
    re.I,
)
_TEASER_HEADING = re.compile(
    r"^(guess you like|read more|related( stories| articles| news| content)?:?|more from\b|you may also like|"
    r"recommended( for you)?|most (read|popular)|more stories|trending|also read)\s*:?$",
    re.I,
)
# "Read more: <another story's headline>" inside the body: a link to elsewhere, not text of this story
_INLINE_TEASER = re.compile(r"^(read (more|also)|also read|see also|related|more on this|recommended)\s*:\s*\S", re.I)
_TRAILER = re.compile(r"\s*(more to follow\.*|\(?developing story\)?|this story is developing\.?)\s*$", re.I)
_BYLINE_LABEL = re.compile(r"^(by|author:|written by|reporting by)\s", re.I)
_PUBLISHED_LABEL = re.compile(r"^(published|updated|posted|date)\s*:?", re.I)


@dataclass
class DumpArticle:
    title: str | None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    text: str = ""
    tags: list[str] = field(default_factory=list)


def _normalize_date(raw: str) -> str:
    raw = raw.strip()
    timed = _TIMED.match(raw)
    if timed:
        day, clock, sign, hours, minutes = timed.groups()
        offset = f"{sign}{int(hours):02d}:{minutes or '00'}" if sign else "+00:00"
        return f"{_normalize_date(day)}T{int(clock.split(':')[0]):02d}:{clock.split(':')[1]}:00{offset}"
    for fmt in ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y"):
        try:
            return datetime.strptime(raw.replace("Sept", "Sep"), fmt).date().isoformat()
        except ValueError:
            continue
    return raw.replace(" ", "T", 1) if re.match(r"\d{4}-\d{2}-\d{2} \d", raw) else raw


_TIMED = re.compile(r"^(.+?\d{4}),? (\d{1,2}:\d{2})(?: ?(?:GMT|UTC)? ?([+-])(\d{1,2}):?(\d{2})?)?$")


def _same(a: str, b: str) -> bool:
    """Two lines are the same headline, allowing small edits (the <title> and the h1 often differ a little)."""
    x, y = re.sub(r"\W+", " ", a).lower().strip(), re.sub(r"\W+", " ", b).lower().strip()
    return x == y or (min(len(x), len(y)) > 20 and SequenceMatcher(None, x, y).ratio() >= 0.85)


def clean_text_dump(text: str) -> DumpArticle:
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return DumpArticle(title=None)
    title = lines[0]
    head, _, tail = title.rpartition(" | ")
    if head and len(tail.split()) <= 5:  # "Headline | Outlet"
        title = head.strip()
    for line in lines[1:8]:  # the page's own headline, repeated below the <title>, is the better one
        if _same(line, title):
            title = line
    article = DumpArticle(title=title)
    body: list[str] = []
    for line in lines:
        if _TEASER_HEADING.match(line) and body:
            break
        if _same(line, title) or _same(line.rpartition(" | ")[0], title):
            continue
        if _BREADCRUMB.match(line) or (re.search(r"\s[/>›»]\s", line) and line.endswith(title)):
            continue
        if _COPYRIGHT.match(line):
            continue
        if line.lower().startswith(("tags:", "tag:")):
            article.tags = [t.strip() for t in line.split(":", 1)[1].split(",") if t.strip()]
            continue
        if _PROMPT.match(line) or _INLINE_TEASER.match(line):
            continue
        if not body and _is_byline(line, article):
            continue
        if _PUBLISHED_LABEL.match(line) and _DATE.search(line) and len(line) < 80:
            article.published = article.published or _normalize_date(_DATE.search(line).group(1))  # type: ignore[union-attr]
            continue
        body.append(line)
    if body:
        body[-1] = _TRAILER.sub("", body[-1])
        if not body[-1]:
            body.pop()
    article.text = "\n\n".join(body)
    return article


def _is_byline(line: str, article: DumpArticle) -> bool:
    """A short line before the body that carries names and/or a date: take what it says, then drop it."""
    if len(line) > 160:
        return False
    date = _DATE.search(line)
    label = _BYLINE_LABEL.match(line)
    if not date and not label:
        return False
    names_part = line
    if date:
        names_part = line[: date.start()]
        article.published = article.published or _normalize_date(date.group(1))
    names_part = re.sub(r"(updated|published|posted)\s*:?\s*$", "", names_part.split("|")[0], flags=re.I)
    names_part = re.sub(r"[^\w\s,;&'.\-]", " ", names_part)
    names = clean_authors(names_part)
    if names and not article.authors:
        article.authors = names
    return bool(names) or bool(date and len(line) < 60)
