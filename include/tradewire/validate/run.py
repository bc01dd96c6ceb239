"""The validation step after each stage: run its suites, set failing items aside, stop bad batches.

Every step writes, in the run's `validate/` folder: `<stage>_quarantine.parquet` (the items
that broke row-level rules, with the record and the rules), `<stage>_dq.parquet` (one row
per expectation, for the dq_results table) and, for clean and enrich, `<stage>_passed.parquet`
(the stage's rows minus the quarantined items). A step raises ValidationFailed, after
writing those files and the Data Docs, when a batch-level rule fails or when more than the
allowed share of the batch was quarantined.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from tradewire.staging import StageWriter, iter_parquet, write_stage_output
from tradewire.validate import suites as contracts
from tradewire.validate.gx import GxProject, SuiteResult
from tradewire.validate.gx import project as gx_project

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

QUARANTINE_SCHEMA = pl.Schema(
    {
        "item_id": pl.String(),
        "article_id": pl.String(),
        "stage": pl.String(),
        "failed_expectations": pl.List(pl.String()),
        "reason": pl.String(),
        "record": pl.String(),  # the row as JSON, as the stage produced it
    }
)


class ValidationFailed(RuntimeError):
    """A batch broke its contract: it must not be loaded."""


@dataclass(frozen=True)
class Contract:
    """What the checks need besides the data: where GX lives and how strict to be."""

    gx_dir: Path
    docs_dir: Path
    max_failing_share: float = 0.2
    published_floor: str = "1990-01-01"
    max_bytes: int = 5_000_000
    keep_runs: int = 50

    def project(self) -> GxProject:
        return gx_project(self.gx_dir, self.docs_dir, self.keep_runs)


@dataclass(frozen=True)
class StageCheck:
    """The outcome of one validation step, as file paths and counts (what goes through XCom)."""

    stage: str
    passed_path: str
    quarantine_path: str
    dq_path: str
    checked: int  # items the row-level rules judged
    passed: int
    quarantined: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StageCheck:
        return cls(**data)


def _dq_rows(result: SuiteResult, run_id: str, now: datetime) -> list[dict[str, Any]]:
    return [
        {
            "run_id": run_id,
            "stage": result.suite.stage,
            "suite": result.suite.name,
            "expectation": r.expectation,
            "column_name": r.column_name,
            "success": r.success,
            "row_level": r.row_level,
            "observed_value": r.observed_value,
            "unexpected_count": r.unexpected_count,
            "unexpected_sample": r.unexpected_sample,
            "validated_at": now,
        }
        for r in result.results
    ]


def _failing_items(result: SuiteResult, frame: pl.DataFrame) -> dict[str, list[str]]:
    """item (the suite's key column) -> labels of the row-level rules its rows broke."""
    key = result.suite.key
    if key is None or not result.failing:
        return {}
    keys = frame[key].to_list()
    out: dict[str, list[str]] = {}
    for index, labels in result.failing.items():
        out.setdefault(str(keys[index]), []).extend(f"{result.suite.name}: {label}" for label in labels)
    return out


def _record_json(row: dict[str, Any]) -> str:
    skip = {"body", "minhash"}  # bytes and signatures: large and of no use to a reader
    return json.dumps({k: v for k, v in row.items() if k not in skip}, default=str, ensure_ascii=False)


@dataclass
class _Step:
    """Collects one stage's suite results, then writes its files and applies the thresholds."""

    stage: str
    run_id: str
    contract: Contract
    out_dir: Path
    now: datetime

    def __post_init__(self) -> None:
        self.results: list[SuiteResult] = []
        self.failing: dict[str, list[str]] = {}
        self.project = self.contract.project()

    def check(self, frame: pl.DataFrame, suite: contracts.Suite) -> SuiteResult:
        result = self.project.validate(frame, suite, self.run_id)
        self.results.append(result)
        for item, labels in _failing_items(result, frame).items():
            self.failing.setdefault(item, []).extend(labels)
        return result

    def finish(
        self, records: pl.DataFrame, checked: int, passed_path: Path, extra_reason: str | None = None
    ) -> StageCheck:
        """Write quarantine and dq files and the Data Docs; raise if the batch broke its contract."""
        failing = self.failing
        held = records.filter(pl.col("item_id").is_in(list(failing)))
        quarantine = pl.DataFrame(
            [
                {
                    "item_id": row["item_id"],
                    "article_id": row.get("article_id"),
                    "stage": self.stage,
                    "failed_expectations": sorted(set(failing[row["item_id"]])),
                    "reason": _reason(failing[row["item_id"]], row.get(extra_reason) if extra_reason else None),
                    "record": _record_json(row),
                }
                for row in held.iter_rows(named=True)
            ],
            schema=QUARANTINE_SCHEMA,
            orient="row",
        )
        dq = pl.DataFrame(
            [row for result in self.results for row in _dq_rows(result, self.run_id, self.now)],
            schema=DQ_SCHEMA,
            orient="row",
        )
        quarantine_path = self.out_dir / f"{self.stage}_quarantine.parquet"
        dq_path = self.out_dir / f"{self.stage}_dq.parquet"
        write_stage_output(quarantine, quarantine_path)
        write_stage_output(dq, dq_path)
        try:
            self.project.build_docs(self.results)
        except Exception:  # the docs are a view of the results; failing to draw them must not lose the run
            log.exception("validate: Data Docs could not be built")
        outcome = StageCheck(
            self.stage, str(passed_path), str(quarantine_path), str(dq_path), checked,
            checked - quarantine.height, quarantine.height,
        )  # fmt: skip
        problems = [label for result in self.results for label in result.batch_failures]
        if checked and quarantine.height / checked > self.contract.max_failing_share:
            counts: dict[str, int] = {}
            for labels in failing.values():
                for label in set(labels):
                    counts[label] = counts.get(label, 0) + 1
            worst = ", ".join(f"{label} ({n} rows)" for label, n in sorted(counts.items(), key=lambda x: -x[1]))
            problems.append(
                f"{quarantine.height} of {checked} rows ({quarantine.height / checked:.0%}) failed row-level "
                f"expectations, more than the {self.contract.max_failing_share:.0%} allowed: {worst}"
            )
        log.info(
            "validate %s: %d checked, %d quarantined, %d expectations, batch problems: %s",
            self.stage, checked, quarantine.height, dq.height, problems or "none",
        )  # fmt: skip
        failure_file = self.out_dir / f"{self.stage}_failure.json"
        if problems:
            message = f"the {self.stage} batch of run {self.run_id} broke its contract: " + "; ".join(problems)
            failure_file.write_text(json.dumps({"stage": self.stage, "message": message, "problems": problems}))
            raise ValidationFailed(message)
        failure_file.unlink(missing_ok=True)  # a rerun that passes clears an earlier failure
        return outcome


def _reason(labels: list[str], stage_reason: object) -> str:
    text = "; ".join(sorted(set(labels)))
    return f"{text} ({stage_reason})" if stage_reason else text


# --- the steps ---------------------------------------------------------------------------------


def _fetch_rows(fetch_path: Path) -> pl.DataFrame:
    """The fetch rows with body_bytes in place of the body.

    The streaming engine sizes the bodies a morsel at a time: the in-memory engine would read the
    whole body column (gigabytes for a large run) first. Row order is kept.
    """
    size = pl.col("body").bin.size().alias("body_bytes")
    return pl.scan_parquet(fetch_path).with_columns(size).drop("body").collect(engine="streaming")


def validate_fetch(fetch_path: Path, out_dir: Path, run_id: str, contract: Contract) -> StageCheck:
    """Check the fetch stage's rows; fetched pages with an empty or oversized body are quarantined."""
    now = datetime.now(UTC)
    frame = _fetch_rows(fetch_path)
    step = _Step("fetch", run_id, contract, out_dir, now)
    summary_file = fetch_path.parent / "fetch_summary.json"
    page_rows = frame.filter(pl.col("item_kind") == "page").height
    summary = json.loads(summary_file.read_text()) if summary_file.exists() else {}
    discovered = int(summary.get("pages_discovered", page_rows))
    listings = frame.height - page_rows
    step.check(pl.DataFrame({"items_seen": [discovered + listings]}), contracts.fetch_run_suite())
    items = frame.select(
        "item_id", "item_kind", "status",
        ((pl.col("status") != "error") | pl.col("reason").is_not_null()).alias("error_explained"),
    )  # fmt: skip
    step.check(items, contracts.fetch_items_suite())
    pages = frame.filter((pl.col("item_kind") == "page") & (pl.col("status") == "fetched"))
    step.check(
        pages.select(
            "item_id", "body_bytes", "content_hash", "http_status", "url", pl.coalesce("url", "path").alias("address")
        ),
        contracts.fetch_pages_suite(contract.max_bytes),
    )
    return step.finish(pages, pages.height, fetch_path)


LARGE_COLUMNS = ("text", "minhash", "body")  # read for the checks only as far as the rules need them


def _checked_columns(path: Path) -> pl.DataFrame:
    """A stage file without its large columns; `text` only as its first 80 characters (the rules ask not-null).

    At tens of thousands of articles the full texts, and pandas' copy of them for Great Expectations,
    would be most of a task's memory for checks that only need to know the text is there.
    """
    names = list(pl.read_parquet_schema(path))
    columns = [pl.col(n) for n in names if n not in LARGE_COLUMNS]
    if "text" in names:
        columns.append(pl.col("text").str.slice(0, 80))
    return pl.scan_parquet(path).select(columns).collect(engine="streaming")


def _held_records(path: Path, failing: dict[str, list[str]]) -> pl.DataFrame:
    """The full records of the items a check holds back (for the quarantine's copy of the original)."""
    return pl.scan_parquet(path).filter(pl.col("item_id").is_in(list(failing))).collect(engine="streaming")


def _write_passed(source: Path, failing: dict[str, list[str]], out_path: Path) -> Path:
    """Copy the records that passed, a row group at a time."""
    held = list(failing)
    with StageWriter(out_path, pl.Schema(pl.read_parquet_schema(source))) as out:
        for batch in iter_parquet(source, batch_rows=1024):
            out.write(batch.filter(~pl.col("item_id").is_in(held)))
    return out_path


def validate_clean(
    clean_path: Path, fetch_check: StageCheck, out_dir: Path, run_id: str, contract: Contract
) -> StageCheck:
    """One record per page that passed fetch checks; articles must meet the article contract."""
    now = datetime.now(UTC)
    frame = _checked_columns(clean_path)
    step = _Step("clean", run_id, contract, out_dir, now)
    step.check(frame.select("item_id", "page_type"), contracts.clean_pages_suite(fetch_check.passed))
    articles = frame.filter(pl.col("page_type") == "article")
    step.check(
        articles.select(
            "item_id", "article_id", "title", "text", "word_count", "language", "url", "published_at", "fingerprint"
        ),
        contracts.clean_articles_suite(now, contract.published_floor),
    )
    passed_path = _write_passed(clean_path, step.failing, out_dir / "clean_passed.parquet")
    return step.finish(_held_records(clean_path, step.failing), frame.height, passed_path, extra_reason="reason")


def _child(frame: pl.DataFrame, column: str, fields: list[str]) -> pl.DataFrame:
    """One row per element of a list-of-struct column, with the item it belongs to."""
    exploded = frame.select("item_id", "published_at", column).explode(column).drop_nulls(column)
    return exploded.unnest(column).select("item_id", "published_at", *fields)


def _days_from(column: str) -> pl.Expr:
    day = pl.col(column).str.to_date(strict=False)
    return (day - pl.col("published_at").dt.date()).dt.total_days().alias(f"{column}_days")


def validate_enrich(
    enriched_path: Path, clean_check: StageCheck, out_dir: Path, run_id: str, contract: Contract
) -> StageCheck:
    """Every cleaned article enriched once; codes from the dimensions; scores, tone and dates in range."""
    now = datetime.now(UTC)
    articles = _checked_columns(enriched_path).filter(pl.col("page_type") == "article")
    cleaned = pl.scan_parquet(clean_check.passed_path).filter(pl.col("page_type") == "article")
    expected = int(cleaned.select(pl.len()).collect().item())
    step = _Step("enrich", run_id, contract, out_dir, now)
    step.check(
        articles.select("item_id", "tone", "conflict_cooperation", "is_trade"),
        contracts.enrich_articles_suite(expected),
    )
    step.check(_child(articles, "countries", ["iso3", "salience", "mentions"]), contracts.enrich_countries_suite())
    step.check(_child(articles, "topics", ["id", "score", "hits"]), contracts.enrich_topics_suite())
    step.check(_child(articles, "places", ["name", "iso3", "lat", "lon"]), contracts.enrich_places_suite())
    step.check(_child(articles, "dyads", ["a", "b", "tone", "conflict_cooperation"]), contracts.enrich_dyads_suite())
    events = _child(articles, "events", ["type", "date", "effective_date", "rate_pct"]).with_columns(
        _days_from("date").alias("days_from_published"),
        _days_from("effective_date").alias("effective_days_from_published"),
    )
    step.check(
        events.select("item_id", "type", "days_from_published", "effective_days_from_published", "rate_pct"),
        contracts.enrich_events_suite(),
    )
    step.check(_child(articles, "people", ["name", "country_iso3"]), contracts.enrich_people_suite())
    passed_path = _write_passed(enriched_path, step.failing, out_dir / "enrich_passed.parquet")
    return step.finish(_held_records(enriched_path, step.failing), articles.height, passed_path)
