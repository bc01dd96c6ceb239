"""The enrich stage over a staging file: typed columns for every family; one failing article loses nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tradewire.enrich import run
from tradewire.enrich.schema import LIST_COLUMNS, SCALAR_COLUMNS

TEXT = (
    "China and the United States agreed on Thursday to hold trade talks in Geneva. "
    '"We want a deal," said US Trade Representative Jamieson Greer. Washington threatened a 25% tariff on '
    "Chinese steel from March 1."
)


def _clean_file(tmp_path: Path) -> Path:
    frame = pl.DataFrame(
        {
            "item_id": ["good", "bad", "front"],
            "title": ["US and China to talk trade", "A page the rules choke on", "Section front"],
            "text": [TEXT, TEXT, "Latest news"],
            "page_type": ["article", "article", "section"],
            "published_at": [datetime(2025, 5, 8, tzinfo=UTC)] * 3,
            "authors": [["A Writer"], [], []],
        }
    )
    path = tmp_path / "clean.parquet"
    frame.write_parquet(path)
    return path


def test_every_family_is_a_typed_column(tmp_path: Path) -> None:
    out = run.enrich_articles(_clean_file(tmp_path), tmp_path / "enriched.parquet")
    frame = pl.read_parquet(out)
    for name, struct in LIST_COLUMNS.items():
        assert frame.schema[name] == pl.List(struct), name
    for name, dtype in SCALAR_COLUMNS.items():
        assert frame.schema[name] == dtype, name
    good = frame.row(0, named=True)
    assert {"CHN", "USA"} <= {c["iso3"] for c in good["countries"]}
    assert any(e["type"] == "tariff_action" and e["rate_pct"] == 25.0 for e in good["events"])
    assert good["quotes"][0]["speaker"] == "Jamieson Greer" and good["enrich_error"] is None
    assert frame.row(2, named=True)["events"] == []  # not an article: nothing enriched, nothing invented


def test_an_article_that_breaks_a_rule_is_kept_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = run.enrich_record

    def failing_on_one(title: str | None, text: str | None, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if title == "A page the rules choke on":
            raise ValueError("a rule choked")
        return real(title, text, *args, **kwargs)

    monkeypatch.setattr(run, "enrich_record", failing_on_one)  # a bug we cannot otherwise trigger on demand
    frame = pl.read_parquet(run.enrich_articles(_clean_file(tmp_path), tmp_path / "enriched.parquet"))
    assert frame.height == 3  # nothing dropped
    bad = frame.row(1, named=True)
    assert bad["enrich_error"] == "ValueError: a rule choked"
    assert bad["countries"] == [] and bad["is_trade"] is None
    assert frame.row(0, named=True)["countries"]  # the others are enriched as usual


def test_worker_processes_give_the_same_frame_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two worker processes and batches of two rows: the same rows, in the same order, as one process."""
    clean = _clean_file(tmp_path)
    alone = pl.read_parquet(run.enrich_articles(clean, tmp_path / "alone.parquet"))
    monkeypatch.setattr(run, "BATCH_ARTICLES", 2)
    monkeypatch.setattr(run, "MIN_ARTICLES_PER_WORKER", 1)  # three rows: workers only because we ask
    parallel = pl.read_parquet(run.enrich_articles(clean, tmp_path / "parallel.parquet", workers=2))
    assert parallel.equals(alone)
    assert pl.read_parquet_schema(tmp_path / "parallel.parquet") == alone.schema
