"""Decoding pages: the HTTP header, then the document's own declaration, then UTF-8, then detection."""

from __future__ import annotations

import pytest

from tradewire.clean.html import decode_html
from tradewire.clean.run import clean_document

GERMAN = "„Zölle“ – Exporteure in Baden-Württemberg fürchten höhere Kosten für Maschinen, sagte der Verband. " * 6
JAPANESE = (
    "日本政府は米国との関税交渉で、自動車への追加関税の引き下げを求めた。経済産業省によると、輸出企業への影響は大きい。"
    * 6
)


def _page(text: str, head: str = "") -> str:
    return f"<html><head>{head}<title>Titel</title></head><body><article><p>{text}</p></article></body></html>"


def test_header_charset_wins() -> None:
    data = _page(GERMAN).encode("cp1252")
    assert GERMAN in decode_html(data, "text/html; charset=windows-1252")


def test_iso_8859_1_label_is_read_as_windows_1252() -> None:
    data = _page(GERMAN).encode("cp1252")  # „ “ – are 0x84 0x93 0x96: Windows-1252, not Latin-1
    assert GERMAN in decode_html(data, "text/html; charset=ISO-8859-1")


def test_meta_charset_when_the_header_is_silent() -> None:
    data = _page(GERMAN, '<meta charset="windows-1252">').encode("cp1252")
    assert GERMAN in decode_html(data, "text/html")


@pytest.mark.parametrize("label", ["Shift_JIS", "shift-jis", "x-sjis"])
def test_shift_jis_by_any_label(label: str) -> None:
    data = _page(JAPANESE).encode("shift_jis")
    assert JAPANESE in decode_html(data, f"text/html; charset={label}")


def test_undeclared_shift_jis_is_detected() -> None:
    data = _page(JAPANESE).encode("shift_jis")
    assert JAPANESE in decode_html(data, None)


def test_undeclared_utf8_and_bom() -> None:
    assert GERMAN in decode_html(_page(GERMAN).encode("utf-8"))
    assert decode_html(b"\xef\xbb\xbf" + _page(GERMAN).encode("utf-8")).startswith("<html>")


def test_wrong_header_falls_back_to_the_next_candidate() -> None:
    data = _page(JAPANESE).encode("utf-8")
    assert JAPANESE in decode_html(data, "text/html; charset=us-ascii-nonsense")


def test_a_windows_1252_page_cleans_to_proper_text() -> None:
    record = clean_document(
        _page(GERMAN, '<meta property="og:type" content="article">').encode("cp1252"),
        item_id="x",
        content_type="text/html; charset=windows-1252",
    )
    assert "„Zölle“ – Exporteure" in record["text"]
    assert record["language"] == "de"
