"""Planning the fetch into batches for mapped tasks, and the split steps agreeing with the one-process stage."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tradewire.fetch.run import DISCOVERED, PLANNED_SCHEMA, plan_fetch
from tradewire.fetch.state import KnownItem, KnownState
from tradewire.ids import item_id_for_url
from tradewire.pipeline import (
    combine_fetch_stage,
    discover_stage,
    fetch_batch_stage,
    fetch_stage,
    plan_discovery_stage,
    plan_fetch_stage,
)
from tradewire.settings import Settings


def _discovery(folder: Path, urls: list[str], source: str = "s") -> Path:
    folder.mkdir(parents=True)
    rows = [
        {"item_id": item_id_for_url(u), "source": source, "url": u, "path": None, "discovered_via": "feed"}
        for u in urls
    ]
    pl.DataFrame(rows, schema=PLANNED_SCHEMA, orient="row").write_parquet(folder / DISCOVERED)
    return folder


def _planned(batches: list[Path]) -> list[list[str]]:
    return [pl.read_parquet(b)["url"].to_list() for b in batches]


def test_batches_respect_the_size_and_the_cap(tmp_path: Path) -> None:
    urls = [f"https://a.example/{i}" for i in range(25)]
    found = _discovery(tmp_path / "d", urls)
    sizes = [len(b) for b in _planned(plan_fetch([found], tmp_path / "p1", batch_size=10))]
    assert len(sizes) == 3 and sum(sizes) == 25 and max(sizes) <= 10
    capped = _planned(plan_fetch([found], tmp_path / "p2", batch_size=2, max_batches=4))
    assert len(capped) == 4 and sum(map(len, capped)) == 25  # batches grow rather than exceed the cap


def test_there_is_always_one_batch(tmp_path: Path) -> None:
    batches = plan_fetch([_discovery(tmp_path / "d", [])], tmp_path / "p")
    assert len(batches) == 1 and pl.read_parquet(batches[0]).height == 0


def test_the_same_page_from_two_sources_is_fetched_once(tmp_path: Path) -> None:
    first = _discovery(tmp_path / "d1", ["https://a.example/x?utm_source=rss", "https://a.example/y"], "one")
    second = _discovery(tmp_path / "d2", ["https://A.example/x#top", "https://b.example/z"], "two")
    (batch,) = plan_fetch([first, second], tmp_path / "p")
    frame = pl.read_parquet(batch)
    assert frame.height == 3
    assert frame.filter(pl.col("url").str.contains("/x"))["source"].to_list() == ["one"]


def test_hosts_are_interleaved(tmp_path: Path) -> None:
    urls = [f"https://a.example/{i}" for i in range(4)] + [f"https://b.example/{i}" for i in range(2)]
    (batch,) = plan_fetch([_discovery(tmp_path / "d", urls)], tmp_path / "p")
    hosts = [u.split("/")[2][0] for u in pl.read_parquet(batch)["url"]]
    assert hosts == ["a", "b", "a", "b", "a", "a"]


def test_settled_pages_are_left_out_and_known_canonical_urls_recorded(tmp_path: Path) -> None:
    settled, canonical, new = "https://a.example/old", "https://a.example/story", "https://a.example/new"
    known = KnownState(
        {item_id_for_url(settled): KnownItem("loaded")},
        article_ids=frozenset({item_id_for_url(canonical)}),  # loaded earlier from an AMP URL naming it canonical
    )
    out = tmp_path / "p"
    batches = plan_fetch([_discovery(tmp_path / "d", [settled, canonical, new])], out, known)
    assert _planned(batches) == [[new]]
    known_urls = pl.read_parquet(out / "known_urls.parquet")
    assert known_urls["url"].to_list() == [canonical]
    assert known_urls["status"].to_list() == ["known_url"]
    assert known_urls["duplicate_of"].to_list() == [item_id_for_url(canonical)]


def test_replanning_replaces_stale_batches(tmp_path: Path) -> None:
    found = _discovery(tmp_path / "d", [f"https://a.example/{i}" for i in range(30)])
    plan_fetch([found], tmp_path / "p", batch_size=5)
    again = plan_fetch([found], tmp_path / "p", batch_size=10)
    assert sorted(p.name for p in (tmp_path / "p").glob("batch-*.parquet")) == [p.name for p in again]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(
        {
            "TRADEWIRE_HOME": str(tmp_path / "home"),
            "TRADEWIRE_SOURCES_PER_BATCH": "2",
            "TRADEWIRE_FETCH_BATCH_SIZE": "7",
        }
    )


def test_discovery_batches_cover_every_enabled_source_once(settings: Settings) -> None:
    batches = plan_discovery_stage(settings)
    names = [n for batch in batches for n in batch]
    assert len(batches) == 3 and len(names) == len(set(names)) == 6
    assert plan_discovery_stage(settings, only=["editor-picks"]) == [["editor-picks"]]


def test_mapped_steps_give_what_the_one_process_stage_gives(settings: Settings) -> None:
    """The DAG's steps (as mapped tasks would call them) and fetch_stage write the same rows and attempts."""
    whole = pl.read_parquet(fetch_stage("whole", settings))
    discovered = [discover_stage("split", names, settings) for names in plan_discovery_stage(settings)]
    batches = plan_fetch_stage("split", discovered, settings)
    assert len(batches) == 6  # 39 pages in batches of 7
    fetched = [fetch_batch_stage("split", b, settings) for b in batches]
    split = pl.read_parquet(combine_fetch_stage("split", discovered, fetched, settings))

    def comparable(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.drop("fetched_at").sort("item_id")

    assert comparable(split).equals(comparable(whole))
    attempts = {
        run: pl.read_parquet(settings.run_dir(run) / "attempts.parquet")
        .drop("started_at", "duration_ms")
        .sort("item_id", "purpose", "attempt")
        for run in ("whole", "split")
    }
    assert attempts["split"].equals(attempts["whole"])
    assert attempts["whole"].height == whole.height  # the mirror: one read per item
