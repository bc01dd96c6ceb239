"""Stable identifiers: the same input gives the same id on every run and machine."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

_TRACKING = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid)$", re.I)


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, drop fragments, default ports and tracking parameters."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # out-of-range port or broken IPv6 literal: keep it as written; fetching refuses it
        return url.strip()
    host = (parts.hostname or "").lower()
    if port and not ((parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = "&".join(q for q in parts.query.split("&") if q and not _TRACKING.match(q.split("=", 1)[0]))
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", query, ""))


def short_hash(text: str, length: int = 16) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def item_id_for_url(url: str) -> str:
    return short_hash("url:" + normalize_url(url))


def item_id_for_file(source: str, relative_path: str) -> str:
    return short_hash(f"file:{source}:{relative_path}")


def content_fingerprint(text: str) -> str:
    """Hash of the words of a text, blind to case, punctuation and spacing: exact-duplicate key."""
    words = re.findall(r"\w+", text.lower())
    return short_hash(" ".join(words), 32)
