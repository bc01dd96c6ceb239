"""The HTML report: one self-contained file, every value escaped, each section drawn or saying "no data yet".

The marts here are synthetic tables with the columns of notes' mart contract, built with plain SQL, so the
report is tested apart from the mart builder. The browser test renders the file in headless Chromium.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from tradewire.serve.charts import Bar, Place, Series, bar_chart, line_chart, nice_ticks, place_map
from tradewire.serve.report import render_report

NOW = datetime(2025, 2, 10, 12, 0, tzinfo=UTC)
EVIL_TITLE = '<script>alert(1)</script> "quotes" & ampersands'
EVIL_URL = "https://example.org/news?id=1&lang=en"
SECTIONS = ("dyads", "topics", "actors", "places", "events", "risk", "sources")
CHARTS = ("dyad-cc", "dyad-tone", "topics", "actors-person", "actors-organization", "places", "gpr", "tpu")

MARTS = """
CREATE TABLE countries (iso3 VARCHAR, name VARCHAR);
INSERT INTO countries VALUES ('CHN', 'China'), ('USA', 'United States'), ('DEU', 'Germany'), ('FRA', 'France'),
    ('IND', 'India'), ('PAK', 'Pakistan'), ('RUS', 'Russia'), ('UKR', 'Ukraine'), ('GBR', 'United Kingdom'),
    ('CAN', 'Canada'), ('JPN', 'Japan'), ('CHE', 'Switzerland'), ('BEL', 'Belgium');

CREATE TABLE pairs AS SELECT * FROM (VALUES
    ('CHN', 'USA', 9, -0.4), ('DEU', 'FRA', 6, 0.3), ('IND', 'PAK', 5, -0.6), ('RUS', 'UKR', 7, -0.8),
    ('GBR', 'USA', 4, 0.2), ('CAN', 'USA', 1, 0.1)) AS t(a, b, weight, base);
CREATE TABLE days AS SELECT (DATE '2025-01-06' + INTERVAL (range) DAY)::DATE AS day, range AS i FROM range(35);

CREATE TABLE mart_dyad_daily AS
SELECT day, a, b, (weight + i % 3)::BIGINT AS articles, (2 * weight + i % 4)::BIGINT AS mentions,
       (base / 2 + 0.1 * sin(i / 3 + weight))::DOUBLE AS tone,
       (base + 0.15 * cos(i / 4 + weight))::DOUBLE AS conflict_cooperation
FROM days CROSS JOIN pairs;

CREATE TABLE mart_dyad_weekly AS
SELECT week, a, b, articles, mentions, tone, conflict_cooperation,
       tone - lag(tone) OVER (PARTITION BY a, b ORDER BY week) AS tone_change
FROM (SELECT date_trunc('week', day)::DATE AS week, a, b, sum(articles)::BIGINT AS articles,
             sum(mentions)::BIGINT AS mentions, avg(tone) AS tone, avg(conflict_cooperation) AS conflict_cooperation
      FROM mart_dyad_daily GROUP BY ALL);

CREATE TABLE topic_list AS SELECT * FROM (VALUES
    ('tariffs', 'Tariffs', 12), ('sanctions', 'Sanctions', 8), ('chips', 'Semiconductors <b>&</b> chips', 6),
    ('energy', 'Energy', 5), ('farm', 'Agriculture', 4), ('wto', 'WTO disputes', 3), ('shipping', 'Shipping', 2))
    AS t(topic_id, label, weight);
CREATE TABLE mart_topic_daily AS
SELECT day, topic_id, label, articles, articles / 40.0 AS share
FROM (SELECT day, topic_id, label, (weight + (i * weight) % 5)::BIGINT AS articles FROM days CROSS JOIN topic_list);

CREATE TABLE mart_topic_country_daily (day DATE, iso3 VARCHAR, country_name VARCHAR, topic_id VARCHAR,
    articles BIGINT, share DOUBLE);

CREATE TABLE mart_event_timeline (event_date DATE, event_type VARCHAR, status VARCHAR, place_name VARCHAR,
    place_iso3 VARCHAR, actors VARCHAR[], countries VARCHAR[], rate_pct DOUBLE, target_iso3 VARCHAR,
    effective_date DATE, title VARCHAR, url VARCHAR, source_id VARCHAR, article_id VARCHAR, event_seq INTEGER,
    published_at TIMESTAMPTZ, evidence VARCHAR);
INSERT INTO mart_event_timeline
SELECT DATE '2025-01-06' + INTERVAL (i * 3) DAY, kind, status, place, iso, ['Someone'], countries, rate, target,
       DATE '2025-03-01', 'Event headline ' || i, 'https://news.example/a/' || i, 'wire', 'art' || i, 1,
       TIMESTAMPTZ '2025-01-06 08:00:00+00' + INTERVAL (i * 3) DAY, 'evidence ' || i
FROM (SELECT range AS i,
             ['tariff_action', 'sanction', 'talks', 'agreement', 'investigation', 'export_control'][range % 6 + 1]
                 AS kind,
             ['announced', 'imposed', 'held', 'planned'][range % 4 + 1] AS status,
             ['Beijing', 'Washington', 'Geneva', 'Brussels', 'Tokyo', 'Nowhereville'][range % 6 + 1] AS place,
             ['CHN', 'USA', 'CHE', 'BEL', 'JPN', NULL][range % 6 + 1] AS iso,
             ['CHN', 'USA'] AS countries,
             CASE WHEN range % 3 = 0 THEN 10 + range ELSE NULL END AS rate,
             CASE WHEN range % 3 = 0 THEN 'CHN' ELSE NULL END AS target
      FROM range(11));
INSERT INTO mart_event_timeline VALUES
    (DATE '2025-02-09', 'tariff_action', 'imposed', 'Geneva', 'CHE', ['Trade <Rep>'], ['USA', 'CAN'], 25, 'CAN',
     DATE '2025-03-04', $t$<script>alert(1)</script> "quotes" & ampersands$t$, 'https://example.org/news?id=1&lang=en',
     'wire', 'evil', 1, TIMESTAMPTZ '2025-02-09 10:00:00+00', 'x'),
    (DATE '2025-02-08', 'sanction', 'announced', 'Beijing', 'CHN', [], ['CHN'], NULL, NULL, NULL,
     'Scripted link', 'javascript:alert(2)', 'wire', 'js', 1, TIMESTAMPTZ '2025-02-08 10:00:00+00', 'y'),
    (DATE '2025-02-07', 'talks', 'held', NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     'No link at all', NULL, 'wire', 'nolink', 1, NULL, 'z');

CREATE TABLE article_places (article_id VARCHAR, name VARCHAR, iso3 VARCHAR, lat DOUBLE, lon DOUBLE);
INSERT INTO article_places VALUES ('art0', 'Beijing', 'CHN', 39.9, 116.4), ('art1', 'Washington', 'USA', 38.9, -77.0),
    ('art2', 'Geneva', 'CHE', 46.2, 6.1), ('x1', 'Brussels', 'BEL', 50.8, 4.4), ('x2', 'Tokyo', 'JPN', 35.7, 139.7),
    ('x3', 'Tokyo', 'JPN', 35.7, 139.7), ('x4', 'Tokyo', 'JPN', 0.0, 0.0);

CREATE TABLE mart_actor_nodes AS
SELECT 'p' || range AS actor_key,
       CASE WHEN range = 0 THEN $n$Ann "Q" <O'Brien> & Co$n$ ELSE 'Person number ' || range END AS name,
       'person' AS kind, ['USA', 'CHN', 'DEU'][range % 3 + 1] AS country_iso3, (40 - 3 * range)::BIGINT AS articles,
       DATE '2025-01-06' AS first_day, DATE '2025-02-09' AS last_day
FROM range(9)
UNION ALL
SELECT 'o' || range, 'Organisation with a rather long official name ' || range, 'organization', NULL,
       (30 - 2 * range)::BIGINT, DATE '2025-01-07', DATE '2025-02-08'
FROM range(7);

CREATE TABLE mart_actor_edges AS
SELECT 'o1' AS actor_a, 'p0' AS actor_b, 'Organisation 1' AS name_a, $n$Ann "Q" <O'Brien> & Co$n$ AS name_b,
       7::BIGINT AS articles, DATE '2025-01-08' AS first_day, DATE '2025-02-01' AS last_day;

CREATE TABLE mart_risk_daily (day DATE, source_id VARCHAR, iso3 VARCHAR, articles BIGINT, gpr_articles BIGINT,
    gpr_threat_articles BIGINT, gpr_act_articles BIGINT, tpu_articles BIGINT, gpr_share DOUBLE, tpu_share DOUBLE);

CREATE TABLE mart_risk_index_daily AS
SELECT day, iso3, 2::BIGINT AS sources, 40::BIGINT AS articles, 0.1 + 0.05 * sin(i / 4) AS gpr_share,
       0.01 + 0.004 * cos(i / 5) AS tpu_share,
       100 * (0.1 + 0.05 * sin(i / 4)) / 0.1 AS gpr_index, 10000 * (0.01 + 0.004 * cos(i / 5)) AS tpu_index
FROM days CROSS JOIN (VALUES ('ALL'), ('CHN')) AS t(iso3);

CREATE TABLE mart_source_coverage (source_id VARCHAR, name VARCHAR, kind VARCHAR, articles BIGINT,
    articles_last_7_days BIGINT, first_published TIMESTAMPTZ, last_published TIMESTAMPTZ, last_seen_at TIMESTAMPTZ,
    items_error BIGINT, items_quarantined BIGINT, freshness_hours DOUBLE);

DROP TABLE pairs; DROP TABLE days; DROP TABLE topic_list;
"""


def _snapshot(path: Path, sql: str = MARTS) -> Path:
    con = duckdb.connect(str(path))
    con.execute(sql)
    con.close()
    return path


class _Page(HTMLParser):
    """Tags with their attributes, the links and their texts, and which chart each drawn mark sits in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.marks: dict[str, list[tuple[str, dict[str, str]]]] = {}
        self.section_text: dict[str, str] = {}
        self._href: str | None = None
        self._text = ""
        self._chart: str | None = None
        self._section: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag == "section":
            self._section = attributes.get("id")
            self.section_text[self._section or ""] = ""
        if tag == "svg" and "chart" in attributes.get("class", "").split():
            self._chart = attributes.get("data-chart", "")
            self.marks.setdefault(self._chart, [])
        if self._chart is not None and "mark" in attributes.get("class", "").split():
            self.marks[self._chart].append((tag, attributes))
        if tag == "a":
            self._href, self._text = attributes.get("href", ""), ""

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "svg":
            self._chart = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._chart = None
        if tag == "a" and self._href is not None:
            self.links.append((self._href, self._text))
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text += data
        if self._section is not None:
            self.section_text[self._section] += data


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


def _drawn(tag: str, attrs: dict[str, str]) -> bool:
    """A mark with geometry a browser paints: a path with a segment, a rect with area, a circle with a radius."""
    if tag == "path":
        return len(re.findall(r"-?\d+(?:\.\d+)?", attrs.get("d", ""))) >= 4
    if tag == "rect":
        return float(attrs.get("width", 0)) > 0 and float(attrs.get("height", 0)) > 0
    if tag == "circle":
        return float(attrs.get("r", 0)) > 0 and "cx" in attrs and "cy" in attrs
    if tag == "polyline":
        return len(attrs.get("points", "").split()) >= 2
    return False


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    return render_report(_snapshot(folder / "snapshot.duckdb"), folder / "out" / "report.html", now=NOW)


def test_the_report_requests_nothing_from_anywhere(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    page = _parse(text)
    article_hrefs = [href for href, _ in page.links if href.startswith(("http://", "https://"))]
    assert article_hrefs, "the events table links its articles"
    # Every http(s) in the file is the href of an article link: no xmlns, no font, no CDN, no image.
    assert text.count("http://") + text.count("https://") == len(article_hrefs)
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if "http://" in value or "https://" in value:
                assert (tag, name) == ("a", "href"), (tag, name, value)
    lowered = text.lower()
    for needle in ("src=", "url(", "@import", "<script", "<link", "<iframe", "<img", "<object", "<embed"):
        assert needle not in lowered, needle
    assert all(href.startswith(("#", "http://", "https://")) for href, _ in page.links)


def test_values_from_the_data_are_escaped(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &quot;quotes&quot; &amp; ampersands" in text
    page = _parse(text)
    # The title is the text of a link to its own URL, both back to the original characters once parsed.
    assert (EVIL_URL, EVIL_TITLE) in page.links
    assert 'href="https://example.org/news?id=1&amp;lang=en"' in text
    # Not a link: a javascript: URL, and an event with no URL at all; their titles still show.
    assert not any("javascript" in href.lower() for href, _ in page.links)
    assert "Scripted link" in page.section_text["events"]
    assert "No link at all" in page.section_text["events"]
    # Names in SVG labels and tooltips, and topic labels in legends, are escaped too.
    assert "Ann &quot;Q&quot; &lt;O&#x27;Brien&gt; &amp; Co" in text
    assert "<O'Brien>" not in text
    assert "Semiconductors &lt;b&gt;&amp;&lt;/b&gt; chips" in text
    assert "<b>&</b>" not in text


def test_every_section_is_there_and_an_empty_mart_says_no_data_yet(report: Path) -> None:
    page = _parse(report.read_text(encoding="utf-8"))
    assert set(SECTIONS) <= set(page.section_text)
    assert "no data yet" in page.section_text["sources"]  # mart_source_coverage exists with no rows
    for section in set(SECTIONS) - {"sources"}:
        assert "no data yet" not in page.section_text[section], section
        assert "could not be read" not in page.section_text[section], section
    assert {name for name, marks in page.marks.items() if any(_drawn(*m) for m in marks)} == set(CHARTS)
    # Top 5 dyads by articles: CAN-USA is the sixth and is left out.
    dyads = page.section_text["dyads"]
    assert "CHN–USA" in dyads and "RUS–UKR" in dyads and "CAN–USA" not in dyads
    assert "United States" in dyads  # names from the countries dimension
    # Places get coordinates from article_places; the place with none is listed, not drawn.
    places = [attrs for tag, attrs in page.marks["places"] if tag == "circle"]
    assert len(places) == 5
    assert "Nowhereville" in page.section_text["places"]
    assert "5 of 6 places located" in page.section_text["places"]
    # Tokyo is placed where most of its mentions put it, not at the average with the stray (0, 0).
    assert "35.70" in page.section_text["places"] and "139.70" in page.section_text["places"]
    text = report.read_text(encoding="utf-8")
    assert "2025-02-10 12:00 UTC" in text
    assert "6 Jan 2025 – 9 Feb 2025 (35 days)" in text


def test_a_snapshot_without_marts_still_renders(tmp_path: Path) -> None:
    snapshot = _snapshot(tmp_path / "bare.duckdb", "CREATE TABLE articles (article_id VARCHAR)")
    out = render_report(snapshot, tmp_path / "report.html", now=NOW)
    page = _parse(out.read_text(encoding="utf-8"))
    for section in SECTIONS:
        assert "no data yet" in page.section_text[section], section
    assert not page.marks


def test_sources_show_their_freshness_and_places_without_coordinates_are_listed(tmp_path: Path) -> None:
    snapshot = _snapshot(
        tmp_path / "s.duckdb",
        MARTS
        + """
        DROP TABLE article_places;
        INSERT INTO mart_source_coverage VALUES
            ('wire', 'The Wire', 'rss', 120, 30, '2025-01-06', '2025-02-10 09:00+00', '2025-02-10 10:00+00', 1, 0, 2),
            ('gazette', 'Gazette <&>', 'sitemap', 40, 0, '2025-01-06', '2025-02-08', '2025-02-08 12:00:00+00', 0, 3, 1),
            ('old', NULL, 'rss', 5, 0, '2025-01-06', '2025-01-10', '2025-01-20 12:00:00+00', 7, 0, 1);
        """,
    )
    out = render_report(snapshot, tmp_path / "report.html", now=NOW)
    text = out.read_text(encoding="utf-8")
    page = _parse(text)
    sources = page.section_text["sources"]
    assert "no data yet" not in sources
    # Freshness is measured against the report's clock (2 h, 48 h, 21 days), not the mart's stale freshness_hours.
    assert "✓ 2 h" in sources and "! 48 h" in sources and "✗ 21 d" in sources
    assert "Gazette &lt;&amp;&gt;" in text
    assert "165" in text  # the articles KPI: 120 + 40 + 5
    places = page.section_text["places"]
    assert "no data yet" not in places and "No coordinates" in places
    assert "0 of 6 places located" in places
    assert not [m for m in page.marks["places"] if m[0] == "circle"]


def test_the_report_is_replaced_atomically(tmp_path: Path) -> None:
    snapshot = _snapshot(tmp_path / "s.duckdb")
    out = tmp_path / "report.html"
    out.write_text("old report", encoding="utf-8")
    render_report(snapshot, out, now=NOW)
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "s.duckdb"]  # no temp file left
    with pytest.raises(FileNotFoundError):
        render_report(tmp_path / "missing.duckdb", out, now=NOW)


def test_charts_break_lines_at_gaps_and_escape_their_labels() -> None:
    monday = date(2025, 1, 6)
    weeks = [(monday + timedelta(weeks=w), float(w)) for w in (0, 1, 2, 5, 8, 9)]  # weeks 3-4 and 6-7 missing
    svg = line_chart("t", [Series("<A&B>", weeks, markers=False, gap_days=7)], title='"T"')
    page = _parse(svg)
    (path,) = [attrs for tag, attrs in page.marks["t"] if tag == "path"]
    assert path["d"].count("M") == 2  # weeks 0-2 and 8-9 are lines; nothing bridges the gaps
    dots = [attrs for tag, attrs in page.marks["t"] if tag == "circle"]
    assert len(dots) == 1  # week 5 stands alone: without a dot it would not show
    assert "&lt;A&amp;B&gt;" in svg and "<A&B>" not in svg and 'aria-label="&quot;T&quot;"' in svg
    assert "no data yet" in line_chart("e", [Series("x", [(monday, None)])], title="empty")
    bars = bar_chart("b", [Bar("<b>", 3.0), Bar("x" * 80, 1.0)], title="bars")
    assert "&lt;b&gt;" in bars
    assert bars.count("x" * 80) == 2 and "…" in bars  # the label is cut short, its tooltips keep it whole
    world = place_map("m", [Place("<Geneva>", 46.2, 6.1, 3.0)], title="map")
    assert "&lt;Geneva&gt;" in world and "<Geneva>" not in world
    ticks, step = nice_ticks(-0.37, 0.52)
    assert step == 0.2 and ticks[0] <= -0.37 and ticks[-1] >= 0.52


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)


def _png_pixels_vary(data: bytes) -> tuple[int, int, int]:
    """Width, height and the number of distinct bytes in the decompressed image data of a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    offset, idat = 8, b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        if kind == b"IDAT":
            idat += data[offset + 8 : offset + 8 + length]
        offset += 12 + length
    return width, height, len(set(zlib.decompress(idat)))


@pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed: `apt-get install -y chromium` enables the browser test"
)
def test_a_real_browser_draws_every_chart(report: Path, tmp_path: Path) -> None:
    url = report.resolve().as_uri()
    dom = _chromium("--dump-dom", url, profile=tmp_path / "profile").stdout
    page = _parse(dom)
    assert set(SECTIONS) <= set(page.section_text)
    for chart in CHARTS:
        drawn = [m for m in page.marks.get(chart, []) if _drawn(*m)]
        assert drawn, f"chart {chart} has no drawn marks in the browser's DOM"
    assert "<script" not in dom.lower()  # the escaped title stayed text: the browser made no script element of it
    assert EVIL_TITLE in page.section_text["events"]

    shot = tmp_path / "report.png"
    _chromium(f"--screenshot={shot}", "--window-size=1280,2400", url, profile=tmp_path / "profile")
    data = shot.read_bytes()
    width, height, distinct = _png_pixels_vary(data)
    print(f"\nreport screenshot: {shot}")
    assert (width, height) == (1280, 2400)
    assert len(data) > 20_000, f"screenshot is {len(data)} bytes: a blank page?"
    assert distinct > 64, "the screenshot has almost no variety of pixels: a blank page?"
