"""Fit the country salience model on the ModApte TRAIN split of Reuters-21578, and only on it.

    .venv/bin/python benchmarks/fit_country_salience.py [--shared ../shared] [--min-precision 0.82]

Every country tradewire/enrich/countries.py detects in a TRAIN story with PLACES is one example, positive when the
story's PLACES (mapped to modern ISO3 by reuters_places.py) hold it. L2-regularised logistic regression (numpy,
full-batch gradient descent) over countries.FEATURES; salience is its probability. The `about` cut is the lowest
salience whose five-fold cross-validated precision on TRAIN is at least --min-precision (a margin above the 0.80
target, since TEST is another month's news), counting gold countries never detected as misses. Writes
config/country_salience.yaml. The TEST split is not read here; benchmarks/enrich_bench.py scores it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

import numpy as np
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "include"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from reuters_places import gold_countries, modern_iso3  # noqa: E402

from tradewire.enrich.countries import FEATURES, country_features  # noqa: E402
from tradewire.settings import CONFIG_DIR  # noqa: E402


def train_stories(path: Path) -> list[tuple[str, str, list[str]]]:
    """(title, text, places) of ModApte TRAIN, as enrich_bench.modapte_split() and Story.text define them (read
    here directly, so that fitting does not import the whole enrich stage)."""
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            obj = json.loads(line)
            if obj.get("lewissplit") == "TRAIN" and obj.get("topics_attr") == "YES":
                parts = ((obj.get("dateline") or "").strip(), (obj.get("body") or "").strip())
                text = "\n".join(part for part in parts if part)
                out.append(((obj.get("title") or "").strip(), text, obj.get("places") or []))
    return out


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 4000, rate: float = 0.5) -> np.ndarray:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--min-precision", type=float, default=0.82)
    args = parser.parse_args()
    data = args.shared / "eval" / "reuters21578" / "parsed" / "reuters21578_all.jsonl.gz"
    if not data.exists():
        sys.exit(f"skipped: {data} not found")
    train = train_stories(data)
    rows, labels, story_of = [], [], []
    gold_total = 0
    for i, (title, text, places) in enumerate(train):
        gold = gold_countries(places)
        if not gold:
            continue
        gold_total += len(gold)
        for iso3, vector in country_features(title, text).items():
            rows.append(vector)
            labels.append(modern_iso3(iso3) in gold)
            story_of.append(i)
    x, y = np.array(rows), np.array(labels)
    folds = np.array(story_of) % 5  # whole stories in a fold
    held_out = np.zeros(len(y))
    for k in range(5):
        w = fit(x[folds != k], y[folds != k].astype(float))
        held_out[folds == k] = predict(x[folds == k], w)
    table = {}
    for cut in np.round(np.arange(0.05, 0.951, 0.01), 2):
        kept = held_out >= cut
        tp = int((kept & y).sum())
        table[float(cut)] = (tp / max(int(kept.sum()), 1), tp / gold_total)
    cut = min((c for c, (p, _) in table.items() if p >= args.min_precision), default=0.5)
    w = fit(x, y.astype(float))
    out = {
        "bias": round(float(w[-1]), 4),
        "cut": cut,
        "weights": {n: round(float(v), 4) for n, v in zip(FEATURES, w[:-1], strict=True)},
    }
    precision, recall = table[cut]
    header = (
        "# Weights of the country salience model (tradewire/enrich/countries.py), written by\n"
        "# benchmarks/fit_country_salience.py from the ModApte TRAIN split of Reuters-21578 only\n"
        f"# ({len(set(story_of))} stories with PLACES, {len(y)} detected countries, {gold_total} gold).\n"
        f"# Cut: the lowest salience with five-fold cross-validated precision >= {args.min_precision} on TRAIN\n"
        f"# (there: precision {precision:.3f}, recall {recall:.3f}).\n"
    )
    (CONFIG_DIR / "country_salience.yaml").write_text(header + yaml.safe_dump(out, sort_keys=False), encoding="utf-8")
    for c in (0.2, 0.3, 0.4, 0.5, cut):
        print(f"cut {c:.2f}: cross-validated precision {table[c][0]:.3f} recall {table[c][1]:.3f}")
    print(yaml.safe_dump(out, sort_keys=False))


if __name__ == "__main__":
    main()
