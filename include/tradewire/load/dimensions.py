"""Dimension tables the warehouse keeps in step with the code and the data.

countries: ISO 3166-1 from pycountry (the list enrichment draws on) with the UN M49 region and
sub-region and the World Bank income group from hdx-python-country's bundled table, plus the
unions of config/countries.yaml. topics, actors and organizations: the dictionaries the enrich
step matches (config/topics.yaml, actors.yaml, organizations.yaml), keyed by their stable ids.
dates: a calendar over the articles' days. All are rewritten on every load, so a new release's
dictionaries reach the warehouse with its first run.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

import duckdb
import polars as pl

from tradewire.settings import CONFIG_DIR
from tradewire.yamlfile import read_yaml

# a union has no M49 row; every member of the EU lies in Europe
_UNION_REGIONS = {"EUU": "Europe"}

_COUNTRY_SCHEMA = {
    "iso3": pl.String, "iso2": pl.String, "numeric": pl.String, "name": pl.String, "official_name": pl.String,
    "kind": pl.String, "region": pl.String, "subregion": pl.String, "continent": pl.String,
    "income_group": pl.String,
}  # fmt: skip


def _config(name: str) -> dict[str, Any]:
    data: dict[str, Any] = read_yaml(CONFIG_DIR / name)
    return data


def _continent(iso3: str, region: str | None, intermediate: str | None) -> str | None:
    """The seven-continent name from M49: the Americas split at South America, Antarctica has no region."""
    if iso3 == "ATA":
        return "Antarctica"
    if region == "Americas":
        return "South America" if intermediate == "South America" else "North America"
    return region  # Africa, Asia, Europe, Oceania


def _income_group(level: str | None) -> str | None:
    """hdx writes "High", "Upper middle"; the World Bank's own labels end in "income"."""
    if not level:
        return None
    return level if level.lower().endswith("income") else f"{level} income"


@cache
def _m49() -> dict[str, dict[str, str | None]]:
    """ISO3 -> M49 region, sub-region, intermediate region and World Bank income level, offline."""
    from hdx.location.country import Country

    # use_live=False: the table shipped with the package, never the UN or World Bank feeds
    rows: dict[str, dict[str, str | None]] = Country.countriesdata(use_live=False)["countries"]
    return rows


@cache
def countries() -> pl.DataFrame:
    import pycountry

    from tradewire.enrich.countries import country_matcher

    display = country_matcher().names
    m49 = _m49()
    rows = []
    for c in pycountry.countries:
        info = m49.get(c.alpha_3) or {}
        region = info.get("Region Name") or None
        rows.append(
            {
                "iso3": c.alpha_3,
                "iso2": c.alpha_2,
                "numeric": getattr(c, "numeric", None),
                "name": display.get(c.alpha_3, getattr(c, "common_name", None) or c.name),
                "official_name": getattr(c, "official_name", None) or c.name,
                "kind": "country",
                "region": region,
                "subregion": info.get("Sub-region Name") or None,
                "continent": _continent(c.alpha_3, region, info.get("Intermediate Region Name")),
                "income_group": _income_group(info.get("World Bank Income Level")),
            }
        )
    for iso3, union in (_config("countries.yaml").get("unions") or {}).items():
        region = _UNION_REGIONS.get(iso3)
        rows.append(
            {"iso3": iso3, "iso2": union.get("iso2"), "numeric": None, "name": union["name"],
             "official_name": union["name"], "kind": "union", "region": region, "subregion": None,
             "continent": region, "income_group": None}
        )  # fmt: skip
    return pl.DataFrame(rows, schema=_COUNTRY_SCHEMA).sort("iso3")


@cache
def topics() -> pl.DataFrame:
    rows = [
        {"topic_id": t["id"], "label": t["label"], "scope": t.get("scope")} for t in _config("topics.yaml")["topics"]
    ]
    return pl.DataFrame(rows, schema={"topic_id": pl.String, "label": pl.String, "scope": pl.String})


@cache
def organizations() -> pl.DataFrame:
    rows = [
        {"org_key": o["id"], "name": o["name"], "type": o["type"], "country_iso3": o.get("country")}
        for o in _config("organizations.yaml")["organizations"]
    ]
    return pl.DataFrame(
        rows, schema={"org_key": pl.String, "name": pl.String, "type": pl.String, "country_iso3": pl.String}
    )


def _org_keys() -> dict[str, str]:
    """Every id, name and alias of organizations.yaml -> its id; a shared alias goes to the international body,
    since actors.yaml names an organisation only for officials of international organisations."""
    entries = _config("organizations.yaml")["organizations"]
    by_form: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        for form in {entry["id"], entry["name"], *(entry.get("aliases") or [])}:
            by_form.setdefault(form, []).append(entry)
    keys = {}
    for form, found in by_form.items():
        chosen = [e for e in found if e["type"] == "international"] if len(found) > 1 else found
        if len(chosen) == 1:
            keys[form] = chosen[0]["id"]
    return keys


def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)) if value else None


@cache
def actors() -> pl.DataFrame:
    """One row per person of actors.yaml; role is the office without an end date (the latest begun), if any."""
    org_keys = _org_keys()
    rows = []
    for entry in _config("actors.yaml")["actors"]:
        current = [(r["role"], _day(r.get("from"))) for r in entry.get("roles") or [] if r.get("to") is None]
        role, since = max(current, key=lambda r: r[1] or date.min) if current else (None, None)
        rows.append(
            {"actor_key": entry["id"], "name": entry["name"], "kind": "person", "country_iso3": entry.get("country"),
             "org_key": org_keys.get(entry["org"]) if entry.get("org") else None, "role": role, "role_since": since}
        )  # fmt: skip
    return pl.DataFrame(
        rows,
        schema={"actor_key": pl.String, "name": pl.String, "kind": pl.String, "country_iso3": pl.String,
                "org_key": pl.String, "role": pl.String, "role_since": pl.Date},
    )  # fmt: skip


# The article day as the marts count it, in UTC whatever the session's TimeZone.
_CALENDAR = """
INSERT INTO dates
WITH bounds AS (
    SELECT min((coalesce(published_at, first_seen_at) AT TIME ZONE 'UTC')::DATE) AS first_day,
           max((coalesce(published_at, first_seen_at) AT TIME ZONE 'UTC')::DATE) AS last_day
    FROM articles
), days AS (
    SELECT unnest(generate_series(first_day, last_day, INTERVAL 1 DAY))::DATE AS day
    FROM bounds WHERE first_day IS NOT NULL
)
SELECT day, year(day), quarter(day), month(day), date_trunc('week', day)::DATE, isodow(day) FROM days
"""


def write_dimensions(con: duckdb.DuckDBPyConnection) -> None:
    """Replace every dimension inside the caller's transaction; run it after the run's articles are written,
    since the calendar spans the articles' days."""
    frames = (
        ("countries", countries()),
        ("topics", topics()),
        ("actors", actors()),
        ("organizations", organizations()),
    )
    for table, frame in frames:
        con.register("dimension_rows", frame.to_arrow())
        con.execute(f"DELETE FROM {table}")  # noqa: S608  # fixed table names
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM dimension_rows")  # noqa: S608
        con.unregister("dimension_rows")
    con.execute("DELETE FROM dates")
    con.execute(_CALENDAR)
