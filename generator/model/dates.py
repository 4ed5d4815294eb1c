"""Dates that say how much is known: the Library of Congress's Extended Date/Time Format (EDTF, ISO
8601-2), read by the ``edtf`` package, of which the data uses a small, fixed part:

- exact to the day, the month or the year: ``2021-08-26``, ``2021-08``, ``2021``;
- approximate: ``2015~`` ("about 2015");
- unknown within a span, the sources placing it no earlier than one date and no later than another:
  ``[2021-08..2024-03]``, or open at one end: ``[..2024-01]`` (no later than January 2024),
  ``[2021-08..]`` (no earlier than August 2021).

A span is not a duration: an event that lasted from one date to another has a ``date`` and an
``end_date``, each a point. Every page, table, feed and export shows a span as a span, never as one of
its ends; ordering puts it at its earliest possible date.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from typing import Literal

import edtf

MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip

FORMS = "a date is YYYY, YYYY-MM or YYYY-MM-DD, 'about' as YYYY~, or unknown within a span as [YYYY-MM..YYYY-MM] (either end may be left open: [..2024-01])"

Kind = Literal["day", "month", "year", "approximate", "span"]

_POINT = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_SPAN = re.compile(r"^\[([0-9-]*)\.\.([0-9-]*)\]$")


@dataclass(frozen=True)
class When:
    """What a date says: how precise it is, and the earliest and latest days it allows (ISO dates;
    None for an end a span leaves open)."""

    text: str
    kind: Kind
    earliest: str | None
    latest: str | None
    start: str | None = None  # a span's ends, as written (partial dates)
    end: str | None = None

    @property
    def is_span(self) -> bool:
        return self.kind == "span"

    @property
    def sort_key(self) -> tuple[str, str]:
        """Earliest possible day first (an open start: its latest), then the latest possible."""
        return (self.earliest or self.latest or "", self.latest or "9999")

    @property
    def year(self) -> int | None:
        """The earliest year it allows, for year filters and axes."""
        first = self.earliest or self.latest
        return int(first[:4]) if first else None

    @property
    def last_year(self) -> int | None:
        last = self.latest or self.earliest
        return int(last[:4]) if last else None


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> When:
    """The date ``text`` means; ValueError, saying which forms are accepted, for any other."""
    text = text.strip()
    span = _SPAN.match(text)
    if span:
        start, end = span.group(1) or None, span.group(2) or None
        if start is None and end is None:
            raise ValueError(f"a span needs at least one end; {FORMS}")
        first = point(start) if start else None
        last = point(end) if end else None
        if first and last and last[1] < first[0]:
            raise ValueError(f"{text} runs backwards; write the earlier date first")
        if first and last and first[2] != last[2]:
            raise ValueError(f"both ends of a span are written to the same precision (EDTF): [2023-01..2024-03], not {text}")
        _checked_by_edtf(text if first and last else f"[{start or ''}..{end or ''}]")
        return When(text, "span", first[0] if first else None, last[1] if last else None, start, end)
    approximate = text.endswith("~")
    core = text[:-1] if approximate else text
    earliest, latest, precision = point(core)
    if approximate:  # a plain date that _point accepts is EDTF level 0 as it stands (tests/test_dates.py)
        _checked_by_edtf(text)
    return When(text, "approximate" if approximate else precision, earliest, latest)


def point(text: str, forms: str = FORMS) -> tuple[str, str, Kind]:
    """A partial date's first and last days, and its precision; ValueError, ending with ``forms``
    (the forms the caller accepts), for any other text."""
    match = _POINT.match(text)
    if not match:
        raise ValueError(f"{forms}; read {text!r}")
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    if year == 0:
        raise ValueError(f"year 0000 does not exist (1 BC is followed by AD 1); {forms}")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"month {month:02d} does not exist; {forms}")
    if month is None:
        return f"{year:04d}-01-01", f"{year:04d}-12-31", "year"
    last_day = calendar.monthrange(year, month)[1]
    if day is None:
        return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last_day:02d}", "month"
    if not 1 <= day <= last_day:
        raise ValueError(f"{text} is not a day of the calendar")
    return text, text, "day"


def _checked_by_edtf(text: str) -> None:
    """What the forms above accept is EDTF: the standard's own reader agrees."""
    try:
        edtf.parse_edtf(text)
    except Exception as error:  # noqa: BLE001 - the package raises its own and pyparsing's errors
        raise ValueError(f"not EDTF ({error}); {FORMS}") from None


def words(value: str | None, *, short: bool = False) -> str:
    """A date as a reader reads it: "26 August 2021", "about 2015", "between August 2021 and March
    2024", "no later than January 2024". ``short``: month names cut to three letters."""
    if not value:
        return ""
    when = parse(value)
    if when.kind == "span":
        start = _partial(when.start, short) if when.start else ""
        end = _partial(when.end, short) if when.end else ""
        if start and end:
            return f"between {start} and {end}"
        return f"no later than {end}" if end else f"no earlier than {start}"
    if when.kind == "approximate":
        return "about " + _partial(value[:-1], short)
    return _partial(value, short)


def _partial(value: str, short: bool) -> str:
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    month = MONTHS[parts[1] - 1][:3] if short else MONTHS[parts[1] - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{parts[2]} {month} {parts[0]}"


def ends_before_start(start: str, end: str) -> bool:
    """Whether every day ``end`` allows lies before every day ``start`` allows: an end date before
    its start. Partial dates compare by what they say: 2015 does not end before 2015-06."""
    first, last = parse(start), parse(end)
    return bool(last.latest and first.earliest and last.latest < first.earliest)


def iso(value: str | None) -> str | None:
    """The date as ISO 8601 gives it (2021, 2021-08, 2021-08-26), for machine-readable places
    (<time datetime>, schema.org, STIX); None for an approximate date or a span, which ISO 8601's
    basic forms cannot say and no such place may show as one precise date."""
    if not value:
        return None
    return value if parse(value).kind in ("day", "month", "year") else None
