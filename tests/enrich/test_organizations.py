"""Organisations: the dictionary (acronyms as written, names in any case, ambiguous ones left out) and the bodies a
text introduces by head word, role, appositive, acronym or function; no people, places or titles among them."""

from __future__ import annotations

from tests.conftest import require_shared
from tradewire.clean.textdump import clean_text_dump
from tradewire.enrich.organizations import OrganizationMention, find_organizations


def _by_name(title: str | None, text: str) -> dict[str, OrganizationMention]:
    return {o.org.name: o for o in find_organizations(title, text)}


def test_the_seed_organisations() -> None:
    dump = clean_text_dump(require_shared("seeds", "000_226ded49a171c2f9.txt").read_text(encoding="utf-8"))
    found = {o.org.id or o.org.name: o for o in find_organizations(dump.title, dump.text)}
    assert {"apec", "nato", "mofcom", "ustr", "white_house"} <= set(found)
    assert found["mofcom"].org.country == "CHN" and found["reuters"].org.type == "media"
    assert found["Fox Business Network"].org.type == "media" and found["tiktok"].org.type == "company"
    assert "us_treasury" not in found  # only in "US Treasury Secretary Scott Bessent", a title


def test_case_rules_and_ambiguity() -> None:
    text = "The wto said nothing; the WTO and China's commerce ministry did. BIS rules apply. apple prices rose."
    found = {o.org.id: len(o.offsets) for o in find_organizations(None, text)}
    assert found.get("wto") == 1  # "wto" in lower case is not the acronym
    assert "mofcom" in found and "apple" not in found
    assert not any(key in found for key in ("bis", "us_bis", "bank_for_international_settlements"))


def test_names_ending_in_an_organisation_word() -> None:
    text = (
        "Soybeans were quoted over the Chicago Board of Trade November contract, said Jenna Park, a senior analyst "
        "at Harbourline Capital in Sydney. The Institute for Regional Trade Studies disagreed. Edmund Chau, "
        "chairman of the Harbour Logistics Association, said carriers had moved. Bank of Japan Governor Kazuo Ueda "
        "spoke later, and the Semiconductor Equipment Council said it would comply."
    )
    found = _by_name(None, text)
    assert {"Chicago Board of Trade", "Harbourline Capital", "Institute for Regional Trade Studies"} <= set(found)
    assert {"Harbour Logistics Association", "Semiconductor Equipment Council"} <= set(found)
    assert found["Harbourline Capital"].org.type == "company" and found["Harbourline Capital"].org.id is None
    assert found["Institute for Regional Trade Studies"].org.type == "think_tank"
    assert not any("Park" in name or "Ueda" in name or "November" in name for name in found)
    for name in ("Harbourline Capital", "Harbour Logistics Association"):
        assert all(text[at:].startswith(name) for at in found[name].offsets)


def test_names_the_text_introduces_as_bodies() -> None:
    text = (
        "according to estimates from Sao Paulo-based consultancy Agrivista Dados. Ramesh Sundaram, who runs "
        "Kaveri Knitwear, a garment exporter in Tiruppur, was upbeat. EuroFabrica, a Brussels-based association "
        "representing manufacturers, said costs would rise. The state weather bureau PAGASA said the storm made "
        "landfall. The China Iron and Steel Association (CISA) said output fell; CISA expects more cuts. Trade "
        "rose, according to Eurostat data. Rosneft and Lukoil, Russia's two largest oil producers, were named."
    )
    found = _by_name(None, text)
    assert {"Agrivista Dados", "Kaveri Knitwear", "EuroFabrica", "PAGASA", "Eurostat"} <= set(found)
    assert found["Agrivista Dados"].org.type == "company"
    association = found["China Iron and Steel Association"]
    assert len(association.offsets) == 3 and "CISA" not in found  # its acronym joins it
    assert "Ramesh Sundaram" not in found and "Sao Paulo" not in found


def test_bodies_named_by_their_function() -> None:
    text = (
        "The trade ministry said on Wednesday it was in close talks. Ukraine's navy escorts ships, according to "
        "agriculture ministry data, and the coast guard suspended sea travel. China's foreign ministry objected."
    )
    found = _by_name(None, text)
    assert {"trade ministry", "agriculture ministry", "coast guard"} <= set(found)
    assert found["Ukraine’s navy"].org.country == "UKR" and found["Ukraine’s navy"].org.type == "government"
    assert found["China's Foreign Ministry"].org.id == "china_mfa"  # the dictionary knows it


def test_not_organisations() -> None:
    text = (
        "BRUSSELS, Aug 21 (Continental Wire) - US Treasury Secretary Scott Bessent met Trump in the Oval Office. "
        "US Trade Representative Jamieson Greer spoke in Rotterdam. Shares rose on Monday. U.S. steel imports fell."
    )
    found = {o.org.id or o.org.name for o in find_organizations("Headline About The Global Trade Council", text)}
    assert not found & {"Continental Wire", "Oval Office", "us_treasury", "ustr", "us_steel", "Rotterdam"}
    assert "Global Trade Council" not in found  # headlines are in title case: discovery reads the body only


def test_german_copy_gets_the_dictionary_only() -> None:
    text = (
        "Die Europäische Union und die USA haben sich geeinigt, sagte die Chefvolkswirtin der Hanseatischen "
        "Privatbank. Das ist für die deutsche Industrie nicht schlecht, und die EU will mit den USA weiter reden, "
        "sagte der Vorstandschef, der für die Firma spricht und das auch sagt."
    )
    names = set(_by_name(None, text))
    assert "European Union" in names and not any("Chefvolkswirtin" in name for name in names)


def test_dictionary_names_with_either_apostrophe() -> None:
    # the dictionary writes "China's"; the body's names come from a pass shared with the topic and trade finders
    title = "China’s commerce ministry hits back"
    text = "China’s commerce ministry and China's commerce ministry spoke; the WTO did not."
    found = {o.org.id: o.offsets for o in find_organizations(title, text)}
    assert len(found["mofcom"]) == 3 and found["mofcom"][0] < 0 and "wto" in found
