"""The cleaner on real third-party pages from ../shared/eval (skipped when absent): no crash, sane page types."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

from tests.conftest import require_shared
from tradewire.clean.run import clean_rows


def _rows(paths: list[Path]) -> list[dict]:
    rows = []
    for path in paths:
        body = path.read_bytes()
        if path.name.endswith(".gz"):
            body = gzip.decompress(body)
        rows.append(
            {"item_id": path.name, "source": "eval", "url": None, "path": None, "content_type": None, "body": body}
        )
    return rows


def test_newspaper4k_articles_are_articles_with_their_titles() -> None:
    root = require_shared("eval", "metadata-newspaper4k")
    pages = sorted(
        p for p in (root / "html").glob("*.html") if (root / "txt" / f"{p.stem}.txt").exists()
        and len((root / "txt" / f"{p.stem}.txt").read_text(encoding="utf-8").strip()) >= 200
    )  # fmt: skip
    records = clean_rows(_rows(pages), page_timeout=30, workers=2)
    not_articles = {p.name: r["page_type"] for p, r in zip(pages, records, strict=True) if r["page_type"] != "article"}
    titles = right = 0
    for page, record in zip(pages, records, strict=True):
        meta = root / "metadata" / f"{page.stem}.json"
        if meta.exists() and record["page_type"] == "article":
            titles += 1
            right += record["title"] == json.loads(meta.read_text(encoding="utf-8"))["title"].strip()
    print(f"newspaper4k: {len(pages) - len(not_articles)}/{len(pages)} articles; titles exact {right}/{titles}")
    assert len(not_articles) <= 2, not_articles  # video pages may be classified as video
    assert right >= 0.65 * titles  # 14/20 today; title accuracy is issue 4


def test_postlight_pages_never_crash_and_are_mostly_articles() -> None:
    root = require_shared("eval", "pages-postlight")
    pages = sorted(root.glob("*.html.gz"))
    records = clean_rows(_rows(pages), page_timeout=30, workers=2)
    kinds = Counter(r["page_type"] for r in records)
    print(f"pages-postlight: {len(pages)} pages, page types {dict(kinds)}")
    assert len(records) == len(pages) >= 150
    assert kinds["failed"] == 0
    assert kinds["article"] >= 0.85 * len(pages)
