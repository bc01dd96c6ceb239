"""Per-host politeness: requests to one host are spaced and capped, across threads and processes."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tradewire.fetch.http import HttpFetcher
from tradewire.fetch.polite import HostLimiter, RedisHostLimiter

from .loopback import Loopback, Recorder

LOCAL = ("127.0.0.1",)


@pytest.fixture
def server() -> Iterator[Loopback]:
    with Loopback() as srv:
        yield srv


def limiter(tmp_path: Path, delay: float, per_host: int) -> HostLimiter:
    client = HttpFetcher(user_agent="TradewireTest/1", timeout=10, allow_hosts=LOCAL)
    return HostLimiter(client, tmp_path / "locks", min_delay=delay, per_host=per_host)


def test_requests_to_one_host_are_spaced(server: Loopback, tmp_path: Path) -> None:
    recorder = Recorder()
    server.routes["/a"] = recorder
    fetcher = limiter(tmp_path, delay=0.25, per_host=4)
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _: fetcher.get(server.url("/a")), range(4)))
    gaps = [b - a for a, b in zip(recorder.arrivals, recorder.arrivals[1:], strict=False)]
    assert len(gaps) == 3 and min(gaps) >= 0.2  # at least the delay, less a little clock and scheduling slack


def test_at_most_n_requests_in_flight_per_host(server: Loopback, tmp_path: Path) -> None:
    recorder = Recorder(hold=0.3)
    server.routes["/slow"] = recorder
    fetcher = limiter(tmp_path, delay=0.0, per_host=2)
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda _: fetcher.get(server.url("/slow")), range(6)))
    assert recorder.most_in_flight == 2
    assert len(recorder.arrivals) == 6


def test_limits_hold_across_processes(server: Loopback, tmp_path: Path) -> None:
    recorder = Recorder(hold=0.3)
    server.routes["/slow"] = recorder
    code = (
        "import sys; from pathlib import Path; from tradewire.fetch.http import HttpFetcher; "
        "from tradewire.fetch.polite import HostLimiter; "
        "f = HostLimiter(HttpFetcher('T/1', 10, allow_hosts=('127.0.0.1',)), Path(sys.argv[1]), 0.0, 1); "
        "f.get(sys.argv[2])"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "locks"), server.url("/slow")]) for _ in range(3)
    ]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    assert recorder.most_in_flight == 1 and len(recorder.arrivals) == 3


# -- the same limits kept in Redis (TRADEWIRE_HOST_LIMITS_URL), for Celery workers on several machines ---------
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}: start one to test per-host limits shared through Redis")
    prefix = f"tradewire-test:{time.time_ns()}:"
    yield prefix
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)
    client.close()


def redis_limiter(prefix: str, delay: float, per_host: int, lease: float = 120.0) -> RedisHostLimiter:
    client = HttpFetcher(user_agent="TradewireTest/1", timeout=10, allow_hosts=LOCAL)
    return RedisHostLimiter(client, REDIS_URL, min_delay=delay, per_host=per_host, lease=lease, prefix=prefix)


def test_redis_limits_space_requests_across_limiters(server: Loopback, redis_prefix: str) -> None:
    """Two limiters, as on two worker machines, share one host's pacing through Redis."""
    recorder = Recorder()
    server.routes["/a"] = recorder
    machines = [redis_limiter(redis_prefix, delay=0.25, per_host=4) for _ in range(2)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda i: machines[i % 2].get(server.url("/a")), range(6)))
    gaps = [b - a for a, b in zip(recorder.arrivals, recorder.arrivals[1:], strict=False)]
    assert len(gaps) == 5 and min(gaps) >= 0.2


def test_redis_limits_cap_requests_in_flight_across_processes(server: Loopback, redis_prefix: str) -> None:
    recorder = Recorder(hold=0.3)
    server.routes["/slow"] = recorder
    code = (
        "import sys; from tradewire.fetch.http import HttpFetcher; "
        "from tradewire.fetch.polite import RedisHostLimiter; "
        "f = RedisHostLimiter(HttpFetcher('T/1', 10, allow_hosts=('127.0.0.1',)), sys.argv[1], 0.0, 2, "
        "prefix=sys.argv[3]); [f.get(sys.argv[2]) for _ in range(2)]"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, REDIS_URL, server.url("/slow"), redis_prefix]) for _ in range(3)
    ]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    assert recorder.most_in_flight == 2 and len(recorder.arrivals) == 6


def test_redis_slot_of_a_dead_worker_expires(server: Loopback, redis_prefix: str) -> None:
    """A slot held by a worker that died is a lease: it lapses, and the host is not blocked for good."""
    import redis

    server.routes["/a"] = Recorder()
    client = redis.Redis.from_url(REDIS_URL)
    client.zadd(redis_prefix + "127.0.0.1:slots", {"dead-worker": 0})  # leased until the epoch: long expired
    client.close()
    fetcher = redis_limiter(redis_prefix, delay=0.0, per_host=1)
    assert fetcher.get(server.url("/a")).status == 200


def test_settings_choose_the_redis_limiter(tmp_path: Path) -> None:
    from tradewire.fetch.run import make_fetcher
    from tradewire.settings import Settings, SettingsError
    from tradewire.sources import SourcesConfig

    settings = Settings.from_env({"TRADEWIRE_HOME": str(tmp_path), "TRADEWIRE_HOST_LIMITS_URL": REDIS_URL})
    fetcher = make_fetcher(settings, SourcesConfig(sources=()))
    layers = []
    while fetcher is not None:
        layers.append(type(fetcher).__name__)
        fetcher = getattr(fetcher, "inner", None)
    assert "RedisHostLimiter" in layers and "HostLimiter" not in layers
    with pytest.raises(SettingsError, match="TRADEWIRE_HOST_LIMITS_URL"):
        Settings.from_env({"TRADEWIRE_HOST_LIMITS_URL": "127.0.0.1:6379"})
