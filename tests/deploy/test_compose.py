"""The container deployment: docker-compose.yaml, Dockerfile and .dockerignore, checked without a Docker engine.

The structural checks always run (PyYAML resolves the anchors and `<<` merge keys the way Compose does).
`test_compose_config_validates` additionally runs Compose's own validator (`config`, fully offline) when a
`docker compose` plugin or the Debian `docker-compose` package is installed, and skips otherwise.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tradewire.settings import WRITER_POOL

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yaml"
DOCKERFILE = REPO / "Dockerfile"
LOCK = REPO / "requirements.lock"

AIRFLOW_SERVICES = (
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-worker",
    "airflow-triggerer",
    "airflow-init",
)
PROJECT_IMAGE = "tradewire-airflow:latest"
# container path -> host path (before variable interpolation) that must be mounted on every Airflow service
PROJECT_MOUNTS = {
    "/opt/airflow/dags": "./dags",
    "/opt/airflow/plugins": "./plugins",
    "/opt/airflow/include": "./include",
    "/opt/airflow/data": "${TRADEWIRE_DATA_DIR:-./data}",
}
# "source:target[:mode]" where source may hold ${VAR:-default} (whose ":-" must not split the spec)
MOUNT_SPEC = re.compile(r"^(?P<source>(?:\$\{[^}]*\}|[^:$])+):(?P<target>[^:]+)(?::(?P<mode>[^:]+))?$")
CONFIG_TIMEOUT = 60


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("services"), dict)
    return data


def airflow_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every service named airflow-*, including optional ones such as airflow-cli."""
    return {name: svc for name, svc in compose["services"].items() if name.startswith("airflow-")}


def mounts(service: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    """Short-syntax volumes as {target: (source, mode)}."""
    result = {}
    for spec in service.get("volumes", []):
        assert isinstance(spec, str), f"expected short volume syntax, got {spec!r}"
        match = MOUNT_SPEC.match(spec)
        assert match, f"unparseable volume {spec!r}"
        result[match["target"]] = (match["source"], match["mode"])
    return result


def command_text(service: dict[str, Any]) -> str:
    command = service.get("command", "")
    return "\n".join(command) if isinstance(command, list) else str(command)


def test_all_services_present(compose: dict[str, Any]) -> None:
    missing = {"postgres", "redis", *AIRFLOW_SERVICES} - set(compose["services"])
    assert not missing, f"services missing from docker-compose.yaml: {sorted(missing)}"
    assert compose["services"]["postgres"]["image"].startswith("postgres:16")


def test_airflow_services_run_the_project_image(compose: dict[str, Any]) -> None:
    for name, svc in airflow_services(compose).items():
        assert svc.get("image") == PROJECT_IMAGE, f"{name} runs {svc.get('image')!r}, not {PROJECT_IMAGE}"
        build = svc.get("build")
        context = build.get("context") if isinstance(build, dict) else build
        assert context in (".", "./"), f"{name} is not built from the project's Dockerfile (build: {build!r})"


def test_celery_executor_and_shared_settings(compose: dict[str, Any]) -> None:
    for name, svc in airflow_services(compose).items():
        env = svc.get("environment", {})
        assert isinstance(env, dict), f"{name}: environment should be a mapping"
        assert env.get("AIRFLOW__CORE__EXECUTOR") == "CeleryExecutor", name
        assert env.get("AIRFLOW__CORE__EXECUTION_API_SERVER_URL") == "http://airflow-apiserver:8080/execution/", name
        assert env.get("AIRFLOW__CELERY__BROKER_URL", "").startswith("redis://"), name
        assert "@postgres/" in env.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", ""), name
        # one JWT secret and one Fernet key for all components, taken from the environment
        assert env.get("AIRFLOW__API_AUTH__JWT_SECRET", "").startswith("${AIRFLOW_JWT_SECRET"), name
        assert env.get("AIRFLOW__CORE__FERNET_KEY", "").startswith("${AIRFLOW_FERNET_KEY"), name
        assert str(env.get("AIRFLOW__CORE__LOAD_EXAMPLES")).lower() == "false", name
        assert env.get("TRADEWIRE_HOME") == "/opt/airflow/data", name
        # workers on several machines share per-host politeness through the stack's Redis
        assert "redis://redis:6379/" in env.get("TRADEWIRE_HOST_LIMITS_URL", ""), name


def test_project_folders_mounted_on_every_airflow_service(compose: dict[str, Any]) -> None:
    for name, svc in airflow_services(compose).items():
        mounted = mounts(svc)
        for target, source in PROJECT_MOUNTS.items():
            assert target in mounted, f"{name} does not mount {target}"
            assert mounted[target] == (source, None), f"{name} mounts {mounted[target]} on {target}"
    for folder in ("dags", "plugins", "include"):
        assert (REPO / folder).is_dir(), f"./{folder} is mounted but does not exist"


def test_default_sources_file_is_the_mounted_sample(compose: dict[str, Any]) -> None:
    env = compose["services"]["airflow-worker"]["environment"]
    match = re.fullmatch(r"\$\{TRADEWIRE_SOURCES:-(?P<default>[^}]+)\}", env["TRADEWIRE_SOURCES"])
    assert match, env["TRADEWIRE_SOURCES"]
    relative = Path(match["default"]).relative_to("/opt/airflow/include")
    assert (REPO / "include" / relative).is_file(), f"{match['default']} is not in ./include"


def test_init_migrates_then_creates_the_writer_pool(compose: dict[str, Any]) -> None:
    script = command_text(compose["services"]["airflow-init"])
    migrate = script.find("airflow db migrate")
    pool = re.search(r"airflow pools import /opt/airflow/include/airflow/pools\.json\b", script)
    assert migrate >= 0, "airflow-init does not run `airflow db migrate`"
    assert pool, "airflow-init does not import the project's pools file"
    assert pool.start() > migrate, "the pools must be created after the metadata DB is migrated"
    assert PROJECT_MOUNTS["/opt/airflow/include"] == "./include"  # where the pools file comes from
    pools = json.loads((REPO / "include" / "airflow" / "pools.json").read_text())
    assert pools[WRITER_POOL]["slots"] == 1, f"the pool {WRITER_POOL} must have exactly 1 slot"


def test_services_wait_for_init_and_healthy_backends(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in AIRFLOW_SERVICES:
        if name == "airflow-init":
            continue
        depends = services[name]["depends_on"]
        assert depends["airflow-init"]["condition"] == "service_completed_successfully", name
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert "healthcheck" in services[name], f"{name} has no healthcheck"
    assert "/api/v2/version" in " ".join(services["airflow-apiserver"]["healthcheck"]["test"])
    assert services["airflow-worker"]["depends_on"]["airflow-apiserver"]["condition"] == "service_healthy"


def test_bi_service_is_optional_and_reads_the_snapshot_read_only(compose: dict[str, Any]) -> None:
    metabase = compose["services"]["metabase"]
    assert "bi" in metabase.get("profiles", []), "the BI service must stay behind a compose profile"
    assert metabase["image"].startswith("metabase/metabase")
    snapshot = mounts(metabase).get("/data/serving")
    assert snapshot, "metabase does not mount the snapshot folder on /data/serving"
    source, mode = snapshot
    assert source == "${TRADEWIRE_DATA_DIR:-./data}/serving", source
    assert mode == "ro", "the snapshot must be mounted read-only"
    # the whole data folder (with the warehouse the pipeline writes) must never be visible to the BI tool
    assert PROJECT_MOUNTS["/opt/airflow/data"] not in {src for src, _ in mounts(metabase).values()}


def _compose_command() -> list[str] | None:
    """`docker compose` (v2 plugin) if it works, else `docker-compose` (v1, e.g. Debian's package), else None."""
    if shutil.which("docker"):
        try:
            probe = subprocess.run(
                ["docker", "compose", "version"], capture_output=True, text=True, timeout=CONFIG_TIMEOUT
            )
        except (OSError, subprocess.TimeoutExpired):
            probe = None
        if probe is not None and probe.returncode == 0:
            return ["docker", "compose", "-f", str(COMPOSE_FILE), "config", "--quiet"]
    if shutil.which("docker-compose"):
        return ["docker-compose", "-f", str(COMPOSE_FILE), "config", "-q"]
    return None


def test_compose_config_validates() -> None:
    command = _compose_command()
    if command is None:
        pytest.skip(
            "no Compose CLI to validate docker-compose.yaml: install one, e.g. `apt-get install docker-compose` "
            "(Debian/Ubuntu; validates offline, no Docker engine needed) or the docker-compose-plugin"
        )
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=CONFIG_TIMEOUT)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"


def _dockerfile_base() -> re.Match[str]:
    stages = re.findall(r"^FROM\s+(?:--platform=\S+\s+)?(\S+)", DOCKERFILE.read_text(encoding="utf-8"), re.MULTILINE)
    assert stages, "Dockerfile has no FROM line"
    match = re.fullmatch(r"apache/airflow:(?P<airflow>\d+\.\d+\.\d+)-python(?P<python>\d+\.\d+)", stages[-1])
    assert match, f"the final stage must build FROM apache/airflow:<version>-python<x.y>, not {stages[-1]}"
    return match


def test_dockerfile_airflow_matches_lock() -> None:
    pinned = re.search(r"^apache-airflow==(\S+)", LOCK.read_text(encoding="utf-8"), re.MULTILINE)
    assert pinned, "requirements.lock does not pin apache-airflow"
    assert _dockerfile_base()["airflow"] == pinned[1], (
        f"Dockerfile builds FROM apache/airflow:{_dockerfile_base()['airflow']} "
        f"but requirements.lock pins apache-airflow=={pinned[1]}"
    )


def test_dockerfile_python_matches_lock() -> None:
    header = re.search(r"--python-version[= ](\d+\.\d+)", LOCK.read_text(encoding="utf-8"))
    assert header, "requirements.lock does not say which Python it was resolved for"
    assert _dockerfile_base()["python"] == header[1]


def test_dockerfile_installs_lock_and_editable_package() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^RUN pip install .*-r /requirements\.lock", text, re.MULTILINE)
    assert re.search(r"^RUN pip install .*--no-deps -e /opt/airflow\s*$", text, re.MULTILINE)
    assert re.search(r"^ENV TRADEWIRE_HOME=/opt/airflow/data\b", text, re.MULTILINE)


def test_dockerignore_keeps_the_context_lean() -> None:
    entries = {
        line.strip().rstrip("/")
        for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    missing = {".git", ".venv", "data", ".airflow", "**/__pycache__"} - entries
    assert not missing, f".dockerignore does not exclude {sorted(missing)}"
