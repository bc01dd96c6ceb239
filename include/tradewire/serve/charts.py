"""Inline SVG charts for the HTML report: no scripts, no external resources, every label escaped.

Each chart is an ``<svg class="chart" data-chart=NAME>``; the drawn data carry ``class="mark ..."`` so a test
(or a browser) can tell a chart with marks from an empty frame. Colours are the Okabe-Ito palette, which stays
distinguishable under the common colour-vision deficiencies; line series also differ by dash pattern.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from html import escape
from typing import Any

PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
DASHES: tuple[str, ...] = ("", "7 3", "2 3", "9 3 2 3", "4 2", "1 3", "12 4")
FONT_PX = 12
CHAR_PX = 7.2  # a generous mean glyph advance at 12 px (DejaVu Sans is wide): lays out legends, truncates labels


def esc(value: object) -> str:
    return "" if value is None else escape(str(value), quote=True)


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[date, float | None]]
    color: str = ""
    dash: str | None = None
    width: float = 2.0
    markers: bool = True
    gap_days: int | None = None  # points further apart than this are not joined: a missing week is not a trend


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    color: str = PALETTE[0]
    tooltip: str = ""


@dataclass(frozen=True)
class Place:
    label: str
    lat: float
    lon: float
    value: float
    tooltip: str = ""


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def nice_ticks(lo: float, hi: float, count: int = 5) -> tuple[list[float], float]:
    """Round tick values covering [lo, hi] (1-2-2.5-5 steps) and the step between them."""
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        step = factor * magnitude
        if step >= raw:
            break
    first = math.floor(lo / step + 1e-9) * step
    last = math.ceil(hi / step - 1e-9) * step
    ticks = [first + i * step for i in range(round((last - first) / step) + 1)]
    return [0.0 if abs(t) < step * 1e-9 else t for t in ticks], step


def format_tick(value: float, step: float) -> str:
    decimals = 0  # as many as the step needs: 2.5 -> 1, 0.25 -> 2, 20 -> 0
    while decimals < 6 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-6:
        decimals += 1
    text = f"{value:,.{decimals}f}"
    return "0" if text.strip("-0.,") == "" else text


def date_ticks(lo: date, hi: date, max_ticks: int = 8) -> list[tuple[date, str]]:
    """Calendar-aligned ticks: days, Mondays, or month starts, whichever keeps at most ``max_ticks``."""
    span = (hi - lo).days
    for step in (1, 2, 7, 14, 28):
        if span / step <= max_ticks:
            start = lo if step < 7 else lo + timedelta(days=(7 - lo.weekday()) % 7)
            ticks = []
            day = start
            while day <= hi:
                ticks.append((day, f"{day.day} {day:%b}"))
                day += timedelta(days=step)
            return ticks
    for months in (1, 2, 3, 6, 12, 24, 60):
        if span / (30.44 * months) <= max_ticks:
            break
    ticks = []
    year, month = lo.year, lo.month
    while True:
        day = date(year, month, 1)
        if day > hi:
            break
        if day >= lo and (month - 1) % min(months, 12) == 0 and (months < 12 or year % (months // 12) == 0):
            ticks.append((day, f"{day:%b %Y}" if months < 12 else str(year)))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return ticks


def _legend(items: Sequence[tuple[str, str, str | None, str]], x0: float, y0: float, width: float) -> tuple[str, float]:
    """Legend rows of (label, colour, dash, shape) wrapped to ``width``; returns the SVG and its height."""
    parts: list[str] = []
    x, y = x0, y0
    for label, color, dash, shape in items:
        item_width = 28 + len(label) * CHAR_PX + 18
        if x > x0 and x + item_width > x0 + width:
            x, y = x0, y + 20
        if shape == "line":
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x + 22:.1f}" y2="{y:.1f}" stroke="{color}"'
                f' stroke-width="2.5"{dash_attr}/>'
            )
        else:
            parts.append(f'<rect x="{x + 5:.1f}" y="{y - 6:.1f}" width="12" height="12" rx="2" fill="{color}"/>')
        parts.append(f'<text x="{x + 28:.1f}" y="{y + 4:.1f}">{esc(label)}</text>')
        x += item_width
    return f'<g class="legend">{"".join(parts)}</g>', (y - y0) + 20


def empty_chart(name: str, title: str) -> str:
    """What a chart with no values draws: a note, so the page says why instead of showing an empty frame."""
    return (
        f'<p class="empty chart-empty" data-chart="{esc(name)}"><span class="badge">no data yet</span>'
        f" {esc(title)}: nothing to plot.</p>"
    )


def _svg_open(name: str, width: float, height: float, title: str) -> str:
    return (
        f'<svg class="chart" data-chart="{esc(name)}" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}"'
        f' height="{height:.0f}" role="img" aria-label="{esc(title)}"><title>{esc(title)}</title>'
    )


def line_chart(
    name: str,
    series: Sequence[Series],
    *,
    title: str,
    y_label: str = "",
    width: int = 880,
    height: int = 300,
    reference: float | None = None,
    value_format: Callable[[float], str] | None = None,
) -> str:
    """A dated line chart: y grid and ticks, calendar x ticks, a legend on top, a tooltip on each point."""
    values = [v for s in series for _, v in s.points if v is not None and is_number(v)]
    days = [d for s in series for d, v in s.points if v is not None and is_number(v)]
    if not values:
        return empty_chart(name, title)
    fmt = value_format or (lambda v: f"{v:,.2f}")
    legend_items = [
        (
            s.label,
            s.color or PALETTE[i % len(PALETTE)],
            s.dash if s.dash is not None else DASHES[i % len(DASHES)],
            "line",
        )
        for i, s in enumerate(series)
    ]
    left, right, bottom = 62, 18, 30
    legend_svg, legend_height = _legend(legend_items, left, 14, width - left - right)
    top = 14 + legend_height + 6
    plot_w, plot_h = width - left - right, height - top - bottom

    lo, hi = min(values), max(values)
    if reference is not None:
        lo, hi = min(lo, reference), max(hi, reference)
    yticks, ystep = nice_ticks(lo, hi)
    y_lo, y_hi = yticks[0], yticks[-1]
    d_lo, d_hi = min(days), max(days)
    if d_lo == d_hi:
        d_lo, d_hi = d_lo - timedelta(days=3), d_hi + timedelta(days=3)
    x_span = (d_hi - d_lo).days

    def sx(day: date) -> float:
        return left + (day - d_lo).days / x_span * plot_w

    def sy(value: float) -> float:
        return top + (y_hi - value) / (y_hi - y_lo) * plot_h

    out = [_svg_open(name, width, height, title), legend_svg, '<g class="axis">']
    for tick in yticks:
        y = sy(tick)
        out.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}"/>')
        out.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{esc(format_tick(tick, ystep))}</text>')
    for day, label in date_ticks(d_lo, d_hi, max(2, plot_w // 95)):
        x = sx(day)
        out.append(f'<line class="tick" x1="{x:.1f}" y1="{top + plot_h}" x2="{x:.1f}" y2="{top + plot_h + 5}"/>')
        out.append(f'<text x="{x:.1f}" y="{top + plot_h + 19}" text-anchor="middle">{esc(label)}</text>')
    out.append(f'<line class="baseline" x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}"/>')
    if reference is not None:
        y = sy(reference)
        out.append(f'<line class="reference" x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}"/>')
    if y_label:
        mid = top + plot_h / 2
        out.append(
            f'<text class="axis-label" x="14" y="{mid:.1f}" text-anchor="middle"'
            f' transform="rotate(-90 14 {mid:.1f})">{esc(y_label)}</text>'
        )
    out.append("</g>")

    for i, s in enumerate(series):
        color, dash = legend_items[i][1], legend_items[i][2]
        segments: list[list[tuple[date, float]]] = [[]]
        for d, v in sorted(s.points, key=lambda p: p[0]):
            if v is None or not is_number(v):
                segments.append([])  # a gap in the data is a gap in the line, not a straight bridge over it
                continue
            if segments[-1] and s.gap_days is not None and (d - segments[-1][-1][0]).days > s.gap_days:
                segments.append([])
            segments[-1].append((d, float(v)))
        path = " ".join(
            "M" + " L".join(f"{sx(d):.1f},{sy(v):.1f}" for d, v in segment) for segment in segments if len(segment) > 1
        )
        # Without markers a point standing alone between two gaps would not show at all: it keeps its dot.
        dotted = [p for segment in segments for p in segment if s.markers or len(segment) == 1]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<g class="series" data-series="{esc(s.label)}">')
        if path:
            out.append(
                f'<path class="mark line" d="{path}" fill="none" stroke="{color}" stroke-width="{s.width}"'
                f' stroke-linejoin="round" stroke-linecap="round"{dash_attr}/>'
            )
        for d, v in dotted:
            out.append(
                f'<circle class="mark dot" cx="{sx(d):.1f}" cy="{sy(v):.1f}" r="3" fill="{color}">'
                f"<title>{esc(s.label)} · {d.isoformat()}: {esc(fmt(v))}</title></circle>"
            )
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def bar_chart(
    name: str,
    bars: Sequence[Bar],
    *,
    title: str,
    width: int = 430,
    label_width: int = 170,
    legend: Sequence[tuple[str, str]] = (),
    value_format: Callable[[float], str] | None = None,
) -> str:
    """Horizontal bars, largest first as given: label on the left, value at the bar's end, x ticks below."""
    if not bars:
        return empty_chart(name, title)
    fmt = value_format or (lambda v: f"{v:,.0f}")
    row, bar_h, value_room = 24, 15, 46
    top: float = 8
    legend_svg = ""
    if legend:
        legend_svg, legend_height = _legend([(label, color, None, "box") for label, color in legend], 8, 14, width - 16)
        top = 14 + legend_height
    plot_x, plot_w = label_width, width - label_width - value_room
    height = top + row * len(bars) + 30
    ticks, step = nice_ticks(0, max(max(b.value for b in bars), 1e-9), max(2, plot_w // 70))
    x_max = ticks[-1]

    def sx(value: float) -> float:
        return plot_x + max(value, 0.0) / x_max * plot_w

    out = [_svg_open(name, width, height, title), legend_svg, '<g class="axis">']
    axis_y = top + row * len(bars) + 4
    for tick in ticks:
        x = sx(tick)
        out.append(f'<line class="grid" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{axis_y}"/>')
        out.append(f'<text x="{x:.1f}" y="{axis_y + 16}" text-anchor="middle">{esc(format_tick(tick, step))}</text>')
    out.append("</g>")
    max_chars = int((label_width - 12) / CHAR_PX)
    for i, bar in enumerate(bars):
        y = top + i * row + (row - bar_h) / 2
        label = bar.label if len(bar.label) <= max_chars else bar.label[: max_chars - 1] + "…"
        tip = bar.tooltip or f"{bar.label}: {fmt(bar.value)}"
        out.append(
            f'<text class="bar-label" x="{label_width - 8}" y="{y + bar_h - 3:.1f}" text-anchor="end">'
            f"<title>{esc(tip)}</title>{esc(label)}</text>"
        )
        bar_w = max(sx(bar.value) - plot_x, 1.0)
        out.append(
            f'<rect class="mark bar" x="{plot_x}" y="{y:.1f}" width="{bar_w:.1f}" height="{bar_h}" rx="2"'
            f' fill="{bar.color}"><title>{esc(tip)}</title></rect>'
        )
        out.append(
            f'<text class="bar-value" x="{plot_x + bar_w + 5:.1f}" y="{y + bar_h - 3:.1f}">{esc(fmt(bar.value))}</text>'
        )
    out.append("</svg>")
    return "".join(out)


# The map shows 84°N to 60°S: Antarctica and the polar seas would take a quarter of the height for no events.
MAP_NORTH, MAP_SOUTH = 84.0, -60.0


def place_map(name: str, places: Sequence[Place], *, title: str, width: int = 880, labels: int = 8) -> str:
    """Places as circles (area ~ value) on an equirectangular lat/lon grid over country outlines."""
    height = round(width * (MAP_NORTH - MAP_SOUTH) / 360)

    def project(lat: float, lon: float) -> tuple[float, float]:
        lat = min(max(lat, MAP_SOUTH), MAP_NORTH)
        lon = min(max(lon, -180.0), 180.0)
        return (lon + 180) / 360 * width, (MAP_NORTH - lat) / (MAP_NORTH - MAP_SOUTH) * height

    out = [_svg_open(name, width, height, title), f'<rect class="sea" x="0" y="0" width="{width}" height="{height}"/>']
    land = land_path(width, height)
    if land:
        out.append(f'<path class="land" d="{land}" fill-rule="evenodd"/>')
    out.append('<g class="graticule">')
    for lon in range(-150, 180, 30):
        x, _ = project(0, lon)
        out.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}"/>')
        out.append(f'<text x="{x + 3:.1f}" y="{height - 5}">{abs(lon)}°{"W" if lon < 0 else "E" if lon else ""}</text>')
    for lat in range(-60, 90, 30):
        _, y = project(lat, 0)
        cls = ' class="equator"' if lat == 0 else ""
        out.append(f'<line{cls} x1="0" y1="{y:.1f}" x2="{width}" y2="{y:.1f}"/>')
        if lat > MAP_SOUTH:
            out.append(f'<text x="4" y="{y - 3:.1f}">{abs(lat)}°{"S" if lat < 0 else "N" if lat else ""}</text>')
    out.append("</g>")
    shown = sorted((p for p in places if is_number(p.lat) and is_number(p.lon)), key=lambda p: -p.value)
    top_value = max((p.value for p in shown), default=1.0) or 1.0
    for place in reversed(shown):  # the largest drawn last would hide the small ones under it: draw it first
        x, y = project(place.lat, place.lon)
        r = 3.5 + 10 * math.sqrt(max(place.value, 0) / top_value)
        tip = place.tooltip or f"{place.label}: {place.value:,.0f}"
        out.append(
            f'<circle class="mark place" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"><title>{esc(tip)}</title></circle>'
        )
    taken: list[tuple[float, float, float, float]] = []  # label boxes already placed: labels never overlap
    for place in shown[:labels]:
        x, y = project(place.lat, place.lon)
        r = 3.5 + 10 * math.sqrt(max(place.value, 0) / top_value)
        text_w = len(place.label) * CHAR_PX
        for anchor, tx, ty in (
            ("start", x + r + 4, y + 4),
            ("end", x - r - 4, y + 4),
            ("middle", x, y - r - 4),
            ("middle", x, y + r + 13),
        ):
            left = tx if anchor == "start" else tx - text_w if anchor == "end" else tx - text_w / 2
            box = (left, ty - 11, left + text_w, ty + 3)
            inside = box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
            if inside and not any(_overlap(box, other) for other in taken):
                taken.append(box)
                out.append(
                    f'<text class="place-label" x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}">'
                    f"{esc(place.label)}</text>"
                )
                break
    out.append("</svg>")
    return "".join(out)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@lru_cache(maxsize=4)
def land_path(width: int, height: int) -> str:
    """Country outlines as one SVG path, thinned to whole pixels ("" when unavailable)."""
    try:
        from countryinfo import CountryInfo

        countries: dict[str, Any] = dict(CountryInfo.all())
    except Exception:  # the outlines are decoration: a map without them still shows every place
        return ""
    scale_x, scale_y = width / 360, height / (MAP_NORTH - MAP_SOUTH)
    pieces: list[str] = []
    for country in countries.values():
        geo = country.get("geoJSON") if isinstance(country, dict) else None
        for feature in (geo or {}).get("features", []) if isinstance(geo, dict) else []:
            if feature.get("id") == "ATA":
                continue
            geometry = feature.get("geometry") or {}
            coords = geometry.get("coordinates") or []
            polygons = coords if geometry.get("type") == "MultiPolygon" else [coords]
            for polygon in polygons:
                for ring in polygon:
                    pieces.append(_ring_path(ring, scale_x, scale_y))
    return " ".join(p for p in pieces if p)


def _ring_path(ring: Sequence[Sequence[float]], scale_x: float, scale_y: float) -> str:
    # Whole pixels and relative moves keep the outlines of the world near 40 KB; deltas come from rounded
    # absolute points, so rounding never accumulates along a coast.
    kept: list[tuple[int, int]] = []
    for point in ring:
        if len(point) < 2 or not (is_number(point[0]) and is_number(point[1])):
            continue
        lon, lat = float(point[0]), min(max(float(point[1]), MAP_SOUTH), MAP_NORTH)
        x, y = round((lon + 180) * scale_x), round((MAP_NORTH - lat) * scale_y)
        if kept and abs(x - kept[-1][0]) + abs(y - kept[-1][1]) < 2:
            continue
        kept.append((x, y))
    if len(kept) < 3:
        return ""
    moves = " ".join(f"{b[0] - a[0]},{b[1] - a[1]}" for a, b in itertools.pairwise(kept))
    return f"M{kept[0][0]},{kept[0][1]}l{moves}z"
