"""Settings: documented defaults, and a clear error naming a variable that holds a bad value."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tradewire.settings import DEFAULT_SOURCES, Settings, SettingsError


def test_defaults(tmp_path: Path) -> None:
    settings = Settings.from_env({"TRADEWIRE_HOME": str(tmp_path)})
    assert settings.sources_file == DEFAULT_SOURCES
    assert settings.warehouse_path == tmp_path / "warehouse.duckdb"
    assert settings.snapshot_path == tmp_path / "serving" / "tradewire.duckdb"
    assert settings.ingest_schedule == "*/30 * * * *" and settings.host_delay == 1.0
    assert settings.load_chunk_articles == 5000


def test_the_load_chunk_is_at_least_one_article() -> None:
    assert Settings.from_env({"TRADEWIRE_LOAD_CHUNK_ARTICLES": "0"}).load_chunk_articles == 1
    assert Settings.from_env({"TRADEWIRE_LOAD_CHUNK_ARTICLES": "250"}).load_chunk_articles == 250


@pytest.mark.parametrize(
    "name",
    ["TRADEWIRE_MAX_BYTES", "TRADEWIRE_HTTP_TIMEOUT", "TRADEWIRE_HOST_CONCURRENCY", "TRADEWIRE_LOAD_CHUNK_ARTICLES"],
)
def test_a_bad_number_names_its_variable(name: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: "lots"})


def test_the_cli_reports_configuration_errors_without_a_traceback(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "tradewire.cli", "run"]
    env = {"PATH": "/usr/bin:/bin", "TRADEWIRE_HOME": str(tmp_path), "TRADEWIRE_MAX_BYTES": "lots"}
    bad_number = subprocess.run(run, capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    env = {"PATH": "/usr/bin:/bin", "TRADEWIRE_HOME": str(tmp_path), "TRADEWIRE_SOURCES": str(tmp_path / "no.yaml")}
    no_sources = subprocess.run(run, capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    for result, fragment in ((bad_number, "TRADEWIRE_MAX_BYTES='lots'"), (no_sources, "cannot read sources file")):
        assert result.returncode == 2
        assert fragment in result.stderr and "Traceback" not in result.stderr
