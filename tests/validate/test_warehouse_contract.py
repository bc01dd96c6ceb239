"""The warehouse contract after a load: integrity, the ledger's sums, and the run record."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tradewire.load.warehouse import record_run
from tradewire.pipeline import _contract, run_all
from tradewire.settings import Settings
from tradewire.validate.run import ValidationFailed
from tradewire.validate.warehouse import validate_warehouse


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict[str, object]]:
    settings = Settings.from_env({"TRADEWIRE_HOME": str(tmp_path_factory.mktemp("home"))})
    return settings, run_all("run-1", settings)


def test_a_sample_run_is_recorded_balanced_with_its_results(loaded: tuple[Settings, dict[str, object]]) -> None:
    settings, ledger = loaded
    assert ledger["balanced"] is True
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        row = con.execute("SELECT status, balanced, items_discovered, articles_loaded FROM run_ledger").fetchall()
        stages = dict(con.execute("SELECT stage, count(*) FROM dq_results GROUP BY ALL").fetchall())
        failed = con.execute("SELECT count(*) FROM dq_results WHERE NOT success").fetchall()
    finally:
        con.close()
    assert row == [("loaded", True, ledger["items_discovered"], ledger["articles_loaded"])]
    assert set(stages) == {"fetch", "clean", "enrich", "warehouse"}
    assert failed == [(0,)]
    assert (settings.data_docs_dir / "index.html").exists()
    assert any((settings.data_docs_dir / "validations").glob("warehouse_integrity/*"))


def test_orphans_and_an_unbalanced_ledger_break_the_contract(
    loaded: tuple[Settings, dict[str, object]], tmp_path: Path
) -> None:
    settings, ledger = loaded
    broken = tmp_path / "broken.duckdb"
    copier = duckdb.connect()
    try:
        copier.execute(f"ATTACH '{settings.warehouse_path}' AS original (READ_ONLY)")
        copier.execute(f"ATTACH '{broken}' AS copy")
        copier.execute("COPY FROM DATABASE original TO copy")
    finally:
        copier.close()
    con = duckdb.connect(str(broken))
    try:
        con.execute(
            "INSERT INTO article_topics (article_id, topic_id, score, hits) VALUES ('ghost', 'tariffs', 0.5, 1)"
        )
    finally:
        con.close()
    contract = _contract(settings)
    with pytest.raises(ValidationFailed, match=r"ExpectColumnValuesToBeBetween\(offending_rows\)"):
        validate_warehouse(broken, "run-x", ledger, tmp_path / "x", contract)
    lost_one = {**ledger, "articles_loaded": int(ledger["articles_loaded"]) - 1}  # type: ignore[call-overload]
    lost_one["fetched_accounted"] = int(ledger["fetched_accounted"]) - 1  # type: ignore[call-overload]
    with pytest.raises(ValidationFailed, match=r"ExpectColumnPairValuesToBeEqual\(pages_fetched, fetched_accounted\)"):
        validate_warehouse(settings.warehouse_path, "run-y", lost_one, tmp_path / "y", contract)


def test_a_rejected_run_is_recorded_with_its_failures(loaded: tuple[Settings, dict[str, object]]) -> None:
    settings, _ = loaded
    run_dir = settings.run_dir("run-rejected")
    (run_dir / "validate").mkdir(parents=True)
    failure = {"stage": "clean", "message": "the clean batch broke its contract", "problems": ["Rule(x)"]}
    (run_dir / "validate" / "clean_failure.json").write_text(json.dumps(failure))
    (run_dir / "fetch_summary.json").write_text(json.dumps({"pages_discovered": 9, "pages_fetched": 8}))
    recorded = record_run(settings.warehouse_path, "run-rejected", run_dir, "tradewire_ingest")
    assert recorded["status"] == "rejected" and recorded["failed_expectations"] == ["Rule(x)"]
    assert recorded["items_discovered"] == 9
    record_run(settings.warehouse_path, "run-rejected", run_dir, "tradewire_ingest")  # idempotent
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM run_ledger WHERE run_id = 'run-rejected'").fetchall() == [(1,)]
    finally:
        con.close()
