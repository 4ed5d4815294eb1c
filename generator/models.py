"""Typed models of the data contract: the single definition that validation and the JSON Schema share.

Every model forbids unknown keys, so a misspelt key is an error rather than silently ignored data.

Markup policy: text from YAML is plain text. Rendering escapes it whatever it holds (render.escape),
and on top of that every text field refuses what could only be an attempt to smuggle markup in:
HTML tags, ``javascript:``/``vbscript:``/``data:`` URLs, control characters and bidirectional
overrides. One check, ``find_markup``, serves every text type here and the Markdown bodies of briefs.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from .vocabulary import ClaimStatus, Qualifier, RelationshipName, SourceKind

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
        return []  # no "<", "&" or ":" and nothing invisible: none of the patterns can match
    found = []
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


_REFUSED = ((_HTML_TAG, _explain_tag), (_SCRIPT_URL, _explain_url), (_INVISIBLE, _explain_invisible))
# A character every refused pattern needs, in the text or in what a character reference decodes to
# (which takes "&"): most text has none, and then the patterns need not run.
_SUSPECT = re.compile("[<&:]|" + _INVISIBLE.pattern)


def _plain_text(value: str) -> str:
    found = find_markup(value)
    if found:
        raise ValueError(found[0][1])
    return value


# One line of plain text: names, labels, places.
Line = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), AfterValidator(_plain_text)
]
# Prose: claims and summaries. [[entity]] links and [@source] citations are allowed inside.
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000), AfterValidator(_plain_text)
]


class FieldError(ValueError):
    """A model-level check that is about one value inside the model: messages point at that value."""

    def __init__(self, path: str | tuple[str | int, ...], message: str):
        super().__init__(message)
        self.path = (path,) if isinstance(path, str) else path

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _date_to_text(value: Any) -> Any:
    # YAML gives 2015 as an int; keep every precision as text so 2015 and 2015-06 stay partial.
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:04d}"
    return value


def _check_partial_date(value: str) -> str:
    match = _PARTIAL_DATE.match(value)
    if not match:
        raise ValueError("a date is written YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(part) if part else None for part in match.groups())
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"month {month:02d} does not exist; a date is written YYYY, YYYY-MM or YYYY-MM-DD")
    if day is not None:
        try:
            dt.date(year, month, day)  # type: ignore[arg-type]
        except ValueError:
            raise ValueError(f"{value} is not a day of the calendar") from None
    return value


PartialDate = Annotated[
    str,
    BeforeValidator(_date_to_text),
    AfterValidator(_check_partial_date),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
                {"type": "integer", "minimum": 1, "maximum": 9999},
            ],
            "description": "A date, as precise as known: YYYY, YYYY-MM or YYYY-MM-DD.",
        }
    ),
]

CITE_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:\s*,\s*\S.*)?$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(Strict):
    """A pointer into a source: its id and where in it (paragraph, section, timestamp)."""

    source: Slug = Field(description="Id of a source in data/sources/.")
    at: Line | None = Field(None, description='Locator inside the source, e.g. "para 4".')

    @classmethod
    def parse(cls, text: str) -> "Citation":
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


class Claim(Attributed):
    text: Text


class Section(Strict):
    title: Line
    claims: list[Claim] = Field(min_length=1)


class FigureValue(Attributed):
    """One source's number for a figure, as of a date."""

    value: float = Field(allow_inf_nan=False, description="The number; the lower end of a range.")
    max: float | None = Field(None, allow_inf_nan=False, description="Upper end, when the source gives a range.")
    qualifier: Qualifier = "exact"
    as_of: PartialDate
    note: Line | None = None

    @model_validator(mode="after")
    def _range_is_ordered(self) -> "FigureValue":
        if self.max is not None and self.max <= self.value:
            raise FieldError(
                "max", f"{self.max:g} is not above value ({self.value:g}); a range runs from value up to max"
            )
        return self


class Figure(Strict):
    """A measured quantity (strength, deaths, ...) as every source gives it."""

    id: Slug
    label: Line
    unit: Line
    values: list[FigureValue] = Field(min_length=1)
    note: Text | None = None


class Relationship(Attributed):
    type: RelationshipName  # type: ignore[valid-type]
    target: Slug
    since: PartialDate | None = None
    until: PartialDate | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _since_before_until(self) -> "Relationship":
        check_order(self, "since", "until")
        return self


def date_sort_key(value: str) -> tuple[int, int, int]:
    """Orders partial dates: 2015 sorts before 2015-01 sorts before 2015-01-01."""
    parts = [int(p) for p in value.split("-")]
    return (parts + [0, 0])[:3]  # type: ignore[return-value]


def check_order(model: BaseModel, start: str, end: str) -> None:
    """Refuse an end date before its start date. Partial dates compare by what they say: 2015 is not
    before 2015-06, since the year may well be the same one."""
    first, last = getattr(model, start), getattr(model, end)
    if not first or not last:
        return
    shared = min(len(first.split("-")), len(last.split("-")))
    if date_sort_key(last)[:shared] < date_sort_key(first)[:shared]:
        raise FieldError(end, f"{last} is before {start} ({first}); swap them or correct one")


class Profile(Strict):
    """What groups, people and events share."""

    id: Slug = Field(description="Lowercase slug; must equal the file name without .yaml.")
    name: Line
    aliases: list[Line] = Field(default_factory=list, description="Every other name, spelling, abbreviation.")
    former_ids: list[Slug] = Field(
        default_factory=list,
        description="Ids this profile had before it was renamed: their old page URLs redirect here.",
    )
    summary: Claim
    sections: list[Section] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    relationships: list[Relationship] = Field(default_factory=list)


class Group(Profile):
    KIND: ClassVar[str] = "group"
    type: Line = Field(description='What it is: "militant group", "intelligence agency", ...')
    founded: PartialDate | None = None
    dissolved: PartialDate | None = None
    areas: list[Line] = Field(default_factory=list, description="Where it operates.")

    @model_validator(mode="after")
    def _founded_before_dissolved(self) -> "Group":
        check_order(self, "founded", "dissolved")
        return self


class Person(Profile):
    KIND: ClassVar[str] = "person"
    role: Line = Field(description='One line: "Leader of ISIS-K".')
    born: PartialDate | None = None
    died: PartialDate | None = None
    nationality: Line | None = None

    @model_validator(mode="after")
    def _born_before_died(self) -> "Person":
        check_order(self, "born", "died")
        return self


class Event(Profile):
    KIND: ClassVar[str] = "event"
    type: Line = Field(description='What happened: "mass shooting and arson attack", "airstrike", ...')
    date: PartialDate
    end_date: PartialDate | None = None
    place: Line
    country: Line | None = None
    era: Line | None = Field(
        None,
        description='The period this event opens, drawn as a band on the timeline: "Taliban rule". The band '
        "runs to end_date when there is one, else to the next era's start, else to the end of the timeline.",
    )

    @model_validator(mode="after")
    def _date_before_end_date(self) -> "Event":
        check_order(self, "date", "end_date")
        return self


HttpUrl = Annotated[str, StringConstraints(pattern=r"^https?://[^\s<>\"']+$", max_length=2000)]


class Source(Strict):
    KIND: ClassVar[str] = "source"
    id: Slug
    title: Line = Field(description="The source's own title, or a descriptive one when it has none.")
    title_is_descriptive: bool = Field(False, description="True when the title is ours: shown in [brackets].")
    publisher: Line
    authors: list[Line] = Field(default_factory=list)
    kind: SourceKind = Field(description="news, analysis, opinion, interview, explainer, ...")
    date: PartialDate
    url: HttpUrl | None = Field(None, description="Only a verified http(s) URL; leave out when unknown.")
    summary: Text = Field(description="A neutral paragraph on what the source says or argues.")
    notes: Text | None = None
    archive: Line | None = Field(
        None, description="File name of the archived text whose non-empty lines 'para N' locators count."
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
