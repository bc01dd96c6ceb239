"""The dimension tables on a real DuckDB file: complete, classified, keyed like the bridges, rewritable."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
import yaml

from tradewire.enrich.countries import country_matcher
from tradewire.load.dimensions import write_dimensions
from tradewire.load.schema import migrate
from tradewire.settings import CONFIG_DIR

DIMENSIONS = ("countries", "topics", "actors", "organizations", "dates")


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    migrate(connection)
    yield connection
    connection.close()


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in DIMENSIONS}  # type: ignore[index]  # noqa: S608


def _add_article(con: duckdb.DuckDBPyConnection, article_id: str, published: str | None, first_seen: str) -> None:
    con.execute(
        "INSERT INTO articles (article_id, source_id, title, text, fingerprint, minhash, published_at, first_seen_at, "
        "last_seen_at) VALUES (?, 'test', 'A title', 'Some text.', ?, [], ?::TIMESTAMPTZ, ?::TIMESTAMPTZ, "
        "?::TIMESTAMPTZ)",
        [article_id, article_id, published, first_seen, first_seen],
    )


def _config(name: str) -> dict:
    return yaml.safe_load((CONFIG_DIR / name).read_text(encoding="utf-8"))


def test_rewriting_is_idempotent(con: duckdb.DuckDBPyConnection) -> None:
    write_dimensions(con)
    first = _counts(con)
    # the second time as load_run does it: inside the load's transaction
    con.execute("BEGIN TRANSACTION")
    write_dimensions(con)
    con.execute("COMMIT")
    assert _counts(con) == first
    assert all(first[t] > 0 for t in ("countries", "topics", "actors", "organizations"))
    assert first["dates"] == 0  # no articles, no calendar


def test_countries_cover_the_matcher_and_carry_region_and_income(con: duckdb.DuckDBPyConnection) -> None:
    write_dimensions(con)
    rows = {
        r[0]: r[1:]
        for r in con.execute("SELECT iso3, kind, region, subregion, continent, income_group FROM countries").fetchall()
    }
    assert set(country_matcher().names) <= set(rows)
    assert rows["USA"] == ("country", "Americas", "Northern America", "North America", "High income")
    assert rows["CHN"] == ("country", "Asia", "Eastern Asia", "Asia", "Upper middle income")
    assert rows["IND"] == ("country", "Asia", "Southern Asia", "Asia", "Lower middle income")
    assert rows["BRA"][2:4] == ("Latin America and the Caribbean", "South America")
    assert rows["EUU"] == ("union", "Europe", None, "Europe", None)
    # every country but Antarctica has an M49 region; the income groups are the World Bank's four
    assert [iso3 for iso3, r in rows.items() if r[1] is None] == ["ATA"]
    groups = {r[4] for r in rows.values()} - {None}
    assert groups == {"High income", "Upper middle income", "Lower middle income", "Low income"}


def test_actors_and_organizations_are_keyed_by_the_dictionary_ids(con: duckdb.DuckDBPyConnection) -> None:
    write_dimensions(con)
    for table, key in (("actors", "actor_key"), ("organizations", "org_key")):
        total, distinct = con.execute(f"SELECT count(*), count(DISTINCT {key}) FROM {table}").fetchone()  # type: ignore[misc]  # noqa: S608
        assert total == distinct
    actor_keys = {r[0] for r in con.execute("SELECT actor_key FROM actors").fetchall()}
    assert actor_keys == {a["id"] for a in _config("actors.yaml")["actors"]}
    org_keys = {r[0] for r in con.execute("SELECT org_key FROM organizations").fetchall()}
    assert org_keys == {o["id"] for o in _config("organizations.yaml")["organizations"]}
    assert con.execute("SELECT DISTINCT kind FROM actors").fetchall() == [("person",)]
    # an international official points at a known organisation; "BIS" is the Bank for International Settlements
    named = [a for a in _config("actors.yaml")["actors"] if a.get("org")]
    linked = dict(con.execute("SELECT actor_key, org_key FROM actors WHERE org_key IS NOT NULL").fetchall())
    assert {a["id"] for a in named} == set(linked) and set(linked.values()) <= org_keys
    assert linked["agustin_carstens"] == "bis_bank"
    # the current office: a role without an end date
    trump = con.execute("SELECT country_iso3, role, role_since FROM actors WHERE actor_key = 'donald_trump'").fetchone()
    assert trump == ("USA", "President of the United States", date(2025, 1, 20))
    assert con.execute("SELECT role FROM actors WHERE actor_key = 'joe_biden'").fetchone() == (None,)


def test_dates_span_the_article_days(con: duckdb.DuckDBPyConnection) -> None:
    # the day is coalesce(published_at, first_seen_at) in UTC: 2026-01-03 23:30 UTC and 2025-12-30 06:00 UTC
    _add_article(con, "a1", "2026-01-03 23:30:00+00", "2026-01-05 08:00:00+00")
    _add_article(con, "a2", None, "2025-12-30 01:00:00-05")
    write_dimensions(con)
    rows = con.execute("SELECT date, year, quarter, month, week, day_of_week FROM dates ORDER BY date").fetchall()
    assert [r[0] for r in rows] == [date(2025, 12, 30) + timedelta(days=n) for n in range(5)]
    assert rows[0] == (date(2025, 12, 30), 2025, 4, 12, date(2025, 12, 29), 2)
    assert rows[-1] == (date(2026, 1, 3), 2026, 1, 1, date(2025, 12, 29), 6)
    write_dimensions(con)
    assert _counts(con)["dates"] == 5
    con.execute("DELETE FROM articles")
    write_dimensions(con)
    assert _counts(con)["dates"] == 0
