"""Text dumps in the style of the seed: the junk goes, the article stays."""

from __future__ import annotations

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
