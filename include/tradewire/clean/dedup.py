"""Near-duplicate detection (syndicated copies, re-posts with a different sign-off): MinHash with LSH bands.

Signatures use a stable hash (CRC32 of word 5-grams) so they are the same in
every process and can be stored in the warehouse and compared across runs.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

SHINGLE_WORDS = 5
NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
NEAR_DUPLICATE_JACCARD = 0.8  # a copy: the same text give or take a sign-off or a corrected line
STORY_JACCARD = 0.7  # one story: a syndicated copy, or an update with a few lines added or rewritten

SIGNATURE_VERSION = 2  # stored signatures of another version are recomputed (load/schema.py, migration 7)

_PRIME = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_rng = np.random.default_rng(20251027)  # fixed: signatures must agree across runs and machines
# a and b span the whole field: with small ones, a*x + b hardly wraps, every permutation keeps the
# order of x and the estimate is biased high (version 1 rated a 0.79 pair at 0.98)
_A = _rng.integers(1, (1 << 61) - 1, size=NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, (1 << 61) - 1, size=NUM_PERM, dtype=np.uint64)


def shingles(text: str) -> set[int]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < SHINGLE_WORDS:
        return {zlib.crc32(" ".join(words).encode())} if words else set()
    return {zlib.crc32(" ".join(words[i : i + SHINGLE_WORDS]).encode()) for i in range(len(words) - SHINGLE_WORDS + 1)}


def minhash(text: str) -> list[int]:
    values = np.fromiter(shingles(text), dtype=np.uint64)
    if values.size == 0:
        return [0] * NUM_PERM
    with np.errstate(over="ignore"):  # the product wraps modulo 2**64, as in datasketch's MinHash
        hashed = np.bitwise_and((np.outer(values, _A) + _B) % _PRIME, _MAX_HASH)
    return [int(v) for v in hashed.min(axis=0)]


def band_keys(signature: list[int]) -> list[str]:
    return [
        f"{band}:{zlib.crc32(repr(signature[band * ROWS : (band + 1) * ROWS]).encode()):08x}" for band in range(BANDS)
    ]


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of two texts from their signatures."""
    return sum(x == y for x, y in zip(a, b, strict=True)) / NUM_PERM
