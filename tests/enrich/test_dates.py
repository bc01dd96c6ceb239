"""Date expressions resolved against the publication day (enrich/dates.py)."""

from __future__ import annotations

from datetime import date

import pytest

from tradewire.enrich.dates import find_dates, resolve_date

PUBLISHED = date(2025, 10, 27)  # a Monday


@pytest.mark.parametrize(
    ("expression", "tense", "expected", "granularity"),
    [
        ("on Thursday", "past", date(2025, 10, 23), "day"),
        ("on Thursday", "future", date(2025, 10, 30), "day"),
        ("next Thursday", "past", date(2025, 10, 30), "day"),
        ("last Thursday", "future", date(2025, 10, 23), "day"),
        ("on Monday", "past", date(2025, 10, 27), "day"),  # the publication weekday: that day
        ("on Monday", "future", date(2025, 10, 27), "day"),
        ("next Monday", "past", date(2025, 11, 3), "day"),
        ("last Monday", "past", date(2025, 10, 20), "day"),
        ("October 9", "past", date(2025, 10, 9), "day"),
        ("Oct. 9", "past", date(2025, 10, 9), "day"),
        ("Sept. 30", "past", date(2025, 9, 30), "day"),
        ("9 October", "past", date(2025, 10, 9), "day"),
        ("October 9, 2025", "unknown", date(2025, 10, 9), "day"),
        ("9 October 2024", "future", date(2024, 10, 9), "day"),
        ("November 1", "future", date(2025, 11, 1), "day"),
        ("November 1", "unknown", date(2025, 11, 1), "day"),
        ("December 28", "past", date(2024, 12, 28), "day"),
        ("January 5", "future", date(2026, 1, 5), "day"),
        ("2025-11-03", "past", date(2025, 11, 3), "day"),
        ("next month", "past", date(2025, 11, 1), "month"),
        ("last month", "future", date(2025, 9, 1), "month"),
        ("this month", "past", date(2025, 10, 1), "month"),
        ("last week", "past", date(2025, 10, 20), "week"),
        ("next week", "past", date(2025, 11, 3), "week"),
        ("this year", "past", date(2025, 1, 1), "year"),
        ("next year", "past", date(2026, 1, 1), "year"),
        ("early next year", "future", date(2026, 1, 1), "year"),
        ("in May", "past", date(2025, 5, 1), "month"),
        ("in May", "future", date(2026, 5, 1), "month"),
        ("in October", "future", date(2025, 10, 1), "month"),
        ("in December", "unknown", date(2025, 12, 1), "month"),
        ("mid-November", "future", date(2025, 11, 1), "month"),
        ("late July", "past", date(2025, 7, 1), "month"),
        ("October 2024", "unknown", date(2024, 10, 1), "month"),
        ("yesterday", "future", date(2025, 10, 26), "day"),
        ("today", "past", date(2025, 10, 27), "day"),
        ("tomorrow", "past", date(2025, 10, 28), "day"),
        ("2026", "past", date(2026, 1, 1), "year"),
        ("mid-2026", "future", date(2026, 1, 1), "year"),
        ("the third quarter", "past", date(2025, 7, 1), "quarter"),
        ("the fourth quarter", "future", date(2025, 10, 1), "quarter"),
        ("Q1 2026", "unknown", date(2026, 1, 1), "quarter"),
        ("two weeks ago", "past", date(2025, 10, 13), "week"),
        ("three months ago", "past", date(2025, 7, 1), "month"),
        ("by the end of the year", "future", date(2025, 1, 1), "year"),
    ],
)
def test_resolution_table(expression: str, tense: str, expected: date, granularity: str) -> None:
    resolved = resolve_date(expression, PUBLISHED, tense)
    assert resolved is not None, expression
    assert (resolved.date, resolved.granularity) == (expected, granularity)


def test_nothing_to_resolve() -> None:
    assert resolve_date("the talks went well", PUBLISHED) is None
    assert resolve_date("a 2.5% rise", PUBLISHED) is None


def test_past_reading_far_back_flips_to_the_near_future() -> None:
    """ "said ... November 1" a week before: a deadline ahead, not a day eleven months gone."""
    assert resolve_date("November 1", PUBLISHED, "past").date == date(2025, 11, 1)  # type: ignore[union-attr]


def _found(text: str, published: date | None = PUBLISHED) -> list[tuple[str, str, str]]:
    return [(m.text, m.date.isoformat(), m.granularity) for m in find_dates(text, published)]


def test_tense_comes_from_the_words_near_the_date() -> None:
    assert _found("The ministry confirmed on Thursday that talks had begun.") == [("Thursday", "2025-10-23", "day")]
    assert _found("Trump and Xi will meet on Thursday in South Korea.") == [("Thursday", "2025-10-30", "day")]
    assert _found("The tariffs take effect on Friday.") == [("Friday", "2025-10-31", "day")]
    assert _found("The levy is due to start in March.") == [("March", "2026-03-01", "month")]
    assert _found("Exports fell in March.") == [("March", "2025-03-01", "month")]


def test_a_start_date_is_future_unless_it_opens_a_range() -> None:
    assert _found("He raised tariffs on Chinese goods starting on November 1.")[0][1] == "2025-11-01"
    assert _found("Exports rose from January to March.")[0][1] == "2025-01-01"


def test_may_the_verb_is_not_a_month() -> None:
    assert _found("Beijing may retaliate. Talks resumed in May.") == [("May", "2025-05-01", "month")]


def test_offsets_and_several_mentions() -> None:
    text = "Tensions flared after October 9, when Beijing announced controls. A truce expires next month."
    found = find_dates(text, PUBLISHED)
    assert [(m.text, text[m.start : m.end]) for m in found] == [
        ("October 9", "October 9"),
        ("next month", "next month"),
    ]
    assert found[0].tense == "past" and found[1].tense == "future"


def test_without_a_publication_day_only_absolute_dates() -> None:
    assert _found("On Thursday, 9 October 2025, and in 2026 talks resume.", None) == [
        ("9 October 2025", "2025-10-09", "day"),
        ("2026", "2026-01-01", "year"),
    ]


def test_numbers_that_are_not_years() -> None:
    assert _found("Tariffs of 2025% and $2030 and 1,2024 tonnes.") == []


def test_the_month_of_a_clause_is_no_date() -> None:
    published = date(2025, 8, 21)
    assert find_dates("backdated to the first day of the month in which the Commission acts", published) == []
    (end,) = find_dates("before the end of the month.", published)
    assert end.date == date(2025, 8, 1)
