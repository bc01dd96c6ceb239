"""The Great Expectations suite on cleaned articles: real GX, quarantine by row, stop on batch breaches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from tradewire.clean.run import CLEAN_SCHEMA
from tradewire.validate.run import ValidationFailed, validate_cleaned


def _row(article_id: str, **overrides: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(CLEAN_SCHEMA)
    row.update(
        item_id=f"item-{article_id}", article_id=article_id, source="s", url=f"https://example.org/{article_id}",
        page_type="article", title="A proper headline about tariffs", authors=[], tags=[], language="en",
        text="word " * 100, word_count=100, published_at=datetime(2025, 10, 1, tzinfo=UTC), fingerprint=article_id,
        minhash=[1] * 64,
    )  # fmt: skip
    row.update(overrides)
    return row


def _write(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    path = tmp_path / "enriched.parquet"
    pl.DataFrame(rows, schema=CLEAN_SCHEMA, orient="row").write_parquet(path)
    return path


def test_good_rows_pass_and_bad_rows_are_quarantined_with_reasons(tmp_path: Path) -> None:
    future = datetime.now(UTC) + timedelta(days=3)
    rows = [
        _row("a"),
        _row("b", title=None),
        _row("c", language="xx"),
        _row("d", published_at=future),
        _row("e", word_count=3, text="too short"),
        _row("f", url="not a url"),
        _row("g", page_type="section_front", title=None),  # not an article: not validated, not quarantined
    ]
    outcome = validate_cleaned(_write(tmp_path, rows), tmp_path / "out", "run-1")
    passed = pl.read_parquet(outcome.passed_path)
    quarantined = pl.read_parquet(outcome.quarantine_path)
    assert passed["article_id"].to_list() == ["a"]
    reasons = dict(zip(quarantined["article_id"], quarantined["failed_expectations"].to_list(), strict=True))
    assert set(reasons) == {"b", "c", "d", "e", "f"}
    assert any("title" in r for r in reasons["b"])
    assert any("language" in r for r in reasons["c"])
    assert any("published_at" in r for r in reasons["d"])
    assert any("word_count" in r for r in reasons["e"])
    assert any("url" in r for r in reasons["f"])
    results = pl.read_parquet(outcome.results_path)
    assert results.height >= 8 and set(results["run_id"]) == {"run-1"}


def test_duplicate_ids_fail_the_batch(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match="Unique"):
        validate_cleaned(_write(tmp_path, [_row("a"), _row("a")]), tmp_path / "out", "run-2")
