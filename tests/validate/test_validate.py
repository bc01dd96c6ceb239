"""The stage contracts with real Great Expectations: quarantine by item, thresholds, Data Docs, results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tradewire.clean.run import CLEAN_SCHEMA
from tradewire.enrich.run import enrich_articles
from tradewire.fetch.run import FETCH_SCHEMA
from tradewire.validate.run import (
    Contract,
    StageCheck,
    ValidationFailed,
    validate_clean,
    validate_enrich,
    validate_fetch,
)


@pytest.fixture
def contract(tmp_path: Path) -> Contract:
    return Contract(gx_dir=tmp_path / "gx", docs_dir=tmp_path / "data_docs", max_failing_share=0.5)


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


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    pl.DataFrame(rows, schema=CLEAN_SCHEMA, orient="row").write_parquet(path)
    return path


def _passed_fetch(count: int) -> StageCheck:
    return StageCheck("fetch", "fetch.parquet", "q.parquet", "dq.parquet", count, count, 0)


def test_bad_articles_are_quarantined_with_reasons(tmp_path: Path, contract: Contract) -> None:
    future = datetime.now(UTC) + timedelta(days=3)
    rows = [
        _row("a"),
        _row("b", title=None),
        _row("c", language="xx"),
        _row("d", published_at=future),
        _row("e", word_count=3, text="too short"),
        _row("f", url="not a url"),
        _row("g", page_type="section_front", title=None),  # not an article: passes as what it is
        _row("h", page_type="failed", reason="extraction failed: timeout after 30s"),
        _row("i"),
        _row("j"),
        _row("k"),
        _row("l"),
    ]
    check = validate_clean(_write(tmp_path / "clean.parquet", rows), _passed_fetch(12), tmp_path, "run-1", contract)
    passed = pl.read_parquet(check.passed_path)
    held = pl.read_parquet(check.quarantine_path)
    assert sorted(passed["article_id"]) == ["a", "g", "i", "j", "k", "l"]
    reasons = dict(zip(held["article_id"], held["failed_expectations"].to_list(), strict=True))
    assert set(reasons) == {"b", "c", "d", "e", "f", "h"}
    assert any("(title)" in r for r in reasons["b"])
    assert any("(language)" in r for r in reasons["c"])
    assert any("(published_at)" in r for r in reasons["d"])
    assert any("(word_count)" in r for r in reasons["e"])
    assert any("(url)" in r for r in reasons["f"])
    assert any("NotBeInSet(page_type)" in r for r in reasons["h"])
    text = dict(zip(held["article_id"], held["reason"], strict=True))
    assert "extraction failed: timeout" in text["h"]  # the stage's own reason is kept beside the rule
    assert set(held["stage"]) == {"clean"} and check.quarantined == 6 and check.checked == 12
    dq = pl.read_parquet(check.dq_path)
    assert set(dq["run_id"]) == {"run-1"} and set(dq["suite"]) == {"clean_pages", "clean_articles"}
    # results line up with their expectations (GX returns them in its own order)
    row_count = dq.filter(pl.col("expectation") == "ExpectTableRowCountToEqual")
    assert row_count["observed_value"].to_list() == ["12"] and row_count["success"].to_list() == [True]
    assert (contract.docs_dir / "index.html").exists()


def test_a_batch_over_the_threshold_fails_naming_the_rules(tmp_path: Path, contract: Contract) -> None:
    rows = [_row("a"), _row("b", language="zz"), _row("c", language="zz"), _row("d", language="zz")]
    with pytest.raises(ValidationFailed, match=r"3 of 4 rows \(75%\).*ExpectColumnValuesToBeInSet\(language\)"):
        validate_clean(_write(tmp_path / "clean.parquet", rows), _passed_fetch(4), tmp_path, "run-2", contract)
    # what failed is on disk for the run's record and the Data Docs, though the task failed
    assert pl.read_parquet(tmp_path / "clean_quarantine.parquet").height == 3
    assert "language" in (tmp_path / "clean_failure.json").read_text()


def test_duplicate_ids_and_lost_pages_fail_the_batch(tmp_path: Path, contract: Contract) -> None:
    with pytest.raises(ValidationFailed, match="ExpectColumnValuesToBeUnique"):
        validate_clean(
            _write(tmp_path / "c1.parquet", [_row("a"), _row("a")]), _passed_fetch(2), tmp_path, "r", contract
        )
    with pytest.raises(ValidationFailed, match="ExpectTableRowCountToEqual"):  # 3 pages went in, 2 came out
        validate_clean(
            _write(tmp_path / "c2.parquet", [_row("a"), _row("b")]), _passed_fetch(3), tmp_path, "r", contract
        )


def _fetch_row(item_id: str, **overrides: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(FETCH_SCHEMA)
    row.update(
        item_id=item_id, item_kind="page", source="s", url=f"https://example.org/{item_id}", status="fetched",
        outcome="ok", http_status=200, content_hash="abc", body=b"<html>...</html>",
    )  # fmt: skip
    row.update(overrides)
    return row


def test_fetch_contract_quarantines_empty_bodies_and_fails_an_empty_run(tmp_path: Path, contract: Contract) -> None:
    rows = [
        _fetch_row("ok-1"),
        _fetch_row("ok-2"),
        _fetch_row("empty", body=b""),
        _fetch_row("gone", status="error", outcome="http_error", http_status=404, reason="HTTP 404", body=None),
    ]
    path = tmp_path / "fetch.parquet"
    pl.DataFrame(rows, schema=FETCH_SCHEMA, orient="row").write_parquet(path)
    check = validate_fetch(path, tmp_path, "run-3", contract)
    held = pl.read_parquet(check.quarantine_path)
    assert held["item_id"].to_list() == ["empty"]
    assert "body_bytes" in held["reason"][0]
    assert check.checked == 3 and check.passed == 2
    empty = tmp_path / "empty.parquet"
    pl.DataFrame(schema=FETCH_SCHEMA).write_parquet(empty)
    with pytest.raises(ValidationFailed, match=r"ExpectColumnValuesToBeBetween\(items_seen\)"):
        validate_fetch(empty, tmp_path / "e", "run-4", contract)


def test_enrich_contract_checks_codes_and_ranges(tmp_path: Path, contract: Contract) -> None:
    text = (
        "Washington imposed new tariffs on Chinese steel on Monday, the US trade representative said. "
        "China's commerce ministry said it would respond to the United States with countermeasures. " * 3
    )
    clean_rows = [_row(aid, text=text, word_count=90) for aid in ("a", "b", "c", "d")]
    clean_path = _write(tmp_path / "clean.parquet", clean_rows)
    enriched_path = enrich_articles(clean_path, tmp_path / "enriched.parquet")
    frame = pl.read_parquet(enriched_path)

    def broken(item: str, column: str, edit: Any) -> pl.Expr:
        return pl.when(pl.col("item_id") == item).then(edit).otherwise(pl.col(column)).alias(column)

    countries = pl.col("countries").list.eval(pl.element().struct.with_fields(pl.lit("XXX").alias("iso3")))
    topics = pl.col("topics").list.eval(pl.element().struct.with_fields(pl.lit("gossip").alias("id")))
    frame = frame.with_columns(
        broken("item-b", "countries", countries), broken("item-c", "topics", topics), broken("item-d", "tone", 3.0)
    )
    frame.write_parquet(enriched_path)
    clean_check = StageCheck("clean", str(clean_path), "q", "dq", 4, 4, 0)
    contract = Contract(contract.gx_dir, contract.docs_dir, max_failing_share=0.8)
    check = validate_enrich(enriched_path, clean_check, tmp_path, "run-5", contract)
    held = pl.read_parquet(check.quarantine_path)
    reasons = dict(zip(held["item_id"], held["reason"], strict=True))
    assert set(reasons) == {"item-b", "item-c", "item-d"}
    assert "enrich_countries: ExpectColumnValuesToBeInSet(iso3)" in reasons["item-b"]
    assert "enrich_topics: ExpectColumnValuesToBeInSet(id)" in reasons["item-c"]
    assert "enrich_articles: ExpectColumnValuesToBeBetween(tone)" in reasons["item-d"]
    assert pl.read_parquet(check.passed_path)["item_id"].to_list() == ["item-a"]


def test_data_docs_call_no_one_for_their_logo(tmp_path: Path, contract: Contract) -> None:
    validate_clean(_write(tmp_path / "clean.parquet", [_row("a")]), _passed_fetch(1), tmp_path, "run-6", contract)
    pages = [*contract.docs_dir.rglob("*.html"), *contract.docs_dir.rglob("*.css")]
    assert len(pages) >= 3
    for page in pages:
        text = page.read_text()
        assert "great-expectations-web-assets" not in text and "dataContextId" not in text, page
    assert "static/images/logo-long.png" in (contract.docs_dir / "index.html").read_text()


def test_a_published_floor_in_the_future_is_refused() -> None:
    from tradewire.validate.suites import clean_articles_suite

    with pytest.raises(ValueError, match="must be a day in the past"):
        clean_articles_suite(datetime(2026, 1, 1, tzinfo=UTC), published_floor="2030-01-01")
