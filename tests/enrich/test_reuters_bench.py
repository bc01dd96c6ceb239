"""The Reuters-21578 enrich benchmark: its place mapping, its scoring on hand-made inputs, and the ModApte split.

The figures themselves are for benchmarks/enrich_bench.py, which prints them beside their targets.
"""

from __future__ import annotations

import sys
from typing import Any

import pycountry
import pytest

from tests.conftest import REPO, require_shared

sys.path.insert(0, str(REPO / "benchmarks"))

from enrich_bench import (
    DATA,
    NA,
    Counts,
    Story,
    best_cut,
    binary_counts,
    country_cuts,
    country_report,
    dateline_city,
    entity_report,
    fold,
    is_trade_report,
    last_token,
    load_stories,
    org_found,
    person_found,
    ranked_countries,
    score_cuts,
    speed_articles,
    split_counts,
)
from reuters_places import MODERN_EQUIVALENT, REUTERS_PLACE_TO_ISO3, gold_countries, modern_iso3

CURRENT = {c.alpha_3 for c in pycountry.countries}
HISTORIC = {c.alpha_3 for c in pycountry.historic_countries}


def story(newid: int, **fields: Any) -> Story:
    base: dict[str, Any] = {
        "lewissplit": "TEST",
        "topics_attr": "YES",
        "title": "T",
        "dateline": "",
        "body": "",
        "topics": (),
        "places": (),
        "people": (),
        "orgs": (),
    }
    return Story(newid=newid, **{**base, **fields})


# ---- (a) the place mapping ------------------------------------------------------------------------------------


def test_every_reuters_place_is_mapped_to_a_valid_code() -> None:
    path = require_shared("eval", "reuters21578", "all-places-strings.lc.txt")
    places = {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    assert len(places) == 175
    assert places - REUTERS_PLACE_TO_ISO3.keys() == set(), "Reuters places without a mapping"
    assert REUTERS_PLACE_TO_ISO3.keys() - places == set(), "mapped strings Reuters does not use"


def test_mapped_codes_are_iso3_and_modern_equivalents_are_current() -> None:
    bad = {place: code for place, code in REUTERS_PLACE_TO_ISO3.items() if code and code not in CURRENT | HISTORIC}
    assert bad == {}
    assert set(MODERN_EQUIVALENT) <= HISTORIC
    assert set(MODERN_EQUIVALENT.values()) <= CURRENT
    # every code scoring compares is one the enrich stage can emit
    assert {modern_iso3(code) for code in REUTERS_PLACE_TO_ISO3.values() if code} <= CURRENT


def test_historic_places_score_as_their_modern_successors() -> None:
    assert REUTERS_PLACE_TO_ISO3["ussr"] == "SUN"
    assert REUTERS_PLACE_TO_ISO3["east-germany"] == "DDR"
    assert gold_countries(["ussr", "east-germany", "west-germany", "yugoslavia", "czechoslovakia"]) == {
        "RUS",
        "DEU",
        "SRB",
        "CZE",
    }
    assert gold_countries(["usa", "uk", "hong-kong", "taiwan", "nowhere"]) == {"USA", "GBR", "HKG", "TWN"}


# ---- (b) scoring on hand-made inputs --------------------------------------------------------------------------


def test_counts_precision_recall_f1() -> None:
    counts = Counts()
    counts.add({"USA", "JPN"}, {"USA", "CHN"})
    counts.add({"DEU"}, set())
    assert (counts.tp, counts.fp, counts.fn) == (1, 1, 2)
    assert counts.precision == 0.5
    assert counts.recall == pytest.approx(1 / 3)
    assert counts.f1 == pytest.approx(0.4)
    assert Counts().precision is None
    assert Counts().f1 is None


def test_binary_counts() -> None:
    counts = binary_counts([(True, True), (True, False), (False, True), (False, False), (True, True)])
    assert (counts.tp, counts.fp, counts.fn) == (2, 1, 1)
    assert counts.f1 == pytest.approx(2 / 3)


def test_ranked_countries_modern_codes_deduplicated_most_salient_first() -> None:
    result = {
        "countries": [
            {"iso3": "USA", "salience": 0.2},
            {"iso3": "SUN", "salience": 0.1},
            {"iso3": "RUS", "salience": 0.5},
            {"iso3": "JPN", "salience": 0.2},
        ]
    }
    assert ranked_countries(result) == [("RUS", 0.5), ("JPN", 0.2), ("USA", 0.2)]
    assert ranked_countries({}) == []


def test_country_cuts_and_the_best_cut() -> None:
    items = [
        ({"USA"}, [("USA", 0.6), ("JPN", 0.3), ("GBR", 0.1)]),
        ({"JPN", "CHN"}, [("JPN", 0.5), ("USA", 0.4), ("CHN", 0.1)]),
        ({"DEU"}, []),
    ]
    scored = score_cuts(items, country_cuts())
    every = scored["all detected"]
    assert (every.tp, every.fp, every.fn) == (3, 3, 1)
    top1 = scored["top-1"]
    assert (top1.tp, top1.fp, top1.fn) == (2, 0, 2)
    top2 = scored["top-2"]
    assert (top2.tp, top2.fp, top2.fn) == (2, 2, 2)
    above = scored["salience >= 0.30"]  # USA, JPN | JPN, USA
    assert (above.tp, above.fp, above.fn) == (2, 2, 2)
    assert scored["top-1 + salience >= 0.50"].tp == 2
    assert best_cut({"top-1": top1, "top-2": top2, "all detected": every}) == "top-1"
    assert best_cut({"top-2": top2, "all detected": every}) is None
    assert best_cut({"all detected": every}, min_precision=0.5) == "all detected"


def test_country_report_skips_stories_without_places() -> None:
    stories = [story(1, places=("usa",)), story(2), story(3, places=("ussr", "uk"))]
    results = {
        1: {"countries": [{"iso3": "USA", "salience": 1.0}]},
        2: {"countries": [{"iso3": "FRA", "salience": 1.0}]},
        3: {"countries": [{"iso3": "RUS", "salience": 0.7}, {"iso3": "USA", "salience": 0.3}]},
    }
    report = country_report(stories, results)
    assert (report["stories"], report["labels"], report["stories_without_detection"]) == (2, 3, 0)
    assert report["cuts"]["all detected"] == {
        "tp": 2,
        "fp": 1,
        "fn": 1,
        "precision": 0.6667,
        "recall": 0.6667,
        "f1": 0.6667,
    }
    assert report["best_cut"]["cut"] == "top-1"  # the first of several cuts with the same figures
    assert report["best_cut"]["precision"] == 1.0
    assert "all detected + places' countries" not in report


def test_is_trade_is_scored_when_produced_and_not_applicable_when_absent() -> None:
    stories = [story(1, topics=("trade",)), story(2, topics=("grain",)), story(3, topics=("trade", "grain")), story(4)]
    absent = {n: {"countries": [], "topics": []} for n in range(1, 5)}
    assert is_trade_report(stories, absent) == {"stories": 4, "trade": 2, "status": NA}
    produced = {1: {"is_trade": True}, 2: {"is_trade": True}, 3: {"is_trade": False}, 4: {"is_trade": False}}
    report = is_trade_report(stories, produced)
    assert (report["tp"], report["fp"], report["fn"]) == (1, 1, 1)
    assert report["f1"] == 0.5


def test_name_folding_and_last_tokens() -> None:
    assert fold("Karl Otto Pöhl") == "karl otto poehl"
    assert fold("Vigdís Finnbogadóttir") == "vigdis finnbogadottir"
    assert last_token("James A. Baker III") == "baker"
    assert last_token("de-clercq") == "clercq"
    assert last_token("Hamad Saud al-Sayyari") == "sayyari"
    assert last_token("") is None


def test_person_rule_matches_last_tokens() -> None:
    assert person_found("james-baker", ["Treasury Secretary James Baker"])
    assert person_found("poehl", ["Karl Otto Pöhl"])
    assert person_found("von-weizsaecker", ["Richard von Weizsäcker"])
    assert person_found("de-la-madrid", ["Miguel de la Madrid"])
    assert person_found("james-baker", ["Howard Baker"])  # the documented limit of a last-name rule
    assert not person_found("mancera-aguayo", ["Miguel Mancera"])
    assert not person_found("volcker", [])


def test_organisation_rule() -> None:
    assert org_found("ec", ["the European Community's"])
    assert org_found("ec", ["EEC"])
    assert org_found("gatt", ["General Agreement on Tariffs and Trade"])
    assert org_found("un", ["U.N."])
    assert org_found("ilo", ["International Labour Organisation"])
    assert org_found("imf", ["the International Monetary Fund board"])
    assert not org_found("imf", ["World Bank"])


def test_dateline_city() -> None:
    assert dateline_city("RIO DE JANEIRO, Feb 26 - Brazil's") == "rio de janeiro"
    assert dateline_city("  NEW YORK, March 3 -") == "new york"
    assert dateline_city("") is None
    assert dateline_city("Feb 26 - no city") is None


def test_entities_absent_print_not_applicable_and_odd_entries_do_not_crash() -> None:
    stories = [
        story(1, people=("james-baker", "volcker"), orgs=("gatt",), dateline="TOKYO, April 8 -"),
        story(2, people=("poehl",)),
    ]
    absent = {1: {"countries": [], "topics": []}, 2: {"countries": [], "topics": []}}
    report = entity_report(stories, absent)
    assert report["people"] == {"status": NA, "stories": 2}
    assert report["organizations"]["status"] == NA
    present = {
        1: {
            "people": [{"name": "James Baker"}, "Paul Volcker", {"role": "no name"}, 7],
            "organizations": [],
            "places": [],
        },
        2: {"people": None, "organizations": [{"name": "GATT"}], "places": [{"name": "Tokyo"}]},
    }
    report = entity_report(stories, present)
    assert report["people"]["found"] == 2
    assert report["people"]["labels"] == 3
    assert report["people"]["recall"] == pytest.approx(0.6667)
    assert report["organizations"]["recall"] == 0.0
    assert report["places (dateline city)"]["stories"] == 1


def test_speed_articles_are_cut_to_the_word_count() -> None:
    stories = [story(n, title=f"T{n}", body=" ".join(["word"] * 300)) for n in range(10)]
    articles = speed_articles(stories, count=3, words=800)
    assert len(articles) == 3
    assert [len(text.split()) for _, text in articles] == [800, 800, 800]
    assert [title for title, _ in articles] == ["T0", "T3", "T6"]


# ---- (c) the split ---------------------------------------------------------------------------------------------


def test_modapte_split_counts() -> None:
    stories = load_stories(require_shared(*DATA.parts))
    counts = split_counts(stories)
    assert counts == {
        "stories": 21578,
        "train": 9603,
        "test": 3299,
        "train_with_topic": 7775,
        "test_with_topic": 3019,
        "topics_yes": 13476,
    }
    test = [s for s in stories if s.lewissplit == "TEST" and s.topics_attr == "YES"]
    assert sum("trade" in s.topics for s in test) == 117
    used = {place for s in stories for place in s.places}
    assert used <= REUTERS_PLACE_TO_ISO3.keys()
