"""Dates in news text, resolved against the publication date: "on Thursday", "Oct. 9", "next month", "mid-2026".

One compiled regex finds the expressions; each is resolved from the publication day and the tense
of the words around it ("will", "from", "takes effect" look ahead; "said", "met", "-ed" look back).
A date without a year goes to the year that puts it nearest the publication day in the tense's
direction. Month, quarter and year mentions resolve to their first day with a coarser granularity.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import ahocorasick

from tradewire.enrich.sentences import Sentence, split_sentences

_MONTH_NUMBERS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
    "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_COUNTS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "several": 3, "a few": 3, "few": 3,
}  # fmt: skip

# abbreviated months take a dot or nothing; "May" alone is checked for context (it is also a modal verb)
_MON = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?"
    r"|Sep(?:tember|t\.?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_MON_FULL = r"(?:January|February|March|April|May|June|July|August|September|Sept|October|November|December)"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MOD = r"(?:[Ee]arly|[Mm]id|[Ll]ate|(?:the\s+)?(?:[Ee]nd|[Ss]tart|[Bb]eginning|[Mm]iddle)\s+of)"
_YEAR = r"(?:19[5-9]\d|20\d\d)"
_DIRS = (
    r"(?:[Nn]ext|[Ll]ast|[Tt]his|the\s+coming|the\s+past|the\s+previous|the\s+following|earlier\s+this|later\s+this)"
)
_DATE = re.compile(
    rf"(?P<iso>\b(?P<iy>{_YEAR})-(?P<im>[01]\d)-(?P<id>[0-3]\d)\b)"
    rf"|(?P<mdy>\b(?:{_WD},?\s+)?(?P<m1>{_MON})\s?(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?\b(?!\s?%|[.,]\d)"
    rf"(?:,?\s+(?P<y1>{_YEAR})\b)?)"
    rf"|(?P<dmy>\b(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MON})(?![a-z])(?:,?\s+(?P<y2>{_YEAR})\b)?)"
    rf"|(?P<quarter>\b(?:(?P<qdir>{_DIRS})\s+)?(?:the\s+)?(?P<qn>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]quarter"
    rf"(?:\s+of\s+(?P<qy>{_YEAR}))?\b|\bQ(?P<qn2>[1-4])(?:\s?(?P<qy2>{_YEAR}))?\b)"
    rf"|(?P<month>\b(?:(?P<mmod>{_MOD})[\s-]+)?(?:(?P<mdir>{_DIRS})\s+)?(?P<m3>{_MON_FULL})\b(?:,?\s+(?P<y3>{_YEAR})\b)?)"
    rf"|(?P<rel>\b(?:(?P<rmod>{_MOD})[\s-]+)?(?:(?P<rdir>{_DIRS})|(?<=of\s)the(?!\s+\w+\s+(?:in\s+which|during\s+which|when|that|after|before|following)\b))"
    r"\s+(?P<runit>week|month|quarter|year)\b)"
    rf"|(?P<year>\b(?:(?P<ymod>{_MOD})[\s-]+)?(?<![$€£¥.,\d])(?P<y4>{_YEAR})\b(?![%\-/]|[.,]\d|\s?(?:per\s?cent|percent)))"
    rf"|(?P<day>\b(?i:yesterday|today|tomorrow|tonight)\b)"
    rf"|(?P<ago>\b(?P<an>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|several|a\s+few)\s+"
    rf"(?P<au>day|week|month|year)s?\s+ago\b)"
    rf"|(?P<weekday>\b(?:(?P<wdir>[Nn]ext|[Ll]ast|[Tt]his(?:\s+past|\s+coming)?|[Cc]oming)\s+)?(?P<wd>{_WD})\b)"
)
# words that set the tense of a date near them (matched case-insensitively, on word boundaries)
_FUTURE_WORDS = (
    "will", "won't", "would", "shall", "'ll", "is due", "are due", "due to", "is set to", "are set to", "scheduled",
    "plan to", "plans to", "planning to", "planned", "expected to", "intend to", "intends to", "aim to", "aims to",
    "going to", "upcoming", "take effect", "takes effect", "come into", "comes into", "kick in", "kicks in", "next",
    "coming", "ahead of", "until", "deadline",
)  # fmt: skip
_PAST_WORDS = (
    "said", "says", "told", "met", "was", "were", "had", "did", "took", "began", "begun", "rose", "fell", "held",
    "made", "came", "went", "gave", "saw", "spoke", "struck", "grew", "won", "lost", "left", "sent", "paid", "sold",
    "bought", "led", "agreed", "earlier", "ago", "last", "since",
)  # fmt: skip
# "-ed" words that are not past verbs here ("expected to" looks ahead; "United", "based" tell nothing)
_NOT_PAST = frozenset(
    [
        "based",
        "related",
        "limited",
        "proposed",
        "advanced",
        "called",
        "detailed",
        "skilled",
        "united",
        "unprecedented",
        "expected",
        "scheduled",
        "planned",
        "needed",
        "speed",
        "indeed",
        "hundred",
    ]
)
_ED = re.compile(r"ed\b")
_ANCHOR_WORDS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "yesterday", "today", "tomorrow", "tonight",
    "week", "weeks", "month", "months", "year", "years", "quarter", "quarters", "q1", "q2", "q3", "q4",
)  # fmt: skip
_YEARISH = re.compile(r"(?:19|20)\d\d")


@lru_cache(maxsize=1)
def _automaton() -> Any:
    """One Aho-Corasick automaton for date anchors and tense words: a single pass over the lower-cased text."""
    automaton = ahocorasick.Automaton()
    for word in _ANCHOR_WORDS:
        automaton.add_word(word, (word, "anchor"))
    for tense, words in (("future", _FUTURE_WORDS), ("past", _PAST_WORDS)):
        for word in words:
            automaton.add_word(word, (word, tense))
    automaton.make_automaton()
    return automaton


def lowered(text: str) -> str:
    """`text` lower-cased with the same length (offsets stay valid) and whitespace as plain spaces."""
    low = text.lower()
    if len(low) != len(text):  # a few characters grow when lower-cased ("İ"): keep those as they are
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    for space in "\n\t\r\u00a0":  # str.replace is far faster than translate() with a table
        if space in low:
            low = low.replace(space, " ")
    return low


def _scan(text: str, low: str) -> tuple[list[int], list[tuple[int, int, str]]]:
    """Anchor offsets where a date may be, and (start, end, tense) of the tense words, both in text order."""
    anchors: list[int] = []
    cues: list[tuple[int, int, str]] = []
    for last, (word, role) in _automaton().iter(low):
        start = last - len(word) + 1
        if word[0].isalnum() and start and low[start - 1].isalnum():
            continue
        if last + 1 < len(low) and low[last + 1].isalnum():
            continue
        if role == "anchor":
            anchors.append(start)
        else:
            cues.append((start, last + 1, role))
    for match in _YEARISH.finditer(text):
        start = match.start()
        if (start == 0 or not text[start - 1].isdigit()) and not text[match.end() : match.end() + 1].isdigit():
            anchors.append(start)
    for match in _ED.finditer(low):
        start = match.start()
        while start and low[start - 1].isalpha():
            start -= 1
        word = low[start : match.end()]
        if len(word) >= 5 and word[-3] != "e" and word not in _NOT_PAST and text[start].islower():
            cues.append((start, match.end(), "past"))
    anchors.sort()
    cues.sort()
    return anchors, cues


# a date right after these is when something starts: read it as future unless it opens a range ("from May to July")
_STARTS = re.compile(
    r"(?i:\b(?:from|starting(?:\s+(?:on|from|in))?|effective(?:\s+(?:on|from))?|beginning(?:\s+(?:on|in))?|as\s+of|"
    r"(?:takes?|taking)\s+effect(?:\s+(?:on|from))?|due\s+(?:on|in|by))\s+)$"
)
_RANGE_AFTER = re.compile(r"^\s*(?:to|through|until|till|and|-|–)\s")
_PREPOSITIONS = frozenset(
    [
        "in",
        "since",
        "until",
        "by",
        "from",
        "during",
        "through",
        "of",
        "before",
        "after",
        "between",
        "and",
        "or",
        "to",
        "early",
        "late",
        "mid",
        "last",
        "next",
        "this",
    ]
)


@dataclass(frozen=True)
class ResolvedDate:
    date: date
    granularity: str  # day | week | month | quarter | year


@dataclass(frozen=True)
class DateMention:
    text: str
    start: int
    end: int
    date: date
    granularity: str
    tense: str  # past | future | unknown: from the words near the date, else from the resolved date

    def as_dict(self) -> dict[str, object]:
        return {
            "text": self.text, "start": self.start, "end": self.end, "date": self.date.isoformat(),
            "granularity": self.granularity, "tense": self.tense,
        }  # fmt: skip


def _month(token: str) -> int:
    return _MONTH_NUMBERS[token[:3].lower()]


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _pick(candidates: list[tuple[date, date]], published: date, tense: str, guard: bool = True) -> date:
    """The candidate span (first day, last day) nearest to `published` in the tense's direction.

    A past reading more than ~6 months back when a future one is within 6 weeks (or the other way round)
    is taken to be a tense misread: news dates cluster around the publication day ("said ... November 1",
    "first-quarter results will show"). Not for bare months: "will ... in May" said in June is next May.
    """
    past = [c for c in candidates if c[0] <= published]
    future = [c for c in candidates if c[1] >= published]
    best_past = max(past, key=lambda c: c[0]) if past else None
    best_future = min(future, key=lambda c: c[0]) if future else None

    def distance(span: tuple[date, date]) -> int:
        return (
            0
            if span[0] <= published <= span[1]
            else min(abs((span[0] - published).days), abs((span[1] - published).days))
        )

    if tense == "past" and best_past:
        if best_future and guard and distance(best_past) > 180 and distance(best_future) < 45:
            return best_future[0]
        return best_past[0]
    if tense == "future" and best_future:
        if best_past and guard and distance(best_future) > 180 and distance(best_past) < 45:
            return best_past[0]
        return best_future[0]
    return min(candidates, key=lambda c: (distance(c), c[0] > published))[0]


def _direction(word: str | None) -> int:
    """-1 for last/past/previous, +1 for next/coming/following, 0 for this (or none)."""
    if not word:
        return 0
    word = word.lower()
    if word.startswith(("last", "the past", "the previous", "this past")):
        return -1
    if word.startswith(("next", "the coming", "the following", "coming", "this coming")):
        return 1
    return 0


def _resolve_match(m: re.Match[str], published: date | None, tense: str) -> ResolvedDate | None:
    kind = m.lastgroup
    if kind == "iso":
        day = _safe(int(m["iy"]), int(m["im"]), int(m["id"]))
        return ResolvedDate(day, "day") if day else None
    if kind in ("mdy", "dmy"):
        month = _month(m["m1"] or m["m2"])
        day_number = int(m["d1"] or m["d2"])
        year_text = m["y1"] or m["y2"]
        if year_text:
            day = _safe(int(year_text), month, day_number)
            return ResolvedDate(day, "day") if day else None
        if published is None or not 1 <= day_number <= 31:
            return None
        spans = [
            (d, d)
            for y in (published.year - 1, published.year, published.year + 1)
            if (d := _safe(y, month, day_number))
        ]
        return ResolvedDate(_pick(spans, published, tense), "day") if spans else None
    if kind == "month":
        month = _month(m["m3"])
        if m["y3"]:
            return ResolvedDate(date(int(m["y3"]), month, 1), "month")
        if published is None:
            return None
        direction = _direction(m["mdir"])
        years = (published.year - 1, published.year, published.year + 1)
        spans = [(date(y, month, 1), _month_end(y, month)) for y in years]
        if direction < 0:
            spans = [s for s in spans if s[0] < date(published.year, published.month, 1)]
            return ResolvedDate(max(spans)[0], "month")
        if direction > 0:
            spans = [s for s in spans if s[0] > published]
            return ResolvedDate(min(spans)[0], "month")
        return ResolvedDate(_pick(spans, published, tense, guard=False), "month")
    if kind == "quarter":
        number = int(m["qn2"]) if m["qn2"] else _ORDINALS[m["qn"].lower()]
        year_text = m["qy"] or m["qy2"]
        if year_text:
            return ResolvedDate(date(int(year_text), 3 * number - 2, 1), "quarter")
        if published is None:
            return None
        spans = [
            (date(y, 3 * number - 2, 1), _month_end(y, 3 * number))
            for y in (published.year - 1, published.year, published.year + 1)
        ]
        direction = _direction(m["qdir"])
        if direction:
            this_quarter = date(published.year, 3 * ((published.month - 1) // 3) + 1, 1)
            spans = [s for s in spans if (s[0] < this_quarter if direction < 0 else s[0] > published)]
            return ResolvedDate((max(spans) if direction < 0 else min(spans))[0], "quarter")
        return ResolvedDate(_pick(spans, published, "past" if tense == "unknown" else tense), "quarter")
    if kind == "year":
        return ResolvedDate(date(int(m["y4"]), 1, 1), "year")
    if published is None:
        return None
    if kind == "rel":
        unit, direction = m["runit"], _direction(m["rdir"])
        if unit == "week":
            monday = published - timedelta(days=published.weekday())
            return ResolvedDate(monday + timedelta(weeks=direction), "week")
        if unit == "month":
            index = published.year * 12 + published.month - 1 + direction
            return ResolvedDate(date(index // 12, index % 12 + 1, 1), "month")
        if unit == "quarter":
            index = published.year * 4 + (published.month - 1) // 3 + direction
            return ResolvedDate(date(index // 4, 3 * (index % 4) + 1, 1), "quarter")
        return ResolvedDate(date(published.year + direction, 1, 1), "year")
    if kind == "day":
        word = m["day"].lower()
        shift = -1 if word == "yesterday" else 1 if word == "tomorrow" else 0
        return ResolvedDate(published + timedelta(days=shift), "day")
    if kind == "ago":
        count = int(m["an"]) if m["an"].isdigit() else _COUNTS.get(" ".join(m["an"].lower().split()), 1)
        unit = m["au"]
        if unit == "day":
            return ResolvedDate(published - timedelta(days=count), "day")
        if unit == "week":
            back = published - timedelta(weeks=count)
            return ResolvedDate(back - timedelta(days=back.weekday()), "week")
        if unit == "month":
            index = published.year * 12 + published.month - 1 - count
            return ResolvedDate(date(index // 12, index % 12 + 1, 1), "month")
        return ResolvedDate(date(published.year - count, 1, 1), "year")
    if kind == "weekday":
        weekday = _WEEKDAYS[m["wd"][:3].lower()]
        direction = _direction(m["wdir"])
        delta = weekday - published.weekday()
        if direction > 0 or (direction == 0 and tense == "future"):
            # "next Thursday" said on a Thursday is a week on; a plain future "Thursday" then is today
            days = delta % 7 or (7 if direction > 0 else 0)
        else:
            days = -((-delta) % 7 or (7 if direction < 0 else 0))
        return ResolvedDate(published + timedelta(days=days), "day")
    return None


def resolve_date(expression: str, published: date, tense: str = "past") -> ResolvedDate | None:
    """Resolve one date expression ("on Thursday", "Oct. 9", "next month", "mid-2026") against `published`.

    `tense` is "past", "future" or "unknown" (nearest); words in the expression (next, last, ago) win over it.
    """
    match = _DATE.search(expression)
    if match is None:
        return None
    return _resolve_match(match, published, tense)


def _tense_near(
    text: str, start: int, end: int, low: int, high: int, cues: list[tuple[int, int, str]], cue_starts: list[int]
) -> str:
    """The tense of the nearest tense word within [low, high) around the span [start, end)."""
    before = text[max(low, start - 40) : start]
    starts = _STARTS.search(before)
    if starts and not _RANGE_AFTER.match(text[end : end + 12]):
        return "future"
    best: tuple[float, str] | None = None
    first = bisect_left(cue_starts, max(low, start - 160))
    last = bisect_left(cue_starts, min(high, end + 100))
    for cue_start, cue_end, tense in cues[first:last]:
        if start <= cue_start < end:  # "last week": the expression's own words are handled by the resolver
            continue
        distance = start - cue_end if cue_end <= start else (cue_start - end) * 1.5
        if best is None or distance < best[0]:
            best = (distance, tense)
    return best[1] if best else "unknown"


def _word_starts_before(text: str, at: int, words: int = 3, reach: int = 25) -> list[int]:
    """Starts of up to `words` words before `at` (nearest first), for modifiers like "early next" or "Thursday,"."""
    found: list[int] = []
    limit = max(0, at - reach)
    i = at
    while len(found) < words:
        j = i - 1
        while j >= limit and text[j] in " ,-\u00a0":
            j -= 1
        if j < limit or not (text[j].isalnum() or text[j] == "."):
            break
        while j > limit and (text[j - 1].isalnum() or text[j - 1] in ".'’"):
            j -= 1
        found.append(j)
        i = j
    return found


def _plausible(m: re.Match[str], text: str) -> bool:
    """Reject "May" the verb and a bare month without a preposition or modifier before it."""
    if m.lastgroup != "month" or m["mmod"] or m["mdir"] or m["y3"]:
        return True
    if m["m3"] != "May":
        return True
    previous = text[max(0, m.start() - 15) : m.start()].split()
    return bool(previous) and previous[-1].lower() in _PREPOSITIONS


@lru_cache(maxsize=1)
def date_pattern() -> re.Pattern[str]:
    """The compiled date regex (exposed for modules that want to know where dates are)."""
    return _DATE


def find_dates(text: str, published: date | None, sentences: list[Sentence] | None = None) -> list[DateMention]:
    """Date expressions in `text` with their resolved dates, in text order.

    Expressions that need the publication day (weekdays, "next month", a day without a year) are
    skipped when `published` is None. `sentences` (from split_sentences) saves splitting again.
    One Aho-Corasick pass finds month, weekday and year anchors; the full regex runs only there.
    """
    anchors, cues = _scan(text, lowered(text))
    if not anchors:
        return []
    cue_starts = [c[0] for c in cues]
    sentences = sentences if sentences is not None else split_sentences(text)
    bounds = [s.start for s in sentences]
    found: list[DateMention] = []
    last_end = 0
    for anchor in anchors:
        if anchor < last_end:
            continue
        match = None
        for candidate in [*reversed(_word_starts_before(text, anchor)), anchor]:
            if candidate < last_end:
                continue
            attempt = _DATE.match(text, candidate)
            if attempt and attempt.end() > anchor:
                match = attempt
                break
        if match is None or not _plausible(match, text):
            continue
        start, end = match.span()
        last_end = end
        index = bisect_right(bounds, start) - 1
        sentence = sentences[index] if index >= 0 else None
        low, high = (sentence.start, sentence.end) if sentence else (0, len(text))
        tense = _tense_near(text, start, end, low, high, cues, cue_starts)
        resolved = _resolve_match(match, published, tense)
        if resolved is None:
            continue
        if tense == "unknown" and published is not None and resolved.date != published:
            tense = "future" if resolved.date > published else "past"  # "next month", "last year": the words say
        found.append(DateMention(match.group(0), start, end, resolved.date, resolved.granularity, tense))
    return found
