"""What the latest runs did and what the published snapshot holds: for the Airflow UI view and the CLI."""

from __future__ import annotations

import html
import json
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from tradewire.maintenance import recent_failures
from tradewire.settings import Settings

DATA_DOCS_HREF = "data-docs/"  # relative to the Tradewire page at /tradewire/


def latest_ledgers(settings: Settings, limit: int = 10) -> list[dict[str, Any]]:
    files = sorted(settings.staging_dir.glob("*/ledger.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    out = []
    for path in files[:limit]:
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError):
            continue
    return out


def snapshot_counts(snapshot: Path) -> dict[str, int]:
    """Row counts read from the read-only snapshot, so the view never touches the writer's file."""
    if not snapshot.exists():
        return {}
    import duckdb

    from tradewire.load.schema import TABLES

    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES if t in present}  # type: ignore[index]  # noqa: S608
    finally:
        con.close()


def data_quality(snapshot: Path, limit: int = 10) -> dict[str, Any]:
    """Run ledger, failed expectations per run and stage, and open quarantine, from the snapshot.

    A table the snapshot does not have yet gives None (ledger) or empty results, so an
    older snapshot still renders; values are JSON-ready (timestamps as ISO strings).
    """
    out: dict[str, Any] = {"ledger": None, "failed_expectations": [], "quarantine": None, "error": None}
    if not snapshot.exists():
        return out
    import duckdb

    try:
        con = duckdb.connect(str(snapshot), read_only=True)
    except duckdb.Error as exc:
        return {**out, "error": f"snapshot unreadable: {exc}"}
    try:
        columns = _columns(con)
        if "run_ledger" in columns:
            # finished_at is the one time every ledger row has; started_at may be missing
            times = [c for c in ("finished_at", "started_at") if c in columns["run_ledger"]]
            order = f"coalesce({', '.join(times)}) DESC NULLS LAST, " if times else ""
            out["ledger"] = _dicts(con, f"SELECT * FROM run_ledger ORDER BY {order}run_id DESC LIMIT ?", [limit])  # noqa: S608
        if "dq_results" in columns:
            out["failed_expectations"] = _dicts(
                con,
                """
                WITH latest AS (
                    SELECT run_id, max(validated_at) AS validated_at FROM dq_results
                    GROUP BY run_id ORDER BY validated_at DESC, run_id DESC LIMIT ?
                )
                SELECT d.run_id, d.stage, count(*) FILTER (WHERE NOT d.success) AS failed,
                       count(*) AS evaluated, max(d.validated_at) AS validated_at
                FROM dq_results d JOIN latest l USING (run_id)
                GROUP BY d.run_id, d.stage
                ORDER BY max(l.validated_at) DESC, d.run_id DESC, d.stage
                """,
                [limit],
            )
        if "quarantine" in columns:
            # before released_at exists nothing has been released: every row is still held
            held = "WHERE released_at IS NULL" if "released_at" in columns["quarantine"] else ""
            by_stage = con.execute(
                f"SELECT stage, count(*) FROM quarantine {held} GROUP BY stage ORDER BY stage"  # noqa: S608
            ).fetchall()
            stages = {str(stage): int(n) for stage, n in by_stage}
            out["quarantine"] = {"held": sum(stages.values()), "by_stage": stages}
    except duckdb.Error as exc:
        out["error"] = f"data-quality tables unreadable: {exc}"
    finally:
        con.close()
    return out


def _columns(con: Any) -> dict[str, set[str]]:
    rows = con.execute("SELECT table_name, column_name FROM information_schema.columns").fetchall()
    out: dict[str, set[str]] = {}
    for table, column in rows:
        out.setdefault(table, set()).add(column)
    return out


def _dicts(con: Any, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [{k: _jsonable(v) for k, v in zip(names, row, strict=True)} for row in cur.fetchall()]


def _jsonable(value: Any) -> Any:
    """DuckDB values as JSON-ready ones: /status.json returns them as they are."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def data_docs_file(root: Path, path: str) -> Path | None:
    """The file under the Data Docs folder that a request path names, or None (missing, or outside the folder)."""
    try:
        base = root.resolve()
        target = (base / path).resolve()
    except (OSError, ValueError):  # NUL bytes, symlink loops
        return None
    if not target.is_relative_to(base):
        return None
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def status(settings: Settings | None = None) -> dict[str, Any]:
    settings = settings or Settings.from_env()
    return {
        "warehouse": str(settings.warehouse_path),
        "snapshot": str(settings.snapshot_path),
        "tables": snapshot_counts(settings.snapshot_path),
        "runs": latest_ledgers(settings),
        "data_quality": data_quality(settings.snapshot_path),
        "data_docs": DATA_DOCS_HREF,
        "failures": recent_failures(settings.failures_log, 10),
    }


_STYLE = (
    "body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:1.5em}"
    "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f4f4f4}"
    "tr.loaded td.status{color:#1a7f37}tr.rejected td.status,tr.failed td.status,td.bad{color:#b42318;font-weight:bold}"
)


def status_html(data: dict[str, Any]) -> str:
    """A plain page: every value escaped, since titles and reasons come from fetched pages."""
    esc = html.escape
    dq = data.get("data_quality") or {}
    ledger = dq.get("ledger")
    if ledger:
        runs = _ledger_table(ledger)
    else:  # snapshots from before run_ledger: the per-run ledger.json files in staging
        runs = _table(_RUN_COLUMNS, [[run.get(k, "") for k in _RUN_COLUMNS] for run in data["runs"]])
    tables = _table(("table", "rows"), [[t, n] for t, n in data["tables"].items()])
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Tradewire</title>"
        f"<style>{_STYLE}</style></head><body>"
        f"<h1>Tradewire</h1><p>Snapshot: <code>{esc(data['snapshot'])}</code> · "
        "<a href='report'>Analytics report</a> · <a href='data-docs/'>Data Docs</a></p>"
        f"<h2>Latest runs</h2>{runs}"
        f"{_data_quality_html(dq, data.get('data_docs', DATA_DOCS_HREF))}"
        f"{_failures_html(data.get('failures') or [])}"
        f"<h2>Published tables</h2>{tables}</body></html>"
    )


_FAILURE_COLUMNS = ("recorded_at", "dag_id", "task_id", "run_id", "map_index", "try_number", "error")


def _failures_html(failures: list[dict[str, Any]]) -> str:
    """The latest failed task attempts, as the DAGs' failure callback recorded them."""
    if not failures:
        return "<h2>Recent task failures</h2><p>None recorded.</p>"
    rows = [[str(f.get(k, "")) for k in _FAILURE_COLUMNS] for f in failures]
    return f"<h2>Recent task failures</h2>{_table(_FAILURE_COLUMNS, rows)}"


def _data_quality_html(dq: dict[str, Any], docs_href: str) -> str:
    esc = html.escape
    parts = ["<h2>Data quality</h2>", f"<p><a href='{esc(docs_href)}'>Data Docs</a> (Great Expectations)</p>"]
    if dq.get("error"):
        parts.append(f"<p class='bad'>{esc(str(dq['error']))}</p>")
    failed = dq.get("failed_expectations") or []
    if failed:
        rows = [[r["run_id"], r["stage"], r["failed"], r["evaluated"], r["validated_at"]] for r in failed]
        parts.append("<h3>Failed expectations per run and stage</h3>")
        parts.append(_table(("run id", "stage", "failed", "evaluated", "validated at"), rows, bad_column=2))
    else:
        parts.append("<p>No validation results in the snapshot yet.</p>")
    quarantine = dq.get("quarantine")
    if quarantine is not None:
        parts.append(f"<h3>Quarantine</h3><p>Held (not released): {int(quarantine['held'])}</p>")
        if quarantine["by_stage"]:
            parts.append(_table(("stage", "held"), [[s, n] for s, n in quarantine["by_stage"].items()]))
    return "".join(parts)


def _ledger_table(ledger: list[dict[str, Any]]) -> str:
    esc = html.escape
    shown = [k for k in _LEDGER_COLUMNS if k in ledger[0]]  # the snapshot's schema may be older or newer
    head = "".join(f"<th>{esc(k.replace('_', ' '))}</th>" for k in shown)
    body = []
    for run in ledger:
        cells = []
        for k in shown:
            value = run.get(k)
            text, cls = _text(value), ""
            if k == "balanced" and value is not None:
                text, cls = ("yes", "") if value else ("no", " class='bad'")
            elif k == "status":
                cls = " class='status'"
            cells.append(f"<td{cls}>{esc(text)}</td>")
        body.append(f"<tr class='{esc(str(run.get('status') or ''))}'>{''.join(cells)}</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _table(columns: tuple[str, ...], rows: list[list[Any]], bad_column: int | None = None) -> str:
    """An HTML table, every cell escaped; a non-zero value in bad_column is highlighted."""
    esc = html.escape
    head = "".join(f"<th>{esc(c.replace('_', ' '))}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            cls = " class='bad'" if i == bad_column and value else ""
            cells.append(f"<td{cls}>{esc(_text(value))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


_RUN_COLUMNS = (
    "run_id", "items_discovered", "skipped", "fetch_failures", "pages_fetched", "articles_loaded",
    "articles_new", "duplicates", "not_articles", "quarantined", "feeds_failed", "balanced",
)  # fmt: skip

_LEDGER_COLUMNS = (
    "run_id", "dag_id", "status", "balanced", "started_at", "finished_at", "items_discovered", "pages_fetched",
    "fetch_failures", "feeds_failed", "skipped", "articles_loaded", "articles_new", "duplicates", "not_articles",
    "quarantined", "failed_expectations", "message",
)  # fmt: skip
