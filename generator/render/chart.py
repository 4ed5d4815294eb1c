"""A figure's values over time as a small static chart: inline SVG written at build time.

No script draws it, so it shows without JavaScript and in print. It is a picture of the table beside
it, which stays the text for screen readers: the chart is hidden from them (``aria-hidden``) and its
links, one per value to that value's footnote, are left out of the tab order. Colours are
``currentColor``, so the chart takes the text colour of the page in light and dark schemes alike;
khorasan.css only dims the grid.

It draws any series the data allows (negative, mixed-sign and equal values, one point or many) and
never raises:

- The value axis holds every value and each range's ends, on round ticks; it starts at zero where the
  values lie between zero and twice their smallest (a count is read against zero), else it fits the
  values (a thousand between 10,000 and 11,000 shows), and it crosses zero where values of both signs do.
- Every mark (points, range bars, the arrows of "at least" and "at most") lies inside the plot area:
  the values are mapped inside it with room for the widest mark and the arrows.
- A dashed line joins only the values of one category from one source (the same cited sources) given
  by the same estimator (``by``), in date order: values of different sources, or of different
  estimators quoted by one source, are separate readings, not one series.
- Each value's label goes above its mark, else below, right or left, wherever it overlaps no other
  label, no mark and no axis label and stays inside the chart; where no place is free the label is
  left out (the table beside the chart, and the point's tooltip, still give it).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from ..model.entities import FigureValue
from ..model.figures import categories

WIDTH, HEIGHT = 360, 190
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 22, 28  # room for the axis labels (the left grows with them)
PAD_X = 8  # px between the plot's sides and the first and last date: half the widest mark, and air
PAD_Y = 18  # px between the plot's top and bottom and the extreme values: an arrow reaches 16 px
CHAR = 7.0  # px a character of an 11 px bold label takes at most (digits and most letters take less)
TEXT_HEIGHT = 11  # px from a label's baseline up to the top of its tallest character
TEXT_DEPTH = 3  # px below the baseline (commas, descenders)
_SHAPES = ("circle", "square", "diamond")


@dataclass(frozen=True)
class Point:
    value: FigureValue
    text: str  # the value as the table shows it: "nearly 2,000"
    href: str  # the value's footnote: "#fn:3"
    title: str  # what a mouse pointer shows: "6,500 fighters, February 2023"


@dataclass(frozen=True)
class Box:
    """A rectangle of the chart, in px: what a label or a mark covers."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        return self.left < other.right and other.left < self.right and self.top < other.bottom and other.top < self.bottom

    def inside(self, other: Box) -> bool:
        return other.left <= self.left and self.right <= other.right and other.top <= self.top and self.bottom <= other.bottom


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
    """A round step (1, 2, 2.5 or 5 times a power of ten) that cuts ``span`` (> 0) into about ``ticks``."""
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


@dataclass(frozen=True)
class Axis:
    """The value axis: from ``low`` to ``high`` (both on a tick) in steps of ``step``."""

    low: float
    high: float
    step: float

    @classmethod
    def of(cls, lows: Sequence[float], highs: Sequence[float]) -> Axis:
        low, high = min(lows), max(highs)
        if high - low <= 1e-9 * max(abs(low), abs(high)):  # equal values: read against zero
            low, high = min(low, 0.0), max(high, 0.0)
        elif low > 0 and low <= high / 2:
            low = 0.0
        elif high < 0 and high >= low / 2:
            high = 0.0
        if low == high:  # every value is zero
            high = 1.0
        step = nice_step(high - low)
        return cls(step * math.floor(low / step), step * math.ceil(high / step), step)

    def ticks(self) -> list[float]:
        places = max(0, -math.floor(math.log10(self.step)) + 1)
        count = round((self.high - self.low) / self.step)
        return [round(self.low + index * self.step, places) for index in range(count + 1)]


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def svg(points: Sequence[Point], number: Callable[[float], str] = _number) -> str:
    """The chart, on one line (a blank line would end Markdown's HTML block)."""
    return "".join(_Chart(points, number).parts()) if points else ""


def _width(text: str) -> float:
    return len(text) * CHAR


class _Chart:
    def __init__(self, points: Sequence[Point], number: Callable[[float], str]) -> None:
        self.points, self.number = points, number
        values = [p.value for p in points]
        self.axis = Axis.of([v.value for v in values], [v.max if v.max is not None else v.value for v in values])
        self.tick_labels = [(tick, number(tick)) for tick in self.axis.ticks()]
        self.left = max(LEFT, math.ceil(max(_width(text) for _, text in self.tick_labels)) + 10)
        times = [year_fraction(v.as_of) for v in values]
        # Whole years either side, so that the axis names the year of every point.
        self.start, self.end = math.floor(min(times) - 0.1), math.ceil(max(times) + 0.1)
        self.plot = Box(self.left, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM)
        self.kinds = categories(values)

    def x(self, time: float) -> float:
        inner = self.plot.right - self.plot.left - 2 * PAD_X
        return round(self.plot.left + PAD_X + (time - self.start) / (self.end - self.start) * inner, 1)

    def y(self, value: float) -> float:
        inner = self.plot.bottom - self.plot.top - 2 * PAD_Y
        return round(self.plot.bottom - PAD_Y - (value - self.axis.low) / (self.axis.high - self.axis.low) * inner, 1)

    def parts(self) -> Iterator[str]:
        size = f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}"'
        yield f'<svg class="kb-chart-svg" {size} xmlns="http://www.w3.org/2000/svg" focusable="false">'
        yield from self._value_axis()
        yield from self._time_axis()
        yield from self._lines()
        marks = [self._mark(point) for point in self.points]
        taken = [box for _, box in marks]
        for point, (drawn, box) in zip(self.points, marks, strict=True):
            yield f'<a class="kb-chart-point" href="{html.escape(point.href)}" tabindex="-1">'
            yield f"<title>{html.escape(point.title)}</title>"
            yield drawn
            label = self._label(point, box, taken)
            if label is not None:
                yield label
            yield "</a>"
        yield "</svg>"

    def _value_axis(self) -> Iterator[str]:
        for tick, text in self.tick_labels:
            at = self.y(tick)
            yield f'<line class="kb-chart-grid" x1="{self.plot.left}" x2="{self.plot.right}" y1="{at}" y2="{at}" stroke="currentColor"/>'
            yield f'<text class="kb-chart-axis" x="{self.plot.left - 6}" y="{at + 4}" text-anchor="end" fill="currentColor">{html.escape(text)}</text>'

    def _time_axis(self) -> Iterator[str]:
        years = range(math.ceil(self.start), math.floor(self.end) + 1)
        every = max(1, math.ceil(len(years) / 6))
        for year in years:
            if (year - years[0]) % every == 0:
                at = self.x(year)
                yield f'<line class="kb-chart-grid" x1="{at}" x2="{at}" y1="{self.plot.bottom}" y2="{self.plot.bottom + 4}" stroke="currentColor"/>'
                yield f'<text class="kb-chart-axis" x="{at}" y="{HEIGHT - 8}" text-anchor="middle" fill="currentColor">{year}</text>'

    def _lines(self) -> Iterator[str]:
        """One dashed line per category, source and estimator: only readings of one source by one
        estimator form a series (DefenceReport quoting the CSTO and an estimate of unstated origin
        gives two readings, not a trend)."""
        series: dict[tuple[str | None, tuple[str, ...], str | None], list[FigureValue]] = {}
        for point in self.points:
            value = point.value
            series.setdefault((value.category, tuple(sorted({c.source for c in value.cite})), value.by), []).append(value)
        for values in series.values():
            if len(values) > 1:
                ordered = sorted(values, key=lambda v: year_fraction(v.as_of))
                path = " ".join(f"{self.x(year_fraction(v.as_of))},{self.y(_middle(v))}" for v in ordered)
                yield f'<polyline class="kb-chart-line" points="{path}" fill="none" stroke="currentColor" stroke-dasharray="3 3"/>'

    def _mark(self, point: Point) -> tuple[str, Box]:
        """The point's shapes, and the box they cover (a range's bar, the arrow of an open end)."""
        value = point.value
        px = self.x(year_fraction(value.as_of))
        low = py = self.y(value.value)
        top = self.y(value.max) if value.max is not None else py
        out = []
        if value.max is not None:  # a range: a bar from its low to its high end
            out.append(f'<rect x="{px - 3}" y="{top}" width="6" height="{round(low - top, 1)}" fill="currentColor"/>')
            py = round((low + top) / 2, 1)
        shape = _SHAPES[self.kinds.index(value.category) % len(_SHAPES)]
        out.append(_shape(shape, px, py))
        out.append(_direction(value.qualifier, px, py))
        up = 16 if value.qualifier in ("at-least", "more-than") else 0
        down = 16 if value.qualifier in ("at-most", "fewer-than") else 0
        return "".join(out), Box(px - 6, min(top - 1, py - 6, py - up), px + 6, max(low + 1, py + 6, py + down))

    def _label(self, point: Point, mark: Box, taken: list[Box]) -> str | None:
        """The value's label where it covers nothing else, and the place taken; None where no place is free."""
        width = _width(point.text)
        room = Box(self.plot.left, 0, WIDTH, self.plot.bottom)  # not over the axes' labels, inside the chart
        centre = (mark.left + mark.right) / 2
        middle = (mark.top + mark.bottom) / 2 + TEXT_HEIGHT / 2 - TEXT_DEPTH / 2
        places = [
            ("middle", centre, mark.top - 4 - TEXT_DEPTH),
            ("middle", centre, mark.bottom + 4 + TEXT_HEIGHT),
            ("start", mark.right + 4, middle),
            ("end", mark.left - 4, middle),
        ]
        for anchor, x, baseline in places:
            if anchor == "middle":  # slid sideways to stay inside, as far as it can
                x = min(max(x, room.left + width / 2), room.right - width / 2)
            left = x - width / 2 if anchor == "middle" else x if anchor == "start" else x - width
            box = Box(left, baseline - TEXT_HEIGHT, left + width, baseline + TEXT_DEPTH)
            if box.inside(room) and not any(box.overlaps(other) for other in taken):
                taken.append(box)
                at = f'x="{round(x, 1)}" y="{round(baseline, 1)}" text-anchor="{anchor}"'
                return f'<text class="kb-chart-label" {at} fill="currentColor">{html.escape(point.text)}</text>'
        return None


def _middle(value: FigureValue) -> float:
    return (value.value + value.max) / 2 if value.max is not None else value.value


def _shape(shape: str, x: float, y: float) -> str:
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
