"""Enrichment against the hand-labelled gold of the bundled sample: floors a little under today's figures.

benchmarks/sample_gold.py prints the full table; these floors catch a regression in any field family.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import lru_cache
from types import ModuleType
from typing import Any

from tests.conftest import REPO

FLOORS = {  # field: (precision, recall)
    "countries": (0.80, 0.95),
    "countries_about": (0.88, 0.85),
    "places": (0.90, 0.80),
    "people": (0.95, 0.80),
    "people_roles": (0.95, 0.90),
    "organizations": (0.85, 0.80),
    "topics": (0.70, 0.80),
    "is_trade": (0.95, 0.70),
    "dyads": (0.90, 0.70),
    "events": (0.40, 0.55),
    "quotes": (0.95, 0.85),
    "quote_speakers": (0.95, 0.85),
    "amounts": (0.95, 0.80),
}


@lru_cache(maxsize=1)
def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sample_gold", REPO / "benchmarks" / "sample_gold.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["sample_gold"] = module
    spec.loader.exec_module(module)
    return module


@lru_cache(maxsize=1)
def _figures() -> dict[str, Any]:
    scorer = _scorer()
    return scorer.score(scorer.sample_records())


def test_every_labelled_article_is_scored() -> None:
    assert _figures()["countries"]["tp"] + _figures()["countries"]["fn"] >= 100  # 35 articles, ~104 countries


def test_each_field_family_stays_above_its_floor() -> None:
    figures = _figures()
    _scorer().report(figures, "sample corpus")
    low = {
        name: (figures[name]["precision"], figures[name]["recall"])
        for name, (precision, recall) in FLOORS.items()
        if figures[name]["precision"] < precision or figures[name]["recall"] < recall
    }
    assert not low, f"below the floor (precision, recall): {low}"
