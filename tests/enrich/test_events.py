"""Typed events with status, date, place, actors and countries (enrich/events.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import require_shared
from tradewire.enrich.countries import find_countries
from tradewire.enrich.events import Event, find_events
from tradewire.enrich.people import find_people
from tradewire.enrich.places import find_places

PUBLISHED = date(2025, 10, 27)  # a Monday


def _events(text: str, published: date | None = PUBLISHED, title: str | None = None) -> list[Event]:
    countries = [c.as_dict() for c in find_countries(title, text)]
    people = [p.as_dict() for p in find_people(title, text, published, ())]
    places = [p.as_dict() for p in find_places(title, text)]
    return find_events(title, text, published, countries, people, places)


def _only(text: str, kind: str | None = None) -> Event:
    events = [e for e in _events(text) if kind is None or e.type == kind]
    assert len(events) == 1, [e.as_dict() for e in events]
    return events[0]


@pytest.fixture(scope="module")
def seed_events() -> list[dict[str, Any]]:
    from tradewire.clean.textdump import clean_text_dump
    from tradewire.enrich.run import enrich_record

    dump = clean_text_dump(require_shared("seeds", "000_226ded49a171c2f9.txt").read_text(encoding="utf-8"))
    published = date.fromisoformat((dump.published or "2025-10-27")[:10])
    record = enrich_record(dump.title, dump.text, published, dump.authors)
    events = find_events(dump.title, dump.text, published, record["countries"], record["people"], record["places"])
    return [e.as_dict() for e in events]


def test_seed_talks_in_kuala_lumpur(seed_events: list[dict[str, Any]]) -> None:
    talks = [e for e in seed_events if e["type"] == "talks"]
    assert len(talks) == 1  # "the meeting in the Malaysian capital", "the talks" are the same happening
    (event,) = talks
    assert event["place"] == {"name": "Kuala Lumpur", "iso3": "MYS"}
    assert {"CHN", "USA"} <= set(event["countries"])
    assert {"He Lifeng", "Scott Bessent"} <= set(event["actors"])
    assert event["status"] == "held"  # "have started a new round of trade talks": under way, begun
    assert len(event["offsets"]) > 1 and event["offsets"][0] == event["start"]


def test_seed_tariff_threat(seed_events: list[dict[str, Any]]) -> None:
    tariffs = [e for e in seed_events if e["type"] == "tariff_action"]
    assert len(tariffs) == 1
    (event,) = tariffs
    assert (event["status"], event["rate_pct"], event["target"], event["effective_date"]) == (
        "threatened", 100.0, "CHN", "2025-11-01"
    )  # fmt: skip
    assert "100 per cent" in event["evidence"]


def test_seed_other_events(seed_events: list[dict[str, Any]]) -> None:
    kinds = {(e["type"], e["status"], e["date"]) for e in seed_events}
    assert ("export_control", "announced", "2025-10-09") in kinds
    # Trump and Xi will meet on Thursday on the sidelines of the Apec forum: a summit meeting
    assert ("summit", "planned", "2025-10-30") in kinds
    assert ("investigation", "announced", "2025-10-24") in kinds
    # "last met in Madrid in September", "had previously met in Stockholm": earlier rounds, background
    assert not [e for e in seed_events if (e["place"] or {}).get("name") in ("Madrid", "Stockholm")]
    assert not any(e["type"] == "agreement" and "Phase One" in e["trigger"] for e in seed_events)


def test_as_dict_shape() -> None:
    event = _only("Japan imposed a 25% tariff on Chinese steel on Friday.")
    shape = event.as_dict()
    assert list(shape) == [
        "type", "status", "date", "date_text", "place", "actors", "countries", "rate_pct", "target",
        "effective_date", "trigger", "evidence", "start", "end", "offsets",
    ]  # fmt: skip
    assert shape["date"] == "2025-10-24" and shape["date_text"] == "Friday"
    assert shape["rate_pct"] == 25.0 and shape["target"] == "CHN" and shape["place"] is None


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Trump threatened to impose 50% tariffs on Brazilian goods.", "threatened"),
        ("Trump vowed new tariffs on Canada.", "threatened"),
        ("Washington would impose tariffs on Indian goods.", "threatened"),
        ("Washington could slap tariffs on Mexican cars.", "threatened"),
        ("Canada announced tariffs on US steel.", "announced"),
        ("Japan said it will impose tariffs on US beef.", "announced"),
        ("The US imposed tariffs on Chinese solar panels.", "imposed"),
        ("The EU slapped duties on Chinese electric vehicles.", "imposed"),
        ("The 25% tariffs on Mexican goods took effect on Friday.", "imposed"),
        ("Trump raised tariffs on China to 145%.", "imposed"),
    ],
)
def test_tariff_status(text: str, status: str) -> None:
    assert _only(text, "tariff_action").status == status


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Xi and Lula met in Beijing on Thursday.", "held"),
        ("Chinese and US negotiators held talks in Geneva.", "held"),
        ("Trump and Xi will meet in South Korea on Thursday.", "planned"),
        ("Officials from Japan and India are due to meet in Tokyo.", "planned"),
        ("Canada and Mexico plan to hold talks next week.", "planned"),
        ("Leaders of Japan and South Korea met at a summit in Seoul.", "held"),
    ],
)
def test_meeting_status(text: str, status: str) -> None:
    (event,) = [e for e in _events(text) if e.type in ("meeting", "talks", "summit")]
    assert event.status == status


def test_meeting_place_date_actors_and_host_country() -> None:
    event = _only("Donald Trump and President Xi Jinping will meet on Thursday in South Korea.")
    assert event.type == "meeting" and event.status == "planned"
    assert event.date == "2025-10-30"
    assert event.place == ("South Korea", "KOR")
    assert {"Donald Trump", "Xi Jinping"} <= set(event.actors)
    assert "KOR" not in event.countries  # the host is the place, not a party
    city = _only("Japanese and Indian officials met in Tokyo last week.")
    assert city.place == ("Tokyo", "JPN") and city.date == "2025-10-20"


def test_effective_date_phrasings() -> None:
    for text, expected in [
        ("Canada will impose 25% tariffs on US cars from November 1.", "2025-11-01"),
        ("The US will impose a 10% tariff on Chinese toys starting Nov. 1.", "2025-11-01"),
        ("Mexico announced 30% duties on Chinese steel, effective Friday.", "2025-10-31"),
        ("Japan's new tariffs on Chinese steel take effect on December 1.", "2025-12-01"),
    ]:
        event = _only(text, "tariff_action")
        assert event.effective_date == expected, text
        assert event.date != expected


def test_target_country() -> None:
    assert _only("Trump announced tariffs on Chinese goods.", "tariff_action").target == "CHN"
    assert _only("Trump announced tariffs on imports from Vietnam.", "tariff_action").target == "VNM"
    assert _only("Ottawa imposed retaliatory tariffs against the United States.", "tariff_action").target == "USA"
    assert _only("Washington slapped Brazil with 50% tariffs.", "tariff_action").target == "BRA"


def test_other_types() -> None:
    assert _only("The US added 26 Chinese firms to the entity list on Tuesday.").type == "export_control"
    assert _only("Beijing announced export controls on rare earths.").status == "announced"
    sanction = _only("The EU imposed sanctions on Russian oil companies.")
    assert (sanction.type, sanction.status) == ("sanction", "imposed")
    probe = _only("The European Commission launched an investigation into Chinese EV subsidies.")
    assert (probe.type, probe.status) == ("investigation", "announced")
    deal = _only("India and Britain signed a free trade agreement on Thursday.")
    assert (deal.type, deal.status, deal.date) == ("agreement", "held", "2025-10-23")  # signed: it took place
    assert _only("Trump announced a trade deal with Vietnam on Wednesday.").status == "announced"
    assert _only("Japan and the US are close to a trade deal.").status == "planned"


@pytest.mark.parametrize(
    "text",
    [
        "Exports have slumped since the tariff war began.",  # background: "tariff war", a "since" clause
        "Non-tariff barriers in Japan remain high.",
        "The tariffs on Chinese goods hurt American farmers.",  # no act told
        "China and the US may impose tariffs if no deal is reached.",  # "if": hypothetical deal
        "Farmers struggled to meet demand in China.",
        "Japan did not meet its export target.",
        "The talks were productive, a spokesman said.",  # no actor, country or place
        "The Phase One Trade Agreement required China to buy more.",
        "Dow shareholders attended the annual meeting in Houston.",
        "Datron Corp said it agreed to merge with GGFH Inc of Florida.",
    ],
)
def test_not_events(text: str) -> None:
    events = [e.as_dict() for e in _events(text)]
    kinds = {e["type"] for e in events}
    assert "agreement" not in kinds and "meeting" not in kinds, events
    if "tariff" in text.lower():
        assert "tariff_action" not in kinds or text.startswith("China and the US may"), events


def test_hypothetical_tariffs_are_at_most_threats() -> None:
    for event in _events("China and the US may impose tariffs if no deal is reached."):
        assert event.type != "agreement"
        assert event.status == "threatened"


def test_repeated_mentions_merge() -> None:
    text = (
        "Chinese Vice-Premier He Lifeng and US Treasury Secretary Scott Bessent held talks in Kuala Lumpur "
        "on Saturday. "
        "The talks in Kuala Lumpur ended late. "
        "Bessent said the talks had been constructive."
    )
    (event,) = _events(text)
    assert event.type == "talks" and event.place == ("Kuala Lumpur", "MYS")
    assert len(event.offsets) == 3 and event.evidence.startswith("Chinese Vice-Premier")
    assert event.date == "2025-10-25"


def test_different_meetings_stay_apart() -> None:
    text = "He and Bessent met in Madrid on Monday. Trade ministers met in Stockholm on Friday."
    events = _events(text)
    assert [e.place[0] for e in events if e.place] == ["Madrid", "Stockholm"]


def test_country_offsets_missing_are_matched_again() -> None:
    text = "Canada announced 25% tariffs on US steel on Friday."
    countries = [
        {"iso3": "CAN", "name": "Canada", "mentions": 1, "salience": 0.5},
        {"iso3": "USA", "name": "United States"},
    ]
    (event,) = find_events(None, text, PUBLISHED, countries, [], [])
    assert set(event.countries) == {"CAN", "USA"} and event.target == "USA"


def test_no_publication_day_and_empty_text() -> None:
    assert find_events(None, "", None, [], [], []) == []
    (event,) = _events("Canada announced tariffs on US steel on Friday.", published=None)
    assert event.date is None and event.status == "announced"


def test_sentences_can_be_passed_in() -> None:
    from tradewire.enrich.sentences import split_sentences

    text = "Canada announced tariffs on US steel. Japan and India met in Tokyo."
    countries = [c.as_dict() for c in find_countries(None, text)]
    places = [p.as_dict() for p in find_places(None, text)]
    given = find_events(None, text, PUBLISHED, countries, [], places, sentences=split_sentences(text))
    assert given == find_events(None, text, PUBLISHED, countries, [], places)


@pytest.mark.parametrize(
    "text",
    [
        "Coast Savings said it is in talks with Central Bancorp Inc on the acquisition of its San Diego unit.",
        "Foothill Group Inc said it reached a standstill agreement with Santa Cruz Resources Inc.",
        "Beijing imposed punitive duties on Australian barley in 2020.",  # a bare past year: background
        "The truce agreed in May has held, officials in Washington said.",  # five months before publication
        "He and Bessent last met in Madrid in September.",  # an earlier round
        "Police in Ohio opened an investigation into the fire.",  # not a trade investigation
    ],
)
def test_company_business_and_background_are_not_events(text: str) -> None:
    assert _events(text) == [], [e.as_dict() for e in _events(text)]


def test_government_talks_with_companies_count() -> None:
    event = _only("Trade Minister Piyush Goyal held talks with Tesla on its plant in Mumbai on Friday.", "talks")
    assert event.status == "held"


def test_sidelines_of_a_summit() -> None:
    meet = _only(
        "Donald Trump and Xi Jinping will meet on Thursday on the sidelines of the APEC summit in South Korea."
    )
    assert (meet.type, meet.status, meet.date) == ("summit", "planned", "2025-10-30")
    events = _events("He Lifeng held talks with Scott Bessent on the sidelines of the Asean summit in Kuala Lumpur.")
    assert sorted(e.type for e in events) == ["summit", "talks"]


def test_effective_immediately() -> None:
    event = _only("The US added 26 Chinese firms to the entity list on Tuesday, taking effect immediately.")
    assert event.effective_date == "2025-10-21"


def test_meeting_a_target_or_giving_a_speech_is_no_meeting() -> None:
    assert not [e for e in _events("Romero said the Philippines was doing its best to meet EC standards.")]
    text = "Britain's defence minister told a U.S. Chamber of Commerce meeting that Washington was unfair."
    assert not [e for e in _events(text) if e.type == "meeting"]


def test_a_trigger_inside_a_name_is_no_event() -> None:
    text = "Tanghe said the proposed tax conforms with General Agreement on Tariffs and Trade rules, Japan said."
    assert not [e for e in _events(text) if e.type == "tariff_action"]


def test_references_back_to_an_agreement_are_not_new_agreements() -> None:
    text = (
        "Japan and the United States signed a trade agreement on Friday. "
        "As part of that agreement, Japan will buy more American rice. "
        "Baker said Japan's rate rise was not in keeping with what we agreed to, Japan said. "
        "France had agreed in Paris to cut rates, Japan said."
    )
    (event,) = [e for e in _events(text) if e.type == "agreement"]
    assert (event.status, event.date) == ("held", "2025-10-24")


def test_mentions_of_one_named_gathering_merge() -> None:
    text = (
        "Finance ministers of Japan and Germany will meet at the G-7 meeting in Washington on Friday. "
        "Officials said the United States would press Japan at the G-7 meeting."
    )
    meetings = [e for e in _events(text) if e.type == "meeting"]
    assert len(meetings) == 1 and len(meetings[0].offsets) == 2


def test_an_event_a_day_after_a_dated_one_and_the_lead_day() -> None:
    text = (
        "Vietnamese makers spent Monday poring over supplier lists, a day after the United States and Vietnam "
        "unveiled a framework trade deal."
    )
    (deal,) = [e for e in _events(text) if e.type == "agreement"]
    assert deal.date == "2025-10-26"
    lead = (
        "China's Ministry of Commerce said on Sunday its probe found Canadian canola was dumped. "
        "China will require importers of Canadian canola to post cash deposits starting Thursday."
    )
    (deposit,) = [e for e in _events(lead) if e.type == "tariff_action"]
    assert (deposit.date, deposit.effective_date) == ("2025-10-26", "2025-10-30")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("China lifts ban on Japanese seafood from 37 prefectures.", "tariff_action"),  # an import ban
        ("India scrapped its last rice export curbs on Monday.", "export_control"),
        ("India has removed the restrictions on rice exports, officials said.", "export_control"),
        ("The EU suspended the tariffs on US whiskey.", "tariff_action"),
        ("Washington eased sanctions on Venezuela on Tuesday.", "sanction"),
        ("The White House exempted smartphones from the tariffs on Chinese goods.", "tariff_action"),
        ("The tariffs on Mexican steel were lifted on Friday.", "tariff_action"),
        ("Britain will remove tariffs on Indian clothing.", "tariff_action"),
    ],
)
def test_lifted_measures(text: str, kind: str) -> None:
    event = _only(text)
    assert (event.type, event.status) == (kind, "lifted")


def test_a_demand_to_lift_is_no_lifting() -> None:
    events = _events("Canadian officials pressed the Trump administration to lift or reduce tariffs on steel.")
    assert not [e for e in events if e.status == "lifted"]


def test_disputes() -> None:
    filed = _only("China has filed a complaint at the World Trade Organization challenging measures by Canada.")
    assert (filed.type, filed.status) == ("dispute", "announced")
    assert {"CHN", "CAN"} <= set(filed.countries)
    assert _only("Australia challenged China's barley duties at the WTO.").countries == ("AUS", "CHN")
    assert _only("Brazil asked a WTO panel to rule on US tariffs.", "dispute").status == "announced"
    threat = _only("India said it was considering requesting consultations at the World Trade Organization.")
    assert (threat.type, threat.status) == ("dispute", "threatened")
    assert not _events("Customers filed a complaint with the regulator against Canada's bank.")


def test_one_dispute_told_twice_is_one_event() -> None:
    text = (
        "GENEVA, June 12 (Reuters) - China has filed a complaint at the WTO against Canada on Thursday. "
        "In two requests for consultations, the first formal step in a WTO dispute, Beijing targets Canada's surtax."
    )
    (event,) = [e for e in _events(text, date(2025, 6, 12)) if e.type == "dispute"]
    assert event.countries == ("CHN", "CAN") and len(event.offsets) == 2 and event.effective_date is None
