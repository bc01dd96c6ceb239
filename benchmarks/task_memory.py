"""Peak RSS of each ingest task in a process of its own, on the staging files of a benchmark run.

    .venv/bin/python benchmarks/run_bench.py --pages 50000 --runs 1 --work /tmp/bench-50k --keep
    .venv/bin/python benchmarks/task_memory.py --work /tmp/bench-50k [--with-clean-pages 5000] [--stages load,publish]

Under `airflow dags test` every task runs in one process, so what a stage measures there includes
what earlier tasks left behind. In production each task is a process of its own (LocalExecutor,
Celery), and that is what this script measures: it reruns the stages of the run in `--work`, one
fresh Python process per task, in the DAG's order and on the DAG's files, and samples the RSS of the
process and its workers. Every stage is idempotent, so the rerun leaves the same tables. The fetch
task reruns one batch (against a fresh corpus server); clean and enrich, which stream and take
longest, rerun on the first `--with-clean-pages` pages only (0 to skip them).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "include"))
sys.path.insert(0, str(REPO / "benchmarks"))

from corpus import serving  # noqa: E402
from run_bench import TreeMonitor, airflow_env  # noqa: E402

STAGES = [
    "fetch_pages", "combine_fetched", "validate_fetched", "clean", "validate_cleaned", "enrich",
    "validate_enriched", "load", "validate_warehouse", "publish",
]  # fmt: skip


def _child(stage: str, work: Path, subset: int) -> None:
    """Run one stage in this (fresh) process; its inputs and outputs are JSON files in work/task-memory."""
    from tradewire import pipeline
    from tradewire.settings import Settings

    settings = Settings.from_env()
    (run_dir,) = [p.parent for p in (work / "data" / "staging").glob("*/ledger.json") if _first_run(p.parent)]
    run_id = json.loads((run_dir / "ledger.json").read_text())["run_id"]
    state = work / "task-memory"
    state.mkdir(exist_ok=True)

    def saved(name: str) -> Any:
        return json.loads((state / f"{name}.json").read_text())

    fetch_path = str(run_dir / "fetch.parquet")
    result: Any
    if stage == "fetch_pages":
        batch = sorted((run_dir / "fetch" / "plan").glob("batch-*.parquet"))[0]
        result = pipeline.fetch_batch_stage(run_id, str(batch), settings)
    elif stage == "combine_fetched":
        discovered = sorted(str(p) for p in (run_dir / "fetch").glob("discover-*"))
        batches = sorted(str(p) for p in (run_dir / "fetch").glob("pages-*"))
        result = pipeline.combine_fetch_stage(run_id, discovered, batches, settings)
    elif stage == "validate_fetched":
        result = pipeline.validate_fetch_stage(fetch_path, run_id, settings)
    elif stage == "clean":
        result = _subset_clean(run_id, saved("validate_fetched"), subset, settings)
    elif stage == "validate_cleaned":
        result = pipeline.validate_clean_stage(
            str(run_dir / "clean.parquet"), saved("validate_fetched"), run_id, settings
        )
    elif stage == "enrich":
        check = _subset_check(saved("validate_cleaned"), subset, state)
        result = pipeline.enrich_stage(check, run_id + "-subset", settings)
    elif stage == "validate_enriched":
        result = pipeline.validate_enrich_stage(
            str(run_dir / "enriched.parquet"), saved("validate_cleaned"), run_id, settings
        )
    elif stage == "load":
        checks = [saved("validate_fetched"), saved("validate_cleaned"), saved("validate_enriched")]
        result = pipeline.load_stage(run_id, fetch_path, checks, settings)
    elif stage == "validate_warehouse":
        result = pipeline.validate_warehouse_stage(run_id, saved("load"), settings)
    elif stage == "publish":
        result = pipeline.publish_stage(settings, run_id)
    else:
        raise SystemExit(f"unknown stage {stage}")
    (state / f"{stage}.json").write_text(json.dumps(result, default=str))


def _first_run(run_dir: Path) -> bool:
    summary = json.loads((run_dir / "fetch_summary.json").read_text())
    return int(summary.get("pages_fetched") or 0) > 0


def _subset_clean(run_id: str, fetch_check: dict[str, Any], subset: int, settings: Any) -> str:
    """Clean the first `subset` fetched pages into a side run folder (the run's own clean.parquet stays)."""
    import polars as pl

    from tradewire import pipeline
    from tradewire.staging import StageWriter, iter_parquet

    source = Path(fetch_check["passed_path"])
    side = settings.run_dir(run_id + "-subset")
    side.mkdir(parents=True, exist_ok=True)
    subset_path, kept = side / "fetch.parquet", 0
    with StageWriter(subset_path, pl.Schema(pl.read_parquet_schema(source))) as out:
        for batch in iter_parquet(source):
            pages = batch.filter(pl.col("item_kind") == "page").head(subset - kept)
            out.write(pages)
            kept += pages.height
            if kept >= subset:
                break
    check = {**fetch_check, "passed_path": str(subset_path)}
    return pipeline.clean_stage(check, run_id + "-subset", settings)


def _subset_check(clean_check: dict[str, Any], subset: int, state: Path) -> dict[str, Any]:
    """The clean check's passed file cut to its first `subset` rows, for the enrich rerun."""
    import polars as pl

    path = state / "clean_passed_subset.parquet"
    pl.scan_parquet(clean_check["passed_path"]).head(subset).sink_parquet(path, row_group_size=1024)
    return {**clean_check, "passed_path": str(path)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="the --work folder of a kept benchmark run")
    parser.add_argument("--with-clean-pages", type=int, default=5000, help="pages clean and enrich rerun on")
    parser.add_argument(
        "--stages", help="comma-separated stages to measure again; the others keep their figures in the results file"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if (args.work / "run1" / "sources.yaml").exists():  # run_bench.py keeps each run in a folder: take the first
        args.work = args.work / "run1"
    if args.child:
        _child(args.child, args.work, args.with_clean_pages)
        return
    env = airflow_env(args.work, args.work / "sources.yaml")
    stages = [s for s in STAGES if args.with_clean_pages or s not in ("clean", "enrich")]
    port = _port(args.work / "sources.yaml")
    corpus_pages = _corpus_pages(args.work / "sources.yaml")
    out = REPO / "benchmarks" / "results" / f"task-memory-{corpus_pages}.json"
    report: dict[str, Any] = {"work": str(args.work), "stages": {}}
    if args.stages:  # a later stage reads what the earlier ones saved in work/task-memory: run them first in full
        wanted = args.stages.split(",")
        unknown = set(wanted) - set(STAGES)
        if unknown:
            raise SystemExit(f"unknown stages {sorted(unknown)}; the stages are {STAGES}")
        stages = [s for s in STAGES if s in wanted]
        report = json.loads(out.read_text()) if out.exists() else report
    with serving(corpus_pages, port):
        for stage in stages:
            started = time.perf_counter()
            command = [sys.executable, __file__, "--work", str(args.work), "--child", stage]
            command += ["--with-clean-pages", str(args.with_clean_pages)]
            process = subprocess.Popen(command, env=env, cwd=REPO)
            monitor = TreeMonitor(process.pid)
            code = process.wait()
            figures = monitor.stop()
            if code:
                raise SystemExit(f"stage {stage} failed in its own process (exit {code})")
            report["stages"][stage] = {
                "wall_seconds": round(time.perf_counter() - started, 1),
                **figures,
                "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "commit": _commit(),
            }
            wall = report["stages"][stage]["wall_seconds"]
            print(f"  {stage:<20} peak RSS {figures['peak_rss_mb']:>7.0f} MB   wall {wall:>6.1f} s")
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}")


def _commit() -> str:
    found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "include"], cwd=REPO, capture_output=True, text=True)
    return found.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def _port(sources: Path) -> int:
    import re

    found = re.search(r"127\.0\.0\.1:(\d+)", sources.read_text())
    if not found:
        raise SystemExit(f"no loopback port in {sources}")
    return int(found.group(1))


def _corpus_pages(sources: Path) -> int:
    """The corpus size the run used: its sitemaps hold every page."""
    import re

    from corpus import PAGES_PER_SITEMAP

    sitemaps = len(re.findall(r"sitemap-\d+\.xml", sources.read_text()))
    staging = sources.parent / "data" / "staging"
    for ledger in staging.glob("*/ledger.json"):
        found = int(json.loads(ledger.read_text()).get("items_discovered") or 0)
        if found:
            return found
    return sitemaps * PAGES_PER_SITEMAP


if __name__ == "__main__":
    main()
