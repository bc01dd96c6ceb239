"""Aho-Corasick passes over an article's body shared by the finders that read it: one over the lower-cased text,
one over the text as written.

Lower-cased: topic terms (topics.py), the literal openings of the is_trade features (trade.py) and the
dictionary's case-insensitive organisation names (organizations.py). As written: the is_trade features matched
as written (acronyms, "Uruguay Round") and the dictionary's case-sensitive names ("WTO", "Fed"). Each finder had
an automaton and a pass of its own, about 0.03-0.05 ms each on 800 words. One automaton per case holds the keys
of all, each with the value its finder's own automaton gives it (None for a finder that does not look for that
key), and the hits of the last few texts are cached, so the finders share the passes. Each finder keeps its own
automata for other texts (a headline, a sentence, a taxonomy of its own).

The organisation finder reads the text with curly apostrophes made straight ("China’s" -> "China's"), its
dictionary's spelling: here the text keeps them, and each name with an apostrophe is keyed in both spellings.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# (end, (topic terms, trade feature entry, organisation)): the value each finder's own automaton gives the key
SharedHits = tuple[tuple[int, tuple[Any, Any, Any]], ...]


def _spellings(name: str) -> list[str]:
    """The name with each straight apostrophe also written curly: the text is not straightened here."""
    first, *rest = name.split("'")
    spellings = [first]
    for part in rest:
        spellings = [f"{spelling}{mark}{part}" for spelling in spellings for mark in "'’"]
    return spellings


def _add_names(values: dict[str, list[Any]], slot: int, automaton: Any) -> None:
    """The organisation dictionary's names (one automaton of it) in both apostrophe spellings."""
    for key, organization in automaton.items():
        if "’" in key:
            continue  # never in the straightened text the organisation finder reads
        for spelling in _spellings(key):
            values.setdefault(spelling, [None, None, None])[slot] = organization


def _built(values: dict[str, list[Any]]) -> Any:
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for key, value in values.items():
        automaton.add_word(key, tuple(value))
    automaton.make_automaton()
    return automaton


@lru_cache(maxsize=1)
def _lowered_automaton() -> Any:
    from tradewire.enrich.organizations import organization_index
    from tradewire.enrich.topics import load_taxonomy
    from tradewire.enrich.trade import _automata

    values: dict[str, list[Any]] = {}
    for key, terms in load_taxonomy().automaton.items():
        values.setdefault(key, [None, None, None])[0] = terms
    for key, entry in _automata()[0].items():
        values.setdefault(key, [None, None, None])[1] = entry
    _add_names(values, 2, organization_index().folded)
    return _built(values)


@lru_cache(maxsize=1)
def _cased_automaton() -> Any:
    from tradewire.enrich.organizations import organization_index
    from tradewire.enrich.trade import _automata

    values: dict[str, list[Any]] = {}
    for key, entry in _automata()[1].items():
        values.setdefault(key, [None, None, None])[1] = entry
    _add_names(values, 2, organization_index().cased)
    return _built(values)


@lru_cache(maxsize=8)
def lowered_hits(lower: str) -> SharedHits:
    """Every key of the lower-case finders in a lower-cased text: (end, (topic terms, trade entry, organisation)),
    in the order Aho-Corasick reports them (by end). Cached: the finders read the same body one after another."""
    return tuple(_lowered_automaton().iter(lower))


@lru_cache(maxsize=8)
def cased_hits(text: str) -> SharedHits:
    """Every key of the finders that match as written: (end, (None, trade entry, organisation)), as lowered_hits."""
    return tuple(_cased_automaton().iter(text))
