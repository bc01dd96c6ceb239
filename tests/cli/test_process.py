"""`tradewire process`: local files in, JSON lines out, without Airflow or DuckDB."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, SAMPLE, SEED, require_shared

TRADEWIRE = [sys.executable, "-m", "tradewire.cli"]


def _process(*paths: str, cwd: Path = REPO) -> tuple[list[dict], str, int]:
    result = subprocess.run([*TRADEWIRE, "process", *paths], capture_output=True, text=True, cwd=cwd, timeout=300)
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return rows, result.stderr, result.returncode


def test_seed_comes_out_exactly_right() -> None:
    require_shared("seeds", SEED.name)
    rows, stderr, code = _process(str(SEED))
    assert code == 0, stderr
    [article] = rows
    assert article["input"] == str(SEED)
    assert article["title"] == "China, US trade talks start in Kuala Lumpur ahead of possible Xi-Trump summit"
    assert article["authors"] == ["Ralph Jennings", "Xinyi Wu"]
    assert article["published_at"].startswith("2025-10-27")
    text = article["text"]
    assert text.startswith("Chinese Vice-Premier He Lifeng")
    assert "Geneva in May" in text
    for junk in ("Homepage", "Copyright scmp", "Guess You Like", "Modi greets", "Bolivia", "More to follow"):
        assert junk not in text
    countries = {c["iso3"] for c in article["countries"]}
    assert {"CHN", "USA"} <= countries
    assert not countries & {"IND", "BOL"}
    assert article["language"] == "en"
    assert {t["id"] for t in article["topics"]} >= {"trade_talks"}
    assert all({"iso3", "mentions"} <= set(c) for c in article["countries"])
    assert all({"id", "score", "evidence"} <= set(t) for t in article["topics"])
    families = ("places", "people", "organizations", "dyads", "events", "quotes", "amounts", "tone", "gpr", "tpu")
    assert all(article[name] for name in families if name not in ("gpr", "tpu"))
    assert set(families) <= set(article) and article["is_trade"] is True
    threat = next(e for e in article["events"] if e["type"] == "tariff_action" and e["rate_pct"] == 100.0)
    assert (threat["status"], threat["target"], threat["effective_date"]) == ("threatened", "CHN", "2025-11-01")


def test_bad_files_are_reported_and_the_others_still_come_out(tmp_path: Path) -> None:
    good = SAMPLE / "dumps" / "2025-07-03_pacific-ledger_vietnam-transshipment.txt"
    page = next((SAMPLE / "site" / "www.continentalwire.example" / "world" / "india").glob("*.html"))
    zipped = tmp_path / "page.html.gz"
    zipped.write_bytes(gzip.compress(page.read_bytes()))
    broken_gz = tmp_path / "broken.html.gz"
    broken_gz.write_bytes(b"not gzip at all")
    wrong_type = tmp_path / "notes.pdf"
    wrong_type.write_bytes(b"%PDF-1.4")
    empty = tmp_path / "empty.html"
    empty.write_text("")
    out = tmp_path / "out.jsonl"
    result = subprocess.run(
        [*TRADEWIRE, "process", str(good), str(tmp_path / "missing.html"), str(zipped), str(broken_gz),
         str(wrong_type), str(empty), "--out", str(out)],
        capture_output=True, text=True, cwd=REPO, timeout=300,
    )  # fmt: skip
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["input"] for r in rows] == [str(good), str(zipped)]
    assert result.returncode == 1
    for name, reason in (
        ("missing.html", "no such file"),
        ("broken.html.gz", "gzip"),
        ("notes.pdf", "unsupported"),
        ("empty.html", "not an article"),
    ):
        assert any(name in line and reason in line for line in result.stderr.splitlines()), (name, result.stderr)
    assert rows[1]["title"].startswith("India and Britain sign free trade agreement")
    assert rows[1]["published_at"] == "2025-07-24T14:10:00+00:00"
