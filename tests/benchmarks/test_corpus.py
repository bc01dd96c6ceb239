"""The benchmark corpus: N distinct pages, the same on every request, all listed in its sitemaps."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))

from corpus import PAGES_PER_SITEMAP, Corpus, serving

from tradewire.sources import load_sources


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus(1200, with_eval=False)  # the bundled sample only: no ../shared needed


def test_pages_are_distinct_and_deterministic(corpus: Corpus) -> None:
    rotated = [corpus.page(k) for k in range(len(corpus.templates), len(corpus.templates) + 40)]
    assert len(set(rotated)) == len(rotated)  # a later round is not a copy of the first
    assert corpus.page(777) == Corpus(1200, with_eval=False).page(777)
    assert corpus.page(3) == corpus.templates[3].html.encode()  # the first round serves the templates as they are


def test_sources_and_sitemaps_list_every_page_once(corpus: Corpus, tmp_path: Path) -> None:
    with serving(corpus.pages, _free_port(), with_eval=False) as base:
        sources = tmp_path / "sources.yaml"
        sources.write_text(corpus.sources_yaml(base))
        config = load_sources(sources)
        assert len(config.sources) == -(-1200 // PAGES_PER_SITEMAP)
        urls = []
        for source in config.sources:
            urls += re.findall(r"<loc>([^<]+)</loc>", httpx.get(str(source.url)).text)
        assert len(urls) == len(set(urls)) == 1200
        page = httpx.get(urls[-1])
        assert page.status_code == 200 and page.content == corpus.page(1199)
        assert httpx.get(f"{base}/news/1200.html").status_code == 404


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_benchmark_reports_medians_and_the_median_runs_stage_table() -> None:
    from run_bench import summarise

    def run(e2e: float, incremental: float, clean: float) -> dict[str, object]:
        return {
            "measured_at": "t", "end_to_end_seconds": e2e, "pages_per_second": 5000 / e2e,
            "incremental_seconds": incremental, "airflow_share": 0.05, "stage_seconds": e2e - 10,
            "dag_run": {"peak_rss_mb": 1000.0}, "stages": {"clean": {"wall_seconds": clean}},
        }  # fmt: skip

    summary = summarise([run(370.0, 18.0, 235.0), run(166.0, 30.0, 98.0), run(200.0, 25.0, 120.0)])
    assert summary["end_to_end_seconds"] == 200.0 and summary["incremental_seconds"] == 25.0
    assert summary["stages"]["clean"]["wall_seconds"] == 120.0  # the median run's own table
    assert [r["end_to_end_seconds"] for r in summary["runs"]] == [370.0, 166.0, 200.0]  # every run kept, in order
