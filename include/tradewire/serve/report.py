"""One self-contained HTML analytics report from the mart tables of a warehouse snapshot.

The file makes no request of its own: CSS is inline, charts are inline SVG drawn here (charts.py), there is
no script. Every value read from the data is HTML-escaped; a URL becomes a link only if it is http(s).
A missing, empty or malformed mart turns its section into "no data yet" instead of failing the report.

    python -m tradewire.serve.report SNAPSHOT.duckdb OUT.html
"""

from __future__ import annotations

import logging
import math
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from tradewire.files import FILE_MODE, make_folders
from tradewire.serve.charts import PALETTE, Bar, Place, Series, bar_chart, esc, line_chart, place_map

log = logging.getLogger(__name__)

Row = dict[str, Any]

TOP_DYADS = 5
TOP_TOPICS = 6
TOP_ACTORS = 12
LATEST_EVENTS = 25
MAP_PLACES = 80
TABLE_PLACES = 20
PERSON_COLOR, ORG_COLOR = PALETTE[0], PALETTE[1]


class NoData(Exception):
    """A section has nothing to show; the message says which mart and why."""


class Marts:
    """Read access to the snapshot: which tables and columns exist, and rows as dicts."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.columns: dict[str, set[str]] = {}
        for table, column in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'main' AND table_catalog = current_database()"
        ).fetchall():
            self.columns.setdefault(str(table), set()).add(str(column))

    def has(self, table: str, *columns: str) -> bool:
        return table in self.columns and set(columns) <= self.columns[table]

    def need(self, table: str, *columns: str) -> None:
        """Raise NoData unless ``table`` exists with ``columns`` and has a row."""
        if table not in self.columns:
            raise NoData(f"{table} is not built yet.")
        missing = sorted(set(columns) - self.columns[table])
        if missing:
            raise NoData(f"{table} lacks column(s) {', '.join(missing)}.")
        if self.con.execute(f'SELECT count(*) FROM "{table}"').fetchone() == (0,):  # noqa: S608  # a known table
            raise NoData(f"{table} has no rows.")

    def rows(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        cursor = self.con.execute(sql, list(params))
        names = [d[0] for d in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def country_names(self) -> dict[str, str]:
        if not self.has("countries", "iso3", "name"):
            return {}
        return {str(r["iso3"]): str(r["name"]) for r in self.rows("SELECT iso3, name FROM countries")}


# ---------------------------------------------------------------- formatting


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def as_float(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def fmt_int(value: Any) -> str:
    number = as_float(value)
    return "—" if number is None else f"{number:,.0f}"


def fmt_num(value: Any, digits: int = 2, signed: bool = False) -> str:
    number = as_float(value)
    if number is None:
        return "—"
    text = f"{number:+,.{digits}f}" if signed else f"{number:,.{digits}f}"
    return text.replace("-", "−")  # a real minus sign lines up with the plus in tabular figures


def fmt_day(value: Any) -> str:
    day = as_date(value)
    return "—" if day is None else day.isoformat()


def fmt_long_day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def fmt_time(value: Any) -> str:
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo else value
        return f"{moment:%Y-%m-%d %H:%M}"
    return fmt_day(value)


def safe_url(value: Any) -> str | None:
    """The URL if it is http(s) with no whitespace or control characters, else None."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url.lower().startswith(("http://", "https://")) or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    return url


def link(text: Any, url: Any) -> str:
    href = safe_url(url)
    label = esc(text) if text not in (None, "") else esc(href or "untitled")
    if href is None:
        return label
    return f'<a href="{esc(href)}" rel="noopener noreferrer">{label}</a>'


def table(headers: Sequence[tuple[str, str]], body: Iterable[Sequence[str]], cls: str = "") -> str:
    """An HTML table; ``headers`` are (label, css class) and cells are already-escaped HTML."""
    head = "".join(f'<th class="{c}">{esc(h)}</th>' for h, c in headers)
    rows = "".join(
        "<tr>" + "".join(f'<td class="{c}">{cell}</td>' for (_, c), cell in zip(headers, cells, strict=True)) + "</tr>"
        for cells in body
    )
    return (
        f'<div class="table-scroll"><table class="{cls}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


def figure(caption: str, svg: str, note: str = "") -> str:
    note_html = f'<p class="note">{esc(note)}</p>' if note else ""
    return f"<figure><figcaption>{esc(caption)}</figcaption>{svg}{note_html}</figure>"


def highlights(items: Sequence[tuple[str, str]]) -> str:
    """Big-number callouts: (label, already-escaped value HTML)."""
    if not items:
        return ""
    cells = "".join(
        f'<div class="hl"><div class="hl-value">{v}</div><div class="hl-label">{esc(k)}</div></div>' for k, v in items
    )
    return f'<div class="highlights">{cells}</div>'


def change_badge(value: Any, digits: int = 2) -> str:
    number = as_float(value)
    if number is None:
        return '<span class="delta">—</span>'
    number = round(number, digits)  # a change that shows as 0.00 is flat, not down
    arrow, cls = ("▲", "up") if number > 0 else ("▼", "down") if number < 0 else ("■", "flat")
    return f'<span class="delta {cls}">{arrow} {fmt_num(abs(number), digits)}</span>'


def rolling_mean(points: Sequence[tuple[date, float | None]], days: int = 7) -> list[tuple[date, float | None]]:
    """For every calendar day from the first point to the last, the mean of the values in the ``days`` days
    ending on it (None where that window is empty): a day without articles does not break the smooth line."""
    known = {d: v for d, v in points if v is not None}
    if not known:
        return []
    first, last = min(known), max(known)
    out: list[tuple[date, float | None]] = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        window = [known[d] for d in (day - timedelta(days=k) for k in range(days)) if d in known]
        out.append((day, sum(window) / len(window) if window else None))
    return out


# ---------------------------------------------------------------- sections


@dataclass(frozen=True)
class Section:
    id: str
    nav: str
    title: str
    lede: str
    build: Callable[[Marts, datetime], str]


def dyad_section(marts: Marts, now: datetime) -> str:
    marts.need("mart_dyad_weekly", "week", "a", "b", "articles", "tone", "conflict_cooperation")
    tone_change = "tone_change" if marts.has("mart_dyad_weekly", "tone_change") else "NULL"
    rows = marts.rows(
        f"""
        WITH top AS (
            SELECT a, b, sum(articles) AS total FROM mart_dyad_weekly GROUP BY a, b
            ORDER BY total DESC, a, b LIMIT {TOP_DYADS}
        )
        SELECT w.week, w.a, w.b, w.articles, w.tone, w.conflict_cooperation, {tone_change} AS tone_change, top.total
        FROM mart_dyad_weekly AS w JOIN top USING (a, b)
        ORDER BY top.total DESC, w.a, w.b, w.week
        """  # noqa: S608  # fixed fragments
    )
    names = marts.country_names()
    dyads: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        dyads.setdefault((str(row["a"]), str(row["b"])), []).append(row)

    def label(key: tuple[str, str]) -> str:
        return f"{key[0]}–{key[1]}"

    cc_series, tone_series, body = [], [], []
    for key, weeks in dyads.items():
        dated = [(as_date(w["week"]), w) for w in weeks]
        dated_ok = [(d, w) for d, w in dated if d is not None]
        cc_points = [(d, as_float(w["conflict_cooperation"])) for d, w in dated_ok]
        cc_series.append(Series(label(key), cc_points, gap_days=7))
        tone_series.append(Series(label(key), [(d, as_float(w["tone"])) for d, w in dated_ok], gap_days=7))
        last = dated_ok[-1][1] if dated_ok else weeks[-1]
        country_names = " – ".join(names.get(iso, iso) for iso in key)
        body.append(
            [
                f"<strong>{esc(label(key))}</strong>",
                esc(country_names),
                fmt_int(weeks[0]["total"]),
                fmt_int(len(weeks)),
                fmt_day(last["week"]),
                fmt_num(last["conflict_cooperation"], signed=True),
                fmt_num(last["tone"], signed=True),
                change_badge(last["tone_change"]),
            ]
        )
    top_key = next(iter(dyads))
    newest = max((d for w in rows if (d := as_date(w["week"])) is not None), default=None)
    latest = [
        (key, as_float(weeks[-1]["conflict_cooperation"]))
        for key, weeks in dyads.items()
        if as_date(weeks[-1]["week"]) == newest  # a dyad quiet since some weeks has no say on the latest one
    ]
    scored = [(key, v) for key, v in latest if v is not None]
    callouts = [
        ("most covered dyad", f"{esc(label(top_key))} <small>{fmt_int(dyads[top_key][0]['total'])} articles</small>")
    ]
    if scored:
        tense = min(scored, key=lambda kv: kv[1])
        callouts.append(
            ("most conflictual, latest week", f"{esc(label(tense[0]))} <small>{fmt_num(tense[1], signed=True)}</small>")
        )
    return (
        highlights(callouts)
        + figure(
            "Conflict ↔ cooperation, weekly mean",
            line_chart(
                "dyad-cc",
                cc_series,
                title="Weekly conflict-cooperation of the top dyads",
                y_label="conflict ← → cooperation",
                reference=0.0,
            ),
        )
        + figure(
            "Tone, weekly mean",
            line_chart(
                "dyad-tone",
                tone_series,
                title="Weekly tone of the top dyads",
                y_label="negative ← → positive",
                reference=0.0,
                height=260,
            ),
        )
        + table(
            [
                ("Dyad", ""),
                ("Countries", ""),
                ("Articles", "num"),
                ("Weeks", "num"),
                ("Latest week", "date"),
                ("Conflict–coop.", "num"),
                ("Tone", "num"),
                ("Tone change", "num"),
            ],
            body,
        )
    )


def topic_section(marts: Marts, now: datetime) -> str:
    marts.need("mart_topic_daily", "day", "topic_id", "label", "articles", "share")
    # The mart keeps a daily share; the day's article total is articles / share, so a week's share is the
    # topic's articles over the week's total, not a mean of daily shares that would weigh a quiet Sunday like a Monday.
    rows = marts.rows(
        f"""
        WITH days AS (
            SELECT day::DATE AS day, max(articles / share) AS total FROM mart_topic_daily WHERE share > 0 GROUP BY 1
        ), weeks AS (
            SELECT date_trunc('week', day)::DATE AS week, sum(total) AS total FROM days GROUP BY 1
        ), top AS (
            SELECT topic_id, coalesce(max(label), topic_id) AS label, sum(articles) AS n
            FROM mart_topic_daily GROUP BY topic_id ORDER BY n DESC, topic_id LIMIT {TOP_TOPICS}
        ), counts AS (
            SELECT date_trunc('week', day::DATE)::DATE AS week, topic_id, sum(articles) AS articles
            FROM mart_topic_daily GROUP BY ALL
        )
        SELECT weeks.week, top.topic_id, top.label, top.n, coalesce(counts.articles, 0) AS articles, weeks.total
        FROM weeks CROSS JOIN top
        LEFT JOIN counts ON counts.week = weeks.week AND counts.topic_id = top.topic_id
        ORDER BY top.n DESC, top.topic_id, weeks.week
        """  # noqa: S608  # fixed fragments
    )
    if not rows:
        raise NoData("mart_topic_daily has no day with a share above zero.")
    topics: dict[str, list[Row]] = {}
    for row in rows:
        topics.setdefault(str(row["topic_id"]), []).append(row)
    series = []
    rising: list[tuple[str, float]] = []
    for weeks in topics.values():
        points: list[tuple[date, float | None]] = []
        for w in weeks:
            day, total = as_date(w["week"]), as_float(w["total"])
            if day is not None:
                points.append((day, 100.0 * float(w["articles"]) / total if total else None))
        series.append(Series(str(weeks[0]["label"]), points, gap_days=7))
        values = [v for _, v in points if v is not None]
        if len(values) >= 2:
            rising.append((str(weeks[0]["label"]), values[-1] - values[-2]))
    callouts = [
        (
            "most covered topic",
            f"{esc(series[0].label)} <small>{fmt_int(next(iter(topics.values()))[0]['n'])} articles</small>",
        )
    ]
    if rising:
        up = max(rising, key=lambda kv: kv[1])
        callouts.append(
            ("biggest rise, latest week", f"{esc(up[0])} <small>{fmt_num(up[1], 1, signed=True)} pts</small>")
        )
    return highlights(callouts) + figure(
        "Weekly share of articles, top topics (%)",
        line_chart(
            "topics",
            series,
            title="Weekly share of the top topics",
            y_label="% of the week's articles",
            value_format=lambda v: f"{v:.1f}%",
        ),
        "An article can carry several topics, so shares need not add up to 100.",
    )


def actor_section(marts: Marts, now: datetime) -> str:
    marts.need("mart_actor_nodes", "name", "kind", "articles")
    extra = [c for c in ("country_iso3", "first_day", "last_day") if marts.has("mart_actor_nodes", c)]
    select = ", ".join(["name", "kind", "articles", *extra])
    figures = []
    for kind, caption, color in (("person", "People", PERSON_COLOR), ("organization", "Organisations", ORG_COLOR)):
        rows = marts.rows(
            f"SELECT {select} FROM mart_actor_nodes WHERE kind = ? ORDER BY articles DESC, name LIMIT {TOP_ACTORS}",  # noqa: S608
            [kind],
        )
        bars = []
        for r in rows:
            iso = r.get("country_iso3")
            name = str(r["name"])
            span = f", {fmt_day(r.get('first_day'))} to {fmt_day(r.get('last_day'))}" if "first_day" in r else ""
            tip = f"{name}{f' ({iso})' if iso else ''}: {fmt_int(r['articles'])} articles{span}"
            bars.append(Bar(f"{name} ({iso})" if iso else name, as_float(r["articles"]) or 0.0, color, tip))
        svg = (
            bar_chart(f"actors-{kind}", bars, title=f"{caption} named in the most articles", width=540, label_width=220)
            if bars
            else f'<p class="empty"><span class="badge">no data yet</span> no {caption.lower()} in the mart.</p>'
        )
        figures.append(figure(f"{caption}, by articles naming them", svg))
    edges = ""
    if marts.has("mart_actor_edges", "name_a", "name_b", "articles"):
        has_days = marts.has("mart_actor_edges", "first_day", "last_day")
        pairs = marts.rows(
            "SELECT name_a, name_b, articles"  # noqa: S608  # fixed fragments
            + (", first_day, last_day" if has_days else ", NULL AS first_day, NULL AS last_day")
            + " FROM mart_actor_edges ORDER BY articles DESC, name_a, name_b LIMIT 10"
        )
        if pairs:
            edges = "<h3>Named together most often</h3>" + table(
                [("Actor", ""), ("Actor", ""), ("Articles", "num"), ("First", "date"), ("Last", "date")],
                (
                    [
                        esc(p["name_a"]),
                        esc(p["name_b"]),
                        fmt_int(p["articles"]),
                        fmt_day(p["first_day"]),
                        fmt_day(p["last_day"]),
                    ]
                    for p in pairs
                ),
            )
    return f'<div class="grid2">{"".join(figures)}</div>{edges}'


def place_section(marts: Marts, now: datetime) -> str:
    marts.need("mart_event_timeline", "place_name")
    iso = "e.place_iso3" if marts.has("mart_event_timeline", "place_iso3") else "NULL"
    day = "e.event_date" if marts.has("mart_event_timeline", "event_date") else "NULL"
    note, joins = "", ""
    if marts.has("mart_event_timeline", "lat", "lon"):
        lat, lon = "e.lat", "e.lon"
    elif marts.has("article_places", "name", "lat", "lon"):
        # The coordinates of the place in the event's own article first, else those most often given to the name
        # anywhere: one name can be geocoded differently (Georgia), and an average of the two would be at sea.
        joins = (
            "LEFT JOIN (SELECT lower(name) AS key, lat, lon, count(*) AS n FROM article_places "
            "WHERE lat IS NOT NULL AND lon IS NOT NULL GROUP BY 1, 2, 3 "
            "QUALIFY row_number() OVER (PARTITION BY key ORDER BY n DESC, lat, lon) = 1) AS named "
            "ON named.key = lower(e.place_name) "
        )
        lat, lon = "named.lat", "named.lon"
        if marts.has("article_places", "article_id") and marts.has("mart_event_timeline", "article_id"):
            joins += (
                "LEFT JOIN (SELECT article_id, lower(name) AS key, any_value(lat) AS lat, any_value(lon) AS lon "
                "FROM article_places WHERE lat IS NOT NULL AND lon IS NOT NULL GROUP BY ALL) AS same "
                "ON same.article_id = e.article_id AND same.key = lower(e.place_name) "
            )
            lat, lon = "coalesce(same.lat, named.lat)", "coalesce(same.lon, named.lon)"
    else:
        lat, lon = "NULL::DOUBLE", "NULL::DOUBLE"
        note = "No coordinates: neither mart_event_timeline nor article_places has lat/lon."
    rows = marts.rows(
        f"""
        WITH ev AS (
            SELECT e.place_name AS place, {iso} AS iso3, {day} AS event_date, {lat} AS lat, {lon} AS lon
            FROM mart_event_timeline AS e {joins}
            WHERE e.place_name IS NOT NULL AND trim(e.place_name) <> ''
        )
        SELECT place, mode(iso3) AS iso3, count(*) AS events, max(event_date) AS last_date,
               mode({{'lat': lat, 'lon': lon}}) FILTER (WHERE lat IS NOT NULL AND lon IS NOT NULL) AS point
        FROM ev GROUP BY place ORDER BY events DESC, place
        """  # noqa: S608  # fixed fragments
    )
    if not rows:
        raise NoData("no event in mart_event_timeline names a place.")
    places = []
    for r in rows[:MAP_PLACES]:
        point = r["point"] or {}
        lat_value, lon_value = as_float(point.get("lat")), as_float(point.get("lon"))
        if lat_value is not None and lon_value is not None:
            where = f" ({r['iso3']})" if r["iso3"] else ""
            tip = f"{r['place']}{where}: {fmt_int(r['events'])} events, latest {fmt_day(r['last_date'])}"
            places.append(Place(str(r["place"]), lat_value, lon_value, float(r["events"]), tip))
    located = sum(1 for r in rows if r["point"])
    if not places and not note:
        note = "None of these places has coordinates in article_places yet."
    caption = f"Where the events happen: {located} of {len(rows)} places located"
    body = []
    for r in rows[:TABLE_PLACES]:
        point = r["point"] or {}
        body.append(
            [
                f"<strong>{esc(r['place'])}</strong>",
                esc(r["iso3"] or "—"),
                fmt_int(r["events"]),
                fmt_day(r["last_date"]),
                fmt_num(point.get("lat"), 2),
                fmt_num(point.get("lon"), 2),
            ]
        )
    svg = place_map("places", places, title="Event places on a latitude/longitude grid")
    headers = [("Place", ""), ("Country", ""), ("Events", "num"), ("Latest", "date"), ("Lat", "num"), ("Lon", "num")]
    return figure(caption, svg, note) + table(headers, body)


EVENT_FAMILIES = {
    "tariff_action": "coercive",
    "export_control": "coercive",
    "sanction": "coercive",
    "meeting": "meeting",
    "talks": "meeting",
    "summit": "meeting",
    "agreement": "agreement",
    "investigation": "legal",
    "dispute": "legal",
}


def event_section(marts: Marts, now: datetime) -> str:
    marts.need("mart_event_timeline", "event_date", "event_type", "title", "url")
    wanted = (
        "status",
        "place_name",
        "place_iso3",
        "countries",
        "rate_pct",
        "target_iso3",
        "effective_date",
        "source_id",
    )
    cols = ", ".join(c if marts.has("mart_event_timeline", c) else f"NULL AS {c}" for c in wanted)
    order = "published_at DESC NULLS LAST, " if marts.has("mart_event_timeline", "published_at") else ""
    rows = marts.rows(
        f"SELECT event_date, event_type, title, url, {cols} FROM mart_event_timeline "  # noqa: S608  # schema-checked names
        f"ORDER BY event_date DESC NULLS LAST, {order}title LIMIT {LATEST_EVENTS}"
    )
    body = []
    for r in rows:
        kind = str(r["event_type"] or "")
        family = EVENT_FAMILIES.get(kind, "other")
        countries = r["countries"]
        country_text = (
            ", ".join(str(c) for c in countries) if isinstance(countries, list | tuple) else (countries or "")
        )
        place = esc(r["place_name"] or "—") + (f" <small>{esc(r['place_iso3'])}</small>" if r["place_iso3"] else "")
        rate = as_float(r["rate_pct"])
        source = f'<div class="src">{esc(r["source_id"])}</div>' if r["source_id"] else ""
        body.append(
            [
                fmt_day(r["event_date"]),
                f'<span class="tag {family}">{esc(kind.replace("_", " ") or "event")}</span>',
                esc(r["status"] or "—"),
                place,
                esc(country_text or "—"),
                "—" if rate is None else f"{rate:,.4g}%",
                esc(r["target_iso3"] or "—"),
                fmt_day(r["effective_date"]),
                link(r["title"], r["url"]) + source,
            ]
        )
    return table(
        [
            ("Date", "date"),
            ("Type", ""),
            ("Status", ""),
            ("Place", ""),
            ("Countries", ""),
            ("Rate", "num"),
            ("Target", ""),
            ("Effective", "date"),
            ("Article", "title"),
        ],
        body,
        "events",
    )


def risk_section(marts: Marts, now: datetime) -> str:
    marts.need("mart_risk_index_daily", "day", "iso3", "gpr_index", "tpu_index")
    rows = marts.rows(
        "SELECT day, gpr_index, tpu_index"  # noqa: S608  # fixed fragments
        + (", articles" if marts.has("mart_risk_index_daily", "articles") else ", NULL AS articles")
        + " FROM mart_risk_index_daily WHERE iso3 = 'ALL' ORDER BY day"
    )
    if not rows:
        raise NoData("mart_risk_index_daily has no 'ALL' rows.")
    gpr = [(d, as_float(r["gpr_index"])) for r in rows if (d := as_date(r["day"])) is not None]
    tpu = [(d, as_float(r["tpu_index"])) for r in rows if (d := as_date(r["day"])) is not None]
    many = len(gpr) > 120  # a point per day stops being readable past a few months: the line alone then

    def chart(name: str, points: list[tuple[date, float | None]], colors: tuple[str, str], title: str) -> str:
        return line_chart(
            name,
            [
                Series("daily", points, colors[0], "", 1.3, not many, gap_days=1),
                Series("7-day mean", rolling_mean(points), colors[1], "", 2.8, False, gap_days=1),
            ],
            title=title,
            width=560,
            height=280,
            reference=100.0,
            value_format=lambda v: f"{v:,.0f}",
        )

    last = rows[-1]
    callouts = [
        ("latest day", esc(fmt_long_day(gpr[-1][0]) if gpr else "—")),
        ("geopolitical risk (GPR)", fmt_num(last["gpr_index"], 0)),
        ("trade policy uncertainty (TPU)", fmt_num(last["tpu_index"], 0)),
    ]
    return highlights(callouts) + (
        '<div class="grid2">'
        + figure(
            "GPR index, all articles",
            chart("gpr", gpr, (PALETTE[5], PALETTE[0]), "Geopolitical risk index by day"),
            "100 = the mean of all days.",
        )
        + figure(
            "TPU index, all articles",
            chart("tpu", tpu, (PALETTE[1], PALETTE[3]), "Trade policy uncertainty index by day"),
            "100 = 1% of the day's articles.",
        )
        + "</div>"
    )


def source_section(marts: Marts, now: datetime) -> str:
    marts.need("mart_source_coverage", "source_id", "articles")
    wanted = (
        "name",
        "kind",
        "articles_last_7_days",
        "first_published",
        "last_published",
        "last_seen_at",
        "items_error",
        "items_quarantined",
        "freshness_hours",
    )
    cols = ", ".join(c if marts.has("mart_source_coverage", c) else f"NULL AS {c}" for c in wanted)
    rows = marts.rows(
        f"SELECT source_id, articles, {cols} FROM mart_source_coverage ORDER BY articles DESC, source_id"  # noqa: S608
    )
    top = max((as_float(r["articles"]) or 0.0 for r in rows), default=0.0) or 1.0
    body = []
    for r in rows:
        seen = r["last_seen_at"]
        # Age against the report's own clock: the mart's freshness_hours is as old as the mart.
        if isinstance(seen, datetime):
            age: float | None = (now - (seen if seen.tzinfo else seen.replace(tzinfo=UTC))).total_seconds() / 3600
        else:
            age = as_float(r["freshness_hours"])
        if age is None:
            fresh = '<span class="fresh unknown">? unknown</span>'
        elif age <= 26:
            fresh = f'<span class="fresh ok">✓ {age:,.0f} h</span>'
        elif age <= 72:
            fresh = f'<span class="fresh lag">! {age:,.0f} h</span>'
        else:
            fresh = f'<span class="fresh stale">✗ {age / 24:,.0f} d</span>'
        articles = as_float(r["articles"]) or 0.0
        body.append(
            [
                f"<strong>{esc(r['name'] or r['source_id'])}</strong>"
                f'<div class="src">{esc(" · ".join(str(x) for x in (r["source_id"], r["kind"]) if x))}</div>',
                f'<div class="meter"><span style="width:{100 * articles / top:.0f}%"></span></div>{fmt_int(articles)}',
                fmt_int(r["articles_last_7_days"]),
                fmt_day(r["first_published"]),
                fmt_day(r["last_published"]),
                esc(fmt_time(seen)) if seen is not None else "—",
                fresh,
                fmt_int(r["items_error"]),
                fmt_int(r["items_quarantined"]),
            ]
        )
    return table(
        [
            ("Source", ""),
            ("Articles", "num"),
            ("Last 7 days", "num"),
            ("First", "date"),
            ("Latest", "date"),
            ("Seen (UTC)", "date"),
            ("Freshness", ""),
            ("Errors", "num"),
            ("Quarantined", "num"),
        ],
        body,
    )


SECTIONS: tuple[Section, ...] = (
    Section(
        "dyads",
        "Dyads",
        "Dyad tension",
        "How the country pairs most often in the news talk about each other, week by week: below zero leans to "
        "conflict or negative tone, above to cooperation or positive tone.",
        dyad_section,
    ),
    Section(
        "topics",
        "Topics",
        "Topic trends",
        "What the news is about: each top topic's share of the week's articles.",
        topic_section,
    ),
    Section(
        "actors", "Actors", "Top actors", "The people and organisations named in the most articles.", actor_section
    ),
    Section(
        "places",
        "Places",
        "Event places",
        "Where the extracted events (tariffs, sanctions, talks, ...) take place.",
        place_section,
    ),
    Section(
        "events",
        "Events",
        "Latest events",
        "The most recent events found in the articles, newest first.",
        event_section,
    ),
    Section(
        "risk",
        "Risk",
        "Geopolitical risk and trade policy uncertainty",
        "Daily indexes over all articles, built like the published GPR and TPU indexes.",
        risk_section,
    ),
    Section(
        "sources", "Sources", "Source coverage", "What each source has delivered and how fresh it is.", source_section
    ),
)


# ---------------------------------------------------------------- page


def data_range(marts: Marts) -> tuple[date, date] | None:
    parts = [
        f"SELECT min({col})::DATE AS lo, max({col})::DATE AS hi FROM {table}"  # noqa: S608  # fixed names
        for table, col in (
            ("mart_dyad_daily", "day"),
            ("mart_topic_daily", "day"),
            ("mart_risk_index_daily", "day"),
            ("mart_risk_daily", "day"),
            ("mart_dyad_weekly", "week"),
        )
        if marts.has(table, col)
    ]
    if not parts:
        return None
    row = marts.rows(f"SELECT min(lo) AS lo, max(hi) AS hi FROM ({' UNION ALL '.join(parts)})")[0]  # noqa: S608
    lo, hi = as_date(row["lo"]), as_date(row["hi"])
    return (lo, hi) if lo and hi else None


def kpis(marts: Marts) -> list[tuple[str, str]]:
    queries = (
        ("articles", "mart_source_coverage", "SELECT sum(articles) FROM mart_source_coverage", ("articles",)),
        ("sources", "mart_source_coverage", "SELECT count(*) FROM mart_source_coverage", ()),
        ("events", "mart_event_timeline", "SELECT count(*) FROM mart_event_timeline", ()),
        ("actors", "mart_actor_nodes", "SELECT count(*) FROM mart_actor_nodes", ()),
        ("country pairs", "mart_dyad_weekly", "SELECT count(DISTINCT (a, b)) FROM mart_dyad_weekly", ("a", "b")),
    )
    out = []
    for label, table_name, sql, cols in queries:
        value: Any = None
        if marts.has(table_name, *cols):
            try:
                found = marts.con.execute(sql).fetchone()
                value = found[0] if found else None
            except duckdb.Error:
                value = None
        out.append((label, fmt_int(value)))
    return out


def render_section(section: Section, marts: Marts, now: datetime) -> str:
    try:
        body = section.build(marts, now)
    except NoData as empty:
        body = f'<p class="empty"><span class="badge">no data yet</span> {esc(empty)}</p>'
    except duckdb.Error as error:  # one malformed mart must not cost the reader the rest of the report
        log.warning("report section %s could not be read: %s", section.id, error)
        body = f'<p class="empty error"><span class="badge">could not be read</span> {esc(error)}</p>'
    return (
        f'<section id="{section.id}" class="card"><h2>{esc(section.title)}</h2>'
        f'<p class="lede">{esc(section.lede)}</p>{body}</section>'
    )


def build_html(marts: Marts, now: datetime, snapshot_name: str = "") -> str:
    try:
        span = data_range(marts)
    except duckdb.Error as error:
        log.warning("report data range could not be read: %s", error)
        span = None
    if span:
        days = (span[1] - span[0]).days + 1
        range_text = f"{fmt_long_day(span[0])} – {fmt_long_day(span[1])} ({days} day{'s' if days != 1 else ''})"
    else:
        range_text = "no data yet"
    tiles = "".join(
        f'<div class="kpi"><div class="kpi-value">{v}</div><div class="kpi-label">{esc(k)}</div></div>'
        for k, v in kpis(marts)
    )
    nav = "".join(f'<a href="#{s.id}">{esc(s.nav)}</a>' for s in SECTIONS)
    sections = "".join(render_section(s, marts, now) for s in SECTIONS)
    source = f" · snapshot {esc(snapshot_name)}" if snapshot_name else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Tradewire report · {esc(f"{now:%Y-%m-%d}")}</title>
<style>{CSS}</style>
</head>
<body>
<header class="hero"><div class="wrap">
<div class="brand">Tradewire</div>
<h1>Trade &amp; geopolitics in the news</h1>
<p class="meta">Generated <time datetime="{esc(now.isoformat())}">{esc(f"{now:%Y-%m-%d %H:%M}")} UTC</time>
 · data <span class="range">{esc(range_text)}</span>{source}</p>
<div class="kpis">{tiles}</div>
</div></header>
<nav class="toc"><div class="wrap">{nav}</div></nav>
<main class="wrap">
{sections}
</main>
<footer class="wrap">Tradewire · built from the mart tables of the warehouse snapshot.
 Self-contained: this page loads nothing from anywhere.</footer>
</body>
</html>
"""


def render_report(snapshot: Path, out_path: Path, now: datetime | None = None) -> Path:
    """Write the report for the snapshot's marts to ``out_path`` (atomically) and return it."""
    moment = now or datetime.now(UTC)
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    if not snapshot.is_file():
        raise FileNotFoundError(f"no snapshot at {snapshot}")
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        page = build_html(Marts(con), moment, snapshot.name)
    finally:
        con.close()
    make_folders(out_path.parent)  # 0755 whatever the umask
    tmp = out_path.with_name(f".{out_path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(page, encoding="utf-8")
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, out_path)  # a reader sees the old report or the new one, never half of one
    finally:
        tmp.unlink(missing_ok=True)
    return out_path


CSS = """
:root{--ink:#1b2230;--muted:#5b6474;--line:#e3e6eb;--bg:#f4f5f7;--card:#fff;--accent:#0072B2;color-scheme:light}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);
 font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
.wrap{max-width:1180px;margin:0 auto;padding:0 28px}
.hero{background:#0b2545;color:#fff;padding:28px 0 24px}
.brand{font-size:13px;letter-spacing:.18em;text-transform:uppercase;color:#9cc3e6;font-weight:700}
h1{font-size:32px;line-height:1.15;margin:6px 0 8px;font-weight:750;letter-spacing:-.01em}
.meta{margin:0 0 18px;color:#c9d6e6}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}
.kpi{background:rgba(255,255,255,.08);border:1px solid rgba(255,255,255,.14);border-radius:10px;padding:12px 16px}
.kpi-value{font-size:28px;font-weight:700;font-variant-numeric:tabular-nums;line-height:1.1}
.kpi-label{font-size:12px;text-transform:uppercase;letter-spacing:.08em;color:#b8c9dd;margin-top:4px}
.toc{position:sticky;top:0;z-index:2;background:rgba(255,255,255,.96);border-bottom:1px solid var(--line)}
.toc .wrap{display:flex;flex-wrap:wrap;gap:4px;padding-top:8px;padding-bottom:8px}
.toc a{color:var(--ink);text-decoration:none;padding:4px 12px;border-radius:999px;font-size:14px;font-weight:600}
.toc a:hover,.toc a:focus{background:#e8f1f8;color:var(--accent)}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:24px 28px;margin:24px 0;
 box-shadow:0 1px 2px rgba(16,24,40,.04)}
section{scroll-margin-top:56px}
h2{font-size:22px;margin:0 0 4px;letter-spacing:-.005em}
h3{font-size:16px;margin:22px 0 8px}
.lede{color:var(--muted);margin:0 0 16px;max-width:78ch}
figure{margin:12px 0 20px}
figcaption{font-size:13px;font-weight:700;color:var(--muted);text-transform:uppercase;letter-spacing:.06em;margin-bottom:6px}
.note{font-size:13px;color:var(--muted);margin:4px 0 0}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:8px 32px}
.highlights{display:flex;flex-wrap:wrap;gap:12px;margin:0 0 8px}
.hl{border-left:4px solid var(--accent);background:#f3f8fc;padding:8px 14px;border-radius:0 8px 8px 0;min-width:200px}
.hl-value{font-size:20px;font-weight:700;font-variant-numeric:tabular-nums}
.hl-value small{font-size:13px;font-weight:500;color:var(--muted);margin-left:4px}
.hl-label{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.06em}
.table-scroll{overflow-x:auto}
table{width:100%;border-collapse:collapse;font-size:14px}
th{text-align:left;font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-weight:700;
 border-bottom:2px solid var(--line);padding:8px 10px;white-space:nowrap}
td{padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
tbody tr:nth-child(even){background:#fafbfc}
tbody tr:hover{background:#f0f6fb}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.date{white-space:nowrap;font-variant-numeric:tabular-nums}
td.title{min-width:280px}
a{color:#005a8c;text-decoration-thickness:1px;text-underline-offset:2px}
a:hover{color:#003d5f}
small,.src{color:var(--muted);font-size:12px}
.chart-empty{margin:8px 0}
.empty{color:var(--muted);background:#fafbfc;border:1px dashed #cfd4db;border-radius:8px;padding:14px 16px}
.badge{display:inline-block;background:#5b6474;color:#fff;border-radius:999px;padding:1px 10px;font-size:12px;
 font-weight:700;margin-right:6px;text-transform:uppercase;letter-spacing:.05em}
.error .badge{background:#D55E00}
.tag{display:inline-block;border-radius:6px;padding:1px 8px;font-size:12px;font-weight:700;white-space:nowrap}
.tag.coercive{background:#fbe3d4;color:#8a3300}.tag.meeting{background:#dcecf7;color:#004a75}
.tag.agreement{background:#d6f0e7;color:#00573f}.tag.legal{background:#f6e4ef;color:#7a2e5c}
.tag.other{background:#eceef1;color:#3b4350}
.delta{font-variant-numeric:tabular-nums;white-space:nowrap}.delta.up{color:#00573f}.delta.down{color:#a94300}
.fresh{font-weight:700;white-space:nowrap}.fresh.ok{color:#00573f}.fresh.lag{color:#8a5a00}
.fresh.stale{color:#a94300}.fresh.unknown{color:var(--muted)}
.meter{display:inline-block;width:48px;height:8px;background:#e8ebef;border-radius:4px;margin-right:8px;
 vertical-align:middle}
.meter span{display:block;height:100%;background:#0072B2;border-radius:4px}
footer{color:var(--muted);font-size:13px;padding:8px 28px 40px}
svg.chart{display:block;width:100%;height:auto;overflow:visible}
.chart text{font-size:12px;fill:#4a5160;font-family:inherit}
.chart .legend text{fill:var(--ink)}
.chart .axis-label{font-size:11px;fill:#6b7280}
.chart .grid{stroke:#e6e8ec;stroke-width:1}
.chart .tick,.chart .baseline{stroke:#9aa1ad;stroke-width:1}
.chart .reference{stroke:#6b7280;stroke-width:1;stroke-dasharray:4 4}
.chart .dot{stroke:#fff;stroke-width:1}
.chart .bar:hover,.chart .dot:hover{opacity:.8}
.chart .bar-label{fill:var(--ink)}
.chart .bar-value{font-variant-numeric:tabular-nums;fill:#4a5160}
.chart .sea{fill:#eef4f9}
.chart .land{fill:#d7dde5;stroke:#fff;stroke-width:.6}
.chart .graticule line{stroke:#c4d2df;stroke-width:.6}
.chart .graticule .equator{stroke:#93a9bf;stroke-width:1}
.chart .graticule text{fill:#7d8a99;font-size:10px}
.chart .place{fill:#D55E00;fill-opacity:.55;stroke:#7a2f00;stroke-width:1}
.chart .place:hover{fill-opacity:.85}
.chart .place-label{font-weight:700;fill:var(--ink);paint-order:stroke;stroke:#fff;stroke-width:3px;
 stroke-linejoin:round}
@media (max-width:720px){.wrap{padding:0 14px}.card{padding:18px 16px}.grid2{grid-template-columns:1fr}
 h1{font-size:26px}}
@media print{.toc{display:none}.card{box-shadow:none;break-inside:avoid}body{background:#fff}}
"""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: python -m tradewire.serve.report SNAPSHOT.duckdb OUT.html", file=sys.stderr)
        return 2
    print(render_report(Path(args[0]), Path(args[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
