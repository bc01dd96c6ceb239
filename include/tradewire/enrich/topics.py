"""Trade topics from the YAML taxonomy: explainable term hits, title hits weighted up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from tradewire.enrich.shared_scan import lowered_hits
from tradewire.settings import CONFIG_DIR
from tradewire.yamlfile import read_yaml


@dataclass(frozen=True)
class Topic:
    id: str
    label: str


@dataclass(frozen=True)
class Term:
    text: str  # lower case, a stem without its *
    stem: bool
    strong: bool  # distinctive enough that one hit makes the topic
    topic: int  # index into Taxonomy.topics


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[Topic, ...]
    min_hits: float
    title_weight: float
    automaton: Any  # ahocorasick.Automaton: term text -> tuple of Terms (one per topic that lists it)


@dataclass(frozen=True)
class TopicHit:
    id: str
    score: float
    hits: int
    terms: tuple[str, ...]
    offsets: tuple[int, ...] = ()  # where the terms matched in the text; title hits are negative

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "score": self.score, "hits": self.hits, "evidence": list(self.terms),
                "offsets": list(self.offsets)}  # fmt: skip


@dataclass(frozen=True)
class TermMatch:
    start: int
    end: int
    term: Term


@lru_cache(maxsize=4)
def load_taxonomy(path: Path = CONFIG_DIR / "topics.yaml") -> Taxonomy:
    """The taxonomy with every term of every topic in one Aho-Corasick automaton (one pass over the text)."""
    import ahocorasick

    config = read_yaml(path)
    topics: list[Topic] = []
    by_text: dict[str, list[Term]] = {}
    for index, entry in enumerate(config["topics"]):
        topics.append(Topic(entry["id"], entry["label"]))
        strong = {str(t).lower() for t in entry.get("strong") or []}
        for raw in {str(t).lower() for t in entry["terms"]} | strong:
            term = Term(raw.rstrip("*"), raw.endswith("*"), raw in strong, index)
            by_text.setdefault(term.text, []).append(term)
    automaton = ahocorasick.Automaton()
    for text, terms in by_text.items():
        automaton.add_word(text, tuple(terms))
    automaton.make_automaton()
    return Taxonomy(tuple(topics), float(config.get("min_hits", 2)), float(config.get("title_weight", 3)), automaton)


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def term_matches(
    lower: str, taxonomy: Taxonomy | None = None, start: int = 0, end: int | None = None
) -> list[TermMatch]:
    """Taxonomy terms in lower-cased text[start:end] on word boundaries, a stem running to the end of its word;
    per topic the leftmost-longest, non-overlapping matches (what a regex alternation per topic would find)."""
    taxonomy = taxonomy or load_taxonomy()
    end = len(lower) if end is None else end
    if start == 0 and end == len(lower) and taxonomy is load_taxonomy():  # a whole text: the pass it shares
        found: Iterable[tuple[int, tuple[Term, ...]]] = (
            (last, terms) for last, (terms, _, _) in lowered_hits(lower) if terms is not None
        )
    else:
        found = taxonomy.automaton.iter(lower, start, end)
    candidates: list[TermMatch] = []
    for last, terms in found:
        first = last - len(terms[0].text) + 1
        if first > 0 and (lower[first - 1].isalnum() or lower[first - 1] == "_"):  # _word_char, inlined: per hit
            continue
        after = last + 1
        whole_word = after >= end or not (lower[after].isalnum() or lower[after] == "_")
        for term in terms:
            if term.stem:
                stop = after
                while stop < end and (_word_char(lower[stop]) or lower[stop] == "-"):
                    stop += 1
                candidates.append(TermMatch(first, stop, term))
            elif whole_word:
                candidates.append(TermMatch(first, after, term))
    candidates.sort(key=lambda m: (m.term.topic, m.start, -m.end))
    kept: list[TermMatch] = []
    for match in candidates:
        if kept and kept[-1].term.topic == match.term.topic and match.start < kept[-1].end:
            continue
        kept.append(match)
    return kept


def find_topics(title: str | None, text: str, taxonomy: Taxonomy | None = None) -> list[TopicHit]:
    """Topics whose weighted term hits reach min_hits, most certain first, with the terms and where they are."""
    taxonomy = taxonomy or load_taxonomy()
    head, body = (title or "").lower(), text.lower()
    shift = len(head) + 2  # title offsets are negative, as for places and countries
    in_title = [(m, m.start - shift, body) for m in term_matches(head, taxonomy)]
    per_topic: dict[int, list[tuple[TermMatch, int, str]]] = {}
    for match, offset, _ in in_title:
        per_topic.setdefault(match.term.topic, []).append((match, offset, head))
    for match in term_matches(body, taxonomy):
        per_topic.setdefault(match.term.topic, []).append((match, match.start, body))
    found = []
    for index, hits in per_topic.items():
        title_hits = sum(1 for _, offset, _ in hits if offset < 0)
        weighted = taxonomy.title_weight * title_hits + (len(hits) - title_hits)
        if any(match.term.strong for match, _, _ in hits):
            weighted = max(weighted, taxonomy.min_hits)
        if weighted < taxonomy.min_hits:
            continue
        terms = tuple(sorted({source[m.start : m.end] for m, _, source in hits}))
        offsets = tuple(sorted(offset for _, offset, _ in hits))
        score = round(1 - 0.5 ** (weighted / taxonomy.min_hits), 4)
        found.append(TopicHit(taxonomy.topics[index].id, score, len(hits), terms, offsets))
    return sorted(found, key=lambda t: (-t.score, t.id))
