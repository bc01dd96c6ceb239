"""The public article-extraction benchmark's metric: word 4-gram overlap, normalised per page.

Tokens are `\\w+` matches (Unicode). Per page, TP, FP and FN are the multiset overlaps of the gold
and extracted 4-grams, divided by TP+FP+FN so that every page weighs the same. Precision is the
mean over pages with TP+FP > 0 of TP/(TP+FP), recall likewise with FN; a page with FP = FN = 0
scores 1. F1 is the harmonic mean of the two means.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = WORD.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def page_scores(gold: str, predicted: str) -> tuple[float, float, float]:
    g, p = shingles(gold), shingles(predicted)
    tp = sum((g & p).values())
    fp = sum((p - g).values())
    fn = sum((g - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    pages: int


def score(gold: Mapping[str, str], predicted: Mapping[str, str]) -> Score:
    precisions, recalls = [], []
    for key, text in gold.items():
        tp, fp, fn = page_scores(text, predicted.get(key, ""))
        if tp + fp > 0:
            precisions.append(1.0 if fp == fn == 0 else tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(1.0 if fp == fn == 0 else tp / (tp + fn))
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return Score(p, r, 2 * p * r / (p + r) if p + r else 0.0, len(gold))
