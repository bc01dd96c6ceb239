from __future__ import annotations

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


def test_list_sentences_count_only_when_nothing_else_pairs() -> None:
    text = "Exports went to Japan, Korea, Vietnam and Thailand. Japan and Korea then met."
    names = {"JPN": "Japan", "KOR": "Korea", "VNM": "Vietnam", "THA": "Thailand"}
    countries = [{"iso3": i, "name": n} for i, n in names.items()]  # no offsets: found in the text
    dyads = {(d.a, d.b): d.mentions for d in find_dyads(text, countries)}
    assert dyads[("JPN", "KOR")] == 1  # the list sentence does not count for them
    assert dyads[("THA", "VNM")] == 1  # nothing else pairs these


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
