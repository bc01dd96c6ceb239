"""Run a suite on a stage's Parquet with Great Expectations (pandas, since GX has no polars support).

Outputs: the rows that passed, the rows quarantined with the expectations they
failed, and one result row per expectation for the dq_results table.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from tradewire.staging import write_stage_output
from tradewire.validate.suites import Rule, cleaned_articles_rules

log = logging.getLogger(__name__)

DQ_SCHEMA = pl.Schema(
    {
        "run_id": pl.String(),
        "stage": pl.String(),
        "suite": pl.String(),
        "expectation": pl.String(),
        "column_name": pl.String(),
        "success": pl.Boolean(),
        "row_level": pl.Boolean(),
        "observed_value": pl.String(),
        "unexpected_count": pl.Int64(),
        "unexpected_sample": pl.String(),
        "validated_at": pl.Datetime("us", "UTC"),
    }
)


class ValidationFailed(RuntimeError):
    """A batch-level expectation failed: the batch must not be loaded."""


@dataclass(frozen=True)
class ValidationOutcome:
    passed_path: Path
    quarantine_path: Path
    results_path: Path
    passed: int
    quarantined: int
    batch_failures: tuple[str, ...]


def run_suite(
    frame: pl.DataFrame, rules: list[Rule], suite_name: str
) -> tuple[list[dict[str, Any]], dict[int, list[str]]]:
    """Validate a polars frame; return per-expectation results and failing row index -> expectation names."""
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.enable_analytics(False)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("tradewire").add_dataframe_asset(suite_name)
    batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(
        batch_parameters={"dataframe": frame.to_pandas()}
    )
    suite = gx.ExpectationSuite(name=suite_name)
    for rule in rules:
        suite.add_expectation(getattr(gxe, rule.expectation)(**rule.kwargs))
    result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    rows: list[dict[str, Any]] = []
    failing: dict[int, list[str]] = {}
    for rule, res in zip(rules, result.results, strict=True):
        detail = res.result or {}
        name = f"{rule.expectation}({rule.kwargs.get('column', '')})"
        if rule.row_level and not res.success:
            for index in detail.get("unexpected_index_list") or []:
                failing.setdefault(int(index), []).append(name)
        rows.append(
            {
                "expectation": rule.expectation,
                "column_name": rule.kwargs.get("column"),
                "success": bool(res.success),
                "row_level": rule.row_level,
                "observed_value": json.dumps(detail.get("observed_value"), default=str),
                "unexpected_count": detail.get("unexpected_count"),
                "unexpected_sample": json.dumps((detail.get("partial_unexpected_list") or [])[:5], default=str),
            }
        )
    return rows, failing


def validate_cleaned(in_path: Path, out_dir: Path, run_id: str) -> ValidationOutcome:
    """Validate the articles of a clean/enrich Parquet; quarantine failing rows, fail on batch-level breaches."""
    frame = pl.read_parquet(in_path)
    articles = frame.filter(pl.col("page_type") == "article").with_row_index("_row")
    suite_name = "cleaned_articles"
    now = datetime.now(UTC)
    if articles.height:
        results, failing = run_suite(articles.drop("_row"), cleaned_articles_rules(now), suite_name)
    else:
        results, failing = [], {}
    reasons = pl.DataFrame(
        {"_row": list(failing), "failed_expectations": [sorted(set(v)) for v in failing.values()]},
        schema={"_row": pl.UInt32, "failed_expectations": pl.List(pl.String)},
    )
    quarantined = articles.join(reasons, on="_row", how="inner").drop("_row")
    passed = articles.join(reasons, on="_row", how="anti").drop("_row")
    paths = {name: out_dir / f"{name}.parquet" for name in ("validated", "quarantine", "dq_results")}
    dq = pl.DataFrame(
        [{**r, "run_id": run_id, "stage": "clean", "suite": suite_name, "validated_at": now} for r in results],
        schema=DQ_SCHEMA,
    )
    for name, data in (("validated", passed), ("quarantine", quarantined), ("dq_results", dq)):
        write_stage_output(data, paths[name])
    batch_failures = tuple(
        f"{r['expectation']}({r['column_name']})" for r in results if not r["success"] and not r["row_level"]
    )
    log.info(
        "validate: %d passed, %d quarantined, batch failures: %s", passed.height, quarantined.height, batch_failures
    )
    outcome = ValidationOutcome(
        paths["validated"], paths["quarantine"], paths["dq_results"], passed.height, quarantined.height, batch_failures
    )
    if batch_failures:
        raise ValidationFailed(f"batch-level expectations failed: {', '.join(batch_failures)}")
    return outcome
