from __future__ import annotations

from tradewire.enrich.topics import find_topics, load_taxonomy


def test_taxonomy_loads_with_unique_ids() -> None:
    taxonomy = load_taxonomy()
    ids = [t.id for t in taxonomy.topics]
    assert len(ids) == len(set(ids)) >= 10


def test_topics_from_text_with_title_weight() -> None:
    hits = {t.id: t for t in find_topics("US raises tariffs on Chinese goods", "Beijing announced export controls.")}
    assert "tariffs" in hits  # one title hit is enough
    assert "export_controls" not in hits  # one body hit is not
    assert 0 < hits["tariffs"].score <= 1


def test_no_topics_in_a_sport_story() -> None:
    assert find_topics("Hong Kong win rugby sevens title", "The team scored three tries in the final.") == []
