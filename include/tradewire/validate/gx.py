"""Great Expectations, as the pipeline uses it: a file project under $TRADEWIRE_HOME/gx whose
validation results are kept and rendered as Data Docs in $TRADEWIRE_HOME/data_docs.

Each suite runs as a checkpoint over a pandas frame (GX has no polars or DuckDB support);
the Data Docs are rebuilt after each stage's validations, and results older than the
last `keep_runs` runs are pruned so the docs do not grow without end.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from tradewire.validate.suites import Suite

log = logging.getLogger(__name__)

SITE = "tradewire"
DATASOURCE = "tradewire_frames"


@dataclass
class RuleResult:
    rule_label: str
    expectation: str
    column_name: str | None
    success: bool
    row_level: bool
    observed_value: str
    unexpected_count: int | None
    unexpected_sample: str


@dataclass
class SuiteResult:
    suite: Suite
    rows: int
    results: list[RuleResult]
    failing: dict[int, list[str]] = field(default_factory=dict)  # row index -> labels of the rules it broke
    result_id: Any = None

    @property
    def batch_failures(self) -> list[str]:
        return [r.rule_label for r in self.results if not r.success and not r.row_level]


@cache
def _quiet() -> None:
    logging.getLogger("great_expectations").setLevel(logging.WARNING)


class GxProject:
    """A GX file context rooted at gx_dir, with one Data Docs site writing into docs_dir."""

    def __init__(self, gx_dir: Path, docs_dir: Path, keep_runs: int = 50) -> None:
        _quiet()
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.gx_dir, self.docs_dir, self.keep_runs = gx_dir, docs_dir, keep_runs
        gx_dir.mkdir(parents=True, exist_ok=True)
        self.context = gx.get_context(mode="file", project_root_dir=str(gx_dir))
        self.context.enable_analytics(False)
        sites: dict[str, Any] = self.context.variables.data_docs_sites or {}
        wanted: Any = {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
        if set(sites) != {SITE} or sites[SITE]["store_backend"].get("base_directory") != str(docs_dir):
            for name in list(sites):
                self.context.delete_data_docs_site(name)
            self.context.add_data_docs_site(SITE, wanted)
        if self.context.variables.progress_bars != ProgressBarsConfig(globally=False):
            self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
            self.context.variables.save()
        try:
            self.source: Any = self.context.data_sources.get(DATASOURCE)
        except (KeyError, ValueError):
            self.source = self.context.data_sources.add_pandas(DATASOURCE)

    def validate(self, frame: pl.DataFrame, suite: Suite, run_id: str) -> SuiteResult:
        """Run one suite over a frame; the result is stored for Data Docs."""
        import great_expectations as gx
        import great_expectations.expectations as gxe

        gx_suite = gx.ExpectationSuite(name=suite.name, meta={"stage": suite.stage, "notes": suite.description})
        for rule in suite.rules:
            gx_suite.add_expectation(getattr(gxe, rule.expectation)(**rule.kwargs))
        gx_suite = self.context.suites.add_or_update(gx_suite)
        try:
            asset = self.source.get_asset(suite.name)
        except LookupError:
            asset = self.source.add_dataframe_asset(suite.name)
        try:
            batch_definition = asset.get_batch_definition("whole")
        except (KeyError, ValueError, LookupError):
            batch_definition = asset.add_batch_definition_whole_dataframe("whole")
        definition = self.context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=suite.name, data=batch_definition, suite=gx_suite)
        )
        checkpoint = self.context.checkpoints.add_or_update(
            gx.Checkpoint(
                name=suite.name,
                validation_definitions=[definition],
                actions=[],
                result_format={"result_format": "COMPLETE", "partial_unexpected_count": 20},
            )
        )
        run = checkpoint.run(
            batch_parameters={"dataframe": frame.to_pandas()},
            run_id=gx.RunIdentifier(run_name=run_id),
        )
        ((result_id, validation),) = run.run_results.items()
        results: list[RuleResult] = []
        failing: dict[int, list[str]] = {}
        # GX orders results its own way: match them to the rules by expectation id
        rule_of: dict[str | None, Any] = {
            expectation.id: rule for expectation, rule in zip(gx_suite.expectations, suite.rules, strict=True)
        }
        by_rule = {id(rule_of[getattr(res.expectation_config, "id", None)]): res for res in validation.results}
        for rule in suite.rules:
            res = by_rule[id(rule)]
            detail = res.result or {}
            if rule.row_level and not res.success:
                for index in detail.get("unexpected_index_list") or []:
                    failing.setdefault(int(index), []).append(rule.label)
            results.append(
                RuleResult(
                    rule_label=rule.label,
                    expectation=rule.expectation,
                    column_name=rule.kwargs.get("column") or rule.kwargs.get("column_A"),
                    success=bool(res.success),
                    row_level=rule.row_level,
                    observed_value=json.dumps(detail.get("observed_value"), default=str),
                    unexpected_count=detail.get("unexpected_count"),
                    unexpected_sample=json.dumps((detail.get("partial_unexpected_list") or [])[:5], default=str),
                )
            )
        return SuiteResult(suite, frame.height, results, failing, result_id)

    def build_docs(self, results: list[SuiteResult]) -> Path:
        """Render the given results and the index; prune runs beyond keep_runs first."""
        self._prune()
        started = time.time()
        ids = [r.result_id for r in results if r.result_id is not None]
        self.context.build_data_docs(site_names=[SITE], resource_identifiers=ids or None, build_index=True)
        for page in (*self.docs_dir.rglob("*.html"), *self.docs_dir.rglob("*.css")):
            if page.stat().st_mtime >= started - 1:
                _local_logo(page, self.docs_dir)
        return self.docs_dir / "index.html"

    def _prune(self) -> None:
        """Keep the validation results (and their pages) of the newest keep_runs runs of each suite."""
        store = self.gx_dir / "gx" / "uncommitted" / "validations"
        if not store.is_dir():
            return
        for suite_dir in (d for d in store.iterdir() if d.is_dir()):
            runs = sorted((d for d in suite_dir.iterdir() if d.is_dir()), key=lambda d: d.stat().st_mtime)
            for stale in runs[: max(0, len(runs) - self.keep_runs)]:
                shutil.rmtree(stale, ignore_errors=True)
                shutil.rmtree(self.docs_dir / "validations" / suite_dir.name / stale.name, ignore_errors=True)


# GX's pages load their logos from S3, the header's with the project's id in the query string: a beacon
_REMOTE_LOGO = re.compile(r"https://great-expectations-web-assets\.s3[^\"')\s]*")


def _local_logo(page: Path, docs_dir: Path) -> None:
    """Point the header logo at the copy in the site's static folder, so opening the docs calls no one."""
    text = page.read_text(encoding="utf-8")
    if _REMOTE_LOGO.search(text):
        local = os.path.relpath(docs_dir / "static" / "images" / "logo-long.png", page.parent)
        page.write_text(_REMOTE_LOGO.sub(local.replace(os.sep, "/"), text), encoding="utf-8")


_PROJECTS: dict[tuple[Path, Path], GxProject] = {}


def project(gx_dir: Path, docs_dir: Path, keep_runs: int = 50) -> GxProject:
    """One GX project per folder and process: creating the context costs more than a validation."""
    key = (gx_dir, docs_dir)
    if key not in _PROJECTS:
        _PROJECTS[key] = GxProject(gx_dir, docs_dir, keep_runs)
    return _PROJECTS[key]
