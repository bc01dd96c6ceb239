"""The enriched staging frame's columns: what the enrich stage writes and the load stage reads.

Kept apart from enrich/run.py so that the loader can know the shapes without importing the matchers.
"""

from __future__ import annotations

import polars as pl

_OFFSETS = pl.List(pl.Int32)
_NAMES = pl.List(pl.String)
# list columns of the staging frame: one struct per item, named as the warehouse loader reads them
LIST_COLUMNS: dict[str, pl.Struct] = {
    "countries": pl.Struct(
        {"iso3": pl.String, "name": pl.String, "mentions": pl.Int32, "salience": pl.Float64, "offsets": _OFFSETS,
         "about": pl.Boolean, "via": _NAMES}
    ),
    "topics": pl.Struct(
        {"id": pl.String, "score": pl.Float64, "hits": pl.Int32, "evidence": _NAMES, "offsets": _OFFSETS}
    ),
    "people": pl.Struct(
        {"name": pl.String, "role": pl.String, "country_iso3": pl.String, "actor_id": pl.String,
         "mentions": pl.Int32, "offsets": _OFFSETS}
    ),
    "places": pl.Struct(
        {"name": pl.String, "iso3": pl.String, "lat": pl.Float64, "lon": pl.Float64, "kind": pl.String,
         "mentions": pl.Int32, "offsets": _OFFSETS}
    ),
    "organizations": pl.Struct(
        {"id": pl.String, "name": pl.String, "type": pl.String, "country_iso3": pl.String, "mentions": pl.Int32,
         "offsets": _OFFSETS}
    ),
    "dyads": pl.Struct(
        {"a": pl.String, "b": pl.String, "mentions": pl.Int32, "topics": _NAMES, "tone": pl.Float64,
         "conflict_cooperation": pl.Float64,
         "evidence": pl.List(pl.Struct({"start": pl.Int32, "end": pl.Int32, "text": pl.String}))}
    ),
    "events": pl.Struct(
        {"type": pl.String, "status": pl.String, "date": pl.String, "date_text": pl.String,
         "place_name": pl.String, "place_iso3": pl.String, "actors": _NAMES, "countries": _NAMES,
         "rate_pct": pl.Float64, "target": pl.String, "effective_date": pl.String, "evidence": pl.String,
         "start": pl.Int32, "end": pl.Int32}
    ),
    "quotes": pl.Struct(
        {"text": pl.String, "speaker": pl.String, "speaker_role": pl.String, "speaker_actor_id": pl.String,
         "verb": pl.String, "start": pl.Int32, "end": pl.Int32}
    ),
    "amounts": pl.Struct(
        {"text": pl.String, "kind": pl.String, "value": pl.Float64, "currency": pl.String, "unit": pl.String,
         "refers_to": pl.String, "start": pl.Int32, "end": pl.Int32}
    ),
}  # fmt: skip
# scalar columns stored on articles
SCALAR_COLUMNS: dict[str, pl.DataType] = {
    "is_trade": pl.Boolean(),
    "is_trade_evidence": _NAMES,
    "tone": pl.Float64(),
    "conflict_cooperation": pl.Float64(),
    "tone_evidence": _NAMES,
    "gpr_threat": pl.Boolean(),
    "gpr_act": pl.Boolean(),
    "gpr_evidence": _NAMES,
    "tpu": pl.Boolean(),
    "tpu_evidence": _NAMES,
    "enrich_error": pl.String(),  # why the article could not be enriched; it is loaded all the same
}
