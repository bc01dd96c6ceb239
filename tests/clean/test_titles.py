"""Titles: the headline, not the site name a logo <h1> carries nor a site name glued onto it."""

from __future__ import annotations

from tradewire.clean.html import extract_html

BODY = "".join(f"<p>Paragraph {n} of the report on steel quotas and tariffs in the talks.</p>" for n in range(15))


def _title(head: str, body: str) -> str | None:
    return extract_html(f"<html><head>{head}</head><body>{body}<article>{BODY}</article></body></html>").title


def test_a_logo_h1_is_not_the_title() -> None:
    head = "<title>Steel quotas divide the bloc | Prachatai News</title>"
    assert _title(head, "<h1>Prachatai</h1><h1>Steel quotas divide the bloc</h1>") == "Steel quotas divide the bloc"


def test_a_site_name_glued_to_the_headline_is_cut() -> None:
    head = "<title>Madrid weighs steel appeal » Local » Noticias » Ultima Hora</title>"
    h1 = "<h1>Madrid weighs steel appeal<span>Ultima Hora</span></h1>"
    assert _title(head, h1) == "Madrid weighs steel appeal"


def test_a_headline_that_differs_from_the_title_element_is_kept() -> None:
    head = "<title>Hansen calls for geoengineering | TIME</title><meta property='og:title' content='We need it now'>"
    assert _title(head, "<h1>We need it now</h1>") == "We need it now"


def test_a_photo_gallery_is_recorded_as_such() -> None:
    pictures = "".join(
        f"<figure><img src='/p{n}.jpg'><figcaption>Port of Rotterdam, view {n}</figcaption></figure>" for n in range(12)
    )
    head = "<title>In pictures: the port | Daily</title>"
    html = f"<html><head>{head}</head><body><h1>In pictures</h1>{pictures}</body></html>"
    article = extract_html(html, url="https://daily.example/gallery/2025/port-of-rotterdam")
    assert article.page_type == "gallery" and "gallery" in (article.reason or "")
    assert extract_html(html, url="https://daily.example/world/port").page_type != "gallery"  # says nothing
