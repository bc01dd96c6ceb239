"""Seeded mutation of real documents: byte flips, chunk deletion and duplication, tag soup, truncation."""

from __future__ import annotations

import gzip
import random
from collections.abc import Callable
from pathlib import Path

from tests.conftest import require_shared

TAG_SOUP = [
    b"<div>", b"</div>", b"<p>", b"</p></p>", b"<table><tr><td>", b"</td></tr></table>", b"<script>", b"</script>",
    b"<style>", b"<!--", b"-->", b"<![CDATA[", b"]]>", b"<title>", b"</title>", b"<", b">", b"&", b"&#x0;",
    b"&#xD800;", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b'"', b"'", b"<meta charset='utf-16'>",
    b'<script type="application/ld+json">{"@type":"NewsArticle","headline":', b"<h1>'); DROP TABLE articles;--</h1>",
    b"<svg><foreignObject><math><mi>", b"<textarea>", b"<plaintext>", b"<?xml version='1.0'?>", b"\x1f\x0b\x0c",
]  # fmt: skip


def seeded(seed: int) -> random.Random:
    """The RNG every fuzz input comes from: seeded, so a run is reproducible."""
    return random.Random(seed)  # noqa: S311  # reproducible test inputs, not secrets


def _flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 32)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _delete_chunk(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data) + 1)
    return data[:start] + data[start + rng.randint(1, max(1, len(data) // 4)) :]


def _duplicate_chunk(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data) + 1)
    chunk = data[start : start + rng.randint(1, 4096)]
    return data[:start] + chunk * rng.randint(2, 20) + data[start:]


def _insert_tag_soup(data: bytes, rng: random.Random) -> bytes:
    for _ in range(rng.randint(1, 40)):
        at = rng.randrange(len(data) + 1)
        data = data[:at] + rng.choice(TAG_SOUP) + data[at:]
    return data


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


MUTATORS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "flip": _flip_bytes,
    "delete": _delete_chunk,
    "duplicate": _duplicate_chunk,
    "tag_soup": _insert_tag_soup,
    "truncate": _truncate,
}


def mutants(seeds: list[tuple[str, bytes]], count: int, seed: int) -> list[tuple[str, bytes]]:
    """`count` mutants named "page~mutators", each one to three mutations of a seed page: the same every run."""
    rng = seeded(seed)
    out = []
    for n in range(count):
        name, data = seeds[n % len(seeds)]
        applied = rng.sample(sorted(MUTATORS), rng.randint(1, 3))
        for mutator in applied:
            data = MUTATORS[mutator](data, rng)
        out.append((f"{name}~{'+'.join(applied)}#{n}", data))
    return out


def real_pages(limit: int) -> list[tuple[str, bytes]]:
    """Up to `limit` real article pages from ../shared/eval, spread over its page sets (skips when it is missing).

    README.md there lists the HTML sets: pages-postlight/*.html.gz, extraction-benchmark/html/*.html.gz and
    metadata-newspaper4k/html/*.html.
    """
    root = require_shared("eval")
    sets = [
        sorted((root / "pages-postlight").glob("*.html.gz")),
        sorted((root / "extraction-benchmark" / "html").glob("*.html.gz")),
        sorted((root / "metadata-newspaper4k" / "html").glob("*.html")),
    ]
    picked: list[Path] = []
    for index in range(max(map(len, sets), default=0)):  # round-robin: every set is represented
        picked += [paths[index] for paths in sets if index < len(paths)]
    return [(path.name, _read(path)) for path in picked[:limit]]


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data
