"""Fit the is_trade model on the ModApte TRAIN split of Reuters-21578, and only on it.

    .venv/bin/python benchmarks/fit_is_trade.py [--shared ../shared]

L2-regularised logistic regression (numpy, full-batch gradient descent) over the named features
of tradewire/enrich/trade.py; the decision threshold is the one with the best F1 on TRAIN (five-fold
cross-validated, so it is not the threshold of an overfitted fit). Writes config/is_trade.yaml.
The TEST split is not read here; benchmarks/enrich_bench.py scores it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "include"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from enrich_bench import load_stories, modapte_split  # noqa: E402

from tradewire.enrich.trade import FEATURES, feature_vector  # noqa: E402
from tradewire.settings import CONFIG_DIR  # noqa: E402

NAMES = [*FEATURES, "title_hits"]


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 3000, rate: float = 0.5) -> np.ndarray:
    """Weights with the bias last; features are standardised inside and mapped back."""
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([(x - mean) / std, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-z @ w))
        grad = z.T @ (p - y) / len(y) + l2 * np.r_[w[:-1], 0] / len(y)
        w -= rate * grad
    raw = w[:-1] / std
    return np.r_[raw, w[-1] - (w[:-1] * mean / std).sum()]


def predict(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(x @ w[:-1] + w[-1])))


def f1(y: np.ndarray, yes: np.ndarray) -> float:
    tp = float((y & yes).sum())
    return 2 * tp / (float(y.sum()) + float(yes.sum())) if tp else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    data = args.shared / "eval" / "reuters21578" / "parsed" / "reuters21578_all.jsonl.gz"
    if not data.exists():
        sys.exit(f"skipped: {data} not found")
    train, _ = modapte_split(load_stories(data))
    x = np.array([[feature_vector(s.title, s.text)[n] for n in NAMES] for s in train])
    y = np.array(["trade" in s.topics for s in train])
    folds = np.arange(len(train)) % 5
    held_out = np.zeros(len(train))
    for k in range(5):
        w = fit(x[folds != k], y[folds != k].astype(float))
        held_out[folds == k] = predict(x[folds == k], w)
    thresholds = np.round(np.arange(0.2, 0.81, 0.05), 2)
    scores = {float(t): f1(y, held_out >= t) for t in thresholds}
    threshold = max(scores, key=lambda t: (scores[t], -abs(t - 0.5)))
    w = fit(x, y.astype(float))
    weights = {n: round(float(v), 4) for n, v in zip(NAMES, w[:-1], strict=True) if n != "title_hits"}
    out = {
        "bias": round(float(w[-1]), 4),
        "title_weight": round(float(w[NAMES.index("title_hits")]), 4),
        "threshold": threshold,
        "weights": weights,
    }
    header = (
        "# Weights of the is_trade model (tradewire/enrich/trade.py), written by benchmarks/fit_is_trade.py\n"
        f"# from the ModApte TRAIN split of Reuters-21578 only ({len(train)} stories, {int(y.sum())} about trade).\n"
        f"# Threshold: best F1 of five-fold cross-validation on TRAIN ({scores[threshold]:.3f}).\n"
    )
    (CONFIG_DIR / "is_trade.yaml").write_text(header + yaml.safe_dump(out, sort_keys=False), encoding="utf-8")
    print(f"TRAIN {len(train)} stories, {int(y.sum())} trade; cross-validated F1 by threshold: {scores}")
    print(yaml.safe_dump(out, sort_keys=False))


if __name__ == "__main__":
    main()
