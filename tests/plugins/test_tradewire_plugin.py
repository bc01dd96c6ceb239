"""The Airflow UI plugin: registered with Airflow, serves the ledger page from the snapshot, escapes everything."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import REPO
from tradewire.load.warehouse import connect
from tradewire.serve.snapshot import publish_snapshot
from tradewire.settings import Settings


def _plugin_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("tradewire_plugin", REPO / "plugins" / "tradewire_plugin.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
