"""People mentioned in an article: the actor dictionary first, then people the text introduces by title or role.

Dictionary aliases are found in one pass with an Aho-Corasick automaton (config/actors.yaml). A
surname alone ("Bessent", "Mr. Trump") counts after a title or once the full name has appeared.
People the dictionary does not know are taken when the text introduces them with a title or a
role ("Commerzbank analyst Carsten Fritsch", "said Derek Scissors, a China scholar"). One person,
one entry: later surname-only mentions join the full name. The article's authors are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import yaml

from tradewire.settings import CONFIG_DIR

_NAME = r"[A-Z][a-z]+(?:['’-][A-Z][a-z]+)?"  # Jean-Claude, O'Neill; not "Volcker's"
_FULL_NAME = rf"{_NAME}(?: (?:[A-Z]\.|de|del|van|von|da|{_NAME})){{0,3}}"
_TITLES = (
    r"President|Vice[- ]President|Prime Minister|Premier|Vice[- ]Premier|Chancellor|King|Crown Prince|"
    r"(?:[A-Z][a-z]+ )?(?:Minister|Secretary|Commissioner|Representative|Governor|Ambassador|Envoy)|"
    r"(?:[A-Za-z]+ )?(?:minister|secretary|commissioner|governor|ambassador|envoy|chancellor|chairman)|"
    r"Senator|Sen\.|Rep\.|Congressman|Congresswoman|General|Gen\.|Chairman|Chairwoman|Chair|Director|"
    r"Spokesman|Spokeswoman|Spokesperson|spokesman|spokeswoman|spokesperson|analyst|economist|strategist|"
    r"negotiator|adviser|advisor|chief executive|CEO|chairman|president|director|professor|Professor|"
    r"Mr\.|Mrs\.|Ms\.|Dr\.|Mr|Mrs|Ms|Dr"
)
_TITLED = re.compile(rf"\b({_TITLES})\s+({_FULL_NAME})")
_SAID_APPOSITION = re.compile(rf"\bsaid ({_NAME}(?: {_NAME}){{1,2}}), (?:a|an|the) ([^,.;]{{3,60}})")
_APPOSITION_SAID = re.compile(rf"\b({_NAME}(?: {_NAME}){{1,2}}), (?:a|an|the) ([^,.;]{{3,60}}), said\b")
# "Kiichi Miyazawa, Japan's Finance Minister, said": a name, then the office it holds
_APPOSITION_OFFICE = re.compile(
    rf"\b({_NAME}(?: {_NAME}){{1,2}}), ((?:[A-Z][\w.]*['’]s |the )?[^,.;]{{0,40}}?"
    r"\b(?:[Mm]inister|[Ss]ecretary|[Gg]overnor|[Cc]hairman|[Pp]resident|[Cc]hancellor|[Cc]ommissioner))[,.]"
)
_FORMAL = re.compile(r"(?i)president|premier|minister|secretary|chancellor|king|governor|commissioner|senator")
_NOT_NAMES = frozenset(
    {"The", "This", "That", "But", "And", "China", "United", "States", "Beijing", "Washington", "Trade", "Commerce"}
)


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    country: str | None
    org: str | None
    surname: str | None
    roles: tuple[tuple[str, date | None, date | None], ...]

    def role_on(self, day: date | None) -> str | None:
        if not self.roles:
            return None
        if day is not None:
            for role, start, end in self.roles:
                if (start is None or start <= day) and (end is None or day <= end):
                    return role
        return self.roles[-1][0]


@dataclass
class PersonMention:
    name: str
    role: str | None = None
    country_iso3: str | None = None
    actor_id: str | None = None
    offsets: list[int] = field(default_factory=list)

    @property
    def mentions(self) -> int:
        return len(self.offsets)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "role": self.role, "country_iso3": self.country_iso3, "actor_id": self.actor_id,
            "mentions": self.mentions, "offsets": sorted(self.offsets),
        }  # fmt: skip


@dataclass(frozen=True)
class ActorIndex:
    automaton: Any  # ahocorasick.Automaton: alias -> (actor id, alias)
    actors: dict[str, Actor]
    by_surname: dict[str, tuple[str, ...]]


def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)) if value else None


@lru_cache(maxsize=1)
def actor_index() -> ActorIndex:
    import ahocorasick

    data = yaml.safe_load((CONFIG_DIR / "actors.yaml").read_text(encoding="utf-8"))
    automaton = ahocorasick.Automaton()
    actors: dict[str, Actor] = {}
    by_surname: dict[str, list[str]] = {}
    for entry in data["actors"]:
        roles = tuple((r["role"], _day(r.get("from")), _day(r.get("to"))) for r in entry.get("roles") or [])
        actor = Actor(entry["id"], entry["name"], entry.get("country"), entry.get("org"), entry.get("surname"), roles)
        actors[actor.id] = actor
        for alias in entry.get("aliases") or []:
            automaton.add_word(alias, (actor.id, alias))
        if actor.surname:
            by_surname.setdefault(actor.surname, []).append(actor.id)
    automaton.make_automaton()
    return ActorIndex(automaton, actors, {k: tuple(v) for k, v in by_surname.items()})


def _bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


def _pick_actor(index: ActorIndex, surname: str, day: date | None, seen: dict[str, PersonMention]) -> str | None:
    """The actor a bare surname means: one already named in the article, else the only one in office then."""
    candidates = index.by_surname.get(surname, ())
    named = [c for c in candidates if c in seen]
    if len(named) == 1:
        return named[0]
    if day is not None:
        in_office = [c for c in candidates if index.actors[c].role_on(day) and _serving(index.actors[c], day)]
        if len(in_office) == 1:
            return in_office[0]
    return candidates[0] if len(candidates) == 1 else None


def _serving(actor: Actor, day: date) -> bool:
    return any((s is None or s <= day) and (e is None or day <= e) for _, s, e in actor.roles)


def find_people(
    title: str | None, text: str, published: date | None = None, authors: list[str] | tuple[str, ...] = ()
) -> list[PersonMention]:
    index = actor_index()
    head = (title or "").strip()
    full = f"{head}\n\n{text}" if head else text
    shift = len(full) - len(text)  # offsets are given in the text, as for countries: title hits get negative ones
    people: dict[str, PersonMention] = {}  # actor id or discovered full name -> mention
    covered: list[tuple[int, int]] = []

    def add(key: str, mention: PersonMention, start: int) -> None:
        existing = people.setdefault(key, mention)
        if start - shift not in existing.offsets:
            existing.offsets.append(start - shift)

    for end, (actor_id, alias) in index.automaton.iter(full):
        start = end - len(alias) + 1
        if not _bounded(full, start, end + 1) or any(s <= start < e for s, e in covered):
            continue
        covered.append((start, end + 1))
        actor = index.actors[actor_id]
        role = actor.role_on(published)
        add(actor_id, PersonMention(actor.name, role, actor.country, actor.id), start)

    def claim(name: str, role: str | None, start: int) -> None:
        if any(s <= start < e for s, e in covered):
            return
        tokens = name.split()
        while tokens and tokens[0] in _NOT_NAMES:
            tokens = tokens[1:]
        if not tokens:
            return
        surname = tokens[-1]
        actor_id = _pick_actor(index, surname, published, people)
        if actor_id is not None and len(tokens) > 1 and " ".join(tokens) != index.actors[actor_id].name:
            actor_id = None  # a full name the dictionary does not list: another person of that surname
        if actor_id is not None and (len(tokens) == 1 or surname == index.actors[actor_id].surname):
            actor = index.actors[actor_id]
            add(actor_id, PersonMention(actor.name, actor.role_on(published), actor.country, actor.id), start)
            return
        known = next((k for k, p in people.items() if p.actor_id is None and p.name.split()[-1] == surname), None)
        if len(tokens) == 1 and known is None and not (role and _FORMAL.search(role)):
            return  # a bare surname nobody introduced, without a formal office before it: too weak to keep
        key = known or " ".join(tokens)
        add(key, PersonMention(" ".join(tokens), role), start)

    for match in _TITLED.finditer(full):
        role = match.group(1)
        claim(match.group(2), None if role.rstrip(".") in {"Mr", "Mrs", "Ms", "Dr"} else role, match.start(2))
    for pattern in (_SAID_APPOSITION, _APPOSITION_SAID, _APPOSITION_OFFICE):
        for match in pattern.finditer(full):
            claim(match.group(1), match.group(2).strip(), match.start(1))
    # later bare surnames of people already found count as mentions of them
    for key, person in list(people.items()):
        surname = index.actors[key].surname if person.actor_id else person.name.split()[-1]
        if not surname or len(surname) < 3:
            continue
        taken = [(o, o + len(p.name)) for p in people.values() for o in p.offsets]
        for match in re.finditer(rf"\b{re.escape(surname)}\b", full):
            at = match.start() - shift
            if not any(s <= match.start() < e for s, e in covered) and not any(s <= at < e for s, e in taken):
                person.offsets.append(at)
    excluded = {a.casefold() for a in authors}
    found = [p for p in people.values() if p.name.casefold() not in excluded]
    return sorted(found, key=lambda p: (-p.mentions, p.name))
