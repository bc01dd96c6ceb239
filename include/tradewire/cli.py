"""The `tradewire` command: process local files, run the pipeline without Airflow, summarise the warehouse."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

    from tradewire.settings import Settings

SUPPORTED = (".html", ".htm", ".html.gz", ".htm.gz", ".txt")

EXAMPLE_QUERIES = [
    (
        "Articles per country (top 10)",
        "SELECT iso3, name, count(*) AS articles FROM article_countries GROUP BY ALL ORDER BY articles DESC LIMIT 10;",
    ),
    (
        "Trade topics by month",
        "SELECT date_trunc('month', a.published_at) AS month, t.topic_id, count(*) AS articles "
        "FROM article_topics t JOIN articles a USING (article_id) GROUP BY ALL ORDER BY month, articles DESC;",
    ),
    (
        "Tariff actions: who threatened or imposed what rate on whom, from when",
        "SELECT e.status, e.rate_pct, e.target_iso3, e.effective_date, e.countries, a.title "
        "FROM events e JOIN articles a USING (article_id) WHERE e.event_type = 'tariff_action' "
        "AND e.rate_pct IS NOT NULL ORDER BY e.effective_date NULLS LAST, a.published_at;",
    ),
    (
        "Dyads by articles and tone",
        "SELECT a, b, count(*) AS articles, round(avg(conflict_cooperation), 2) AS conflict_cooperation "
        "FROM dyads GROUP BY ALL ORDER BY articles DESC LIMIT 10;",
    ),
    (
        "What happened to every fetched item",
        "SELECT source_id, status, coalesce(page_type, '-') AS page_type, count(*) AS items "
        "FROM items GROUP BY ALL ORDER BY source_id, status;",
    ),
    (
        "Requests of the latest run by outcome",
        "SELECT purpose, outcome, count(*) AS requests, round(median(duration_ms)) AS median_ms, sum(bytes) AS bytes "
        "FROM fetch_log WHERE run_id = (SELECT max_by(run_id, started_at) FROM fetch_log) GROUP BY ALL ORDER BY ALL;",
    ),
]


def _read_input(path: Path, max_bytes: int) -> bytes:
    if not path.exists():
        raise ValueError("no such file")
    if not path.is_file():
        raise ValueError("not a file")
    if not path.name.lower().endswith(SUPPORTED):
        raise ValueError(f"unsupported file type (expected one of {', '.join(SUPPORTED)})")
    if path.stat().st_size > max_bytes:
        raise ValueError(f"file larger than {max_bytes} bytes")
    data = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        from tradewire.fetch.http import FetchError, gunzip_capped

        try:
            data = gunzip_capped(data, max_bytes)
        except FetchError as exc:
            raise ValueError(f"not a valid gzip file ({exc})") from exc
    return data


def _to_output(given: str, record: dict[str, Any], enriched: dict[str, Any]) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "input": given,
        "article_id": record["article_id"],
        "url": record["url"] or record["canonical_url"],
        "title": record["title"],
        "authors": record["authors"],
        "published_at": iso(record["published_at"]),
        "modified_at": iso(record["modified_at"]),
        "source": record["site_name"] or record["source"],
        "site_name": record["site_name"],
        "section": record["section"],
        "tags": record["tags"],
        "language": record["language"],
        "page_type": record["page_type"],
        "word_count": record["word_count"],
        "image": record["image"],
        "text": record["text"],
        **enriched,  # countries, places, people, organizations, topics, is_trade, dyads, events, quotes ...
    }


def cmd_process(args: argparse.Namespace) -> int:
    from tradewire.clean.run import clean_rows
    from tradewire.enrich.run import enrich_record
    from tradewire.ids import item_id_for_file
    from tradewire.settings import Settings

    settings = Settings.from_env()
    rows, failures = [], 0
    for given in args.paths:
        path = Path(given)
        try:
            body = _read_input(path, settings.max_bytes)
        except (ValueError, OSError) as exc:
            print(f"tradewire process: {given}: {exc}", file=sys.stderr)
            failures += 1
            continue
        rows.append(
            {
                "item_id": item_id_for_file("local", str(path.resolve())),
                "source": "local",
                "url": args.url,
                "path": given if not given.lower().endswith(".gz") else given[:-3],
                "content_type": None,
                "body": body,
                "_given": given,
            }
        )
    written = 0
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")  # noqa: SIM115
    try:
        for row, record in zip(rows, clean_rows(rows, settings.page_timeout), strict=True):
            given = row["_given"]
            if record["page_type"] != "article":
                print(
                    f"tradewire process: {given}: not an article ({record['page_type']}: {record['reason']})",
                    file=sys.stderr,
                )
                failures += 1
                continue
            record["input_path"] = given
            published = record["published_at"].date() if record["published_at"] else None
            enriched = enrich_record(record["title"], record["text"], published, record["authors"])
            out.write(json.dumps(_to_output(given, record, enriched), ensure_ascii=False) + "\n")
            written += 1
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"tradewire process: {written} article(s) written, {failures} input(s) not used", file=sys.stderr)
    return 0 if failures == 0 else 1


def cmd_run(args: argparse.Namespace) -> int:
    from tradewire.pipeline import run_all
    from tradewire.validate.run import ValidationFailed

    run_id = args.run_id or "manual__" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    try:
        ledger = run_all(run_id)
    except ValidationFailed as exc:  # the run is recorded as rejected; say why, without a traceback
        print(f"tradewire run: {exc}", file=sys.stderr)
        print("nothing was loaded or published; see `tradewire summary` and the Data Docs", file=sys.stderr)
        return 1
    print(json.dumps(ledger, indent=2))
    return 0


def _settings_with_warehouse() -> Settings | None:
    """The settings, if the warehouse they name exists; else None, having said so."""
    from tradewire.settings import Settings

    settings = Settings.from_env()
    if not settings.warehouse_path.exists():
        print(f"no warehouse at {settings.warehouse_path}: run the pipeline first", file=sys.stderr)
        return None
    return settings


def _latest_ledger(con: Any) -> dict[str, Any] | None:
    rows = con.execute("SELECT * FROM run_ledger ORDER BY finished_at DESC LIMIT 1").fetchall()
    if not rows:
        return None
    return dict(zip([d[0] for d in con.description], rows[0], strict=True))


def print_ledger(ledger: dict[str, Any], dq_failed: int, dq_total: int, held: int) -> None:
    """The run's accounting as two sums that must hold, and its data-quality verdict."""

    def n(key: str) -> int:
        return int(ledger.get(key) or 0)

    state = "balanced" if ledger.get("balanced") else "NOT BALANCED"
    print(f"Run ledger: {ledger['run_id']} ({ledger.get('dag_id') or '-'}): {ledger['status']}, {state}")
    print(
        f"  {'items discovered':<20}{n('items_discovered'):>6} = fetched {n('pages_fetched')} + fetch failures "
        f"{n('fetch_failures')} + skipped {n('skipped')}"
    )
    detail = json.loads(ledger.get("skipped_detail") or "{}")
    if any(detail.values()):
        print(f"  {'':<26}skipped: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in detail.items() if v))
    print(
        f"  {'pages fetched':<20}{n('pages_fetched'):>6} = loaded {n('articles_loaded')} + duplicates "
        f"{n('duplicates')} + not articles {n('not_articles')} + quarantined {n('quarantined')}"
    )
    print(f"  {'articles new':<20}{n('articles_new'):>6}")
    print(f"  {'feeds that failed':<20}{n('feeds_failed'):>6}")
    print(f"  {'expectations':<20}{dq_total:>6} checked, {dq_failed} failed; {held} item(s) held in quarantine")
    if ledger.get("message"):
        print(f"  {ledger['message']}")


WAREHOUSE_BUSY_WAIT = 30.0  # seconds a command waits for a pipeline task writing the warehouse


class WarehouseBusy(Exception):
    """A pipeline task kept writing the warehouse past WAREHOUSE_BUSY_WAIT."""


@contextmanager
def _reading_warehouse(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse opened read-only under its writer lock: DuckDB refuses a reader while a task writes."""
    import duckdb

    from tradewire.load.lock import WriterLockTimeout, writer_lock

    try:
        with writer_lock(settings.warehouse_path, timeout=WAREHOUSE_BUSY_WAIT):
            con = duckdb.connect(str(settings.warehouse_path), read_only=True)
            try:
                yield con
            finally:
                con.close()
    except WriterLockTimeout as exc:
        raise WarehouseBusy(
            f"a pipeline task has been writing the warehouse for over {WAREHOUSE_BUSY_WAIT:.0f}s; try again when it "
            f"ends, or query the published snapshot {settings.snapshot_path}"
        ) from exc


def cmd_summary(args: argparse.Namespace) -> int:
    from tradewire.load.warehouse import table_counts

    settings = _settings_with_warehouse()
    if settings is None:
        return 1
    with _reading_warehouse(settings) as con:
        counts = table_counts(settings.warehouse_path)
        ledger = _latest_ledger(con)
        dq_total = dq_failed = held = 0
        if ledger:
            dq_total, dq_failed = con.execute(
                "SELECT count(*), count(*) FILTER (WHERE NOT success) FROM dq_results WHERE run_id = ?",
                [ledger["run_id"]],
            ).fetchall()[0]
            query = "SELECT count(DISTINCT item_id) FROM quarantine WHERE released_at IS NULL"
            held = con.execute(query).fetchall()[0][0]
    print("Tradewire run summary")
    print("=" * 60)
    if ledger:
        print_ledger(ledger, dq_failed, dq_total, held)
    else:
        print("no run recorded yet")
    print(f"\n{'warehouse':<28}{settings.warehouse_path}")
    print(f"{'snapshot (read-only)':<28}{settings.snapshot_path}")
    docs = settings.data_docs_dir / "index.html"
    print(f"{'Data Docs':<28}{docs.as_uri() if docs.exists() else '(none yet)'}")
    report = settings.report_path
    print(f"{'report':<28}{report.as_uri() if report.exists() else '(none yet: tradewire_analytics renders it)'}")
    exports = settings.exports_dir / "current"
    print(f"{'Parquet exports of marts':<28}{exports if exports.exists() else '(none yet)'}")
    print("\nRows per table:")
    for table, count in counts.items():
        print(f"  {table:<24}{count}")
    print(
        f"\nTry these with `duckdb -readonly {settings.snapshot_path}` or Python's duckdb.connect(..., read_only=True):"
    )
    for title, sql in EXAMPLE_QUERIES:
        print(f"\n-- {title}\n{sql}")
    return 0


def cmd_quarantine_list(args: argparse.Namespace) -> int:

    settings = _settings_with_warehouse()
    if settings is None:
        return 1
    filters, params = ["TRUE"], []
    if not args.all:
        filters.append("q.released_at IS NULL")
    if args.stage:
        filters.append("q.stage = ?")
        params.append(args.stage)
    if args.run:
        filters.append("q.run_id = ?")
        params.append(args.run)
    query = f"""
        SELECT q.item_id, q.stage, q.run_id, coalesce(i.url, i.path) AS address, q.reason, q.quarantined_at,
               q.released_at, q.record
        FROM quarantine q LEFT JOIN items i USING (item_id)
        WHERE {" AND ".join(filters)}
        ORDER BY q.quarantined_at DESC, q.item_id LIMIT ?
    """  # noqa: S608  # fixed fragments; values are parameters
    with _reading_warehouse(settings) as con:
        rows = con.execute(query, [*params, args.limit]).fetchall()
    if args.json:
        for item_id, stage, run_id, address, reason, at, released, record in rows:
            print(json.dumps({
                "item_id": item_id, "stage": stage, "run_id": run_id, "address": address, "reason": reason,
                "quarantined_at": at.isoformat(), "released_at": released.isoformat() if released else None,
                "record": json.loads(record),
            }, ensure_ascii=False))  # fmt: skip
        return 0
    if not rows:
        print("quarantine is empty" if not args.all else "nothing was ever quarantined")
        return 0
    for item_id, stage, run_id, address, reason, at, released, _ in rows:
        state = f"released {released:%Y-%m-%d %H:%M}" if released else "held"
        print(f"{item_id}  [{stage}, {state}]  {address or ''}")
        print(f"    run {run_id} at {at:%Y-%m-%d %H:%M}: {reason}")
    print(f"\n{len(rows)} item(s). Fix the cause, then: tradewire quarantine release ITEM_ID ... (or --all)")
    return 0


def cmd_quarantine_release(args: argparse.Namespace) -> int:
    import duckdb

    from tradewire.pipeline import release_quarantined
    from tradewire.validate.run import ValidationFailed

    settings = _settings_with_warehouse()
    if settings is None:
        return 1
    if not args.items and not args.all:
        print("name the items to release, or pass --all", file=sys.stderr)
        return 2
    with _reading_warehouse(settings) as con:
        held = {
            row[0]
            for row in con.execute(
                "SELECT item_id FROM quarantine WHERE released_at IS NULL AND (? OR stage = ?)",
                [args.stage is None, args.stage],
            ).fetchall()
        }
    wanted = sorted(held) if args.all else sorted(set(args.items))
    unknown = [item for item in wanted if item not in held]
    if unknown:
        print(f"not held in quarantine: {', '.join(unknown)}", file=sys.stderr)
        return 2
    if not wanted:
        print("quarantine is empty: nothing to release")
        return 0
    run_id = "release__" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    try:
        ledger, still_held = release_quarantined(wanted, run_id, settings)
    except ValidationFailed as exc:
        print(f"release run {run_id} failed its checks: {exc}", file=sys.stderr)
        return 1
    except duckdb.IOException as exc:
        print(f"the warehouse is busy (a pipeline task is writing it); try again shortly: {exc}", file=sys.stderr)
        return 1
    released = [item for item in wanted if item not in still_held]
    print(f"release run {run_id}: {len(released)} released, {len(still_held)} still held")
    for item in released:
        print(f"  released  {item}")
    for item in still_held:
        print(f"  held      {item} (see: tradewire quarantine list)")
    print(f"loaded {ledger.get('articles_loaded')} article(s); the snapshot is published")
    return 0 if not still_held else 3


def cmd_fetch(args: argparse.Namespace) -> int:
    import dataclasses

    import polars as pl

    from tradewire.fetch.attempts import AttemptLog
    from tradewire.fetch.run import fetch_sources, make_fetcher
    from tradewire.settings import Settings
    from tradewire.sources import SourcesError, load_sources

    settings = Settings.from_env()
    sources_file = Path(args.sources).resolve() if args.sources else settings.sources_file
    settings = dataclasses.replace(settings, sources_file=sources_file)
    try:
        config = load_sources(sources_file)
    except SourcesError as exc:
        print(f"tradewire: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    attempts = AttemptLog()
    fetcher = make_fetcher(settings, config, attempts)
    try:
        parquet = fetch_sources(
            config, fetcher, out / "fetch.parquet", settings.max_bytes, set(args.source or []) or None,
            workers=settings.fetch_threads, archive_dir=out / "archive", attempts=attempts,
        )  # fmt: skip
    finally:
        close = getattr(fetcher, "close", None)
        if close:
            close()
    frame = pl.read_parquet(parquet, columns=["source", "item_kind", "outcome"])
    requests = pl.read_parquet(out / "attempts.parquet", columns=["outcome"])
    by_source: dict[str, dict[str, int]] = {
        str(source): dict(sorted(group.group_by("outcome").len().iter_rows()))
        for (source,), group in frame.group_by("source", maintain_order=True)
    }
    report = {
        "sources_file": str(sources_file),
        "items": frame.height,
        "outcomes": dict(sorted(frame.group_by("outcome").len().iter_rows())),
        "by_source": by_source,
        "requests": requests.height,
        "request_outcomes": dict(sorted(requests.group_by("outcome").len().iter_rows())),
    }
    (out / "fetch_report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"{report['items']} items from {sources_file} ({report['requests']} requests)")
    for source, outcomes in by_source.items():
        print(f"  {source:<28}" + ", ".join(f"{k} {v}" for k, v in outcomes.items()))
    print(f"wrote {parquet} and {out / 'fetch_report.json'}")
    return 0


def cmd_check_sources(args: argparse.Namespace) -> int:
    from tradewire.fetch.redact import redact_url
    from tradewire.settings import Settings
    from tradewire.sources import SourcesError, load_sources

    path = Path(args.file) if args.file else Settings.from_env().sources_file
    try:
        config = load_sources(path)
    except SourcesError as exc:
        print(f"tradewire: {exc}", file=sys.stderr)
        return 2
    for source in config.sources:
        state = "" if source.enabled else " (disabled)"
        print(f"{source.name:<28}{source.kind:<9}{redact_url(source.url) if source.url else source.path}{state}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tradewire", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("process", help="clean and enrich local files (.html, .htm, .html.gz, .txt) into JSON lines")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--out", "-o", default="-", help="output JSONL file (default: standard output)")
    p.add_argument("--url", default=None, help="the URL the page(s) came from, if known")
    p.set_defaults(func=cmd_process)
    r = sub.add_parser("run", help="run every stage once in this process, without Airflow")
    r.add_argument("--run-id", default=None)
    r.set_defaults(func=cmd_run)
    s = sub.add_parser("summary", help="print the latest run's ledger, table counts and queries to try")
    s.set_defaults(func=cmd_summary)
    src = sub.add_parser("sources", help="work with sources files")
    src_sub = src.add_subparsers(dest="sources_command", required=True)
    c = src_sub.add_parser("check", help="check a sources YAML file and list its sources; errors name the line")
    c.add_argument("file", nargs="?", help="default: $TRADEWIRE_SOURCES or the bundled sample")
    c.set_defaults(func=cmd_check_sources)
    q = sub.add_parser("quarantine", help="list items held back by data-quality checks, or release them after a fix")
    q_sub = q.add_subparsers(dest="quarantine_command", required=True)
    ql = q_sub.add_parser("list", help="items held in quarantine, newest first, with the rules they broke")
    ql.add_argument("--all", action="store_true", help="include items already released")
    ql.add_argument("--stage", choices=["fetch", "clean", "enrich"], help="only this stage's quarantine")
    ql.add_argument("--run", help="only items quarantined by this run id")
    ql.add_argument("--limit", type=int, default=100)
    ql.add_argument("--json", action="store_true", help="one JSON object per item, with the original record")
    ql.set_defaults(func=cmd_quarantine_list)
    qr = q_sub.add_parser(
        "release",
        help="run held items again from the raw archive through every stage and check; those that pass are loaded",
    )
    qr.add_argument("items", nargs="*", help="item ids (from `tradewire quarantine list`)")
    qr.add_argument("--all", action="store_true", help="every item held")
    qr.add_argument("--stage", choices=["fetch", "clean", "enrich"], help="with --all: only this stage's items")
    qr.set_defaults(func=cmd_quarantine_release)
    f = sub.add_parser("fetch", help="run the fetch stage alone into a folder (Parquet and fetch_report.json)")
    f.add_argument("--sources", default=None, help="sources YAML (default: $TRADEWIRE_SOURCES or the sample)")
    f.add_argument("--out", required=True, help="output folder")
    f.add_argument("--source", action="append", help="only this source (repeatable)")
    f.set_defaults(func=cmd_fetch)
    return parser


def main(argv: list[str] | None = None) -> int:
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from tradewire.settings import SettingsError
    from tradewire.sources import SourcesError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # `tradewire summary | head`: the reader left, nothing went wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (SettingsError, SourcesError) as exc:  # configuration mistakes get a line, not a traceback
        print(f"tradewire: {exc}", file=sys.stderr)
        return 2
    except WarehouseBusy as exc:
        print(f"tradewire: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
