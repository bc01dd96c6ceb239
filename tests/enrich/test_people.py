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


def test_names_wrapped_over_a_line_and_names_with_particles() -> None:
    text = (
        "WASHINGTON, March 6 -\nU.S. Agriculture Secretary Ann\nMeyer said the finding was wrong.\n"
        "    Finance Minister Pieter van der Berg will announce details, and Chancellor of the Exchequer\n"
        "Tom Hale said he agreed."
    )
    people = _by_name(None, text)
    assert {"Ann Meyer", "Pieter van der Berg", "Tom Hale"} <= set(people)
    assert "Exchequer" in (people["Tom Hale"].role or "") and "Ann" not in people


def test_an_office_of_a_named_body_before_or_after_the_name() -> None:
    text = (
        "Borrowing will rise, the Governor of the Bank of Freedonia, Dimitri Kalas, said. "
        "President of the Andean Coffee Institute (ACI) Jorge Lima told reporters prices were low. "
        "Ruth Ober, chairman of the Council of Economic Advisers, said growth was slow. "
        "U.S. trade representative Carla Dunn said talks would resume, and Fed chief Paul Vance agreed."
    )
    people = _by_name(None, text)
    assert {"Dimitri Kalas", "Jorge Lima", "Ruth Ober", "Carla Dunn", "Paul Vance"} <= set(people)
    assert people["Dimitri Kalas"].role == "Governor of the Bank of Freedonia"
    assert people["Ruth Ober"].role == "chairman of the Council of Economic Advisers"
    assert not {"Bank", "Freedonia", "Coffee Institute", "Andean Coffee Institute"} & set(people)


def test_an_apposition_after_a_name_does_not_make_the_company_a_person() -> None:
    text = "Ravi Menon, managing director of Pune-based Sahyadri Agro Exports, said demand was firm."
    assert set(_by_name(None, text)) == {"Ravi Menon"}


def test_a_name_before_said_needs_he_or_she_or_an_initial() -> None:
    text = (
        "Henry Kaufman said he expected rates to rise. Rank Xerox said it would cut jobs. "
        "Eugene A. Gordon said the bid was too low. Customs and Border Protection said it had seized goods."
    )
    people = _by_name(None, text)
    assert {"Henry Kaufman", "Eugene A. Gordon"} <= set(people)
    assert not {"Rank Xerox", "Border Protection"} & set(people)


def test_the_person_a_headline_quotes() -> None:
    assert set(_by_name("TREASURY'S BAKER SAYS DOLLAR FALL HAS GONE FAR ENOUGH", "")) == {"Baker"}
    assert set(_by_name("Miyazawa says major nations will keep cooperating", "")) == {"Miyazawa"}
    assert set(_by_name("Bundesbank sees no need for lower rates - Poehl", "")) == {"Poehl"}
    assert set(_by_name("PRESIDENT REAGAN SAYS U.S. WILL ACT", "")) == {"Reagan"}
    for title in ("JAPAN SAYS IT WILL CUT TARIFFS", "OPEC SAYS OUTPUT WITHIN QUOTA", "TWA SAYS FARES RISE"):
        assert _by_name(title, "") == {}, title
    assert _by_name("Bank of France added liquidity at 7-3/4 pct - dealers", "") == {}
    # the body shows the word as a company, not a person
    assert _by_name("CHRYSLER SAYS SALES ROSE", "DETROIT, March 3 - Chrysler Corp said its sales rose.") == {}


def test_a_headline_surname_joins_the_full_name_in_the_body() -> None:
    text = "WASHINGTON, March 6 -\nU.S. Agriculture Secretary Richard\nLyng said he was disappointed."
    people = _by_name("LYNG DISAPPOINTED BY CANADA CORN DECISION", text)
    assert set(people) == {"Richard Lyng"}


def test_without_a_date_the_office_held_now_is_given() -> None:
    people = _by_name(None, "Piyush Goyal met exporters in Mumbai.")
    assert people["Piyush Goyal"].role == "Minister of Commerce and Industry"


def test_said_name_with_a_role_but_no_article_and_name_who() -> None:
    text = (
        '"Buyers moved early," said Jenna Park, senior grains analyst at Lakeshore Commodity Advisors. '
        '"We are paying for it," said Marla Heinrichs, who grows canola near Yorkton. '
        "Marcy Delgado, who runs Tri-County Housewares, said orders froze. "
        '"We fought," said head coach Duncan Reid. Captain Lau scored twice.'
    )
    people = _by_name(None, text, date(2025, 8, 1))
    assert people["Jenna Park"].role == "senior grains analyst at Lakeshore Commodity Advisors"
    assert {"Marla Heinrichs", "Marcy Delgado"} <= set(people)
    assert not any(name.startswith("Captain") for name in people)


def test_german_people_by_title_apposition_and_given_name() -> None:
    text = (
        "Die Regierung in Berlin hat am Montag neue Zölle angekündigt. „Das trifft uns hart“, sagte Jana Körber, "
        "Geschäftsführerin des Verbands der Gießereien. Chefvolkswirt Lukas Brandl erwartet keine Rezession, und "
        "Konzernchef Ola Krüger schwieg. Im Europäischen Parlament, dessen Präsident zurückhaltend blieb, gab es "
        "Kritik. Die Robert Bosch GmbH und die Konrad-Adenauer-Stiftung äußerten sich nicht. Körber sagte später, "
        "die Lage sei ernst."
    )
    people = _by_name(None, text)
    assert set(people) == {"Jana Körber", "Lukas Brandl", "Ola Krüger"}
    assert people["Jana Körber"].role == "Geschäftsführerin des Verbands der Gießereien"
    assert people["Jana Körber"].mentions == 2  # "Körber sagte" joins the full name
    assert people["Lukas Brandl"].role == "Chefvolkswirt" and people["Ola Krüger"].role == "Konzernchef"


def test_french_and_spanish_people() -> None:
    text = (
        "Le président Emmanuel Macron a reçu lundi la ministre Sophie Lemaire. Selon Éric Dupuis, économiste "
        "chez Banque Atlantique, les droits de douane vont augmenter. La Banque de France est prudente."
    )
    people = _by_name(None, text)
    assert {"Emmanuel Macron", "Sophie Lemaire", "Éric Dupuis"} == set(people)
    assert people["Éric Dupuis"].role == "économiste chez Banque Atlantique"
    text = (
        "La ministra María José Herrero viajó a Pekín con la delegación. Según Javier Gómez Ruiz, analista de "
        "Banco del Sur, las exportaciones caerán. La Comisión Europea no respondió."
    )
    assert set(_by_name(None, text)) == {"María José Herrero", "Javier Gómez Ruiz"}


def test_language_is_told_by_function_words() -> None:
    from tradewire.enrich.people import text_language

    assert text_language("Die Regierung hat sich mit der Opposition auf einen Kompromiss geeinigt.") == "de"
    assert text_language("Le gouvernement a présenté les mesures dans un projet de loi sur les douanes.") == "fr"
    assert text_language("El Gobierno presentó las medidas para los exportadores del sector.") == "es"
    assert text_language("The government and the opposition agreed on a compromise of sorts.") == "en"


def test_a_bare_surname_is_not_an_actor_before_their_first_office() -> None:
    text = "Mr. Stoltenberg said NATO would act."
    assert _by_name(None, text, date(2020, 3, 2))["Jens Stoltenberg"].actor_id == "jens_stoltenberg"
    assert "Jens Stoltenberg" not in _by_name(None, text, date(1987, 3, 2))  # 1987: somebody else


def test_anchored_scans_find_what_a_full_scan_finds() -> None:
    from tradewire.enrich.people import _OFFICE_STARTS, _ROLE_OF, _TITLE_STARTS, _TITLED, _anchored

    text = (
        "Treasury Secretary James Baker said. West German Finance Minister Gerhard Stoltenberg and Fed chairman "
        "Paul Volcker met; the Governor of the Bank of Greece, Dimitris Halikias, said. 3rd minister Ann Lee, "
        "Vice-President Dan Quayle, Mrs. Thatcher, Sen. Bob Dole and Commerzbank analyst Carsten Fritsch told."
    )
    for pattern, words, before in ((_TITLED, _TITLE_STARTS, True), (_ROLE_OF, _OFFICE_STARTS, False)):
        want = [(m.span(), m.groups()) for m in pattern.finditer(text)]
        assert want and [(m.span(), m.groups()) for m in _anchored(pattern, text, words, before)] == want
