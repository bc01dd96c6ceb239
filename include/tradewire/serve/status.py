"""What the latest runs did and what the published snapshot holds: for the Airflow UI view and the CLI."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from tradewire.settings import Settings


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


def status(settings: Settings | None = None) -> dict[str, Any]:
    settings = settings or Settings.from_env()
    return {
        "warehouse": str(settings.warehouse_path),
        "snapshot": str(settings.snapshot_path),
        "tables": snapshot_counts(settings.snapshot_path),
        "runs": latest_ledgers(settings),
    }


def status_html(data: dict[str, Any]) -> str:
    """A plain page: every value escaped, since titles and reasons come from fetched pages."""
    esc = html.escape
    rows = "".join(
        "<tr>" + "".join(f"<td>{esc(str(run.get(k, '')))}</td>" for k in _RUN_COLUMNS) + "</tr>" for run in data["runs"]
    )
    tables = "".join(f"<tr><td>{esc(t)}</td><td>{n}</td></tr>" for t, n in data["tables"].items())
    head = "".join(f"<th>{esc(k.replace('_', ' '))}</th>" for k in _RUN_COLUMNS)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Tradewire</title>"
        "<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:1.5em}"
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f4f4f4}</style></head><body>"
        f"<h1>Tradewire</h1><p>Snapshot: <code>{esc(data['snapshot'])}</code></p>"
        f"<h2>Latest runs</h2><table><tr>{head}</tr>{rows}</table>"
        f"<h2>Published tables</h2><table><tr><th>table</th><th>rows</th></tr>{tables}</table></body></html>"
    )


_RUN_COLUMNS = (
    "run_id", "items_discovered", "already_known", "fetch_errors", "pages_fetched", "articles_loaded",
    "articles_new", "duplicates", "not_articles", "quarantined", "extraction_failed", "feeds_failed",
)  # fmt: skip
