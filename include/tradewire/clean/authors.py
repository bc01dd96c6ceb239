"""Turning bylines into clean lists of people's names."""

from __future__ import annotations

import re

_BY = re.compile(r"^\s*(by|von|par|por|reporting by|written by|author:?)\s+", re.I)
_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\|)\s*", re.I)
_NOT_A_NAME = re.compile(
    r"(@|https?:|\d|\b(staff|reporter|correspondent|editor|desk|team|wire|news|agency|newsroom|"
    r"updated|published|copyright|press|service)\b)",
    re.I,
)


def clean_authors(raw: list[str] | str | None, site_name: str | None = None) -> list[str]:
    """Split bylines into names; drop 'By', dates, emails, organisations and the site's own name."""
    if not raw:
        return []
    chunks = [raw] if isinstance(raw, str) else list(raw)
    names: list[str] = []
    for chunk in chunks:
        for part in _SPLIT.split(_BY.sub("", chunk.strip())):
            name = " ".join(_BY.sub("", part).split()).strip(" .-–—:")
            if not name or _NOT_A_NAME.search(name) or (site_name and name.lower() == site_name.lower()):
                continue
            words = name.split()
            if not 1 < len(words) <= 5 or not all(_capitalised(w) or w.lower() in _PARTICLES for w in words):
                continue
            if name not in names:
                names.append(name)
    return names


def _capitalised(word: str) -> bool:
    """'Tan', 'O'Neill', and a nickname in quotes or brackets: '"Tania'."""
    letters = word.lstrip("\"'“‘(«")
    return bool(letters) and letters[0].isupper()


_PARTICLES = {
    "de", "da", "das", "del", "della", "delle", "dei", "des", "los", "las", "van", "von", "der", "den", "ter",
    "ten", "le", "la", "bin", "binti", "ibn", "al", "el", "di", "du", "dos", "do", "y", "e",
}  # fmt: skip
