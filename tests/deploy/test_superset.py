"""The Superset service (profile bi): its compose entry, image, bootstrap and dashboard bundle, without Docker.

The bundle is checked against the import format of the pinned Superset (5.0's ImportV1*Schema keys, the
importer's cross-references and zip layout) and against the marts spec; the bootstrap runs for real with a
stub `superset` command that records what it was asked to do.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from tradewire.load.warehouse import connect
from tradewire.serve.marts import build_marts

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yaml"
SUPERSET_DIR = REPO / "deploy" / "superset"
DOCKERFILE = SUPERSET_DIR / "Dockerfile"
BOOTSTRAP = SUPERSET_DIR / "bootstrap.sh"
BUNDLE = SUPERSET_DIR / "tradewire_dashboard"

SNAPSHOT_MOUNT = ("${TRADEWIRE_DATA_DIR:-./data}/serving", "/data/serving", "ro")
SNAPSHOT_URI = "duckdb:////data/serving/tradewire.duckdb?access_mode=read_only"
SECRET_PLACEHOLDER = "CHANGE_ME"  # noqa: S105 (the value the bootstrap refuses, not a secret)
MOUNT_SPEC = re.compile(r"^(?P<source>(?:\$\{[^}]*\}|[^:$])+):(?P<target>[^:]+)(?::(?P<mode>[^:]+))?$")


def names(text: str) -> set[str]:
    return set(text.split())


# The marts spec (docs: /work/notes/marts_spec.md): every mart's columns. tests/serve/test_marts.py holds
# their types; test_datasets_match_the_marts_as_built checks these names against the real SQL too.
MART_COLUMNS: dict[str, set[str]] = {
    "mart_dyad_daily": names("day a b articles mentions tone conflict_cooperation"),
    "mart_dyad_weekly": names("week a b articles mentions tone conflict_cooperation tone_change"),
    "mart_topic_daily": names("day topic_id label articles share"),
    "mart_topic_country_daily": names("day iso3 country_name topic_id articles share"),
    "mart_event_timeline": names(
        "event_date event_type status place_name place_iso3 actors countries rate_pct target_iso3 effective_date"
        " title url source_id article_id event_seq published_at evidence"
    ),
    "mart_actor_nodes": names("actor_key name kind country_iso3 articles first_day last_day"),
    "mart_actor_edges": names("actor_a actor_b name_a name_b articles first_day last_day"),
    "mart_risk_daily": names(
        "day source_id iso3 articles gpr_articles gpr_threat_articles gpr_act_articles tpu_articles gpr_share tpu_share"
    ),
    "mart_risk_index_daily": names("day iso3 sources articles gpr_share tpu_share gpr_index tpu_index"),
    "mart_source_coverage": names(
        "source_id name kind articles articles_last_7_days first_published last_published last_seen_at"
        " items_error items_quarantined freshness_hours"
    ),
}

# Keys of Superset 5.0's ImportV1*Schema (marshmallow rejects unknown keys): (required, allowed).
SCHEMA_KEYS: dict[str, tuple[set[str], set[str]]] = {
    "databases": (
        names("database_name sqlalchemy_uri uuid version"),
        names(
            "database_name sqlalchemy_uri password cache_timeout expose_in_sqllab allow_run_async allow_ctas"
            " allow_cvas allow_dml allow_csv_upload extra uuid version is_managed_externally external_url ssh_tunnel"
        ),
    ),
    "datasets": (
        names("table_name uuid version database_uuid"),
        names(
            "table_name main_dttm_col description default_endpoint offset cache_timeout schema catalog sql params"
            " template_params filter_select_enabled fetch_values_predicate extra uuid columns metrics version"
            " database_uuid data is_managed_externally external_url normalize_columns always_filter_main_dttm"
        ),
    ),
    "charts": (
        names("slice_name viz_type uuid version dataset_uuid"),
        names(
            "slice_name description certified_by certification_details viz_type params query_context cache_timeout"
            " uuid version dataset_uuid is_managed_externally external_url"
        ),
    ),
    "dashboards": (
        names("dashboard_title uuid version"),
        names(
            "dashboard_title description css slug uuid position metadata version is_managed_externally external_url"
            " certified_by certification_details published"
        ),
    ),
}
COLUMN_KEYS = names(
    "column_name extra verbose_name is_dttm is_active type advanced_data_type groupby filterable expression"
    " description python_date_format"
)
METRIC_KEYS = names("metric_name verbose_name metric_type expression description d3format currency extra warning_text")

# The event table's columns, in order (issue 7).
EVENT_TABLE_COLUMNS = [
    "event_date",
    "event_type",
    "status",
    "place_name",
    "countries",
    "rate_pct",
    "target_iso3",
    "effective_date",
    "title",
]

# Words in SQL expressions that are not column names.
SQL_WORDS = {"count", "sum", "avg", "min", "max", "distinct", "and", "or", "not", "null", "case", "when", "then"}
SQL_WORDS |= {"else", "end", "as", "is", "in", "coalesce", "nullif", "cast", "double", "bigint", "varchar"}


# -- helpers ------------------------------------------------------------------------------------------------


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path} is not a YAML mapping"
    return data


def bundle_files(kind: str) -> dict[Path, dict[str, Any]]:
    return {path: load(path) for path in sorted((BUNDLE / kind).rglob("*.yaml"))}


def identifiers(sql: str) -> set[str]:
    """The bare identifiers of a small SQL expression (string literals removed), lower-cased."""
    without_strings = re.sub(r"'(?:[^']|'')*'", " ", sql)
    return {word.lower() for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", without_strings)} - SQL_WORDS


def mounts(service: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    result = []
    for spec in service.get("volumes", []):
        assert isinstance(spec, str), f"expected short volume syntax, got {spec!r}"
        match = MOUNT_SPEC.match(spec)
        assert match, f"unparseable volume {spec!r}"
        result.append((match["source"], match["target"], match["mode"]))
    return result


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("services"), dict)
    return data


@pytest.fixture(scope="module")
def superset(compose: dict[str, Any]) -> dict[str, Any]:
    assert "superset" in compose["services"], "docker-compose.yaml has no superset service"
    service: dict[str, Any] = compose["services"]["superset"]
    return service


@pytest.fixture(scope="module")
def database() -> dict[str, Any]:
    files = bundle_files("databases")
    assert len(files) == 1, f"the bundle should hold exactly one database, not {sorted(files)}"
    return next(iter(files.values()))


@pytest.fixture(scope="module")
def datasets() -> dict[str, dict[str, Any]]:
    return {config["uuid"]: config for config in bundle_files("datasets").values()}


@pytest.fixture(scope="module")
def charts() -> dict[str, dict[str, Any]]:
    return {config["uuid"]: config for config in bundle_files("charts").values()}


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    files = bundle_files("dashboards")
    assert len(files) == 1, f"the bundle should hold exactly one dashboard, not {sorted(files)}"
    return next(iter(files.values()))


# -- docker-compose.yaml ------------------------------------------------------------------------------------


def test_superset_is_optional_and_built_from_deploy_superset(superset: dict[str, Any]) -> None:
    assert "bi" in superset.get("profiles", []), "Superset must stay behind the bi profile"
    build = superset["build"]
    context = str(build.get("context") if isinstance(build, dict) else build)
    assert (REPO / context).resolve() == SUPERSET_DIR, f"superset builds {context}, not deploy/superset"
    assert isinstance(build, str) or build.get("dockerfile", "Dockerfile") == "Dockerfile"
    assert DOCKERFILE.is_file()
    assert "8088:8088" in superset.get("ports", [])


def test_superset_mounts_only_the_snapshot_folder_read_only(compose: dict[str, Any], superset: dict[str, Any]) -> None:
    named_volumes = set(compose.get("volumes") or {})
    bind_mounts = []
    for source, target, mode in mounts(superset):
        if source in named_volumes:
            assert not target.startswith("/data"), f"named volume {source} shadows the snapshot on {target}"
        else:
            bind_mounts.append((source, target, mode))
    # the folder, not the file: the pipeline publishes by renaming a new snapshot over the old one
    assert bind_mounts == [SNAPSHOT_MOUNT], f"superset must bind-mount only the serving folder ro: {bind_mounts}"


def test_superset_healthcheck_calls_health(superset: dict[str, Any]) -> None:
    test = superset["healthcheck"]["test"]
    command = " ".join(test) if isinstance(test, list) else test
    assert "http://localhost:8088/health" in command
    assert "--fail" in command or "-f " in command, "a failing /health must fail the healthcheck"


def test_superset_secrets_come_from_the_environment(superset: dict[str, Any]) -> None:
    env = superset["environment"]
    assert isinstance(env, dict), "environment should be a mapping"
    assert env["SUPERSET_SECRET_KEY"] == f"${{SUPERSET_SECRET_KEY:-{SECRET_PLACEHOLDER}}}"
    assert env["SUPERSET_ADMIN_PASSWORD"] == "${SUPERSET_ADMIN_PASSWORD:-admin}"  # noqa: S105 (documented local default)
    for name, value in env.items():
        if re.search(r"SECRET|PASSWORD|KEY|TOKEN", name):
            assert str(value).startswith(f"${{{name}"), f"{name} must come from the environment, not {value!r}"
    # the placeholder the compose file falls back to is the one the bootstrap refuses
    assert f'SECRET_PLACEHOLDER="{SECRET_PLACEHOLDER}"' in BOOTSTRAP.read_text(encoding="utf-8")


# -- the image ----------------------------------------------------------------------------------------------


def test_dockerfile_pins_the_base_image_and_packages() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    stages = re.findall(r"^FROM\s+(\S+)", text, re.MULTILINE)
    assert len(stages) == 1, stages
    base = re.fullmatch(r"apache/superset:(\d+)\.(\d+)\.(\d+)", stages[0])
    assert base, f"build FROM a pinned apache/superset:<x.y.z> release, not {stages[0]}"
    assert tuple(map(int, base.groups())) >= (4, 1, 0), "the bundle format and /app/.venv need Superset 4.1+"
    duckdb_pin = re.search(r'"duckdb==(\d+)\.(\d+)\.(\d+)"', text)
    assert duckdb_pin, "the Dockerfile must pin duckdb"
    # the snapshot is written in storage v1.2.0: a 1.x client from 1.2.2 on reads it
    assert (1, 2, 2) <= tuple(map(int, duckdb_pin.groups())) < (2, 0, 0)
    assert re.search(r'"duckdb-engine==\d+\.\d+\.\d+"', text), "the Dockerfile must pin duckdb-engine"
    # Superset runs from the venv /app/.venv (no pip in it): the drivers must land there
    assert re.search(r"\. /app/\.venv/bin/activate\s*\\?\s*&& uv pip install", text)


def test_dockerfile_runs_the_bootstrap_as_superset() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^COPY bootstrap\.sh /app/tradewire/bootstrap\.sh$", text, re.MULTILINE)
    assert re.search(r"^COPY tradewire_dashboard /app/tradewire/tradewire_dashboard$", text, re.MULTILINE)
    assert re.search(r'^ENTRYPOINT \["/app/tradewire/bootstrap\.sh"\]$', text, re.MULTILINE)
    assert re.search(r'^CMD \["/app/docker/entrypoints/run-server\.sh"\]$', text, re.MULTILINE)
    users = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
    assert users and users[-1] == "superset", "the server must not run as root"


# -- the bootstrap ------------------------------------------------------------------------------------------


def test_bootstrap_is_strict_and_migrates_inits_then_imports() -> None:
    text = BOOTSTRAP.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    commands = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert commands[0] == "set -euo pipefail", "set -euo pipefail must come before any command"
    assert BOOTSTRAP.stat().st_mode & stat.S_IXUSR, "bootstrap.sh must be executable"
    steps = [
        text.index("superset db upgrade"),
        text.index("superset fab create-admin"),
        text.index("superset init"),
        text.index('superset import-dashboards -p "${bundle_zip}" -u "${ADMIN_USER}"'),
    ]
    assert steps == sorted(steps), "upgrade, create the admin, init, then import"
    assert 'ADMIN_USER="admin"' in text
    assert '--password "${SUPERSET_ADMIN_PASSWORD}"' in text
    assert text.rstrip().endswith('exec "$@"'), "the bootstrap must hand over to the server (the image CMD)"
    assert subprocess.run(["bash", "-n", str(BOOTSTRAP)], capture_output=True).returncode == 0


def run_bootstrap(tmp_path: Path, env: dict[str, str], *command: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run bootstrap.sh with a stub `superset` that logs its arguments and keeps a copy of each imported zip."""
    bin_dir, log = tmp_path / "bin", tmp_path / "superset.log"
    bin_dir.mkdir(exist_ok=True)
    stub = bin_dir / "superset"
    stub.write_text(
        "#!/usr/bin/env bash\n"
        f'echo "$*" >> "{log}"\n'
        'if [[ "$1" == import-dashboards ]]; then cp "$3" "$(dirname "$0")/imported-$(date +%s%N).zip"; fi\n',
        encoding="utf-8",
    )
    stub.chmod(0o755)
    python = bin_dir / "python"  # the image's `python` is its venv's; here, the test's interpreter
    if not python.exists():
        python.symlink_to(sys.executable)
    home = tmp_path / "superset_home"
    home.mkdir(exist_ok=True)
    full_env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "SUPERSET_HOME": str(home),
        "SUPERSET_SECRET_KEY": "a-long-random-test-secret",
        "SUPERSET_ADMIN_PASSWORD": "local-only",
        "TRADEWIRE_SNAPSHOT_URI": f"duckdb:///{tmp_path}/serving/tradewire.duckdb?access_mode=read_only",
        **env,
    }
    result = subprocess.run(
        ["bash", str(BOOTSTRAP), *command], env=full_env, capture_output=True, text=True, timeout=60
    )
    return result, log


def test_bootstrap_imports_the_bundle_once_then_hands_over(tmp_path: Path) -> None:
    result, log = run_bootstrap(tmp_path, {}, "echo", "server started")
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("server started")
    calls = log.read_text(encoding="utf-8").splitlines()
    assert [call.split()[0] for call in calls] == ["db", "fab", "init", "import-dashboards", "set-database-uri"]
    assert "--password local-only" in calls[1]
    assert calls[3].endswith("-u admin")
    assert calls[4] == (
        f"set-database-uri --database_name Tradewire snapshot --uri duckdb:///{tmp_path}/serving/tradewire.duckdb"
        "?access_mode=read_only --skip_create"
    )
    assert "no snapshot at" in result.stderr, "a missing snapshot should be reported"
    (zip_path,) = (tmp_path / "bin").glob("imported-*.zip")
    check_bundle_zip(zip_path)

    # a second start with the same bundle keeps the user's dashboard edits: no import, the URI re-applied
    (tmp_path / "serving").mkdir()
    (tmp_path / "serving" / "tradewire.duckdb").touch()
    log.unlink()
    result, log = run_bootstrap(tmp_path, {}, "true")
    assert result.returncode == 0, result.stderr
    calls = log.read_text(encoding="utf-8").splitlines()
    assert [call.split()[0] for call in calls] == ["db", "fab", "init", "set-database-uri"]
    assert "no snapshot at" not in result.stderr

    log.unlink()
    result, log = run_bootstrap(tmp_path, {"TRADEWIRE_SUPERSET_REIMPORT": "yes"}, "true")
    assert result.returncode == 0, result.stderr
    assert "import-dashboards" in log.read_text(encoding="utf-8")


@pytest.mark.parametrize("secret", ["", SECRET_PLACEHOLDER])
def test_bootstrap_refuses_a_missing_or_placeholder_secret_key(tmp_path: Path, secret: str) -> None:
    result, log = run_bootstrap(tmp_path, {"SUPERSET_SECRET_KEY": secret}, "true")
    assert result.returncode != 0
    assert "SUPERSET_SECRET_KEY" in result.stderr and "openssl rand" in result.stderr
    assert not log.exists(), "nothing may run without a real secret key"


# -- the bundle ---------------------------------------------------------------------------------------------


def check_bundle_zip(zip_path: Path) -> None:
    """The zip Superset's importer expects: one top-level folder, every bundle YAML under it."""
    with zipfile.ZipFile(zip_path) as bundle:
        names = bundle.namelist()
        roots = {PurePosixPath(name).parts[0] for name in names}
        assert roots == {"tradewire_dashboard"}, f"the zip must hold a single top-level folder, not {roots}"
        # what superset.commands.importers.v1.utils.get_contents_from_bundle keeps: YAML, minus the root
        contents = {
            str(PurePosixPath(*PurePosixPath(name).parts[1:])): bundle.read(name).decode()
            for name in names
            if PurePosixPath(name).suffix in {".yaml", ".yml"} and not PurePosixPath(name).name.startswith((".", "_"))
        }
    expected = {path.relative_to(BUNDLE).as_posix() for path in BUNDLE.rglob("*.yaml")}
    assert set(contents) == expected
    assert "metadata.yaml" in contents
    for name, text in contents.items():
        assert text == (BUNDLE / name).read_text(encoding="utf-8"), name


def test_bundle_zips_as_the_bootstrap_zips_it(tmp_path: Path) -> None:
    assert 'python -m zipfile -c "${bundle_zip}" "${BUNDLE_DIR}"' in BOOTSTRAP.read_text(encoding="utf-8")
    zip_path = tmp_path / "tradewire_dashboard.zip"
    subprocess.run([sys.executable, "-m", "zipfile", "-c", str(zip_path), str(BUNDLE)], check=True)
    check_bundle_zip(zip_path)


def test_every_bundle_file_parses_with_the_keys_superset_accepts() -> None:
    files = sorted(BUNDLE.rglob("*"))
    assert all(path.is_dir() or path.suffix == ".yaml" for path in files), "the bundle holds only .yaml files"
    uuids: list[str] = []
    for kind, (required, allowed) in SCHEMA_KEYS.items():
        configs = bundle_files(kind)
        assert configs, f"the bundle has no {kind}"
        for path, config in configs.items():
            assert required <= set(config), f"{path.name} lacks {sorted(required - set(config))}"
            assert set(config) <= allowed, f"{path.name}: Superset rejects {sorted(set(config) - allowed)}"
            assert config["version"] == "1.0.0", path
            uuids.append(str(uuid.UUID(config["uuid"])))
            for key in ("params", "position", "metadata", "extra"):
                if key in config and config[key] is not None:
                    assert isinstance(config[key], dict), f"{path.name}: {key} must be a mapping"
    assert len(uuids) == len(set(uuids)), "uuids must be unique across the bundle"
    for path in (BUNDLE / "datasets").rglob("*.yaml"):
        assert path.parent.parent == BUNDLE / "datasets", "datasets live in datasets/<database>/"


def test_metadata_declares_a_dashboard_bundle() -> None:
    metadata = load(BUNDLE / "metadata.yaml")
    assert metadata["version"] == "1.0.0" and metadata["type"] == "Dashboard"
    # quoted in the YAML: Superset's schema wants an ISO string, not the datetime PyYAML makes of a bare one
    assert isinstance(metadata["timestamp"], str)


def test_database_is_the_read_only_snapshot(database: dict[str, Any]) -> None:
    assert database["sqlalchemy_uri"] == SNAPSHOT_URI
    assert database["database_name"] == "Tradewire snapshot"
    assert f'DATABASE_NAME="{database["database_name"]}"' in BOOTSTRAP.read_text(encoding="utf-8")
    assert f"TRADEWIRE_SNAPSHOT_URI:-{SNAPSHOT_URI}" in BOOTSTRAP.read_text(encoding="utf-8")
    # the file sits in the folder compose mounts
    assert SNAPSHOT_URI.removeprefix("duckdb:///").startswith(SNAPSHOT_MOUNT[1] + "/")
    assert not database.get("allow_dml") and not database.get("allow_ctas") and not database.get("allow_cvas")
    # Superset's import_database pops these two without a default
    assert "allow_csv_upload" in database and isinstance(database["extra"], dict)


def test_cross_references_resolve(
    database: dict[str, Any],
    datasets: dict[str, dict[str, Any]],
    charts: dict[str, dict[str, Any]],
    dashboard: dict[str, Any],
) -> None:
    for dataset in datasets.values():
        assert dataset["database_uuid"] == database["uuid"], dataset["table_name"]
    for chart in charts.values():
        assert chart["dataset_uuid"] in datasets, f"{chart['slice_name']}: unknown dataset {chart['dataset_uuid']}"
    position = dashboard["position"]
    chart_nodes = [node for node in position.values() if isinstance(node, dict) and node.get("type") == "CHART"]
    assert {node["meta"]["uuid"] for node in chart_nodes} == set(charts), "the dashboard must show every chart"
    for node in chart_nodes:
        # the importer maps meta.chartId (any int) to the ids it creates: it must be there
        assert isinstance(node["meta"]["chartId"], int), node["id"]
        assert node["meta"]["sliceName"] == charts[node["meta"]["uuid"]]["slice_name"]


def test_dashboard_layout_is_a_tree(dashboard: dict[str, Any]) -> None:
    position = dashboard["position"]
    assert position["DASHBOARD_VERSION_KEY"] == "v2"
    assert position["ROOT_ID"]["children"] == ["GRID_ID"]
    seen = set()

    def walk(node_id: str, parents: list[str]) -> None:
        node = position[node_id]
        assert node["id"] == node_id
        assert node.get("parents", []) == parents, f"{node_id} has parents {node.get('parents')}, not {parents}"
        seen.add(node_id)
        widths = 0
        for child in node.get("children", []):
            walk(child, [*parents, node_id])
            widths += position[child].get("meta", {}).get("width", 0)
        if node["type"] == "ROW":
            assert widths <= 12, f"{node_id} is wider than the 12-column grid"

    walk("ROOT_ID", [])
    unreachable = {key for key, node in position.items() if isinstance(node, dict)} - seen - {"HEADER_ID"}
    assert not unreachable, f"layout nodes outside the tree: {unreachable}"
    assert dashboard["dashboard_title"] == "Tradewire" and dashboard["published"] is True


def test_datasets_name_only_spec_marts_and_columns(datasets: dict[str, dict[str, Any]]) -> None:
    for dataset in datasets.values():
        table = dataset["table_name"]
        assert table in MART_COLUMNS, f"{table} is not a mart of the spec"
        assert dataset.get("sql") is None, f"{table}: datasets are the marts themselves, not SQL"
        spec = MART_COLUMNS[table]
        names = set()
        for column in dataset["columns"]:
            assert set(column) <= COLUMN_KEYS, f"{table}: Superset rejects {set(column) - COLUMN_KEYS}"
            names.add(column["column_name"])
            if column.get("expression"):
                # a calculated column may only read the mart's own columns
                assert identifiers(column["expression"]) <= spec, f"{table}.{column['column_name']}"
                assert column["column_name"] not in spec, f"{table}.{column['column_name']} shadows a real column"
            else:
                assert column["column_name"] in spec, f"{table}.{column['column_name']} is not in the spec"
        physical = {c["column_name"] for c in dataset["columns"] if not c.get("expression")}
        assert physical == spec, f"{table}: list every spec column, missing {sorted(spec - physical)}"
        assert len(names) == len(dataset["columns"]), f"{table}: duplicate columns"
        dttm = {c["column_name"] for c in dataset["columns"] if c["is_dttm"]}
        assert dataset["main_dttm_col"] in dttm, f"{table}: main_dttm_col must be a temporal column"
        for metric in dataset["metrics"]:
            assert set(metric) <= METRIC_KEYS, f"{table}: Superset rejects {set(metric) - METRIC_KEYS}"
            assert identifiers(metric["expression"]) <= spec, f"{table} metric {metric['metric_name']}"


def test_datasets_match_the_marts_as_built(tmp_path: Path, datasets: dict[str, dict[str, Any]]) -> None:
    """The spec's names are the real tables' names, and every expression runs on them."""
    con = connect(tmp_path / "warehouse.duckdb")
    try:
        build_marts(con)
        for dataset in datasets.values():
            table = dataset["table_name"]
            real = {name: kind for name, kind, *_ in con.execute(f"DESCRIBE {table}").fetchall()}
            assert set(real) == MART_COLUMNS[table], f"{table}: the spec and the mart SQL disagree"
            for column in dataset["columns"]:
                if column.get("expression"):
                    con.execute(f"SELECT {column['expression']} FROM {table}").fetchall()  # noqa: S608
                    continue
                assert column["type"] == real[column["column_name"]], f"{table}.{column['column_name']}"
                assert column["is_dttm"] == (real[column["column_name"]] in {"DATE", "TIMESTAMP WITH TIME ZONE"})
            for metric in dataset["metrics"]:
                con.execute(f"SELECT {metric['expression']} FROM {table}").fetchall()  # noqa: S608
    finally:
        con.close()


def chart_fields(params: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(columns, saved metrics) a chart's params name."""
    columns = {params[key] for key in ("x_axis",) if key in params}
    columns |= set(params.get("groupby", [])) | set(params.get("all_columns", []))
    columns |= {f["subject"] for f in params.get("adhoc_filters", [])}
    columns |= {json.loads(spec)[0] for spec in params.get("order_by_cols", [])}
    metrics = set(params.get("metrics", []))
    if params.get("timeseries_limit_metric"):
        metrics.add(params["timeseries_limit_metric"])
    assert all(isinstance(name, str) for name in columns | metrics), "use saved columns and metrics by name"
    return columns, metrics


def test_charts_use_their_datasets_columns_and_metrics(
    datasets: dict[str, dict[str, Any]], charts: dict[str, dict[str, Any]]
) -> None:
    for chart in charts.values():
        dataset = datasets[chart["dataset_uuid"]]
        params = chart["params"]
        assert params["viz_type"] == chart["viz_type"]
        columns, metrics = chart_fields(params)
        known_columns = {c["column_name"] for c in dataset["columns"]}
        known_metrics = {m["metric_name"] for m in dataset["metrics"]}
        assert columns <= known_columns, f"{chart['slice_name']}: unknown columns {columns - known_columns}"
        assert metrics <= known_metrics, f"{chart['slice_name']}: unknown metrics {metrics - known_metrics}"
        assert chart.get("query_context") is None, "a hand-written query_context would drift from params"


def test_the_starter_charts(datasets: dict[str, dict[str, Any]], charts: dict[str, dict[str, Any]]) -> None:
    by_name = {chart["slice_name"]: chart for chart in charts.values()}
    assert set(by_name) == {"Dyad tension timeline", "Topic trends", "Trade events"}

    def dataset_of(chart: dict[str, Any]) -> dict[str, Any]:
        return datasets[chart["dataset_uuid"]]

    def metric(dataset: dict[str, Any], name: str) -> str:
        return next(m["expression"] for m in dataset["metrics"] if m["metric_name"] == name)

    dyad = by_name["Dyad tension timeline"]
    weekly = dataset_of(dyad)
    assert weekly["table_name"] == "mart_dyad_weekly" and dyad["viz_type"] == "echarts_timeseries_line"
    assert dyad["params"]["x_axis"] == "week"
    assert identifiers(metric(weekly, dyad["params"]["metrics"][0])) == {"conflict_cooperation"}
    (series,) = dyad["params"]["groupby"]
    expression = next(c["expression"] for c in weekly["columns"] if c["column_name"] == series)
    assert re.sub(r"\s", "", expression) == "a||'-'||b"
    assert dyad["params"]["limit"] > 0 and dyad["params"]["order_desc"] is True  # the top dyads only

    topics = by_name["Topic trends"]
    daily = dataset_of(topics)
    assert daily["table_name"] == "mart_topic_daily" and topics["viz_type"] == "echarts_timeseries_line"
    assert topics["params"]["x_axis"] == "day" and topics["params"]["time_grain_sqla"] in {"P1D", "P1W"}
    assert topics["params"]["groupby"] == ["topic_id"]
    assert identifiers(metric(daily, topics["params"]["metrics"][0])) == {"share"}

    events = by_name["Trade events"]
    assert dataset_of(events)["table_name"] == "mart_event_timeline"
    assert events["viz_type"] == "table" and events["params"]["query_mode"] == "raw"
    assert events["params"]["all_columns"] == EVENT_TABLE_COLUMNS
