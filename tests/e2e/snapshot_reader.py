"""A BI-like reader, run as its own process: queries the published snapshot in a loop until told to stop.

Usage: python snapshot_reader.py SNAPSHOT STOP_FILE RESULT_JSON
Each round opens the snapshot read-only (as a dashboard does), checks that it is a complete
version (every table there, no bridge row without its article, every article with its URL) and
records the article count. Errors of any kind are collected, never raised.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

TABLES = ("articles", "article_countries", "article_topics", "article_urls", "items", "run_ledger", "dq_results")
CHECKS = {
    "orphans": "SELECT count(*) FROM article_countries WHERE article_id NOT IN (SELECT article_id FROM articles)",
    "articles_without_url": (
        "SELECT count(*) FROM articles WHERE article_id NOT IN (SELECT article_id FROM article_urls)"
    ),
    "unbalanced_runs": "SELECT count(*) FROM run_ledger WHERE status = 'loaded' AND NOT balanced",
}


def main(snapshot: Path, stop: Path, result: Path) -> None:
    queries, errors, counts = 0, [], set()
    while not stop.exists():
        if not snapshot.exists():
            time.sleep(0.05)  # nothing published yet
            continue
        try:
            con = duckdb.connect(str(snapshot), read_only=True)
            try:
                present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
                missing = [t for t in TABLES if t not in present]
                if missing:
                    errors.append(f"incomplete snapshot: no {missing}")
                for name, sql in CHECKS.items():
                    if (bad := con.execute(sql).fetchall()[0][0]) != 0:
                        errors.append(f"{name}: {bad}")
                counts.add(con.execute("SELECT count(*) FROM articles").fetchall()[0][0])
                queries += 2 + len(CHECKS)
            finally:
                con.close()
        except Exception as exc:  # a failure to open or query is exactly what this reader is here to catch
            errors.append(repr(exc)[:300])
        time.sleep(0.02)
    result.write_text(json.dumps({"queries": queries, "errors": errors, "article_counts": sorted(counts)}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
