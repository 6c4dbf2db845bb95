"""``agnobench ab --html``: one self-contained page — the verdict, a forest plot of B ÷ A, the table.

The plot is inline SVG (no script, nothing fetched): one row per scenario, a
dot at B ÷ A and a bar over its 95 % interval, a line at 1 and dashed lines at
the threshold either side, so a reader sees at once which change is real and
which is inside the noise. Every piece of data is escaped for HTML.
"""

from __future__ import annotations

import math
from agnobench.reporters.html.escaping import text as escape  # every page escapes through one module

from agnobench.ab.report import HEADERS, _notes, _rows, verdict_line
from agnobench.ab.session import ABResult

_ROW_H = 28
_LEFT = 230
_PLOT_W = 460
_COLOURS = {"regression": "#c0392b", "improvement": "#1e8449", "unchanged": "#555", "not significant": "#b7950b",
            "inconclusive": "#b7950b"}


def _forest(result: ABResult) -> str:
    rows = [(s.name, m) for s in result.scenarios for m in s.metrics
            if m.metric == "time_per_op_ns" and m.low is not None and m.high is not None]
    if not rows:
        return "<p>No time comparison to plot.</p>"
    limit = result.settings.threshold_pct / 100.0
    spread = max(max(abs(m.high - 1) for _, m in rows if m.high), max(abs(1 - m.low) for _, m in rows if m.low),
                 2 * limit, 0.02)
    lo, hi = 1 - 1.15 * spread, 1 + 1.15 * spread

    def x(value: float) -> float:
        return _LEFT + (value - lo) / (hi - lo) * _PLOT_W

    height = _ROW_H * (len(rows) + 1) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_LEFT + _PLOT_W + 170}" height="{height}" '
             f'role="img" aria-label="B divided by A per scenario with 95 % intervals">']
    for value, dash in ((1.0, ""), (1 - limit, ' stroke-dasharray="4 3"'), (1 + limit, ' stroke-dasharray="4 3"')):
        parts.append(f'<line x1="{x(value):.1f}" y1="4" x2="{x(value):.1f}" y2="{height - 22}" stroke="#999"{dash}/>')
    for index, (name, metric) in enumerate(rows):
        y = 18 + index * _ROW_H
        colour = _COLOURS.get(metric.verdict.value, "#555")
        assert metric.low is not None and metric.high is not None
        parts.append(f'<text x="{_LEFT - 8}" y="{y + 4}" text-anchor="end" font-size="13">{escape(name)}</text>')
        parts.append(f'<line x1="{x(metric.low):.1f}" y1="{y}" x2="{x(metric.high):.1f}" y2="{y}" '
                     f'stroke="{colour}" stroke-width="3"/>')
        parts.append(f'<circle cx="{x(metric.ratio):.1f}" cy="{y}" r="5" fill="{colour}"/>')
        parts.append(f'<text x="{x(metric.high) + 8:.1f}" y="{y + 4}" font-size="12" fill="{colour}">'
                     f'{metric.ratio:.3f} {escape(metric.verdict.value)}</text>')
    axis_y = height - 6
    for value in (lo, 1 - limit, 1.0, 1 + limit, hi):
        if math.isfinite(value):
            parts.append(f'<text x="{x(value):.1f}" y="{axis_y}" text-anchor="middle" font-size="11" '
                         f'fill="#666">{value:.3f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_ab_html(result: ABResult) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in HEADERS)
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in _rows(result))
    notes = "".join(f"<li>{escape(note)}</li>" for note in _notes(result))
    title = f"agnobench ab: {result.a.side.label} → {result.b.side.label}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin-top: 1em; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left; font-size: 14px; }}
td:nth-child(3), td:nth-child(4), td:nth-child(5) {{ text-align: right; font-variant-numeric: tabular-nums; }}
li {{ color: #555; font-size: 13px; margin: 4px 0; }}
</style></head><body>
<h1>{escape(title)}</h1>
<h2>{escape(verdict_line(result))}</h2>
<p>B ÷ A of time per op with its 95 % interval; dashed lines: the threshold.</p>
{_forest(result)}
<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>
<ul>{notes}</ul>
</body></html>
"""
