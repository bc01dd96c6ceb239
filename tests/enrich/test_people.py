"""People: dictionary actors with their office on the day, people introduced by a title or role, one entry each."""

from __future__ import annotations

from datetime import date

from tests.conftest import require_shared
from tradewire.clean.textdump import clean_text_dump
from tradewire.enrich.people import find_people


def _by_name(title: str | None, text: str, day: date | None = None, authors: tuple[str, ...] = ()) -> dict:
    return {p.name: p for p in find_people(title, text, day, authors)}


def test_the_seed_names_its_five_actors_with_roles() -> None:
    seed = require_shared("seeds", "000_226ded49a171c2f9.txt")
    dump = clean_text_dump(seed.read_text(encoding="utf-8"))
    people = _by_name(dump.title, dump.text, date(2025, 10, 27), tuple(dump.authors))
    assert {"He Lifeng", "Scott Bessent", "Donald Trump", "Xi Jinping", "Mark Rutte"} <= set(people)
    assert people["He Lifeng"].role == "Vice Premier" and people["He Lifeng"].country_iso3 == "CHN"
    assert "Treasury" in (people["Scott Bessent"].role or "")
    assert "President" in (people["Donald Trump"].role or "") and people["Donald Trump"].mentions >= 5
    assert not {"Ralph Jennings", "Xinyi Wu"} & set(people)  # the authors are not people in the story


def test_people_introduced_by_role_are_discovered_and_merged() -> None:
    text = (
        'Commerzbank analyst Carsten Fritsch said prices fell. "Demand is weak," said Derek Scissors, a China '
        "scholar at the American Enterprise Institute. Fritsch added that stocks were high. Mr. Trump spoke later."
    )
    people = _by_name(None, text, date(2025, 10, 27))
    assert people["Carsten Fritsch"].role == "analyst" and people["Carsten Fritsch"].mentions == 2
    assert people["Derek Scissors"].role.startswith("China scholar")
    assert people["Donald Trump"].actor_id == "donald_trump"  # "Mr. Trump": the only Trump in the dictionary


def test_office_on_the_day_and_names_that_are_not_people() -> None:
    text = "President Trump met Treasury Secretary Scott Bessent. The Commerce Ministry said nothing."
    first_term = _by_name(None, text, date(2018, 5, 1))
    assert first_term["Donald Trump"].role == "President of the United States"
    assert "Commerce Ministry" not in first_term and "The Commerce" not in first_term
    assert _by_name(None, "He said the talks would resume.") == {}  # "He" the pronoun is nobody
