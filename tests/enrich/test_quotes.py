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
