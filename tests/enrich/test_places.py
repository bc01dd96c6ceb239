"""Places: gazetteer cities with coordinates and countries, as written, longest name first."""

from __future__ import annotations

from tests.conftest import require_shared
from tradewire.clean.textdump import clean_text_dump
from tradewire.enrich.places import find_places


def test_the_seed_places_with_their_countries() -> None:
    dump = clean_text_dump(require_shared("seeds", "000_226ded49a171c2f9.txt").read_text(encoding="utf-8"))
    places = {p.name: p for p in find_places(dump.title, dump.text)}
    want = {"Kuala Lumpur": "MYS", "Madrid": "ESP", "Stockholm": "SWE", "London": "GBR", "Geneva": "CHE"}
    assert {name: places[name].iso3 for name in want} == want
    assert abs(places["Kuala Lumpur"].lat - 3.14) < 0.1 and abs(places["Kuala Lumpur"].lon - 101.69) < 0.1
    assert "India" not in places and "Bolivia" not in places


def test_longest_name_wins_and_words_are_not_places() -> None:
    places = {p.name: p for p in find_places(None, "Talks moved from New York to York. A nice deal, said Reading.")}
    assert set(places) == {"New York City", "York"} and places["New York City"].iso3 == "USA"
    assert find_places(None, "The reading of the bill went on; prices were nice.") == []


def test_a_capitalised_wire_dateline_is_a_place() -> None:
    text = "NEW YORK, April 8 - Traders said copper fell in London."
    places = find_places(None, text)
    assert [(p.name, p.offsets) for p in places] == [("London", [text.index("London")]), ("New York City", [0])]
