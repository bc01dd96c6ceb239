"""Credentials out of what Tradewire writes down: URLs and messages as they go into logs and outputs.

A source URL may carry `user:password@` or a token in its query (`?api_key=...`), and
TRADEWIRE_HOST_LIMITS_URL may hold a Redis password. What is fetched keeps them; what is
logged, recorded in fetch rows and attempts (the warehouse's fetch_log) or put in an error
message shows `***` in their place.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit, urlunsplit

MASK = "***"

# query parameters whose value is a credential: token, access_token, api_key, apikey, client_secret, X-Amz-Signature...
_SECRET_PARAM = re.compile(
    r"^(?:.*[_-])?(?:token|secret|password|passwd|pwd|pass|key|apikey|auth|authorization|signature|sig"
    r"|credential|credentials|session|sessionid|jwt)$",
    re.IGNORECASE,
)
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>`]+")
# a credential-like query parameter outside a whole URL: a relative Location header in httpcore's debug log, say
_PARAM_IN_TEXT = re.compile(r"(?<=[?&;])(?P<name>[\w.~-]+)=(?P<value>[^&#\s'\"<>`]+)")
_USERINFO = re.compile(r"(?<=://)[^/?#@\s]*@")


def redact_url(url: str) -> str:
    """The URL with its user info and the values of credential-like query parameters replaced by ***."""
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed URL (bad IPv6 literal): mask by the text all the same
        head, mark, rest = _USERINFO.sub(MASK + "@", url).partition("?")
        query, hash_mark, fragment = rest.partition("#")
        return head + mark + "&".join(_redact_param(pair) for pair in query.split("&")) + hash_mark + fragment
    netloc = parts.netloc
    if "@" in netloc:
        netloc = MASK + "@" + netloc.rsplit("@", 1)[1]
    query = parts.query
    if query:
        query = "&".join(_redact_param(pair) for pair in query.split("&"))
    if netloc == parts.netloc and query == parts.query:
        return url  # untouched URLs stay byte for byte as written
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _redact_param(pair: str) -> str:
    name, sep, value = pair.partition("=")
    if sep and value and _SECRET_PARAM.match(name):
        return f"{name}={MASK}"
    return pair


def redact_text(text: str) -> str:
    """Every URL inside a free-text message (an error, a log line) redacted, and stray credential parameters."""
    if "://" in text:
        text = _URL_IN_TEXT.sub(lambda match: redact_url(match.group(0)), text)
    if "=" in text:
        text = _PARAM_IN_TEXT.sub(lambda m: f"{m['name']}={MASK}" if _SECRET_PARAM.match(m["name"]) else m[0], text)
    return text


def redact_optional(value: str | None) -> str | None:
    return redact_text(value) if value else value


class RedactingFilter(logging.Filter):
    """Redacts URLs in a logger's records (httpx logs every request URL at INFO, query string included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a broken format string: logging reports it itself, unchanged
            return True
        record.msg, record.args = redact_text(message), None
        return True
