"""Normalised text: NFC, single spaces, paragraphs kept, mojibake repaired, typography and scripts untouched."""

from __future__ import annotations

import unicodedata

from tradewire.clean.normalize import normalize_line, normalize_text
from tradewire.clean.run import clean_document


def test_paragraphs_stay_and_spaces_collapse() -> None:
    text = "  First\u00a0 paragraph\twith  tabs.\n\n\n Second\u2003paragraph.\nThird.\u200b"
    assert normalize_text(text) == "First paragraph with tabs.\n\nSecond paragraph.\n\nThird."


def test_nfc() -> None:
    decomposed = "Caf\u0065\u0301 in Zu\u0308rich"
    assert normalize_text(decomposed) == unicodedata.normalize("NFC", decomposed) == "Café in Zürich"


def test_mojibake_is_repaired_but_typography_kept() -> None:
    assert normalize_text("Trumpâ€™s testimony â€” in MÃ¼nchen") == "Trump’s testimony — in München"
    assert normalize_line("JoanÂ\u00a0Biskupic") == "Joan Biskupic"
    clean = "“Quoted” – ’tis fine: 東京の株式市場, ２０２５年, Ｆｕｌｌ"
    assert normalize_text(clean) == clean  # curly quotes, dashes and full-width forms are the author's


def test_cleaned_pages_come_out_normalised() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {n}: the ministerâ€™s visit to MÃ¼nchen  was about tariffs and steel quotas.</p>"
        for n in range(12)
    )
    html = f"<html><head><title>Visit</title></head><body><article><h1>Visit</h1>{paragraphs}</article></body></html>"
    record = clean_document(html.encode("utf-8"), item_id="x", content_type="text/html; charset=utf-8")
    assert "minister’s visit to München was" in record["text"]
    assert record["text"].count("\n\n") == 11
