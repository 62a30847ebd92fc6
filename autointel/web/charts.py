"""Small SVG charts drawn on the server.

Why not a JavaScript chart library: the UI must work offline with a strict Content-Security-Policy, and the
charts here (counts per week, a figure per period) are simple enough that a few dozen lines of SVG do them,
readable without JavaScript, printable, and testable as text.  Every label is escaped.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from markupsafe import Markup, escape

PALETTE = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563",
           "#65a30d", "#9333ea"]


@dataclass
class Series:
    name: str
    values: list[float | None]
    flags: list[bool] = field(default_factory=list)  # a flagged point (a conflicting figure) is drawn as a ring
    notes: list[str] = field(default_factory=list)   # tooltip per point


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * exp:
            return m * exp
    return 10 * exp


def human(v: float) -> str:
    """Axis and tooltip numbers the way Chinese readers write them (万, 亿)."""
    a = abs(v)
    if a >= 1e12:
        return f"{v / 1e12:.3g}万亿"
    if a >= 1e8:
        return f"{v / 1e8:.3g}亿"
    if a >= 1e4:
        return f"{v / 1e4:.3g}万"
    if a == int(a):
        return str(int(v))
    return f"{v:.3g}"


def chart(x_labels: list[str], series: list[Series], *, kind: str = "line", width: int = 720, height: int = 200,
          title: str = "") -> Markup:
    """A line or bar chart of ``series`` over ``x_labels``; None values leave a gap."""
    left, right, top, bottom = 56, 12, 14, 44
    pw, ph = width - left - right, height - top - bottom
    n = max(len(x_labels), 1)
    vmax = _nice_max(max((v for s in series for v in s.values if v is not None), default=0))
    step = pw / n

    def x(i: int) -> float:
        return left + step * (i + 0.5)

    def y(v: float) -> float:
        return top + ph - (v / vmax) * ph

    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" xmlns="http://www.w3.org/2000/svg"'
             f' aria-label="{escape(title)}">']
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    for k in range(5):  # horizontal grid with values
        v = vmax * k / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y(v) + 4:.1f}" class="ytick">{escape(human(v))}</text>')
    every = max(1, math.ceil(n / 12))  # at most ~12 x labels
    for i, label in enumerate(x_labels):
        if i % every == 0 or i == n - 1:
            parts.append(f'<text x="{x(i):.1f}" y="{height - bottom + 16}" class="xtick">{escape(label)}</text>')
    for si, s in enumerate(series):
        color = PALETTE[si % len(PALETTE)]
        if kind == "bar":
            bw = min(max(step * 0.8 / max(len(series), 1), 1.0), 36.0)
            for i, v in enumerate(s.values):
                if v is None:
                    continue
                bx = left + step * i + step * 0.1 + bw * si
                note = s.notes[i] if i < len(s.notes) else f"{s.name} {x_labels[i]}: {human(v)}"
                parts.append(f'<rect x="{bx:.1f}" y="{y(v):.1f}" width="{bw:.1f}" height="{top + ph - y(v):.1f}"'
                             f' fill="{color}"><title>{escape(note)}</title></rect>')
            continue
        path, pen = [], "M"
        for i, v in enumerate(s.values):
            if v is None:
                pen = "M"
                continue
            path.append(f"{pen}{x(i):.1f},{y(v):.1f}")
            pen = "L"
        if path:
            parts.append(f'<path d="{" ".join(path)}" fill="none" stroke="{color}" stroke-width="2"/>')
        for i, v in enumerate(s.values):
            if v is None:
                continue
            flagged = i < len(s.flags) and s.flags[i]
            note = s.notes[i] if i < len(s.notes) else f"{s.name} {x_labels[i]}: {human(v)}"
            style = f'fill="white" stroke="#dc2626" stroke-width="3" r="6"' if flagged else f'fill="{color}" r="3"'
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" {style} class="{"conflict" if flagged else "pt"}">'
                         f"<title>{escape(note)}</title></circle>")
    if len(series) > 1 or (series and series[0].name):
        lx = left
        for si, s in enumerate(series):  # legend along the bottom
            color = PALETTE[si % len(PALETTE)]
            parts.append(f'<rect x="{lx}" y="{height - 14}" width="10" height="10" fill="{color}"/>'
                         f'<text x="{lx + 14}" y="{height - 5}" class="legend">{escape(s.name)}</text>')
            lx += 24 + 13 * len(s.name)
    parts.append("</svg>")
    return Markup("".join(parts))
