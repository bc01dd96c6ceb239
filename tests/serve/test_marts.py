"""The marts of the marts spec, built on the real sample warehouse, a hand-made one and an empty one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from tradewire.load.warehouse import connect
from tradewire.pipeline import run_all
from tradewire.serve import marts
from tradewire.serve.marts import build_marts, mart_names
from tradewire.settings import Settings

# the contract (the marts spec): every mart's columns, in order, with their types
COUNT, SHARE = "BIGINT", "DOUBLE"
# fmt: off
SPEC: dict[str, list[tuple[str, str]]] = {
    "mart_dyad_daily": [
        ("day", "DATE"), ("a", "VARCHAR"), ("b", "VARCHAR"), ("articles", COUNT), ("mentions", COUNT),
        ("tone", SHARE), ("conflict_cooperation", SHARE),
    ],
    "mart_dyad_weekly": [
        ("week", "DATE"), ("a", "VARCHAR"), ("b", "VARCHAR"), ("articles", COUNT), ("mentions", COUNT),
        ("tone", SHARE), ("conflict_cooperation", SHARE), ("tone_change", SHARE),
    ],
    "mart_topic_daily": [
        ("day", "DATE"), ("topic_id", "VARCHAR"), ("label", "VARCHAR"), ("articles", COUNT), ("share", SHARE),
    ],
    "mart_topic_country_daily": [
        ("day", "DATE"), ("iso3", "VARCHAR"), ("country_name", "VARCHAR"), ("topic_id", "VARCHAR"),
        ("articles", COUNT), ("share", SHARE),
    ],
    "mart_event_timeline": [
        ("event_date", "DATE"), ("event_type", "VARCHAR"), ("status", "VARCHAR"), ("place_name", "VARCHAR"),
        ("place_iso3", "VARCHAR"), ("actors", "VARCHAR[]"), ("countries", "VARCHAR[]"), ("rate_pct", "DOUBLE"),
        ("target_iso3", "VARCHAR"), ("effective_date", "DATE"), ("title", "VARCHAR"), ("url", "VARCHAR"),
        ("source_id", "VARCHAR"), ("article_id", "VARCHAR"), ("event_seq", "INTEGER"),
        ("published_at", "TIMESTAMP WITH TIME ZONE"), ("evidence", "VARCHAR"),
    ],
    "mart_actor_nodes": [
        ("actor_key", "VARCHAR"), ("name", "VARCHAR"), ("kind", "VARCHAR"), ("country_iso3", "VARCHAR"),
        ("articles", COUNT), ("first_day", "DATE"), ("last_day", "DATE"),
    ],
    "mart_actor_edges": [
        ("actor_a", "VARCHAR"), ("actor_b", "VARCHAR"), ("name_a", "VARCHAR"), ("name_b", "VARCHAR"),
        ("articles", COUNT), ("first_day", "DATE"), ("last_day", "DATE"),
    ],
    "mart_risk_daily": [
        ("day", "DATE"), ("source_id", "VARCHAR"), ("iso3", "VARCHAR"), ("articles", COUNT),
        ("gpr_articles", COUNT), ("gpr_threat_articles", COUNT), ("gpr_act_articles", COUNT),
        ("tpu_articles", COUNT), ("gpr_share", SHARE), ("tpu_share", SHARE),
    ],
    "mart_risk_index_daily": [
        ("day", "DATE"), ("iso3", "VARCHAR"), ("sources", COUNT), ("articles", COUNT), ("gpr_share", SHARE),
        ("tpu_share", SHARE), ("gpr_index", SHARE), ("tpu_index", SHARE),
    ],
    "mart_source_coverage": [
        ("source_id", "VARCHAR"), ("name", "VARCHAR"), ("kind", "VARCHAR"), ("articles", COUNT),
        ("articles_last_7_days", COUNT), ("first_published", "TIMESTAMP WITH TIME ZONE"),
        ("last_published", "TIMESTAMP WITH TIME ZONE"), ("last_seen_at", "TIMESTAMP WITH TIME ZONE"),
        ("items_error", COUNT), ("items_quarantined", COUNT), ("freshness_hours", SHARE),
    ],
}
# fmt: on
SHARES = [
    ("mart_topic_daily", "share"),
    ("mart_topic_country_daily", "share"),
    ("mart_risk_daily", "gpr_share"),
    ("mart_risk_daily", "tpu_share"),
    ("mart_risk_index_daily", "gpr_share"),
    ("mart_risk_index_daily", "tpu_share"),
]


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    return con.execute(sql, params or []).fetchall()


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return [(str(r[0]), str(r[1])) for r in _rows(con, f"DESCRIBE {table}")]


def _content(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[object, ...]]:
    # freshness_hours is measured against now(): the one column that may not repeat
    exclude = " EXCLUDE (freshness_hours)" if table == "mart_source_coverage" else ""
    return _rows(con, f"SELECT *{exclude} FROM {table} ORDER BY ALL")  # noqa: S608


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[duckdb.DuckDBPyConnection, dict[str, int]]]:
    """The bundled sample loaded offline by a real run, with its marts built."""
    home = tmp_path_factory.mktemp("marts") / "home"
    settings = Settings.from_env({"TRADEWIRE_HOME": str(home)})
    run_all("run-1", settings)
    con = duckdb.connect(str(settings.warehouse_path))
    counts = build_marts(con)
    yield con, counts
    con.close()


def test_mart_names_are_the_spec_marts_in_build_order() -> None:
    assert mart_names() == list(SPEC)
    assert all(path.read_text().lstrip().startswith("-- mart_") for path in marts.MARTS_DIR.glob("*.sql"))


@pytest.mark.parametrize("mart", list(SPEC))
def test_every_mart_has_exactly_the_spec_columns_and_rows_on_the_sample(
    sample: tuple[duckdb.DuckDBPyConnection, dict[str, int]], mart: str
) -> None:
    con, counts = sample
    assert _columns(con, mart) == SPEC[mart]
    # the sample covers every mart: 34 articles over 6 sources, with dyads, topics, events and actors
    assert counts[mart] > 0
    assert _rows(con, f"SELECT count(*) FROM {mart}") == [(counts[mart],)]  # noqa: S608


def test_building_twice_gives_identical_tables(sample: tuple[duckdb.DuckDBPyConnection, dict[str, int]]) -> None:
    con, counts = sample
    before = {mart: _content(con, mart) for mart in SPEC}
    assert build_marts(con) == counts
    assert {mart: _content(con, mart) for mart in SPEC} == before


def test_pairs_are_ordered(sample: tuple[duckdb.DuckDBPyConnection, dict[str, int]]) -> None:
    con, _ = sample
    for table, a, b in [
        ("mart_dyad_daily", "a", "b"),
        ("mart_dyad_weekly", "a", "b"),
        ("mart_actor_edges", "actor_a", "actor_b"),
    ]:
        assert _rows(con, f"SELECT count(*) FROM {table} WHERE NOT ({a} < {b})") == [(0,)], table  # noqa: S608


@pytest.mark.parametrize(("table", "column"), SHARES)
def test_shares_are_between_0_and_1(
    sample: tuple[duckdb.DuckDBPyConnection, dict[str, int]], table: str, column: str
) -> None:
    con, _ = sample
    sql = f"SELECT count(*) FROM {table} WHERE {column} IS NULL OR {column} < 0 OR {column} > 1"  # noqa: S608
    assert _rows(con, sql) == [(0,)]


def test_dyad_daily_articles_match_a_direct_count(sample: tuple[duckdb.DuckDBPyConnection, dict[str, int]]) -> None:
    con, _ = sample
    direct = _rows(con, "SELECT a, b, count(DISTINCT article_id) FROM dyads GROUP BY a, b ORDER BY a, b")
    from_mart = _rows(con, "SELECT a, b, sum(articles)::BIGINT FROM mart_dyad_daily GROUP BY a, b ORDER BY a, b")
    assert from_mart == direct
    assert _rows(con, "SELECT sum(articles) FROM mart_dyad_weekly") == _rows(con, "SELECT count(*) FROM dyads")


def test_topic_share_is_of_all_articles_that_day(sample: tuple[duckdb.DuckDBPyConnection, dict[str, int]]) -> None:
    con, _ = sample
    bad = _rows(
        con,
        """
        WITH days AS (
            SELECT (coalesce(published_at, first_seen_at) AT TIME ZONE 'UTC')::DATE AS day, count(*) AS n
            FROM articles GROUP BY 1
        )
        SELECT count(*) FROM mart_topic_daily t JOIN days USING (day) WHERE abs(t.share - t.articles / n) > 1e-12
        """,
    )
    assert bad == [(0,)]
    assert _rows(con, "SELECT count(*) FROM mart_topic_daily WHERE label IS NULL") == [(0,)]


def test_risk_index_has_an_all_series_and_a_base_mean_of_100(
    sample: tuple[duckdb.DuckDBPyConnection, dict[str, int]],
) -> None:
    con, _ = sample
    all_days = _rows(con, "SELECT count(*), sum(articles) FROM mart_risk_index_daily WHERE iso3 = 'ALL'")
    distinct_days = _rows(
        con,
        "SELECT count(DISTINCT (coalesce(published_at, first_seen_at) AT TIME ZONE 'UTC')::DATE), count(*) "
        "FROM articles",
    )
    assert all_days == distinct_days
    means = _rows(
        con, "SELECT iso3, avg(gpr_index) FROM mart_risk_index_daily WHERE gpr_index IS NOT NULL GROUP BY iso3"
    )
    # the sample has no GPR article (all gpr_* flags false), so its gpr_index is NULL: see the hand-made test
    assert all(m == pytest.approx(100.0) for _, m in means)
    assert _rows(con, "SELECT count(*) FROM mart_risk_index_daily WHERE tpu_index <> 10000 * tpu_share") == [(0,)]


def test_source_coverage_counts_every_article_once(sample: tuple[duckdb.DuckDBPyConnection, dict[str, int]]) -> None:
    con, _ = sample
    assert _rows(con, "SELECT sum(articles) FROM mart_source_coverage") == _rows(con, "SELECT count(*) FROM articles")
    assert _rows(con, "SELECT count(*) FROM mart_source_coverage WHERE freshness_hours < 0") == [(0,)]
    # the sample ends 2025-11-18: its last seven days still hold articles, though the run is later
    assert _rows(con, "SELECT sum(articles_last_7_days) > 0 FROM mart_source_coverage") == [(True,)]


def test_event_timeline_has_every_event_with_a_date(sample: tuple[duckdb.DuckDBPyConnection, dict[str, int]]) -> None:
    con, counts = sample
    assert _rows(con, "SELECT count(*) FROM events") == [(counts["mart_event_timeline"],)]
    assert _rows(con, "SELECT count(*) FROM mart_event_timeline WHERE event_date IS NULL") == [(0,)]


def test_actor_nodes_are_unique_and_cover_the_edges(sample: tuple[duckdb.DuckDBPyConnection, dict[str, int]]) -> None:
    con, _ = sample
    assert _rows(con, "SELECT count(*) - count(DISTINCT actor_key) FROM mart_actor_nodes") == [(0,)]
    assert _rows(con, "SELECT count(*) FROM mart_actor_nodes WHERE kind NOT IN ('person', 'organization')") == [(0,)]
    orphans = _rows(
        con,
        "SELECT count(*) FROM mart_actor_edges e WHERE name_a IS NULL OR name_b IS NULL "
        "OR e.articles > (SELECT min(articles) FROM mart_actor_nodes n WHERE n.actor_key IN (e.actor_a, e.actor_b))",
    )
    assert orphans == [(0,)]


# --- a hand-made warehouse: every number below is worked out by hand ---


def _article(
    con: duckdb.DuckDBPyConnection,
    article_id: str,
    source_id: str,
    published_at: datetime | None,
    first_seen_at: datetime,
    gpr_threat: bool | None = False,
    gpr_act: bool | None = False,
    tpu: bool | None = False,
) -> None:
    con.execute(
        "INSERT INTO articles (article_id, source_id, title, text, fingerprint, minhash, published_at, "
        "first_seen_at, last_seen_at, gpr_threat, gpr_act, tpu) VALUES (?, ?, ?, 'text', ?, [], ?, ?, ?, ?, ?, ?)",
        [
            article_id,
            source_id,
            article_id,
            article_id,
            published_at,
            first_seen_at,
            first_seen_at,
            gpr_threat,
            gpr_act,
            tpu,
        ],
    ).fetchall()


@pytest.fixture
def handmade(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(tmp_path / "handmade.duckdb")
    # days are UTC days whatever the session's zone: in Tokyo 23:30 UTC is already the next day
    con.execute("SET TimeZone = 'Asia/Tokyo'").fetchall()
    mon, tue = datetime(2025, 6, 2, 9, tzinfo=UTC), datetime(2025, 6, 10, 23, 30, tzinfo=UTC)
    seen = datetime(2025, 6, 11, 8, tzinfo=UTC)
    con.execute(
        "INSERT INTO sources (source_id, name, kind) VALUES ('s1', 'One', 'rss'), ('s2', 'Two', 'rss'), "
        "('s3', 'Never published', 'rss')"
    ).fetchall()
    _article(con, "a1", "s1", mon, seen, gpr_threat=True)
    _article(con, "a2", "s1", mon, seen, tpu=True)
    _article(con, "a3", "s2", mon, seen, gpr_threat=None, gpr_act=None, tpu=None)  # enrichment failed
    _article(con, "a4", "s1", None, tue, gpr_act=True)  # no published_at: its day is first_seen_at's
    con.execute(
        "INSERT INTO article_countries (article_id, iso3, name, mentions, salience, about) VALUES "
        "('a1', 'CHN', 'China', 3, 0.9, true), ('a2', 'CHN', 'China', 1, 0.1, false)"
    ).fetchall()
    con.execute(
        "INSERT INTO dyads (article_id, a, b, mentions, tone, conflict_cooperation) VALUES "
        "('a1', 'CHN', 'USA', 2, -0.5, -0.4), ('a4', 'CHN', 'USA', 1, 0.5, 0.2)"
    ).fetchall()
    con.execute(
        "INSERT INTO article_topics (article_id, topic_id, score, hits) VALUES ('a1', 'tariffs', 1, 1)"
    ).fetchall()
    yield con
    con.close()


def test_handmade_risk_index_follows_the_published_method(handmade: duckdb.DuckDBPyConnection) -> None:
    con = handmade
    build_marts(con)
    assert _rows(con, "SELECT * FROM mart_risk_daily WHERE iso3 = 'ALL' ORDER BY day, source_id") == [
        (date(2025, 6, 2), "s1", "ALL", 2, 1, 1, 0, 1, 0.5, 0.5),
        (date(2025, 6, 2), "s2", "ALL", 1, 0, 0, 0, 0, 0.0, 0.0),  # NULL flags: in the denominator only
        (date(2025, 6, 10), "s1", "ALL", 1, 1, 0, 1, 0, 1.0, 0.0),
    ]
    # per day the mean of the sources' shares; gpr base mean (0.25 + 1.0) / 2 = 0.625
    assert _rows(con, "SELECT * FROM mart_risk_index_daily ORDER BY day, iso3") == [
        (date(2025, 6, 2), "ALL", 2, 3, 0.25, 0.25, pytest.approx(40.0), 2500.0),
        (date(2025, 6, 2), "CHN", 1, 1, 1.0, 0.0, 100.0, 0.0),
        (date(2025, 6, 10), "ALL", 1, 1, 1.0, 0.0, pytest.approx(160.0), 0.0),
    ]


def test_handmade_dyads_topics_and_coverage(handmade: duckdb.DuckDBPyConnection) -> None:
    con = handmade
    build_marts(con)
    assert _rows(con, "SELECT * FROM mart_dyad_daily ORDER BY day") == [
        (date(2025, 6, 2), "CHN", "USA", 1, 2, -0.5, -0.4),
        (date(2025, 6, 10), "CHN", "USA", 1, 1, 0.5, 0.2),
    ]
    assert _rows(con, "SELECT week, tone_change FROM mart_dyad_weekly ORDER BY week") == [
        (date(2025, 6, 2), None),
        (date(2025, 6, 9), 1.0),
    ]
    # no topics dimension rows here: the label falls back to the id
    assert _rows(con, "SELECT * FROM mart_topic_daily") == [(date(2025, 6, 2), "tariffs", "tariffs", 1, 1 / 3)]
    assert _rows(con, "SELECT * FROM mart_topic_country_daily") == [
        (date(2025, 6, 2), "CHN", "China", "tariffs", 1, 1.0)
    ]
    coverage = _rows(
        con,
        "SELECT source_id, articles, articles_last_7_days, items_error, freshness_hours IS NULL "
        "FROM mart_source_coverage ORDER BY source_id",
    )
    # the newest day is 2025-06-10: the seven days 06-04..06-10 hold only a4
    assert coverage == [("s1", 3, 1, 0, False), ("s2", 1, 0, 0, False), ("s3", 0, 0, 0, True)]


def test_empty_warehouse_builds_every_mart_empty(tmp_path: Path) -> None:
    con = connect(tmp_path / "empty.duckdb")
    try:
        assert build_marts(con) == dict.fromkeys(SPEC, 0)
        for mart, columns in SPEC.items():
            assert _columns(con, mart) == columns
    finally:
        con.close()


def test_a_failing_mart_rolls_every_mart_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sql = tmp_path / "sql"
    sql.mkdir()
    (sql / "10_mart_good.sql").write_text("CREATE OR REPLACE TABLE mart_good AS SELECT 1 AS x;")
    (sql / "20_mart_bad.sql").write_text("CREATE OR REPLACE TABLE mart_bad AS SELECT * FROM no_such_table;")
    monkeypatch.setattr(marts, "MARTS_DIR", sql)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        with pytest.raises(duckdb.CatalogException):
            build_marts(con)
        tables = _rows(con, "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'mart_%'")
        assert tables == []
        (sql / "20_mart_bad.sql").write_text("CREATE OR REPLACE TABLE mart_bad AS SELECT x FROM mart_good;")
        assert build_marts(con) == {"mart_good": 1, "mart_bad": 1}
    finally:
        con.close()


def test_mart_files_must_be_named_for_their_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mart_unnumbered.sql").write_text("SELECT 1;")
    monkeypatch.setattr(marts, "MARTS_DIR", tmp_path)
    with pytest.raises(ValueError, match=r"NN_mart_name\.sql"):
        mart_names()
