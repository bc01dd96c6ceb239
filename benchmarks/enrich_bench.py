"""Enrich benchmark on Reuters-21578: is_trade, countries, people, organisations, speed, topics beside Reuters labels.

    .venv/bin/python benchmarks/enrich_bench.py [--shared ../shared] [--limit N]

Data: ../shared/eval/reuters21578/parsed/reuters21578_all.jsonl.gz, 21,578 Reuters newswire stories of 1987 with
the indexers' TOPICS, PLACES, PEOPLE and ORGS labels. Every story (N evenly spaced ones with --limit) goes through
`enrich_record(title, text, day)` once: the title as the title, the dateline and body as the text, the story's DATE
as the publication day (the pipeline always knows an article's day). The title is not repeated in the text: the
pipeline's cleaner drops a repeated headline, and a repeat would count title terms twice. The
labels name what a story is about, not every mention, so passing mentions count against precision.

Split: ModApte as README.txt VIII.B defines it, TRAIN = LEWISSPLIT="TRAIN" and TOPICS="YES", TEST =
LEWISSPLIT="TEST" and TOPICS="YES": 9,603 and 3,299 stories, the README's figures. Of these 7,775 and 3,019 carry
at least one topic, and 7,770 and 3,019 one of the 90 categories with both a train and a test story: the often
quoted 7,769 / 3,019 (NLTK's 10,788-story "ApteMod") is that subset, with one training story fewer that we have not
traced. We keep all 9,603 / 3,299: the README asks not to screen out any test story, and a story indexed with no
topic is a true negative for is_trade. modapte_split() returns the two lists, so that a classifier can be fitted on
TRAIN alone.

1. is_trade against TOPICS "trade": precision, recall, F1 over every TOPICS="YES" story and on TEST (target F1 >=
   0.85).
2. countries against PLACES mapped to modern ISO3 (benchmarks/reuters_places.py); stories without PLACES skipped.
   Recall of everything detected (target >= 0.90); precision and recall of the top 1, 2, 3 by salience and of
   salience cuts (salience >= t; top-1 plus salience >= t; t = 0.10 to 0.50 by 0.05); the cut with the best recall
   among those with precision >= 0.80 (target). On TEST and on all stories.
3. people against PEOPLE: a label counts as found when its last token ("james-baker" -> "baker") equals the last
   token of a detected name, case-insensitively, diacritics folded and German/Nordic letters spelt as Reuters spells
   them (Pöhl -> poehl), a trailing Jr/Sr/II/III ignored. Recall only (the labels list the main people, not all).
   The rule cannot tell James Baker from Howard Baker, and misses a double surname cut short (mancera-aguayo when
   only "Miguel Mancera" is detected).
4. organizations against ORGS (names in reuters_places.REUTERS_ORG_NAMES) and places against the dateline city
   ("RIO DE JANEIRO, Feb 26 -"): recall, informative.
5. Speed: articles per CPU second on one core (one process, sequential, the whole enrich_record with a publication
   date) over 320 articles of ~800 words made by joining Reuters bodies (target >= 200); the wall-clock rate beside.
6. The project's topics beside Reuters TOPICS where they obviously overlap (tariffs and trade_* vs "trade" ...),
   informative.
7. The bundled sample and the seed against our own hand-labelled gold (benchmarks/sample_gold.py): every field
   family, precision, recall and F1.

Keys the stage does not produce yet print "n/a (not produced yet)". Prints a report and writes
benchmarks/results/enrich.json. A script, not a test.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "include"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from reuters_places import REUTERS_ORG_NAMES, gold_countries, modern_iso3  # noqa: E402

from tradewire.enrich.run import enrich_record  # noqa: E402

NA = "n/a (not produced yet)"
DATA = Path("eval") / "reuters21578" / "parsed" / "reuters21578_all.jsonl.gz"
MIN_PRECISION = 0.80
TARGETS: dict[str, float] = {
    "is_trade_f1": 0.85,
    "country_recall": 0.90,
    "country_precision": MIN_PRECISION,
    "articles_per_s": 200.0,
}
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(2, 11))  # 0.10 .. 0.50
TRADE_IDS = ("tariffs", "trade_talks", "trade_agreement", "trade_dispute", "trade_balance", "export_controls")
FARM_LABELS = frozenset(
    {"grain", "wheat", "corn", "barley", "oat", "rye", "sorghum", "rice", "soybean", "oilseed", "rapeseed"}
    | {"livestock", "carcass", "hog", "pork-belly"}
)


@dataclass(frozen=True)
class TopicOverlap:
    """Project topic ids (any of) beside Reuters TOPICS labels (any of) where the overlap is obvious."""

    name: str
    ids: tuple[str, ...]
    reuters_name: str
    labels: frozenset[str]


TRADE = frozenset({"trade"})
TOPIC_OVERLAP: tuple[TopicOverlap, ...] = (
    *(TopicOverlap(topic, (topic,), "trade", TRADE) for topic in TRADE_IDS),
    TopicOverlap("any of the six above", TRADE_IDS, "trade", TRADE),
    TopicOverlap("agriculture", ("agriculture",), f"grain + {len(FARM_LABELS) - 1} farm labels", FARM_LABELS),
    TopicOverlap("energy", ("energy",), "crude, nat-gas", frozenset({"crude", "nat-gas"})),
    TopicOverlap("critical_minerals", ("critical_minerals",), "strategic-metal", frozenset({"strategic-metal"})),
    TopicOverlap("supply_chain", ("supply_chain",), "ship", frozenset({"ship"})),
    TopicOverlap("currency", ("currency",), "money-fx", frozenset({"money-fx"})),
)


@dataclass(frozen=True)
class Story:
    newid: int
    lewissplit: str
    topics_attr: str
    title: str
    dateline: str
    body: str
    topics: tuple[str, ...]
    places: tuple[str, ...]
    people: tuple[str, ...]
    orgs: tuple[str, ...]
    published: date | None = None  # the story's DATE: the pipeline always knows an article's day

    @property
    def text(self) -> str:
        return "\n".join(part for part in (self.dateline, self.body) if part)


def _reuters_day(value: str | None) -> date | None:
    """'26-FEB-1987 15:01:01.79' -> 1987-02-26 (None when the field is missing or malformed)."""
    try:
        return datetime.strptime((value or "").strip().split(" ")[0], "%d-%b-%Y").date()  # day: 1 or 2 digits
    except ValueError:
        return None


def story_from_json(obj: dict[str, Any]) -> Story:
    return Story(
        newid=int(obj["newid"]),
        lewissplit=obj.get("lewissplit") or "",
        topics_attr=obj.get("topics_attr") or "",
        title=(obj.get("title") or "").strip(),
        dateline=(obj.get("dateline") or "").strip(),
        body=(obj.get("body") or "").strip(),
        topics=tuple(obj.get("topics") or ()),
        places=tuple(obj.get("places") or ()),
        people=tuple(obj.get("people") or ()),
        orgs=tuple(obj.get("orgs") or ()),
        published=_reuters_day(obj.get("date")),
    )


def load_stories(path: Path) -> list[Story]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [story_from_json(json.loads(line)) for line in lines if line.strip()]


def topics_yes(stories: Iterable[Story]) -> list[Story]:
    return [s for s in stories if s.topics_attr == "YES"]


def modapte_split(stories: Iterable[Story]) -> tuple[list[Story], list[Story]]:
    """(TRAIN, TEST) of the ModApte split: LEWISSPLIT TRAIN / TEST with TOPICS="YES" (9,603 / 3,299 stories)."""
    yes = topics_yes(stories)
    return [s for s in yes if s.lewissplit == "TRAIN"], [s for s in yes if s.lewissplit == "TEST"]


# ---- scoring ---------------------------------------------------------------------------------------------------


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set[str], predicted: set[str]) -> None:
        self.tp += len(gold & predicted)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p is not None and r is not None and p + r else None

    def as_dict(self) -> dict[str, Any]:
        rounded = {name: _round(getattr(self, name)) for name in ("precision", "recall", "f1")}
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, **rounded}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def binary_counts(pairs: Iterable[tuple[bool, bool]]) -> Counts:
    """Counts for (gold, predicted) yes/no decisions, the positive class being True."""
    counts = Counts()
    for gold, predicted in pairs:
        counts.add({"yes"} if gold else set(), {"yes"} if predicted else set())
    return counts


def produced(results: Iterable[dict[str, Any]], key: str) -> bool:
    return any(key in result for result in results)


Ranked = list[tuple[str, float]]


def ranked_countries(result: dict[str, Any]) -> Ranked:
    """Detected countries as (modern ISO3, salience), most salient first, one entry a country."""
    best: dict[str, float] = {}
    for country in result.get("countries") or []:
        code = modern_iso3(str(country.get("iso3") or ""))
        if code:
            best[code] = max(best.get(code, 0.0), float(country.get("salience") or 0.0))
    return sorted(best.items(), key=lambda item: (-item[1], item[0]))


def keep_all(ranked: Ranked) -> set[str]:
    return {code for code, _ in ranked}


def keep_top(k: int, ranked: Ranked) -> set[str]:
    return {code for code, _ in ranked[:k]}


def keep_salient(threshold: float, ranked: Ranked) -> set[str]:
    return {code for code, salience in ranked if salience >= threshold}


def keep_top1_and_salient(threshold: float, ranked: Ranked) -> set[str]:
    return keep_top(1, ranked) | keep_salient(threshold, ranked)


def country_cuts() -> dict[str, Callable[[Ranked], set[str]]]:
    """The cuts scored; "about" is the stage's own cut (countries[].about: salience >= the cut fitted on TRAIN by
    benchmarks/fit_country_salience.py, read from config/country_salience.yaml)."""
    from tradewire.enrich.countries import salience_model

    about = salience_model().cut
    cuts: dict[str, Callable[[Ranked], set[str]]] = {"all detected": keep_all}
    cuts[f"about (salience >= {about:.2f})"] = partial(keep_salient, about)
    cuts.update({f"top-{k}": partial(keep_top, k) for k in (1, 2, 3)})
    cuts.update({f"salience >= {t:.2f}": partial(keep_salient, t) for t in THRESHOLDS})
    cuts.update({f"top-1 + salience >= {t:.2f}": partial(keep_top1_and_salient, t) for t in THRESHOLDS})
    return cuts


def score_cuts(
    items: Sequence[tuple[set[str], Ranked]], cuts: dict[str, Callable[[Ranked], set[str]]]
) -> dict[str, Counts]:
    scored = {name: Counts() for name in cuts}
    for gold, ranked in items:
        for name, cut in cuts.items():
            scored[name].add(gold, cut(ranked))
    return scored


def best_cut(scored: dict[str, Counts], min_precision: float = MIN_PRECISION) -> str | None:
    """The cut with the highest recall among those with precision >= min_precision; ties go to the higher precision,
    then to the cut listed first (the simpler one)."""
    best: tuple[float, float] | None = None
    name = None
    for cut, counts in scored.items():
        precision, recall = counts.precision or 0.0, counts.recall or 0.0
        if precision >= min_precision and (best is None or (recall, precision) > best):
            best, name = (recall, precision), cut
    return name


def place_countries(result: dict[str, Any]) -> set[str]:
    """Countries of detected places, when the stage's places carry one (iso3 or country_iso3)."""
    codes = set()
    for place in result.get("places") or []:
        if isinstance(place, dict):
            code = place.get("iso3") or place.get("country_iso3")
            if code:
                codes.add(modern_iso3(str(code)))
    return codes


# ---- names -----------------------------------------------------------------------------------------------------

_SPELL_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "æ": "ae", "ø": "oe", "œ": "oe"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def fold(text: str) -> str:
    """Case-folded, German/Nordic letters spelt out as Reuters does (ö -> oe), other diacritics dropped."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_SPELL_OUT)
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def last_token(name: str) -> str | None:
    tokens = [t for t in re.split(r"[\W_]+", fold(name)) if t]
    while len(tokens) > 1 and tokens[-1] in _SUFFIXES:
        tokens.pop()
    return tokens[-1] if tokens else None


def entity_names(entries: Any) -> list[str]:
    """Names from a list of {"name": ...} dicts or of plain strings; anything else is skipped."""
    names = []
    for entry in entries or []:
        name = entry if isinstance(entry, str) else entry.get("name") if isinstance(entry, dict) else None
        if isinstance(name, str) and name.strip():
            names.append(name)
    return names


def person_found(label: str, detected: Iterable[str]) -> bool:
    return last_token(label) in {last_token(name) for name in detected}


def org_key(name: str) -> str:
    text = fold(name).replace(".", "").replace("-", " ")
    for british, american in (("organisation", "organization"), ("labour", "labor"), ("co operation", "cooperation")):
        text = text.replace(british, american)
    text = " ".join(re.sub(r"'s\b", "", text).split())
    return text.removeprefix("the ")


def org_found(label: str, detected: Iterable[str]) -> bool:
    """A detected name equal to one of the label's names, or holding a name of two words or more."""
    aliases = {org_key(a) for a in (*REUTERS_ORG_NAMES.get(label, ()), label)}
    phrases = [f" {a} " for a in aliases if " " in a]
    for name in detected:
        key = org_key(name)
        if key in aliases or any(phrase in f" {key} " for phrase in phrases):
            return True
    return False


def dateline_city(dateline: str) -> str | None:
    """'RIO DE JANEIRO, Feb 26 - ...' -> 'rio de janeiro'; None when the dateline does not start with a city."""
    match = re.match(r"\s*([A-Z][A-Z .'&/-]{1,40}?)\s*,", dateline)
    return fold(match.group(1)) if match else None


def label_recall(
    stories: Sequence[Story],
    results: dict[int, dict[str, Any]],
    key: str,
    labels: Callable[[Story], Iterable[str]],
    found: Callable[[str, list[str]], bool],
) -> dict[str, Any]:
    """Recall of a story's labels among the names the stage put under `key`, over stories with labels."""
    wanted = hits = detected = 0
    scored = 0
    for story in stories:
        story_labels = [label for label in labels(story) if label]
        if not story_labels:
            continue
        names = entity_names(results[story.newid].get(key))
        scored += 1
        detected += len(names)
        wanted += len(story_labels)
        hits += sum(found(label, names) for label in story_labels)
    return {
        "stories": scored,
        "labels": wanted,
        "found": hits,
        "recall": _round(hits / wanted) if wanted else None,
        "detected_per_story": round(detected / scored, 2) if scored else None,
    }


def _dateline_labels(story: Story) -> list[str]:
    city = dateline_city(story.dateline)
    return [city] if city else []


def _place_found(city: str, names: list[str]) -> bool:
    return city in {fold(name) for name in names}


# ---- evaluation ------------------------------------------------------------------------------------------------


def enrich_all(stories: Sequence[Story]) -> tuple[dict[int, dict[str, Any]], float]:
    started = time.perf_counter()
    results = {story.newid: enrich_record(story.title, story.text, story.published) for story in stories}
    return results, time.perf_counter() - started


def is_trade_report(stories: Sequence[Story], results: dict[int, dict[str, Any]]) -> dict[str, Any]:
    report: dict[str, Any] = {"stories": len(stories), "trade": sum("trade" in s.topics for s in stories)}
    if not produced((results[s.newid] for s in stories), "is_trade"):
        return {**report, "status": NA}
    pairs = (("trade" in s.topics, bool(results[s.newid].get("is_trade"))) for s in stories)
    return {**report, **binary_counts(pairs).as_dict()}


def country_report(stories: Sequence[Story], results: dict[int, dict[str, Any]]) -> dict[str, Any]:
    items = [(gold_countries(s.places), ranked_countries(results[s.newid])) for s in stories]
    items = [(gold, ranked) for gold, ranked in items if gold]
    scored = score_cuts(items, country_cuts())
    report: dict[str, Any] = {
        "stories": len(items),
        "labels": sum(len(gold) for gold, _ in items),
        "stories_without_detection": sum(not ranked for _, ranked in items),
        "cuts": {name: c.as_dict() for name, c in scored.items()},
    }
    best = best_cut(scored)
    report["best_cut"] = None if best is None else {"cut": best, **scored[best].as_dict()}
    with_places = Counts()
    if produced((results[s.newid] for s in stories), "places"):
        for s in stories:
            gold = gold_countries(s.places)
            if gold:
                result = results[s.newid]
                with_places.add(gold, keep_all(ranked_countries(result)) | place_countries(result))
        report["all detected + places' countries"] = with_places.as_dict()
    return report


def entity_report(stories: Sequence[Story], results: dict[int, dict[str, Any]]) -> dict[str, Any]:
    checks: dict[str, tuple[str, Callable[[Story], Iterable[str]], Callable[[str, list[str]], bool]]] = {
        "people": ("people", lambda s: s.people, person_found),
        "organizations": ("organizations", lambda s: s.orgs, org_found),
        "places (dateline city)": ("places", _dateline_labels, _place_found),
    }
    report: dict[str, Any] = {}
    for name, (key, labels, found) in checks.items():
        if produced((results[s.newid] for s in stories), key):
            report[name] = label_recall(stories, results, key, labels, found)
        else:
            report[name] = {"status": NA, "stories": sum(any(labels(s)) for s in stories)}
    return report


def topic_hit(ids: Iterable[str], result: dict[str, Any]) -> bool:
    return bool(set(ids) & {str(t.get("id")) for t in result.get("topics") or [] if isinstance(t, dict)})


def topic_table(
    test: Sequence[Story], everything: Sequence[Story], results: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    rows = []
    for overlap in TOPIC_OVERLAP:
        row: dict[str, Any] = {"project": overlap.name, "ids": overlap.ids, "reuters": overlap.reuters_name}
        row["labels"] = sorted(overlap.labels)
        for name, stories in (("test", test), ("topics_yes", everything)):
            pairs = ((bool(overlap.labels & set(s.topics)), topic_hit(overlap.ids, results[s.newid])) for s in stories)
            row[name] = binary_counts(pairs).as_dict()
        rows.append(row)
    return rows


def speed_articles(stories: Sequence[Story], count: int = 320, words: int = 800) -> list[tuple[str, str]]:
    """`count` articles of `words` words, each made of consecutive Reuters bodies (cut at the last word)."""
    articles: list[tuple[str, str]] = []
    title, parts, have = "", [], 0
    for story in stories:
        if not story.body:
            continue
        title = title or story.title
        parts.append(story.body)
        have += len(story.body.split())
        if have >= words:
            text = "\n\n".join(parts)
            end = [m.end() for m in re.finditer(r"\S+", text)][words - 1]
            articles.append((title, text[:end]))
            title, parts, have = "", [], 0
            if len(articles) == count:
                break
    return articles


SPEED_DAY = date(1987, 3, 2)  # a publication day, so that events resolve their dates as in the pipeline


def measure_speed(articles: Sequence[tuple[str, str]], passes: int = 3) -> dict[str, Any]:
    """Articles per CPU second of this process (one core): on a shared 2-core machine, wall time measures the
    neighbours too. The wall-clock rate is kept beside it."""
    for title, text in articles[:20]:  # warm the matchers before timing
        enrich_record(title, text, SPEED_DAY)
    rates, wall_rates = [], []
    for _ in range(passes):
        started, wall_started = time.process_time(), time.perf_counter()
        for title, text in articles:
            enrich_record(title, text, SPEED_DAY)
        rates.append(len(articles) / (time.process_time() - started))
        wall_rates.append(len(articles) / (time.perf_counter() - wall_started))
    words = statistics.mean(len(text.split()) for _, text in articles)
    return {
        "articles": len(articles),
        "mean_words": round(words),
        "passes": passes,
        "articles_per_s": round(statistics.median(rates), 1),
        "ms_per_article": round(1000 / statistics.median(rates), 2),
        "wall_articles_per_s": round(statistics.median(wall_rates), 1),
    }


def sample(stories: Sequence[Story], limit: int) -> list[Story]:
    """`limit` evenly spaced stories (so that every split is represented); all of them when limit is 0."""
    if not limit or limit >= len(stories):
        return list(stories)
    step = len(stories) / limit
    return [stories[int(i * step)] for i in range(limit)]


def split_counts(stories: Sequence[Story]) -> dict[str, Any]:
    train, test = modapte_split(stories)
    return {
        "stories": len(stories),
        "train": len(train),
        "test": len(test),
        "train_with_topic": sum(bool(s.topics) for s in train),
        "test_with_topic": sum(bool(s.topics) for s in test),
        "topics_yes": len(topics_yes(stories)),
    }


# ---- report ----------------------------------------------------------------------------------------------------


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _target(value: float | None, target: float) -> str:
    status = "met" if value is not None and value >= target else "missed"
    return f"target >= {target:g}: {status}"


def _figures(c: dict[str, Any]) -> str:
    return f"{_f(c['precision']):>10} {_f(c['recall']):>7} {_f(c['f1']):>6}"


FIGURES_HEAD = f"{'precision':>10} {'recall':>7} {'F1':>6}"


def print_is_trade(report: dict[str, Any]) -> None:
    print(f'is_trade vs TOPICS "trade"\n  {"":<26} {"stories":>8} {"trade":>6} {FIGURES_HEAD}')
    target = TARGETS["is_trade_f1"]
    for name, label in (("topics_yes", 'all TOPICS="YES"'), ("test", "ModApte TEST")):
        r = report[name]
        head = f"  {label:<26} {r['stories']:>8,} {r['trade']:>6,}"
        note = f"   F1 target >= {target:g}" if name == "test" else ""
        if "status" in r:
            print(f"{head}  {r['status']}{note}")
        else:
            print(f"{head} {_figures(r)}" + (f"   F1 {_target(r['f1'], target)}" if note else ""))


def print_countries(name: str, r: dict[str, Any]) -> None:
    print(
        f"countries vs PLACES, {name}: {r['stories']:,} stories with PLACES, {r['labels']:,} labelled countries, "
        f"{r['stories_without_detection']:,} of them with no country detected"
    )
    print(f"  {'cut':<32} {'predicted':>10} {FIGURES_HEAD} (*: precision >= {MIN_PRECISION:g})")
    rows = dict(r["cuts"])
    if "all detected + places' countries" in r:
        rows["all detected + places' countries"] = r["all detected + places' countries"]
    for cut, c in rows.items():
        mark = "*" if (c["precision"] or 0.0) >= MIN_PRECISION else " "
        note = f"  recall {_target(c['recall'], TARGETS['country_recall'])}" if cut == "all detected" else ""
        print(f"  {cut:<32} {c['tp'] + c['fp']:>10,} {_figures(c)} {mark}{note}".rstrip())
    best = r["best_cut"]
    if best is None:
        print(f"  best cut with precision >= {MIN_PRECISION:g} (target): none reaches it")
    else:
        recall = f"recall {_f(best['recall'])} (recall {_target(best['recall'], TARGETS['country_recall'])})"
        cut = f"{best['cut']}: precision {_f(best['precision'])}"
        print(f"  best cut with precision >= {MIN_PRECISION:g} (target): {cut}, {recall}")


def print_entities(name: str, report: dict[str, Any]) -> None:
    print(f"entities vs labels, {name}")
    for key, r in report.items():
        if "status" in r:
            print(f"  {key:<24} {r['status']} ({r['stories']:,} labelled stories)")
        else:
            print(
                f"  {key:<24} recall {_f(r['recall'])} ({r['found']:,}/{r['labels']:,} labels, "
                f"{r['stories']:,} stories; {r['detected_per_story']} names a story)"
            )


def print_topics(rows: list[dict[str, Any]]) -> None:
    print('project topics beside Reuters TOPICS on ModApte TEST (informative; last column: F1 on all TOPICS="YES")')
    head = f"{'gold':>6} {'predicted':>10} {'precision':>10} {'recall':>7} {'F1':>6}  | F1 all"
    print(f"  {'project topic':<24} {'Reuters TOPICS':<24} {head}")
    for row in rows:
        t, a = row["test"], row["topics_yes"]
        counts = f"{t['tp'] + t['fn']:>6,} {t['tp'] + t['fp']:>10,}"
        figures = f"{_f(t['precision']):>10} {_f(t['recall']):>7} {_f(t['f1']):>6}  | {_f(a['f1'])}"
        print(f"  {row['project']:<24} {row['reuters']:<24} {counts} {figures}")


def print_report(report: dict[str, Any]) -> None:
    s, run = report["split"], report["run"]
    print(
        f"Reuters-21578: {s['stories']:,} stories; ModApte TRAIN {s['train']:,}, TEST {s['test']:,} "
        f"(README VIII.B; {s['train_with_topic']:,} / {s['test_with_topic']:,} of them with a topic), "
        f'{s["topics_yes"]:,} with TOPICS="YES"'
    )
    limit = f" (--limit {run['limit']})" if run["limit"] else ""
    print(f"enriched {run['stories']:,} stories{limit} in {run['seconds']} s: {run['ms_per_story']} ms a story\n")
    print_is_trade(report["is_trade"])
    for name in ("test", "all"):
        print()
        print_countries("ModApte TEST" if name == "test" else "all stories", report["countries"][name])
    for name in ("test", "all"):
        print()
        print_entities("ModApte TEST" if name == "test" else "all stories", report["entities"][name])
    sp = report["speed"]
    print(
        f"\nspeed: {sp['articles_per_s']} articles per CPU second on one core ({sp['ms_per_article']} ms an article; "
        f"wall clock {sp['wall_articles_per_s']}/s; "
        f"{sp['articles']} articles of {sp['mean_words']} words, median of {sp['passes']} passes), "
        f"{_target(sp['articles_per_s'], TARGETS['articles_per_s'])}\n"
    )
    print_topics(report["topics"])
    from sample_gold import report as print_gold

    print()
    print_gold(report["sample_gold"], "sample corpus (include/sample/gold/enrichment.yaml)")
    if report["seed_gold"]:
        print()
        print_gold(report["seed_gold"], "seed (include/sample/gold/seed.yaml)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--limit", type=int, default=0, help="enrich and score only N evenly spaced stories")
    args = parser.parse_args()
    data = args.shared / DATA
    if not data.is_file():
        sys.exit(f"skipped: {data} not found (the evaluation data lives outside the repo)")
    stories = load_stories(data)
    report: dict[str, Any] = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "targets": TARGETS}
    # first, as a worker runs the stage (a batch at a time): not with 21,578 results held in memory
    report["speed"] = measure_speed(speed_articles(stories))
    report["split"] = split_counts(stories)
    scored = sample(stories, args.limit)
    results, seconds = enrich_all(scored)
    report["run"] = {
        "limit": args.limit or None,
        "stories": len(scored),
        "seconds": round(seconds, 1),
        "ms_per_story": round(1000 * seconds / max(len(scored), 1), 2),
    }
    _, test = modapte_split(scored)
    yes = topics_yes(scored)
    report["is_trade"] = {"topics_yes": is_trade_report(yes, results), "test": is_trade_report(test, results)}
    report["countries"] = {"test": country_report(test, results), "all": country_report(scored, results)}
    report["entities"] = {"test": entity_report(test, results), "all": entity_report(scored, results)}
    report["topics"] = topic_table(test, yes, results)
    import sample_gold

    gold = sample_gold.score(sample_gold.sample_records())
    seed = sample_gold.seed_record()
    report["sample_gold"] = {k: v for k, v in gold.items() if not k.startswith("_")}
    seed_figures = sample_gold.score([seed]) if seed else {}
    report["seed_gold"] = {k: v for k, v in seed_figures.items() if not k.startswith("_")} or None
    print_report(report)
    out = REPO / "benchmarks" / "results" / "enrich.json"
    out.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
