"""Runs ingest tasks in a process of its own, as an Airflow worker would, so a test can SIGKILL it.

Usage: python crash_stage.py RUN_STATE_JSON TASK [TASK...]
TASK is one of enrich, load, validate_warehouse, record_run, publish; each calls the same
tradewire.pipeline function the DAG task calls. RUN_STATE_JSON holds the run's id, its fetch Parquet
and its three checks (written by the test); the ledger a load returns is written back into it,
as XCom would carry it to the next task. TRADEWIRE_HOME and TRADEWIRE_CRASH_AT come from the
environment.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(state_file: Path, tasks: list[str]) -> None:
    from tradewire import pipeline

    state = json.loads(state_file.read_text())
    run_id = state["run_id"]
    for task in tasks:
        if task == "enrich":
            pipeline.enrich_stage(state["checks"][1], run_id)
        elif task == "load":
            state["ledger"] = pipeline.load_stage(run_id, state["fetch_path"], state["checks"])
            state_file.write_text(json.dumps(state, default=str))
        elif task == "validate_warehouse":
            pipeline.validate_warehouse_stage(run_id, state["ledger"])
        elif task == "record_run":
            pipeline.record_run_stage(run_id, "tradewire_ingest")
        elif task == "publish":
            pipeline.publish_stage(run_id=run_id)
        else:
            raise SystemExit(f"unknown task {task!r}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])
