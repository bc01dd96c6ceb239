"""The fetch side streams page bodies: combining, validating and loading never hold a run's bodies at once."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from polars.testing import assert_frame_equal

from tradewire.fetch.attempts import ATTEMPT_SCHEMA
from tradewire.fetch.run import ATTEMPTS, BATCH_SUMMARY, FETCH_SCHEMA, LISTINGS, PLAN, combine_fetched
from tradewire.staging import write_stage_output
from tradewire.validate.run import Contract, _fetch_rows, validate_fetch

T0 = datetime(2025, 10, 1, tzinfo=UTC)


def _old_combine(
    discovery_dirs: Sequence[Path], plan_dir: Path, batch_dirs: Sequence[Path], out_path: Path
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, object]]:
    """combine_fetched as it was before streaming (whole frames, bodies included): the reference."""
    fetch_frames = [pl.read_parquet(d / LISTINGS) for d in discovery_dirs if (d / LISTINGS).exists()]
    fetch_frames += [pl.read_parquet(d / "pages.parquet") for d in batch_dirs if (d / "pages.parquet").exists()]
    if (plan_dir / "known_urls.parquet").exists():
        fetch_frames.append(pl.read_parquet(plan_dir / "known_urls.parquet"))
    pages_first = sorted(fetch_frames, key=lambda f: f.filter(pl.col("item_kind") == "page").height == 0)
    frame = pl.concat(pages_first) if pages_first else pl.DataFrame(schema=FETCH_SCHEMA)
    frame = frame.unique(subset="item_id", keep="first", maintain_order=True)
    attempt_frames = [pl.read_parquet(d / ATTEMPTS) for d in [*discovery_dirs, *batch_dirs] if (d / ATTEMPTS).exists()]
    attempts = pl.concat(attempt_frames) if attempt_frames else pl.DataFrame(schema=ATTEMPT_SCHEMA)
    attempts = attempts.sort("item_id", "purpose", "started_at").with_columns(
        (pl.int_range(pl.len()).over("item_id", "purpose") + 1).cast(pl.Int32).alias("attempt")
    )
    plan = json.loads((plan_dir / PLAN).read_text()) if (plan_dir / PLAN).exists() else {}
    unchanged = sum(
        int(json.loads((d / BATCH_SUMMARY).read_text()).get("unchanged", 0))
        for d in batch_dirs
        if (d / BATCH_SUMMARY).exists()
    )
    pages = frame.filter(pl.col("item_kind") == "page")
    discovered = int(plan.get("pages_discovered", pages.height))
    fetched = pages.filter(pl.col("status") == "fetched").height
    errors = pages.filter(pl.col("status") == "error").height
    summary = {
        "pages_discovered": discovered,
        "pages_fetched": fetched,
        "page_errors": errors,
        "already_known": max(0, discovered - fetched - errors),
        "pages_settled": int(plan.get("pages_settled", 0)),
        "pages_before_since": int(plan.get("pages_before_since", 0)),
        "pages_unchanged": unchanged,
        "outcomes": dict(sorted(frame.group_by("outcome").len().iter_rows())),
        "attempts": attempts.height,
    }
    return frame, attempts, summary


def _fetch_row(item_id: str, kind: str = "page", **overrides: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(FETCH_SCHEMA)
    row.update(
        item_id=item_id, item_kind=kind, source="s", source_kind="rss", url=f"https://a.example/{item_id}",
        status="fetched", outcome="ok", http_status=200, content_hash=f"h-{item_id}", fetched_at=T0,
        headers='{"etag": "x"}', body=f"<html>{item_id}</html>".encode(),
    )  # fmt: skip
    row.update(overrides)
    return row


def _frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=FETCH_SCHEMA, orient="row")


def _attempts(item_ids: list[str]) -> pl.DataFrame:
    rows = [
        {**dict.fromkeys(ATTEMPT_SCHEMA), "item_id": i, "source": "s", "purpose": "page", "attempt": 1,
         "outcome": "ok", "started_at": T0 + timedelta(seconds=n)}
        for n, i in enumerate(item_ids)
    ]  # fmt: skip
    return pl.DataFrame(rows, schema=ATTEMPT_SCHEMA, orient="row")


def _run_layout(root: Path) -> tuple[list[Path], Path, list[Path]]:
    """A run's fetch folders: listings with a page row, batches overlapping each other, known URLs."""
    discover = root / "discover"
    discover.mkdir(parents=True)
    listings = [
        _fetch_row("feed-1", "feed", body=b"<rss/>"),
        _fetch_row("feed-2", "feed", status="error", outcome="http_error", reason="HTTP 500", body=None),
        _fetch_row("p03", status="error", outcome="blocked", reason="not http(s)", content_hash=None, body=None),
    ]
    write_stage_output(_frame(listings), discover / LISTINGS)
    write_stage_output(_attempts(["feed-1", "feed-2"]), discover / ATTEMPTS)
    plan = root / "plan"
    plan.mkdir()
    (plan / PLAN).write_text(json.dumps({"pages_discovered": 60, "pages_settled": 2, "pages_known_url": 2}))
    known = [_fetch_row(i, status="known_url", outcome="known_url", body=None, duplicate_of=i) for i in ("k1", "p07")]
    write_stage_output(_frame(known), plan / "known_urls.parquet")
    batches: list[Path] = []

    def batch(name: str, rows: list[dict[str, object]], row_group_size: int | None = None) -> None:
        folder = root / name
        folder.mkdir()
        frame = _frame(rows)
        if row_group_size:  # several row groups, so survivors are picked across batches of a file
            frame.write_parquet(folder / "pages.parquet", row_group_size=row_group_size)
        else:
            write_stage_output(frame, folder / "pages.parquet")
        write_stage_output(_attempts([str(r["item_id"]) for r in rows]), folder / ATTEMPTS)
        (folder / BATCH_SUMMARY).write_text(json.dumps({"planned": len(rows) + 1, "unchanged": 1}))
        batches.append(folder)

    batch("pages-0000", [_fetch_row(f"p{i:02d}") for i in range(10)])
    # p03 again (also a listing row), p05 twice within the file, p10..: new; an empty body and an error too
    rows = [_fetch_row(f"p{i:02d}", content_hash="again") for i in (3, 5, 5)]
    rows += [_fetch_row(f"p{i:02d}") for i in range(10, 40)]
    rows += [_fetch_row("empty", body=b""), _fetch_row("gone", status="error", outcome="http_error", body=None)]
    batch("pages-0001", rows, row_group_size=7)
    batch("pages-0002", [_fetch_row(f"p{i:02d}", content_hash="late") for i in (1, 2, 12)])  # nothing survives
    batch("pages-0003", [])  # an empty batch
    (root / "pages-0004").mkdir()  # a batch task that wrote nothing
    batches.append(root / "pages-0004")
    batch("pages-0005", [_fetch_row(f"p{i:02d}") for i in (39, 40, 41)], row_group_size=1)
    return [discover], plan, batches


def test_combined_rows_are_those_of_the_whole_frame_logic(tmp_path: Path) -> None:
    discovery, plan, batches = _run_layout(tmp_path / "run")
    want, want_attempts, want_summary = _old_combine(discovery, plan, batches, tmp_path / "old.parquet")
    out = combine_fetched(discovery, plan, batches, tmp_path / "staging" / "fetch.parquet")
    got = pl.read_parquet(out)
    assert_frame_equal(got, want)  # same rows, order, columns and types
    assert got["item_id"].is_unique().all() and got.height == 47  # 2 feeds, p00-p41, empty, gone, k1
    # the listings hold a page row, so they stay first; later copies of an item are dropped
    assert got.filter(pl.col("item_id") == "p03")["status"].to_list() == ["error"]
    assert got.filter(pl.col("item_id").is_in(["p05", "p12"]))["content_hash"].to_list() == ["h-p05", "h-p12"]
    assert_frame_equal(pl.read_parquet(out.parent / ATTEMPTS), want_attempts)
    assert json.loads((out.parent / "fetch_summary.json").read_text()) == want_summary
    assert all(rg <= 256 for rg in _row_groups(out))


def test_an_empty_run_gives_an_empty_fetch_file(tmp_path: Path) -> None:
    out = combine_fetched([], tmp_path / "plan", [], tmp_path / "fetch.parquet")
    want, _, summary = _old_combine([], tmp_path / "plan", [], tmp_path / "old.parquet")
    assert_frame_equal(pl.read_parquet(out), want)
    assert json.loads((tmp_path / "fetch_summary.json").read_text()) == summary


def _row_groups(path: Path) -> list[int]:
    meta = pq.ParquetFile(path).metadata
    return [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]


def test_the_combined_file_has_small_row_groups(tmp_path: Path) -> None:
    folder = tmp_path / "pages-0000"
    folder.mkdir()
    _frame([_fetch_row(f"p{i:04d}") for i in range(700)]).write_parquet(folder / "pages.parquet")
    assert _row_groups(folder / "pages.parquet") == [700]
    out = combine_fetched([], tmp_path / "plan", [folder], tmp_path / "fetch.parquet")
    groups = _row_groups(out)
    assert sum(groups) == 700 and max(groups) <= 256


def test_body_bytes_are_counted_without_reading_every_body_at_once(tmp_path: Path) -> None:
    rows = [_fetch_row(f"p{i:02d}", body=b"x" * i) for i in range(1, 10)]
    rows += [_fetch_row("empty", body=b""), _fetch_row("gone", status="error", outcome="http_error", reason="404")]
    rows[-1]["body"] = None
    rows += [_fetch_row("huge", body=b"y" * 5000), _fetch_row("feed", "feed", body=b"<rss/>")]
    path = tmp_path / "fetch.parquet"
    _frame(rows).write_parquet(path, row_group_size=4)
    whole = pl.read_parquet(path).with_columns(pl.col("body").bin.size().alias("body_bytes")).drop("body")
    assert_frame_equal(_fetch_rows(path), whole)
    assert _fetch_rows(path)["body_bytes"].to_list()[-4:] == [0, None, 5000, 6]
    contract = Contract(gx_dir=tmp_path / "gx", docs_dir=tmp_path / "docs", max_failing_share=0.5, max_bytes=1000)
    check = validate_fetch(path, tmp_path / "validate", "run-s", contract)
    held = pl.read_parquet(check.quarantine_path)
    assert sorted(held["item_id"]) == ["empty", "huge"]
    assert check.checked == 11 and check.passed == 9


def test_an_empty_fetch_file_has_typed_body_bytes(tmp_path: Path) -> None:
    path = tmp_path / "fetch.parquet"
    _frame([]).write_parquet(path)
    assert _fetch_rows(path).schema["body_bytes"] == pl.UInt32


# A run of ~1 GB of bodies: 40 batch files of 25 pages of 1 MB. Bodies are distinct but compress to almost
# nothing, so the disk sees a few MB while memory would see the whole gigabyte.
def _gigabyte_run(root: Path) -> None:
    filler = b"<p>tariff</p>" * (1_000_000 // 13)
    for b in range(40):
        folder = root / f"pages-{b:04d}"
        folder.mkdir(parents=True)
        rows = [_fetch_row(f"p{b}-{i}", body=f"<html>{b}-{i}".encode() + filler) for i in range(25)]
        _frame(rows).write_parquet(folder / "pages.parquet")


COMBINE = """
import resource, sys
from pathlib import Path
import polars as pl
from tradewire.fetch.run import combine_fetched

root = Path(sys.argv[1])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out = combine_fetched([], root / "plan", sorted(root.glob("pages-*")), root / "fetch.parquet")
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(before // 1024, after // 1024, pl.read_parquet(out, columns=["item_id"]).height)
"""
SIZE_BODIES = """
import resource, sys
from pathlib import Path
from tradewire.validate.run import _fetch_rows

before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
rows = _fetch_rows(Path(sys.argv[1]) / "fetch.parquet")
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(before // 1024, after // 1024, rows["body_bytes"].sum())
"""


def _peak(script: str, folder: Path) -> tuple[int, int, int]:
    """Peak RSS (MB) after the imports and at the end of a script run in a fresh process, and what it printed."""
    done = subprocess.run([sys.executable, "-c", script, str(folder)], capture_output=True, text=True, check=True)
    imported, peak, value = map(int, done.stdout.split())
    return imported, peak, value


@pytest.mark.timeout(120)
def test_a_gigabyte_of_bodies_is_combined_and_sized_in_small_memory(tmp_path: Path) -> None:
    _gigabyte_run(tmp_path)
    # each step in a fresh process: ru_maxrss is then its own peak, not the fixture's or the test session's;
    # whole frames would need over 1000 MB more than the imports, streaming a few batches' worth
    imported, peak, rows = _peak(COMBINE, tmp_path)
    assert rows == 1000
    assert peak - imported < 300, f"peak RSS {peak} MB combining 1 GB of bodies (imports: {imported} MB)"
    imported, peak, total = _peak(SIZE_BODIES, tmp_path)
    assert total > 1_000_000_000
    assert peak - imported < 300, f"peak RSS {peak} MB sizing 1 GB of bodies (imports: {imported} MB)"
