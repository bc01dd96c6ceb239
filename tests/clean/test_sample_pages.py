"""The cleaner on every page of the bundled sample, against the labels written with it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import sample_pages
from tradewire.clean.metadata import parse_datetime
from tradewire.clean.run import clean_document

PAGES = sample_pages()


def _clean(page: dict[str, Any]) -> dict[str, Any]:
    path = page["path"]
    return clean_document(
        path.read_bytes(), item_id="t", url=page.get("url"), path=str(path) if path.suffix == ".txt" else None
    )


def test_sample_has_the_promised_shape() -> None:
    kinds = {p["page_type"] for p in PAGES}
    assert len(PAGES) >= 30
    assert {"article", "empty", "section_front"} <= kinds
    assert len({p.get("outlet") or p["path"].parts[-2] for p in PAGES}) >= 4
    assert sum(p["path"].suffix == ".txt" for p in PAGES) >= 2
    assert any(p["language"] != "en" for p in PAGES)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p["path"].name[:60])
def test_page_type(page: dict[str, Any]) -> None:
    record = _clean(page)
    assert record["page_type"] == page["page_type"], record["reason"]
    if page["page_type"] != "article":
        assert record["reason"]


ARTICLES = [p for p in PAGES if p["page_type"] == "article"]


@pytest.mark.parametrize("page", ARTICLES, ids=lambda p: p["path"].name[:60])
def test_article_metadata_and_text(page: dict[str, Any]) -> None:
    record = _clean(page)
    assert record["title"] == page["title"]
    assert record["authors"] == page["authors"]
    assert record["published_at"] == parse_datetime(str(page["published_at"]))
    assert record["language"] == page["language"]
    text = record["text"]
    assert text.startswith(page["body_starts"])
    assert page["body_ends"] in text[-600:]
    for junk in page.get("junk_phrases") or []:
        assert junk not in text, f"page junk kept: {junk!r}"
    assert record["article_id"] and record["fingerprint"] and len(record["minhash"]) == 64


def test_syndicated_copy_is_a_near_duplicate_of_the_original() -> None:
    from tradewire.clean.dedup import NEAR_DUPLICATE_JACCARD, similarity

    copies = [_clean(p) for p in ARTICLES if "electric vehicle price undertakings" in p["title"]]
    assert len(copies) == 2
    assert copies[0]["article_id"] != copies[1]["article_id"]
    assert similarity(copies[0]["minhash"], copies[1]["minhash"]) >= NEAR_DUPLICATE_JACCARD
