"""Text normalisation: NFC, one space between words, paragraphs one blank line apart, mojibake repaired."""

from __future__ import annotations

import re
import unicodedata

# UTF-8 read as Windows-1252 or Latin-1 leaves these pairs ("â€™" for "’", "Ã©" for "é", "Â " for a no-break space)
_MOJIBAKE = re.compile("[ÃÂ][\u0080-\u00bf]|â€|Ã[\u0080-\u00ff]|Â\u00a0")
# zero-width space, word joiner, BOM, soft hyphen; and the control characters (not tab, newlines, form feed) that a
# text dump may carry and that XML, Parquet readers and terminals choke on
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\x00-\x08\x0b\x0e-\x1f\x7f]")


def repair_mojibake(text: str) -> str:
    """ftfy, only where the telltale pairs appear: it is careful, but not free."""
    if not _MOJIBAKE.search(text):
        return text
    import ftfy

    config = ftfy.TextFixerConfig(uncurl_quotes=False, fix_character_width=False, unescape_html=False)
    return ftfy.fix_text(text, config)


def normalize_text(text: str | None) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", repair_mojibake(text)))
    paragraphs = (" ".join(line.split()) for line in text.splitlines())
    return "\n\n".join(p for p in paragraphs if p)


def normalize_line(text: str | None) -> str | None:
    """A title or a name: one line, same rules."""
    if text is None:
        return None
    return " ".join(normalize_text(text).split()) or None
