"""Schema checks for the maintained actor and organisation dictionaries (include/tradewire/config)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from functools import cache
from typing import Any

import pycountry
import pytest
import yaml

from tradewire.settings import PACKAGE_DIR

DICT_DIR = PACKAGE_DIR / "config"

ID_RE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
EXTRA_ISO3 = {"EUU"}  # European Union institutions
ACTOR_KEYS = {"id", "name", "country", "org", "aliases", "surname", "roles"}
ROLE_KEYS = {"role", "from", "to"}
ORG_KEYS = {"id", "name", "type", "country", "aliases", "case_sensitive_aliases"}
ORG_TYPES = {
    "international",
    "government",
    "central_bank",
    "company",
    "think_tank",
    "media",
    "trade_bloc",
    "ngo",
    "legislature",
    "court",
}
NATIONAL_TYPES = {"government", "central_bank", "legislature"}
# Surnames so common that they never identify a person on their own.
COMMON_SURNAMES = {
    "lee", "kim", "park", "choi", "cho", "li", "wang", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou",
    "lin", "he", "hu", "guo", "ma", "lim", "tan", "wong", "chan", "ng", "nguyen", "tran", "pham", "singh", "patel",
    "smith", "johnson", "brown", "garcia", "lopez", "fernandez", "gonzalez", "kumar", "das", "khan", "ali",
}  # fmt: skip
# Common English words that may only be matched case-sensitively as organisation aliases.
COMMON_WORDS = {
    "apple", "amazon", "meta", "shell", "quad", "micron", "tesla", "caterpillar", "deere", "vale", "who", "safe",
    "fed", "ap", "eu", "un", "arm", "kia", "sony", "rand", "mas", "ft", "bp", "gm", "dpa", "ria", "nato", "opec",
}  # fmt: skip


@cache
def _load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((DICT_DIR / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{name}: top level must be a mapping"
    return data


def _actors() -> list[dict[str, Any]]:
    return _load("actors.yaml")["actors"]


def _orgs() -> list[dict[str, Any]]:
    return _load("organizations.yaml")["organizations"]


def _valid_iso3(code: object) -> bool:
    if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{3}", code):
        return False
    if code in EXTRA_ISO3:
        return True
    try:
        return pycountry.countries.get(alpha_3=code) is not None
    except KeyError:  # older pycountry raises instead of returning None
        return False


def _as_date(value: object, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        pytest.fail(f"{where}: {value!r} has a time; use YYYY-MM-DD")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    pytest.fail(f"{where}: {value!r} is not an ISO date (YYYY-MM-DD) or null")


def _check_aliases(aliases: object, where: str) -> list[str]:
    assert isinstance(aliases, list) and aliases, f"{where}: aliases must be a non-empty list"
    for alias in aliases:
        assert isinstance(alias, str) and alias.strip() == alias and alias, f"{where}: bad alias {alias!r}"
    assert len(aliases) == len(set(aliases)), f"{where}: duplicate aliases"
    return aliases


def _owners(entries: list[dict[str, Any]]) -> dict[str, set[str]]:
    owners: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        for alias in entry["aliases"]:
            owners[alias.casefold()].add(entry["id"])
    return owners


def _check_shared_aliases(entries: list[dict[str, Any]], ambiguous: list[str], what: str) -> None:
    allowed = {a.casefold() for a in ambiguous}
    owners = _owners(entries)
    shared = {alias: ids for alias, ids in owners.items() if len(ids) > 1 and alias not in allowed}
    assert not shared, f"{what} aliases shared without being listed as ambiguous: {shared}"
    stale = [a for a in ambiguous if len(owners.get(a.casefold(), ())) < 2]
    assert not stale, f"{what}: ambiguous entries not shared by two entries: {stale}"


def _org_references() -> set[str]:
    refs: set[str] = set()
    for org in _orgs():
        refs |= {org["id"].casefold(), org["name"].casefold(), *(a.casefold() for a in org["aliases"])}
    return refs


# --- actors ---


def test_actors_file_shape() -> None:
    data = _load("actors.yaml")
    assert set(data) == {"ambiguous", "actors"}
    assert isinstance(data["ambiguous"], list)
    assert all(isinstance(a, str) and a for a in data["ambiguous"])
    assert 200 <= len(_actors()) <= 600


def test_actor_ids_unique_and_snake_case() -> None:
    ids = [a["id"] for a in _actors()]
    assert all(isinstance(i, str) and ID_RE.match(i) for i in ids), [i for i in ids if not ID_RE.match(str(i))]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f"duplicate actor ids: {dupes}"


def test_actor_entries() -> None:
    refs = _org_references()
    for actor in _actors():
        where = f"actor {actor.get('id')}"
        assert set(actor) == ACTOR_KEYS, f"{where}: keys {sorted(actor)}"
        assert isinstance(actor["name"], str) and actor["name"].strip(), f"{where}: name"
        country, org = actor["country"], actor["org"]
        assert (country is None) != (org is None), f"{where}: exactly one of country / org"
        if country is not None:
            assert _valid_iso3(country), f"{where}: {country!r} is not an ISO 3166-1 alpha-3 code"
        if org is not None:
            assert isinstance(org, str) and org.casefold() in refs, f"{where}: org {org!r} not in organizations.yaml"
        aliases = _check_aliases(actor["aliases"], where)
        assert actor["name"] in aliases, f"{where}: the name must be an alias"
        surname = actor["surname"]
        assert surname is None or (isinstance(surname, str) and surname.strip() == surname and surname), where
        roles = actor["roles"]
        assert isinstance(roles, list) and roles, f"{where}: roles must be a non-empty list"
        for role in roles:
            assert isinstance(role, dict) and set(role) == ROLE_KEYS, f"{where}: role keys {role!r}"
            assert isinstance(role["role"], str) and role["role"].strip(), f"{where}: empty role"
            start = _as_date(role["from"], f"{where} {role['role']} from")
            end = _as_date(role["to"], f"{where} {role['role']} to")
            if start and end:
                assert start <= end, f"{where}: {role['role']} from {start} > to {end}"


def test_no_bare_common_or_foreign_surname_as_actor_alias() -> None:
    surnames: dict[str, set[str]] = defaultdict(set)
    for actor in _actors():
        if actor["surname"]:
            surnames[actor["surname"].casefold()].add(actor["id"])
    for actor in _actors():
        for alias in actor["aliases"]:
            if " " in alias:
                continue
            key = alias.casefold()
            assert key not in COMMON_SURNAMES, f"actor {actor['id']}: {alias!r} belongs in surname only"
            others = surnames.get(key, set()) - {actor["id"]}
            assert not others, f"actor {actor['id']}: alias {alias!r} is the surname of {sorted(others)}"


def test_actor_aliases_not_shared_unless_ambiguous() -> None:
    _check_shared_aliases(_actors(), _load("actors.yaml")["ambiguous"], "actor")


# --- organisations ---


def test_organizations_file_shape() -> None:
    data = _load("organizations.yaml")
    assert set(data) == {"ambiguous", "organizations"}
    assert isinstance(data["ambiguous"], list)
    assert 150 <= len(_orgs()) <= 600


def test_org_ids_unique_and_snake_case() -> None:
    ids = [o["id"] for o in _orgs()]
    assert all(isinstance(i, str) and ID_RE.match(i) for i in ids), [i for i in ids if not ID_RE.match(str(i))]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f"duplicate organisation ids: {dupes}"


def test_org_entries() -> None:
    for org in _orgs():
        where = f"organisation {org.get('id')}"
        assert set(org) == ORG_KEYS, f"{where}: keys {sorted(org)}"
        assert isinstance(org["name"], str) and org["name"].strip(), f"{where}: name"
        assert org["type"] in ORG_TYPES, f"{where}: type {org['type']!r}"
        country = org["country"]
        if country is not None:
            assert _valid_iso3(country), f"{where}: {country!r} is not an ISO 3166-1 alpha-3 code"
        if org["type"] in NATIONAL_TYPES:
            assert country is not None, f"{where}: a {org['type']} needs a country"
        aliases = _check_aliases(org["aliases"], where)
        assert org["name"] in aliases, f"{where}: the name must be an alias"
        cs = org["case_sensitive_aliases"]
        assert isinstance(cs, list), f"{where}: case_sensitive_aliases must be a list"
        missing = set(cs) - set(aliases)
        assert not missing, f"{where}: case-sensitive aliases missing from aliases: {missing}"
        for alias in aliases:
            acronym = alias.upper() == alias and any(c.isalpha() for c in alias)
            if acronym or len(alias) <= 4 or alias.casefold() in COMMON_WORDS:
                assert alias in cs, f"{where}: {alias!r} must be case-sensitive"


def test_org_aliases_not_shared_unless_ambiguous() -> None:
    _check_shared_aliases(_orgs(), _load("organizations.yaml")["ambiguous"], "organisation")
