from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import SEED, require_shared
from tradewire.enrich.dyads import find_dyads


def _countries(text: str, *names: tuple[str, str]) -> list[dict]:
    return [{"iso3": iso3, "name": name, "offsets": [text.index(name)]} for iso3, name in names]


def test_pairs_in_one_sentence_with_topics_and_tone() -> None:
    text = (
        "The United States raised tariffs on China. Japan watched. "
        "China threatened retaliation against the United States."
    )
    countries = [
        {"iso3": "USA", "name": "United States", "offsets": [4, text.rindex("United States")]},
        {"iso3": "CHN", "name": "China", "offsets": [text.index("China"), text.rindex("China")]},
        {"iso3": "JPN", "name": "Japan", "offsets": [text.index("Japan")]},
    ]
    (dyad,) = find_dyads(text, countries)
    assert (dyad.a, dyad.b, dyad.mentions) == ("CHN", "USA", 2)
    assert "tariffs" in dyad.topics
    assert dyad.conflict_cooperation < 0
    data = dyad.as_dict()
    assert set(data) == {"a", "b", "mentions", "topics", "tone", "conflict_cooperation", "evidence"}
    first = data["evidence"][0]
    assert text[first["start"] : first["end"]] == first["text"]


def test_article_topics_filter_and_title_offsets_ignored() -> None:
    text = "Canada and Mexico discussed tariffs."
    countries = [
        {"iso3": "CAN", "name": "Canada", "offsets": [-20, 0]},
        {"iso3": "MEX", "name": "Mexico", "offsets": [11]},
    ]
    assert find_dyads(text, countries, topics=[{"id": "trade_talks", "score": 1.0}])[0].topics == ()
    assert find_dyads(text, countries, topics=None)[0].topics == ("tariffs",)


def test_a_list_of_countries_is_no_interaction() -> None:
    text = "Exports went to Japan, Korea, Vietnam and Thailand. Japan and Korea then met."
    names = {"JPN": "Japan", "KOR": "Korea", "VNM": "Vietnam", "THA": "Thailand"}
    countries = [{"iso3": i, "name": n} for i, n in names.items()]  # no offsets: found in the text
    (dyad,) = find_dyads(text, countries)
    assert (dyad.a, dyad.b, dyad.mentions) == ("JPN", "KOR", 2)  # named together twice; they meet in the second
    assert dyad.evidence[0][2] == "Japan and Korea then met."  # the interacting sentence first


def test_people_stand_for_their_country() -> None:
    text = "Trump raised tariffs on Chinese goods."
    countries = [{"iso3": "CHN", "name": "China", "offsets": [24]}]
    people = [{"name": "Donald Trump", "country_iso3": "USA", "offsets": [0]}]
    assert find_dyads(text, countries) == []
    assert [(d.a, d.b) for d in find_dyads(text, countries, people=people)] == [("CHN", "USA")]


def test_seed_china_us_first_with_tariffs() -> None:
    from tradewire.clean.textdump import clean_text_dump
    from tradewire.enrich.run import enrich_record

    dump = clean_text_dump(Path(require_shared("seeds", SEED.name)).read_text())
    record = enrich_record(dump.title, dump.text, None, dump.authors)
    dyads = find_dyads(dump.text, record["countries"], record["topics"], people=record["people"])
    assert (dyads[0].a, dyads[0].b) == ("CHN", "USA")
    assert dyads[0].mentions >= 5
    assert "tariffs" in dyads[0].topics
    assert len(dyads[0].evidence) == 3


def test_only_countries_the_story_is_about_pair() -> None:
    text = "China and the US met in Spain. China and the US agreed to talk again."
    countries = [
        {"iso3": "CHN", "name": "China", "offsets": [0, 31], "about": True},
        {"iso3": "USA", "name": "US", "offsets": [14, 45], "about": True},
        {"iso3": "ESP", "name": "Spain", "offsets": [24], "about": False},  # a venue, not an actor
    ]
    assert [(d.a, d.b) for d in find_dyads(text, countries)] == [("CHN", "USA")]


def test_a_country_named_as_the_venue_is_not_a_party() -> None:
    text = "China and the US will meet in South Korea. A surge in Chinese imports worried the US."
    countries = [
        {"iso3": "CHN", "name": "China", "offsets": [0, 54], "about": True},
        {"iso3": "USA", "name": "US", "offsets": [15, 82], "about": True},
        {"iso3": "KOR", "name": "South Korea", "offsets": [30], "about": True},
    ]
    dyads = find_dyads(text, countries)
    assert [(d.a, d.b) for d in dyads] == [("CHN", "USA")]
    assert dyads[0].mentions == 2  # "in Chinese imports": a party, not a venue


def _pairs(text: str, *names: tuple[str, str]) -> list[tuple[str, str]]:
    countries: dict[str, dict] = {}
    for iso3, name in names:
        entry = countries.setdefault(iso3, {"iso3": iso3, "name": name, "offsets": []})
        entry["offsets"] += [m.start() for m in re.finditer(re.escape(name), text)]
    return [(d.a, d.b) for d in find_dyads(text, list(countries.values()))]


def test_a_link_between_the_two_mentions_makes_an_interaction() -> None:
    assert _pairs("Australia's exports to Japan rose.", ("AUS", "Australia"), ("JPN", "Japan")) == [("AUS", "JPN")]
    assert _pairs("Japan warned the United States it may retaliate.", ("JPN", "Japan"), ("USA", "United States")) == [
        ("JPN", "USA")
    ]
    assert _pairs("U.S.-Japan talks resumed.", ("USA", "U.S."), ("JPN", "Japan")) == [("JPN", "USA")]
    assert _pairs("The war between Iran and Iraq went on.", ("IRN", "Iran"), ("IRQ", "Iraq")) == [("IRN", "IRQ")]
    assert _pairs("India and Britain signed a trade deal.", ("IND", "India"), ("GBR", "Britain")) == [("GBR", "IND")]


def test_rivals_lists_and_parallel_clauses_are_not_interactions() -> None:
    rivals = "Shipments from Brazil rose, while imports from the United States fell to zero."
    assert _pairs(rivals, ("BRA", "Brazil"), ("USA", "United States")) == []
    listed = "Turkey, India and China together supplied 40 percent of the steel the EU imported."
    assert _pairs(listed, ("TUR", "Turkey"), ("IND", "India"), ("CHN", "China")) == []
    parallel = "Venezuela got two credits, one from a bank of France and the other from Britain."
    assert ("FRA", "GBR") not in _pairs(parallel, ("FRA", "France"), ("GBR", "Britain"), ("VEN", "Venezuela"))
    side_by_side = "Thai and Vietnamese exporters are struggling."
    assert _pairs(side_by_side, ("THA", "Thai"), ("VNM", "Vietnamese")) == []
    ranged = "Carmakers from Germany to Japan warned of stoppages."
    assert _pairs(ranged, ("DEU", "Germany"), ("JPN", "Japan")) == []
    name = "Mexico seeks a review of the U.S.-Mexico-Canada Agreement."
    assert ("CAN", "MEX") not in _pairs(name, ("USA", "U.S."), ("MEX", "Mexico"), ("CAN", "Canada"))


def test_a_measure_of_one_country_pairs_it_with_the_country_it_hits() -> None:
    text = "Carmakers from Germany to Japan face stoppages as China's export controls choke shipments."
    pairs = _pairs(text, ("DEU", "Germany"), ("JPN", "Japan"), ("CHN", "China"))
    assert pairs == [("CHN", "DEU"), ("CHN", "JPN")]


def test_the_eu_and_the_dateline_make_no_dyad() -> None:
    text = "Ursula von der Leyen met Donald Trump on Sunday to agree a trade deal."
    people = [
        {"name": "Ursula von der Leyen", "country_iso3": "EUU", "offsets": [0]},
        {"name": "Donald Trump", "country_iso3": "USA", "offsets": [text.index("Donald")]},
    ]
    assert find_dyads(text, [], people=people) == []
    wire = "HONG KONG, April 8 - Trade friction between the U.S. and Japan raised fears."
    assert _pairs(wire, ("HKG", "HONG KONG"), ("USA", "U.S."), ("JPN", "Japan")) == [("JPN", "USA")]
