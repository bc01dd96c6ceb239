"""The extractor on the public extraction benchmark: quality holds, and our metric is the benchmark's.

Quality only: speed is for benchmarks/extraction_bench.py, which prints it beside trafilatura's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, require_shared

sys.path.insert(0, str(REPO / "benchmarks"))

from extraction_bench import load_extraction_benchmark, tradewire_text
from extraction_metric import score


@pytest.fixture(scope="module")
def predictions() -> tuple[dict[str, str], dict[str, str]]:
    gold, pages, urls = load_extraction_benchmark(require_shared("eval", "extraction-benchmark"))
    return gold, {key: tradewire_text(body, urls[key], key)[0] for key, body in pages.items()}


def test_f1_on_the_extraction_benchmark(predictions: tuple[dict[str, str], dict[str, str]]) -> None:
    result = score(*predictions)
    print(f"extraction benchmark: P {result.precision:.4f} R {result.recall:.4f} F1 {result.f1:.4f}")
    assert result.pages == 181
    assert result.f1 >= 0.965  # trafilatura's default scores 0.953 on these pages
    assert min(result.precision, result.recall) >= 0.95


def test_our_metric_agrees_with_the_reference_scorer(
    predictions: tuple[dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    reference = require_shared("tools", "extraction_eval.py")
    gold, predicted = predictions
    gold_file, predicted_file = tmp_path / "gold.json", tmp_path / "pred.json"
    gold_file.write_text(json.dumps({k: {"articleBody": v} for k, v in gold.items()}), encoding="utf-8")
    predicted_file.write_text(json.dumps({k: {"articleBody": v} for k, v in predicted.items()}), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(reference), str(gold_file), str(predicted_file)],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    theirs = json.loads(out.stdout)
    ours = score(gold, predicted)
    assert (round(ours.f1, 4), round(ours.precision, 4), round(ours.recall, 4)) == (
        theirs["f1"],
        theirs["precision"],
        theirs["recall"],
    )
