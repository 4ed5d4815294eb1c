"""Typed models of the data contract: the single definition that validation and the JSON Schema share.

Every model forbids unknown keys, so a misspelt key is an error rather than silently ignored data.
"""

from __future__ import annotations

import datetime as dt
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

# One line of plain text: names, labels, places.
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
# Prose: claims and summaries. [[entity]] links and [@source] citations are allowed inside.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]

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
        """Read the short form ``source-id`` or ``source-id, para 4``."""
        source, _, locator = text.partition(",")
        return cls(source=source.strip(), at=locator.strip() or None)

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.at or "")


def _citations(values: list[Any]) -> list[Citation]:
    return [Citation.parse(value) if isinstance(value, str) else value for value in values]


CiteShort = Annotated[str, StringConstraints(pattern=CITE_PATTERN, max_length=300)]
Citations = Annotated[
    list[Citation | CiteShort],
    AfterValidator(_citations),
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

    value: float = Field(description="The number; the lower end of a range.")
    max: float | None = Field(None, description="Upper end, when the source gives a range.")
    qualifier: Qualifier = "exact"
    as_of: PartialDate
    note: Line | None = None

    @model_validator(mode="after")
    def _range_is_ordered(self) -> "FigureValue":
        if self.max is not None and self.max <= self.value:
            raise ValueError("max must be greater than value in a range")
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
        if self.since and self.until and date_sort_key(self.until) < date_sort_key(self.since):
            raise ValueError(f"until ({self.until}) is before since ({self.since})")
        return self


def date_sort_key(value: str) -> tuple[int, int, int]:
    """Orders partial dates: 2015 sorts before 2015-01 sorts before 2015-01-01."""
    parts = [int(p) for p in value.split("-")]
    return (parts + [0, 0])[:3]  # type: ignore[return-value]


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

    @model_validator(mode="after")
    def _figure_ids_unique(self) -> "Profile":
        seen: set[str] = set()
        for figure in self.figures:
            if figure.id in seen:
                raise ValueError(f"two figures have the id '{figure.id}'")
            seen.add(figure.id)
        return self


class Group(Profile):
    KIND: ClassVar[str] = "group"
    type: Line = Field(description='What it is: "militant group", "intelligence agency", ...')
    founded: PartialDate | None = None
    dissolved: PartialDate | None = None
    areas: list[Line] = Field(default_factory=list, description="Where it operates.")


class Person(Profile):
    KIND: ClassVar[str] = "person"
    role: Line = Field(description='One line: "Leader of ISIS-K".')
    born: PartialDate | None = None
    died: PartialDate | None = None
    nationality: Line | None = None


class Event(Profile):
    KIND: ClassVar[str] = "event"
    type: Line = Field(description='What happened: "mass shooting and arson attack", "airstrike", ...')
    date: PartialDate
    end_date: PartialDate | None = None
    place: Line
    country: Line | None = None


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
