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


def test_a_dateline_region_places_a_namesake_town_in_its_country() -> None:
    """ "CAMBRIDGE, Mass." is Cambridge in Massachusetts, not the larger one in England; the region gives the
    country even for a town the gazetteer does not list as a city."""
    from tradewire.enrich.places import dateline

    places = find_places(None, "CAMBRIDGE, Mass., April 13 - Health Trust said it declared a dividend.")
    assert [(p.name, p.iso3, p.offsets) for p in places] == [("Cambridge", "USA", [0])]
    places = find_places(None, "ST. JOSEPH, MO., Oct 19 - Shr 84 cts")  # "St." is the gazetteer's "Saint"
    assert [(p.name, p.iso3) for p in places] == [("Saint Joseph", "USA")]
    line = dateline("ST. JOSEPH, MO., Oct 19 - Shr 84 cts")
    assert line is not None and (line.place, line.iso3, line.region) == ("St. Joseph", "USA", "MO.")
    line = dateline("ST. PAUL, Oct 19 -\nShr 50 cts")
    assert line is not None and line.city is not None and line.city.name == "Saint Paul"
    assert dateline("REUTERS - Traders said prices fell.") is None


def test_accents_are_optional_and_modern_datelines_are_read() -> None:
    places = {p.name: p for p in find_places(None, "BEIJING (Reuters) — Trade with Montreal and Zurich grew.")}
    assert places["Montréal"].iso3 == "CAN" and places["Zürich"].iso3 == "CHE" and places["Beijing"].offsets == [0]


def _found(text: str, title: str | None = None) -> dict[str, tuple[str, str]]:
    return {p.name: (p.iso3, p.kind) for p in find_places(title, text)}


def test_regions_count_when_their_country_is_named_or_they_are_typed() -> None:
    assert _found("Rain fell across Saskatchewan on Monday.") == {}
    assert _found("Canadian canola growers in Saskatchewan face a closed door.") == {
        "Saskatchewan": ("CAN", "province")
    }
    assert _found("Factories in Guangdong province cut output.") == {"Guangdong": ("CHN", "province")}
    # two regions of one country vouch for each other; US states carry coordinates
    places = {p.name: p for p in find_places(None, "Heat alerts covered Iowa and Illinois on Thursday.")}
    assert set(places) == {"Iowa", "Illinois"} and places["Iowa"].lat is not None and places["Iowa"].iso3 == "USA"
    assert _found("Investors in Bavaria and Lombardy worry, German and Italian officials said.") == {
        "Bavaria": ("DEU", "state"), "Lombardy": ("ITA", "region")
    }  # fmt: skip


def test_small_towns_need_their_country_or_a_qualifier() -> None:
    assert "Mankato" not in _found("Mankato is quiet this autumn.")
    assert _found("Elevators near Mankato, Minnesota, are full.")["Mankato"] == ("USA", "town")
    places = {p.name: p for p in find_places(None, "A Columbus, Ohio, importer of cookware said orders fell.")}
    assert abs(places["Columbus"].lat - 39.96) < 0.1  # the Columbus in Ohio, not the one in Georgia
    assert _found("Mills in Hamilton, Ontario, cut shifts.")["Hamilton"] == ("CAN", "city")  # a blocked name, qualified


def test_a_capital_named_only_as_its_government_is_no_place() -> None:
    text = "Beijing said it would retaliate. Washington's tariffs took effect, and Beijing announced curbs."
    assert _found(text) == {}
    places = _found("Beijing announced curbs after talks in Washington.")
    assert set(places) == {"Washington"}
    text = "They met in Stockholm in late July, London in June and Geneva in May."
    assert set(_found(text)) == {"Stockholm", "London", "Geneva"}
    assert set(_found("Analysts at a Warsaw-based institute and the Kuala Lumpur-based group agree.")) == {
        "Warsaw", "Kuala Lumpur"
    }  # fmt: skip


def test_names_inside_longer_names_are_not_places() -> None:
    text = (
        "Brazilian exporters agree, said Carolina Azevedo. Le Quang Vinh runs a Vietnamese mill. Delta Quay "
        "Terminals and the Washington Post cited the Treaty of Rome; Brent crude rose. Jamieson Greer, the US "
        "trade envoy, spoke. Greer said more was coming."
    )
    assert _found(text) == {}


def test_accents_city_states_ports_and_loose_datelines() -> None:
    places = _found("MEXICO CITY - A Sao Paulo-based consultancy ships via Singapore, Hong Kong and Zeebrugge.")
    assert places == {
        "Mexico City": ("MEX", "capital"), "São Paulo": ("BRA", "city"), "Singapore": ("SGP", "capital"),
        "Hong Kong": ("HKG", "capital"), "Zeebrugge": ("BEL", "port"),
    }  # fmt: skip
    assert _found("Cargo left Hai Phong, Vietnam's northern port.")["Haiphong"] == ("VNM", "city")


def test_the_index_is_built_once() -> None:
    from tradewire.enrich.places import place_index

    assert place_index() is place_index() and place_index().build_seconds > 0


def test_one_pass_serves_countries_and_places() -> None:
    from tradewire.enrich.places import COUNTRY_FORM, GAZETTEER_CITY, PLACE_FORM, name_hits, place_index

    head, text = "Tariffs hit Ohio", "COLUMBUS, Ohio - Exports from New York and Japan fell, Reuters said."
    whole = list(place_index().automaton.iter(f"{head}\n\n{text}"))
    apart = [(end + shift, value) for shift, hits in name_hits(head, text) for end, value in hits]
    assert apart == whole  # the headline and the body scanned apart, offsets as in one string
    flags = dict(value for _, value in whole)
    assert flags["Japan"] & COUNTRY_FORM and flags["New York"] & GAZETTEER_CITY and flags["Ohio"] & PLACE_FORM
