"""Values as readers read them: dates, periods, numbers, figure values, who says what, a source's label."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..model import dates
from ..model.entities import FigureValue, Source
from ..model.vocabulary import QUALIFIER_WORDS
from ..stages.resolve import (
    Edge,
    RichClaim,
)
from .escape import escape


def format_date(value: str | None) -> str:
    """A date as a reader reads it (model/dates.py): "26 August 2021", "between August 2021 and March 2024"."""
    return dates.words(value)


def time_element(value: str | None) -> str:
    """A date in running HTML: a <time> element where it is one precise date or period, its words
    alone for an approximate date or a span (no machine-readable date would be true of it)."""
    if not value:
        return ""
    machine = dates.iso(value)
    shown = dates.words(value)
    return f'<time datetime="{machine}">{shown}</time>' if machine else f'<span class="kb-date-uncertain">{shown}</span>'


def format_period(since: str | None, until: str | None, show: Callable[[str], str] = format_date, dash: str = " – ") -> str:
    """When something held: "2015 – 2020", "since 2015", "until 2020", or nothing."""
    if since and until:
        return f"{show(since)}{dash}{show(until)}"
    if since:
        return f"since {show(since)}"
    return f"until {show(until)}" if until else ""


def format_years(since: str | None, until: str | None) -> str:
    """The same in whole years, for a table's narrow column: "2015–2020", "since 2015"."""
    return format_period(since, until, _year, "–")


def _year(value: str) -> str:
    """A date in a column of years: the year, "c. 2015" for about, and a span as its years."""
    when = dates.parse(value)
    if when.kind == "approximate":
        return f"c. {when.year}"
    if when.kind == "span":
        return dates.words(value, short=True)
    return str(when.year)


# A name that ends in a bracketed date: "Taliban takeover of Afghanistan (2021)", "(March 2024)".
_DATED_NAME = re.compile(r"\s*\((?:[^()]*\s)?(\d{4})\)$")


def undated(name: str, when: str) -> str:
    """A name to be shown beside its date ``when`` (in words): a bracketed date at its end of the same
    year is dropped, so that a label never reads "Taliban takeover of Afghanistan (2021) (August
    2021)" (issue 26; assets/kb-timeline.js labelled() does the same for the charts)."""
    found = _DATED_NAME.search(name)
    return name[: found.start()] if found and found.group(1) in when else name


def sentence(text: str) -> str:
    """A phrase from the data as a sentence: a capital first, a full stop last."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def format_number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def format_value(value: FigureValue) -> str:
    number = format_number(value.value)
    if value.max is not None:
        number = f"{number}–{format_number(value.max)}"
    words = QUALIFIER_WORDS[value.qualifier]
    return f"{words} {number}".strip()


def attribution(item: RichClaim | Edge | FigureValue) -> str:
    """ " *(claimed by X)*", " *(according to X)*" or " *(reported)*" after a statement that is someone's claim."""
    words = attribution_words(item.status, unbracketed(item.by))
    return f" *({escape(words)})*" if words else ""


_BRACKETED = re.compile(r"\s*\(([^()]*)\)")


def unbracketed(name: str | None) -> str | None:
    """A name as it reads inside brackets: "Arif Rafiq (Globely News)" becomes "Arif Rafiq, Globely
    News", so that an attribution never reads "(assessed by Arif Rafiq (Globely News))" (issue 26)."""
    return _BRACKETED.sub(lambda m: ", " + m.group(1).strip(), name).strip() if name else name


def attribution_words(status: str | None, by: str | None) -> str:
    """Who says it and how, in words. ``by`` is who makes the claim: a claim that is "reported",
    "claimed", "assessed" or "alleged" is that by them; one that is "disputed" or "denied" is theirs
    and contested, so it reads "according to X; disputed", never "disputed by X"."""
    if not by:
        return status or ""
    if status in (None, "disputed", "denied"):
        return f"according to {by}" + (f"; {status}" if status else "")
    return f"{status} by {by}"


def according_to(value: FigureValue) -> str:
    """Who gave a number, for the "According to" column: "Russian authorities (claimed)"."""
    if value.by and value.status:
        return f"{escape(unbracketed(value.by) or '')} ({value.status})"
    return escape(value.by or value.status or "")


def source_label(source: Source) -> str:
    """Publisher, authors, title, date: how a reference names its source."""
    title = f"[{source.title}]" if source.title_is_descriptive else f"“{source.title}”"
    parts = [source.publisher]
    if source.authors:
        parts.append(", ".join(source.authors))
    parts += [title, format_date(source.date)]
    return ", ".join(parts)
