"""How citations read: the short form of a footnote, the full reference, and who cites a source.

Pages use the scholarly author-date short form, as Wikipedia's short citations and the Chicago
author-date style do: a footnote says "Rafiq 2024, para 6" and links to the one full entry of that
source in the page's list of sources. Written here rather than through a CSL processor (citeproc-py
reads the CSL-JSON export in the tests): the form needs the first author's surname or the publisher,
the year and a letter when two sources would read the same, and a processor with a style file would
cost more per page than the whole note.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .entities import Citation, Source
from .vocabulary import KIND_OF_FOLDER

_PARA = re.compile(r"^paras? (\d{1,12})$")  # longer numbers (validate refuses them) are not read as one
_NUMBER = re.compile(r"\d{1,12}")


def _surname(name: str) -> str:
    return name.split()[-1]


def _base_name(source: Source) -> str:
    """ "Rafiq 2024"; "Mir and Coates 2024"; "Smith et al. 2024"; without an author, "Kyiv Post 2024"."""
    authors = [_surname(a) for a in source.authors]
    if not authors:
        who = source.publisher
    elif len(authors) == 1:
        who = authors[0]
    elif len(authors) == 2:
        who = f"{authors[0]} and {authors[1]}"
    else:
        who = f"{authors[0]} et al."
    return f"{who} {source.date[:4]}"


def short_names(sources: dict[str, Source]) -> dict[str, str]:
    """Each source's short name, unique across the knowledge base: two sources that would both read
    "Rafiq 2024" become "Rafiq 2024a" and "Rafiq 2024b", in order of date, then id."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for source_id, source in sources.items():
        by_name[_base_name(source)].append(source_id)
    names = {}
    for name, ids in by_name.items():
        if len(ids) == 1:
            names[ids[0]] = name
            continue
        ordered = sorted(ids, key=lambda i: (sources[i].date, i))
        for index, source_id in enumerate(ordered):
            names[source_id] = name + _letter(index)
    return names


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def locators(found: Iterable[str | None]) -> str:
    """Where in one source: "para 6", "paras 2, 6, 10"; other locators as written, in the order given.
    What follows a semicolon in a locator is a remark on it ("para 17; derived: July 2023, from 'last
    July'"), kept in brackets after the places."""
    places, remarks = [], []
    for at in dict.fromkeys(found):
        if at:
            place, _, remark = at.partition(";")
            places.append(place.strip())
            remarks += [remark.strip()] if remark.strip() else []
    places = [p for p in dict.fromkeys(places) if p]
    numbers = [_PARA.match(place) for place in places]
    if places and all(numbers):
        values = sorted({int(m.group(1)) for m in numbers if m})
        text = ("para " if len(values) == 1 else "paras ") + ", ".join(map(str, values))
    else:
        text = ", ".join(places)
    return text + (f" ({'; '.join(dict.fromkeys(remarks))})" if remarks else "")


def by_source(citations: Sequence[Citation]) -> list[tuple[str, list[str | None]]]:
    """Citations grouped by source, sources in the order first cited: [(source id, [locators])]."""
    grouped: dict[str, list[str | None]] = {}
    for citation in citations:
        grouped.setdefault(citation.source, []).append(citation.at)
    return list(grouped.items())


def locator_key(at: str | None) -> tuple[int, str]:
    """Orders locators by their first number: para 2 before para 10."""
    number = _NUMBER.search(at or "")
    return (int(number.group()) if number else 0, at or "")


# -- who cites a source ------------------------------------------------------------------------


@dataclass
class Statement:
    """One statement that cites a source, with every locator it cites there."""

    text: str
    at: list[str] = field(default_factory=list)


@dataclass
class CitingPage:
    page: str
    title: str
    kind: str  # group, person, event or brief
    statements: list[Statement] = field(default_factory=list)


@dataclass(frozen=True)
class Citing:
    """One place that cites a source: which page, which statement, which locator."""

    page: str
    title: str
    text: str
    at: str | None


def citing_pages(citing: Iterable[Citing]) -> list[CitingPage]:
    """The places that cite a source (resolve.Citing), grouped by page: one entry per statement with
    all its locators, statements in the order of the paragraphs they cite, pages in the order given."""
    pages: dict[str, CitingPage] = {}
    statements: dict[tuple[str, str], Statement] = {}
    for item in citing:
        page = item.page
        entry = pages.get(page)
        if entry is None:
            kind = KIND_OF_FOLDER.get(page.split("/", 1)[0], "brief")
            entry = pages[page] = CitingPage(page, item.title, kind)
        text = item.text
        statement = statements.get((page, text))
        if statement is None:
            statement = statements[(page, text)] = Statement(text)
            entry.statements.append(statement)
        at = item.at
        if at and at not in statement.at:
            statement.at.append(at)
    for entry in pages.values():
        for statement in entry.statements:
            statement.at.sort(key=locator_key)
        entry.statements.sort(key=lambda s: locator_key(s.at[0] if s.at else None))
    return list(pages.values())


def shorten(text: str, words: int = 22) -> str:
    """The first words of a statement, enough to find it on its page."""
    split = text.split()
    if len(split) <= words:
        return text
    return " ".join(split[:words]).rstrip(",;:") + " …"
