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


# The longest files first: `pytest -n 2 --dist loadfile` (make unit) then never ends with one of them running alone.
SLOW_FIRST = (
    "tests/e2e/test_scheduler_run.py",
    "tests/e2e/test_ui_browser.py",
    "tests/e2e/test_ingest_dag.py",
    "tests/e2e/test_ingest_params.py",
    "tests/e2e/test_bad_input.py",
    "tests/e2e/test_crash_safety.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: place for place, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


# The fuzz tests count their inputs (tests/fuzz/tally.py). Under xdist each worker counts its own: the workers
# hand their counts to the controller, which prints the total.
def pytest_sessionfinish(session: pytest.Session) -> None:
    from tests.fuzz import tally

    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["fuzz_tried"] = dict(tally.tried)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    from tests.fuzz import tally

    tally.tried.update(getattr(node, "workeroutput", {}).get("fuzz_tried", {}))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.fuzz import tally

    if sum(tally.tried.values()):
        terminalreporter.write_sep("-", tally.summary())
