"""The Airflow UI plugin: registered with Airflow, serves the ledger page from the snapshot, escapes everything."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest
from fastapi.testclient import TestClient

from tests.conftest import REPO, load_module
from tradewire.load.warehouse import connect
from tradewire.serve.snapshot import publish_snapshot
from tradewire.serve.status import data_docs_file
from tradewire.settings import Settings


def _plugin_module() -> ModuleType:
    return load_module("tradewire_plugin", REPO / "plugins/tradewire_plugin.py")


def test_plugin_page_and_json(tradewire_home: Path) -> None:
    settings = Settings.from_env()
    connect(settings.warehouse_path).close()  # migrated, empty warehouse
    publish_snapshot(settings.warehouse_path, settings.snapshot_path)
    run_dir = settings.run_dir("run<script>alert(1)</script>")
    run_dir.mkdir(parents=True)
    (run_dir / "ledger.json").write_text(json.dumps({"run_id": "<script>alert(1)</script>", "articles_loaded": 7}))
    plugin = _plugin_module()
    assert plugin.TradewirePlugin.name == "tradewire"
    client = TestClient(plugin.app)
    data = client.get("/status.json").json()
    assert data["tables"]["articles"] == 0 and data["runs"][0]["articles_loaded"] == 7
    page = client.get("/")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def _client() -> TestClient:
    return TestClient(_plugin_module().app)


def test_data_docs_served_from_the_settings_folder(tradewire_home: Path) -> None:
    docs = Settings.from_env().data_docs_dir
    (docs / "static" / "styles").mkdir(parents=True)
    (docs / "index.html").write_text("<html><body>Tradewire suites</body></html>")
    (docs / "static" / "styles" / "data_docs.css").write_text("body { color: black; }")
    (docs / "validations").mkdir()
    (docs / "validations" / "index.html").write_text("<html>validation list</html>")
    client = _client()
    for url in ("/data-docs/", "/data-docs/index.html"):
        page = client.get(url)
        assert page.status_code == 200 and "Tradewire suites" in page.text
        assert page.headers["content-type"].startswith("text/html")
    css = client.get("/data-docs/static/styles/data_docs.css")
    assert css.status_code == 200 and css.text == "body { color: black; }"
    assert css.headers["content-type"].startswith("text/css")
    assert "validation list" in client.get("/data-docs/validations/").text
    assert client.get("/data-docs/static/missing.js").status_code == 404
    # without the slash the Data Docs' relative links would miss: redirected, relative to /tradewire
    bare = client.get("/data-docs", follow_redirects=False)
    assert bare.status_code in (307, 308) and bare.headers["location"].endswith("data-docs/")


def test_data_docs_missing_gives_a_friendly_404(tradewire_home: Path) -> None:
    client = _client()
    for url in ("/data-docs/", "/data-docs/index.html", "/data-docs/static/styles/data_docs.css"):
        page = client.get(url)
        assert page.status_code == 404
        assert page.headers["content-type"].startswith("text/html")
        assert "No validation has run yet" in page.text
    # the folder without its index (a build in progress, or pruned) is still "not yet"
    Settings.from_env().data_docs_dir.mkdir(parents=True)
    assert "No validation has run yet" in client.get("/data-docs/").text


def test_data_docs_refuse_paths_outside_the_folder(tradewire_home: Path) -> None:
    settings = Settings.from_env()
    settings.data_docs_dir.mkdir(parents=True)
    (settings.data_docs_dir / "index.html").write_text("<html>docs</html>")
    connect(settings.warehouse_path).close()
    (tradewire_home / "secret").write_text("TOP SECRET")
    (tradewire_home.parent / "secret").write_text("TOP SECRET")
    client = _client()
    for url in (
        "/data-docs/..%2Fwarehouse.duckdb",
        "/data-docs/..%2F..%2Fwarehouse.duckdb",
        "/data-docs/../secret",
        "/data-docs/..%2Fsecret",
        "/data-docs/%2E%2E/%2E%2E/secret",
        "/data-docs/..%2F..%2Fsecret",
        f"/data-docs/{tradewire_home / 'secret'}",
        f"/data-docs/%2F{str(tradewire_home / 'secret').lstrip('/')}",
    ):
        page = client.get(url)
        assert page.status_code == 404, url
        assert "TOP SECRET" not in page.text and "DUCK" not in page.text, url
    # a symlink inside the folder must not lead outside it either
    (settings.data_docs_dir / "link").symlink_to(tradewire_home / "secret")
    assert client.get("/data-docs/link").status_code == 404
    # httpx folds a literal "/../" before sending; servers need not, so the lookup itself refuses it
    for path in ("../secret", "../../secret", "sub/../../secret", str(tradewire_home / "secret"), "a\x00b", "link"):
        assert data_docs_file(settings.data_docs_dir, path) is None, path
    assert data_docs_file(settings.data_docs_dir, "") == settings.data_docs_dir.resolve() / "index.html"


def test_data_docs_nav_link_registered() -> None:
    from airflow import plugins_manager
    from airflow.api_fastapi.core_api.datamodels.plugins import ExternalViewResponse

    views = {v["name"]: v for v in _plugin_module().TradewirePlugin.external_views}
    assert views["Data Docs"]["href"] == "tradewire/data-docs/"
    assert views["Data Docs"]["destination"] == "nav" and views["Data Docs"]["category"] == "browse"
    assert views["Tradewire"]["href"] == "tradewire/"
    for view in views.values():
        ExternalViewResponse.model_validate(view)  # what the API server sends to the UI
    # Airflow itself loads the plugin from the plugins folder (conftest points it at plugins/)
    info = {p["name"]: p for p in plugins_manager.get_plugin_info(["external_views", "fastapi_apps"])}
    registered = [v["name"] for v in info["tradewire"]["external_views"]]
    assert registered == ["Tradewire", "Tradewire report", "Data Docs"]


def _write_dq_snapshot(snapshot: Path, *, ledger: str = "rows") -> None:
    """A snapshot holding the data-quality tables, written with plain SQL (as another person's code will)."""
    import duckdb

    snapshot.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(snapshot))
    try:
        con.execute("""
            CREATE TABLE dq_results (
                run_id VARCHAR, stage VARCHAR, suite VARCHAR, expectation VARCHAR, column_name VARCHAR,
                success BOOLEAN, row_level BOOLEAN, observed_value VARCHAR, unexpected_count BIGINT,
                unexpected_sample VARCHAR, validated_at TIMESTAMPTZ
            );
            CREATE TABLE quarantine (
                item_id VARCHAR, stage VARCHAR, run_id VARCHAR, article_id VARCHAR,
                failed_expectations VARCHAR[], record JSON, quarantined_at TIMESTAMPTZ, released_at TIMESTAMPTZ
            );
            INSERT INTO dq_results VALUES
                ('run-old', 'clean', 'articles_clean', 'expect_column_values_to_not_be_null', 'title',
                 false, true, NULL, 3, NULL, TIMESTAMPTZ '2025-01-01 10:00:00+00'),
                ('run-<b>new</b>', 'clean', 'articles_clean', 'expect_column_values_to_not_be_null', 'title',
                 false, true, NULL, 2, '<img src=x onerror=alert(1)>', TIMESTAMPTZ '2025-01-02 10:00:00+00'),
                ('run-<b>new</b>', 'clean', 'articles_clean', 'expect_column_values_to_be_unique', 'url',
                 false, true, NULL, 1, NULL, TIMESTAMPTZ '2025-01-02 10:00:00+00'),
                ('run-<b>new</b>', 'clean', 'articles_clean', 'expect_table_row_count_to_be_between', NULL,
                 true, false, '12', 0, NULL, TIMESTAMPTZ '2025-01-02 10:00:00+00'),
                ('run-<b>new</b>', 'enrich', 'articles_enriched', 'expect_column_values_to_be_in_set', 'lang',
                 true, true, NULL, 0, NULL, TIMESTAMPTZ '2025-01-02 10:05:00+00');
            INSERT INTO quarantine VALUES
                ('i1', 'clean', 'run-<b>new</b>', 'a1', ['expect_column_values_to_not_be_null'], '{}',
                 TIMESTAMPTZ '2025-01-02 10:00:00+00', NULL),
                ('i2', 'clean', 'run-<b>new</b>', 'a2', ['expect_column_values_to_be_unique'], '{}',
                 TIMESTAMPTZ '2025-01-02 10:00:00+00', NULL),
                ('i3', 'enrich', 'run-old', 'a3', ['expect_column_values_to_be_in_set'], '{}',
                 TIMESTAMPTZ '2025-01-01 10:00:00+00', NULL),
                ('i4', 'clean', 'run-old', 'a4', ['expect_column_values_to_not_be_null'], '{}',
                 TIMESTAMPTZ '2025-01-01 10:00:00+00', TIMESTAMPTZ '2025-01-03 09:00:00+00');
        """)
        if ledger != "absent":
            con.execute("""
                CREATE TABLE run_ledger (
                    run_id VARCHAR PRIMARY KEY, dag_id VARCHAR, status VARCHAR, started_at TIMESTAMPTZ,
                    finished_at TIMESTAMPTZ, items_discovered BIGINT, pages_fetched BIGINT, fetch_failures BIGINT,
                    skipped BIGINT, articles_loaded BIGINT, duplicates BIGINT, not_articles BIGINT,
                    quarantined BIGINT, balanced BOOLEAN, message VARCHAR
                )
            """)
        if ledger == "rows":
            con.execute("""
                INSERT INTO run_ledger VALUES
                    ('run-old', 'tradewire_ingest', 'loaded', TIMESTAMPTZ '2025-01-01 09:58:00+00',
                     TIMESTAMPTZ '2025-01-01 10:01:00+00', 20, 18, 2, 0, 15, 1, 1, 1, true, NULL),
                    ('run-<b>new</b>', 'tradewire_ingest', 'rejected', TIMESTAMPTZ '2025-01-02 09:58:00+00',
                     NULL, 30, 28, 0, 2, 0, 0, 3, 2, false, 'clean: 2 of 25 rows failed <script>x()</script>');
            """)
    finally:
        con.close()


def test_data_quality_section_from_the_snapshot(tradewire_home: Path) -> None:
    settings = Settings.from_env()
    _write_dq_snapshot(settings.snapshot_path)
    client = _client()
    data = client.get("/status.json").json()
    dq = data["data_quality"]
    assert [r["run_id"] for r in dq["ledger"]] == ["run-<b>new</b>", "run-old"]  # latest first
    assert dq["ledger"][0]["started_at"].startswith("2025-01-02")  # ISO strings, JSON-ready
    assert dq["ledger"][0]["balanced"] is False and dq["ledger"][0]["finished_at"] is None
    failed = {(r["run_id"], r["stage"]): (r["failed"], r["evaluated"]) for r in dq["failed_expectations"]}
    assert failed == {
        ("run-<b>new</b>", "clean"): (2, 3),
        ("run-<b>new</b>", "enrich"): (0, 1),
        ("run-old", "clean"): (1, 1),
    }
    assert dq["quarantine"] == {"held": 3, "by_stage": {"clean": 2, "enrich": 1}}  # i4 was released
    assert data["tables"]["dq_results"] == 5

    page = client.get("/")
    assert page.status_code == 200
    text = page.text
    assert "<h2>Data quality</h2>" in text and "href='data-docs/'" in text
    assert "<script>" not in text and "<b>new</b>" not in text
    assert "run-&lt;b&gt;new&lt;/b&gt;" in text and "&lt;script&gt;x()&lt;/script&gt;" in text
    assert "rejected" in text and "tradewire_ingest" in text and "<td class='bad'>no</td>" in text
    assert "Held (not released): 3" in text
    assert "<tr><td>clean</td><td>2</td></tr>" in text and "<tr><td>enrich</td><td>1</td></tr>" in text


@pytest.mark.parametrize("ledger", ["absent", "empty"])
def test_data_quality_falls_back_without_run_ledger(tradewire_home: Path, ledger: str) -> None:
    """Snapshots from before run_ledger, or before its first row: the ledger.json files still list the runs."""
    settings = Settings.from_env()
    _write_dq_snapshot(settings.snapshot_path, ledger=ledger)
    run_dir = settings.run_dir("run-json")
    run_dir.mkdir(parents=True)
    (run_dir / "ledger.json").write_text(json.dumps({"run_id": "run-from-json", "articles_loaded": 4}))
    client = _client()
    data = client.get("/status.json").json()
    assert data["data_quality"]["ledger"] == (None if ledger == "absent" else [])
    assert data["runs"][0]["run_id"] == "run-from-json"
    text = client.get("/").text
    assert "run-from-json" in text and "<h2>Data quality</h2>" in text and "Held (not released): 3" in text


def test_report_is_served_with_a_policy_that_forbids_requests(tradewire_home: Path) -> None:
    client = TestClient(_plugin_module().app)
    missing = client.get("/report")
    assert missing.status_code == 404 and "has not rendered the report yet" in missing.text
    settings = Settings.from_env()
    settings.report_path.parent.mkdir(parents=True, exist_ok=True)
    settings.report_path.write_text("<!doctype html><title>Tradewire report</title><svg></svg>")
    served = client.get("/report")
    assert served.status_code == 200 and "<svg>" in served.text
    assert served.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in served.headers["content-security-policy"]
    assert "href='report'" in client.get("/").text
