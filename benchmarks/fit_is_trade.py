"""Fit the is_trade model on the ModApte TRAIN split of Reuters-21578, and only on it.

    .venv/bin/python benchmarks/fit_is_trade.py [--shared ../shared] [--terms 1000]

An L2-regularised logistic regression (numpy + scipy L-BFGS) over the named features of tradewire/enrich/trade.py
and a lexical layer of words and word pairs. The lexical vocabulary is what TRAIN offers at least three times, less
stop words and names (words mostly written capitalised in running text: 1987's ministers do not generalise). A first
fit over the whole vocabulary picks the --terms lexical terms with the largest weights; a second fit over the named
features and those terms gives the weights kept. The threshold is the one with the best F1 in five-fold
cross-validation on TRAIN, with contiguous folds (stories in time order, so that the many near-repeated wire stories
of a day do not sit on both sides of a fold), selection and both fits redone in every fold. Writes
config/is_trade.yaml. The TEST split is not read here; benchmarks/enrich_bench.py scores it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import yaml
from scipy import sparse
from scipy.optimize import minimize

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "include"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from enrich_bench import Story, load_stories, modapte_split  # noqa: E402

from tradewire.enrich.trade import NAMES, feature_vector, lexical_terms  # noqa: E402
from tradewire.settings import CONFIG_DIR  # noqa: E402

_STOP_WORDS_TEXT = (
    "a about after all also an and any are as at be been before but by can could did do does for from had has have he"
    " her his i if in into is it its last may more most much new no not of on one or other our over said says she"
    " should so some such than that the their them then there these they this those to under up was we were what"
    " when which while who will with would year years you"
)
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
FIRST_L2, SECOND_L2 = 1.0, 3.0
MIN_DF = 3
_CASED_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def fit(x: sparse.csr_matrix, y: np.ndarray, l2: float) -> np.ndarray:
    """Logistic regression weights with the bias last (not penalised)."""

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w[:-1] + w[-1]
        p = 1 / (1 + np.exp(-z))
        value = np.logaddexp(0, z).sum() - y @ z + 0.5 * l2 * w[:-1] @ w[:-1]
        return float(value), np.r_[x.T @ (p - y) + l2 * w[:-1], (p - y).sum()]

    return minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B", options={"maxiter": 500}).x


def predict(x: sparse.csr_matrix, w: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(x @ w[:-1] + w[-1])))


def f1(y: np.ndarray, yes: np.ndarray) -> float:
    tp = float((y & yes).sum())
    return 2 * tp / (float(y.sum()) + float(yes.sum())) if tp else 0.0


def vocabulary(stories: list[Story], term_sets: list[frozenset[str]]) -> list[str]:
    """Terms in at least MIN_DF stories, none of whose words is a stop word alone or a name."""
    lower, capitalised = Counter[str](), Counter[str]()
    for story in stories:
        for word in _CASED_WORD.findall(story.text):
            (lower if word.islower() else capitalised)[word.lower()] += 1
    common = {w for w in lower if lower[w] >= capitalised[w]}
    df = Counter(term for terms in term_sets for term in terms)

    def keep(term: str) -> bool:
        words = term.removeprefix("title:").split(" ")
        return df[term] >= MIN_DF and all(w in common for w in words) and not all(w in STOP_WORDS for w in words)

    return sorted(term for term in df if keep(term))


def design(named: np.ndarray, term_sets: list[tuple[frozenset[str], float]], vocab: list[str]) -> sparse.csr_matrix:
    index = {term: i for i, term in enumerate(vocab)}
    rows, cols, vals = [], [], []
    for i, (terms, scale) in enumerate(term_sets):
        for term in terms:
            j = index.get(term)
            if j is not None:
                rows.append(i)
                cols.append(j)
                vals.append(scale)
    lexical = sparse.csr_matrix((vals, (rows, cols)), shape=(len(term_sets), len(vocab)))
    return sparse.hstack([sparse.csr_matrix(named), lexical]).tocsr()


def fit_pruned(x: sparse.csr_matrix, y: np.ndarray, n_terms: int) -> tuple[np.ndarray, np.ndarray]:
    """(columns kept, weights over them): the named features and the n_terms strongest lexical terms."""
    n_named = len(NAMES)
    first = fit(x, y, FIRST_L2)
    strongest = n_named + np.argsort(-np.abs(first[n_named:-1]))[:n_terms]
    columns = np.r_[np.arange(n_named), np.sort(strongest)]
    return columns, fit(x[:, columns], y, SECOND_L2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--terms", type=int, default=1000, help="lexical terms kept (default 1000)")
    args = parser.parse_args()
    data = args.shared / "eval" / "reuters21578" / "parsed" / "reuters21578_all.jsonl.gz"
    if not data.exists():
        sys.exit(f"skipped: {data} not found")
    train, _ = modapte_split(load_stories(data))
    train.sort(key=lambda s: s.newid)
    named = np.array([[feature_vector(s.title, s.text)[n] for n in NAMES] for s in train])
    term_sets = [lexical_terms(s.title, s.text) for s in train]
    y = np.array(["trade" in s.topics for s in train])
    yf = y.astype(float)
    folds = np.arange(len(train)) * 5 // len(train)
    held_out = np.zeros(len(train))
    for k in range(5):
        inside = folds != k
        fold_stories = [s for s, keep in zip(train, inside, strict=True) if keep]
        fold_vocab = vocabulary(fold_stories, [t for (t, _), keep in zip(term_sets, inside, strict=True) if keep])
        x = design(named, term_sets, fold_vocab)
        columns, w = fit_pruned(x[inside], yf[inside], args.terms)
        held_out[~inside] = predict(x[~inside][:, columns], w)
        print(f"fold {k}: F1 at 0.3 {f1(y[~inside], held_out[~inside] >= 0.3):.3f}", flush=True)
    thresholds = np.round(np.arange(0.1, 0.81, 0.05), 2)
    scores = {float(t): round(f1(y, held_out >= t), 4) for t in thresholds}
    threshold = max(scores, key=lambda t: (scores[t], -abs(t - 0.5)))
    vocab = vocabulary(train, [t for t, _ in term_sets])
    columns, w = fit_pruned(design(named, term_sets, vocab), yf, args.terms)
    names = [*NAMES, *vocab]
    kept = [names[c] for c in columns]
    weights = {n: round(float(v), 4) for n, v in zip(kept[: len(NAMES)], w[: len(NAMES)], strict=True)}
    terms = {n: round(float(v), 4) for n, v in zip(kept[len(NAMES) :], w[len(NAMES) : -1], strict=True)}
    terms = dict(sorted(terms.items(), key=lambda item: -item[1]))
    out = {"bias": round(float(w[-1]), 4), "threshold": threshold, "weights": weights, "terms": terms}
    header = (
        "# Weights of the is_trade model (tradewire/enrich/trade.py), written by benchmarks/fit_is_trade.py\n"
        f"# from the ModApte TRAIN split of Reuters-21578 only ({len(train)} stories, {int(y.sum())} about trade).\n"
        f"# Threshold: best F1 of five-fold cross-validation on TRAIN ({scores[threshold]:.3f}).\n"
        f"# terms: the {len(terms)} lexical terms kept of {len(vocab)}, strongest positive first.\n"
    )
    (CONFIG_DIR / "is_trade.yaml").write_text(
        header + yaml.safe_dump(out, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    print(f"TRAIN {len(train)} stories, {int(y.sum())} trade; cross-validated F1 by threshold: {scores}")
    print(f"threshold {threshold}; named weights: {weights}")


if __name__ == "__main__":
    main()
