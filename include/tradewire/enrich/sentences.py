"""Sentences with their character spans, for evidence that points back into the article text.

A rule splitter, not a model: a sentence ends at ., ! or ? (then any closing quote or bracket)
followed by whitespace and a capital, a digit or an opening quote, unless the word before the
stop is an abbreviation (Mr., U.S., Jan., Corp.) or a lone initial. Paragraph breaks always end a
sentence. Good enough for news prose, and fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt", "st", "jr", "sr",
        "inc", "corp", "co", "ltd", "plc", "llc", "bros", "dept", "univ", "no", "nos", "vs", "v", "etc", "approx",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "ft", "mt", "pres", "adm",
    }
)  # fmt: skip
# a stop, closing punctuation, whitespace within the line, then something that can start a sentence; or a line
# break, which always ends a paragraph (a blank line too): one pass over the text finds both. Every alternative
# opens on a literal, so that re skips ahead to the next candidate fast.
_END = r"[\"'”’)\]]*(?=[^\S\n]+[\"'“‘(\[]?[A-Z0-9])"
_CUT = re.compile(rf"\.{_END}|!{_END}|\?{_END}|\n\s*\n|\n")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def _is_abbreviation(text: str, stop: int) -> bool:
    """Whether the '.' at `stop` closes an abbreviation or an initial rather than a sentence."""
    if text[stop] != ".":
        return False
    word_start = stop
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:stop]
    if not word:
        return False
    if "." in word:  # U.S., U.K., a.m.: dotted initialisms
        return True
    if len(word) == 1 and word.isupper():  # "Donald J. Trump"
        return True
    return word.lower() in _ABBREVIATIONS


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of `text` in order, each with its start and end offsets (whitespace trimmed)."""
    sentences: list[Sentence] = []
    start = 0
    for match in [*_CUT.finditer(text), None]:
        if match is None:
            end = resume = len(text)
        elif text[match.start()] != "\n":  # a stop
            if _is_abbreviation(text, match.start()):
                continue
            end = resume = match.end()
        else:
            end, resume = match.span()
        part = text[start:end]
        stripped = part.strip()  # the whitespace str.isspace() knows
        if stripped:
            first = start + len(part) - len(part.lstrip())
            sentences.append(Sentence(first, first + len(stripped), stripped))
        start = resume
    return sentences


def sentence_at(sentences: list[Sentence], offset: int) -> Sentence | None:
    """The sentence that holds character `offset`, by binary search over the ordered spans."""
    low, high = 0, len(sentences) - 1
    while low <= high:
        middle = (low + high) // 2
        sentence = sentences[middle]
        if offset < sentence.start:
            high = middle - 1
        elif offset >= sentence.end:
            low = middle + 1
        else:
            return sentence
    return None
