"""Versioned warehouse migrations, applied in order and recorded in schema_migrations."""

from __future__ import annotations

from collections.abc import Callable

import duckdb


def _recompute_signatures(con: duckdb.DuckDBPyConnection) -> None:
    """MinHash signatures and LSH bands of every stored article, recomputed from its text."""
    import polars as pl

    from tradewire.clean.dedup import band_keys, minhash

    articles = con.execute("SELECT article_id, text FROM articles").fetchall()
    signatures = {article_id: minhash(text or "") for article_id, text in articles}
    con.execute("DELETE FROM article_lsh")
    if not signatures:
        return
    frame = pl.DataFrame(
        {"article_id": list(signatures), "minhash": list(signatures.values())},
        schema={"article_id": pl.String, "minhash": pl.List(pl.UInt64)},
    )
    bands = pl.DataFrame(
        [(aid, key) for aid, sig in signatures.items() for key in band_keys(sig)],
        schema={"article_id": pl.String, "band_key": pl.String},
        orient="row",
    ).unique()
    con.register("new_signatures", frame.to_arrow())
    con.execute(
        "UPDATE articles SET minhash = n.minhash FROM new_signatures n WHERE articles.article_id = n.article_id"
    )
    con.unregister("new_signatures")
    con.register("new_bands", bands.to_arrow())
    con.execute("INSERT INTO article_lsh SELECT article_id, band_key FROM new_bands")
    con.unregister("new_bands")


Migration = tuple[int, str, "str | Callable[[duckdb.DuckDBPyConnection], None]"]

MIGRATIONS: list[Migration] = [
    (
        1,
        "core tables",
        """
        CREATE TABLE sources (
            source_id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            url VARCHAR,
            path VARCHAR,
            language VARCHAR,
            country VARCHAR,
            tags VARCHAR[]
        );
        CREATE TABLE articles (
            article_id VARCHAR PRIMARY KEY,
            url VARCHAR,
            canonical_url VARCHAR,
            source_id VARCHAR NOT NULL,
            title VARCHAR NOT NULL,
            authors VARCHAR[],
            published_at TIMESTAMPTZ,
            modified_at TIMESTAMPTZ,
            site_name VARCHAR,
            section VARCHAR,
            tags VARCHAR[],
            language VARCHAR,
            text VARCHAR NOT NULL,
            word_count INTEGER,
            image VARCHAR,
            fingerprint VARCHAR NOT NULL,
            minhash UBIGINT[] NOT NULL,
            extractor VARCHAR,
            first_seen_at TIMESTAMPTZ NOT NULL,
            last_seen_at TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE article_lsh (
            article_id VARCHAR NOT NULL,
            band_key VARCHAR NOT NULL,
            PRIMARY KEY (article_id, band_key)
        );
        CREATE TABLE article_countries (
            article_id VARCHAR NOT NULL,
            iso3 VARCHAR NOT NULL,
            name VARCHAR,
            mentions INTEGER NOT NULL,
            salience DOUBLE NOT NULL,
            PRIMARY KEY (article_id, iso3)
        );
        CREATE TABLE article_topics (
            article_id VARCHAR NOT NULL,
            topic_id VARCHAR NOT NULL,
            score DOUBLE NOT NULL,
            hits INTEGER NOT NULL,
            PRIMARY KEY (article_id, topic_id)
        );
        CREATE TABLE fetch_log (
            item_id VARCHAR PRIMARY KEY,
            source_id VARCHAR NOT NULL,
            item_kind VARCHAR NOT NULL,
            url VARCHAR,
            path VARCHAR,
            status VARCHAR NOT NULL,
            reason VARCHAR,
            page_type VARCHAR,
            article_id VARCHAR,
            duplicate_of VARCHAR,
            http_status INTEGER,
            content_type VARCHAR,
            first_seen_at TIMESTAMPTZ NOT NULL,
            last_fetched_at TIMESTAMPTZ NOT NULL,
            last_run_id VARCHAR NOT NULL
        );
        CREATE TABLE quarantine (
            item_id VARCHAR NOT NULL,
            stage VARCHAR NOT NULL,
            run_id VARCHAR NOT NULL,
            article_id VARCHAR,
            failed_expectations VARCHAR[] NOT NULL,
            record JSON NOT NULL,
            quarantined_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (item_id, stage)
        );
        CREATE TABLE dq_results (
            run_id VARCHAR NOT NULL,
            stage VARCHAR NOT NULL,
            suite VARCHAR NOT NULL,
            expectation VARCHAR NOT NULL,
            column_name VARCHAR,
            success BOOLEAN NOT NULL,
            row_level BOOLEAN NOT NULL,
            observed_value VARCHAR,
            unexpected_count BIGINT,
            unexpected_sample VARCHAR,
            validated_at TIMESTAMPTZ NOT NULL
        );
        """,
    ),
    (2, "fetch_log.outcome: the category of the latest fetch", "ALTER TABLE fetch_log ADD COLUMN outcome VARCHAR"),
    (
        3,
        "fetch_log validators and content hash, for conditional and incremental fetching",
        """
        ALTER TABLE fetch_log ADD COLUMN etag VARCHAR;
        ALTER TABLE fetch_log ADD COLUMN last_modified VARCHAR;
        ALTER TABLE fetch_log ADD COLUMN content_hash VARCHAR;
        """,
    ),
    (
        4,
        "raw_archive: the index of archived response bodies",
        """
        CREATE TABLE raw_archive (
            item_id VARCHAR NOT NULL,
            content_hash VARCHAR NOT NULL,
            source_id VARCHAR NOT NULL,
            item_kind VARCHAR NOT NULL,
            url VARCHAR,
            path VARCHAR,
            final_url VARCHAR,
            http_status INTEGER,
            content_type VARCHAR,
            headers JSON,
            fetched_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (item_id, content_hash)
        );
        """,
    ),
    (
        5,
        "items: the latest state of each item (was fetch_log); fetch_log: one row per request attempt",
        """
        ALTER TABLE fetch_log RENAME TO items;
        CREATE TABLE fetch_log (
            run_id VARCHAR NOT NULL,
            item_id VARCHAR NOT NULL,
            purpose VARCHAR NOT NULL,
            attempt INTEGER NOT NULL,
            source_id VARCHAR,
            url VARCHAR,
            path VARCHAR,
            final_url VARCHAR,
            outcome VARCHAR NOT NULL,
            http_status INTEGER,
            bytes BIGINT,
            duration_ms DOUBLE,
            error VARCHAR,
            started_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (run_id, item_id, purpose, attempt)
        );
        """,
    ),
    (
        6,
        "story clusters (articles.story_id) and every URL of an article (article_urls)",
        """
        ALTER TABLE articles ADD COLUMN story_id VARCHAR;
        UPDATE articles SET story_id = article_id;
        CREATE TABLE article_urls (
            article_id VARCHAR NOT NULL,
            item_id VARCHAR NOT NULL,
            url VARCHAR,
            source_id VARCHAR,
            first_seen_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (article_id, item_id)
        );
        INSERT INTO article_urls
        SELECT article_id, item_id, url, source_id, first_seen_at FROM items
        WHERE status = 'loaded' AND article_id IS NOT NULL;
        """,
    ),
    (7, "MinHash signatures version 2 (unbiased permutations): recomputed from the stored text", _recompute_signatures),
    (
        8,
        "is_trade on articles, and article_people",
        """
        ALTER TABLE articles ADD COLUMN is_trade BOOLEAN;
        ALTER TABLE articles ADD COLUMN is_trade_evidence VARCHAR[];
        CREATE TABLE article_people (
            article_id VARCHAR NOT NULL,
            person_key VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            role VARCHAR,
            country_iso3 VARCHAR,
            actor_id VARCHAR,
            mentions INTEGER NOT NULL,
            offsets INTEGER[],
            PRIMARY KEY (article_id, person_key)
        );
        """,
    ),
    (
        9,
        "every enrichment family: evidence on countries and topics, tone and risk flags on articles, "
        "article_places, article_orgs, dyads, events, quotes, amounts",
        """
        ALTER TABLE article_countries ADD COLUMN offsets INTEGER[];
        ALTER TABLE article_countries ADD COLUMN about BOOLEAN;
        ALTER TABLE article_countries ADD COLUMN via VARCHAR[];
        ALTER TABLE article_topics ADD COLUMN evidence VARCHAR[];
        ALTER TABLE article_topics ADD COLUMN offsets INTEGER[];
        ALTER TABLE articles ADD COLUMN tone DOUBLE;
        ALTER TABLE articles ADD COLUMN conflict_cooperation DOUBLE;
        ALTER TABLE articles ADD COLUMN tone_evidence VARCHAR[];
        ALTER TABLE articles ADD COLUMN gpr_threat BOOLEAN;
        ALTER TABLE articles ADD COLUMN gpr_act BOOLEAN;
        ALTER TABLE articles ADD COLUMN gpr_evidence VARCHAR[];
        ALTER TABLE articles ADD COLUMN tpu BOOLEAN;
        ALTER TABLE articles ADD COLUMN tpu_evidence VARCHAR[];
        ALTER TABLE articles ADD COLUMN enrich_error VARCHAR;
        CREATE TABLE article_places (
            article_id VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            iso3 VARCHAR,
            lat DOUBLE,
            lon DOUBLE,
            kind VARCHAR,
            mentions INTEGER NOT NULL,
            offsets INTEGER[],
            PRIMARY KEY (article_id, name)
        );
        CREATE TABLE article_orgs (
            article_id VARCHAR NOT NULL,
            org_key VARCHAR NOT NULL,
            org_id VARCHAR,
            name VARCHAR NOT NULL,
            type VARCHAR,
            country_iso3 VARCHAR,
            mentions INTEGER NOT NULL,
            offsets INTEGER[],
            PRIMARY KEY (article_id, org_key)
        );
        CREATE TABLE dyads (
            article_id VARCHAR NOT NULL,
            a VARCHAR NOT NULL,
            b VARCHAR NOT NULL,
            mentions INTEGER NOT NULL,
            topics VARCHAR[],
            tone DOUBLE,
            conflict_cooperation DOUBLE,
            evidence STRUCT(start INTEGER, "end" INTEGER, text VARCHAR)[],
            PRIMARY KEY (article_id, a, b),
            CHECK (a < b)
        );
        CREATE TABLE events (
            article_id VARCHAR NOT NULL,
            event_seq INTEGER NOT NULL,
            event_type VARCHAR NOT NULL,
            status VARCHAR,
            event_date DATE,
            date_text VARCHAR,
            place_name VARCHAR,
            place_iso3 VARCHAR,
            actors VARCHAR[],
            countries VARCHAR[],
            rate_pct DOUBLE,
            target_iso3 VARCHAR,
            effective_date DATE,
            evidence VARCHAR,
            start_offset INTEGER,
            end_offset INTEGER,
            PRIMARY KEY (article_id, event_seq)
        );
        CREATE TABLE quotes (
            article_id VARCHAR NOT NULL,
            quote_seq INTEGER NOT NULL,
            text VARCHAR NOT NULL,
            speaker VARCHAR,
            speaker_role VARCHAR,
            speaker_actor_id VARCHAR,
            verb VARCHAR,
            start_offset INTEGER,
            end_offset INTEGER,
            PRIMARY KEY (article_id, quote_seq)
        );
        CREATE TABLE amounts (
            article_id VARCHAR NOT NULL,
            amount_seq INTEGER NOT NULL,
            text VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            value DOUBLE,
            currency VARCHAR,
            unit VARCHAR,
            refers_to VARCHAR,
            start_offset INTEGER,
            end_offset INTEGER,
            PRIMARY KEY (article_id, amount_seq)
        );
        """,
    ),
    (
        10,
        "data quality: country and topic dimensions, run_ledger, quarantine releases",
        """
        CREATE TABLE countries (
            iso3 VARCHAR PRIMARY KEY,
            iso2 VARCHAR,
            numeric VARCHAR,
            name VARCHAR NOT NULL,
            official_name VARCHAR,
            kind VARCHAR NOT NULL  -- country (ISO 3166-1) | union (EUU)
        );
        CREATE TABLE topics (
            topic_id VARCHAR PRIMARY KEY,
            label VARCHAR NOT NULL,
            scope VARCHAR
        );
        CREATE TABLE run_ledger (
            run_id VARCHAR PRIMARY KEY,
            dag_id VARCHAR,
            status VARCHAR NOT NULL,
            started_at TIMESTAMPTZ,
            finished_at TIMESTAMPTZ NOT NULL,
            items_discovered BIGINT,
            pages_fetched BIGINT,
            fetch_failures BIGINT,
            skipped BIGINT,
            articles_loaded BIGINT,
            articles_new BIGINT,
            duplicates BIGINT,
            not_articles BIGINT,
            quarantined BIGINT,
            feeds_failed BIGINT,
            skipped_detail JSON,
            balanced BOOLEAN,
            failed_expectations VARCHAR[],
            message VARCHAR
        );
        ALTER TABLE quarantine ADD COLUMN reason VARCHAR;
        ALTER TABLE quarantine ADD COLUMN released_at TIMESTAMPTZ;
        ALTER TABLE quarantine ADD COLUMN released_by_run VARCHAR;
        UPDATE quarantine SET stage = 'clean' WHERE stage = 'validate';
        """,
    ),
    (
        11,
        "dimensions: region and income group on countries; actors, organizations and dates",
        """
        ALTER TABLE countries ADD COLUMN region VARCHAR;        -- UN M49 region (Americas, Europe, ...)
        ALTER TABLE countries ADD COLUMN subregion VARCHAR;     -- UN M49 sub-region (Northern America, ...)
        ALTER TABLE countries ADD COLUMN continent VARCHAR;     -- seven continents, derived from M49
        ALTER TABLE countries ADD COLUMN income_group VARCHAR;  -- World Bank income group (High income, ...)
        CREATE TABLE actors (
            actor_key VARCHAR PRIMARY KEY,  -- config/actors.yaml id = article_people.actor_id
            name VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,          -- person
            country_iso3 VARCHAR,
            org_key VARCHAR,                -- for officials of international organisations
            role VARCHAR,                   -- the office held now (a role without an end date)
            role_since DATE
        );
        CREATE TABLE organizations (
            org_key VARCHAR PRIMARY KEY,    -- config/organizations.yaml id = article_orgs.org_id
            name VARCHAR NOT NULL,
            type VARCHAR NOT NULL,
            country_iso3 VARCHAR
        );
        CREATE TABLE dates (
            date DATE PRIMARY KEY,
            year INTEGER NOT NULL,
            quarter INTEGER NOT NULL,
            month INTEGER NOT NULL,
            week DATE NOT NULL,             -- the Monday the ISO week starts on
            day_of_week INTEGER NOT NULL    -- ISO: 1 Monday .. 7 Sunday
        );
        """,
    ),
]

TABLES = (
    "sources",
    "articles",
    "article_lsh",
    "article_countries",
    "article_topics",
    "article_people",
    "article_places",
    "article_orgs",
    "dyads",
    "events",
    "quotes",
    "amounts",
    "article_urls",
    "items",
    "fetch_log",
    "raw_archive",
    "quarantine",
    "dq_results",
    "run_ledger",
    "countries",
    "topics",
    "actors",
    "organizations",
    "dates",
)


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply pending migrations in one transaction each; return the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name, sql in MIGRATIONS:
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            if callable(sql):
                sql(con)
            else:
                con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [version, name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied
