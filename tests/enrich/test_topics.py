from __future__ import annotations

from tradewire.enrich.topics import find_topics, load_taxonomy


def test_taxonomy_loads_with_unique_ids() -> None:
    taxonomy = load_taxonomy()
    ids = [t.id for t in taxonomy.topics]
    assert len(ids) == len(set(ids)) >= 10


def test_topics_from_text_with_title_weight() -> None:
    hits = {t.id: t for t in find_topics("US raises tariffs on Chinese goods", "Beijing announced export curbs.")}
    assert "tariffs" in hits  # one title hit is enough
    assert "export_controls" not in hits  # one body hit is not
    assert 0 < hits["tariffs"].score <= 1


def test_no_topics_in_a_sport_story() -> None:
    assert find_topics("Hong Kong win rugby sevens title", "The team scored three tries in the final.") == []


def test_the_issue_ids_are_in_the_taxonomy() -> None:
    ids = {t.id for t in load_taxonomy().topics}
    assert {
        "tariffs", "export_controls", "critical_minerals", "sanctions", "agriculture", "technology", "trade_agreement",
        "trade_talks", "trade_dispute", "trade_balance", "investment", "currency", "supply_chain", "energy",
    } <= ids  # fmt: skip


def test_a_strong_term_is_enough_alone_and_evidence_points_into_the_text() -> None:
    text = "Beijing tightened controls on rare earths. Officials met on Monday."
    hits = {t.id: t for t in find_topics("Talks resume", text)}
    assert "critical_minerals" in hits  # one mention of rare earths makes the topic; one 'talks' would not
    hit = hits["critical_minerals"]
    assert hit.terms == ("rare earths",)
    assert [text[o : o + len("rare earths")] for o in hit.offsets] == ["rare earths"]
    assert hits["trade_talks"].offsets[0] < 0  # found in the title: a negative offset
    assert hits["trade_talks"].as_dict()["evidence"] == ["talks"]


def test_german_french_and_spanish_terms() -> None:
    assert {t.id for t in find_topics("Neue Zölle auf Stahl", "")} == {"tariffs"}
    assert "critical_minerals" in {t.id for t in find_topics(None, "Pékin limite les exportations de terres rares.")}
