"""Layers over a Fetcher: retries with backoff for transient failures, and robots.txt.

Each layer is a Fetcher too, so `make_fetcher` stacks them and tests can use
any layer alone against a loopback server.
"""

from __future__ import annotations

import email.utils
import fcntl
import json
import os
import random
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from tradewire.fetch.attempts import attributed, current_context
from tradewire.fetch.http import Fetcher, FetchError, Response
from tradewire.files import FILE_MODE, make_folders
from tradewire.ids import item_id_for_url

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_OUTCOMES = frozenset({"connection", "timeout"})


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryingFetcher:
    """Retries connection errors, timeouts, 429 and 5xx with exponential backoff and full jitter.

    A Retry-After header is honoured up to max_delay; a longer wait gives up and returns the response,
    so one slow host cannot hold a run.
    """

    def __init__(
        self,
        inner: Fetcher,
        attempts: int = 3,
        base_delay: float = 0.5,
        max_delay: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.inner = inner
        self.attempts = max(1, attempts)
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.sleep = sleep
        self.rng = rng or random.Random()  # noqa: S311  # jitter, not cryptography

    def _backoff(self, attempt: int) -> float:
        return self.rng.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Response:
        for attempt in range(self.attempts):
            last = attempt == self.attempts - 1
            try:
                response = self.inner.get(url, headers)
            except FetchError as exc:
                if last or exc.outcome not in RETRY_OUTCOMES:
                    raise
                self.sleep(self._backoff(attempt))
                continue
            if response.status not in RETRY_STATUSES or last:
                return response
            wait = retry_after_seconds(response.headers.get("retry-after"))
            if wait is not None and wait > self.max_delay:
                return response
            self.sleep(wait if wait is not None else self._backoff(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close:
            close()


class RobotsFetcher:
    """Honours robots.txt for the configured user agent.

    As RFC 9309 says: a missing robots.txt (4xx) allows everything; one that cannot be fetched
    (5xx, network errors) disallows the host. Each host's answer is kept in memory and, with
    `cache_dir`, on disk for `ttl` seconds (`error_ttl` for failures), so the mapped fetch tasks
    of a run, and the runs of a day, ask each host once.
    """

    def __init__(
        self,
        inner: Fetcher,
        user_agent: str,
        cache_dir: Path | None = None,
        ttl: float = 24 * 3600,
        error_ttl: float = 600,
    ) -> None:
        self.inner = inner
        self.agent = user_agent.split("/", 1)[0]
        self.cache_dir = cache_dir
        self.ttl = ttl
        self.error_ttl = error_ttl
        self._rules: dict[str, RobotFileParser | bool] = {}
        self._lock = threading.Lock()

    def _cache_file(self, origin: str) -> Path | None:
        return self.cache_dir / f"{_host_key(origin.replace('://', '_'))}.json" if self.cache_dir else None

    def _read_cache(self, origin: str) -> RobotFileParser | bool | None:
        path = self._cache_file(origin)
        try:
            entry = json.loads(path.read_text(encoding="utf-8")) if path else None
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict):
            return None
        age = time.time() - float(entry.get("fetched_at", 0))
        if age > (self.ttl if entry.get("verdict") != "deny_all" else self.error_ttl):
            return None
        return _rules_from(str(entry.get("verdict")), str(entry.get("body", "")))

    def _write_cache(self, origin: str, verdict: str, body: str) -> None:
        path = self._cache_file(origin)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps({"fetched_at": time.time(), "verdict": verdict, "body": body}), encoding="utf-8")
        tmp.replace(path)

    def _rules_for(self, origin: str) -> RobotFileParser | bool:
        with self._lock:
            if origin in self._rules:
                return self._rules[origin]
        rules = self._read_cache(origin)
        if rules is None:
            verdict, body = self._ask(origin)
            self._write_cache(origin, verdict, body)
            rules = _rules_from(verdict, body)
        with self._lock:
            self._rules.setdefault(origin, rules)
            return self._rules[origin]

    def _ask(self, origin: str) -> tuple[str, str]:
        url = origin + "/robots.txt"
        context = current_context()
        try:
            with attributed(item_id_for_url(url), context.source if context else "", "robots"):
                response = self.inner.get(url)
        except FetchError:
            return "deny_all", ""
        if 400 <= response.status < 500:
            return "allow_all", ""
        if response.status >= 500:
            return "deny_all", ""
        return "rules", response.body.decode("utf-8", errors="replace")

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        rules = self._rules_for(f"{parts.scheme}://{parts.netloc}")
        if isinstance(rules, bool):
            return rules
        return rules.can_fetch(self.agent, url)

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Response:
        if not self.allowed(url):
            raise FetchError("disallowed by robots.txt", "robots")
        return self.inner.get(url, headers)

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close:
            close()


def _rules_from(verdict: str, body: str) -> RobotFileParser | bool:
    if verdict != "rules":
        return verdict == "allow_all"
    rules = RobotFileParser()
    rules.parse(body.splitlines())
    return rules


def _lock_file(path: Path) -> IO[str]:
    """A lock or pacing file opened for reading and appending, created 0644 whatever the umask."""
    return os.fdopen(os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, FILE_MODE), "a+")


def _host_key(host: str) -> str:
    return "".join(c if c.isalnum() or c in ".-" else "_" for c in host.lower()) or "_"


class HostLimiter:
    """At most `per_host` requests at a time to one host, at least `min_delay` seconds apart.

    The slots and the pacing live in lock files under `lock_dir`, so the limits hold across
    threads, processes and parallel Airflow tasks that share the data folder on one machine.
    """

    def __init__(
        self,
        inner: Fetcher,
        lock_dir: Path,
        min_delay: float = 1.0,
        per_host: int = 2,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.inner = inner
        self.lock_dir = lock_dir
        self.min_delay = min_delay
        self.per_host = max(1, per_host)
        self.sleep = sleep
        make_folders(lock_dir)  # 0755 whatever the umask: no other user may tamper with the pacing

    def _take_slot(self, key: str) -> IO[str]:
        while True:
            for index in range(self.per_host):
                handle = _lock_file(self.lock_dir / f"{key}.slot{index}")  # held until release
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    handle.close()
                    continue
                return handle
            time.sleep(0.02)

    def _pace(self, key: str) -> None:
        with _lock_file(self.lock_dir / f"{key}.last") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # one pacing decision at a time per host; released on close
            handle.seek(0)
            text = handle.read().strip()
            last = float(text) if text else 0.0
            wait = last + self.min_delay - time.time()
            if wait > 0:
                self.sleep(wait)
            handle.seek(0)
            handle.truncate()
            handle.write(repr(time.time()))

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Response:
        key = _host_key(urlsplit(url).hostname or "")
        slot = self._take_slot(key)
        try:
            if self.min_delay > 0:
                self._pace(key)
            return self.inner.get(url, headers)
        finally:
            fcntl.flock(slot, fcntl.LOCK_UN)
            slot.close()

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close:
            close()


# Both scripts read the clock of the Redis server, so workers on machines with skewed clocks agree.
_RESERVE_TURN = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local turn = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], turn + tonumber(ARGV[1]), 'PX', ARGV[2])
return turn - now
"""
_TAKE_SLOT = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0
"""


class RedisHostLimiter:
    """HostLimiter's limits kept in Redis, so they hold across Celery workers on several machines.

    Each request reserves the host's next turn (at least `min_delay` after the previous one) and
    a slot among `per_host`. Slots are leases that expire after `lease` seconds, so a worker that
    dies mid-request cannot block a host for good (file locks on NFS offer no such guarantee).
    """

    def __init__(
        self,
        inner: Fetcher,
        url: str,
        min_delay: float = 1.0,
        per_host: int = 2,
        lease: float = 120.0,
        prefix: str = "tradewire:host:",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import redis

        self.inner = inner
        self.min_delay = min_delay
        self.per_host = max(1, per_host)
        self.lease_ms = int(lease * 1000)
        self.prefix = prefix
        self.sleep = sleep
        self._redis = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)
        self._reserve = self._redis.register_script(_RESERVE_TURN)
        self._take = self._redis.register_script(_TAKE_SLOT)

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Response:
        key = self.prefix + _host_key(urlsplit(url).hostname or "")
        token = f"{os.getpid()}:{threading.get_ident()}:{random.random()}"  # noqa: S311  # a name, not a secret
        while not self._take(keys=[key + ":slots"], args=[self.per_host, token, self.lease_ms]):
            time.sleep(0.02)
        try:
            if self.min_delay > 0:
                wait_ms = int(self._reserve(keys=[key + ":turn"], args=[int(self.min_delay * 1000), self.lease_ms]))
                if wait_ms > 0:
                    self.sleep(wait_ms / 1000)
            return self.inner.get(url, headers)
        finally:
            self._redis.zrem(key + ":slots", token)

    def close(self) -> None:
        self._redis.close()
        close = getattr(self.inner, "close", None)
        if close:
            close()
