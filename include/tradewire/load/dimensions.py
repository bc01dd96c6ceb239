"""Dimension tables the warehouse keeps in step with the code: countries and topics.

Countries come from pycountry (ISO 3166-1, the list enrichment draws on); topics from the
taxonomy in config/topics.yaml. Both are rewritten on every load, so a new release's
dictionaries reach the warehouse with its first run.
"""

from __future__ import annotations

from functools import cache

import duckdb
import polars as pl
import yaml

from tradewire.settings import CONFIG_DIR


@cache
def countries() -> pl.DataFrame:
    import pycountry

    from tradewire.enrich.countries import country_matcher

    display = country_matcher().names
    rows = [
        {
            "iso3": c.alpha_3,
            "iso2": c.alpha_2,
            "numeric": getattr(c, "numeric", None),
            "name": display.get(c.alpha_3, getattr(c, "common_name", None) or c.name),
            "official_name": getattr(c, "official_name", None) or c.name,
            "kind": "country",
        }
        for c in pycountry.countries
    ]
    config = yaml.safe_load((CONFIG_DIR / "countries.yaml").read_text(encoding="utf-8"))
    for iso3, union in (config.get("unions") or {}).items():
        rows.append(
            {"iso3": iso3, "iso2": union.get("iso2"), "numeric": None, "name": union["name"],
             "official_name": union["name"], "kind": "union"}
        )  # fmt: skip
    return pl.DataFrame(rows).sort("iso3")


@cache
def topics() -> pl.DataFrame:
    config = yaml.safe_load((CONFIG_DIR / "topics.yaml").read_text(encoding="utf-8"))
    rows = [{"topic_id": t["id"], "label": t["label"], "scope": t.get("scope")} for t in config["topics"]]
    return pl.DataFrame(rows, schema={"topic_id": pl.String, "label": pl.String, "scope": pl.String})


def write_dimensions(con: duckdb.DuckDBPyConnection) -> None:
    """Replace both dimensions inside the caller's transaction."""
    for table, frame in (("countries", countries()), ("topics", topics())):
        con.register("dimension_rows", frame.to_arrow())
        con.execute(f"DELETE FROM {table}")  # noqa: S608  # fixed table names
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM dimension_rows")  # noqa: S608
        con.unregister("dimension_rows")
