from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.conftest import SEED, require_shared
from tradewire.enrich.quotes import find_quotes


def _person(name: str, text: str, actor_id: str | None = None) -> dict[str, Any]:
    offsets = [m.start() for m in re.finditer(re.escape(name.split()[-1]), text)]
    return {"name": name, "role": None, "country_iso3": None, "actor_id": actor_id, "mentions": len(offsets),
            "offsets": offsets}  # fmt: skip


def _said(text: str, *names: str) -> list[tuple[str, str | None, str | None]]:
    return [(q.text, q.speaker, q.verb) for q in find_quotes(text, [_person(n, text) for n in names])]


def test_split_quote_is_joined_and_attributed() -> None:
    text = 'Scott Bessent met He Lifeng. "We are close," Bessent said, "but not there."'
    assert _said(text, "Scott Bessent") == [("We are close, but not there.", "Scott Bessent", "said")]


def test_said_before_and_after_and_continuation() -> None:
    text = "“We are close,” said Scott Bessent, the Treasury secretary. “We will keep talking.”"
    assert _said(text, "Scott Bessent") == [
        ("We are close", "Scott Bessent", "said"),
        ("We will keep talking.", "Scott Bessent", None),  # the same voice goes on
    ]
    text = "Mr. Bessent told reporters: “The talks were constructive. We expect more progress.”"
    assert _said(text, "Scott Bessent") == [
        ("The talks were constructive. We expect more progress.", "Scott Bessent", "told")
    ]


def test_pronoun_goes_to_the_last_person_named_outside_the_quote() -> None:
    text = "Scott Bessent spoke on Monday. “Donald Trump wants a deal, and so do we,” he said."
    quotes = find_quotes(text, [_person("Scott Bessent", text, "scott_bessent"), _person("Donald Trump", text)])
    assert [(q.speaker, q.speaker_actor_id) for q in quotes] == [("Scott Bessent", "scott_bessent")]


def test_pronoun_prefers_a_newly_introduced_name() -> None:
    text = (
        "Mark Carney said talks would go on. Orders have fallen, said its chief executive, Gordon Halloran. "
        "“Our customers do not want to pay 50 percent more,” he said."
    )
    assert _said(text, "Mark Carney")[0][1] == "Gordon Halloran"


def test_organisations_and_spokespeople_are_kept_as_written() -> None:
    text = "“The measures violate WTO rules and we will respond,” the ministry said in a statement."
    assert _said(text) == [("The measures violate WTO rules and we will respond", "the ministry", "said")]
    text = "“China will take all necessary measures,” a spokesperson for the commerce ministry said."
    assert _said(text)[0][1] == "a spokesperson for the commerce ministry"


def test_according_to_and_partial_quotes() -> None:
    text = "The deal is “historic and long overdue for farmers,” according to Senator Jane Roe."
    assert _said(text, "Jane Roe") == [("historic and long overdue for farmers", "Jane Roe", "according to")]
    text = "Jane Roe, who chairs the committee, said the plan was “a disaster”."
    assert _said(text, "Jane Roe") == [("a disaster", "Jane Roe", "said")]


def test_scare_quotes_terms_and_titles_are_skipped() -> None:
    text = (
        "The so-called “reciprocal” tariffs took effect. Critics see a “fake deal” here. "
        "He watched the film “The Big Short” and read “How China Became Capitalist” twice."
    )
    assert _said(text) == []


def test_offsets_point_at_the_quote() -> None:
    text = "Officials met. “We are ready to talk at any time,” she said."
    (quote,) = find_quotes(text, [])
    assert text[quote.start : quote.end] == "We are ready to talk at any time,"
    assert set(quote.as_dict()) == {"text", "speaker", "speaker_role", "speaker_actor_id", "verb", "start", "end"}


def test_seed_quotes_are_attributed_to_named_people() -> None:
    from tradewire.clean.textdump import clean_text_dump
    from tradewire.enrich.run import enrich_record

    dump = clean_text_dump(Path(require_shared("seeds", SEED.name)).read_text())
    people = enrich_record(dump.title, dump.text, None, dump.authors)["people"]
    quotes = {q.text[:25]: q.speaker for q in find_quotes(dump.text, people)}
    assert quotes["All options are on the ta"] == "Scott Bessent"
    assert (
        quotes["It would be a shame to wa"] == "Scott Bessent"
    )  # “...,” he said: Trump inside the quote does not count
    assert quotes["We’ll make a deal on, I t"] == "Donald Trump"
    assert quotes["not sustainable"] == "Donald Trump"
    assert "framework" not in quotes  # a quoted single term


def test_german_quotes_after_before_and_continued() -> None:
    text = (
        "Die Regierung in Berlin hat am Montag neue Zölle angekündigt. „Das trifft uns hart“, sagte Jana Körber, "
        "Geschäftsführerin des Verbands. „Wir werden Aufträge verlieren.“ Zugleich räumte sie ein, die Lage sei "
        "„nicht hoffnungslos“. Dazu sagte Lukas Brandl: »Die Nachfrage bleibt stabil.« Laut Brandl ist das "
        "„kein Grund zur Panik“. „Abwarten“, so Brandl."
    )
    assert _said(text, "Jana Körber", "Lukas Brandl") == [
        ("Das trifft uns hart", "Jana Körber", "sagte"),
        ("Wir werden Aufträge verlieren.", "Jana Körber", None),  # the same voice goes on
        ("nicht hoffnungslos", "Jana Körber", "räumte"),  # "räumte sie ein": the subject after the verb
        ("Die Nachfrage bleibt stabil.", "Lukas Brandl", "sagte"),
        ("kein Grund zur Panik", "Lukas Brandl", "Laut"),
        ("Abwarten", "Lukas Brandl", "so"),
    ]


def test_french_and_spanish_quotes() -> None:
    text = (
        "Le gouvernement a présenté les mesures lundi. « Nous devons agir vite », a déclaré Jean-Luc Perrin, "
        "directeur de la fédération. « La situation est grave », a-t-il ajouté. Selon Éric Dupuis, les droits "
        "sont « un vrai danger pour les exportateurs »."
    )
    quotes = find_quotes(text, [_person("Jean-Luc Perrin", text), _person("Éric Dupuis", text)])
    assert [(q.text, q.speaker) for q in quotes] == [
        ("Nous devons agir vite", "Jean-Luc Perrin"),
        ("La situation est grave", "Jean-Luc Perrin"),
        ("un vrai danger pour les exportateurs", "Éric Dupuis"),
    ]
    assert text[quotes[0].start : quotes[0].end] == "Nous devons agir vite"  # inside the guillemets' spaces
    text = (
        "La ministra María Herrero viajó a Pekín con la delegación. «Es un paso importante para las empresas», "
        "dijo Herrero. «No habrá más retrasos», añadió. Según Javier Gómez, las exportaciones sufrirán "
        '"un golpe muy duro este año".'
    )
    assert _said(text, "María Herrero", "Javier Gómez") == [
        ("Es un paso importante para las empresas", "María Herrero", "dijo"),
        ("No habrá más retrasos", "María Herrero", "añadió"),  # the subject left out: the person named last
        ("un golpe muy duro este año", "Javier Gómez", "Según"),
    ]


def test_a_page_of_quotes_without_sentence_stops_is_linear_not_stuck() -> None:
    text = " ".join(f'"These are the quoted words number {i}," said Anna Berg and' for i in range(3000))
    quotes = find_quotes(text, [])
    assert len(quotes) == 3000  # one run-on "sentence": a quadratic look-back took many seconds here
    assert {q.speaker for q in quotes} == {"Anna Berg"}
