"""Geopolitical-risk (GPR) and trade-policy-uncertainty (TPU) flags for one article.

GPR follows the published search of Caldara and Iacoviello (AER 2022): eight queries over word
sets, "A N/2 B" = the two terms at most two words apart, threats = queries 1-5, acts = 6-8, and an
exclusion list that drops an article (films, books, "price war", tax ...). TPU is a trade-policy term
near an uncertainty term, with the project's own word lists. Both lists live in config/risk.yaml.

One tokenisation pass over title + text; every distinct word is classified once (exact words by
dict, stems by their prefixes, phrases by their first word) and memoised, so the scan is a loop of
dict look-ups. Proximity is then checked on the few term hits, not on the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from tradewire.settings import CONFIG_DIR
from tradewire.yamlfile import read_yaml

_WORD = re.compile(r"[a-z0-9\u00c0-\u024f]+")  # hyphens and apostrophes split words, as in a search engine
_MEMO_LIMIT = 200_000


_LONGEST_STEM = 40  # characters; config/risk.yaml's longest stem is far shorter (checked by a test)


@dataclass(frozen=True)
class _Phrase:
    rest: tuple[tuple[str, bool], ...]  # the words after the first: (word or stem, is_stem)
    name: str


@dataclass(frozen=True)
class _Class:
    names: tuple[str, ...]  # sets the word is on its own
    phrases: tuple[_Phrase, ...]  # phrases that start with this word


_NONE = _Class((), ())


@dataclass
class TermIndex:
    """Named sets of terms (words, stems with *, phrases), matched over a token list."""

    exact: dict[str, set[str]] = field(default_factory=dict)
    stems: dict[str, set[str]] = field(default_factory=dict)
    phrase_exact: dict[str, list[_Phrase]] = field(default_factory=dict)
    phrase_stems: dict[str, list[_Phrase]] = field(default_factory=dict)
    memo: dict[str, _Class] = field(default_factory=dict)

    def add(self, name: str, term: str) -> None:
        first, *rest = [w for w in re.split(r"[\s-]+", term.lower().strip()) if w]
        first_stem = first.endswith("*")
        first = first.rstrip("*")
        if not rest:
            (self.stems if first_stem else self.exact).setdefault(first, set()).add(name)
            return
        phrase = _Phrase(tuple((w.rstrip("*"), w.endswith("*")) for w in rest), name)
        (self.phrase_stems if first_stem else self.phrase_exact).setdefault(first, []).append(phrase)

    def classify(self, word: str) -> _Class:
        found = self.memo.get(word)
        if found is not None:
            return found
        names = set(self.exact.get(word, ()))
        phrases = list(self.phrase_exact.get(word, ()))
        for cut in range(min(len(word), _LONGEST_STEM), 1, -1):  # no stem is longer: linear on a huge token
            prefix = word[:cut]
            names.update(self.stems.get(prefix, ()))
            phrases.extend(self.phrase_stems.get(prefix, ()))
        found = _Class(tuple(sorted(names)), tuple(phrases)) if names or phrases else _NONE
        if len(self.memo) >= _MEMO_LIMIT:
            self.memo.clear()
        self.memo[word] = found
        return found

    def scan(self, words: list[str]) -> dict[str, list[tuple[int, int]]]:
        """Set name -> (first token, last token) of every hit, in text order."""
        hits: dict[str, list[tuple[int, int]]] = {}
        memo = self.memo
        for i, word in enumerate(words):
            found = memo.get(word) or self.classify(word)
            if found is _NONE:
                continue
            for name in found.names:
                hits.setdefault(name, []).append((i, i))
            for phrase in found.phrases:
                end = i + len(phrase.rest)
                if end >= len(words):
                    continue
                if all(
                    words[i + 1 + k].startswith(w) if stem else words[i + 1 + k] == w
                    for k, (w, stem) in enumerate(phrase.rest)
                ):
                    hits.setdefault(phrase.name, []).append((i, end))
        return hits


@dataclass(frozen=True)
class Query:
    id: int
    kind: str  # threat | act
    name: str
    a: str
    op: str  # near | and
    b: str


@dataclass(frozen=True)
class RiskConfig:
    index: TermIndex
    queries: tuple[Query, ...]
    proximity: int
    tpu_window: int


@lru_cache(maxsize=4)
def load_risk_config(path: Path = CONFIG_DIR / "risk.yaml") -> RiskConfig:
    config = read_yaml(path)
    index = TermIndex()
    gpr = config["gpr"]
    for name, terms in gpr["sets"].items():
        for term in terms:
            index.add(f"gpr.{name}", str(term))
    for term in gpr["exclude"]:
        index.add("gpr.exclude", str(term))
    for side in ("trade", "uncertainty"):
        for term in config["tpu"][side]:
            index.add(f"tpu.{side}", str(term))
    queries = tuple(
        Query(int(q["id"]), q["kind"], q["name"], f"gpr.{q['a']}", q["op"], f"gpr.{q['b']}") for q in gpr["queries"]
    )
    return RiskConfig(index, queries, int(gpr["proximity"]), int(config["tpu"]["window"]))


@dataclass(frozen=True)
class RiskFlags:
    gpr_threat: bool
    gpr_act: bool
    gpr_evidence: tuple[str, ...]
    gpr_countries: tuple[str, ...]
    tpu: bool
    tpu_evidence: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "gpr": {"threat": self.gpr_threat, "act": self.gpr_act, "evidence": list(self.gpr_evidence)},
            "gpr_countries": list(self.gpr_countries),
            "tpu": self.tpu,
            "tpu_evidence": list(self.tpu_evidence),
        }


def _near(
    left: list[tuple[int, int]], right: list[tuple[int, int]], between: int
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The first pair of hits, one from each list, with at most `between` words between them (either order)."""
    for a in left:
        for b in right:
            if b[0] > a[1] + between + 1:
                break  # right is in text order: the rest are further still
            if b[1] < a[0] - between - 1 or (b[0] <= a[1] and a[0] <= b[1]):
                continue  # too far before, or the very same words
            return a, b
    return None


def _lower(text: str) -> str:
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else "".join(c.lower()[:1] for c in text)


def _evidence(words: list[str], low: str, shift: int, first: int, last: int, label: str) -> str:
    match = next(islice(_WORD.finditer(low), first, None), None)  # only for the few hits reported
    where = f" @{match.start() - shift}" if match else ""
    return f"{label}: '{' '.join(words[first : last + 1])}'{where}"


def risk_flags(title: str | None, text: str, countries: list[dict[str, Any]]) -> RiskFlags:
    """GPR threat/act flags (with the countries a country GPR index would count) and a TPU flag."""
    config = load_risk_config()
    head = (title or "").strip()
    full = f"{head}\n{text}" if head else text
    shift = len(full) - len(text)  # offsets in the text; title hits are negative, as elsewhere
    low = _lower(full)
    words = _WORD.findall(low)
    hits = config.index.scan(words)

    gpr_evidence: list[str] = []
    kinds: set[str] = set()
    for query in config.queries:
        left, right = hits.get(query.a), hits.get(query.b)
        if not left or not right:
            continue
        # "and": both anywhere in the article
        pair = _near(left, right, config.proximity) if query.op == "near" else (left[0], right[0])
        if pair is None:
            continue
        kinds.add(query.kind)
        first, last = min(pair[0][0], pair[1][0]), max(pair[0][1], pair[1][1])
        if query.op == "and" and last - first > 6:
            label = f"q{query.id} {query.name} ({query.kind})"
            a_text = _evidence(words, low, shift, pair[0][0], pair[0][1], label)
            b_text = _evidence(words, low, shift, pair[1][0], pair[1][1], "and")
            gpr_evidence.append(f"{a_text}; {b_text}")
        else:
            gpr_evidence.append(_evidence(words, low, shift, first, last, f"q{query.id} {query.name} ({query.kind})"))
    excluded = hits.get("gpr.exclude")
    if kinds and excluded:
        start, end = excluded[0]
        gpr_evidence.insert(0, _evidence(words, low, shift, start, end, "excluded (GPR exclusion list)"))
        kinds = set()
    gpr_countries = tuple(sorted({c["iso3"] for c in countries if c.get("iso3")})) if kinds else ()

    tpu_evidence: list[str] = []
    trade = hits.get("tpu.trade") or []
    last_reported = -1
    for u in hits.get("tpu.uncertainty") or ():
        if u[0] <= last_reported:
            continue  # report distinct passages
        gaps = [(max(t[0] - u[1], u[0] - t[1]), t) for t in trade if not (t[0] <= u[1] and u[0] <= t[1])]
        if not gaps or min(gaps)[0] - 1 > config.tpu_window:
            continue
        t = min(gaps)[1]  # the nearest trade-policy term
        first, last = min(t[0], u[0]), max(t[1], u[1])
        tpu_evidence.append(_evidence(words, low, shift, first, last, "trade policy ~ uncertainty"))
        last_reported = last
        if len(tpu_evidence) == 3:
            break
    return RiskFlags(
        gpr_threat="threat" in kinds,
        gpr_act="act" in kinds,
        gpr_evidence=tuple(gpr_evidence),
        gpr_countries=gpr_countries,
        tpu=bool(tpu_evidence),
        tpu_evidence=tuple(tpu_evidence),
    )
