"""The scaling table and plot of docs/benchmarks.md, from benchmarks/results/scale-<N>.json.

    .venv/bin/python benchmarks/scaling.py      # prints the Markdown table, writes docs/benchmarks-scaling.svg

Each scale-<N>.json is what `make bench N=<N>` wrote (medians over its runs, the median run's stages), and
task-memory-<N>.json, where present, what benchmarks/task_memory.py measured on such a run. The plot is
log-log: a line parallel to the dotted "linear" guide means cost grows in proportion to the pages.
"""

from __future__ import annotations

import json
import math
from html import escape
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
PLOT = REPO / "docs" / "benchmarks-scaling.svg"
SERIES = [  # label, how to read it from a result, colour
    ("end to end", lambda r: r["end_to_end_seconds"], "#1f4e79"),
    ("clean", lambda r: r["stages"].get("clean", {}).get("wall_seconds"), "#c55a11"),
    ("enrich", lambda r: r["stages"].get("enrich", {}).get("wall_seconds"), "#548235"),
    (
        "fetch",
        lambda r: sum(r["stages"].get(s, {}).get("wall_seconds", 0) for s in ("fetch_pages", "discover")),
        "#7030a0",
    ),
    ("Airflow's own", lambda r: r["end_to_end_seconds"] - r["stage_seconds"], "#7f7f7f"),
]


def results() -> list[dict[str, Any]]:
    found = [json.loads(p.read_text()) for p in RESULTS.glob("scale-*.json")]
    return sorted(found, key=lambda r: r["pages"])


def _wall(stages: dict[str, Any], name: str) -> float:
    return float(stages.get(name, {}).get("wall_seconds", 0))


def _own_process_peak(pages: int) -> str:
    """The largest task's peak RSS with each task in a process of its own (benchmarks/task_memory.py), if measured."""
    path = RESULTS / f"task-memory-{pages}.json"
    if not path.exists():
        return "-"
    stages = json.loads(path.read_text())["stages"]
    name = max(stages, key=lambda s: stages[s]["peak_rss_mb"])
    return f"{stages[name]['peak_rss_mb']:,.0f} ({name})"


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| pages | runs | end to end s | pages/s | incremental s | Airflow share | clean s | enrich s "
        "| largest task RSS MB, own process | largest stage RSS MB, shared process | whole run RSS MB |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    lines = [head]
    for r in rows:
        stages = r["stages"]
        largest = max(s["peak_rss_mb"] for s in stages.values())
        lines.append(
            f"| {r['pages']:,} | {len(r.get('runs', [r]))} | {r['end_to_end_seconds']:.0f} "
            f"| {r['pages_per_second']:.1f} "
            f"| {r['incremental_seconds']:.0f} | {r['airflow_share']:.0%} "
            f"| {_wall(stages, 'clean'):.0f} | {_wall(stages, 'enrich'):.0f} "
            f"| {_own_process_peak(r['pages'])} | {largest:,.0f} | {r['dag_run']['peak_rss_mb']:,.0f} |"
        )
    return "\n".join(lines)


def plot(rows: list[dict[str, Any]], width: int = 720, height: int = 420) -> str:
    left, right, top, bottom = 70, 150, 30, 50
    xs = [r["pages"] for r in rows]
    ys = [v for _, read, _ in SERIES for r in rows if (v := read(r))]
    x0, x1 = math.log10(min(xs)) - 0.1, math.log10(max(xs)) + 0.1
    y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))

    def px(x: float) -> float:
        return left + (math.log10(x) - x0) / (x1 - x0) * (width - left - right)

    def py(y: float) -> float:
        return height - bottom - (math.log10(y) - y0) / (y1 - y0) * (height - top - bottom)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
        f'font-size="12"><rect width="100%" height="100%" fill="white"/>',
        f'<text x="{left}" y="18" font-size="14">Wall seconds by pages ingested (log-log, on a machine with '
        f"{escape(str(rows[-1]['machine']['cpus']))} cores)</text>",
    ]
    for exp in range(y0, y1 + 1):
        y = py(10**exp)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{10**exp:g}</text>')
    for x in xs:
        parts.append(f'<text x="{px(x):.1f}" y="{height - bottom + 18}" text-anchor="middle">{x:,}</text>')
    parts.append(f'<text x="{(left + width - right) / 2}" y="{height - 10}" text-anchor="middle">pages</text>')
    first = rows[0]
    guide = [(x, first["end_to_end_seconds"] * x / first["pages"]) for x in xs]
    points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in guide if 10**y0 <= y <= 10**y1)
    parts.append(f'<polyline points="{points}" fill="none" stroke="#999" stroke-dasharray="3,4"/>')
    legend_y = top + 10
    for label, read, colour in [*SERIES, ("linear", None, "#999")]:
        if read is not None:
            pts = [(r["pages"], read(r)) for r in rows if read(r)]
            line = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
            parts.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>')
            parts += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>' for x, y in pts]
        dash = ' stroke-dasharray="3,4"' if read is None else ""
        parts.append(
            f'<line x1="{width - right + 10}" x2="{width - right + 30}" y1="{legend_y}" y2="{legend_y}" '
            f'stroke="{colour}" stroke-width="2"{dash}/>'
        )
        parts.append(f'<text x="{width - right + 36}" y="{legend_y + 4}">{escape(label)}</text>')
        legend_y += 18
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main() -> None:
    rows = results()
    if not rows:
        raise SystemExit(f"no {RESULTS}/scale-*.json yet: run make bench N=500 (and 5000, 50000) first")
    print(table(rows))
    PLOT.write_text(plot(rows), encoding="utf-8")
    print(f"\nwrote {PLOT}")


if __name__ == "__main__":
    main()
