"""Numbers, dates, years and months as prose writes them, found in a text and compared by what they mean.

``mentions(text)`` lists every figure a sentence states: "6,500", "1.3 million", "98%", "thirteen",
"two dozen", "thousands", "the 1990s", "June 2015", "22 March 2024", "August 26, 2021", a bare
"January". ``Index(text)`` holds those of a source's paragraph, and ``Index.has(mention)`` says
whether the paragraph states the same thing, whatever the form: "6,500" is "6500", "thirteen" is
"13", "26 August 2021" is "August 26, 2021", "2,500 to 3,500" are the two numbers of "2,500-3,500".
A statement may say less than its source ("June 2015" where the source has "June 12, 2015", "2015"
where it has "June 2015", "the 1990s" where it has "1996"), never more.

Hand-written rather than a library, on purpose. text2num and number-parser turn "thousands" into
"1000" (which would let "more than 1,000" pass where a source says only "thousands", the very
mistake this check exists to catch), read "first" as 1 and "one" in "one of them" as a figure, and
split "1.3 million" in two; dateparser and datefinder search text fuzzily and fill in a missing day
or year from today's date, which is precision the sources do not give. The forms below are few and
each is tested (tests/test_check_citations.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_NUMBER = {name: number for number, name in enumerate(MONTHS, start=1)}
_MONTH = "(?:" + "|".join(MONTHS) + ")"

# "May" is also a verb: alone, it is a month only after one of these words ("in May", "last May").
_BEFORE_MAY = {"in", "of", "last", "this", "next", "early", "late", "mid", "since", "until", "by", "from", "and", "to", "or", "each", "every"}

_ORDINAL = r"(?:st|nd|rd|th)?"
_PATTERN = re.compile(
    rf"""
    (?<![\w.])(?P<iy>\d{{4}})-(?P<im>\d{{2}})(?:-(?P<id>\d{{2}}))?(?![\w-])             # 2021-08-26, 2015-06
  | (?<![\w.])(?P<d1>\d{{1,2}}){_ORDINAL}\s+(?P<m1>{_MONTH})(?:,?\s+(?P<y1>\d{{4}})(?!\d))?\b  # 22 March 2024
  | \b(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}}){_ORDINAL}(?![\d,.]\d)(?:,?\s+(?P<y2>\d{{4}})(?!\d))?\b  # August 26, 2021
  | \b(?P<m3>{_MONTH}),?\s+(?:of\s+)?(?P<y3>\d{{4}})(?!\d)                                  # June 2015
  | (?<![\w.])(?P<decade>\d{{3}}0)'?s\b                                                   # 1990s
  | \b(?P<m4>{_MONTH})\b                                                                  # January
  | (?<![\w.])(?P<int>\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.(?P<frac>\d+))?                     # 6,500  1.3
    (?:\s*(?P<pct>%|(?i:per\s?cent)\b)
      |\s+(?P<scale>(?i:thousand|million|billion))\b
      |(?P<abbr>bn|m|k)\b
      |(?P<ordinal>st|nd|rd|th)\b
    )?
    """,
    re.VERBOSE,
)

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
_MULTIPLIERS = {**_SCALES, "dozen": 12}
_ABBREVIATED = {"k": 1000, "m": 1_000_000, "bn": 1_000_000_000}
# Quantities without a number: "thousands of Tajiks". Each matches only the same word in a source.
AMOUNTS = {"dozens", "scores", "hundreds", "thousands", "millions", "billions", "tens"}
_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class Mention:
    """One figure stated in a text, at text[start:end].

    kind "number" (``value``), "amount" (``word``: "thousands"), "decade" (``value``: 1990), or
    "date" (``year``, ``month``, ``day``, each None when not given; a bare year is a number)."""

    kind: str
    text: str
    start: int
    end: int
    value: Decimal | None = None
    word: str | None = None
    year: int | None = None
    month: int | None = None
    day: int | None = None

    @property
    def shown(self) -> str:
        """How a message quotes it: as written, with one kind of space."""
        return " ".join(self.text.split())


def mentions(text: str) -> list[Mention]:
    """Every number, amount, decade, date and month in ``text``, in order."""
    found: list[Mention] = []
    covered: list[tuple[int, int]] = []
    for match in _PATTERN.finditer(text):
        mention = _from_match(match, text)
        covered.append(match.span())
        if mention is not None:
            found.append(mention)
    found += _words(text, covered)
    return sorted(found, key=lambda m: m.start)


def date_mentions(value: str) -> list[Mention]:
    """A date field of the data as mentions: one for a date (2015, 2015-06, 2021-08-26) or an
    approximate one (2015~), one for each end a span gives ([2021-08..2024-03], [..2024-01])."""
    found = []
    for match in re.finditer(r"\d{4}(?:-\d{2}){0,2}", value):
        found.append(date_mention(match.group(), match.start()))
    return found


def date_mention(value: str, start: int = 0) -> Mention:
    """A plain date of the data (2015, 2015-06, 2021-08-26) as a mention: a bare year is a number."""
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 1:
        return Mention("number", value, start, start + len(value), value=Decimal(parts[0]))
    return Mention("date", value, start, start + len(value), year=parts[0], month=parts[1], day=(parts + [None])[2])


def number_mention(value: float, text: str) -> Mention:
    """A figure's value as a mention; ``text`` is how a message shows it."""
    return Mention("number", text, 0, len(text), value=_decimal(repr(value)))


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text).normalize()
    except InvalidOperation:  # pragma: no cover - the pattern only hands over digits
        return Decimal(0)


def _from_match(match: re.Match[str], text: str) -> Mention | None:
    group = match.group
    start, end = match.span()
    written = text[start:end]
    if group("iy"):
        year, month, day = int(group("iy")), int(group("im")), group("id")
        if not 1 <= month <= 12:  # 2015-16 is a span of years, not a month
            return Mention("number", group("iy"), start, start + 4, value=Decimal(year))
        return Mention("date", written, start, end, year=year, month=month, day=int(day) if day else None)
    for month_group, day_group, year_group in (("m1", "d1", "y1"), ("m2", "d2", "y2"), ("m3", None, "y3")):
        if group(month_group):
            day = int(group(day_group)) if day_group and group(day_group) else None
            if day is not None and not 1 <= day <= 31:
                return None
            given = int(group(year_group)) if group(year_group) else None
            return Mention("date", written, start, end, year=given, month=_MONTH_NUMBER[group(month_group)], day=day)
    if group("decade"):
        return Mention("decade", written, start, end, value=Decimal(group("decade")))
    if group("m4"):
        if group("m4") == "May" and _word_before(text, start) not in _BEFORE_MAY:
            return None
        return Mention("date", written, start, end, month=_MONTH_NUMBER[group("m4")])
    if group("ordinal"):
        return None  # "2nd", "21st": a rank, not a quantity
    number = _decimal(group("int").replace(",", "") + ("." + group("frac") if group("frac") else ""))
    scale = group("scale") or group("abbr")
    if scale:
        number = (number * (_SCALES.get(scale.lower()) or _ABBREVIATED[scale])).normalize()
    return Mention("number", written, start, end, value=number)


def _word_before(text: str, index: int) -> str:
    words = _WORD.findall(text[max(0, index - 20) : index])
    return words[-1].lower() if words else ""


def _words(text: str, covered: list[tuple[int, int]]) -> list[Mention]:
    """Numbers written in words ("thirteen", "two dozen", "one hundred and thirty"), and amounts
    ("thousands"). A lone "one" is left out: it is far more often a pronoun ("one of them")."""
    found: list[Mention] = []
    run: list[re.Match[str]] = []

    def close() -> None:
        while run and run[-1].group().lower() in ("and", "a", "an"):
            run.pop()
        words = [m.group().lower() for m in run]
        if words and words != ["one"] and any(w in _UNITS or w in _MULTIPLIERS for w in words):
            start, end = run[0].start(), run[-1].end()
            found.append(Mention("number", text[start:end], start, end, value=Decimal(_word_value(words))))
        run.clear()

    for match in _WORD.finditer(text):
        if any(a <= match.start() < b for a, b in covered):
            close()
            continue
        word = match.group().lower()
        gap = text[run[-1].end() : match.start()] if run else ""
        joined = not run or gap in (" ", "-")
        if not joined:
            close()
        if word in AMOUNTS:
            close()
            found.append(Mention("amount", match.group(), match.start(), match.end(), word=word))
        elif word in _UNITS or word in _MULTIPLIERS:
            run.append(match)
        elif word in ("a", "an") and _next_word(text, match.end()) in _MULTIPLIERS:
            close()
            run.append(match)
        elif word == "and" and run and run[-1].group().lower() in _SCALES and _next_word(text, match.end()) in _UNITS:
            run.append(match)  # "one hundred and thirty"
        else:
            close()
    close()
    return found


def _next_word(text: str, index: int) -> str:
    match = _WORD.search(text, index)
    return match.group().lower() if match and not text[index : match.start()].strip() else ""


def _word_value(words: list[str]) -> int:
    total, current = 0, 0
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in ("hundred", "dozen"):
            current = (current or 1) * _MULTIPLIERS[word]
        elif word in _SCALES:
            total += (current or 1) * _SCALES[word]
            current = 0
    return total + current


class Index:
    """What a text (a paragraph of a source, or several) states, to look statements' mentions up in."""

    def __init__(self, text: str):
        self.numbers: set[Decimal] = set()
        self.amounts: set[str] = set()
        self.decades: set[Decimal] = set()
        self.dates: set[tuple[int | None, int, int | None]] = set()
        for mention in mentions(text):
            self.add(mention)

    def add(self, mention: Mention) -> None:
        if mention.kind == "number" and mention.value is not None:
            self.numbers.add(mention.value)
        elif mention.kind == "amount" and mention.word:
            self.amounts.add(mention.word)
        elif mention.kind == "decade" and mention.value is not None:
            self.decades.add(mention.value)
        elif mention.kind == "date" and mention.month:
            self.dates.add((mention.year, mention.month, mention.day))
            if mention.year is not None:
                self.numbers.add(Decimal(mention.year))

    def has(self, mention: Mention) -> bool:
        """True when this text states the mention, as precisely as the mention does or more so."""
        if mention.kind == "number":
            return mention.value in self.numbers
        if mention.kind == "amount":
            return mention.word in self.amounts
        if mention.kind == "decade":
            assert mention.value is not None
            decade = int(mention.value)
            return mention.value in self.decades or any(n == n.to_integral_value() and decade <= n < decade + 10 for n in self.numbers)
        return any(
            month == mention.month and (mention.year is None or year == mention.year) and (mention.day is None or day == mention.day)
            for year, month, day in self.dates
        )
