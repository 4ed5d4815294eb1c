"""What a figure's values say together: when sources disagree, and when values form a series over time.

The rule, written out for readers on the Methodology page ("When sources differ"):

- Each value stands for the set of numbers it allows. "137" allows 137; "2,500–3,500" the range;
  "about N" N ± 10% (ABOUT); "nearly N" from N − 10% up to N; "at least N" N and above; "more than N"
  anything above N; "at most N" and "fewer than N" the same downwards. A range keeps its qualifier at
  both ends ("about 2,500–3,500" runs from 2,250 to 3,850).
- Each value refers to a period: its ``as_of`` date, as precise as the source gives it. 2024-03 is the
  whole of March 2024, so it overlaps 2024-03-24; 2021-08 and 2023-02 do not overlap.
- Values whose periods do not overlap are a series over time, never a disagreement.
- Values of one category (``FigureValue.category``: Afghans and U.S. service members are counted
  apart) whose periods overlap *differ* when the numbers they allow do not overlap: they cannot both
  be true. They *agree* when they say the same (the same number, the same qualifier). Anything else is
  *compatible*: both can be true, yet the sources do not say the same ("about 13" and 13, "more than
  100" and "at least 130"); the pages never call that agreement.

The page templates and the exports ask only ``FigureView.differs`` (resolve.py), which asks ``differs``
here: the rule lives in this one module.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from .entities import FigureValue, date_sort_key

ABOUT = 0.10  # "about N" allows N ± 10%; "nearly N" allows N − 10% up to N


@dataclass(frozen=True)
class Bounds:
    """The numbers a value allows: from ``low`` to ``high``, each end open (excluded) or closed."""

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False

    def overlaps(self, other: Bounds) -> bool:
        """True when some number is allowed by both."""
        low, high = max(self.low, other.low), min(self.high, other.high)
        if low != high:
            return low < high
        # The two meet at one number: it is allowed by both unless an end there excludes it.
        excluded = (self.low == low and self.low_open) or (other.low == low and other.low_open)
        excluded = excluded or (self.high == high and self.high_open) or (other.high == high and other.high_open)
        return not excluded


def bounds(value: FigureValue) -> Bounds:
    """The numbers a value allows, from its qualifier (see the module docstring)."""
    low = value.value
    high = value.max if value.max is not None else value.value
    qualifier = value.qualifier
    if qualifier == "about":
        return Bounds(low - ABOUT * abs(low), high + ABOUT * abs(high))
    if qualifier == "nearly":
        return Bounds(low - ABOUT * abs(low), high)
    if qualifier == "at-least":
        return Bounds(low, math.inf)
    if qualifier == "more-than":
        return Bounds(low, math.inf, low_open=True)
    if qualifier == "at-most":
        return Bounds(-math.inf, high)
    if qualifier == "fewer-than":
        return Bounds(-math.inf, high, high_open=True)
    return Bounds(low, high)


def same_period(first: str, second: str) -> bool:
    """Partial dates overlap when one is the other or lies inside it: 2024-03 and 2024-03-24 do,
    2024-03 and 2024-04 do not, 2021 and 2021-08 do."""
    a, b = first.split("-"), second.split("-")
    shared = min(len(a), len(b))
    return a[:shared] == b[:shared]


def conflicts(values: Sequence[FigureValue]) -> list[tuple[FigureValue, FigureValue]]:
    """Every pair of values that cannot both be true: same category, overlapping periods, no number
    allowed by both."""
    found = []
    for first, second in itertools.combinations(values, 2):
        if first.category != second.category or not same_period(first.as_of, second.as_of):
            continue
        if not bounds(first).overlaps(bounds(second)):
            found.append((first, second))
    return found


def differs(values: Sequence[FigureValue]) -> bool:
    return bool(conflicts(values))


Agreement = Literal["agree", "compatible", "differ"]


def agreement(values: Sequence[FigureValue]) -> Agreement | None:
    """What the values that can be compared (one category, overlapping periods) say together: they
    "differ" (some two cannot both be true), "agree" (every two say the same) or are "compatible"
    (both can be true, not the same); None when no two can be compared."""
    pairs = [(a, b) for a, b in itertools.combinations(values, 2) if a.category == b.category and same_period(a.as_of, b.as_of)]
    if not pairs:
        return None
    if any(not bounds(a).overlaps(bounds(b)) for a, b in pairs):
        return "differ"
    return "agree" if all(bounds(a) == bounds(b) and a.qualifier == b.qualifier for a, b in pairs) else "compatible"


def in_date_order(values: Iterable[FigureValue]) -> list[FigureValue]:
    """Values by date, earliest first; values of one date keep the order the editor wrote them in."""
    return sorted(values, key=lambda value: date_sort_key(value.as_of))


def is_series(values: Sequence[FigureValue]) -> bool:
    """True when some two values of one category refer to periods that do not overlap."""
    return any(first.category == second.category and not same_period(first.as_of, second.as_of) for first, second in itertools.combinations(values, 2))


def latest(values: Sequence[FigureValue]) -> list[FigureValue]:
    """The values of the latest period (and any that overlap it), in the order written."""
    if not values:
        return []
    last = max(values, key=lambda value: date_sort_key(value.as_of))
    return [value for value in values if same_period(value.as_of, last.as_of)]


def categories(values: Sequence[FigureValue]) -> list[str | None]:
    """The categories of a figure's values, in order of first appearance (None: not divided)."""
    return list(dict.fromkeys(value.category for value in values))


def span(values: Sequence[FigureValue]) -> tuple[FigureValue, FigureValue]:
    """The values at the two ends of what the sources give: the lowest number and the highest (the
    same value twice when they agree on one number, preferring an exact one)."""
    low = min(values, key=lambda v: (v.value, v.qualifier != "exact"))
    high = max(values, key=lambda v: (v.max if v.max is not None else v.value, v.qualifier == "exact"))
    if (high.max if high.max is not None else high.value) == low.value and low.max is None:
        return low, low
    return low, high
