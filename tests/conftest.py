"""Shared fixtures: repo paths, the sample manifests, ../shared (skipped with a message when absent)."""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "include" / "sample"
SHARED = (REPO.parent / "shared").resolve()
SEED = SHARED / "seeds" / "000_226ded49a171c2f9.txt"

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
# Airflow reads these at import: keep tests off ~/airflow and away from the example DAGs
os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="tradewire-test-airflow-"))
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(REPO / "dags")
os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(REPO / "plugins")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"


def load_module(name: str, path: Path) -> ModuleType:
    """A module from a file outside the package (plugins/, benchmarks/), as Airflow or a script would load it."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def sample_pages() -> list[dict[str, Any]]:
    """Every page of the bundled sample with its hand-written labels (include/sample/manifest)."""
    pages = []
    for manifest in sorted((SAMPLE / "manifest").glob("*.yaml")):
        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
        for page in data["pages"]:
            page = dict(page)
            page.setdefault("language", data.get("language", "en"))
            page["path"] = SAMPLE / page["file"]
            pages.append(page)
    return pages


def require_shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is missing: the evaluation data in ../shared is not part of a user's clone")
    return path


@pytest.fixture
def tradewire_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("TRADEWIRE_HOME", str(home))
    monkeypatch.delenv("TRADEWIRE_SOURCES", raising=False)
    return home
