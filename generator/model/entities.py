"""Typed models of the data contract: the single definition that validation and the JSON Schema share.

Every model forbids unknown keys, so a misspelt key is an error rather than silently ignored data.

Markup policy: text from YAML is plain text. Rendering escapes it whatever it holds (render.escape),
and on top of that every text field refuses what could only be an attempt to smuggle markup in:
HTML tags, ``javascript:``/``vbscript:``/``data:`` URLs, control characters and bidirectional
overrides. One check, ``find_markup``, serves every text type here and the Markdown bodies of briefs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from . import countries, dates
from .names import describe, invisible, one_line
from .problems import shown
from .vocabulary import REGIONS, ClaimStatus, EventType, GroupStatus, GroupType, Qualifier, RelationshipName, SourceKind

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=100)]

# "<" followed by a letter, "/", "!" or "?" is where an HTML parser starts a tag, comment or directive.
_HTML_TAG = re.compile(r"<[A-Za-z/!?][^\s>]{0,20}")
# Browsers drop tabs and newlines inside a URL scheme, so "java\tscript:" is still a script URL.
_SCRIPT_URL = re.compile(r"(?:java|vb)[\s\x00]*script[\s\x00]*:|\bdata:\s*(?:[a-z]+/[\w.+-]+\s*[;,]|,)", re.IGNORECASE)
# C0/C1 controls (tab and newline aside) and the bidirectional overrides that make text read
# differently from how it is stored ("Trojan Source").
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def find_markup(text: str) -> list[tuple[int, str]]:
    """Where and why ``text`` is refused as plain text (HTML, a script URL, a control character).

    Character references are decoded too: ``&lt;script&gt;`` or ``&#106;avascript:`` would turn back
    into markup if the text ever reached HTML unescaped; such a find has no exact place and is put
    at the start (0).
    """
    if not _SUSPECT.search(text):
        return []  # no "<", "&" or ":" and nothing invisible or outside ASCII: no pattern can match
    found = [(index, _explain_hidden(text[index])) for index in invisible(text) if not _INVISIBLE.match(text[index])]
    decoded = html.unescape(text)
    for pattern, explain in _REFUSED:
        exact = list(pattern.finditer(text))
        found += [(match.start(), explain(match.group())) for match in exact]
        found += [(0, explain(match.group())) for match in list(pattern.finditer(decoded))[len(exact) :]]
    return sorted(found)


def _explain_tag(found: str) -> str:
    return f"HTML is not allowed in text (found {found!r}); write it in plain words: text is always shown as written"


def _explain_url(found: str) -> str:
    scheme = re.sub(r"[\s\x00]", "", found.split(":")[0]).lower()
    return f"{scheme}: URLs are not allowed; link only to http:// or https:// addresses"


def _explain_invisible(found: str) -> str:
    return f"invisible control character U+{ord(found):04X} in text; delete it (it can make text read differently)"


def _explain_hidden(found: str) -> str:
    return f"invisible character {describe(found)} in text; delete it (text with it reads differently than it shows)"


_REFUSED = ((_HTML_TAG, _explain_tag), (_SCRIPT_URL, _explain_url), (_INVISIBLE, _explain_invisible))
# A character every refused pattern needs, in the text or in what a character reference decodes to
# (which takes "&"): most text has none, and then the patterns need not run.
_SUSPECT = re.compile("[<&:]|" + _INVISIBLE.pattern + "|[^\x00-\x7f]")


def _plain_text(value: str) -> str:
    found = find_markup(value)
    if found:
        raise ValueError(found[0][1])
    return value


# One line of plain text: names, labels, places.
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), AfterValidator(_plain_text), AfterValidator(one_line)]
# Prose: claims and summaries. [[entity]] links and [@source] citations are allowed inside.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000), AfterValidator(_plain_text)]


class FieldError(ValueError):
    """A model-level check that is about one value inside the model: messages point at that value."""

    def __init__(self, path: str | tuple[str | int, ...], message: str):
        super().__init__(message)
        self.path = (path,) if isinstance(path, str) else path


_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DATE_FORMS = "a date is written YYYY, YYYY-MM or YYYY-MM-DD"


def _date_to_text(value: Any) -> Any:
    """YAML gives 2015 as an int; keep every precision as text so 2015 and 2015-06 stay partial. The
    number is taken as written (8 stays "8", not the year 0008); anything but text or a whole number
    (true, 2.5) is refused here, saying what was read."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"{_DATE_FORMS}; read {_read_as(value)}")
    return value


def _read_as(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    return shown(value) if isinstance(value, str) else str(value)


def _check_partial_date(value: str) -> str:
    if not _PARTIAL_DATE.match(value):
        raise ValueError(f"{_DATE_FORMS}; read {_read_as(value)}")
    dates.point(value, _DATE_FORMS)  # the calendar's checks, as for every other date
    return value


PartialDate = Annotated[
    str,
    BeforeValidator(_date_to_text),
    AfterValidator(_check_partial_date),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
            ],
            "description": "A date, as precise as known: YYYY, YYYY-MM or YYYY-MM-DD.",
        }
    ),
]


def _check_when(value: str) -> str:
    dates.parse(value)  # ValueError, saying which forms there are
    return value


When = Annotated[
    str,
    BeforeValidator(_date_to_text),
    AfterValidator(_check_when),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^(\d{4}(-\d{2}(-\d{2})?)?~?|\[(\d{4}(-\d{2}(-\d{2})?)?)?\.\.(\d{4}(-\d{2}(-\d{2})?)?)?\])$"},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
            ],
            "description": "A date in EDTF (ISO 8601-2), as much as is known: YYYY, YYYY-MM, YYYY-MM-DD; about: YYYY~; "
            "unknown within a span: [YYYY-MM..YYYY-MM], an end left open where the sources give none: [..YYYY-MM].",
        }
    ),
]


def _point_in_time(value: str) -> str:
    if dates.parse(value).is_span:
        raise ValueError("the end of a duration is one date, not a span: give the date, or leave end_date out")
    return value


def _check_country(value: str) -> str:
    if countries.code(value) is None:
        better = countries.suggestion(value)
        hint = f"write {shown(better)}" if better else "write a country's usual English name (Afghanistan, Russia, Iran)"
        raise ValueError(f"{shown(value)} is not a country; {hint}")
    return value


def _check_area(value: str) -> str:
    if value in REGIONS:
        return value
    try:
        return _check_country(value)
    except ValueError as error:
        raise ValueError(f"{error}, or one of the regions {', '.join(REGIONS)}; say more in areas_description") from None


Country = Annotated[
    str,
    AfterValidator(_check_country),
    WithJsonSchema({"type": "string", "description": "A country's usual English name: Afghanistan, Russia, Iran (ISO 3166-1)."}),
]
Area = Annotated[
    str,
    AfterValidator(_check_area),
    WithJsonSchema({"type": "string", "description": f"A country's usual English name, or one of the regions {', '.join(REGIONS)}."}),
]


# A figure is a plain decimal number, as written: YAML 1.1's other ways of writing numbers (010, 0x7E8,
# 2_024, yes, .inf) reach here as text (see load.py) and are refused, as is anything a float cannot
# keep exactly.
PLAIN_DECIMAL = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$")
MAX_DIGITS = 15


def _plain_number(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and PLAIN_DECIMAL.match(value):
        digits = sum(c.isdigit() for c in value)
        if digits > MAX_DIGITS:  # load.py leaves such numbers as text rather than round them
            raise ValueError(f"read a number of {digits:,} digits; a figure keeps at most {MAX_DIGITS} exactly: round it")
        raise ValueError(f"expected a number, got the text {shown(value)}: write it without quotes")
    raise ValueError(f"expected a plain decimal number such as 130 or 2.5, got {_read_as(value)}")


PlainNumber = Annotated[
    float,
    BeforeValidator(_plain_number),
    Field(allow_inf_nan=False),
    WithJsonSchema({"type": "number", "description": "A plain decimal number: 130, -2, 2.5."}),
]

CITE_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:\s*,\s*\S.*)?$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# "para 4", "paras 2-3" (a hyphen or an en dash) inside a locator; what follows a ";" is a remark on it.
PARAGRAPHS = re.compile(r"\bparas?\s+(\d+)(?:\s*[-–]\s*(\d+))?", re.IGNORECASE)
MAX_SPAN = 100  # paragraphs one locator range may cover: no article argues one point over more


_PARAGRAPH_DIGITS = 12  # a paragraph number of more digits names no paragraph of any text


def _paragraph(digits: str) -> int:
    """A paragraph number as written; one of more than _PARAGRAPH_DIGITS digits reads as 10**12, beyond
    any text (int() of thousands of digits is slow, and Python refuses it past 4,300)."""
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= _PARAGRAPH_DIGITS else 10**_PARAGRAPH_DIGITS


def paragraph_spans(locator: str | None) -> list[tuple[int, int]]:
    """The paragraph ranges a locator names, first and last: 'paras 2-4' -> [(2, 4)]; 'para 4; derived:
    ...' -> [(4, 4)] (a remark after the semicolon names no paragraph of its own)."""
    place = (locator or "").partition(";")[0]
    return [(_paragraph(m.group(1)), _paragraph(m.group(2) or m.group(1))) for m in PARAGRAPHS.finditer(place)]


def locator_problem(locator: str | None) -> str | None:
    """Why a locator cannot name the paragraphs it means (a paragraph 0, a number beyond any text, a
    range that runs backwards or covers more than MAX_SPAN paragraphs), or None. Checked at
    validation, so that nothing later expands a range of a billion paragraphs."""
    place = (locator or "").partition(";")[0]
    for match in PARAGRAPHS.finditer(place):
        written = shown(" ".join(match.group().split()))
        numbers = [match.group(1), match.group(2) or match.group(1)]
        if any(len(n.lstrip("0")) > _PARAGRAPH_DIGITS for n in numbers):
            return f"{written} names a paragraph beyond any text (more than {_PARAGRAPH_DIGITS} digits); cite the paragraphs that say it"
        first, last = (_paragraph(n) for n in numbers)
        if first == 0 or last == 0:
            return f"{written} names paragraph 0; paragraphs count from 1 (the first non-empty line is para 1)"
        if last < first:
            return f"{written} runs backwards; write the lower paragraph number first"
        if last - first + 1 > MAX_SPAN:
            return f"{written} covers {last - first + 1:,} paragraphs; a range may cover at most {MAX_SPAN}: cite the paragraphs that say it"
    return None


def _check_locator(value: str) -> str:
    problem = locator_problem(value)
    if problem:
        raise ValueError(problem)
    return value


class Citation(Strict):
    """A pointer into a source: its id and where in it (paragraph, section, timestamp)."""

    source: Slug = Field(description="Id of a source in data/sources/.")
    at: Annotated[Line, AfterValidator(_check_locator)] | None = Field(None, description='Locator inside the source, e.g. "para 4".')

    @classmethod
    def parse(cls, text: str) -> Citation:
        """Read the short form ``source-id`` or ``source-id, para 4`` found inside text, unchecked:
        the text around it has been checked, and resolve reports a source id that names nothing."""
        return cls.model_construct(**_short_citation(text))

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.at or "")


def _short_citation(value: Any) -> Any:
    """``"source-id, para 4"`` -> ``{source, at}``, so the short form is checked like the long one,
    and a mistake in either part is reported at that very item."""
    if not isinstance(value, str):
        return value
    source, _, locator = value.partition(",")
    return {"source": source.strip(), "at": locator.strip() or None}


CiteShort = Annotated[str, StringConstraints(pattern=CITE_PATTERN, max_length=300)]
CitationItem = Annotated[Citation, BeforeValidator(_short_citation, json_schema_input_type=Citation | CiteShort)]
Citations = Annotated[
    list[CitationItem],
    Field(
        min_length=1,
        description='Where this is stated: a list of "source-id, locator" strings or {source, at} maps.',
    ),
]


class Attributed(Strict):
    """What every statement carries: its sources, and who says it when it is not plain fact."""

    cite: Citations
    status: ClaimStatus | None = Field(None, description="How the source presents it.")
    by: Line | None = Field(None, description='Who makes the claim: "Russian officials", "ISIS-K".')
    derived: Line | None = Field(
        None,
        description="How a value that the cited text does not state in so many words was worked out, e.g. "
        "\"July 2023, from 'last July' in an article of March 2024\" (check-citations accepts what it names).",
    )


class Claim(Attributed):
    text: Text


class Section(Strict):
    title: Line
    claims: list[Claim] = Field(min_length=1)


class FigureValue(Attributed):
    """One source's number for a figure, as of a date."""

    value: PlainNumber = Field(description="The number; the lower end of a range.")
    max: PlainNumber | None = Field(None, description="Upper end, when the source gives a range.")
    qualifier: Qualifier = "exact"
    as_of: PartialDate
    note: Line | None = None
    category: Line | None = Field(
        None,
        description='What the number counts when a figure counts several things separately ("Afghans", '
        '"U.S. service members"): values are compared only with values of the same category.',
    )

    @model_validator(mode="after")
    def _range_is_ordered(self) -> FigureValue:
        if self.max is not None and self.max <= self.value:
            raise FieldError("max", f"{self.max:g} is not above value ({self.value:g}); a range runs from value up to max")
        return self


class Figure(Strict):
    """A measured quantity (strength, deaths, ...) as every source gives it."""

    id: Slug
    label: Line
    unit: Line
    values: list[FigureValue] = Field(min_length=1)
    note: Text | None = None


class Relationship(Attributed):
    type: RelationshipName  # type: ignore[valid-type]  # a Literal built from RELATIONSHIP_TYPES at import
    target: Slug
    since: When | None = None
    until: When | None = None
    note: Text | None = None
    ended: bool = Field(
        False,
        description="True when the link has ended but the sources give no date for its end (a leader since killed): the pages call it former.",
    )

    @model_validator(mode="after")
    def _since_before_until(self) -> Relationship:
        check_order(self, "since", "until")
        return self


def date_sort_key(value: str) -> tuple[int, int, int]:
    """Orders partial dates: 2015 sorts before 2015-01 sorts before 2015-01-01."""
    year, month, day = ([int(p) for p in value.split("-")] + [0, 0])[:3]
    return year, month, day


def check_order(model: BaseModel, start: str, end: str) -> None:
    """Refuse an end date before its start date. Dates compare by what they allow: 2015 is not
    before 2015-06, since the year may well be the same one."""
    first, last = getattr(model, start), getattr(model, end)
    if first and last and dates.ends_before_start(first, last):
        raise FieldError(end, f"{last} is before {start} ({first}); swap them or correct one")


class Alias(Strict):
    """Another name a source gives, with the citation that gives it."""

    name: Line
    cite: Citations
    unconfirmed: StrictBool = Field(
        False,
        description="True where a source uses this name for what the profile is about (a group's leader, say) but no "
        "source says it is this profile: the page says who names it so, search finds it, nothing treats it as the same.",
    )


class Profile(Strict):
    """What groups, people and events share."""

    id: Slug = Field(description="Lowercase slug; must equal the file name without .yaml.")
    name: Line
    aliases: list[Alias] = Field(
        default_factory=list, description="Every other name a source gives (spelling, abbreviation), each cited: {name: ..., cite: [...]}."
    )
    former_ids: list[Slug] = Field(
        default_factory=list,
        description="Ids this profile had before it was renamed: their old page URLs redirect here.",
    )
    summary: Claim
    sections: list[Section] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    relationships: list[Relationship] = Field(default_factory=list)

    @property
    def other_names(self) -> list[str]:
        """The names sources give it besides ``name``: links, redirects, JSON-LD and exports use these."""
        return [alias.name for alias in self.aliases if not alias.unconfirmed]

    @property
    def unconfirmed_names(self) -> list[Alias]:
        """Names a source uses without saying they are this profile's: search finds them, nothing else."""
        return [alias for alias in self.aliases if alias.unconfirmed]


class FactCitations(Strict):
    """Where the facts of a profile's summary box come from: each key names a fact of the profile
    (``type``, ``founded``, ``place`` ...) and lists the citations that give it."""

    def items(self) -> list[tuple[str, list[Citation]]]:
        """The cited facts in the order the model declares them."""
        return [(name, cites) for name in type(self).model_fields if (cites := getattr(self, name)) is not None]


FactCite = Annotated[Citations | None, Field(None, description="Citations that give this fact.")]


class GroupFacts(FactCitations):
    type: FactCite
    founded: FactCite
    dissolved: FactCite
    areas: FactCite
    base: FactCite
    status: Citations | None = Field(
        None,
        description="Where a source says the group is active or defunct: the box says 'Active as of' the date of the latest source cited here.",
    )


class PersonFacts(FactCitations):
    role: FactCite
    born: FactCite
    died: FactCite
    nationality: FactCite


class EventFacts(FactCitations):
    type: FactCite
    date: FactCite
    end_date: FactCite
    place: FactCite
    country: FactCite


def _cited_facts_given(profile: BaseModel, facts: FactCitations | None, extra: frozenset[str] = frozenset()) -> None:
    """Refuse a citation for a fact the profile does not give: it would cite nothing on the page."""
    for name, _ in facts.items() if facts is not None else ():
        if name not in extra and getattr(profile, name, None) in (None, [], ""):
            raise FieldError(("facts_cite", name), f"cites '{name}', which this profile does not give; add {name}: or remove this key")


_FACTS_CITE_DESCRIPTION = (
    "Citations for the facts of the summary box, by fact: {type: [...], founded: [...]}. "
    "Every fact shown in the box should be cited here or come from a cited relationship."
)


class Group(Profile):
    KIND: ClassVar[str] = "group"
    type: GroupType = Field(description="What kind of body it is, from a fixed list (readers filter by it).")
    type_description: Line | None = Field(None, description='What it is in the sources\' words: "Islamist militant movement".')
    status: GroupStatus | None = Field(None, description="active or defunct, only where a source says so (cite it in facts_cite.status).")
    founded: When | None = None
    dissolved: When | None = None
    areas: list[Area] = Field(default_factory=list, description="Countries (or regions) where it operates.")
    areas_description: Line | None = Field(None, description='Where it operates in the sources\' words: "northern Afghanistan".')
    base: Line | None = Field(None, description="Headquarters or base area, as the sources give it.")
    facts_cite: GroupFacts | None = Field(None, description=_FACTS_CITE_DESCRIPTION)

    @model_validator(mode="after")
    def _founded_before_dissolved(self) -> Group:
        check_order(self, "founded", "dissolved")
        _cited_facts_given(self, self.facts_cite)
        if self.status and (self.facts_cite is None or self.facts_cite.status is None):
            raise FieldError("status", "a status is a claim: cite the source that says so in facts_cite.status, or leave status out")
        if self.dissolved and self.status != "defunct":
            raise FieldError("status", "a group with a date of dissolution is defunct: write status: defunct, cited")
        return self


class Person(Profile):
    KIND: ClassVar[str] = "person"
    role: Line = Field(description='One line: "Leader of ISIS-K".')
    born: When | None = None
    died: When | None = None
    nationality: Country | None = Field(None, description="A country's usual English name.")
    nationality_description: Line | None = Field(None, description='In the sources\' words: "Afghan (ethnic Tajik)".')
    facts_cite: PersonFacts | None = Field(None, description=_FACTS_CITE_DESCRIPTION)

    @model_validator(mode="after")
    def _born_before_died(self) -> Person:
        check_order(self, "born", "died")
        _cited_facts_given(self, self.facts_cite)
        return self


def _within(name: str, limit: int, ends: str) -> Callable[[float], float]:
    """A check that a latitude or longitude lies in its range, refusing it with the range it missed."""

    def check(value: float) -> float:
        if not -limit <= value <= limit:
            raise ValueError(f"a {name} runs from -{limit} to {limit} ({ends}); read {value:g}")
        return value

    return check


Latitude = Annotated[
    float,
    BeforeValidator(_plain_number),
    AfterValidator(_within("latitude", 90, "south to north")),
    WithJsonSchema({"type": "number", "minimum": -90, "maximum": 90, "description": "A latitude in decimal degrees, north positive."}),
]
Longitude = Annotated[
    float,
    BeforeValidator(_plain_number),
    AfterValidator(_within("longitude", 180, "west to east")),
    WithJsonSchema({"type": "number", "minimum": -180, "maximum": 180, "description": "A longitude in decimal degrees, east positive."}),
]


class Coordinates(Strict):
    """Where a named place lies, for the map: a gazetteer fact, not a claim, so it carries no citation.
    ``of`` names the place these are the coordinates of; it must be written in the event's cited
    ``place``, so that the map never places an event more precisely than the sources do."""

    lat: Latitude
    lon: Longitude
    of: Line = Field(description='The named place in `place` these coordinates locate, as written there: "Kabul", "Crocus City Hall".')


class Event(Profile):
    KIND: ClassVar[str] = "event"
    type: EventType = Field(description="What kind of event it was, from a fixed list (only 'attack' counts among a group's attacks).")
    type_description: Line | None = Field(None, description='What happened in the sources\' words: "mass shooting and arson attack".')
    date: When = Field(description="When it happened or began, as much as the sources say (see When).")
    end_date: Annotated[When, AfterValidator(_point_in_time)] | None = Field(
        None, description="When an event that lasted ended: a date, not a span. Not 'some time before the article'."
    )
    place: Line
    country: Country | None = None
    coordinates: Coordinates | None = Field(
        None,
        description="Where the named place the sources give lies, for the map (no citation: a gazetteer fact). "
        "Leave it out where the sources name no place finer than a country or region.",
    )
    era: Line | None = Field(
        None,
        description='The period this event opens, drawn as a band on the timeline: "Taliban rule". The band '
        "runs to end_date when there is one, else to the next era's start, else to the end of the timeline.",
    )
    facts_cite: EventFacts | None = Field(None, description=_FACTS_CITE_DESCRIPTION)

    @model_validator(mode="after")
    def _date_before_end_date(self) -> Event:
        if self.end_date and dates.parse(self.date).is_span:
            raise FieldError("end_date", "a date somewhere in a span has no end date; a duration runs from one date to another")
        check_order(self, "date", "end_date")
        _cited_facts_given(self, self.facts_cite)
        if self.coordinates and self.coordinates.of.casefold() not in self.place.casefold():
            raise FieldError(
                ("coordinates", "of"),
                f"'{self.coordinates.of}' is not in the cited place ('{self.place}'): coordinates locate a place the sources name",
            )
        return self


def _span_to_text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _check_span(value: str) -> str:
    first, _, last = value.partition("-")
    if last and int(last) < int(first):
        raise ValueError(f"{value} runs backwards; write the lower paragraph number first")
    return value


# A paragraph number (4) or a span of them ("13-30").
ParagraphSpan = Annotated[
    str,
    BeforeValidator(_span_to_text),
    StringConstraints(pattern=r"^[1-9][0-9]{0,5}(?:-[1-9][0-9]{0,5})?$"),
    AfterValidator(_check_span),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^[1-9][0-9]{0,5}(-[1-9][0-9]{0,5})?$"},
                {"type": "integer", "minimum": 1, "maximum": 999999},
            ],
            "description": "A paragraph number, or a span of them such as 13-30.",
        }
    ),
]


def _check_archive_name(value: str) -> str:
    """An archived text is named by its path inside the archive folder: never absolute, never up and out
    with "..", and with forward slashes (a backslash is a separator on Windows). Where a name leads once
    links are followed is checked when the text is read (generator/checks/citations.py)."""
    if value.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", value):
        raise ValueError(f"{shown(value)} is an absolute path; give the text's file name inside the archive folder, e.g. 001_48329c039e7b20a3.txt")
    if "\\" in value:
        raise ValueError(f"{shown(value)} has a backslash; separate folders with / inside the archive folder")
    if ".." in value.split("/"):
        raise ValueError(f"{shown(value)} leads out of the archive folder with '..'; give the text's file name inside that folder")
    return value


# The scheme in any case (HTTPS:// is the same address); the characters Markdown would read inside
# a link are percent-encoded when the URL is shown (render.markdown_url).
HttpUrl = Annotated[str, StringConstraints(pattern=r"^[hH][tT][tT][pP][sS]?://[^\s<>\"']+$", max_length=2000)]


class Source(Strict):
    KIND: ClassVar[str] = "source"
    id: Slug
    title: Line = Field(description="The source's own title, or a descriptive one when it has none.")
    title_is_descriptive: StrictBool = Field(False, description="True when the title is ours: shown in [brackets].")
    publisher: Line
    authors: list[Line] = Field(default_factory=list)
    kind: SourceKind = Field(description="news, analysis, opinion, interview, explainer, ...")
    date: PartialDate
    url: HttpUrl | None = Field(None, description="Only a verified http(s) URL; leave out when unknown.")
    summary: Text = Field(description="A neutral paragraph on what the source says or argues.")
    notes: Text | None = None
    archive: Annotated[Line, AfterValidator(_check_archive_name)] | None = Field(
        None, description="File name of the archived text whose non-empty lines 'para N' locators count."
    )
    furniture: list[ParagraphSpan] = Field(
        default_factory=list,
        description="Paragraphs of the archived text that are not the piece (advertisements, teasers of other "
        'pieces, comment prompts), as numbers or spans ("13-30"): they are never cited.',
    )


class BriefMeta(Strict):
    """Front matter of a Markdown brief in briefs/."""

    title: Line
    date: PartialDate
    summary: Text
    authors: list[Line] = Field(default_factory=list)


Entity = Group | Person | Event
MODEL_OF_KIND: dict[str, type[Strict]] = {
    "group": Group,
    "person": Person,
    "event": Event,
    "source": Source,
    "brief": BriefMeta,
}
