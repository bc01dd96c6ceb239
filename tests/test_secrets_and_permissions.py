"""Issue 10, part 5: no credentials in the repository, the logs or the fetch outputs; file modes fit a shared server.

Secrets used here are made up at run time (secrets.token_hex), so this file itself holds none for the scan to find.
"""

from __future__ import annotations

import ast
import json
import logging
import os
import re
import secrets
import shutil
import socket
import stat
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
import yaml

from tests.conftest import REPO
from tests.fetch.loopback import Loopback, page, redirect, send
from tradewire.fetch.attempts import AttemptLog
from tradewire.fetch.redact import redact_text, redact_url
from tradewire.fetch.run import fetch_sources, make_fetcher
from tradewire.serve.exports import export_marts
from tradewire.serve.report import render_report
from tradewire.serve.snapshot import publish_snapshot
from tradewire.settings import Settings, SettingsError
from tradewire.sources import SourcesConfig, load_sources

# -- 1. no credentials in the tracked files ----------------------------------------------------------------------
_CREDENTIAL_NAMES = r"(?:password|passwd|pwd|secret|secret_?key|token|auth_?token|api_?key|access_?key|private_?key)"
PATTERNS = {
    "private key": re.compile("-----" + r"BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "AWS secret access key": re.compile(r"(?i)aws_?secret_?access_?key\W{0,3}[A-Za-z0-9/+]{40}"),
    "GitHub token": re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "Slack webhook": re.compile(r"hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+"),
    # NAME = "value" or NAME: value, the name ending in a secret's word; in Python only quoted literals count
    "password assignment": re.compile(
        rf"(?i)\b[\w.-]*{_CREDENTIAL_NAMES}[\"']?\s*[:=]\s*(?P<quote>[\"']?)(?P<value>[^\s\"'`,;)}}\]]{{4,}})(?P=quote)"
    ),
    "URI with a password": re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]*:(?P<value>[^/\s@'\"]+)@"),
}
# values that stand for a secret rather than being one: environment references, templates, masks, the usual words
PLACEHOLDER = re.compile(
    r"(?i)^(?:\\?\$.*|\{.*|<.*>|%.*|\*+|x{3,}|.*example.*|change[-_]?me|placeholder|password|secret|token|dummy"
    r"|redacted|none|null|true|false|required|optional|\w+\(.*)$"
)
# (file, the value found) -> why it is not a credential
ALLOWED = {
    ("docs/deploy-notes.md", "choose-one"): "an instruction's example value, for the reader to replace",
    ("tests/deploy/test_superset.py", "a-long-random-test-secret"): "a throwaway key the Superset bootstrap test "
    "hands to a subprocess it starts itself",
    ("tests/deploy/test_superset.py", "local-only"): "the same test's throwaway admin password",
    ("tests/test_secrets_and_permissions.py", "airflow"): "this file's check that a literal compose password is found",
    ("tests/test_secrets_and_permissions.py", "p"): "this file's redaction example, a one-letter dummy",
    ("tests/test_secrets_and_permissions.py", "pw"): "this file's redaction example, a two-letter dummy",
    ("docker-compose.yaml", "-airflow"): "${AIRFLOW_DB_PASSWORD:-airflow}: the local-only default of the metadata "
    "database's password, documented in the file's header; .env sets the real one",
}


def credential_findings(path: str, text: str) -> list[tuple[str, int, str, str]]:
    """(path, line, pattern, value) for each credential-looking string in a file's text."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for name, pattern in PATTERNS.items():
            for match in pattern.finditer(line):
                value = match.groupdict().get("value") or match.group(0)
                if name == "password assignment" and path.endswith(".py") and not match.group("quote"):
                    continue  # code: `token = make_token()` assigns an expression, not a literal
                if name in ("password assignment", "URI with a password") and PLACEHOLDER.match(value):
                    continue
                if name == "AWS access key id" and value.endswith("EXAMPLE"):
                    continue  # AWS's documented example key
                if (path, value) not in ALLOWED:
                    found.append((path, number, name, value))
    return found


def tracked_files() -> list[str]:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout: the tracked files cannot be listed")
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True, timeout=60)
    return [name for name in listing.stdout.decode().split("\0") if name]


def test_no_credentials_in_the_tracked_files() -> None:
    findings, scanned = [], 0
    for name in tracked_files():
        path = REPO / name
        if not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary: images, compressed samples
        scanned += 1
        findings.extend(credential_findings(name, text))
    print(f"\nscanned {scanned} tracked text files; {len(ALLOWED)} allow-listed values")
    assert scanned > 100
    assert not findings, "\n".join(f"{p}:{n}: {kind}: {value!r}" for p, n, kind, value in findings)


def test_the_scan_catches_what_it_looks_for() -> None:
    fake = "".join  # the samples are built here so the repository holds none of them
    samples = {
        "private key": fake(["-----", "BEGIN OPENSSH PRIVATE KEY", "-----"]),
        "AWS access key id": fake(["AKIA", "Z7Q2M4R8T1V6W3Y5"]),
        "GitHub token": fake(["ghp_", "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"]),
        "Slack token": fake(["xoxb-", "1234567890-abcdefghij"]),
        "password assignment": fake(["db_pass", "word = 'Tr0ub4dor&3'"]),
        "URI with a password": fake(["postgresql://app:", "s3cr3tv4lue", "@db.internal/app"]),
    }
    for kind, sample in samples.items():
        assert [k for *_, k, _ in credential_findings("x.py", sample)] == [kind], kind
    assert credential_findings("compose.yaml", "url: postgresql://airflow:${AIRFLOW_DB_PASSWORD}@pg/x") == []
    assert credential_findings("compose.yaml", "url: postgresql://airflow:airflow@pg/x") != []
    assert credential_findings("x.py", "token = current.set(context)") == []


# -- 2. no credentials in logs or fetch outputs --------------------------------------------------------------------
def write_sources(folder: Path, sources: list[dict[str, Any]]) -> SourcesConfig:
    path = folder / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": sources}, sort_keys=False), encoding="utf-8")
    return load_sources(path)


def settings_for(home: Path, **env: str) -> Settings:
    return Settings.from_env(
        {
            "TRADEWIRE_HOME": str(home),
            "TRADEWIRE_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
            "TRADEWIRE_HOST_DELAY": "0",
            "TRADEWIRE_HTTP_ATTEMPTS": "1",
            "TRADEWIRE_HTTP_TIMEOUT": "5",
            **env,
        }
    )


def written_texts(out_dir: Path, home: Path) -> dict[str, str]:
    """Everything the fetch stage wrote down that a person reads: rows (but the documents' bodies), attempts, summary,
    and the names and contents of the files under the data folder's caches and locks."""
    rows = pl.read_parquet(out_dir / "fetch.parquet").drop("body")  # bodies are the documents as served
    texts = {
        "fetch rows": json.dumps(rows.drop("fetched_at").to_dicts()),
        "attempts": json.dumps(pl.read_parquet(out_dir / "attempts.parquet").drop("started_at").to_dicts()),
        "fetch_summary.json": (out_dir / "fetch_summary.json").read_text(encoding="utf-8"),
    }
    for path in home.rglob("*"):
        texts[f"file name {path}"] = str(path)
        if path.is_file() and path.stat().st_size < 1_000_000:
            texts[f"file {path}"] = path.read_bytes().decode("utf-8", errors="replace")
    return texts


def assert_absent(secret_values: list[str], texts: dict[str, str]) -> None:
    for where, text in texts.items():
        for value in secret_values:
            assert value not in text, f"a secret appears in {where}"


def run_fetch(settings: Settings, config: SourcesConfig, out_dir: Path) -> None:
    attempts = AttemptLog()
    fetcher = make_fetcher(settings, config, attempts)
    try:
        fetch_sources(config, fetcher, out_dir / "fetch.parquet", settings.max_bytes, attempts=attempts)
    finally:
        getattr(fetcher, "close", lambda: None)()


def test_credentials_in_source_urls_never_reach_logs_or_outputs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    password, token, api_key = (secrets.token_hex(8) for _ in range(3))
    queries: list[str] = []
    authorizations: list[str | None] = []

    def noting(responder: Any) -> Any:
        def respond(h: Any) -> None:
            queries.append(h.path)
            authorizations.append(h.headers.get("Authorization"))
            responder(h)

        return respond

    with Loopback() as lb:
        base = lb.base
        secret_base = f"http://reader:{password}@127.0.0.1:{lb.port}"
        listed = [
            f"{base}/story.html?api_key={api_key}",  # fetched
            f"{base}/missing.html?token={token}",  # a 404: an error message
            f"{base}/moved.html?access_token={token}",  # a redirect to a page that keeps the token
            f"{base}/to-private?token={token}",  # a redirect refused by the SSRF guard
            f"ftp://reader:{password}@127.0.0.1/file.html",  # refused: not http(s)
        ]
        lb.routes["/story.html"] = noting(page(b"<p>story</p>"))
        lb.routes["/final.html"] = noting(page(b"<p>final</p>"))
        lb.routes["/moved.html"] = noting(redirect(f"/final.html?token={token}"))
        lb.routes["/to-private"] = redirect(f"http://10.0.0.1/admin?token={token}")
        lb.routes["/list.txt"] = noting(lambda h: send(h, 200, "\n".join(listed).encode(), "text/plain"))
        config = write_sources(
            tmp_path,
            [
                {"name": "list", "kind": "urls", "url": f"{secret_base}/list.txt?token={token}&page=1"},
                {"name": "gone", "kind": "rss", "url": f"{secret_base}/no-feed.xml?apikey={api_key}"},
            ],
        )
        settings = settings_for(tmp_path / "home")
        caplog.set_level(logging.DEBUG)
        run_fetch(settings, config, tmp_path / "out")

    assert any(f"token={token}" in q for q in queries) and any(f"api_key={api_key}" in q for q in queries)
    assert authorizations and not any(authorizations)  # user:password@ is never sent anywhere
    texts = written_texts(tmp_path / "out", settings.home)
    texts["log records"] = "\n".join(record.getMessage() for record in caplog.records)
    assert "HTTP Request: GET" in texts["log records"]  # httpx's request log was captured, and redacted
    assert_absent([password, token, api_key], texts)
    attempts = pl.read_parquet(tmp_path / "out" / "attempts.parquet")
    assert f"{base}/list.txt?token=***&page=1" in attempts["url"].to_list()  # masked, not dropped
    rows = pl.read_parquet(tmp_path / "out" / "fetch.parquet")
    assert f"{base}/story.html?api_key=***" in rows["url"].to_list()
    assert set(rows.filter(pl.col("url").str.starts_with("ftp"))["url"]) == {"ftp://***@127.0.0.1/file.html"}


def test_redaction_masks_userinfo_and_token_parameters_only() -> None:
    assert (
        redact_url("https://u:p@h.example/a?x=1&token=t&api_key=k#f")
        == "https://***@h.example/a?x=1&token=***&api_key=***#f"
    )
    assert redact_url("https://h.example/story?page=2&ref=home") == "https://h.example/story?page=2&ref=home"
    assert (
        redact_text("cannot fetch redis://:pw@cache:6379/0 (refused)")
        == "cannot fetch redis://***@cache:6379/0 (refused)"
    )
    assert redact_url("http://[::1/x?token=t") == "http://[::1/x?token=***"  # malformed: masked all the same


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_with_password(tmp_path: Path) -> Iterator[tuple[int, str]]:
    """A Redis server of this test's own on 127.0.0.1 that requires a password."""
    redis = pytest.importorskip("redis")
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed: the Redis URL with a password cannot be exercised")
    password, port = secrets.token_hex(12), free_port()
    args = ["--port", str(port), "--bind", "127.0.0.1", "--requirepass", password, "--save", "", "--dir", str(tmp_path)]
    proc = subprocess.Popen([exe, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = redis.Redis(host="127.0.0.1", port=port, password=password, socket_connect_timeout=1)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.RedisError:
                time.sleep(0.05)
        else:
            pytest.skip("the test's redis-server did not start")
        client.close()
        yield port, password
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_redis_password_in_the_environment_stays_out_of_logs_and_errors(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, redis_with_password: tuple[int, str]
) -> None:
    import redis

    port, password = redis_with_password
    limits_url = f"redis://:{password}@127.0.0.1:{port}/0"
    with Loopback({"/ok.html": page(b"<p>ok</p>")}) as lb:
        lb.routes["/list.txt"] = page(lb.url("/ok.html").encode(), "text/plain")
        config = write_sources(tmp_path, [{"name": "list", "kind": "urls", "url": lb.url("/list.txt")}])
        settings = settings_for(tmp_path / "home", TRADEWIRE_HOST_LIMITS_URL=limits_url)
        caplog.set_level(logging.DEBUG)
        run_fetch(settings, config, tmp_path / "out")
        wrong = settings_for(tmp_path / "home", TRADEWIRE_HOST_LIMITS_URL=limits_url.replace(password, "not-it"))
        with pytest.raises(redis.RedisError) as failed:
            run_fetch(wrong, config, tmp_path / "out-wrong")
    rows = pl.read_parquet(tmp_path / "out" / "fetch.parquet")
    assert rows.filter(pl.col("url") == lb.url("/ok.html"))["status"].to_list() == ["fetched"]  # Redis was used
    texts = written_texts(tmp_path / "out", settings.home)
    texts |= {
        "log records": "\n".join(record.getMessage() for record in caplog.records),
        "repr(settings)": repr(settings),
        "str(settings)": str(settings),
        "the error of a wrong password": str(failed.value),
    }
    assert_absent([password, "not-it"], texts)
    assert f"redis://***@127.0.0.1:{port}/0" in repr(settings)


# -- 3. settings: from the environment only, printed without secrets ---------------------------------------------
def test_secrets_come_from_the_environment_given_and_are_not_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    password = secrets.token_hex(8)
    url = f"redis://worker:{password}@cache.internal:6379/0"
    monkeypatch.setenv("TRADEWIRE_HOST_LIMITS_URL", "redis://cache-from-os-environ:6379/0")
    given = Settings.from_env({"TRADEWIRE_HOST_LIMITS_URL": url})
    assert given.host_limits_url == url  # used as given, password and all
    assert Settings.from_env().host_limits_url == "redis://cache-from-os-environ:6379/0"  # the process environment
    for shown in (repr(given), str(given), f"{given}", f"{given!r}"):
        assert password not in shown and "redis://***@cache.internal:6379/0" in shown
    with pytest.raises(SettingsError) as bad:
        Settings.from_env({"TRADEWIRE_HOST_LIMITS_URL": f"http://worker:{password}@cache.internal:6379/0"})
    assert password not in str(bad.value) and "TRADEWIRE_HOST_LIMITS_URL" in str(bad.value)


# modules that read the process environment besides settings.py, and why that is no way in for a secret
ENVIRONMENT_READERS = {
    "include/tradewire/settings.py": "all configuration, secrets included, is read here",
    "include/tradewire/faults.py": "the names of the crash points tests kill a process at; no secret",
    "include/tradewire/clean/workers.py": "hands its own environment on, unchanged, to the worker processes it starts",
}


def test_only_settings_reads_the_environment() -> None:
    readers = set()
    for path in [
        *(REPO / "include" / "tradewire").rglob("*.py"),
        *(REPO / "dags").glob("*.py"),
        *(REPO / "plugins").glob("*.py"),
    ]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb")) or (
                isinstance(node, ast.Name) and node.id in ("getenv", "environ", "load_dotenv")
            ):
                readers.add(path.relative_to(REPO).as_posix())
    assert readers <= set(ENVIRONMENT_READERS), sorted(readers - set(ENVIRONMENT_READERS))
    text = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "include" / "tradewire").rglob("*.py"))
    assert ".netrc" not in text and "dotenv" not in text  # no credential files read behind the settings' back


# -- 4. file modes on a shared server --------------------------------------------------------------------------------
def modes(root: Path) -> dict[str, int]:
    """Permission bits of every file and folder under root (links are not followed: their own bits mean nothing)."""
    found = {".": stat.S_IMODE(root.lstat().st_mode)}
    for path in root.rglob("*"):
        if not path.is_symlink():
            found[path.relative_to(root).as_posix()] = stat.S_IMODE(path.lstat().st_mode)
    return found


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask: whatever a file ends up with, the code chose."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def _warehouse_with_a_mart(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE mart_trade_daily AS SELECT range AS n, 'CHN' AS reporter FROM range(5)")
    con.execute("CREATE TABLE articles AS SELECT 1 AS id")
    con.close()
    return path


def test_the_published_files_are_readable_by_all_and_writable_by_their_owner_only(
    tmp_path: Path, open_umask: None
) -> None:
    serving = tmp_path / "home" / "serving"  # nothing exists yet: publishing makes the folders
    warehouse = _warehouse_with_a_mart(tmp_path / "warehouse.duckdb")
    snapshot = publish_snapshot(warehouse, serving / "tradewire.duckdb")
    publish_snapshot(warehouse, snapshot)  # a second publish replaces the file: same modes
    version = export_marts(snapshot, serving / "exports")
    render_report(snapshot, serving / "report.html")
    found = modes(tmp_path / "home")
    print("\n" + "\n".join(f"{oct(mode)} {name}" for name, mode in sorted(found.items())))
    folders = {n for n in found if (tmp_path / "home" / n).is_dir()}
    assert {n: m for n, m in found.items() if n in folders and m != 0o755} == {}
    assert {n: m for n, m in found.items() if n not in folders and m != 0o644} == {}
    assert {"serving/tradewire.duckdb", "serving/report.html", f"serving/exports/{version.name}/manifest.json"} <= set(
        found
    )
    assert f"serving/exports/{version.name}/mart_trade_daily.parquet" in found
    assert not list(serving.glob(".*"))  # no temporary copy left behind


def test_the_report_makes_its_folder_with_0755(tmp_path: Path, open_umask: None) -> None:
    snapshot = publish_snapshot(_warehouse_with_a_mart(tmp_path / "w.duckdb"), tmp_path / "snap" / "s.duckdb")
    render_report(snapshot, tmp_path / "site" / "report.html")
    assert modes(tmp_path / "site") == {".": 0o755, "report.html": 0o644}


def _fetch_into_staging(home: Path) -> Settings:
    """A local-folder fetch with the raw archive, and a warehouse: the files that hold fetched bodies."""
    from tradewire.load.warehouse import connect

    settings = settings_for(home)
    dumps = home.parent / "dumps"
    dumps.mkdir(exist_ok=True)
    (dumps / "a.html").write_bytes(b"<html><body><p>a saved page</p></body></html>")
    config = write_sources(home.parent, [{"name": "dumps", "kind": "local", "path": "dumps"}])
    run = settings.run_dir("perm")
    fetch_sources(config, make_fetcher(settings, config), run / "fetch.parquet", archive_dir=settings.archive_dir)
    connect(settings.warehouse_path).close()
    return settings


def _world_writable(settings: Settings) -> list[str]:
    paths = [settings.warehouse_path, settings.staging_dir, settings.archive_dir, settings.host_lock_dir.parent]
    found: dict[str, int] = {}
    for root in paths:
        if root.is_dir():
            found |= {f"{root.name}/{name}": mode for name, mode in modes(root).items()}
        else:
            found[root.name] = stat.S_IMODE(root.stat().st_mode)
    return sorted(f"{oct(mode)} {name}" for name, mode in found.items() if mode & stat.S_IWOTH)


def test_raw_bodies_and_the_warehouse_are_not_world_writable_under_a_shared_umask(tmp_path: Path) -> None:
    previous = os.umask(0o002)  # a group-writable default, as on systems with a private group per user
    try:
        settings = _fetch_into_staging(tmp_path / "home")
    finally:
        os.umask(previous)
    assert settings.archive_dir.is_dir() and any(settings.staging_dir.rglob("*.parquet"))
    assert _world_writable(settings) == []


def test_raw_bodies_and_the_warehouse_are_not_world_writable_even_under_umask_0(
    tmp_path: Path, open_umask: None
) -> None:
    assert _world_writable(_fetch_into_staging(tmp_path / "home")) == []
