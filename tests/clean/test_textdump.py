"""Text dumps in the style of the seed: the junk goes, the article stays."""

from __future__ import annotations

import pytest

from tradewire.clean.textdump import clean_text_dump

DUMP = """EU weighs new duties on Chinese steel
EU weighs new duties on Chinese steel
Home  >  Business  >  EU weighs new duties on Chinese steel

EU weighs new duties on Chinese steel

By Anna Keller and Piotr Nowak | Published: 3 Sep 2025, 08:30 GMT+2

Share this article: Facebook X LinkedIn

Copyright Example Times

BRUSSELS - The European Commission proposed on Wednesday to raise duties on steel imports from China.

Officials said the measure would take effect in January. More to follow...

Related stories
Another story about football in Spain
A teaser on Bolivia's election

© 2025 Example Times. All rights reserved.
"""


def test_variant_with_separators_byline_and_teasers() -> None:
    article = clean_text_dump(DUMP)
    assert article.title == "EU weighs new duties on Chinese steel"
    assert article.authors == ["Anna Keller", "Piotr Nowak"]
    assert article.published == "2025-09-03T08:30:00+02:00"
    assert article.text.startswith("BRUSSELS - The European Commission")
    assert article.text.endswith("would take effect in January.")
    for junk in ("Home", "Share this", "Copyright", "Bolivia", "©", "More to follow"):
        assert junk not in article.text


def test_author_and_published_labels() -> None:
    article = clean_text_dump(
        "Title of a story about tariffs\nPublished: 2025-06-18T06:45:00Z\nAuthor: Katrin Vogel\n\n"
        "Body paragraph one about tariffs.\n\nBody paragraph two.\n\nTags: tariffs, steel\n"
    )
    assert article.authors == ["Katrin Vogel"]
    assert article.published == "2025-06-18T06:45:00Z"
    assert article.text == "Body paragraph one about tariffs.\n\nBody paragraph two."
    assert article.tags == ["tariffs", "steel"]


def test_empty_and_junk_only_dumps() -> None:
    assert clean_text_dump("").text == ""
    assert clean_text_dump("\n\n   \n").title is None
    only_junk = clean_text_dump("A headline\nCopyright X\nShare this article\n")
    assert only_junk.text == ""


VARIANTS = {
    "breadcrumb arrows, three authors, updated line, inline read-more": (
        "Japan and Korea agree chip export talks | Straits Meridian\n"
        "Home › World › Asia › Japan and Korea agree chip export talks\n"
        "Japan and Korea agree chip export talks\n"
        "By Kenji Sato, Min-ji Park and Lauren del Valle\n"
        "Updated: 14 Aug 2025, 09:15 GMT+9\n"
        "TOKYO - Japan and South Korea agreed on Thursday to start talks on easing export controls on chip materials.\n"
        "Read more: Samsung profit falls as memory prices slide\n"
        "The talks will cover photoresists and hydrogen fluoride, officials said.\n"
        "Subscribe to our newsletter\n"
        "© 2025 Straits Meridian Media Group\n",
        {
            "title": "Japan and Korea agree chip export talks",
            "authors": ["Kenji Sato", "Min-ji Park", "Lauren del Valle"],
            "published": "2025-08-14T09:15:00+09:00",
            "first": "TOKYO - Japan and South Korea",
            "last": "hydrogen fluoride, officials said.",
            "absent": ["Samsung", "Subscribe", "©", "Home"],
        },
    ),
    "pipe breadcrumbs, advertisement, developing trailer, you-may-also-like block": (
        "Mexico raises tariffs on Asian steel\n"
        "News | Business | Mexico raises tariffs on Asian steel\n"
        "Mexico raises tariffs on Asian steel\n"
        "Sofia Ramirez | 2025-09-10\n"
        "MEXICO CITY - Mexico will raise tariffs on steel from countries without trade agreements to 35%.\n"
        "Advertisement\n"
        "The measure covers more than 1,400 tariff lines, the economy ministry said. This story is developing.\n"
        "You may also like\n"
        "Peso hits two-month high\n"
        "Football: Club America wins again\n",
        {
            "title": "Mexico raises tariffs on Asian steel",
            "authors": ["Sofia Ramirez"],
            "published": "2025-09-10",
            "first": "MEXICO CITY - Mexico will raise",
            "last": "the economy ministry said.",
            "absent": ["Advertisement", "Peso", "Football", "developing"],
        },
    ),
    "month-first date, share prompts between paragraphs, related heading with colon": (
        "India and EU close in on trade deal\n"
        "India and EU close in on trade deal\n"
        "Written by Priya Nair\n"
        "Published October 2, 2025\n"
        "Share on Facebook\n"
        "NEW DELHI - India and the European Union are close to concluding a free trade agreement, officials said.\n"
        "Follow us on X for more updates\n"
        "Negotiators still disagree on dairy and cars, two people familiar with the talks said.\n"
        "Related:\n"
        "Rupee weakens past 88 per dollar\n",
        {
            "title": "India and EU close in on trade deal",
            "authors": ["Priya Nair"],
            "published": "2025-10-02",
            "first": "NEW DELHI - India and the European Union",
            "last": "familiar with the talks said.",
            "absent": ["Share on", "Follow us", "Rupee"],
        },
    ),
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_seed_style_variants(name: str) -> None:
    dump, want = VARIANTS[name]
    article = clean_text_dump(dump)
    assert article.title == want["title"]
    assert article.authors == want["authors"]
    assert article.published == want["published"]
    assert article.text.startswith(want["first"]), article.text
    assert article.text.endswith(want["last"]), article.text
    for junk in want["absent"]:
        assert junk not in article.text, junk
    assert "\n\n" in article.text  # paragraphs stay paragraphs
