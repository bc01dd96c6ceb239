"""The enrich stage: cleaned articles in, articles with countries and topics out."""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from tradewire.enrich.countries import find_countries
from tradewire.enrich.organizations import find_organizations
from tradewire.enrich.people import find_people
from tradewire.enrich.places import find_places
from tradewire.enrich.topics import find_topics
from tradewire.enrich.trade import judge_trade
from tradewire.staging import write_stage_output

log = logging.getLogger(__name__)

COUNTRY_STRUCT = pl.Struct({"iso3": pl.String, "name": pl.String, "mentions": pl.Int32, "salience": pl.Float64})
PERSON_STRUCT = pl.Struct(
    {
        "name": pl.String, "role": pl.String, "country_iso3": pl.String, "actor_id": pl.String,
        "mentions": pl.Int32, "offsets": pl.List(pl.Int32),
    }
)  # fmt: skip
PLACE_STRUCT = pl.Struct(
    {
        "name": pl.String, "iso3": pl.String, "lat": pl.Float64, "lon": pl.Float64, "kind": pl.String,
        "mentions": pl.Int32, "offsets": pl.List(pl.Int32),
    }
)  # fmt: skip
ORG_STRUCT = pl.Struct(
    {
        "id": pl.String, "name": pl.String, "type": pl.String, "country_iso3": pl.String, "mentions": pl.Int32,
        "offsets": pl.List(pl.Int32),
    }
)  # fmt: skip
TOPIC_STRUCT = pl.Struct({"id": pl.String, "score": pl.Float64, "hits": pl.Int32})


def enrich_record(
    title: str | None, text: str | None, published: date | None = None, authors: list[str] | None = None
) -> dict[str, Any]:
    text = text or ""
    return {
        "people": [p.as_dict() for p in find_people(title, text, published, authors or ())],
        "places": [p.as_dict() for p in find_places(title, text)],
        "organizations": [o.as_dict() for o in find_organizations(title, text)],
        "countries": [
            {"iso3": c.iso3, "name": c.name, "mentions": c.mentions, "salience": c.salience}
            for c in find_countries(title, text)
        ],
        "topics": [{"id": t.id, "score": t.score, "hits": t.hits} for t in find_topics(title, text)],
        "is_trade": (verdict := judge_trade(title, text)).is_trade,
        "is_trade_evidence": [f"{feature}: {found}" for feature, found in verdict.evidence],
    }


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def enrich_articles(clean_path: Path, out_path: Path) -> Path:
    frame = pl.read_parquet(clean_path)
    enriched = [
        enrich_record(row["title"], row["text"], _day(row["published_at"]), row["authors"])
        if row["page_type"] == "article"
        else {
            "people": [],
            "places": [],
            "organizations": [],
            "countries": [],
            "topics": [],
            "is_trade": None,
            "is_trade_evidence": [],
        }
        for row in frame.select("title", "text", "page_type", "published_at", "authors").iter_rows(named=True)
    ]
    frame = frame.with_columns(
        pl.Series("countries", [e["countries"] for e in enriched], dtype=pl.List(COUNTRY_STRUCT)),
        pl.Series("topics", [e["topics"] for e in enriched], dtype=pl.List(TOPIC_STRUCT)),
        pl.Series("people", [e["people"] for e in enriched], dtype=pl.List(PERSON_STRUCT)),
        pl.Series("places", [e["places"] for e in enriched], dtype=pl.List(PLACE_STRUCT)),
        pl.Series("organizations", [e["organizations"] for e in enriched], dtype=pl.List(ORG_STRUCT)),
        pl.Series("is_trade", [e["is_trade"] for e in enriched], dtype=pl.Boolean),
        pl.Series("is_trade_evidence", [e["is_trade_evidence"] for e in enriched], dtype=pl.List(pl.String)),
    )
    write_stage_output(frame, out_path)
    log.info("enrich: %d records -> %s", frame.height, out_path)
    return out_path
