from __future__ import annotations

from tests.conftest import require_shared
from tradewire.clean.textdump import clean_text_dump
from tradewire.enrich.countries import country_matcher, find_countries, salience_model


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
    """Salience is the fitted probability that the story is about the country, not a share of the mentions."""
    mentions = find_countries("Japan and China agree", "Japan said. China said. France was mentioned once at the end.")
    assert [m.iso3 for m in mentions][:2] in (["JPN", "CHN"], ["CHN", "JPN"])
    assert mentions[-1].iso3 == "FRA"
    assert all(0 < m.salience <= 1 for m in mentions)
    assert mentions[0].about and mentions[1].about and mentions[-1].salience < mentions[1].salience


def test_as_dict_and_offsets_into_the_text_with_negative_title_offsets() -> None:
    title, text = "China and US meet", "Beijing and Washington sent teams."
    china = next(c for c in find_countries(title, text) if c.iso3 == "CHN")
    assert set(china.as_dict()) == {"iso3", "name", "mentions", "salience", "offsets", "about", "via"}
    assert china.offsets == (0 - (len(title) + 2), 0) and text[china.offsets[1] :].startswith("Beijing")
    assert china.as_dict()["offsets"] == [-19, 0] and china.as_dict()["via"] == ["name", "seat"]
    assert china.mentions == 2 and china.about == (china.salience >= salience_model().cut)


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


def test_institutions_stand_for_their_country() -> None:
    text = (
        "The Bundesbank held rates. The Fed and the Kremlin disagreed. Downing Street and Whitehall were silent, "
        "the Elysee spoke, and the Bank of Japan intervened."
    )
    assert set(_iso("", text)) == {"DEU", "USA", "RUS", "GBR", "FRA", "JPN"}


def test_us_and_canadian_datelines_name_the_country_not_a_namesake_city() -> None:
    """ "CAMBRIDGE, Mass." is in the US (not England), "PLYMOUTH, Minn." not Montserrat, "TRAIL, B.C." in Canada."""
    for text, want in (
        ("CAMBRIDGE, Mass., April 13 - Health Trust said it declared a dividend.", "USA"),
        ("PLYMOUTH, Minn., April 9 - C.O.M.B. Co said it acquired assets.", "USA"),
        ("TRAIL, British Columbia, June 19 - Cominco Ltd said no talks were set.", "CAN"),
        ("NEW BRIGHTON, MINN, June 1 - Dotronix Inc said it completed a purchase.", "USA"),
        ("WALTHAM, Mass, APril 8 - Qtly div eight cts", "USA"),
        ("BEIJING — Officials said on Monday that exports rose.", "CHN"),
    ):
        found = find_countries("", text)
        assert [(c.iso3, c.via) for c in found] == [(want, ("dateline",))], text
        assert found[0].offsets == (0,) and found[0].about


def test_cities_count_with_less_weight_than_naming_the_country() -> None:
    title = "Trade talks start in Kuala Lumpur"
    assert [c.iso3 for c in find_countries(title, "Officials met on Sunday.")] == ["MYS"]
    # a passing city alone is a place in the story, not a country in it
    text = (
        "Japan raised interest rates on Tuesday, the first rise in months, officials in Tokyo said. Japanese "
        "banks welcomed the move, and Japan's finance minister said growth would hold up through the year. "
        "The central bank said inflation had stayed above its target for a year and wages were rising. "
        "Japanese exporters said the stronger yen would cut their profits. Analysts in Geneva and Chicago noted it."
    )
    found = {c.iso3: c for c in find_countries("Japan raises rates", text)}
    assert set(found) == {"JPN"}
    # a capital where something happened is a venue, not the government speaking
    text = (
        "China and the US resumed trade talks on Sunday, US and Chinese officials said. The US side pressed China "
        "on export controls, and China asked the US to cut tariffs. Both sides said the talks were candid and "
        "useful, and that they would report to their leaders before a summit later this month. Chinese exporters "
        "hope for relief. They last met in Madrid in September, and "
        "London in June. Beijing said it was hopeful."
    )
    found = {c.iso3: c for c in find_countries("", text)}
    assert set(found) == {"CHN", "USA"} and found["CHN"].via == ("name", "seat", "adjective")


def test_people_birds_and_korea_alone() -> None:
    assert set(_iso("Jordan seeks aid", "Syria and Jordan signed. King Hussein of Jordan spoke.")) == {"SYR", "JOR"}
    assert _iso("", "Mr Jordan and Sofia Valdes met Chad Smith in Paris Hilton's hotel.") == {}
    assert _iso("U.S. TURKEY PRODUCTION RISES", "Turkey prices fell.") == {"USA": 1}
    assert set(_iso("", "Turkey and Greece signed a deal.")) == {"TUR", "GRC"}
    assert set(_iso("", "Seoul said Korea and Korean exporters gained.")) == {"KOR"}
    assert _iso("", "Japan said Korea gained.") == {"JPN": 1}  # which Korea? neither is named


def test_brussels_for_the_eu_currency_and_company_names_weigh_little() -> None:
    text = "BRUSSELS, Aug 19 (Reuters) - The European Commission said China must cut prices. Brussels wants more."
    found = {c.iso3: c for c in find_countries("EU presses China on prices", text)}
    assert found["CHN"].about and ("BEL" not in found or not found["BEL"].about)
    text = "The bond pays 50 mln U.S. dlrs and will be listed on the Luxembourg Stock Exchange."
    found = {c.iso3: c for c in find_countries("Dansk Naturgas issues bond", f"LONDON, April 8 - {text}")}
    assert found["GBR"].about and not found["LUX"].about and not found["USA"].about
    assert found["LUX"].via == ("org",) and found["USA"].via == ("currency",)


def test_country_lists_in_capitals_and_latin_america() -> None:
    text = "WASHINGTON, April 9 - Data by country:\n    CHINA COTTON --\n Production 16.30\n    PAKISTAN COTTON --"
    assert {"USA", "CHN", "PAK"} <= set(_iso("", text))
    assert "USA" not in _iso("", "Latin American and North American debtors met in Lima.")


def test_the_seed_countries() -> None:
    """China and the US first, Malaysia (talks in Kuala Lumpur), South Korea (the summit); not the teaser's."""
    dump = clean_text_dump(require_shared("seeds", "000_226ded49a171c2f9.txt").read_text(encoding="utf-8"))
    found = find_countries(dump.title, dump.text)
    assert [c.iso3 for c in found][:2] in (["CHN", "USA"], ["USA", "CHN"])
    assert {c.iso3 for c in found} == {"CHN", "USA", "MYS", "KOR"}
    assert all(dump.text[o:].startswith(("China", "Chinese", "Beijing")) for o in found[0].offsets if o >= 0)
