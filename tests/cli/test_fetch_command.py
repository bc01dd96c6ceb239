"""`tradewire fetch` and `tradewire sources check`: the fetch stage alone, without Airflow."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl

from tests.conftest import REPO

TRADEWIRE = [sys.executable, "-m", "tradewire.cli"]


def test_fetch_writes_parquet_and_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = subprocess.run(
        [*TRADEWIRE, "fetch", "--sources", str(REPO / "include" / "sources" / "sample.yaml"), "--out", str(out)],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "fetch_report.json").read_text())
    frame = pl.read_parquet(out / "fetch.parquet")
    assert report["items"] == frame.height == 39 + 6  # pages and the feeds and URL list that listed them
    assert frame.filter(pl.col("item_kind") == "page").height == 39
    assert report["outcomes"] == {"ok": 45}
    assert report["by_source"]["saved-dumps"] == {"ok": 4}
    assert report["requests"] == 45 and report["request_outcomes"] == {"ok": 45}  # the mirror: one read each
    archived = {p.name.removesuffix(".gz") for p in (out / "archive").rglob("*.gz")}
    assert set(frame["content_hash"].drop_nulls()) <= archived


def test_sources_check_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  - name: a\n    kind: rss\n    url: ftp://x.example/feed\n")
    result = subprocess.run([*TRADEWIRE, "sources", "check", str(bad)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"{bad}:4:" in result.stderr and "http:// or https://" in result.stderr
    good = subprocess.run(
        [*TRADEWIRE, "sources", "check", str(REPO / "include" / "sources" / "live.yaml")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert good.returncode == 0 and "wto-news" in good.stdout
