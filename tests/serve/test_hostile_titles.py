"""Titles full of SQL and HTML metacharacters: stored verbatim in the warehouse, rendered escaped everywhere.

One run without Airflow (pipeline.run_all, then marts, snapshot and report as tradewire_analytics does): a web page
served on 127.0.0.1 and a text dump, whose titles, byline and source name are hostile, go through fetch,
clean, enrich, validation and the load into a real DuckDB warehouse. Then the articles table must hold
each string byte for byte (parameters, not string-built SQL), the HTML report must show it escaped and
never as markup, and so must the Airflow plugin's pages.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from fastapi.testclient import TestClient

from tests.conftest import REPO, SAMPLE, load_module
from tests.fetch.loopback import Loopback, page
from tradewire.maintenance import record_task_failure
from tradewire.pipeline import build_marts_stage, publish_stage, render_report_stage, run_all
from tradewire.settings import Settings

PAGE_TITLE = '\'); DROP TABLE articles;-- <script>alert(1)</script> & "quotes"'
DUMP_TITLE = "Robert'); DELETE FROM items WHERE '1'='1 -- \"><img src=x onerror=alert(1)> & &amp; tariffs"
AUTHOR = 'Robert "Bobby" O\'Brien'
SOURCE = "wire <b>\"bold\"</b> & 'co'; DROP TABLE sources;--"
RAW_MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<b>"bold"</b>')

STORY = (
    "WASHINGTON - The United States will impose a 25% tariff on steel imports from China from March 1, "
    "Commerce Secretary Howard Lutnick said on Monday, escalating a trade dispute that has rattled markets. "
    "Beijing vowed to retaliate and said it would file a complaint with the World Trade Organization in Geneva. "
    "Exporters in Shanghai said the duties would cost them billions of dollars in lost sales this year. "
)


def _web_page() -> bytes:
    title = html.escape(PAGE_TITLE)
    return (
        f"<html lang='en'><head><title>{title}</title><meta property='og:title' content='{title}'>"
        f"<meta property='og:type' content='article'><meta name='author' content='{html.escape(AUTHOR)}'>"
        "<meta property='article:published_time' content='2025-11-24T09:00:00Z'></head><body><article>"
        f"<h1>{title}</h1>" + "".join(f"<p>{STORY}</p>" for _ in range(3)) + "</article></body></html>"
    ).encode()


def _dump() -> str:
    return f"{DUMP_TITLE}\nPublished: 2025-11-25T08:00:00Z\nAuthor: {AUTHOR}\n\n" + "\n\n".join([STORY] * 3) + "\n"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A warehouse, snapshot and report after one run over the hostile sources (and the sample's dumps)."""
    root = tmp_path_factory.mktemp("hostile")
    dumps = root / "dumps"
    shutil.copytree(SAMPLE / "dumps", dumps)  # ordinary articles beside the hostile ones: a normal batch
    (dumps / "hostile.txt").write_text(_dump(), encoding="utf-8")
    with Loopback(routes={"/robots.txt": page(b"", "text/plain"), "/news/hostile": page(_web_page())}) as server:
        urls = root / "urls.txt"
        urls.write_text(server.url("/news/hostile") + "\n")
        sources = root / "sources.yaml"
        sources.write_text(
            yaml.safe_dump(
                {
                    "sources": [
                        {"name": "dumps", "kind": "local", "path": str(dumps)},
                        {"name": SOURCE, "kind": "urls", "path": str(urls)},
                    ]
                }
            )
        )
        settings = Settings.from_env(
            {
                "TRADEWIRE_HOME": str(root / "home"),
                "TRADEWIRE_SOURCES": str(sources),
                "TRADEWIRE_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
                "TRADEWIRE_HTTP_ATTEMPTS": "1",
                "TRADEWIRE_HOST_DELAY": "0",
                "TRADEWIRE_CLEAN_WORKERS": "1",
                "TRADEWIRE_ENRICH_WORKERS": "1",
            }
        )
        ledger = run_all("run-hostile", settings)
    build_marts_stage(settings)  # what tradewire_analytics does, less the Parquet exports
    report = render_report_stage(publish_stage(settings), settings)
    return {"settings": settings, "ledger": ledger, "report": Path(report)}


def _rows(database: Path, sql: str, params: list[object] | None = None) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_the_articles_table_stores_them_byte_for_byte(published: dict[str, Any]) -> None:
    settings = published["settings"]
    assert published["ledger"]["balanced"] is True
    wanted = "SELECT title, authors, source_id FROM articles WHERE list_contains(?, title)"
    rows = _rows(settings.warehouse_path, wanted, [[PAGE_TITLE, DUMP_TITLE]])
    stored = {title: (authors, source) for title, authors, source in rows}
    assert set(stored) == {PAGE_TITLE, DUMP_TITLE}, _rows(settings.warehouse_path, "SELECT title FROM articles")
    assert stored[PAGE_TITLE] == ([AUTHOR], SOURCE)
    assert stored[DUMP_TITLE][1] == "dumps"  # (its byline rules drop the quotes: "Robert Bobby O'Brien")
    for title in (PAGE_TITLE, DUMP_TITLE):  # the very bytes, not an escaped or trimmed form
        [(length, octets)] = _rows(settings.warehouse_path,
                                   "SELECT octet_length(encode(title)), encode(title) FROM articles WHERE title = ?",
                                   [title])  # fmt: skip
        assert octets == title.encode("utf-8") and length == len(title.encode("utf-8"))
    # and the injected statements did nothing: every table is still there
    assert _rows(settings.warehouse_path, "SELECT count(*) FROM sources WHERE source_id = ?", [SOURCE]) == [(1,)]
    assert _rows(settings.snapshot_path, "SELECT count(*) FROM articles")[0][0] >= 6


def test_the_report_shows_them_escaped_and_never_as_markup(published: dict[str, Any]) -> None:
    report = published["report"].read_text(encoding="utf-8")
    for title in (PAGE_TITLE, DUMP_TITLE):
        assert html.escape(title) in report, title  # in the event timeline, as the link text
    assert html.escape(SOURCE) in report  # the source under the title
    for markup in RAW_MARKUP:
        assert markup not in report
    assert "<script" not in report.lower() and "onerror=" not in report.replace("onerror=alert(1)&gt;", "")


def test_the_airflow_plugin_escapes_them_too(published: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    settings = published["settings"]
    monkeypatch.setenv("TRADEWIRE_HOME", str(settings.home))
    monkeypatch.setenv("TRADEWIRE_SOURCES", str(settings.sources_file))
    # a task failure whose message quotes the title, as an exception from a stage would
    record_task_failure(
        settings.failures_log,
        {"dag_id": "tradewire_ingest", "task_id": "enrich", "run_id": "run-hostile", "error": f"bad {PAGE_TITLE!r}"},
    )
    client = TestClient(load_module("tradewire_plugin", REPO / "plugins/tradewire_plugin.py").app)
    status = client.get("/")
    assert status.status_code == 200
    assert html.escape(repr(PAGE_TITLE)) in status.text  # the failure's message, escaped
    served = client.get("/report")
    assert served.status_code == 200 and "default-src 'none'" in served.headers["content-security-policy"]
    for text in (status.text, served.text):
        for markup in RAW_MARKUP:
            assert markup not in text
    assert html.escape(PAGE_TITLE) in served.text
