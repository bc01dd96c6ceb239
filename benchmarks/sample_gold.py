"""Enrichment scored against the hand-labelled gold file of the bundled sample (include/sample/gold/).

    .venv/bin/python benchmarks/sample_gold.py [--verbose]

include/sample/gold/enrichment.yaml labels every sample article by reading its text, without the system's
output: countries, places, people, organisations, topics, is_trade, dyads, events, quotes and amounts.
gold/seed.yaml labels the seed the same way (labels only: the seed's text stays in ../shared and is scored
only when ../shared is present). Each field family gets precision, recall and F1 (micro, over all articles);
events are matched by type, then their attributes (status, date, place, rate) are scored on the matches.
enrich_bench.py prints this beside the Reuters scores; tests/enrich/test_sample_gold.py keeps floors.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "include"))
sys.path.insert(0, str(REPO))

GOLD = REPO / "include" / "sample" / "gold"
SEED = REPO.parent / "shared" / "seeds" / "000_226ded49a171c2f9.txt"


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _fold(value: str) -> str:
    value = unicodedata.normalize("NFKD", value)
    value = "".join(c for c in value if not unicodedata.combining(c)).lower()
    value = re.sub(r"[’'`]s\b", "", value)
    return re.sub(r"[^a-z0-9]+", " ", value).strip()


def _acronym(value: str) -> str:
    words = [w for w in _fold(value).split() if w not in {"of", "the", "and", "for", "s", "us", "u"}]
    return "".join(w[0] for w in words)


def _same_org(gold: str, found: str) -> bool:
    g, f = _fold(gold), _fold(found)
    if not g or not f:
        return False
    if g == f or f"{g} " in f"{f} " or f" {f} " in f" {g} " or g in f or f in g:
        return True
    return g.replace(" ", "") in {_acronym(found), f.replace(" ", "")} or f.replace(" ", "") == _acronym(gold)


def _same_person(gold: str, found: str) -> bool:
    g, f = _fold(gold).split(), _fold(found).split()
    return bool(g and f) and (g == f or (g[-1] == f[-1] and (g[0] == f[0] or len(g) == 1 or len(f) == 1)))


def _match(
    gold: Iterable[Any], found: Iterable[Any], same: Callable[[Any, Any], bool], tally: Tally, where: str
) -> list[tuple[Any, Any]]:
    """Greedy one-to-one matching; counts into tally and returns the matched pairs."""
    left, pairs = list(found), []
    for item in gold:
        hit = next((f for f in left if same(item, f)), None)
        if hit is None:
            tally.fn += 1
            tally.misses.append(f"{where}: missed {item!r}")
        else:
            left.remove(hit)
            tally.tp += 1
            pairs.append((item, hit))
    tally.fp += len(left)
    tally.misses.extend(f"{where}: extra {f!r}" for f in left)
    return pairs


def _quote_start(value: str) -> str:
    return _fold(value)[:40]


def score(records: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """records: (gold labels, enrich_record output) per article. Returns the figures, ready for JSON."""
    tallies = {
        name: Tally()
        for name in (
            "countries", "countries_about", "places", "people", "people_roles", "organizations", "topics",
            "is_trade", "dyads", "events", "quotes", "quote_speakers", "amounts",
        )
    }  # fmt: skip
    attributes = {"status": [0, 0], "date": [0, 0], "place": [0, 0], "rate_pct": [0, 0], "effective_date": [0, 0]}
    for gold, got in records:
        where = str(gold.get("title") or gold.get("url"))[:60]
        gold_countries = set(gold.get("countries") or [])
        _match(gold_countries, {c["iso3"] for c in got["countries"]}, str.__eq__, tallies["countries"], where)
        about = {c["iso3"] for c in got["countries"] if c.get("about", True)}
        _match(gold_countries, about, str.__eq__, tallies["countries_about"], where)
        _match(
            {(_fold(p["name"]), p.get("iso3")) for p in gold.get("places") or []},
            {(_fold(p["name"]), p.get("iso3")) for p in got["places"]},
            lambda g, f: g[0] == f[0] or ((g[0] in f[0] or f[0] in g[0]) and g[1] == f[1]),
            tallies["places"],
            where,
        )
        people = _match(
            [p["name"] for p in gold.get("people") or []],
            [p["name"] for p in got["people"]],
            _same_person,
            tallies["people"],
            where,
        )
        roles = {p["name"]: p.get("role") for p in gold.get("people") or []}
        found_roles = {p["name"]: p.get("role") for p in got["people"]}
        for gold_name, found_name in people:
            if roles.get(gold_name):
                tally = tallies["people_roles"]
                if found_roles.get(found_name):
                    tally.tp += 1
                else:
                    tally.fn += 1
                    tally.misses.append(f"{where}: no role for {found_name}")
        _match(
            [(o["name"], *(o.get("aliases") or [])) for o in gold.get("organizations") or []],
            [o["name"] for o in got["organizations"]],
            lambda names, found: any(_same_org(name, found) for name in names),
            tallies["organizations"],
            where,
        )
        _match(set(gold.get("topics") or []), {t["id"] for t in got["topics"]}, str.__eq__, tallies["topics"], where)
        if gold.get("is_trade") is not None:
            _match({True} if gold["is_trade"] else set(), {True} if got["is_trade"] else set(), bool.__eq__,
                   tallies["is_trade"], where)  # fmt: skip
        _match(
            {tuple(sorted(d)) for d in gold.get("dyads") or []},
            {(d["a"], d["b"]) for d in got.get("dyads") or []},
            tuple.__eq__,
            tallies["dyads"],
            where,
        )
        events = _match(
            gold.get("events") or [],
            got.get("events") or [],
            lambda g, f: g["type"] == f["type"]
            and (not g.get("place") or not (f.get("place") or {}).get("name") or
                 _fold(g["place"]) == _fold(f["place"]["name"])),
            tallies["events"],
            where,
        )  # fmt: skip
        for g, f in events:
            place = (f.get("place") or {}).get("name")
            checks = {
                "status": g.get("status") == f.get("status"),
                "date": g.get("date") is None or str(g.get("date")) == str(f.get("date")),
                "place": g.get("place") is None or (place is not None and _fold(place) == _fold(g["place"])),
                "rate_pct": g.get("rate_pct") is None or f.get("rate_pct") == float(g["rate_pct"]),
                "effective_date": g.get("effective_date") is None
                or str(g["effective_date"]) == str(f.get("effective_date")),
            }
            for name, ok in checks.items():
                attributes[name][0] += ok
                attributes[name][1] += 1
        quotes = _match(
            gold.get("quotes") or [],
            got.get("quotes") or [],
            lambda g, f: _quote_start(f["text"]).startswith(_quote_start(g["starts"])[:25]),
            tallies["quotes"],
            where,
        )
        for g, f in quotes:
            tally = tallies["quote_speakers"]
            if f.get("speaker") and (_same_person(g["speaker"], f["speaker"]) or _same_org(g["speaker"], f["speaker"])):
                tally.tp += 1
            else:
                tally.fn += 1
                tally.misses.append(f"{where}: speaker {f.get('speaker')!r} for {g['speaker']!r}")
        _match(
            {_fold(a["text"]) for a in gold.get("amounts") or []},
            {_fold(a["text"]) for a in got.get("amounts") or []},
            lambda g, f: g == f or g in f or f in g,
            tallies["amounts"],
            where,
        )
    figures: dict[str, Any] = {
        name: {"precision": round(t.precision, 3), "recall": round(t.recall, 3), "f1": round(t.f1, 3),
               "tp": t.tp, "fp": t.fp, "fn": t.fn}
        for name, t in tallies.items()
    }  # fmt: skip
    figures["event_attributes"] = {
        name: round(ok / total, 3) if total else None for name, (ok, total) in attributes.items()
    }
    figures["_misses"] = {name: t.misses for name, t in tallies.items()}
    return figures


def _published(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(str(value)).date()


def sample_records() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Gold labels and the enrich output of every labelled sample article (cleaned by the real cleaner)."""
    from tests.conftest import sample_pages
    from tradewire.clean.run import clean_document
    from tradewire.enrich.run import enrich_record

    labelled = yaml.safe_load((GOLD / "enrichment.yaml").read_text(encoding="utf-8"))["articles"]
    gold = {g.get("url") or g["file"]: g for g in labelled}  # text dumps have no URL: keyed by file
    records = []
    for page in sample_pages():
        key = page.get("url") or page["file"]
        if key not in gold or page["page_type"] != "article":
            continue
        path = page["path"]
        record = clean_document(
            path.read_bytes(), item_id="gold", url=page.get("url"), path=str(path) if path.suffix == ".txt" else None
        )
        published = _published(record.get("published_at") or page.get("published_at"))
        got = enrich_record(record["title"], record["text"], published, record.get("authors") or [])
        records.append((gold[key], got))
    return records


def seed_record() -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The seed's gold labels and enrich output, or None when ../shared is absent."""
    if not SEED.exists():
        return None
    from tradewire.clean.textdump import clean_text_dump
    from tradewire.enrich.run import enrich_record

    dump = clean_text_dump(SEED.read_text(encoding="utf-8"))
    gold = yaml.safe_load((GOLD / "seed.yaml").read_text(encoding="utf-8"))
    gold = gold.get("article", gold)
    return gold, enrich_record(dump.title, dump.text, _published(dump.published), dump.authors)


def report(figures: dict[str, Any], label: str, out: Callable[[str], None] = print) -> None:
    out(f"{label}: enrichment vs the hand-labelled gold file (micro P/R/F1 over articles)")
    out(f"  {'field':<18}{'tp':>6}{'fp':>6}{'fn':>6}{'precision':>11}{'recall':>8}{'F1':>7}")
    for name, f in figures.items():
        if name.startswith("_") or name == "event_attributes":
            continue
        out(
            f"  {name:<18}{f['tp']:>6}{f['fp']:>6}{f['fn']:>6}{f['precision']:>11.3f}{f['recall']:>8.3f}{f['f1']:>7.3f}"
        )
    attrs = ", ".join(f"{k} {v:.2f}" if v is not None else f"{k} -" for k, v in figures["event_attributes"].items())
    out(f"  matched events, share with the right attribute: {attrs}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verbose", action="store_true", help="print every miss and extra")
    args = parser.parse_args()
    figures = score(sample_records())
    report(figures, "sample corpus")
    seed = seed_record()
    if seed is None:
        print(f"seed: skipped ({SEED} is absent)")
    else:
        report(score([seed]), "seed")
        if args.verbose:
            for name, misses in score([seed])["_misses"].items():
                for miss in misses:
                    print(f"    seed {name}: {miss}")
    if args.verbose:
        for name, misses in figures["_misses"].items():
            for miss in misses:
                print(f"    {name}: {miss}")


if __name__ == "__main__":
    main()
