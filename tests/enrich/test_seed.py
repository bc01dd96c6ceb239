"""The seed, enriched end to end through enrich_record: the issue's full list, exactly."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from tests.conftest import require_shared
from tradewire.clean.textdump import clean_text_dump
from tradewire.enrich.run import enrich_record


@lru_cache(maxsize=1)
def _seed() -> tuple[dict[str, Any], str]:
    dump = clean_text_dump(require_shared("seeds", "000_226ded49a171c2f9.txt").read_text(encoding="utf-8"))
    published = date.fromisoformat(dump.published[:10]) if dump.published else None
    return enrich_record(dump.title, dump.text, published, dump.authors), dump.text


def test_countries_are_exactly_those_of_the_story() -> None:
    result, text = _seed()
    countries = {c["iso3"]: c for c in result["countries"]}
    assert {"CHN", "USA", "MYS", "KOR"} <= set(countries)
    assert not {"IND", "BOL"} & set(countries)  # only in the teaser the cleaner removes
    assert [c["iso3"] for c in result["countries"][:2]] in (["CHN", "USA"], ["USA", "CHN"])
    for country in result["countries"]:
        assert -1 <= country["salience"] <= 1 and country["mentions"] == len(country["offsets"]) > 0
        for offset in country["offsets"]:
            assert offset < len(text)


def test_places_with_their_countries() -> None:
    places = {p["name"]: p for p in _seed()[0]["places"]}
    expected = {"Kuala Lumpur": "MYS", "Madrid": "ESP", "Stockholm": "SWE", "London": "GBR", "Geneva": "CHE"}
    assert {name: places[name]["iso3"] for name in expected if name in places} == expected
    assert all(places[name]["lat"] is not None and places[name]["lon"] is not None for name in expected)


def test_people_with_roles_and_not_the_authors() -> None:
    people = {p["name"]: p for p in _seed()[0]["people"]}
    assert {"He Lifeng", "Scott Bessent", "Donald Trump", "Xi Jinping", "Mark Rutte"} <= set(people)
    assert all(people[name]["role"] for name in ("He Lifeng", "Scott Bessent", "Donald Trump", "Xi Jinping"))
    assert "Rutte" in people["Mark Rutte"]["name"] and people["Mark Rutte"]["role"]
    assert not {"Ralph Jennings", "Xinyi Wu"} & set(people)


def test_organisations() -> None:
    names = " | ".join(f"{o['name']} ({o.get('id')})" for o in _seed()[0]["organizations"]).lower()
    for wanted in ("apec", "nato", "ministry of commerce", "trade representative", "white house"):
        assert wanted in names, wanted


def test_topics_and_is_trade() -> None:
    result, _ = _seed()
    topics = {t["id"] for t in result["topics"]}
    assert {"tariffs", "export_controls", "critical_minerals", "agriculture", "trade_talks", "trade_agreement"} <= (
        topics
    )
    assert result["is_trade"] is True
    assert all(t["evidence"] for t in result["topics"])


def test_the_china_us_dyad() -> None:
    dyads = _seed()[0]["dyads"]
    assert (dyads[0]["a"], dyads[0]["b"]) == ("CHN", "USA")
    assert -1 <= dyads[0]["tone"] <= 1 and dyads[0]["evidence"]


def test_talks_in_kuala_lumpur() -> None:
    talks = [e for e in _seed()[0]["events"] if e["type"] == "talks"]
    places = [(e["place"] or {}).get("name") for e in talks]
    assert "Kuala Lumpur" in places, places
    kl = talks[places.index("Kuala Lumpur")]
    assert kl["place"]["iso3"] == "MYS" and kl["status"] == "held"
    assert {"CHN", "USA"} <= set(kl["countries"])
    assert {"He Lifeng", "Scott Bessent"} <= set(kl["actors"])


def test_threatened_hundred_percent_tariff_from_november_first() -> None:
    tariffs = [e for e in _seed()[0]["events"] if e["type"] == "tariff_action"]
    threat = [e for e in tariffs if e["rate_pct"] == 100.0]
    assert threat, tariffs
    assert threat[0]["status"] == "threatened"
    assert threat[0]["target"] == "CHN"
    assert str(threat[0]["effective_date"]) == "2025-11-01"


def test_quotes_amounts_tone_and_flags() -> None:
    result, text = _seed()
    speakers = {q["speaker"] for q in result["quotes"]}
    assert {"Scott Bessent", "Donald Trump"} <= speakers
    for quote in result["quotes"]:
        assert text[quote["start"] : quote["end"]].strip('“”"') in quote["text"] or quote["text"] in text
    assert any(a["kind"] == "percent" and a["value"] == 100.0 for a in result["amounts"])
    assert -1 <= result["tone"]["tone"] <= 1 and -1 <= result["tone"]["conflict_cooperation"] <= 1
    assert result["tpu"] is True
    assert set(result["gpr"]) >= {"threat", "act"}
