"""Money, percentages and quantities with what they are about (enrich/amounts.py)."""

from __future__ import annotations

import pytest

from tradewire.enrich.amounts import find_amounts


def _one(text: str) -> tuple[str, str, float, str | None, str | None]:
    amounts = find_amounts(text)
    assert len(amounts) == 1, amounts
    a = amounts[0]
    assert text[a.start : a.end] == a.text
    return a.text, a.kind, a.value, a.currency, a.unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It costs $1.2 billion.", ("$1.2 billion", "money", 1.2e9, "USD", None)),
        ("It raised US$500 million.", ("US$500 million", "money", 5e8, "USD", None)),
        ("A €3bn fund.", ("€3bn", "money", 3e9, "EUR", None)),
        ("Beijing pledged 1.5 trillion yuan.", ("1.5 trillion yuan", "money", 1.5e12, "CNY", None)),
        ("Tokyo set aside ¥2 trillion.", ("¥2 trillion", "money", 2e12, "JPY", None)),
        ("The ¥2 trillion (yuan) plan.", ("¥2 trillion", "money", 2e12, "CNY", None)),
        ("A £40m grant.", ("£40m", "money", 4e7, "GBP", None)),
        ("Sales of 500 million euros.", ("500 million euros", "money", 5e8, "EUR", None)),
        ("A $50bn deal.", ("$50bn", "money", 5e10, "USD", None)),
        ("Exports of 300 mln dlrs.", ("300 mln dlrs", "money", 3e8, "USD", None)),
        ("It paid 20 Australian dollars.", ("20 Australian dollars", "money", 20.0, "AUD", None)),
        ("A HK$3 billion loan.", ("HK$3 billion", "money", 3e9, "HKD", None)),
        ("Tariffs of 100% apply.", ("100%", "percent", 100.0, None, "%")),
        ("An extra 100 per cent.", ("100 per cent", "percent", 100.0, None, "%")),
        ("Up 10 percent.", ("10 percent", "percent", 10.0, None, "%")),
        ("A 25-percent duty.", ("25-percent", "percent", 25.0, None, "%")),
        ("Rates rose 2.5 percentage points.", ("2.5 percentage points", "percentage_points", 2.5, None, "pp")),
        ("A cut of 25 basis points.", ("25 basis points", "percentage_points", 0.25, None, "pp")),
        ("It shipped 240,000 tonnes.", ("240,000 tonnes", "quantity", 240000.0, None, "tonnes")),
        ("Output of 1 million barrels a day.", ("1 million barrels a day", "quantity", 1e6, None, "barrels/day")),
        ("They bought 40 million pounds of pork.", ("40 million pounds", "quantity", 4e7, None, "lb")),
    ],
)
def test_values_currencies_and_units(text: str, expected: tuple[str, str, float, str | None, str | None]) -> None:
    assert _one(text) == expected


def _about(text: str) -> list[tuple[str, str | None]]:
    return [(a.text, a.refers_to) for a in find_amounts(text)]


def test_refers_to() -> None:
    assert _about("Trump threatened a 100% tariff on Chinese goods.") == [("100%", "tariff on Chinese goods")]
    assert _about("Exports rose 5% to $3.4 trillion.") == [("5%", "Exports"), ("$3.4 trillion", "Exports")]
    assert _about("It imposed a 25 percent tariff.") == [("25 percent", "tariff")]
    assert _about("He raised tariffs on Chinese goods to 145%.") == [("145%", "tariffs on Chinese goods")]
    assert _about("Trump vowed to increase tariffs on Chinese goods by an additional 100 per cent.") == [
        ("100 per cent", "tariffs on Chinese goods")
    ]
    assert _about("The deal is worth $1.2 billion.") == [("$1.2 billion", "deal")]
    assert _about("Inflation was 2.4% in May.") == [("2.4%", "Inflation")]
    assert _about("China's exports to the US fell 7%.") == [("7%", "China's exports to the US")]
    assert _about("He said 40% of them agreed.") == [("40%", None)]


def test_sentence_and_offsets() -> None:
    text = "Shares fell. Beijing imposed a 10% levy on US coal. Markets were calm."
    (amount,) = find_amounts(text)
    assert amount.sentence == "Beijing imposed a 10% levy on US coal."
    assert text[amount.start : amount.end] == "10%"
    assert amount.refers_to == "levy on US coal"
    assert set(amount.as_dict()) == {
        "text", "kind", "value", "currency", "unit", "refers_to", "start", "end", "sentence"
    }  # fmt: skip


def test_not_amounts() -> None:
    assert find_amounts("Section 232 of the act, in 2025, G20 and 3.5-inch disks.") == []


def test_signs_glued_to_a_word_and_numbers_inside_others() -> None:
    # signs and numbers are two patterns merged in text order: a sign glued to a word or to a "$" is none, though
    # the number after it may still be an amount ("7bn" alone is not); digits inside a number or a word are not one
    text = "AB$5 million dollars, US$$7bn, 1,234,567 tonnes and X7 5% B2B"
    found = [(a.text, a.kind) for a in find_amounts(text)]
    assert found == [("5 million dollars", "money"), ("1,234,567 tonnes", "quantity"), ("5%", "percent")]


def test_refers_to_in_any_case() -> None:
    # the subject and head-noun patterns read a lower-cased copy where that is the same as ignoring case
    assert _about("EXPORTS ROSE 5%.") == [("5%", "EXPORTS")]
    assert _about("Tariffs Of 25% apply.") == [("25%", "Tariffs")]
    assert _about("Die Exporte stiegen; Şişecam’s exports rose 5%.") == [("5%", "Şişecam’s exports")]
