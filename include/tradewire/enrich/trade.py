"""is_trade: is trade policy or are trade flows a subject of the article?

A logistic model over a dozen counted, named features (trade balances, trade policy phrases,
tariffs, protectionism, trade bodies ...), each a regular expression a reader can check. The
weights live in config/is_trade.yaml and were fitted by benchmarks/fit_is_trade.py on the
ModApte training split of Reuters-21578 only; the evidence of a decision is the features that
fired, with the sentences they fired in.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from tradewire.settings import CONFIG_DIR

FEATURES: dict[str, str] = {
    "trade_balance": r"\btrade (deficits?|surplus(es)?|gap|balance|imbalances?|figures|data|account)\b",
    "trade_policy": (
        r"\btrade (bill|legislation|law|polic(y|ies)|barriers?|sanctions?|wars?|disputes?|frictions?|tensions?"
        r"|talks|negotiat\w+|agreements?|pacts?|deals?|relations|representatives?|ministers?|ministry|officials?"
        r"|protection|restrictions?|retaliation|remed(y|ies)|reform|issues?|row|conflict)\b"
    ),
    "tariff": r"\b(tariffs?|customs dut(y|ies)|import dut(y|ies)|levies|duties on)\b",
    "protectionism": r"\bprotectionis(m|t)\b",
    "trade_body": r"\b(GATT|WTO|USTR|MOFCOM|World Trade Organi[sz]ation|General Agreement on Tariffs and Trade)\b",
    "trade_remedy": r"\b(anti-?dumping|dumping|countervailing|safeguard measures?|section 301|section 232)\b",
    "retaliation": r"\bretaliat\w*\b",
    "quota": r"\b(import|export|trade) quotas?\b|\bquotas? on\b",
    "market_access": r"\b(market access|open(ing)? (up )?(its|their) markets?|trade liberali[sz]ation|free trade)\b",
    "flows": r"\b(imports?|exports?)\b",
    "trade_word": r"\btrade\b",
    "round": r"\b(Uruguay|Doha|Kennedy|Tokyo) Round\b|\btrade round\b",
}
_CASED = frozenset({"trade_body", "round"})  # acronyms and proper names: matched as written
# the others are matched against lower-cased text, which is IGNORECASE at about half the cost
_COMPILED = {name: re.compile(p if name in _CASED else p.lower()) for name, p in FEATURES.items()}


@dataclass(frozen=True)
class TradeVerdict:
    is_trade: bool
    probability: float
    evidence: tuple[tuple[str, str], ...]  # (feature, matched text) for the features that fired


@dataclass(frozen=True)
class Model:
    bias: float
    weights: dict[str, float]
    title_weight: float
    threshold: float


@lru_cache(maxsize=1)
def model() -> Model:
    data = yaml.safe_load((CONFIG_DIR / "is_trade.yaml").read_text(encoding="utf-8"))
    return Model(float(data["bias"]), {k: float(v) for k, v in data["weights"].items()}, float(data["title_weight"]),
                 float(data["threshold"]))  # fmt: skip


def _matches(title: str | None, text: str) -> tuple[dict[str, list[str]], dict[str, bool]]:
    lower_text, head, lower_head = text.lower(), title or "", (title or "").lower()
    in_text = {n: [m.group(0) for m in p.finditer(text if n in _CASED else lower_text)] for n, p in _COMPILED.items()}
    in_title = {n: bool(p.search(head if n in _CASED else lower_head)) for n, p in _COMPILED.items()}
    return in_text, in_title


def _values(in_text: dict[str, list[str]], in_title: dict[str, bool]) -> dict[str, float]:
    values = {name: math.log1p(len(found)) for name, found in in_text.items()}
    values["title_hits"] = float(sum(1 for name, hit in in_title.items() if hit and name != "flows"))
    return values


def feature_vector(title: str | None, text: str) -> dict[str, float]:
    """log(1 + count) per feature, plus title_hits: how many trade features fire in the headline."""
    return _values(*_matches(title, text))


def probability(values: dict[str, float], fitted: Model) -> float:
    score = fitted.bias + fitted.title_weight * values["title_hits"]
    score += sum(fitted.weights.get(name, 0.0) * value for name, value in values.items() if name != "title_hits")
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, score))))


def judge_trade(title: str | None, text: str) -> TradeVerdict:
    fitted = model()
    in_text, in_title = _matches(title, text)
    p = probability(_values(in_text, in_title), fitted)
    evidence = []
    for name, found in in_text.items():
        if fitted.weights.get(name, 0.0) > 0 and (found or in_title[name]):
            evidence.append((name, found[0] if found else f"{name} in the headline"))
    return TradeVerdict(p >= fitted.threshold, round(p, 4), tuple(evidence))
