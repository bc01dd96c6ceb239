"""The environment for `airflow` CLI runs in a test: its own AIRFLOW_HOME (SQLite metadata) and TRADEWIRE_HOME."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tradewire.settings import POOLS_FILE

AIRFLOW = str(Path(sys.executable).with_name("airflow"))


def airflow_env(root: Path, **tradewire: str) -> dict[str, str]:
    """Airflow under root/airflow with the project's DAGs and plugins, data under root/data, metadata migrated and
    the pools imported. Keyword arguments add settings (TRADEWIRE_SOURCES=..., and so on); without
    TRADEWIRE_SOURCES the bundled sample is read, whatever the calling shell has set."""
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(root / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "TRADEWIRE_HOME": str(root / "data"),
    }
    env.pop("TRADEWIRE_SOURCES", None)
    env.update(tradewire)
    for step in (["db", "migrate"], ["pools", "import", str(POOLS_FILE)]):
        done = subprocess.run([AIRFLOW, *step], env=env, capture_output=True, text=True, cwd=REPO, timeout=300)
        assert done.returncode == 0, f"airflow {' '.join(step)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return env
