"""Country dyads: unordered pairs of countries that interact in a sentence, with topics and tone.

A pair (a < b by ISO3) is a dyad when at least one sentence naming both tells something between them,
not merely names them side by side: a link between the two mentions ("tariffs on China", "exports to
Japan", "talks with Tokyo", "Japan warned the United States", "U.S.-Japan"), two countries joined as
the subjects of a reciprocal act ("India and Britain signed", "the war between Iran and Iraq"), one
country's measure in a sentence naming the other ("China's export controls ... carmakers from Germany"),
or a sentence naming only those two countries near a term of trade policy (config/topics.yaml) or of
dealings ("the two countries"). Lists ("exports to Japan, Korea, Taiwan and Vietnam"), rivals ("Brazil
overtook the United States", "while"), parallel clauses ("one from France and the other from Britain"),
a quotation and its speaker, cities (they tell where) and the dateline tell no interaction. A dyad's
`mentions` counts every sentence naming both; its evidence lists the interacting sentences first.

A person whose country is known (people enricher: Trump -> USA) also stands for that country in the
sentences where they are named, as CAMEO codes actors by country; pass `people` to use this. The EU
(EUU, an actor code of EU officials) is a bloc, not a country: it makes no dyad. A dyad's topics are the
taxonomy topics whose terms occur in its sentences, kept to the article's own topics when `topics` is
given (one Aho-Corasick pass); its tone and conflict_cooperation are the means of tone.sentence_tone
over those sentences. Wire copy wrapped at hard line breaks is rejoined into sentences first.

Country offsets index the text (title mentions are negative and ignored here); a country dict without
offsets is located with the countries enricher, or by its name.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Any

from tradewire.enrich.events import dateline_end, rejoin_lines
from tradewire.enrich.sentences import Sentence, split_sentences
from tradewire.enrich.tone import sentence_tone
from tradewire.enrich.topics import load_taxonomy, term_matches

_BLOCS = frozenset({"EUU"})  # actor codes of blocs: no ISO3 country, no dyad
# topics about dealings between countries (not goods or sectors: "a Ukrainian cargo at a Russian port")
_RELATIONAL_TOPICS = frozenset(
    {"tariffs", "export_controls", "sanctions", "trade_agreement", "trade_talks", "trade_dispute", "trade_balance",
     "investment", "diplomacy"}
)  # fmt: skip
_SPAN = 100  # characters between two mentions beyond which a link is not read
_CUE_AFTER = 70  # characters after "A and B" in which their shared act is looked for


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


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    iso3: str


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
# ... but the country a war or an attack is in is a party to it: "Russia's war in Ukraine"
_WAR_IN = re.compile(
    r"(?i:\b(?:war|invasion|conflict|fighting|attacks?|aggression|troops|forces|offensive|incursion|intervention|"
    r"occupation)\s+(?:in|inside)\s+(?:the\s+)?$)"
)


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
        before = text[max(0, offset - 40) : offset]
        if _VENUE_BEFORE.search(before[-12:]) and not _WAR_IN.search(before):
            mention = _MENTION.match(text, offset)
            rest = text[mention.end() : mention.end() + 40] if mention else ""
            if _VENUE_AFTER.match(text[offset : offset + 40]) or not _PARTY_NOUN.match(rest):
                continue
        kept.append(offset)
    return kept


# ---- what makes a shared sentence an interaction ------------------------------------------------------------

# a clause or comparison between two mentions: what follows is said of the second apart from the first
_BREAK = re.compile(
    r"(?i:[;:]|\b(?:while|whereas|than|compared|unlike|but|however|meanwhile|overtak\w*|outpac\w*|outstrip\w*|"
    r"rivals?|compet\w*|uncompetitive|instead|similar|likewise|respectively)\b)"
)
_QUOTE = re.compile(r"[\"“”«»„]")
# a preposition right before the second mention ties it to the first: "tariffs on China", "talks with Tokyo"
_LINK_BEFORE = re.compile(
    r"(?i:\b(?:(?<!along\s)with|to|from|against|into|toward|towards|on|onto|about|versus|vs\.?|by|mit|nach|gegen|"
    r"gegenüber|avec|contre|envers|con|contra|hacia)\s+(?:(?:the|its|their|his|her|a|an)\s+)?$)"
)
_COORDINATION = re.compile(r"(?i:,|\band\b|\bor\b|\bnor\b|\bas\s+well\s+as\b|\balong\s+with\b)")
# "suppliers from Germany to Japan" is a range of places; "exports from Germany to Japan" a flow between them
_FROM_BEFORE = re.compile(r"\b(?i:from)\s+(?:(?i:the)\s+)?(?:[A-Z][\w.-]*\s+)?$")
_FLOW_BEFORE = re.compile(
    r"(?i:\b(?:exports?|imports?|shipments?|shipping|shipped|cargo(?:es)?|trade|sales?|goods|flows?|investments?|"
    r"flights?|routes?|transfers?|remittances?|deliver(?:y|ies|ed)|supplies|aid|loans?|migrants?|refugees?|"
    r"visitors?|tourists?|students?|sold|sent|moved|travel(?:led|ed)?)\s+(?:[\w-]+\s+){0,3}from\s+(?:the\s+)?"
    r"(?:[A-Z][\w.-]*\s+)?$)"
)
# a company designator: "AGIP Canada Ltd", "a subsidiary of Italy's ENI" name firms, not governments
_DESIGNATOR = re.compile(r"\b(?:Inc|Corp|Co|Ltd|Plc|PLC|LLC|AG|NV|GmbH|SpA|Bhd|Cos|SA)\b|\bsubsidiar(?:y|ies)\b")
# verbs and nouns of acting on, dealing with or talking to another country, between two mentions
_INTERACTION = re.compile(
    r"(?i:\b(?:agree\w*|sign(?:s|ed|ing)?|talks?|talked|negotiat\w*|meet(?:s|ing|ings)?|met|summit|accus\w*|"
    r"retaliat\w*|sanction\w*|tariffs?|dut(?:y|ies)|lev(?:y|ies)|levied|embargo\w*|exports?|exported|exporting|"
    r"imports?|imported|importing|sell(?:s|ing)?|sold|buy(?:s|ing|ers?)?|bought|purchas\w*|ship(?:s|ped|ping|"
    r"ments?)|trade[ds]?|trading|deals?|pact|accords?|treaty|press(?:ed|es|ing|ured?)|urg(?:e|es|ed|ing)|"
    r"call(?:s|ed|ing)?\s+on|ask(?:s|ed|ing)?|demand(?:s|ed|ing)?|warn(?:s|ed|ing)?|threat\w*|critici[sz]\w*|"
    r"condemn\w*|protest\w*|attack\w*|invad\w*|invasion|strikes?|struck|war|visit\w*|hosted|hosting|welcom\w*|"
    r"join(?:s|ed|ing)?|charg(?:e|es|ed|ing)|su(?:e|es|ed|ing)|complain\w*|challeng\w*|target\w*|"
    r"ban(?:s|ned|ning)?|block(?:s|ed|ing|ade)?|restrict\w*|curb\w*|support\w*|back(?:s|ed|ing)|relations|ties|"
    r"disputes?|rift|friction|tensions?|persuad\w*|told|tell(?:s|ing)?|help(?:s|ed|ing)?|loans?|lent|lend\w*|"
    r"credits?|invest\w*|suppl(?:y|ies|ied|ying|iers?)|fight\w*|clash\w*|oppos(?:e|es|ed|ing)|reject\w*|"
    r"expel\w*|boycott\w*|giv(?:e|es|en|ing)|gave|grant\w*|offer\w*|award\w*|escort\w*|deport\w*|recogni[sz]\w*|"
    r"all(?:y|ies|ied)|mediat\w*|envoy|ambassador|counterparts?|spoke|phoned|respond\w*|react\w*|pressure\w*|"
    r"cooperat\w*|partner\w*|allow\w*|seiz\w*|captur\w*|detain\w*|arrest\w*|annex\w*|occup\w*|bomb\w*|"
    r"shell\w*|missiles?|troops|forces|defen[cs]e|protect\w*|concessions?|demands?|access|quota)\b)"
)
# acts two countries do together: "India and Britain signed", "Washington and Beijing agreed"
_RECIPROCAL = re.compile(
    r"(?i:\b(?:agree\w*|sign(?:s|ed|ing)?|talks?|talked|negotiat\w*|deals?|pact|accords?|treaty|agreements?|"
    r"meet(?:s|ing)?|met|summit|discuss\w*|relations(?:hip)?|ties|disputes?|rift|friction|tensions?|war|"
    r"conflict|truce|ceasefire|dialogue|cooperat\w*|partnership|alliance|bilateral(?:ly)?|each\s+other|"
    r"one\s+another|two\s+(?:countries|sides|nations|governments|leaders|neighbou?rs)|rivalry|clash\w*|spat|"
    r"row|feud|standoff|stand-off|negotiators|delegations|consensus|cross-border|exchang\w*|normali[sz]\w*|"
    r"reconcil\w*|trade\s+(?:volume|flows?|surplus|deficit|imbalance|balance))\b)"
)
_BETWEEN_BEFORE = re.compile(r"(?i:\b(?:between|both|zwischen|entre)\s+(?:the\s+)?$)")
# one country's measure: "China's export controls", "U.S. tariffs", "Russian sanctions against"
_MEASURE_AFTER = re.compile(
    r"(?i:^(?:['’]s)?\s+(?:[\w-]+\s+){0,2}?(?:export\s+(?:controls?|curbs?|bans?|restrictions?)|tariffs?|"
    r"sanctions?|embargo(?:es)?|dut(?:y|ies)|levy|levies|import\s+(?:bans?|curbs?|quotas?|restrictions?))\b)"
)
_JOINERS = frozenset({"-", "–", "/"})


def _interacts(text: str, low: str, first: _Mention, second: _Mention, group: list[_Mention]) -> bool:
    """Whether this sentence's mentions `first` and `second` (first before second) tell an interaction."""
    between = text[first.end : second.start]
    if between.strip() in _JOINERS:  # "U.S.-Japan talks" (a chain of three is a name, dropped before)
        return True
    if _BETWEEN_BEFORE.search(text, max(0, first.start - 12), first.start) and re.fullmatch(
        r"\s+(?i:and|und|et|y)\s+(?:the\s+)?", between
    ):
        return True  # "the war between Iran and Iraq"
    if len(between) > _SPAN or _BREAK.search(between) or _QUOTE.search(between):
        return False  # a comparison, another clause, or a quotation and its speaker ("... to us," said a Taiwanese)
    if _BETWEEN_BEFORE.search(text, max(0, second.start - 12), second.start):
        return False  # "pressing Moscow to end the war between Iran and Iraq": the second is bound to a third
    if re.fullmatch(r"(?i:\s*(?:,|and|&|,\s*and)\s+(?:the\s+)?|\s*,\s*)", between):
        # "A and B": a pair only when they act together, and not as members of a longer list
        if any(m is not first and m is not second and _adjacent(text, m, first, second) for m in group):
            return False
        after = low[second.end : min(len(low), second.end + _CUE_AFTER)]
        stop = _BREAK.search(after)
        return bool(_RECIPROCAL.search(after[: stop.start()] if stop else after))
    link = _LINK_BEFORE.search(between)
    if link:
        head = between[: link.start()]
        if _FROM_BEFORE.search(text, max(0, first.start - 20), first.start) and not head.strip():
            # "from Germany to Japan": a range of places, unless a flow runs along it
            if _FLOW_BEFORE.search(text, max(0, first.start - 80), first.start):
                return True
        elif not _COORDINATION.search(head.replace(",", " ")):  # not "one from France and the other from Britain"
            return True
    if any(first.end <= m.start < second.start and m.iso3 not in (first.iso3, second.iso3) for m in group):
        return False  # a country named in between is the nearer party of the verb
    act = _INTERACTION.search(between)  # "Japan warned the United States"; not "A rose, and B's imports fell"
    return act is not None and not _COORDINATION.search(between, 0, act.start())


def _adjacent(text: str, other: _Mention, first: _Mention, second: _Mention) -> bool:
    """Whether `other` is listed right before `first` or right after `second` ("A, B and C")."""
    if other.end <= first.start:
        return bool(re.fullmatch(r"\s*(?:,|and|or|&)\s*(?:the\s+)?", text[other.end : first.start], re.I))
    if other.start >= second.end:
        return bool(re.fullmatch(r"\s*(?:,\s*and|,|and|or|&)\s*(?:the\s+)?", text[second.end : other.start], re.I))
    return False


def _named_apart(text: str, group: list[_Mention]) -> list[_Mention]:
    """The mentions outside names joining three countries or more ("the U.S.-Mexico-Canada Agreement")."""
    chains: list[list[_Mention]] = []
    for mention in group:
        if chains and text[chains[-1][-1].end : mention.start].strip() in _JOINERS:
            chains[-1].append(mention)
        else:
            chains.append([mention])
    return [m for chain in chains if len(chain) < 3 for m in chain]


def _measure_by(text: str, mention: _Mention) -> bool:
    """Whether the mention is the author of a measure: "China's export controls", "U.S. tariffs"."""
    return bool(_MEASURE_AFTER.match(text[mention.end : mention.end + 60]))


def _mention_end(text: str, offset: int, lengths: dict[int, int]) -> int:
    """End of the country or person named at `offset` (its known length, else one word)."""
    if offset in lengths:
        return offset + lengths[offset]
    word = re.match(r"[\w.'’]+", text[offset:])
    return offset + (len(word.group(0)) if word else 1)


@lru_cache(maxsize=1)
def _matcher() -> Any:
    from tradewire.enrich.countries import country_matcher

    return country_matcher()


def _sentence_index(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset) - 1


def find_dyads(
    text: str,
    countries: list[dict[str, Any]],
    topics: list[dict[str, Any]] | None = None,
    sentences: list[Sentence] | None = None,
    people: Iterable[dict[str, Any]] | None = None,
) -> list[Dyad]:
    """Country pairs that interact in a shared sentence, most co-mentioned first."""
    offsets = _offsets(text, countries)
    # the actors: countries the story is about (a passing mention, a venue or a list member is not; countries
    # without an `about` verdict all count) and the countries of the people it names
    actors = {c["iso3"] for c in countries if c.get("about", True)}
    lengths: dict[int, int] = {}  # offset -> length of a mention by a country form or a person
    for person in people or ():
        iso3 = person.get("country_iso3")
        if iso3:
            name = person.get("name") or ""
            surname = name.split()[-1] if name.split() else ""
            for offset in person.get("offsets") or ():
                if offset >= 0:
                    offsets.setdefault(iso3, []).append(offset)
                    written = next((n for n in (name, surname) if n and text.startswith(n, offset)), "")
                    lengths[offset] = len(written) or _mention_end(text, offset, {}) - offset
            actors.add(iso3)
    actors -= _BLOCS
    if len(offsets.keys() & actors) < 2:
        return []
    sentences = rejoin_lines(text, sentences if sentences is not None else split_sentences(text))
    starts = [s.start for s in sentences]
    members: dict[int, list[tuple[int, str]]] = {}
    for iso3, positions in offsets.items():
        for offset in positions:
            index = _sentence_index(starts, offset)
            if index >= 0 and offset < sentences[index].end:
                members.setdefault(index, []).append((offset, iso3))
    shared = {i: found for i, found in members.items() if len({iso3 for _, iso3 in found} & actors) >= 2}
    if not shared:
        return []
    for start, form in _matcher().finditer(text):
        lengths.setdefault(start, len(form))
    lower = text.lower()
    if len(lower) != len(text):  # a few characters grow when lower-cased (İ): keep offsets aligned
        lower = "".join(c.lower()[:1] for c in text)
    body_start = dateline_end(text)

    pairs: dict[tuple[str, str], list[int]] = {}
    interacting: dict[tuple[str, str], list[int]] = {}
    for index in sorted(shared):
        sentence = sentences[index]
        # a city tells where, and a dateline where the story was filed: neither is a party
        group = _named_apart(
            text,
            sorted(
                {
                    _Mention(o, _mention_end(text, o, lengths), iso3)
                    for o, iso3 in shared[index]
                    if o in lengths and o >= body_start
                },
                key=lambda m: m.start,
            ),
        )
        named = {m.iso3 for m in group}
        contrast: bool | None = None  # whether the sentence compares or contrasts (found once, when needed)
        for pair in combinations(sorted({iso3 for _, iso3 in shared[index]} & actors), 2):
            pairs.setdefault(pair, []).append(index)
            if len(interacting.get(pair, ())) >= 3 or not named.issuperset(pair):
                continue  # three interacting sentences are all the evidence kept
            if contrast is None:
                contrast = bool(_BREAK.search(text, sentence.start, sentence.end))
            if _pair_interacts(text, lower, sentence, group, pair, len(named), contrast):
                interacting.setdefault(pair, []).append(index)
    if not interacting:
        return []

    allowed = {t["id"] for t in topics} if topics is not None else None
    sentence_topics: dict[int, set[str]] = {}
    sentence_scores: dict[int, tuple[float, float]] = {}
    for pair in interacting:
        for index in pairs[pair]:
            if index not in sentence_topics:
                sentence = sentences[index]
                found = _sentence_topics(lower, sentence.start, sentence.end)
                sentence_topics[index] = found if allowed is None else found & allowed
                sentence_scores[index] = sentence_tone(sentence.text)

    dyads = []
    for (a, b), linked in interacting.items():
        indexes = pairs[(a, b)]
        count = len(indexes)
        topic_ids: set[str] = set().union(*(sentence_topics[i] for i in indexes))
        shown = linked[:3] + [i for i in indexes if i not in linked][: max(0, 3 - len(linked))]
        dyads.append(
            Dyad(
                a=a,
                b=b,
                mentions=count,
                topics=tuple(sorted(topic_ids)),
                tone=round(sum(sentence_scores[i][0] for i in indexes) / count, 4),
                conflict_cooperation=round(sum(sentence_scores[i][1] for i in indexes) / count, 4),
                evidence=tuple((sentences[i].start, sentences[i].end, sentences[i].text) for i in shown),
            )
        )
    return sorted(dyads, key=lambda d: (-d.mentions, d.a, d.b))


def _pair_interacts(
    text: str,
    lower: str,
    sentence: Sentence,
    group: list[_Mention],
    pair: tuple[str, str],
    named: int,
    contrast: bool,
) -> bool:
    """Whether the sentence tells something between the pair's two countries (see the module docstring)."""
    a_mentions = [m for m in group if m.iso3 == pair[0]]
    b_mentions = [m for m in group if m.iso3 == pair[1]]
    for x in a_mentions:
        for y in b_mentions:
            first, second = (x, y) if x.start < y.start else (y, x)
            if _interacts(text, lower, first, second, group):
                return True
    if contrast:
        return False
    coordinated = any(
        _adjacent(text, other, m, m) for m in a_mentions + b_mentions for other in group if other.iso3 != m.iso3
    )
    if coordinated:
        return False  # "the Netherlands and Japan", "Thai and Vietnamese exporters"
    if any(_measure_by(text, m) for m in a_mentions + b_mentions):
        return True  # "China's export controls ... carmakers from Germany"
    if named == 2 and not _DESIGNATOR.search(text, sentence.start, sentence.end):
        # only these two countries, and a term of trade policy or of dealings near them
        low = max(sentence.start, min(m.start for m in a_mentions + b_mentions) - _SPAN)
        high = min(sentence.end, max(m.end for m in a_mentions + b_mentions) + _SPAN)
        return bool(_sentence_topics(lower, low, high) & _RELATIONAL_TOPICS) or bool(
            _RECIPROCAL.search(lower, low, high)
        )
    return False
