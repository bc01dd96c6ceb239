"""How many inputs each fuzz target was given in this session (printed by conftest's terminal summary)."""

from __future__ import annotations

from collections import Counter

TARGETS = ("clean", "enrich", "feeds", "sitemaps", "url lists")

tried: Counter[str] = Counter()


def count(target: str, inputs: int = 1) -> None:
    assert target in TARGETS, target
    tried[target] += inputs


def summary() -> str:
    parts = ", ".join(f"{target} {tried[target]}" for target in TARGETS)
    return f"fuzz: {sum(tried.values())} inputs tried ({parts})"
