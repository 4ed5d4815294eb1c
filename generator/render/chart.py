"""A figure's values over time as a small static chart: inline SVG written at build time.

No script draws it, so it shows without JavaScript and in print. It is a picture of the table beside
it, which stays the text for screen readers: the chart is hidden from them (``aria-hidden``) and its
links, one per value to that value's footnote, are left out of the tab order. Colours are
``currentColor``, so the chart takes the text colour of the page in light and dark schemes alike;
khorasan.css only dims the grid.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..model.entities import FigureValue
from ..model.figures import categories

WIDTH, HEIGHT = 360, 190
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 22, 28  # room for the axis labels
_SHAPES = ("circle", "square", "diamond")


@dataclass(frozen=True)
class Point:
    value: FigureValue
    text: str  # the value as the table shows it: "nearly 2,000"
    href: str  # the value's footnote: "#fn:3"
    title: str  # what a mouse pointer shows: "6,500 fighters, February 2023"


def year_fraction(date: str) -> float:
    """The middle of the period a partial date names, in years: 2021-08 is 2021.625."""
    parts = [int(p) for p in date.split("-")]
    year = parts[0]
    if len(parts) == 1:
        return year + 0.5
    if len(parts) == 2:
        return year + (parts[1] - 0.5) / 12
    return year + (parts[1] - 1) / 12 + (parts[2] - 0.5) / 365


def nice_step(span: float, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) that cuts ``span`` into about ``ticks``."""
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def svg(points: Sequence[Point], number: Callable[[float], str] = _number) -> str:
    """The chart, on one line (a blank line would end Markdown's HTML block)."""
    values = [p.value for p in points]
    times = [year_fraction(v.as_of) for v in values]
    # Whole years either side, so that the axis names the year of every point.
    start, end = math.floor(min(times) - 0.1), math.ceil(max(times) + 0.1)
    tops = [v.max if v.max is not None else v.value for v in values]
    step = nice_step(max(tops) * 1.15 or 1)
    ceiling = step * math.ceil(max(tops) * 1.15 / step) or 1

    def x(t: float) -> float:
        return round(LEFT + (t - start) / (end - start) * (WIDTH - LEFT - RIGHT), 1)

    def y(n: float) -> float:
        return round(HEIGHT - BOTTOM - n / ceiling * (HEIGHT - TOP - BOTTOM), 1)

    out = [f'<svg class="kb-chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg" focusable="false">']
    tick = 0.0
    while tick <= ceiling + step / 2:
        out.append(f'<line class="kb-chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick)}" y2="{y(tick)}" stroke="currentColor"/>')
        out.append(f'<text class="kb-chart-axis" x="{LEFT - 6}" y="{y(tick) + 4}" text-anchor="end" fill="currentColor">{number(tick)}</text>')
        tick += step
    years = range(math.ceil(start), math.floor(end) + 1)
    every = max(1, math.ceil(len(years) / 6))
    for year in years:
        if (year - years[0]) % every == 0:
            out.append(f'<line class="kb-chart-grid" x1="{x(year)}" x2="{x(year)}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM + 4}" stroke="currentColor"/>')
            out.append(f'<text class="kb-chart-axis" x="{x(year)}" y="{HEIGHT - 8}" text-anchor="middle" fill="currentColor">{year}</text>')
    kinds = categories(values)
    for kind in kinds:
        line = [p for p in points if p.value.category == kind]
        if len(line) > 1:
            path = " ".join(f"{x(year_fraction(p.value.as_of))},{y(_middle(p.value))}" for p in line)
            out.append(f'<polyline class="kb-chart-line" points="{path}" fill="none" stroke="currentColor" stroke-dasharray="3 3"/>')
    placed: dict[float, int] = {}
    for point in points:
        value = point.value
        px, py = x(year_fraction(value.as_of)), y(value.value)
        shape = _SHAPES[kinds.index(value.category) % len(_SHAPES)]
        out.append(f'<a class="kb-chart-point" href="{html.escape(point.href)}" tabindex="-1">')
        out.append(f"<title>{html.escape(point.title)}</title>")
        if value.max is not None:  # a range: a bar from its low to its high end
            top = y(value.max)
            out.append(f'<rect x="{px - 3}" y="{top}" width="6" height="{round(py - top, 1)}" fill="currentColor"/>')
            py = round((py + top) / 2, 1)
        out.append(_mark(shape, px, py))
        out.append(_direction(value.qualifier, px, py))
        above = placed.get(px, 0)
        placed[px] = above + 1
        clear = 22 if value.qualifier in ("at-least", "more-than") else 10  # above the arrow, if any
        label_y = (py - clear - 14 * above) if value.max is None else (y(value.max) - 6 - 14 * above)
        out.append(f'<text class="kb-chart-label" x="{px}" y="{round(label_y, 1)}" text-anchor="middle" fill="currentColor">{html.escape(point.text)}</text>')
        out.append("</a>")
    out.append("</svg>")
    return "".join(out)


def _middle(value: FigureValue) -> float:
    return (value.value + value.max) / 2 if value.max is not None else value.value


def _mark(shape: str, x: float, y: float) -> str:
    if shape == "square":
        return f'<rect x="{x - 4.5}" y="{y - 4.5}" width="9" height="9" fill="currentColor"/>'
    if shape == "diamond":
        return f'<path d="M{x} {y - 6}L{x + 6} {y}L{x} {y + 6}L{x - 6} {y}Z" fill="currentColor"/>'
    return f'<circle cx="{x}" cy="{y}" r="4.5" fill="currentColor"/>'


def _direction(qualifier: str, x: float, y: float) -> str:
    """An arrow for an open-ended value: up for "at least"/"more than", down for "at most"/"fewer than"."""
    if qualifier in ("at-least", "more-than"):
        return f'<path d="M{x} {y - 16}l-4 6h8z M{x} {y - 10}v4" stroke="currentColor" fill="currentColor"/>'
    if qualifier in ("at-most", "fewer-than"):
        return f'<path d="M{x} {y + 16}l-4 -6h8z M{x} {y + 10}v-4" stroke="currentColor" fill="currentColor"/>'
    return ""
