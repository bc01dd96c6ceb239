from __future__ import annotations

from tradewire.enrich.countries import country_matcher, find_countries


def _iso(title: str, text: str) -> dict[str, int]:
    return {c.iso3: c.mentions for c in find_countries(title, text)}


def test_names_short_forms_demonyms_and_capitals() -> None:
    found = _iso(
        "China, US trade talks start in Kuala Lumpur",
        "Beijing and Washington sent teams. The U.S. side and Chinese officials met British and South Korean envoys.",
    )
    assert {"CHN", "USA", "MYS", "GBR", "KOR"} <= set(found)
    assert found["CHN"] == 3 and found["USA"] == 3


def test_a_form_shared_by_several_countries_goes_to_the_most_populous() -> None:
    assert _iso("", "American and French officials met British envoys.") == {"USA": 1, "FRA": 1, "GBR": 1}


def test_ambiguous_words_are_not_countries() -> None:
    found = _iso("", "Let us know. Chad Smith and Michael Jordan visited Georgia and New Mexico; turkey for dinner.")
    assert found == {}


def test_salience_puts_the_title_first() -> None:
    mentions = find_countries("Japan and China agree", "Japan said. China said. France was mentioned once at the end.")
    assert [m.iso3 for m in mentions][:2] in (["JPN", "CHN"], ["CHN", "JPN"])
    assert mentions[-1].iso3 == "FRA"
    assert abs(sum(m.salience for m in mentions) - 1) < 1e-3  # each share is rounded to 4 places


def test_dictionary_comes_from_libraries() -> None:
    matcher = country_matcher()
    assert len(set(matcher.by_form.values())) >= 240
    assert matcher.by_form["Malaysian"] == "MYS"


def test_wire_datelines_all_capital_headlines_and_historical_names() -> None:
    """Wire copy: "NEW YORK, April 8 -" names where the story was filed; old headlines are in capitals."""
    from tradewire.enrich.countries import find_countries

    found = {c.iso3 for c in find_countries("SOVIET UNION BUYS MORE U.S. GRAIN", "NEW YORK, April 8 - Traders said.")}
    assert found == {"RUS", "USA"}
    kuala = find_countries(None, "KUALA LUMPUR, Oct 26 (Reuters) - Officials met on Sunday.")
    assert [c.iso3 for c in kuala] == ["MYS"] and kuala[0].offsets == (0,)
    assert {c.iso3 for c in find_countries(None, "Exports to Zaire and Burma fell, Peking said.")} == {
        "COD", "MMR", "CHN",
    }  # fmt: skip
    # a capitalised word without the dateline's comma is not a dateline, and adds nothing
    assert find_countries(None, "REUTERS - Traders said prices fell.") == []
