"""Idempotent loads into the DuckDB warehouse: all or nothing per run, keyed by stable ids.

Rerunning a load with the same inputs leaves every content table as it was:
articles and bridges are replaced by key, items keeps one row per item,
fetch_log and dq_results one set of rows per run, quarantine one row per item and stage.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from tradewire.clean.dedup import STORY_JACCARD, band_keys, similarity
from tradewire.enrich.schema import SCALAR_COLUMNS
from tradewire.faults import crash_point
from tradewire.fetch.redact import redact_url
from tradewire.files import FILE_MODE, make_folders
from tradewire.load.dimensions import write_dimensions
from tradewire.load.schema import migrate
from tradewire.settings import LOAD_CHUNK_ARTICLES
from tradewire.sources import SourcesConfig

log = logging.getLogger(__name__)


@dataclass
class Ledger:
    """What happened to every page a run discovered, counted from independent sources.

    items_discovered (the fetch plan) = pages_fetched + fetch_failures + skipped (fetch rows, plan)
    pages_fetched = articles_loaded + duplicates + not_articles + quarantined (the warehouse's items)
    """

    run_id: str
    items_discovered: int = 0
    pages_fetched: int = 0
    fetch_failures: int = 0
    skipped: int = 0  # settled by earlier runs, unchanged, known canonical URL, not modified, robots.txt
    articles_loaded: int = 0
    articles_new: int = 0
    story_members: int = 0  # articles loaded that joined the story cluster of an earlier article
    duplicates: int = 0
    not_articles: int = 0
    quarantined: int = 0
    feeds_failed: int = 0
    unaccounted: int = 0  # fetched pages the warehouse gives no bucket: must be 0
    skipped_detail: dict[str, int] = field(default_factory=dict)

    @property
    def discovered_accounted(self) -> int:
        return self.pages_fetched + self.fetch_failures + self.skipped

    @property
    def fetched_accounted(self) -> int:
        return self.articles_loaded + self.duplicates + self.not_articles + self.quarantined

    @property
    def balanced(self) -> bool:
        return (
            self.items_discovered == self.discovered_accounted
            and self.pages_fetched == self.fetched_accounted
            and not self.unaccounted
        )

    def as_dict(self) -> dict[str, object]:
        return {
            **asdict(self),
            "discovered_accounted": self.discovered_accounted,
            "fetched_accounted": self.fetched_accounted,
            "balanced": self.balanced,
        }


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    make_folders(path.parent)
    con = duckdb.connect(str(path), read_only=read_only)
    if not read_only:
        os.chmod(path, FILE_MODE)  # DuckDB makes the file with the umask's mode
        migrate(con)
    return con


def _upsert_sources(con: duckdb.DuckDBPyConnection, config: SourcesConfig) -> None:
    rows = [
        (
            s.name,
            s.name,
            s.kind,
            redact_url(s.url) if s.url else None,
            str(s.path) if s.path else None,
            s.language,
            s.country,
            list(s.tags),
        )
        for s in config.sources
    ]
    if rows:
        con.executemany("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _assign_duplicates(con: duckdb.DuckDBPyConnection, batch: pl.DataFrame) -> pl.DataFrame:
    """Add duplicate_of and story_id to the batch's articles.

    duplicate_of: an article with the same normalised text (same fingerprint), in the warehouse or
    earlier in the batch; the page is not stored again, its URL is added to the article's.
    story_id: the story cluster, named after its first member: the story of an article whose
    MinHash similarity to one already known (or earlier in the batch) reaches STORY_JACCARD, else
    the article itself. Earlier means earlier published, then smaller id, so reruns decide the same.
    """
    batch = batch.unique(subset="article_id", keep="first", maintain_order=True)
    ordered = batch.sort(["published_at", "article_id"], nulls_last=True)
    keys = {aid: band_keys(sig) for aid, sig in ordered.select("article_id", "minhash").iter_rows()}
    all_keys = sorted({k for ks in keys.values() for k in ks})
    known_fp: dict[str, str] = {}
    known_sig: dict[str, list[int]] = {}
    story_of: dict[str, str] = {}
    by_key: dict[str, set[str]] = {}
    if all_keys:
        con.register("wanted_keys", pl.DataFrame({"band_key": all_keys}).to_arrow())
        # each candidate's signature once, not once per band it shares: at 50,000 articles that was 16 copies
        for aid, fp, sig, story in con.execute(
            "SELECT article_id, fingerprint, minhash, coalesce(story_id, article_id) FROM articles "
            "WHERE article_id IN (SELECT article_id FROM article_lsh JOIN wanted_keys USING (band_key))"
        ).fetchall():
            known_fp[fp] = aid
            known_sig[aid] = list(sig)
            story_of[aid] = story
        for key, aid in con.execute(
            "SELECT band_key, article_id FROM article_lsh JOIN wanted_keys USING (band_key)"
        ).fetchall():
            if aid in known_sig:  # an article of the warehouse, as the join above found it
                by_key.setdefault(key, set()).add(aid)
        con.unregister("wanted_keys")
    for fp, aid, story in con.execute(
        "SELECT fingerprint, article_id, coalesce(story_id, article_id) FROM articles "
        "WHERE fingerprint IN (SELECT unnest(?::VARCHAR[]))",
        [ordered["fingerprint"].to_list()],
    ).fetchall():
        known_fp.setdefault(fp, aid)
        story_of.setdefault(aid, story)
    duplicate_of: dict[str, str | None] = {}
    story_id: dict[str, str] = {}
    for article_id, fingerprint, signature in ordered.select("article_id", "fingerprint", "minhash").iter_rows():
        owner = known_fp.get(fingerprint)
        if owner is not None and owner != article_id:
            duplicate_of[article_id] = owner
            story_id[article_id] = story_of.get(owner, owner)
            continue
        duplicate_of[article_id] = None
        candidates = sorted({c for k in keys[article_id] for c in by_key.get(k, ())} - {article_id})
        similar = [c for c in candidates if similarity(known_sig[c], signature) >= STORY_JACCARD]
        stories = sorted({story_of.get(c, c) for c in similar})
        story_id[article_id] = stories[0] if stories else story_of.get(article_id, article_id)
        known_fp.setdefault(fingerprint, article_id)
        known_sig[article_id] = signature
        story_of[article_id] = story_id[article_id]
        for key in keys[article_id]:
            by_key.setdefault(key, set()).add(article_id)
    return batch.with_columns(
        pl.col("article_id").replace_strict(duplicate_of, return_dtype=pl.String).alias("duplicate_of"),
        pl.col("article_id").replace_strict(story_id, return_dtype=pl.String).alias("story_id"),
    )


def read_quarantine(paths: list[Path]) -> pl.DataFrame:
    from tradewire.validate.run import QUARANTINE_SCHEMA

    frames = [pl.read_parquet(p) for p in paths if p.exists()]
    return pl.concat(frames) if frames else pl.DataFrame(schema=QUARANTINE_SCHEMA)


def load_run(
    warehouse: Path,
    config: SourcesConfig,
    run_id: str,
    fetch_path: Path,
    passed_path: Path,
    quarantine_paths: list[Path],
    chunk_articles: int = LOAD_CHUNK_ARTICLES,
) -> Ledger:
    """Load one run: the pages that passed every check, the quarantined items, the fetch records.

    passed_path holds every cleaned and enriched page that no check quarantined (articles and
    other page types); quarantine_paths the validation steps' quarantine files. Articles go in
    chunks of `chunk_articles`, earliest published first, so every chunk sees the ones before it
    as an unchunked load would, and this process holds one chunk at a time. All or nothing either
    way: a run of one chunk is one transaction on the warehouse, a larger one is committed chunk by
    chunk on a copy that replaces the warehouse once complete (see `_writing`).
    """
    now = datetime.now(UTC)
    # every column but the bodies: a large run's bodies would not fit in memory, and nothing here needs them
    fetched = pl.read_parquet(fetch_path, columns=[c for c in pl.read_parquet_schema(fetch_path) if c != "body"])
    pages = pl.read_parquet(passed_path, columns=["item_id", "article_id", "page_type", "reason", "published_at"])
    quarantined = read_quarantine(quarantine_paths)
    chunks = _article_chunks(pages, max(1, chunk_articles))
    with _writing(warehouse, in_steps=len(chunks) > 1) as writer:
        _upsert_sources(writer.con, config)
        existing = {r[0] for r in writer.con.execute("SELECT article_id FROM articles").fetchall()}
        outcomes = [_empty_outcome()]
        for article_ids in chunks:
            validated = pl.scan_parquet(passed_path).filter(
                (pl.col("page_type") == "article") & pl.col("article_id").is_in(article_ids)
            ).collect()  # fmt: skip
            batch = _assign_duplicates(writer.con, validated)
            _write_articles(writer.con, batch.filter(pl.col("duplicate_of").is_null()), now)
            _write_article_urls(writer.con, validated, batch, now)
            outcomes.append(batch.select(*_OUTCOME))
            writer.step()
        batch = pl.concat(outcomes)
        write_dimensions(writer.con)  # after the articles: the calendar spans their days
        pages = pages.drop("published_at")
        _write_items(writer.con, fetched, pages, batch, quarantined, run_id, now)
        writer.step()
        _write_attempts(writer.con, fetch_path.parent / "attempts.parquet", run_id)
        _write_quarantine(writer.con, quarantined, fetched, run_id, now)
        _write_archive_index(writer.con, fetched)
        writer.step()
        ledger = _ledger(writer.con, run_id, fetched, fetch_path.parent / "fetch_summary.json")
        canonical = batch.filter(pl.col("duplicate_of").is_null())
        ledger.articles_new = canonical.filter(~pl.col("article_id").is_in(list(existing))).height
        ledger.story_members = canonical.filter(pl.col("story_id") != pl.col("article_id")).height
    log.info("load: %s", ledger)
    return ledger


def loading_copy(warehouse: Path) -> Path:
    """Where a load of several chunks writes before its copy replaces the warehouse."""
    return warehouse.with_name(f".{warehouse.name}.loading")


def _wal(database: Path) -> Path:
    return database.with_name(database.name + ".wal")


class _Writer:
    """The load's connection, in a transaction, and `step`, which commits what is written so far where safe."""

    def __init__(self, database: Path, in_steps: bool) -> None:
        self.database, self.in_steps = database, in_steps
        self.con = connect(database)
        self.con.execute("BEGIN TRANSACTION")

    def step(self) -> None:
        """In steps: commit, then reopen, so DuckDB lets go of its caches and the memory stays one step's."""
        if not self.in_steps:
            return
        self.con.execute("COMMIT")
        self.con.close()  # the last close checkpoints: what this step wrote is on disk
        crash_point("load.step")
        self.con = connect(self.database)
        self.con.execute("BEGIN TRANSACTION")


@contextmanager
def _writing(warehouse: Path, in_steps: bool) -> Iterator[_Writer]:
    """The load's writer: one transaction on the warehouse, or steps on a copy renamed over it once complete.

    In one step: the warehouse itself, one transaction, and `step` does nothing. In steps: DuckDB
    holds a transaction's rows in memory until it commits (50,000 articles took over 2 GB), so the
    load writes a copy of the warehouse and commits each step there, where DuckDB writes it to disk;
    the complete copy is renamed over the warehouse (atomic). A load that dies leaves the warehouse
    as it was in both cases; its copy is removed by the next load (under the writer lock).
    """
    warehouse = warehouse.resolve()  # a symlinked warehouse: the copy goes beside the real file, and replaces it
    copy = loading_copy(warehouse)
    _delete(copy)  # a dead load's copy: never renamed, so never part of the warehouse
    if in_steps:
        connect(warehouse).close()  # migrated, and the last close checkpoints: the file holds every commit
        if _wal(warehouse).exists():
            raise RuntimeError(f"{warehouse} is open elsewhere in this process: its WAL was not checkpointed")
        shutil.copyfile(warehouse, copy)
    writer = _Writer(copy if in_steps else warehouse, in_steps)
    committed = False
    try:
        yield writer
        if not in_steps:
            crash_point("load.before_commit")
        writer.con.execute("COMMIT")
        committed = True
    finally:
        if not committed:
            with suppress(duckdb.Error):  # no transaction is open when a step's commit was what failed
                writer.con.execute("ROLLBACK")
        with suppress(duckdb.Error):
            writer.con.close()
        if in_steps and not committed:
            _delete(copy)
    if in_steps:
        _replace(copy, warehouse)


def _delete(copy: Path) -> None:
    for path in (copy, _wal(copy)):
        path.unlink(missing_ok=True)


def _replace(copy: Path, warehouse: Path) -> None:
    """Rename the complete copy over the warehouse, durably: it was checkpointed when it closed."""
    if _wal(copy).exists():
        raise RuntimeError(f"{copy} is open elsewhere in this process: its WAL was not checkpointed")
    with open(copy, "rb") as file:
        os.fsync(file.fileno())
    crash_point("load.before_commit")  # the rename is this load's commit
    os.replace(copy, warehouse)
    folder = os.open(warehouse.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


_OUTCOME = {"item_id": pl.String, "article_id": pl.String, "duplicate_of": pl.String, "story_id": pl.String}


def _empty_outcome() -> pl.DataFrame:
    return pl.DataFrame(schema=_OUTCOME)


def _article_chunks(pages: pl.DataFrame, size: int) -> list[list[str]]:
    """The run's article ids in the order duplicates are decided (published, then id), cut into chunks."""
    order = (
        pages.filter(pl.col("page_type") == "article")
        .unique(subset="article_id", keep="first", maintain_order=True)  # the page _assign_duplicates keeps
        .sort(["published_at", "article_id"], nulls_last=True)["article_id"]
        .to_list()
    )
    return [order[start : start + size] for start in range(0, len(order), size)]


def _ledger(con: duckdb.DuckDBPyConnection, run_id: str, fetched: pl.DataFrame, summary_file: Path) -> Ledger:
    """The run's accounting: fetch-side counts from the fetch rows and plan, load-side from the items table."""
    summary = json.loads(summary_file.read_text()) if summary_file.exists() else {}
    pages = fetched.filter(pl.col("item_kind") == "page")

    def count(condition: pl.Expr) -> int:
        return pages.filter(condition).height

    skipped = {
        "settled_earlier": int(summary.get("pages_settled", 0)),
        "before_since": int(summary.get("pages_before_since", 0)),
        "unchanged_files": int(summary.get("pages_unchanged", 0)),
        "known_canonical_url": count(pl.col("status") == "known_url"),
        "not_modified": count(pl.col("status") == "not_modified"),
        "robots": count((pl.col("status") == "error") & (pl.col("outcome") == "robots")),
    }
    fetched_ids = pages.filter(pl.col("status") == "fetched").select("item_id")
    con.register("run_pages", fetched_ids.to_arrow())
    buckets = dict(
        con.execute(
            "SELECT coalesce(i.status, 'missing'), count(*) FROM run_pages p "
            "LEFT JOIN items i ON i.item_id = p.item_id AND i.last_run_id = ? GROUP BY ALL",
            [run_id],
        ).fetchall()
    )
    con.unregister("run_pages")
    known = ("loaded", "duplicate", "skipped", "quarantined")
    return Ledger(
        run_id=run_id,
        items_discovered=int(summary.get("pages_discovered", pages.height)),
        pages_fetched=fetched_ids.height,
        fetch_failures=count((pl.col("status") == "error") & (pl.col("outcome") != "robots")),
        skipped=sum(skipped.values()),
        skipped_detail=skipped,
        articles_loaded=int(buckets.get("loaded", 0)),
        duplicates=int(buckets.get("duplicate", 0)),
        not_articles=int(buckets.get("skipped", 0)),
        quarantined=int(buckets.get("quarantined", 0)),
        feeds_failed=fetched.filter((pl.col("item_kind") == "feed") & (pl.col("status") == "error")).height,
        unaccounted=sum(int(n) for status, n in buckets.items() if status not in known),
    )


@dataclass(frozen=True)
class Bridge:
    """Where one list column of the enriched frame goes: its table and the SELECT over the unnested rows."""

    table: str
    select: str


# list-of-struct columns of the enriched frame -> one row per item in their table
BRIDGES: dict[str, Bridge] = {
    "countries": Bridge("article_countries", "SELECT article_id, iso3, name, mentions, salience, offsets, about, via"),
    "topics": Bridge("article_topics", "SELECT article_id, id, score, hits, evidence, offsets"),
    "people": Bridge(
        "article_people",
        "SELECT article_id, coalesce(actor_id, lower(name)), name, role, country_iso3, actor_id, mentions, offsets",
    ),
    "places": Bridge("article_places", "SELECT article_id, name, iso3, lat, lon, kind, mentions, offsets"),
    "organizations": Bridge(
        "article_orgs",
        "SELECT article_id, coalesce(id, lower(name)), id, name, type, country_iso3, mentions, offsets",
    ),
    "dyads": Bridge("dyads", "SELECT article_id, a, b, mentions, topics, tone, conflict_cooperation, evidence"),
    "events": Bridge(
        "events",
        "SELECT article_id, seq, type, status, try_cast(date AS DATE), date_text, place_name, place_iso3, actors, "
        'countries, rate_pct, target, try_cast(effective_date AS DATE), evidence, start, "end"',
    ),
    "quotes": Bridge(
        "quotes",
        'SELECT article_id, seq, text, speaker, speaker_role, speaker_actor_id, verb, start, "end"',
    ),
    "amounts": Bridge("amounts", 'SELECT article_id, seq, text, kind, value, currency, unit, refers_to, start, "end"'),
}


def _write_articles(con: duckdb.DuckDBPyConnection, canonical: pl.DataFrame, now: datetime) -> None:
    if not canonical.height:
        return
    rows = canonical.with_columns(pl.col("source").alias("source_id"), pl.lit(now).alias("seen_at"))
    missing = [pl.lit(None, dtype).alias(name) for name, dtype in SCALAR_COLUMNS.items() if name not in rows.columns]
    rows = rows.with_columns(missing)  # enriched by an older version: staging files outlive releases
    con.register("batch", rows.drop(*BRIDGES, strict=False).to_arrow())
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE kept AS
        SELECT b.article_id, coalesce(a.first_seen_at, b.seen_at) AS first_seen_at
        FROM batch b LEFT JOIN articles a USING (article_id)
        """
    )
    for table in (*(bridge.table for bridge in BRIDGES.values()), "article_lsh", "articles"):
        con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT article_id FROM batch)")  # noqa: S608
    con.execute(
        """
        INSERT INTO articles
        SELECT b.article_id, b.url, b.canonical_url, b.source_id, b.title, b.authors, b.published_at, b.modified_at,
               b.site_name, b.section, b.tags, b.language, b.text, b.word_count, b.image, b.fingerprint, b.minhash,
               b.extractor,
               k.first_seen_at, b.seen_at, b.story_id, b.is_trade, b.is_trade_evidence,
               b.tone, b.conflict_cooperation, b.tone_evidence, b.gpr_threat, b.gpr_act, b.gpr_evidence, b.tpu,
               b.tpu_evidence, b.enrich_error
        FROM batch b JOIN kept k USING (article_id)
        """
    )
    con.unregister("batch")
    lsh = pl.DataFrame(
        [(aid, key) for aid, sig in canonical.select("article_id", "minhash").iter_rows() for key in band_keys(sig)],
        schema={"article_id": pl.String, "band_key": pl.String},
        orient="row",
    ).unique()
    con.register("lsh_batch", lsh.to_arrow())
    con.execute("INSERT INTO article_lsh SELECT article_id, band_key FROM lsh_batch")
    con.unregister("lsh_batch")
    for column, bridge in BRIDGES.items():
        if column not in canonical.columns:
            continue
        exploded = canonical.select("article_id", column).explode(column).drop_nulls(column)
        if not exploded.height:
            continue
        # seq: the item's place in the article's list, a stable key for lists without a natural one
        bridge_rows = exploded.with_columns(pl.int_range(pl.len()).over("article_id").cast(pl.Int32).alias("seq"))
        con.register("bridge_batch", bridge_rows.unnest(column).to_arrow())
        con.execute(f"INSERT INTO {bridge.table} {bridge.select} FROM bridge_batch")
        con.unregister("bridge_batch")


def _write_attempts(con: duckdb.DuckDBPyConnection, attempts_path: Path, run_id: str) -> None:
    """The run's request attempts replace any earlier load of the same run (a rerun of the task)."""
    if not attempts_path.exists():  # a reprocess run makes no requests
        return
    con.execute("DELETE FROM fetch_log WHERE run_id = ?", [run_id])
    attempts = pl.read_parquet(attempts_path)
    if not attempts.height:
        return
    con.register("attempt_batch", attempts.with_columns(pl.lit(run_id).alias("run_id")).to_arrow())
    con.execute(
        """
        INSERT INTO fetch_log (run_id, item_id, purpose, attempt, source_id, url, path, final_url, outcome,
                               http_status, bytes, duration_ms, error, started_at)
        SELECT run_id, item_id, purpose, attempt, nullif(source, ''), url, path, final_url, outcome,
               http_status, bytes, duration_ms, error, started_at
        FROM attempt_batch
        """
    )
    con.unregister("attempt_batch")


def _write_article_urls(
    con: duckdb.DuckDBPyConnection, validated: pl.DataFrame, batch: pl.DataFrame, now: datetime
) -> None:
    """Every page that brought an article, exact copies included, under the article it became."""
    if not validated.height:
        return
    owners = batch.select(
        "article_id", pl.coalesce("duplicate_of", "article_id").alias("owner")
    )  # two pages naming one canonical URL share their article_id
    rows = validated.select("article_id", "item_id", "url", "source").join(owners, on="article_id", how="inner").select(
        pl.col("owner").alias("article_id"), "item_id", "url", pl.col("source").alias("source_id"),
        pl.lit(now).alias("first_seen_at"),
    )  # fmt: skip
    con.register("url_batch", rows.to_arrow())
    con.execute("INSERT OR IGNORE INTO article_urls BY NAME SELECT * FROM url_batch")
    con.unregister("url_batch")


def _write_items(
    con: duckdb.DuckDBPyConnection,
    fetched: pl.DataFrame,
    pages: pl.DataFrame,
    batch: pl.DataFrame,
    quarantined: pl.DataFrame,
    run_id: str,
    now: datetime,
) -> None:
    # an item whose canonical URL names an article another item of the batch brought is its duplicate
    batch_articles = batch.select("article_id", pl.col("item_id").alias("_loaded_by"))
    held = quarantined.group_by("item_id").agg(
        pl.col("reason").sort().str.join("; ").alias("_held_reason"),
        pl.col("article_id").first().alias("_held_article"),
    )
    outcome = (
        fetched.rename({"duplicate_of": "_known_as"})
        .join(pages, on="item_id", how="left", suffix="_page")
        .join(held, on="item_id", how="left")
        .with_columns(pl.coalesce("article_id", "_held_article").alias("article_id"))
        .join(batch.select("item_id", "duplicate_of"), on="item_id", how="left")
        .join(batch_articles, on="article_id", how="left")
        .with_columns(
            pl.col("item_id").is_in(batch["item_id"].to_list()).alias("_validated"),
            pl.col("item_id").is_in(quarantined["item_id"].to_list()).alias("_quarantined"),
            pl.when(pl.col("_loaded_by").is_not_null() & (pl.col("_loaded_by") != pl.col("item_id")))
            .then(pl.col("article_id"))
            .alias("_same_canonical"),
        )
        .with_columns(
            pl.coalesce("duplicate_of", "_known_as", "_same_canonical").alias("duplicate_of"),
            pl.when(pl.col("_same_canonical").is_not_null() & pl.col("reason_page").is_null())
            .then(pl.lit("same canonical URL as another page of the run"))
            .otherwise(pl.col("reason_page"))
            .alias("reason_page"),
        )
        .with_columns(
            pl.when(pl.col("status") == "error")
            .then(pl.lit("error"))
            .when(pl.col("status") == "known_url")
            .then(pl.lit("duplicate"))
            .when(pl.col("item_kind") == "feed")
            .then(pl.when(pl.col("status") == "not_modified").then(pl.lit("not_modified")).otherwise(pl.lit("listed")))
            .when(pl.col("status") == "not_modified")
            .then(pl.lit("not_modified"))
            .when(pl.col("_quarantined"))
            .then(pl.lit("quarantined"))
            .when(pl.col("page_type") != "article")
            .then(pl.lit("skipped"))
            .when(pl.col("duplicate_of").is_not_null())
            .then(pl.lit("duplicate"))
            .when(pl.col("_validated"))
            .then(pl.lit("loaded"))
            .otherwise(pl.lit("failed"))
            .alias("final_status"),
            pl.coalesce("_held_reason", "reason_page", "reason").alias("final_reason"),
        )
        .select(
            "item_id",
            pl.col("source").alias("source_id"),
            "item_kind",
            "url",
            "path",
            pl.col("final_status").alias("status"),
            pl.col("final_reason").alias("reason"),
            "page_type",
            "article_id",
            "duplicate_of",
            "http_status",
            "content_type",
            "outcome",
            "etag",
            "last_modified",
            "content_hash",
            pl.lit(now).alias("seen_at"),
            pl.lit(run_id).alias("run_id"),
        )
    )
    con.register("log_batch", outcome.to_arrow())
    con.execute(
        """
        INSERT INTO items (item_id, source_id, item_kind, url, path, status, reason, page_type, article_id,
                               duplicate_of, http_status, content_type, first_seen_at, last_fetched_at, last_run_id,
                               outcome, etag, last_modified, content_hash)
        SELECT item_id, source_id, item_kind, url, path, status, reason, page_type, article_id, duplicate_of,
               http_status, content_type, seen_at, seen_at, run_id, outcome, etag, last_modified, content_hash
        FROM log_batch
        ON CONFLICT (item_id) DO UPDATE SET
            source_id = excluded.source_id, item_kind = excluded.item_kind, url = excluded.url, path = excluded.path,
            status = excluded.status, reason = excluded.reason, page_type = excluded.page_type,
            article_id = excluded.article_id, duplicate_of = excluded.duplicate_of,
            http_status = excluded.http_status, content_type = excluded.content_type,
            last_fetched_at = excluded.last_fetched_at, last_run_id = excluded.last_run_id,
            outcome = excluded.outcome,
            etag = coalesce(excluded.etag, items.etag),
            last_modified = coalesce(excluded.last_modified, items.last_modified),
            content_hash = coalesce(excluded.content_hash, items.content_hash)
        """
    )
    con.unregister("log_batch")


def _write_archive_index(con: duckdb.DuckDBPyConnection, fetched: pl.DataFrame) -> None:
    """One row per archived body of an item; the first fetch of a body is the one remembered."""
    rows = fetched.filter((pl.col("status") == "fetched") & pl.col("content_hash").is_not_null()).select(
        "item_id", "content_hash", pl.col("source").alias("source_id"), "item_kind", "url", "path", "final_url",
        "http_status", "content_type", "headers", "fetched_at",
    )  # fmt: skip
    if rows.height:
        con.register("archive_batch", rows.to_arrow())
        con.execute("INSERT OR IGNORE INTO raw_archive BY NAME SELECT * FROM archive_batch")
        con.unregister("archive_batch")


def _write_quarantine(
    con: duckdb.DuckDBPyConnection, quarantined: pl.DataFrame, fetched: pl.DataFrame, run_id: str, now: datetime
) -> None:
    """Hold this run's quarantined items; release what this run fetched again and no check held back."""
    con.register("held_now", quarantined.select("item_id", "stage").to_arrow())
    con.register("fetched_now", fetched.filter(pl.col("status") == "fetched").select("item_id").to_arrow())
    con.execute(
        """
        UPDATE quarantine SET released_at = ?, released_by_run = ?
        WHERE released_at IS NULL
          AND item_id IN (SELECT item_id FROM fetched_now)
          AND (item_id, stage) NOT IN (SELECT (item_id, stage) FROM held_now)
        """,
        [now, run_id],
    )
    con.unregister("fetched_now")
    con.unregister("held_now")
    if quarantined.height:
        rows = quarantined.with_columns(
            pl.lit(run_id).alias("run_id"),
            pl.lit(now).alias("quarantined_at"),
            pl.lit(None, pl.Datetime("us", "UTC")).alias("released_at"),
            pl.lit(None, pl.String).alias("released_by_run"),
        )
        con.register("quarantine_batch", rows.to_arrow())
        con.execute(
            "INSERT OR REPLACE INTO quarantine BY NAME "
            "SELECT item_id, stage, run_id, article_id, failed_expectations, record::JSON AS record, quarantined_at, "
            "reason, released_at, released_by_run FROM quarantine_batch"
        )
        con.unregister("quarantine_batch")


def table_counts(path: Path) -> dict[str, int]:
    from tradewire.load.schema import TABLES

    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}  # type: ignore[index]  # noqa: S608
    finally:
        con.close()


LEDGER_COUNTS = (
    "items_discovered", "pages_fetched", "fetch_failures", "skipped", "articles_loaded", "articles_new",
    "duplicates", "not_articles", "quarantined", "feeds_failed",
)  # fmt: skip


def record_run(
    warehouse: Path, run_id: str, run_dir: Path, dag_id: str | None = None, started_at: datetime | None = None
) -> dict[str, Any]:
    """Write the run's dq_results and its run_ledger row, whatever happened to the run.

    Status: `loaded` (every check passed and the ledger balanced), `rejected` (a stage's batch broke
    its contract, so nothing was loaded), `failed` (the load did not finish, or the warehouse
    checks failed after it).
    """
    from tradewire.validate.run import DQ_SCHEMA

    dry_run = run_dir / "dry_run.json"
    if dry_run.exists():  # a dry run reports and writes nothing, not even its own record
        report: dict[str, Any] = json.loads(dry_run.read_text())
        return {**report, "status": "dry_run"}
    checks = run_dir / "validate"
    dq_files = sorted(checks.glob("*_dq.parquet")) if checks.is_dir() else []
    dq = pl.concat([pl.read_parquet(p) for p in dq_files]) if dq_files else pl.DataFrame(schema=DQ_SCHEMA)
    failures = {
        p.name.removesuffix("_failure.json"): json.loads(p.read_text())
        for p in (sorted(checks.glob("*_failure.json")) if checks.is_dir() else [])
    }
    ledger_file = run_dir / "ledger.json"
    counts: dict[str, Any] = json.loads(ledger_file.read_text()) if ledger_file.exists() else {}
    if set(failures) - {"warehouse"}:
        status = "rejected"
    elif not counts or "warehouse" in failures:
        status = "failed"
    else:
        status = "loaded"
    if not counts:  # nothing loaded: what the fetch stage saw, for the record
        summary_file = run_dir / "fetch_summary.json"
        summary = json.loads(summary_file.read_text()) if summary_file.exists() else {}
        counts = {"items_discovered": summary.get("pages_discovered"), "pages_fetched": summary.get("pages_fetched")}
    problems = [problem for failure in failures.values() for problem in failure.get("problems", [])]
    message = " | ".join(f["message"] for f in failures.values()) or None
    if status == "failed" and not message:
        message = "the run stopped before its load finished; see the task logs"
    row = {
        "run_id": run_id,
        "dag_id": dag_id,
        "status": status,
        "started_at": started_at,
        "finished_at": datetime.now(UTC),
        **{k: counts.get(k) for k in LEDGER_COUNTS},
        "skipped_detail": json.dumps(counts.get("skipped_detail") or {}),
        "balanced": counts.get("balanced"),
        "failed_expectations": problems,
        "message": message,
    }
    con = connect(warehouse)
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM dq_results WHERE run_id = ?", [run_id])
        if dq.height:
            con.register("dq_batch", dq.with_columns(pl.lit(run_id).alias("run_id")).to_arrow())
            con.execute("INSERT INTO dq_results BY NAME SELECT * FROM dq_batch")
            con.unregister("dq_batch")
        con.register("ledger_row", pl.DataFrame([row]).to_arrow())
        con.execute(
            "INSERT OR REPLACE INTO run_ledger BY NAME SELECT * REPLACE (failed_expectations::VARCHAR[] "
            "AS failed_expectations) FROM ledger_row"
        )
        con.unregister("ledger_row")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    log.info("run %s recorded: %s", run_id, {k: row[k] for k in ("status", "balanced", "message")})
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}
