"""Enrichment measured on the bundled sample's labels: aggregate figures, printed, with a floor.

Per-article perfection is issue-level work (places, multilingual names); these
floors stop regressions while the figures show where we stand.
"""

from __future__ import annotations

from tests.conftest import sample_pages
from tradewire.clean.run import clean_document
from tradewire.enrich.run import enrich_record


def _enriched() -> list[tuple[dict, dict]]:
    out = []
    for page in sample_pages():
        if page["page_type"] != "article":
            continue
        path = page["path"]
        record = clean_document(
            path.read_bytes(), item_id="t", url=page.get("url"), path=str(path) if path.suffix == ".txt" else None
        )
        out.append((page, enrich_record(record["title"], record["text"])))
    return out


def test_country_recall_and_no_countries_from_page_junk() -> None:
    expected = found = leaked = extracted = 0
    for page, result in _enriched():
        got = {c["iso3"] for c in result["countries"]}
        expected += len(set(page.get("countries") or []))
        found += len(set(page.get("countries") or []) & got)
        leaked += len(set(page.get("not_countries") or []) & got)
        extracted += len(got)
    recall, precision = found / expected, found / extracted
    print(
        f"country recall on sample labels: {recall:.3f} ({found}/{expected}); precision {precision:.3f} "
        f"(labels list the countries a story is about, so passing mentions count against it); leaks: {leaked}"
    )
    assert recall >= 0.9
    assert precision >= 0.8
    assert leaked == 0


def test_topic_precision_and_recall() -> None:
    tp = fp = fn = 0
    for page, result in _enriched():
        want = set(page.get("topics") or []) - {"none"}
        got = {t["id"] for t in result["topics"]}
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"topic precision {precision:.3f}, recall {recall:.3f} on sample labels (tp={tp}, fp={fp}, fn={fn})")
    assert precision >= 0.6 and recall >= 0.7
