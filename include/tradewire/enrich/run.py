"""The enrich stage: cleaned articles in; who, where, what and when out, every item with its evidence.

enrich_record() is the contract (`tradewire process` prints it): countries, places, people,
organizations, topics, is_trade, dyads, events, quotes, amounts, tone, gpr and tpu. The stage writes
it as typed Parquet columns: list-of-struct columns become the warehouse's bridge tables, scalar
ones (tone, flags) columns of articles.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from tradewire.enrich.amounts import find_amounts
from tradewire.enrich.countries import find_countries
from tradewire.enrich.dyads import find_dyads
from tradewire.enrich.events import find_events
from tradewire.enrich.organizations import find_organizations
from tradewire.enrich.people import find_people
from tradewire.enrich.places import find_places
from tradewire.enrich.quotes import find_quotes
from tradewire.enrich.risk import risk_flags
from tradewire.enrich.schema import LIST_COLUMNS, SCALAR_COLUMNS
from tradewire.enrich.sentences import split_sentences
from tradewire.enrich.tone import score_tone
from tradewire.enrich.topics import find_topics
from tradewire.enrich.trade import judge_trade
from tradewire.faults import crash_point
from tradewire.staging import StageWriter, iter_parquet

log = logging.getLogger(__name__)


def enrich_record(
    title: str | None, text: str | None, published: date | None = None, authors: list[str] | None = None
) -> dict[str, Any]:
    """Everything the enrich stage knows about one article, as plain JSON-ready values."""
    text = text or ""
    sentences = split_sentences(text)
    countries = [c.as_dict() for c in find_countries(title, text)]
    people = [p.as_dict() for p in find_people(title, text, published, authors or ())]
    places = [p.as_dict() for p in find_places(title, text)]
    topics = [t.as_dict() for t in find_topics(title, text)]
    verdict = judge_trade(title, text, topics)
    tone = score_tone(title, text, sentences).as_dict()
    flags = risk_flags(title, text, countries).as_dict()
    return {
        "countries": countries,
        "places": places,
        "people": people,
        "organizations": [o.as_dict() for o in find_organizations(title, text, people)],
        "topics": topics,
        "is_trade": verdict.is_trade,
        "is_trade_evidence": [f"{feature}: {found}" for feature, found in verdict.evidence],
        "dyads": [d.as_dict() for d in find_dyads(text, countries, topics, sentences, people=people)],
        "events": [
            e.as_dict() for e in find_events(title, text, published, countries, people, places, sentences=sentences)
        ],
        "quotes": [q.as_dict() for q in find_quotes(text, people, sentences)],
        "amounts": [a.as_dict() for a in find_amounts(text, sentences)],
        "tone": tone,
        "gpr": flags["gpr"],
        "tpu": flags["tpu"],
        "tpu_evidence": flags["tpu_evidence"],
    }


def _staged(record: dict[str, Any] | None) -> dict[str, Any]:
    """One enrich_record result in the staging frame's shape (None: a page that is not an article)."""
    if record is None:
        return {**{name: [] for name in LIST_COLUMNS}, **{name: None for name in SCALAR_COLUMNS}}
    staged = {name: record[name] for name in LIST_COLUMNS}
    staged["events"] = [
        {**event, "place_name": (event.get("place") or {}).get("name"),
         "place_iso3": (event.get("place") or {}).get("iso3")}
        for event in record["events"]
    ]  # fmt: skip
    tone, gpr = record["tone"], record["gpr"]
    staged.update(
        is_trade=record["is_trade"],
        is_trade_evidence=record["is_trade_evidence"],
        tone=tone["tone"],
        conflict_cooperation=tone["conflict_cooperation"],
        tone_evidence=[str(e) for e in tone.get("evidence") or []],
        gpr_threat=gpr["threat"],
        gpr_act=gpr["act"],
        gpr_evidence=[str(e) for e in gpr.get("evidence") or []],
        tpu=record["tpu"],
        tpu_evidence=[str(e) for e in record.get("tpu_evidence") or []],
        enrich_error=None,
    )
    return staged


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def _enrich_row(row: dict[str, Any]) -> dict[str, Any]:
    crash_point("enrich.article")
    if row["page_type"] != "article":
        return _staged(None)
    try:
        return _staged(enrich_record(row["title"], row["text"], _day(row["published_at"]), row["authors"]))
    except Exception as exc:  # one article the rules choke on must not stop the batch: it loads, unenriched, with why
        log.exception("enrich: item %s could not be enriched", row["item_id"])
        return {**_staged(None), "enrich_error": f"{type(exc).__name__}: {exc}"[:500]}


def warm_up() -> None:
    """Build the dictionaries and matchers now (a worker does this before it takes its first article)."""
    enrich_record(
        "United States and China resume trade talks",
        "Washington and Beijing agreed on Monday to cut tariffs on soybeans, said the trade representative.",
        date(2025, 1, 1),
        [],
    )


def _failed_row(row: dict[str, Any], reason: str) -> dict[str, Any]:
    log.error("enrich: item %s could not be enriched: %s", row["item_id"], reason)
    return {**_staged(None), "enrich_error": reason[:500]}


ENRICH_INPUT = ["item_id", "title", "text", "page_type", "published_at", "authors"]
BATCH_ARTICLES = 256  # articles read, enriched and written at a time
MIN_ARTICLES_PER_WORKER = 300  # below this, worker processes cost more than they save


def _with_enrichment(frame: pl.DataFrame, staged: list[dict[str, Any]]) -> pl.DataFrame:
    columns = [
        pl.Series(name, [s[name] for s in staged], dtype=pl.List(struct)) for name, struct in LIST_COLUMNS.items()
    ]
    columns += [pl.Series(name, [s[name] for s in staged], dtype=dtype) for name, dtype in SCALAR_COLUMNS.items()]
    return frame.with_columns(columns)


def enrich_articles(clean_path: Path, out_path: Path, workers: int = 1, timeout: float = 60.0) -> Path:
    """Enrich the cleaned records of clean_path, in batches; with workers > 1 in that many processes.

    A record the rules fail on (or that takes longer than `timeout` in a worker) is written
    unenriched, with the reason in enrich_error, rather than stopping the batch.
    """
    from tradewire.clean.workers import WorkerPool

    schema = pl.Schema({**pl.read_parquet_schema(clean_path), **{n: pl.List(t) for n, t in LIST_COLUMNS.items()},
                        **SCALAR_COLUMNS})  # fmt: skip
    failed = 0
    # a worker costs ~4 s to start (imports, dictionaries): as much as enriching ~300 articles in-process
    if pl.scan_parquet(clean_path).select(pl.len()).collect().item() < MIN_ARTICLES_PER_WORKER * workers:
        workers = 1
    pool = (
        WorkerPool(timeout, workers, _failed_row, "tradewire.enrich.worker", label="enrichment")
        if workers > 1
        else None
    )
    with StageWriter(out_path, schema) as out:
        try:
            for batch in iter_parquet(clean_path, batch_rows=BATCH_ARTICLES):
                rows = list(batch.select(ENRICH_INPUT).iter_rows(named=True))
                staged = pool.map(rows) if pool else [_enrich_row(row) for row in rows]
                failed += sum(1 for s in staged if s["enrich_error"])
                out.write(_with_enrichment(batch, staged))
        finally:
            if pool:
                pool.__exit__(None, None, None)
    log.info("enrich: %d records (%d could not be enriched) -> %s", out.rows, failed, out_path)
    return out_path
