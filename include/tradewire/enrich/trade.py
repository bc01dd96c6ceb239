"""is_trade: is trade policy or are trade flows a subject of the article?

A logistic model in two layers, both a reader can check:

1. named features: a score of regular expressions (trade balances, trade policy phrases, trade officials,
   tariffs, import curbs, trade bodies ...) counted in the text and flagged in the headline, plus a few negative
   ones for stories where "trade" is the commodity trade or the markets (traders, trade sources, shares, tonnes);
2. a sparse lexical layer: a thousand lower-case words and word pairs (headline terms kept apart) with weights.

All weights and the threshold live in config/is_trade.yaml and were fitted by benchmarks/fit_is_trade.py on the
ModApte training split of Reuters-21578 only. The evidence of a decision is the named features that fired (with what
they matched) and the lexical terms that pushed the score up most.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ahocorasick

from tradewire.enrich.shared_scan import cased_hits, lowered_hits
from tradewire.settings import CONFIG_DIR
from tradewire.yamlfile import read_yaml

_PARTNERS = r"(the |china|japan|canada|mexico|europe|u\.?s|united|south|taiwan|india|brazil|korea|germany|britain|russia|vietnam|asia)"  # noqa: E501
FEATURES: dict[str, str] = {
    # "trade" in the sense of trade between economies: the other senses are counted by trade_other_sense
    "trade_word": (
        r"\btrade\b(?! (sources?|houses?|unions?|unionists?|fairs?|shows?|marks?|names?|secrets?|press|journals?"
        r"|magazines?|publications?|school|desk|credit|finance|financing|date|price|receivables?|debt|loans?)\b)"
    ),
    "trade_balance": (
        r"\btrade (deficits?|surplus(es)?|gap|balances?|imbalances?|figures|data|account|statistics|performance"
        r"|shortfall)\b|\b(deficits?|surplus(es)?|imbalances?) (in|on) (its |their |the )?(merchandise |visible "
        r"|foreign )?trade\b|\bvisible trade\b"
    ),
    "bilateral": (
        r"\b(deficits?|surplus(es)?|imbalances?) with\b|\btrade (with|between)\b|\bbilateral trade\b"
        rf"|\b(imports?|exports?|shipments) (from|to|into) {_PARTNERS}"
    ),
    "trade_policy": (
        r"\btrade (bills?|legislation|laws?|acts?|polic(y|ies)|barriers?|sanctions?|wars?|disputes?|frictions?"
        r"|tensions?|talks|negotiat\w+|agreements?|pacts?|deals?|accords?|relations|protection|restrictions?"
        r"|retaliation|remed(y|ies)|reform|issues?|rows?|conflicts?|truce|ceasefire|hawks?|measures?|practices"
        r"|partners?|rules|regime|fight|feud|battle|spat|action)\b"
    ),
    "trade_official": (
        r"\btrade (representatives?|ministers?|ministry|secretary|commissioner|negotiators?|envoys?|chief|officials?"
        r"|czar|advisers?|panel|commission|committee|department|office)\b|\bcommerce (secretary|minister|ministry"
        r"|department)\b|\bminist(er|ry) of (international |foreign )?(trade|commerce)\b"
    ),
    "tariff": r"\b(tariffs?|customs dut(y|ies)|import dut(y|ies)|import tax(es)?|levies|duties on)\b",
    "import_curb": (
        r"\b(import|export) (curbs?|controls?|restrictions?|bans?|barriers?|licen[cs]es?|limits?|surcharges?)\b"
        r"|\b(curbs?|restrictions?|limits?|bans?|embargo(es)?) on (\w+ )?(imports?|exports?)\b|\bembargo(es)?\b"
    ),
    "protectionism": r"\bprotectionis(m|t)\b",
    "trade_body": (
        r"\b(GATT|WTO|USTR|MOFCOM|MITI|UNCTAD|NAFTA|USMCA|RCEP|CPTPP|TPP|World Trade Organi[sz]ation"
        r"|General Agreement on Tariffs and Trade|International Trade Commission)\b"
    ),
    "trade_remedy": (
        r"\b(anti-?dumping|dumping|countervailing|anti-?subsidy|safeguard measures?|section 301|section 232"
        r"|super 301|unfair trad(e|ing)|entity list)\b"
    ),
    "retaliation": r"\bretaliat\w*\b|\bcounter-?measures?\b|\bsanctions?\b",
    "quota": r"\b(import|export|trade) quotas?\b|\bquotas? on\b",
    "market_access": (
        r"\b(market access|open(ing)? (up )?(its|their|the) (\w+ )?markets?|market-opening|trade liberali[sz]ation"
        r"|free[ -]trade|fair trade|level playing field)\b"
    ),
    "flows": r"\b(imports?|exports?|exporters?|importers?)\b",
    "round": r"\b(Uruguay|Doha|Kennedy|Tokyo) Round\b|\btrade round\b|\bround of (trade )?talks\b",
    # negative evidence: "trade" as the commodity trade or the markets, and the vocabulary of those stories
    "trade_other_sense": (
        r"\b(trade|market|industry) sources?\b|\bthe trade (said|says|expects?|estimates?|thinks?|was|is|reports?)\b"
        r"|\btrade (houses?|unions?|fairs?|shows?|estimates?|guesses)\b|\btraders?\b|\btraded\b|\btrading\b"
    ),
    "markets": (
        r"\b(shares|stocks?|bonds?|futures|index|indices|nasdaq|dow|s&p|equities|earnings|dividends?|per share"
        r"|net profit|quarterly profit)\b"
    ),
    "commodity": r"\b(tonnes|tons|bushels|bales|cargoes|cargo|crop|harvest|prices?)\b",
    "money": r"\b(interest rates?|exchange rates?|currency|currencies|dollar|yen|monetary|inflation|central bank)\b",
}
_CASED = frozenset({"trade_body", "round"})  # acronyms and proper names: matched as written
# the others are matched against lower-cased text, which is IGNORECASE at about half the cost
_META = frozenset("\\()[]{}?*+|.^$")


def _top_level_split(pattern: str) -> list[str]:
    """The alternatives of a pattern (or of a group's content) at its top level."""
    parts, depth, start, escaped = [], 0, 0, False
    for i, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    return [*parts, pattern[start:]]


def _closing(pattern: str) -> int:
    """Index of the parenthesis that closes the one opening the pattern."""
    depth, escaped = 0, False
    for i, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if not depth:
                return i
    raise ValueError(f"unbalanced {pattern!r}")


def _alternatives(pattern: str) -> list[str]:
    """The pattern as alternatives that each open on literal text, leading word boundaries dropped: a leading group
    "(a|b)c" becomes "ac" and "bc"."""
    out = []
    for part in _top_level_split(pattern):
        part = part.removeprefix(r"\b")
        if part.startswith("("):
            close = _closing(part)
            if part[close + 1 : close + 2] in ("?", "*"):
                raise ValueError(f"optional leading group in {pattern!r}")
            out.extend(_alternatives("|".join(alt + part[close + 1 :] for alt in _top_level_split(part[1:close]))))
        else:
            out.append(part)
    return out


def _literal_prefix(pattern: str) -> str:
    end = next((i for i, char in enumerate(pattern) if char in _META), len(pattern))
    if pattern[end : end + 1] in ("?", "*"):
        end -= 1  # the quantifier makes the letter before it optional
    if end < 2:
        raise ValueError(f"no literal opening in {pattern!r}")
    return pattern[:end]


Rule = tuple[str, re.Pattern[str]]


@lru_cache(maxsize=1)
def _automata() -> tuple[ahocorasick.Automaton, ahocorasick.Automaton]:
    """(lower-cased features, cased features): each alternative keyed by its literal opening, so that one pass over
    the text finds every place a feature may match and the regex runs only there."""
    rules: tuple[dict[str, list[Rule]], dict[str, list[Rule]]] = ({}, {})
    for name, pattern in FEATURES.items():
        cased = name in _CASED
        for alternative in _alternatives(pattern if cased else pattern.lower()):
            rules[cased].setdefault(_literal_prefix(alternative), []).append((name, re.compile(alternative)))
    automata = []
    for table in rules:
        automaton = ahocorasick.Automaton()
        for prefix, entries in table.items():
            automaton.add_word(prefix, (len(prefix), tuple(entries)))
        automaton.make_automaton()
        automata.append(automaton)
    return automata[0], automata[1]


def _find(
    haystack: str,
    automaton: ahocorasick.Automaton,
    found: dict[str, list[str]],
    hits: Iterable[tuple[int, tuple[int, tuple[Rule, ...]]]] | None = None,
) -> None:
    """Add to found the matches of the automaton's features, non-overlapping within a feature, as finditer would.
    hits: the automaton's hits in haystack, when the caller has them."""
    spans: list[tuple[int, int, str, str]] = []
    for end, (length, entries) in automaton.iter(haystack) if hits is None else hits:
        start = end - length + 1
        if start and haystack[start - 1].isalnum():
            continue  # every feature opens on a word
        for name, pattern in entries:
            if m := pattern.match(haystack, start):
                spans.append((start, -m.end(), name, m.group(0)))
    last_end: dict[str, int] = {}
    for start, negative_end, name, matched in sorted(spans):
        if start >= last_end.get(name, 0):
            found[name].append(matched)
            last_end[name] = -negative_end


# features also flagged in the headline, where one hit says more than several in the body
TITLE_FEATURES = (
    *("trade_word", "trade_balance", "trade_policy", "trade_official", "tariff", "import_curb", "protectionism"),
    *("trade_body", "trade_remedy", "market_access", "flows", "bilateral", "trade_other_sense"),
)
NAMES: tuple[str, ...] = (*FEATURES, *(f"title:{name}" for name in TITLE_FEATURES), "log_words")
_NEGATIVE = frozenset({"trade_other_sense", "markets", "commodity", "money"})

_WORD = re.compile(r"[a-z][a-z'-]*")
TERM_SCALE = 10.0  # a lexical term present carries TERM_SCALE / sqrt(words in the story)


@dataclass(frozen=True)
class TradeVerdict:
    is_trade: bool
    probability: float
    evidence: tuple[tuple[str, str], ...]  # (feature, matched text); ("term", word or pair) for the lexical layer


@dataclass(frozen=True)
class Model:
    bias: float
    weights: dict[str, float]  # named features (NAMES)
    terms: dict[str, float]  # lexical layer: "word", "word word", "title:word" ...
    threshold: float


@lru_cache(maxsize=1)
def model() -> Model:
    data = read_yaml(CONFIG_DIR / "is_trade.yaml")
    weights = {str(k): float(v) for k, v in data["weights"].items()}
    terms = {str(k): float(v) for k, v in (data.get("terms") or {}).items()}
    return Model(float(data["bias"]), weights, terms, float(data["threshold"]))


def _matches(title: str | None, text: str) -> tuple[dict[str, list[str]], dict[str, bool]]:
    lower_automaton, cased_automaton = _automata()
    in_text: dict[str, list[str]] = {name: [] for name in FEATURES}
    lower = text.lower()
    shared = ((end, entry) for end, (_, entry, _) in lowered_hits(lower) if entry is not None)  # the pass topics made
    _find(lower, lower_automaton, in_text, shared)
    _find(
        text, cased_automaton, in_text, ((end, entry) for end, (_, entry, _) in cased_hits(text) if entry is not None)
    )
    head: dict[str, list[str]] = {name: [] for name in FEATURES}
    _find((title or "").lower(), lower_automaton, head)
    _find(title or "", cased_automaton, head)
    return in_text, {name: bool(head[name]) for name in TITLE_FEATURES}


def _values(in_text: dict[str, list[str]], in_title: dict[str, bool], text: str) -> dict[str, float]:
    values = {name: math.log1p(len(found)) for name, found in in_text.items()}
    values.update({f"title:{name}": float(hit) for name, hit in in_title.items()})
    values["log_words"] = math.log1p(len(text.split()))
    return values


def feature_vector(title: str | None, text: str) -> dict[str, float]:
    """The named features: log(1 + count) in the text, 0/1 in the headline (title:...), and log(1 + words)."""
    return _values(*_matches(title, text), text)


def _words(title: str | None, text: str) -> tuple[list[str], list[str]]:
    return _WORD.findall(text.lower()), [f"title:{w}" for w in _WORD.findall((title or "").lower())]


def lexical_terms(title: str | None, text: str) -> tuple[frozenset[str], float]:
    """The distinct lower-case words and word pairs of the text, and of the headline prefixed "title:", with the
    value each carries: TERM_SCALE / sqrt(words), so that short and long stories weigh alike."""
    terms: set[str] = set()
    body, head = _words(title, text)
    for words, cut in ((body, 0), (head, len("title:"))):
        terms.update(words)
        terms.update(f"{a} {b[cut:]}" for a, b in itertools.pairwise(words))
    return frozenset(terms), TERM_SCALE / math.sqrt(max(1, len(body) + len(head)))


@lru_cache(maxsize=1)
def _term_automata() -> tuple[ahocorasick.Automaton, ahocorasick.Automaton]:
    """(body terms, headline terms) of the model, to find them all in one pass over the space-joined words.
    Each is keyed with a space either side, so that only whole words match (a term inside a longer word is
    never reported, which saves the check)."""
    automata = (ahocorasick.Automaton(), ahocorasick.Automaton())
    for term, weight in model().terms.items():
        in_title = term.startswith("title:")
        key = term.removeprefix("title:")
        automata[in_title].add_word(f" {key} ", (term, weight))
    for automaton in automata:
        automaton.make_automaton()
    return automata


def _lexical(title: str | None, text: str) -> list[tuple[float, str]]:
    """(weight, term) for the model's terms in the story: the same terms as lexical_terms() finds, faster."""
    body = _WORD.findall(text.lower())
    head = _WORD.findall((title or "").lower())
    scale = TERM_SCALE / math.sqrt(max(1, len(body) + len(head)))
    found: dict[str, float] = {}
    for words, automaton in zip((body, head), _term_automata(), strict=True):
        for _, (term, weight) in automaton.iter(f" {' '.join(words)} "):
            found[term] = weight * scale
    return [(contribution, term) for term, contribution in found.items()]


def _score(values: dict[str, float], lexical: list[tuple[float, str]], fitted: Model) -> tuple[float, list[str]]:
    score = fitted.bias + sum(fitted.weights.get(name, 0.0) * value for name, value in values.items())
    score += sum(c for c, _ in lexical)
    top = [t for c, t in sorted(lexical, reverse=True)[:5] if c > 0.05]
    return score, top


def probability(score: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, score))))


# Reuters' indexers kept "trade" for trade policy and balances in general: a story on duties on one commodity,
# an export ban or sanctions went under the commodity or not at all. The is_trade is wider (trade policy
# or trade flows a subject), so a story whose trade-policy topics hit often enough is about trade whatever the
# Reuters-fitted model says. Chosen as a rule, not fitted: ModApte TEST F1 0.798 -> 0.783, sample gold recall
# 0.50 -> 0.75 (benchmarks/enrich_bench.py and benchmarks/sample_gold.py print both).
POLICY_TOPICS = frozenset(
    {"tariffs", "export_controls", "sanctions", "trade_agreement", "trade_dispute", "trade_balance"}
)
POLICY_TOPIC_HITS = 4


def judge_trade(title: str | None, text: str, topics: Sequence[Mapping[str, Any]] = ()) -> TradeVerdict:
    """The model's verdict, widened by the article's trade-policy topics (enrich_record passes them)."""
    fitted = model()
    in_text, in_title = _matches(title, text)
    score, top_terms = _score(_values(in_text, in_title, text), _lexical(title, text), fitted)
    p = probability(score)
    evidence = []
    for name, found in in_text.items():
        hit_in_title = in_title.get(name, False)
        if name in _NEGATIVE or not (found or hit_in_title):
            continue
        if fitted.weights.get(name, 0.0) > 0 or fitted.weights.get(f"title:{name}", 0.0) > 0:
            evidence.append((name, found[0] if found else f"{name} in the headline"))
    evidence.extend(("term", term) for term in top_terms)
    policy = [t for t in topics if t["id"] in POLICY_TOPICS]
    by_topics = sum(int(t["hits"]) for t in policy) >= POLICY_TOPIC_HITS
    if by_topics:
        evidence.append(("policy_topics", ", ".join(f"{t['id']} ({t['hits']})" for t in policy)))
    return TradeVerdict(p >= fitted.threshold or by_topics, round(p, 4), tuple(evidence))
