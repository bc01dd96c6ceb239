"""Organisations from the dictionary: acronyms as written, names in any case, ambiguous ones left out."""

from __future__ import annotations

from tests.conftest import require_shared
from tradewire.clean.textdump import clean_text_dump
from tradewire.enrich.organizations import find_organizations


def test_the_seed_organisations() -> None:
    dump = clean_text_dump(require_shared("seeds", "000_226ded49a171c2f9.txt").read_text(encoding="utf-8"))
    found = {o.org.id: o for o in find_organizations(dump.title, dump.text)}
    assert {"apec", "nato", "mofcom", "ustr", "white_house"} <= set(found)
    assert found["mofcom"].org.country == "CHN" and found["reuters"].org.type == "media"


def test_case_rules_and_ambiguity() -> None:
    text = "The wto said nothing; the WTO and China's commerce ministry did. BIS rules apply. apple prices rose."
    found = {o.org.id: len(o.offsets) for o in find_organizations(None, text)}
    assert found.get("wto") == 1  # "wto" in lower case is not the acronym
    assert "mofcom" in found and "apple" not in found
    assert not any(key in found for key in ("bis", "us_bis", "bank_for_international_settlements"))
