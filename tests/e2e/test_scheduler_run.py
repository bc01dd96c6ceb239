"""The ingest DAG run by a real scheduler and executor with Airflow's metadata in PostgreSQL.

`airflow dags test` runs tasks inside one process; this runs them the way a
deployment does (scheduler, dag-processor, api-server, tasks in their own
processes talking to the execution API), which is where problems with
subprocesses, environment and the writer pool show. Skips when no PostgreSQL
server accepts connections on 127.0.0.1:5432 (a user's laptop).

The sample is served over real HTTP from 127.0.0.1, so every source is on one host, and fetched
in small batches by mapped tasks that run at the same time: the per-host limits (in Redis when
one answers on 127.0.0.1:6379, else lock files) must still space and cap the requests.

Concurrency, as a deployment meets it: two ingest runs are triggered at the same moment (the DAG
allows one active run, so the second waits for the first), a manual reprocess is triggered while
the second ingest run is under way. Every run must
succeed, no two tasks of the one-slot writer pool may overlap in time across all those runs, the
warehouse must hold each article once with every ledger balanced, and a dashboard-like reader
querying the snapshot the whole time must see no error and only complete versions.
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

import duckdb
import polars as pl
import pytest

from tests.conftest import REPO
from tests.fetch.loopback import Loopback, Recorder
from tests.fetch.test_fetch_sources import HOST_URL, SITE, http_sources
from tests.fetch.test_fetch_sources import site_responder as sample_site
from tests.load.test_warehouse import KEYS
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
    snapshot = tmp_path / "data" / "serving" / "tradewire.duckdb"
    stop, result = tmp_path / "reader.stop", tmp_path / "reader.json"
    reader = subprocess.Popen([sys.executable, str(Path(__file__).with_name("snapshot_reader.py")), str(snapshot),
                               str(stop), str(result)])  # fmt: skip
    try:
        with Loopback() as server:
            prefix = f"http://127.0.0.1:{server.port}/".encode()
            arrivals = Recorder(inner=sample_site(SITE, lambda body: HOST_URL.sub(prefix + rb"\1", body)))
            server.fallback = arrivals
            config = http_sources(server, tmp_path)
            assert config.origin is not None
            tasks = _scheduled_run(tmp_path, postgres_database, str(config.origin))
    finally:
        stop.touch()
        reader.wait(timeout=60)
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    counts = table_counts(warehouse)
    print("scheduled runs on PostgreSQL metadata:", counts)
    assert counts["articles"] >= 30
    assert snapshot.exists()
    _check_serialised(tasks)
    _check_warehouse(warehouse, counts["articles"])
    seen = json.loads(result.read_text())
    print(f"snapshot reader: {seen['queries']} queries, errors {seen['errors']}, counts {seen['article_counts']}")
    assert seen["errors"] == []
    assert seen["queries"] > 0
    assert set(seen["article_counts"]) <= {counts["articles"]}  # never a partial version
    run_dir = next(p.parent for p in (tmp_path / "data" / "staging").glob("*/fetch.parquet")
                   if len(list((p.parent / "fetch").glob("pages-*"))) > 1)  # fmt: skip
    spans = []
    for batch in sorted((run_dir / "fetch").glob("pages-*")):
        started = pl.read_parquet(batch / "attempts.parquet")["started_at"]
        spans.append((started.min(), started.max()))
    assert len(spans) == 5  # 39 pages in batches of 8
    overlapping = sum(1 for a, b in itertools.pairwise(spans) if b[0] < a[1])
    # Requests start at least HOST_DELAY apart; each arrives up to a connect's jitter later, which on a busy
    # machine reaches 0.15 s. So one gap may shrink by that jitter, but five gaps together cannot shrink more:
    # any 6 consecutive arrivals span at least 5 delays, less one jitter (unlimited, they would be ms apart).
    times = sorted(arrivals.arrivals)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    six = [b - a for a, b in zip(times, times[5:], strict=False)]
    print(f"fetch batches overlapping in time: {overlapping}; smallest gap between requests: {min(gaps):.3f}s, "
          f"smallest span of 6 requests: {min(six):.3f}s")  # fmt: skip
    assert overlapping >= 1  # mapped tasks really ran side by side ...
    assert arrivals.most_in_flight == 1  # ... and still one request at a time to the one host
    assert min(six) >= 5 * HOST_DELAY - 0.3


WRITER_TASKS = {"load_warehouse", "validate_warehouse", "record_run", "publish_snapshot", "build_marts"}


def _check_serialised(tasks: list[dict[str, str]]) -> None:
    """No two tasks of the one-slot writer pool ran at the same time, whichever DAG run they belonged to."""
    writers = sorted(
        (t["start_date"], t["end_date"], f"{t['dag_id']}.{t['task_id']} ({t['run_id']})")
        for t in tasks
        if t["task_id"] in WRITER_TASKS and t["start_date"] and t["end_date"]
    )
    print(f"writer-pool tasks across the runs: {len(writers)}")
    assert len(writers) == 12  # 2 ingest runs and a reprocess, 4 each
    for (_, end, a), (start, _, b) in itertools.pairwise(writers):
        assert start >= end, f"{b} started before {a} ended: the writer pool let two writers in"


def _check_warehouse(warehouse: Path, articles: int) -> None:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for table, key in KEYS.items():
            query = f"SELECT count(*) FROM (SELECT {', '.join(key)} FROM {table} GROUP BY ALL HAVING count(*) > 1)"  # noqa: S608
            assert con.execute(query).fetchall() == [(0,)], f"duplicate keys in {table}"
        ledgers = con.execute("SELECT dag_id, status, balanced FROM run_ledger ORDER BY started_at").fetchall()
        distinct = con.execute("SELECT count(DISTINCT article_id) FROM articles").fetchall()[0][0]
    finally:
        con.close()
    print("run ledgers:", ledgers)
    assert sorted(d for d, _, _ in ledgers) == ["tradewire_ingest", "tradewire_ingest", "tradewire_reprocess"]
    assert all(status == "loaded" and balanced for _, status, balanced in ledgers)
    assert distinct == articles


def _runs(env: dict[str, str], dag_id: str) -> list[dict[str, str]]:
    output = _run(env, "dags", "list-runs", dag_id, "-o", "json")
    # Airflow logs warnings to stdout before the JSON: take the JSON line
    return list(json.loads(next(line for line in output.splitlines() if line.startswith(("[{", "[]")))))


def _wait_for(env: dict[str, str], dag_id: str, runs: int, log: Path, timeout: float = 420) -> list[dict[str, str]]:
    """Wait until `runs` runs of the DAG have finished; all must have succeeded."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        finished = [r for r in _runs(env, dag_id) if r["state"] in ("success", "failed")]
        if len(finished) >= runs:
            assert all(r["state"] == "success" for r in finished), f"{finished}\n{log.read_text()[-4000:]}"
            return finished
        time.sleep(5)
    pytest.fail(f"{dag_id}: {runs} runs did not finish in {timeout:.0f}s:\n{log.read_text()[-4000:]}")


def _task_instances(env: dict[str, str], dag_id: str, run_id: str) -> list[dict[str, str]]:
    output = _run(env, "tasks", "states-for-dag-run", dag_id, run_id, "-o", "json")
    rows = json.loads(next(line for line in output.splitlines() if line.startswith(("[{", "[]"))))
    return [{**r, "dag_id": dag_id, "run_id": run_id} for r in rows]


def _scheduled_run(tmp_path: Path, postgres_database: str, sources: str) -> list[dict[str, str]]:
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
        for dag_id in ("tradewire_ingest", "tradewire_reprocess"):
            _run(env, "dags", "unpause", dag_id)
        # two ingest runs triggered at the same moment
        triggers = [subprocess.Popen([AIRFLOW, "dags", "trigger", "tradewire_ingest"], env=env, cwd=REPO,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(2)]  # fmt: skip
        for trigger in triggers:
            assert trigger.wait(timeout=120) == 0, trigger.stderr.read() if trigger.stderr else ""
        standalone_log = tmp_path / "standalone.log"
        _wait_for(env, "tradewire_ingest", 1, standalone_log)  # the first: the reprocess needs its snapshot
        _run(env, "dags", "trigger", "tradewire_reprocess")  # by hand, while the second ingest run goes on
        ingest = _wait_for(env, "tradewire_ingest", 2, standalone_log)
        reprocess = _wait_for(env, "tradewire_reprocess", 1, standalone_log)
        first, second = sorted(ingest, key=lambda r: r["start_date"])
        assert second["start_date"] >= first["end_date"], "two ingest runs were active at once"
        during = reprocess[0]["start_date"] < second["end_date"]
        spans = [f"{r['start_date']}..{r['end_date']}" for r in (first, second, reprocess[0])]
        print(f"ingest runs {spans[0]} and {spans[1]}; reprocess {spans[2]} (during the second: {during})")
        tasks = [t for r in ingest for t in _task_instances(env, "tradewire_ingest", r["run_id"])]
        return tasks + _task_instances(env, "tradewire_reprocess", reprocess[0]["run_id"])
    finally:
        os.killpg(stack.pid, signal.SIGTERM)
        try:
            stack.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(stack.pid, signal.SIGKILL)
        log.close()
