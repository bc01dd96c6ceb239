# Tradewire developer commands. The two that matter: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
UV_VERSION := 0.13.9

export TRADEWIRE_HOME ?= $(CURDIR)/data
export AIRFLOW_HOME ?= $(CURDIR)/.airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__PLUGINS_FOLDER := $(CURDIR)/plugins
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION := True
export GX_ANALYTICS_ENABLED := False
export NO_PROXY := 127.0.0.1,localhost
export PATH := $(BIN):$(PATH)  # airflow standalone starts its components as `airflow ...` subprocesses

.PHONY: help venv airflow-init run test lint typecheck unit airflow lock compose-check clean bench bench-venv

help:
	@echo "make run            set up the environment and run the ingest DAG once on the bundled sample"
	@echo "make test           lint, type-check and run the whole test suite"
	@echo "make airflow        the Airflow UI on http://localhost:8080 (airflow standalone)"
	@echo "make bench N=5000   the benchmark: N pages through the real DAG, per-stage figures (docs/benchmarks.md)"
	@echo "make lock           re-resolve requirements.lock from pyproject.toml"
	@echo "make compose-check  validate docker-compose.yaml offline"

# --compile-bytecode: with PYTHONDONTWRITEBYTECODE set (as in many containers) every task process would
# otherwise recompile Airflow, GX and pandas from source, about 10 s of each run (docs/benchmarks.md)
$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Tradewire needs Python 3.11+; set PYTHON=python3.11 (or newer)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $@

# a DuckDB 1.x client beside the project's 2.x, to check that BI drivers can read the snapshot
BI_CLIENT := $(VENV)/duckdb1
$(BI_CLIENT)/.installed: requirements-bi-client.txt $(VENV)/.installed
	$(BIN)/uv pip install --quiet --python $(BIN)/python --target $(BI_CLIENT) -r requirements-bi-client.txt
	@touch $@

venv: $(VENV)/.installed $(BI_CLIENT)/.installed

$(AIRFLOW_HOME)/.initialised: $(VENV)/.installed
	@mkdir -p $(AIRFLOW_HOME) $(TRADEWIRE_HOME)/logs
	$(BIN)/airflow db migrate > $(TRADEWIRE_HOME)/logs/airflow-db-migrate.log 2>&1 || (tail -n 30 $(TRADEWIRE_HOME)/logs/airflow-db-migrate.log; exit 1)
	@touch $@

airflow-init: $(AIRFLOW_HOME)/.initialised
	@$(BIN)/airflow pools import include/airflow/pools.json > /dev/null  # the writer and fetch pools

run: airflow-init
	@mkdir -p $(TRADEWIRE_HOME)/logs  # data/ may have been deleted since Airflow was set up
	@echo "Running tradewire_ingest through Airflow on the bundled sample (log: $(TRADEWIRE_HOME)/logs/ingest.log)..."
	@$(BIN)/airflow dags test tradewire_ingest > $(TRADEWIRE_HOME)/logs/ingest.log 2>&1 || \
		(grep -E "ERROR|Traceback|Error" -A3 $(TRADEWIRE_HOME)/logs/ingest.log | tail -n 40; exit 1)
	@echo "Running tradewire_analytics (marts, Parquet exports, report; log: $(TRADEWIRE_HOME)/logs/analytics.log)..."
	@$(BIN)/airflow dags test tradewire_analytics > $(TRADEWIRE_HOME)/logs/analytics.log 2>&1 || \
		(grep -E "ERROR|Traceback|Error" -A3 $(TRADEWIRE_HOME)/logs/analytics.log | tail -n 40; exit 1)
	@$(BIN)/tradewire summary

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy include/tradewire

# the suite's files shared out over both cores (its Airflow runs wait on I/O and subprocesses half the time)
TEST_WORKERS ?= 2
unit: venv
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

test: lint typecheck unit

airflow: airflow-init
	@echo "Starting Airflow standalone on http://localhost:8080 (Ctrl-C to stop)."
	@echo "Log in as 'admin'; the password is in $(AIRFLOW_HOME)/simple_auth_manager_passwords.json.generated"
	$(BIN)/airflow standalone

lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 -o requirements.lock

compose-check: venv
	$(BIN)/pytest tests/deploy -q

clean:
	rm -rf $(TRADEWIRE_HOME) $(AIRFLOW_HOME)

# the benchmark's own tools (spaCy for the enrichment baseline, py-spy), apart from the project's lock
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.installed: benchmarks/requirements-bench.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check -r benchmarks/requirements-bench.txt
	@touch $@

bench-venv: $(BENCH_VENV)/.installed

N ?= 5000
bench: venv bench-venv
	$(BIN)/python benchmarks/run_bench.py --pages $(N) $(BENCH_ARGS)
