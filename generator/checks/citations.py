"""Citations that check themselves: does the cited paragraph say what the statement says?

For every statement of the knowledge base (claims, figure values, relationships, and each cited
passage of a brief) this reads the paragraphs it cites in the archived source texts, and reports
every number, amount, year, month and date of the statement (see generator/checks/quantities.py) that none
of those paragraphs states, saying where else in the same source it does stand: "'June 2015' is in
hindu-johny-2024 para 2, not in para 3".

``para N`` is the N-th non-empty line of a source's archived text (``archive:`` in its record),
read from the archive folder (``--archive``, else the environment variable KHORASAN_BRIEF_ARCHIVE,
else ../shared/sources beside the project). Without that folder the texts cannot be read: only what
needs no text (a locator that names page furniture) is checked, and the command line fails a
``--strict`` run unless told that the texts are absent on purpose (``--allow-no-archive``).

Only what a source record names is read, and boundedly: its ``archive`` must lead to a regular file
inside the archive folder, links followed (never up and out, never a device, a pipe or a folder),
of at most MAX_TEXT_BYTES; anything else is an error at the record's ``archive:`` line. Locator
ranges are bounded at validation (``paras 3-7`` covers at most MAX_SPAN paragraphs).

The summary box's facts are statements too: ``facts_cite`` cites each fact (a group's ``founded``,
an event's ``date`` and ``place`` ...), and its numbers and dates are checked like a claim's.

A value worked out rather than read (a date from "last July" and the article's date, a sum) is
marked, with how: ``derived:`` on the statement in YAML, or after a semicolon in any citation,
``[@source, para 17; derived: ...]`` in a brief and ``"source, para 17; derived: ..."`` in a
``cite:`` or ``facts_cite`` list. A mention that the explanation itself states is accepted; a
phrase it quotes must stand in the cited paragraphs. A figure's ``as_of`` may also be the cited source's own date (the date it was
stated).

With ``hedges=True`` it also lists, for review, each statement whose cited paragraph hedges where the
statement does not (generator/checks/hedges.py).

Engine-neutral: no MkDocs here, and nothing is written.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..model.entities import (
    MAX_SPAN,
    Citation,
    Claim,
    Event,
    Figure,
    FigureValue,
    Group,
    Person,
    Relationship,
    Source,
    paragraph_spans,
)
from ..model.problems import Position, Problem
from ..model.project import Project
from ..pipeline import check
from ..stages.load import Document, load_project
from ..stages.resolve import resolve
from ..stages.validate import Validated, validate_documents
from .hedges import hedged, source_hedges
from .quantities import Index, Mention, date_mentions, mentions, number_mention

ARCHIVE_ENV = "KHORASAN_BRIEF_ARCHIVE"
DEFAULT_ARCHIVE = Path("..") / "shared" / "sources"  # from the project root

MAX_TEXT_BYTES = 4 * 1024 * 1024  # an archived article is some kilobytes: a text beyond this is not one
_LINK = re.compile(r"\[\[(?P<target>[^\[\]|\n]+?)(?:\|(?P<label>[^\[\]\n]+?))?\]\]")
_CITE = re.compile(r"\[@(?P<cite>[^\[\]\n]+?)\]")
_DERIVED = re.compile(r";\s*derived\s*:\s*(?P<how>.+)$", re.IGNORECASE)
_QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”|‘([^’]+)’|(?<!\w)'([^']+)'(?!\w)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def archive_folder(root: Path, given: str | None = None) -> tuple[Path, bool]:
    """The archive folder and whether it was asked for (option or environment) rather than assumed."""
    chosen = given or os.environ.get(ARCHIVE_ENV)
    if chosen:
        return Path(chosen).expanduser().resolve(), True
    return (root / DEFAULT_ARCHIVE).resolve(), False


@dataclass
class Statement:
    """Something the knowledge base says, the citations it rests on, and the figures it states."""

    file: str
    cites: list[tuple[Citation, Position]]
    mentions: list[tuple[Mention, Position]]
    derived: str | None = None
    derived_at: Position | None = None
    # Figures' as_of: also accepted when it is the date of a cited source (the date it was stated).
    stated_dates: list[tuple[Mention, Position]] = field(default_factory=list)
    # For the hedge report: where the statement starts, its words and status (None: not reported).
    hedge_at: Position | None = None
    words: str = ""
    status: str | None = None


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    statements: int = 0  # statements with at least one citation into an archived text
    mentions: int = 0  # numbers, dates, ... compared with their cited paragraphs
    unchecked: int = 0  # statements citing only sources without an archived text
    archive: Path | None = None
    archive_found: bool = False
    missing_texts: list[str] = field(default_factory=list)
    # An archive: that leads out of the folder or to no regular file: errors, --strict or not.
    errors: list[Problem] = field(default_factory=list)
    # Statements surer than the paragraphs they cite (with hedges=True): for review, never a failure.
    hedges: list[Problem] = field(default_factory=list)


class Archive:
    """The archived texts of the sources, split into paragraphs (non-empty lines), read once each."""

    def __init__(self, folder: Path | None, sources: dict[str, Source], where: dict[str, Position] | None = None):
        self.folder = folder.resolve() if folder is not None else None
        self.sources = sources
        self.where = where or {}  # each source record's archive: value, for errors
        self.errors: list[Problem] = []
        self.refused: set[str] = set()  # sources whose archive: names no regular file inside the folder
        self._paragraphs: dict[str, list[str] | None] = {}
        self._indexes: dict[tuple[str, int], Index] = {}

    def paragraphs(self, source_id: str) -> list[str] | None:
        if source_id not in self._paragraphs:
            source = self.sources.get(source_id)
            text = None
            if self.folder is not None and source is not None and source.archive:
                text = self._read(source_id, source.archive)
            self._paragraphs[source_id] = [line for line in text.splitlines() if line.strip()] if text else None
        return self._paragraphs[source_id]

    def _read(self, source_id: str, name: str) -> str | None:
        """The text a record names, if it is a regular file inside the folder once links are followed;
        None when it is not there (a missing text); an error, and None, for anything else."""
        errors = len(self.errors)
        text = self._read_inside(source_id, name)
        if len(self.errors) > errors:
            self.refused.add(source_id)
        return text

    def _read_inside(self, source_id: str, name: str) -> str | None:
        assert self.folder is not None
        where = self.where.get(source_id, Position(f"data/sources/{source_id}.yaml"))
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts or "\\" in name or re.match(r"^[A-Za-z]:", name):
            self.errors.append(where.problem(f"archive: {name!r} is not a file name inside the archive folder {self.folder}; give the text's name there"))
            return None
        try:
            path = (self.folder / relative).resolve()  # every link followed, also a dangling last one
            if not path.is_relative_to(self.folder):
                self.errors.append(
                    where.problem(f"archive: {name!r} leads out of the archive folder {self.folder} (through a link); keep the text itself in that folder")
                )
                return None
            if not os.path.lexists(path):
                return None  # not there: reported once as a missing text
            info = os.stat(path)
            if not stat.S_ISREG(info.st_mode):
                self.errors.append(where.problem(f"archive: {name!r} in {self.folder} is not a regular file (a folder, device or pipe); name the text file"))
                return None
            if info.st_size > MAX_TEXT_BYTES:
                self.errors.append(where.problem(f"archive: {name!r} is {info.st_size:,} bytes; an archived text is read only up to {MAX_TEXT_BYTES:,} bytes"))
                return None
            # O_NONBLOCK: should the file have become a pipe since, opening it does not wait for a writer.
            descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(descriptor, "rb") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    raise OSError("not a regular file")
                data = handle.read(MAX_TEXT_BYTES + 1)
        except (OSError, RuntimeError) as error:  # a loop of links, no permission, a file replaced meanwhile
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            self.errors.append(where.problem(f"archive: {name!r} in {self.folder} cannot be read: {reason}"))
            return None
        if len(data) > MAX_TEXT_BYTES:
            self.errors.append(where.problem(f"archive: {name!r} grew beyond {MAX_TEXT_BYTES:,} bytes while it was read"))
            return None
        return data.decode("utf-8", errors="replace")

    def index(self, source_id: str, number: int) -> Index:
        key = (source_id, number)
        if key not in self._indexes:
            paragraphs = self.paragraphs(source_id) or []
            self._indexes[key] = Index(paragraphs[number - 1] if 0 < number <= len(paragraphs) else "")
        return self._indexes[key]


def paragraph_numbers(locator: str | None) -> list[int]:
    """'para 4' -> [4]; 'paras 2-3' -> [2, 3]; 'section 2 para 3' -> [3]; anything else -> [].
    Validation refuses a range of more than MAX_SPAN paragraphs; should one reach here all the same,
    only its first MAX_SPAN are named, never a billion."""
    numbers: list[int] = []
    for first, last in paragraph_spans(locator):
        numbers += range(first, min(max(first, last), first + MAX_SPAN - 1) + 1)
    return numbers


def furniture_spans(source: Source) -> list[tuple[int, int]]:
    """The record's furniture as (first, last) spans: a span is compared, never expanded."""
    spans = []
    for span in source.furniture:
        first, _, last = span.partition("-")
        spans.append((int(first), int(last or first)))
    return spans


def check_citations(project: Project, archive: Path | None, hedges: bool = False) -> Report:
    """Compare every statement with the paragraphs it cites; ``archive`` None or missing: locators only.
    ``hedges``: also list the statements surer than the paragraphs they cite (Report.hedges)."""
    validated = _validated(project)
    sources = {item.model.id: item.model for item in validated if isinstance(item.model, Source)}
    where = {item.model.id: item.where.value(("archive",)) for item in validated if isinstance(item.model, Source)}
    texts = Archive(archive if archive is not None and archive.is_dir() else None, sources, where)
    archived = [source.id for source in sources.values() if source.archive]
    present = [source_id for source_id in archived if texts.paragraphs(source_id) is not None]
    # A folder holding none of the texts is no archive (one notice); one lacking some names those. A
    # text refused (a link out of the folder) is there, and an error of its own.
    found = bool(present) or bool(texts.refused) or not archived
    report = Report(archive=archive, archive_found=texts.folder is not None and found)
    if report.archive_found:
        report.missing_texts = [source_id for source_id in archived if source_id not in present and source_id not in texts.refused]
    checker = _Checker(texts, sources, report, hedges)
    for item in validated:
        for statement in _statements(item, project.root):
            checker.check(statement)
    report.errors = sorted(texts.errors)
    report.problems.sort()
    report.hedges.sort()
    return report


def _validated(project: Project) -> list[Validated]:
    """Every validated file, when the knowledge base is sound; else the problems, as validate shows them."""
    loaded = load_project(project.root)
    validated, invalid = validate_documents(loaded.documents)
    if loaded.problems or invalid or resolve(validated)[1]:
        check(project)  # raises ProblemsFound with every problem of every stage
    return validated


class _Checker:
    def __init__(self, archive: Archive, sources: dict[str, Source], report: Report, hedges: bool = False):
        self.archive, self.sources, self.report, self.hedges = archive, sources, report, hedges

    def problem(self, where: Position, message: str) -> None:
        self.report.problems.append(where.problem(message))

    def check(self, statement: Statement) -> None:
        cited: dict[str, list[int]] = {}
        for citation, where in statement.cites:
            numbers = self._locator(citation, where)
            if numbers:
                known = cited.setdefault(citation.source, [])
                known += [n for n in numbers if n not in known]
        if not any(self.archive.paragraphs(citation.source) is not None for citation, _ in statement.cites):
            self.report.unchecked += 1
            return
        self.report.statements += 1
        derived = Index(statement.derived or "")
        if statement.derived:
            self._check_quotes(statement, cited)
        for mention, where in statement.mentions:
            self.report.mentions += 1
            if not derived.has(mention) and not self._stated(mention, cited):
                self.problem(where, self._not_found(mention, cited))
        for mention, where in statement.stated_dates:
            self.report.mentions += 1
            on_source_date = any(_within(mention, self.sources[source].date) for source in cited)
            if not on_source_date and not derived.has(mention) and not self._stated(mention, cited):
                self.problem(where, self._not_found(mention, cited, stated_date=True))
        if self.hedges and statement.hedge_at is not None and not hedged(statement.words, statement.status):
            self._check_hedges(statement, cited)

    def _check_hedges(self, statement: Statement, cited: dict[str, list[int]]) -> None:
        """The statement states plainly what a cited paragraph hedges: say which paragraph, and how."""
        found = []
        for source, numbers in cited.items():
            for n in numbers:
                paragraphs = self.archive.paragraphs(source) or []
                hedges = source_hedges(paragraphs[n - 1], statement.words) if 0 < n <= len(paragraphs) else []
                if hedges:
                    quoted = "; ".join(f"'{hedge.word}' in \"{hedge.quote}\"" for hedge in hedges)
                    found.append(f"{source} para {n} hedges ({quoted})")
        if found and statement.hedge_at is not None:
            self.report.hedges.append(
                statement.hedge_at.problem(
                    "hedge: " + "; ".join(found) + ", and the statement does not: keep the source's certainty, attributed, if the hedge is about it"
                )
            )

    def _locator(self, citation: Citation, where: Position) -> list[int] | None:
        """The cited paragraphs, when there is a text to read them in; problems with the locator."""
        source = self.sources.get(citation.source)
        if source is None:
            return None
        numbers = paragraph_numbers(citation.at)
        spans = furniture_spans(source)
        furniture = {n for n in numbers if any(first <= n <= last for first, last in spans)}
        if furniture:
            shown = ", ".join(map(str, sorted(furniture)))
            self.problem(
                where,
                f"{citation.source} para {shown} is page furniture of the archived page (an advertisement, a "
                "teaser of another piece, a comment prompt), not the source itself; cite the piece's own paragraphs",
            )
        paragraphs = self.archive.paragraphs(citation.source)
        if paragraphs is None:
            return None
        if not numbers:
            self.problem(where, f"citation '{citation.source}, {citation.at or ''}' names no paragraph ('para N'); the check cannot read it")
            return None
        beyond = [n for n in numbers if not 0 < n <= len(paragraphs)]
        if beyond:
            self.problem(where, f"{citation.source} has {len(paragraphs)} paragraphs; there is no para {beyond[0]}")
        return [n for n in numbers if n not in beyond]

    def _stated(self, mention: Mention, cited: dict[str, list[int]]) -> bool:
        return any(self.archive.index(source, n).has(mention) for source, numbers in cited.items() for n in numbers)

    def _not_found(self, mention: Mention, cited: dict[str, list[int]], stated_date: bool = False) -> str:
        where = "; ".join(f"{source} {_paras(numbers)}" for source, numbers in cited.items())
        elsewhere = []
        for source, numbers in cited.items():
            paragraphs = self.archive.paragraphs(source) or []
            found = [n for n in range(1, len(paragraphs) + 1) if n not in numbers and self.archive.index(source, n).has(mention)]
            if found:
                elsewhere.append(f"{source} {_paras(found)}")
        said = f"'{mention.shown}'"
        if elsewhere and len(cited) == 1:
            return f"{said} is in {elsewhere[0]}, not in {_paras(next(iter(cited.values())))}"
        if elsewhere:
            return f"{said} is not in the cited paragraphs ({where}); it is in {', '.join(elsewhere)}"
        also = " nor on the date of a cited source" if stated_date else ""
        return (
            f"{said} is in none of the cited paragraphs ({where}), nor anywhere else in {_that(cited)}{also}; "
            "cite where it is said, or say how it was worked out with derived:"
        )

    def _check_quotes(self, statement: Statement, cited: dict[str, list[int]]) -> None:
        """A derivation quotes its starting point ("last July"): that phrase must be in a cited paragraph."""
        text = " ".join(
            _plain(paragraph) for source, numbers in cited.items() for n in numbers for paragraph in [(self.archive.paragraphs(source) or [""] * n)[n - 1]]
        )
        for match in _QUOTED.finditer(statement.derived or ""):
            phrase = next(group for group in match.groups() if group)
            if _plain(phrase) not in text:
                self.problem(
                    statement.derived_at or Position(statement.file),
                    f"derived: quotes '{phrase}', which is in none of the cited paragraphs ({_that(cited)})",
                )


def _paras(numbers: list[int]) -> str:
    return ("para " if len(numbers) == 1 else "paras ") + ", ".join(map(str, numbers))


def _that(cited: dict[str, list[int]]) -> str:
    return "that source" if len(cited) == 1 else "those sources"


def _plain(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').casefold().split())


def _within(mention: Mention, source_date: str) -> bool:
    """as_of no more precise than the source's own date and agreeing with it (2024, 2024-03 for 2024-03)."""
    given = mention.text.split("-")
    return len(given) <= len(source_date.split("-")) and source_date.split("-")[: len(given)] == given


# -- statements of the knowledge base ------------------------------------------------------------------


def _statements(item: Validated, root: Path) -> Iterator[Statement]:
    model, document = item.model, item.document
    if isinstance(model, (Group, Person, Event)):
        yield from _profile_statements(model, document, _Lines(root / document.file, document.file))
    elif document.kind == "brief":
        yield from _brief_statements(document)


class _Lines:
    """The lines of a YAML file, to point a message at a mention inside a folded or quoted text."""

    def __init__(self, path: Path, file: str):
        self.file = file
        self.lines = path.read_text(encoding="utf-8-sig").splitlines()

    def find(self, start: Position, text: str, mention: Mention) -> Position:
        """Where mention (at text[mention.start:]) is written, searching the value's lines from its start."""
        nth = text[: mention.start].count(mention.text)
        first = start.line - 1
        if not 0 <= first < len(self.lines):
            return start
        indent = len(self.lines[first]) - len(self.lines[first].lstrip())
        for number in range(first, len(self.lines)):
            line = self.lines[number]
            if number > first and line.strip() and len(line) - len(line.lstrip()) <= indent:
                break
            column = start.col - 1 if number == first else 0
            while (column := line.find(mention.text, column)) >= 0:
                if nth == 0:
                    return Position(self.file, number + 1, column + 1)
                nth -= 1
                column += 1
        return start


def _profile_statements(model: Group | Person | Event, document: Document, lines: _Lines) -> Iterator[Statement]:
    where = document.where
    claims: list[tuple[tuple[str | int, ...], Claim]] = [(("summary",), model.summary)]
    claims += [(("sections", s, "claims", c), claim) for s, section in enumerate(model.sections) for c, claim in enumerate(section.claims)]
    for path, claim in claims:
        statement = _statement(document, path, claim.cite, claim.derived)
        _add_text(statement, claim.text, where.value(path + ("text",)), lines)
        _add_text(statement, claim.by, where.value(path + ("by",)), lines)
        _for_hedges(statement, where.value(path + ("text",)), claim.status, claim.text, claim.by)
        yield statement
    for f, figure in enumerate(model.figures):
        yield from _figure_statements(figure, ("figures", f), document, lines)
    for r, relationship in enumerate(model.relationships):
        yield _relationship_statement(relationship, ("relationships", r), document, lines)
    yield from _fact_statements(model, document, lines)


# The facts of the summary box that are dates; the others are text (areas a list of it).
_DATE_FACTS = frozenset({"founded", "dissolved", "born", "died", "date", "end_date"})


def _fact_statements(model: Group | Person | Event, document: Document, lines: _Lines) -> Iterator[Statement]:
    """Each fact of the summary box cited in facts_cite, checked like a claim: its numbers and dates must
    stand in the cited paragraphs, or be explained by a derived: note after a semicolon in a citation.
    'active' states no value of its own (the box shows the latest cited source's date)."""
    if model.facts_cite is None:
        return
    where = document.where
    for name, cites in model.facts_cite.items():
        statement = _statement(document, ("facts_cite", name), cites, None, cite_key="")
        value = getattr(model, name, None)
        if name in _DATE_FACTS and isinstance(value, str):
            statement.mentions += [(mention, where.value((name,))) for mention in date_mentions(value)]
            _for_hedges(statement, where.value((name,)), None, value)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                _add_text(statement, item, where.value((name, index)), lines)
            _for_hedges(statement, where.value((name,)), None, "; ".join(value))
        elif isinstance(value, str):
            _add_text(statement, value, where.value((name,)), lines)
            _for_hedges(statement, where.value((name,)), None, value)
        yield statement


def _for_hedges(statement: Statement, start: Position, status: str | None, *texts: str | None) -> None:
    """What the hedge report reads of a statement: its words (links as their labels) and status."""
    statement.hedge_at, statement.status = start, status
    statement.words = " ".join(_readable(text)[0] for text in texts if text)


def _statement(document: Document, path: tuple[str | int, ...], cites: list[Citation], derived: str | None, cite_key: str = "cite") -> Statement:
    """A statement and its citations (at path.cite, or at path itself with ``cite_key`` ""); its derived:
    note, and any written after a semicolon in a citation ("source, para 6; derived: ..."), as briefs
    write them."""
    located = _cites(document, path + ((cite_key,) if cite_key else ()), cites)
    notes = [derived] if derived else []
    at = document.where.value(path + ("derived",)) if derived else None
    for citation, where in located:
        how = _DERIVED.search(citation.at or "")
        if how:
            notes.append(how.group("how"))
            at = at or where
    return Statement(document.file, located, [], "; ".join(notes) or None, at)


def _cites(document: Document, path: tuple[str | int, ...], cites: list[Citation]) -> list[tuple[Citation, Position]]:
    """Each citation of the list at ``path``, with where it is written."""
    return [(citation, document.where.value(path + (index,))) for index, citation in enumerate(cites)]


def _figure_statements(figure: Figure, path: tuple[str | int, ...], document: Document, lines: _Lines) -> Iterator[Statement]:
    where = document.where
    values: list[FigureValue] = figure.values
    # The figure's note speaks for all its values. (Its label only names what is counted: the event's
    # date there is the event page's statement, not this figure's.)
    note = Statement(document.file, [c for v, value in enumerate(values) for c in _cites(document, path + ("values", v, "cite"), value.cite)], [])
    _add_text(note, figure.note, where.value(path + ("note",)), lines)
    if note.mentions:
        _for_hedges(note, where.value(path + ("note",)), None, figure.note)
        yield note
    for v, value in enumerate(values):
        here = path + ("values", v)
        statement = _statement(document, here, value.cite, value.derived)
        for key, number in (("value", value.value), ("max", value.max)):
            if number is not None:
                statement.mentions.append((number_mention(number, f"{key}: {number:g}"), where.value(here + (key,))))
        statement.stated_dates += [(mention, where.value(here + ("as_of",))) for mention in date_mentions(value.as_of)]
        _add_text(statement, value.note, where.value(here + ("note",)), lines)
        _add_text(statement, value.by, where.value(here + ("by",)), lines)
        amount = f"{value.value:g}" + (f" {value.max:g}" if value.max is not None else "")
        _for_hedges(statement, where.value(here + ("value",)), value.status, amount, figure.label, value.category, value.note, value.by)
        yield statement


def _relationship_statement(relationship: Relationship, path: tuple[str | int, ...], document: Document, lines: _Lines) -> Statement:
    where = document.where
    statement = _statement(document, path, relationship.cite, relationship.derived)
    for key in ("since", "until"):
        value = getattr(relationship, key)
        if value:
            statement.mentions += [(mention, where.value(path + (key,))) for mention in date_mentions(value)]
    _add_text(statement, relationship.note, where.value(path + ("note",)), lines)
    _add_text(statement, relationship.by, where.value(path + ("by",)), lines)
    # The type is part of what it says: "claimed" hedges, "carried-out" does not.
    words = f"{relationship.type} {relationship.target}".replace("-", " ")
    _for_hedges(statement, where.value(path + ("type",)), relationship.status, words, relationship.note, relationship.by)
    return statement


def _add_text(statement: Statement, text: str | None, start: Position, lines: _Lines) -> None:
    if not text:
        return
    shown, cites = _readable(text)
    statement.cites += [(citation, start) for citation in cites]
    for mention in mentions(shown):
        statement.mentions.append((mention, lines.find(start, text, mention)))


def _readable(text: str) -> tuple[str, list[Citation]]:
    """The text as a reader sees it, at the same offsets: [[id]] (another profile's name) and citations
    blanked, [[id|label]] reduced to its label; and the citations it holds."""
    cites = [Citation.parse(m.group("cite")) for m in _CITE.finditer(text)]
    blanked = _CITE.sub(lambda m: " " * len(m.group()), text)

    def link(match: re.Match[str]) -> str:
        label = match.group("label")
        if label is None:
            return " " * len(match.group())
        before = match.start("label") - match.start()
        return " " * before + label + " " * (len(match.group()) - before - len(label))

    return _LINK.sub(link, blanked), cites


def _brief_statements(document: Document) -> Iterator[Statement]:
    """Each run of citations in a brief and the text before it, back to the previous citation or the
    start of its paragraph, list item or line: what those citations are cited for."""
    body = document.body
    shown, _ = _readable(body)
    for start, end in _blocks(body):
        cursor = start
        group: list[re.Match[str]] = []
        for match in _CITE.finditer(body, start, end):
            if group and body[group[-1].end() : match.start()].strip():
                yield _brief_statement(document, shown, cursor, group)
                cursor = group[-1].end()
                group = []
            group.append(match)
        if group:
            yield _brief_statement(document, shown, cursor, group)


def _brief_statement(document: Document, shown: str, start: int, group: list[re.Match[str]]) -> Statement:
    cites, derivations = [], []
    for match in group:
        citation = Citation.parse(match.group("cite"))
        cites.append((citation, _body_position(document, match.start())))
        how = _DERIVED.search(citation.at or "")
        if how:
            derivations.append(how.group("how"))
    at = _body_position(document, group[0].start())
    statement = Statement(document.file, cites, [], "; ".join(derivations) or None, at)
    passage = shown[start : group[0].start()]
    for mention in mentions(passage):
        offset = start + mention.start
        statement.mentions.append((mention, _body_position(document, offset)))
    first = start + len(passage) - len(passage.lstrip())
    statement.hedge_at, statement.words = _body_position(document, first), passage
    return statement


def _blocks(body: str) -> Iterator[tuple[int, int]]:
    """Paragraphs, list items and other lines of Markdown, as spans of the body; headings are left out."""
    offset, start = 0, None
    for line in body.splitlines(keepends=True):
        ends_block = not line.strip() or line.lstrip().startswith("#") or _LIST_ITEM.match(line)
        if ends_block and start is not None:
            yield start, offset
            start = None
        if line.strip() and not line.lstrip().startswith("#") and start is None:
            start = offset
        offset += len(line)
    if start is not None:
        yield start, offset


def _body_position(document: Document, index: int) -> Position:
    before = document.body[:index]
    line = document.body_line + before.count("\n")
    return Position(document.file, line, index - (before.rfind("\n") + 1) + 1)
