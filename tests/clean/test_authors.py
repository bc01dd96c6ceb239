from __future__ import annotations

import pytest

from tradewire.clean.authors import clean_authors


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Ralph Jennings and Xinyi Wu", ["Ralph Jennings", "Xinyi Wu"]),
        ("Ralph Jennings,Xinyi Wu", ["Ralph Jennings", "Xinyi Wu"]),
        (["Sofia Brandt | Continental Wire"], ["Sofia Brandt"]),
        ("Reporting by Lena Vogt; Editing by Mark Ellison", ["Lena Vogt"]),  # editors are not authors
        ("staff@example.com", []),
        ("Pacific Ledger", []),
        ("Ludwig van Beethoven", ["Ludwig van Beethoven"]),
        ("", []),
        (None, []),
    ],
)
def test_clean_authors(raw: object, expected: list[str]) -> None:
    assert clean_authors(raw, site_name="Pacific Ledger") == expected  # type: ignore[arg-type]


def test_particles_and_nicknames_are_parts_of_names() -> None:
    assert clean_authors(["Jeremy Herb, Lauren del Valle and Kara Scannell"]) == [
        "Jeremy Herb", "Lauren del Valle", "Kara Scannell",
    ]  # fmt: skip
    assert clean_authors(['Amanda "Tania Mae" Tan']) == ['Amanda "Tania Mae" Tan']
    assert clean_authors(["By María de los Ángeles Pérez"]) == ["María de los Ángeles Pérez"]
