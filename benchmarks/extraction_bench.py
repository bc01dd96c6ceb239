"""Cleaning benchmark: extraction quality and speed beside plain trafilatura, metadata accuracy, robustness.

    .venv/bin/python benchmarks/extraction_bench.py [--shared ../shared] [--workers 2]

1. Extraction (../shared/eval/extraction-benchmark, 181 pages with human-checked gold text):
   precision, recall and F1 with the benchmark's metric (benchmarks/extraction_metric.py) for
   Tradewire's cleaner and for `trafilatura.extract` with default settings, in the same run. A page
   the cleaner does not classify as an article counts as an empty extraction, as in the pipeline.
2. Speed: pages/s on one core for both (sequential, same pages, same process), and the cleaner's
   pages/s through its pool of killable worker processes.
3. Metadata (../shared/eval/metadata-newspaper4k, 20 pages with expected values): title, date and
   author accuracy.
4. Robustness: every page of pages-postlight (170) and metadata-newspaper4k (30) through the worker
   pool with its hard time limit: page types, failures, the slowest page.

Prints a report and writes benchmarks/results/extraction.json. A script, not a test.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "include"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction_metric import Score, score  # noqa: E402

from tradewire.clean.run import clean_document, clean_rows  # noqa: E402


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def load_extraction_benchmark(root: Path) -> tuple[dict[str, str], dict[str, bytes], dict[str, str]]:
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    gold = {key: value.get("articleBody") or "" for key, value in truth.items()}
    pages = {key: _read(root / "html" / f"{key}.html.gz") for key in truth}
    urls = {key: value.get("url") for key, value in truth.items()}
    return gold, pages, urls


def tradewire_text(body: bytes, url: str | None, key: str) -> tuple[str, str]:
    record = clean_document(body, item_id=key, url=url, content_type="text/html; charset=utf-8")
    return (record["text"] or "" if record["page_type"] == "article" else ""), record["page_type"]


def plain_trafilatura(body: bytes) -> str:
    import trafilatura

    return trafilatura.extract(body.decode("utf-8", errors="replace")) or ""


def extraction(root: Path) -> dict[str, Any]:
    gold, pages, urls = load_extraction_benchmark(root)
    keys = sorted(pages)
    for key in keys[:5]:  # warm both code paths (imports, caches) before timing
        tradewire_text(pages[key], urls[key], key)
        plain_trafilatura(pages[key])
    # page by page, alternating, so that a noisy neighbour slows both alike
    baseline: dict[str, str] = {}
    ours: dict[str, str] = {}
    types: dict[str, int] = {}
    baseline_s = ours_s = 0.0
    for key in keys:
        started = time.perf_counter()
        baseline[key] = plain_trafilatura(pages[key])
        middle = time.perf_counter()
        ours[key], page_type = tradewire_text(pages[key], urls[key], key)
        ours_s += time.perf_counter() - middle
        baseline_s += middle - started
        types[page_type] = types.get(page_type, 0) + 1
    return {
        "pages": len(keys),
        "tradewire": _score_dict(score(gold, ours)),
        "trafilatura_default": _score_dict(score(gold, baseline)),
        "tradewire_page_types": types,
        "one_core_pages_per_s": {
            "tradewire": round(len(keys) / ours_s, 1),
            "trafilatura_default": round(len(keys) / baseline_s, 1),
            "ratio": round(baseline_s / ours_s, 2),
        },
    }


def _score_dict(s: Score) -> dict[str, float]:
    return {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4)}


def _norm(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def _same_title(ours: str | None, expected: str | None) -> tuple[bool, bool]:
    """(exact, up to a site name: 'Title | Site' or 'Title ：Site' on one side only)."""
    a, b = _norm(ours), _norm(expected)
    if a == b:
        return True, True
    short, long = sorted((a, b), key=len)
    rest = long[len(short) :].strip() if short and long.startswith(short) else ""
    return False, bool(rest) and not rest[0].isalnum() and len(rest.split()) <= 6


def _same_day(ours: datetime | None, expected: str | None) -> bool:
    if ours is None or not expected:
        return False
    want = datetime.fromisoformat(expected)
    if want.tzinfo is not None:
        return ours.astimezone(want.tzinfo).date() == want.date()
    # a naive expected date is the publisher's local day: accept ours in any time zone
    return any((ours + timedelta(hours=h)).date() == want.date() for h in range(-12, 15))


def metadata(root: Path) -> dict[str, Any]:
    titles = exact_titles = lenient_titles = dates = right_dates = 0
    author_pages = exact_authors = 0
    author_tp = author_fp = author_fn = 0
    misses: list[str] = []
    for meta_file in sorted((root / "metadata").glob("*.json")):
        expected = json.loads(meta_file.read_text(encoding="utf-8"))
        html_file = root / "html" / f"{meta_file.stem}.html"
        if not html_file.exists():
            continue
        record = clean_document(html_file.read_bytes(), item_id=meta_file.stem, url=expected.get("url"))
        if expected.get("title"):
            titles += 1
            exact, lenient = _same_title(record["title"], expected["title"])
            exact_titles += exact
            lenient_titles += lenient
            if not lenient:
                misses.append(f"title {meta_file.stem}: {record['title']!r} vs {expected['title']!r}")
        if expected.get("publish_date"):
            dates += 1
            good = _same_day(record["published_at"], expected["publish_date"])
            right_dates += good
            if not good:
                misses.append(f"date {meta_file.stem}: {record['published_at']} vs {expected['publish_date']}")
        if expected.get("authors"):
            author_pages += 1
            want = {_norm(a) for a in expected["authors"]}
            got = {_norm(a) for a in record["authors"] or []}
            exact_authors += want == got
            author_tp += len(want & got)
            author_fp += len(got - want)
            author_fn += len(want - got)
            if want != got:
                misses.append(f"authors {meta_file.stem}: {sorted(got)} vs {sorted(want)}")
    return {
        "title_exact": f"{exact_titles}/{titles}",
        "title_up_to_site_name": f"{lenient_titles}/{titles}",
        "published_same_day": f"{right_dates}/{dates}",
        "authors_exact_set": f"{exact_authors}/{author_pages}",
        "author_precision": round(author_tp / (author_tp + author_fp), 3) if author_tp + author_fp else None,
        "author_recall": round(author_tp / (author_tp + author_fn), 3) if author_tp + author_fn else None,
        "misses": misses,
    }


def robustness(folders: list[Path], workers: int) -> dict[str, Any]:
    rows = [
        {"item_id": p.name, "source": p.parent.name, "url": None, "path": None, "content_type": None, "body": _read(p)}
        for folder in folders
        for p in sorted(folder.glob("*.htm*"))
    ]
    started = time.perf_counter()
    records = clean_rows(rows, page_timeout=30.0, workers=workers)
    elapsed = time.perf_counter() - started
    types: dict[str, int] = {}
    for record in records:
        types[record["page_type"]] = types.get(record["page_type"], 0) + 1
    return {
        "pages": len(rows),
        "page_types": dict(sorted(types.items())),
        "failed": [r["item_id"] + ": " + (r["reason"] or "") for r in records if r["page_type"] == "failed"],
        "pool_pages_per_s": round(len(rows) / elapsed, 1),
        "workers": workers,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    eval_root = args.shared / "eval"
    if not (eval_root / "extraction-benchmark").is_dir():
        sys.exit(
            f"skipped: {eval_root / 'extraction-benchmark'} not found (the evaluation data lives outside the repo)"
        )
    report: dict[str, Any] = {"when": datetime.now(UTC).isoformat(timespec="seconds")}
    report["extraction"] = extraction(eval_root / "extraction-benchmark")
    report["metadata_newspaper4k"] = metadata(eval_root / "metadata-newspaper4k")
    report["robustness"] = robustness(
        [eval_root / "pages-postlight", eval_root / "metadata-newspaper4k" / "html"], args.workers
    )
    ext = report["extraction"]
    print(f"extraction benchmark ({ext['pages']} pages)      precision  recall  F1")
    for name in ("tradewire", "trafilatura_default"):
        s = ext[name]
        print(f"  {name:<28} {s['precision']:9.4f} {s['recall']:7.4f} {s['f1']:6.4f}")
    speed = ext["one_core_pages_per_s"]
    print(
        f"one core: tradewire {speed['tradewire']} pages/s, trafilatura {speed['trafilatura_default']} pages/s "
        f"(ratio {speed['ratio']}); page types {ext['tradewire_page_types']}"
    )
    meta = report["metadata_newspaper4k"]
    print(
        f"metadata (newspaper4k): titles exact {meta['title_exact']}, up to site name {meta['title_up_to_site_name']}; "
        f"dates {meta['published_same_day']}; authors exact {meta['authors_exact_set']} "
        f"(P {meta['author_precision']}, R {meta['author_recall']})"
    )
    for miss in meta["misses"]:
        print("   ", miss)
    rob = report["robustness"]
    print(
        f"robustness: {rob['pages']} pages, {rob['page_types']}, failed {len(rob['failed'])}, "
        f"pool of {rob['workers']} workers {rob['pool_pages_per_s']} pages/s"
    )
    out = REPO / "benchmarks" / "results" / "extraction.json"
    out.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
