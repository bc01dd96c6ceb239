"""Country dyads: unordered pairs of countries named in the same sentence, with topics and tone.

A pair (a < b by ISO3) counts once per sentence naming both. Sentences naming four or more countries
are lists ("exports to Japan, Korea, Taiwan and Vietnam"), not interactions: they count only for a pair
no other sentence joins. A person whose country is known (people enricher: Trump -> USA) also stands
for that country in the sentences where they are named, as CAMEO codes actors by country; pass
`people` to use this. A dyad's topics are the taxonomy topics (config/topics.yaml) whose terms occur in
its sentences, kept to the article's own topics when `topics` is given (one Aho-Corasick pass); its tone and
conflict_cooperation are the means of tone.sentence_tone over those sentences.

Country offsets index the text (title mentions are negative and ignored here); a country dict without
offsets is located with the countries enricher, or by its name.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from tradewire.enrich.sentences import Sentence, split_sentences
from tradewire.enrich.tone import sentence_tone
from tradewire.enrich.topics import load_taxonomy, term_matches

_LIST_SIZE = 4  # countries in one sentence from which it reads as a list


@dataclass(frozen=True)
class Dyad:
    a: str
    b: str
    mentions: int
    topics: tuple[str, ...]
    tone: float
    conflict_cooperation: float
    evidence: tuple[tuple[int, int, str], ...]  # (start, end, sentence text)

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": self.a, "b": self.b, "mentions": self.mentions, "topics": list(self.topics), "tone": self.tone,
            "conflict_cooperation": self.conflict_cooperation,
            "evidence": [{"start": s, "end": e, "text": t} for s, e, t in self.evidence],
        }  # fmt: skip


def _sentence_topics(lower: str, start: int, end: int) -> set[str]:
    """Topic ids whose terms occur in lower[start:end] (the taxonomy's own automaton: one pass, no regexes)."""
    taxonomy = load_taxonomy()
    return {taxonomy.topics[match.term.topic].id for match in term_matches(lower, taxonomy, start, end)}


def _offsets(text: str, countries: list[dict[str, Any]]) -> dict[str, list[int]]:
    """ISO3 -> offsets in the text: the dicts' own, else the country matcher's, else the name's."""
    found: dict[str, list[int]] = {}
    missing: list[dict[str, Any]] = []
    for country in countries:
        iso3 = country.get("iso3")
        if not iso3:
            continue
        offsets = country.get("offsets")
        if offsets is None:
            missing.append(country)
        else:
            found.setdefault(iso3, []).extend(_without_venues(text, [o for o in offsets if o >= 0]))
    if missing:
        from tradewire.enrich.countries import find_countries

        wanted = {c["iso3"] for c in missing}
        for mention in find_countries(None, text):
            if mention.iso3 in wanted:
                found.setdefault(mention.iso3, []).extend(o for o in mention.offsets if o >= 0)
        for country in missing:
            name = country.get("name")
            if country["iso3"] not in found and name:
                offsets = [m.start() for m in re.finditer(rf"\b{re.escape(name)}\b", text)]
                if offsets:
                    found[country["iso3"]] = offsets
    return found


# a country named as where something happens is a venue, not a party: "will meet in South Korea",
# "talks in the Malaysian capital" ("to" and "from" stay: "exports to China" is an interaction)
_VENUE_BEFORE = re.compile(r"\b(?:in|at|near|outside|inside|across|around)\s+(?:the\s+)?$", re.IGNORECASE)
_VENUE_AFTER = re.compile(r"^[\w-]*\s+(?:capital|city|port|town|province|state|border|soil|waters)\b")


_MENTION = re.compile(r"[\w.'’-]+(?:\s+[A-Z][\w.'’-]*)*")
# "a rise in Chinese imports": after "in" but about the country's goods, firms or people, so a party
_PARTY_NOUN = re.compile(
    r"\s+(?:imports?|exports?|goods|firms?|companies|products?|markets?|investment|investors?|officials?|"
    r"government|authorities|demand|buyers?|suppliers?|producers?|exporters?|importers?|steel|cars?|vehicles?|"
    r"economy|counterparts?|negotiators?|leaders?)\b"
)


def _without_venues(text: str, offsets: list[int]) -> list[int]:
    """The offsets that are not venues ("will meet in South Korea", "talks in the Malaysian capital")."""
    kept = []
    for offset in offsets:
        if _VENUE_BEFORE.search(text[max(0, offset - 12) : offset]):
            mention = _MENTION.match(text, offset)
            rest = text[mention.end() : mention.end() + 40] if mention else ""
            if _VENUE_AFTER.match(text[offset : offset + 40]) or not _PARTY_NOUN.match(rest):
                continue
        kept.append(offset)
    return kept


def _sentence_index(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset) - 1


def find_dyads(
    text: str,
    countries: list[dict[str, Any]],
    topics: list[dict[str, Any]] | None = None,
    sentences: list[Sentence] | None = None,
    people: Iterable[dict[str, Any]] | None = None,
) -> list[Dyad]:
    """Country pairs that share sentences, most co-mentioned first."""
    offsets = _offsets(text, countries)
    # the actors: countries the story is about (a passing mention, a venue or a list member is not; countries
    # without an `about` verdict all count) and the countries of the people it names
    actors = {c["iso3"] for c in countries if c.get("about", True)}
    for person in people or ():
        iso3 = person.get("country_iso3")
        if iso3:
            offsets.setdefault(iso3, []).extend(o for o in person.get("offsets") or () if o >= 0)
            actors.add(iso3)
    offsets = {iso3: found for iso3, found in offsets.items() if iso3 in actors}
    if len(offsets) < 2:
        return []
    sentences = sentences if sentences is not None else split_sentences(text)
    starts = [s.start for s in sentences]
    members: dict[int, set[str]] = {}
    for iso3, positions in offsets.items():
        for offset in positions:
            index = _sentence_index(starts, offset)
            if index >= 0 and offset < sentences[index].end:
                members.setdefault(index, set()).add(iso3)
    pairs: dict[tuple[str, str], list[int]] = {}
    listed: dict[tuple[str, str], list[int]] = {}
    for index in sorted(members):
        group = members[index]
        if len(group) < 2:
            continue
        target = listed if len(group) >= _LIST_SIZE else pairs
        for pair in combinations(sorted(group), 2):
            target.setdefault(pair, []).append(index)
    for pair, indexes in listed.items():
        pairs.setdefault(pair, indexes)  # a list sentence only for a pair nothing else joins
    if not pairs:
        return []

    allowed = {t["id"] for t in topics} if topics is not None else None
    sentence_topics: dict[int, set[str]] = {}
    sentence_scores: dict[int, tuple[float, float]] = {}
    lower = text.lower()
    if len(lower) != len(text):  # a few characters grow when lower-cased (İ): keep offsets aligned
        lower = "".join(c.lower()[:1] for c in text)
    for index in {i for indexes in pairs.values() for i in indexes}:
        sentence = sentences[index]
        found = _sentence_topics(lower, sentence.start, sentence.end)
        sentence_topics[index] = found if allowed is None else found & allowed
        sentence_scores[index] = sentence_tone(sentence.text)

    dyads = []
    for (a, b), indexes in pairs.items():
        count = len(indexes)
        topic_ids: set[str] = set().union(*(sentence_topics[i] for i in indexes))
        dyads.append(
            Dyad(
                a=a,
                b=b,
                mentions=count,
                topics=tuple(sorted(topic_ids)),
                tone=round(sum(sentence_scores[i][0] for i in indexes) / count, 4),
                conflict_cooperation=round(sum(sentence_scores[i][1] for i in indexes) / count, 4),
                evidence=tuple((sentences[i].start, sentences[i].end, sentences[i].text) for i in indexes[:3]),
            )
        )
    return sorted(dyads, key=lambda d: (-d.mentions, d.a, d.b))
