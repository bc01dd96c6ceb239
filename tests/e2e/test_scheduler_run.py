"""The ingest DAG run by a real scheduler and executor with Airflow's metadata in PostgreSQL.

`airflow dags test` runs tasks inside one process; this runs them the way a
deployment does (scheduler, dag-processor, api-server, tasks in their own
processes talking to the execution API), which is where problems with
subprocesses, environment and the writer pool show. Skips when no PostgreSQL
server accepts connections on 127.0.0.1:5432 (a user's laptop).

The sample is served over real HTTP from 127.0.0.1, so every source is on one host, and fetched
in small batches by mapped tasks that run at the same time: the per-host limits (in Redis when
one answers on 127.0.0.1:6379, else lock files) must still space and cap the requests.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import REPO
from tests.fetch.loopback import Loopback, Recorder
from tests.fetch.test_fetch_sources import HOST_URL, SITE, http_sources
from tests.fetch.test_fetch_sources import site_responder as sample_site
from tradewire.load.warehouse import table_counts
from tradewire.settings import POOLS_FILE

AIRFLOW = str(Path(sys.executable).with_name("airflow"))
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def postgres_database() -> str:
    psycopg2 = pytest.importorskip("psycopg2")
    try:
        admin = psycopg2.connect(dbname="postgres", connect_timeout=3, **PG)
    except psycopg2.OperationalError as exc:
        pytest.skip(f"no PostgreSQL on 127.0.0.1:5432 ({exc}); the production-shape test needs one")
    admin.autocommit = True
    name = f"tradewire_e2e_{uuid.uuid4().hex[:8]}"
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg2://{PG['user']}@{PG['host']}:{PG['port']}/{name}"
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _host_limits_url() -> str:
    try:
        import redis

        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1).ping()
    except Exception:  # no Redis here: the lock files carry the limits
        return ""
    return "redis://127.0.0.1:6379/0"


HOST_DELAY = 0.2


def _run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([AIRFLOW, *args], env=env, capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, f"airflow {' '.join(args)}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    return result.stdout


def test_scheduled_stack_on_postgres_runs_the_dag(tmp_path: Path, postgres_database: str) -> None:
    with Loopback() as server:
        prefix = f"http://127.0.0.1:{server.port}/".encode()
        arrivals = Recorder(inner=sample_site(SITE, lambda body: HOST_URL.sub(prefix + rb"\1", body)))
        server.fallback = arrivals
        config = http_sources(server, tmp_path)
        assert config.origin is not None
        _scheduled_run(tmp_path, postgres_database, str(config.origin))
    counts = table_counts(tmp_path / "data" / "warehouse.duckdb")
    print("scheduled run on PostgreSQL metadata:", counts)
    assert counts["articles"] >= 30
    assert (tmp_path / "data" / "serving" / "tradewire.duckdb").exists()
    run_dir = next((tmp_path / "data" / "staging").glob("*/fetch.parquet")).parent
    spans = []
    for batch in sorted((run_dir / "fetch").glob("pages-*")):
        started = pl.read_parquet(batch / "attempts.parquet")["started_at"]
        spans.append((started.min(), started.max()))
    assert len(spans) == 5  # 39 pages in batches of 8
    overlapping = sum(1 for a, b in itertools.pairwise(spans) if b[0] < a[1])
    gaps = [b - a for a, b in itertools.pairwise(arrivals.arrivals)]
    print(f"fetch batches overlapping in time: {overlapping}; smallest gap between requests: {min(gaps):.3f}s")
    assert overlapping >= 1  # mapped tasks really ran side by side ...
    assert arrivals.most_in_flight == 1  # ... and still one request at a time to the one host
    assert min(gaps) >= HOST_DELAY - 0.05  # the delay apart, less connect jitter (unlimited: ~1 ms apart)


def _scheduled_run(tmp_path: Path, postgres_database: str, sources: str) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": postgres_database,
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
        "TRADEWIRE_HOME": str(tmp_path / "data"),
        "TRADEWIRE_INGEST_SCHEDULE": "none",
        "TRADEWIRE_SOURCES": sources,
        "TRADEWIRE_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
        "TRADEWIRE_SOURCES_PER_BATCH": "2",
        "TRADEWIRE_FETCH_BATCH_SIZE": "8",
        "TRADEWIRE_HOST_DELAY": str(HOST_DELAY),
        "TRADEWIRE_HOST_CONCURRENCY": "1",
        "TRADEWIRE_HOST_LIMITS_URL": _host_limits_url(),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    _run(env, "db", "migrate")
    _run(env, "pools", "import", str(POOLS_FILE))
    log = (tmp_path / "standalone.log").open("w")
    stack = subprocess.Popen(
        [AIRFLOW, "standalone"], env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/version", timeout=2):
                    break
            except OSError:
                time.sleep(2)
        else:
            pytest.fail("api-server did not come up:\n" + (tmp_path / "standalone.log").read_text()[-3000:])
        while "tradewire_ingest" not in _run(env, "dags", "list", "-o", "plain"):
            assert time.monotonic() < deadline, "dag-processor never parsed the DAG"
            time.sleep(3)
        _run(env, "dags", "unpause", "tradewire_ingest")
        _run(env, "dags", "trigger", "tradewire_ingest")
        state = "queued"
        deadline = time.monotonic() + 420
        while state in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(5)
            output = _run(env, "dags", "list-runs", "tradewire_ingest", "-o", "json")
            # Airflow logs warnings to stdout before the JSON: take the JSON line
            runs = json.loads(next(line for line in output.splitlines() if line.startswith(("[{", "[]"))))
            state = runs[0]["state"] if runs else "queued"
        assert state == "success", (tmp_path / "standalone.log").read_text()[-4000:]
    finally:
        os.killpg(stack.pid, signal.SIGTERM)
        try:
            stack.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(stack.pid, signal.SIGKILL)
        log.close()
