"""Organisations mentioned in an article, from the maintained dictionary (config/organizations.yaml).

Acronyms, short forms and capitalised common words ("WTO", "Fed", "Apple") match only as written;
longer names match whatever their case ("China's commerce ministry"). Both in one Aho-Corasick
pass each, on word boundaries, leftmost-longest. Aliases the dictionary lists as ambiguous
("BIS": two bodies) are left out rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from tradewire.settings import CONFIG_DIR


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    type: str
    country: str | None


@dataclass
class OrganizationMention:
    org: Organization
    offsets: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.org.id, "name": self.org.name, "type": self.org.type, "country_iso3": self.org.country,
            "mentions": len(self.offsets), "offsets": self.offsets,
        }  # fmt: skip


@dataclass(frozen=True)
class OrganizationIndex:
    cased: Any  # ahocorasick.Automaton: alias as written -> (org id, alias)
    folded: Any  # ahocorasick.Automaton: lower-cased alias -> (org id, alias)
    organizations: dict[str, Organization]


@lru_cache(maxsize=1)
def organization_index() -> OrganizationIndex:
    import ahocorasick

    data = yaml.safe_load((CONFIG_DIR / "organizations.yaml").read_text(encoding="utf-8"))
    ambiguous = set(data.get("ambiguous") or [])
    cased, folded = ahocorasick.Automaton(), ahocorasick.Automaton()
    organizations: dict[str, Organization] = {}
    for entry in data["organizations"]:
        org = Organization(entry["id"], entry["name"], entry["type"], entry.get("country"))
        organizations[org.id] = org
        exact = set(entry.get("case_sensitive_aliases") or [])
        for alias in entry.get("aliases") or []:
            if alias in ambiguous:
                continue
            if alias in exact:
                cased.add_word(alias, (org.id, alias))
            else:
                folded.add_word(alias.lower(), (org.id, alias))
    for automaton in (cased, folded):
        automaton.make_automaton()
    return OrganizationIndex(cased, folded, organizations)


def find_organizations(title: str | None, text: str) -> list[OrganizationMention]:
    index = organization_index()
    head = (title or "").strip()
    full = f"{head}\n\n{text}" if head else text
    shift = len(full) - len(text)
    lowered = full.lower()
    sources = [(index.cased, full)] + ([(index.folded, lowered)] if len(lowered) == len(full) else [])
    hits: list[tuple[int, int, str]] = []
    for automaton, haystack in sources:
        for end, (org_id, alias) in automaton.iter(haystack):
            start = end - len(alias) + 1
            before = full[start - 1] if start else " "
            after = full[end + 1] if end + 1 < len(full) else " "
            if not before.isalnum() and not after.isalnum():
                hits.append((start, -len(alias), org_id))
    found: dict[str, OrganizationMention] = {}
    last_end = -1
    for start, negative_length, org_id in sorted(hits):
        if start < last_end:
            continue
        last_end = start - negative_length
        found.setdefault(org_id, OrganizationMention(index.organizations[org_id])).offsets.append(start - shift)
    return sorted(found.values(), key=lambda m: (-len(m.offsets), m.org.name))
