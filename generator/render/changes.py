"""What changed, in a reader's words: the history stage's records of each change (stages/history.py,
``Edit``) as sentences that name the thing changed and whose source it is: "Added the value 137 to
the deaths figure, given by The Hindu (March 2024)", "added the alias Wilayat Khorasan, cited to The
Hindu". No field name, file path or commit message is shown (issue 26): a commit's subject is written
for the project's contributors, in its own shorthand, and stays in the repository's history.

The stage gives ids (of sources, of a relationship's other end) and the data's own labels; the words
for them come from the knowledge base being rendered (``Names``), so a source reads as its publisher,
as on every page. The "What changed" page, each profile's Changes section and the Atom feed
(render/feed.py) all use these words.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..model import dates
from ..model.vocabulary import QUALIFIER_WORDS, RELATIONSHIP_TYPES
from ..stages import history as h
from ..stages.resolve import KnowledgeBase
from .text import format_number


@dataclass(frozen=True)
class Names:
    """How a change names what it cites and links: each source by its publisher ("The Hindu"; with
    the footnotes' short name where two sources share a publisher), each profile by its name."""

    sources: dict[str, str]
    profiles: dict[str, str]

    @classmethod
    def of(cls, kb: KnowledgeBase) -> Names:
        publishers = Counter(source.publisher for source in kb.sources.values())
        sources = {i: source.publisher if publishers[source.publisher] == 1 else f"{source.publisher} ({kb.short_name(i)})" for i, source in kb.sources.items()}
        return cls(sources, {i: p.model.name for i, p in kb.profiles.items()})

    def listing(self, source_ids: Iterable[str]) -> str:
        """ "The Hindu and Globely News"; a source no longer in the knowledge base is counted, not
        named by its id."""
        ids = list(source_ids)
        known = list(dict.fromkeys(self.sources[i] for i in ids if i in self.sources))
        gone = len({i for i in ids if i not in self.sources})
        if gone:
            known.append("a source since removed" if gone == 1 else f"{gone} sources since removed")
        return joined(known)


def joined(words: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


@dataclass(frozen=True)
class FileChange:
    """One profile or source changed by one commit, for the page and the feed."""

    name: str
    page: str | None  # its page; None when it is no longer in the knowledge base
    text: str  # what changed, as a sentence


@dataclass(frozen=True)
class CommitChange:
    """One commit: what it changed in each file it changed (the first FILES_PER_COMMIT, and how many
    ``more``)."""

    sha: str
    date: dt.date | None
    time: str
    files: tuple[FileChange, ...]
    more: int = 0


_NAME = 60  # characters of a file's name shown for a profile no longer in the knowledge base
Files = dict[str, tuple[str, str]]  # data file -> (name, page path) of what it holds (render.site.profile_files)


def kind_of(file: str) -> str:
    return "source" if file.startswith("data/sources/") else "profile"


def file_change(item: h.Commit, files: Files, names: Names) -> FileChange:
    known = files.get(item.file)
    if known:
        return FileChange(known[0], known[1], describe(item.edits, kind_of(item.file), names))
    # A file no longer in the knowledge base: the name its last version gave, else its file's stem.
    name = item.name or h.clean(PurePosixPath(item.file).stem, _NAME)
    return FileChange(name, None, describe(item.edits, kind_of(item.file), names))


def commit_changes(history: h.History, files: Files, names: Names, limit: int) -> list[CommitChange]:
    return [_commit(change, files, names) for change in history.commits(limit)]


def _commit(change: h.Change, files: Files, names: Names) -> CommitChange:
    shown = tuple(file_change(item, files, names) for item in change.files)
    return CommitChange(change.sha, change.date, change.time, shown, change.more)


def days(history: h.History, files: Files, names: Names) -> list[tuple[dt.date | None, list[CommitChange]]]:
    """The "What changed" page's commits by day, newest first (History.days)."""
    return [(day, [_commit(change, files, names) for change in group]) for day, group in history.days()]


def profile_changes(history: h.History, file: str, limit: int, names: Names) -> list[tuple[dt.date | None, str]]:
    """A profile's newest changes: (date, what changed)."""
    return [(item.date, describe(item.edits, kind_of(file), names)) for item in history.changes_of(file, limit)]


# -- sentences -----------------------------------------------------------------------------------------


def describe(edits: Iterable[h.Edit], kind: str, names: Names) -> str:
    """What one commit did to one file, as a sentence; "Changed (...)" where the history did not
    compare its versions (an older change, beyond CHANGES_PER_FILE)."""
    words: list[str] = []
    more = 0
    for edit in edits:
        if edit.part == h.MORE:
            more = edit.count
        else:
            words.append(phrase(edit, kind, names))
    if more:
        words.append(f"and {more} more change{'s' if more != 1 else ''}")
    if not words:  # the history compares only each file's newest CHANGES_PER_FILE changes (its bound)
        return "Changed (older changes are not described)."
    text = "; ".join(words)
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")


def phrase(edit: h.Edit, kind: str, names: Names) -> str:
    """One edit as a clause: "added the alias ISKP, cited to Kyiv Post"."""
    return _PHRASES[edit.part](edit, kind, names)


def _citations(count: int) -> str:
    return "a citation" if count == 1 else "citations"


def _count(count: int, one: str, many: str) -> str:
    return one if count == 1 else f"{count} {many}"


def _cited(source_ids: Iterable[str], names: Names) -> str:
    listed = names.listing(source_ids)
    return f", cited to {listed}" if listed else ""


def _given(source_ids: Iterable[str], names: Names) -> str:
    listed = names.listing(source_ids)
    return f" given by {listed}" if listed else ""


def _quoted(text: str) -> str:
    return f"“{text}”"


def _named(edit: h.Edit, one: str, many: str) -> str:
    """ "the alias ISKP", "the aliases ISKP and IS-K", "8 aliases (ISKP, IS-K, … and 6 more)"."""
    items = list(edit.items)
    if edit.count == 1:
        return f"the {one} {items[0]}" if items else f"a {one}"
    if edit.count <= 4 and len(items) == edit.count:
        return f"the {many} {joined(items)}"
    if not items:  # none of them has a name to show
        return f"{edit.count} {many}"
    shown = items[:3]
    return f"{edit.count} {many} ({joined([*shown, f'{edit.count - len(shown)} more'])})"


# What of a kept part changed, in words (history._ASPECT).
_ASPECTS = {
    "text": "wording",
    "attribution": "attribution",
    "derived": "dating note",  # how a date was worked out from the source's words
    "note": "note",
    "dates": "dates",
    "ended": "end",
    "label": "title",
    "unit": "unit",
    "category": "category",
    "unconfirmed": "confirmation",
    "value": "number",
    "as-of": "date",
    "details": "details",
}


def _revision(target: str, edit: h.Edit, names: Names) -> str:
    """A part kept, changed: "revised the summary, now also citing USIP", "added a citation to The
    Hindu for the status", "revised the attribution of a statement in “Origins”"."""
    aspects = [a for a in edit.aspects if a not in ("citations", "passages")]
    gained, dropped = names.listing(edit.gained), names.listing(edit.dropped)
    if not aspects:
        if gained and dropped:
            return f"cited {target} to {gained} instead of {dropped}"
        if gained:
            return f"added {_citations(len(edit.gained))} to {gained} for {target}"
        if dropped:
            return f"removed the citation{'' if len(edit.dropped) == 1 else 's'} to {dropped} for {target}"
        return f"changed the passages cited for {target}"
    suffix = ""
    if gained and dropped:
        suffix = f", now citing {gained} instead of {dropped}"
    elif gained:
        suffix = f", now also citing {gained}"
    elif dropped:
        suffix = f", no longer citing {dropped}"
    if "text" in aspects:
        return f"revised {target}{suffix}"
    return f"revised the {joined([_ASPECTS.get(a, 'details') for a in aspects])} of {target}{suffix}"


def _profile(edit: h.Edit, kind: str, names: Names) -> str:
    return f"{edit.act} the {kind}"


def _unread(edit: h.Edit, kind: str, names: Names) -> str:
    return "changed it in a version this site could not read"


def _layout(edit: h.Edit, kind: str, names: Names) -> str:
    return "reformatted it, with no change a reader sees"


# The other fields, by kind ("profile" or "source"), as a reader names them.
_FIELDS = {
    "id": "its identifier",
    "name": "the name",
    "type": "the type",
    "type_description": "the description of its type",
    "status": "the status",
    "founded": "the founding date",
    "dissolved": "the date it was dissolved",
    "active": "the years it was active",  # a fact of groups before issue 25 (now: status)
    "areas": "the areas",
    "areas_description": "the description of where it operates",
    "base": "the base",
    "role": "the role",
    "born": "the date of birth",
    "died": "the date of death",
    "nationality": "the nationality",
    "nationality_description": "the description of the nationality",
    "date": "the date",
    "end_date": "the end date",
    "place": "the place",
    "country": "the country",
    "coordinates": "the position on the map",
    "era": "the era it opens on the timeline",
    "summary": "the summary",
}
_SOURCE_FIELDS = {
    "title": "the title",
    "title_is_descriptive": "whether the title is the source's own",
    "publisher": "the publisher",
    "authors": "the authors",
    "kind": "the kind of source",
    "date": "the date of publication",
    "url": "the web address",
    "summary": "the summary",
    "notes": "the notes",
    "archive": "the archived copy of its text",
    "furniture": "which paragraphs are set aside as page furniture",
}
_WRITTEN = frozenset({"type_description", "areas_description", "nationality_description", "base", "role", "place", "title", "summary", "notes"})


def _noun(key: str, kind: str) -> str | None:
    return (_SOURCE_FIELDS if kind == "source" else _FIELDS).get(key)


def _field(edit: h.Edit, kind: str, names: Names) -> str:
    key = edit.items[0] if edit.items else ""
    noun = _noun(key, kind)
    if noun is None:  # a key the data does not have (an old version's): not named
        return f"{edit.act} other details"
    if edit.act == h.CHANGED:
        return f"{'revised' if key in _WRITTEN else 'changed'} {noun}"
    return f"{edit.act} {noun}"


def _name(edit: h.Edit, kind: str, names: Names) -> str:
    return f"changed the name to {edit.items[0]}" if edit.items else "changed the name"


def _listed(one: str, many: str) -> Callable[[h.Edit, str, Names], str]:
    def words(edit: h.Edit, kind: str, names: Names) -> str:
        if edit.act == h.REORDERED:
            return f"reordered the {many}"
        if edit.act == h.CHANGED:
            return _revision(_named(edit, one, many), edit, names)
        return f"{edit.act} {_named(edit, one, many)}" + (_cited(edit.sources, names) if edit.act == h.ADDED else "")

    return words


def _former_id(edit: h.Edit, kind: str, names: Names) -> str:
    if edit.act == h.REORDERED:
        return "reordered the former addresses"
    leads = ("now leads" if edit.count == 1 else "now lead") if edit.act == h.ADDED else "no longer leads" if edit.count == 1 else "no longer lead"
    return f"{edit.act} {_named(edit, 'former address', 'former addresses')}, which {leads} here"


def _facts(edit: h.Edit, kind: str) -> str:
    nouns = [_noun(key, kind) or "another fact" for key in edit.items]
    listed = list(dict.fromkeys(nouns))
    if edit.count > len(edit.items):
        listed.append(f"{edit.count - len(edit.items)} more facts")
    return joined(listed) + " in the summary box"


def _fact_cite(edit: h.Edit, kind: str, names: Names) -> str:
    facts = _facts(edit, kind)
    if edit.act == h.ADDED:
        sources = names.listing(edit.gained)
        return f"added {_citations(len(edit.gained) * edit.count)} to {sources} for {facts}" if sources else f"cited {facts}"
    if edit.act == h.REMOVED:
        return f"removed the citations for {facts}"
    return _revision(facts, edit, names)


def _summary(edit: h.Edit, kind: str, names: Names) -> str:
    if edit.act == h.ADDED:
        return "added a summary"
    if edit.act == h.REMOVED:
        return "removed the summary"
    return _revision("the summary", edit, names)


def _section(edit: h.Edit, kind: str, names: Names) -> str:
    if edit.act == h.REORDERED:
        return "reordered the sections"
    if edit.act == h.RENAMED and len(edit.items) == 2:
        return f"renamed the section {_quoted(edit.items[0])} to {_quoted(edit.items[1])}"
    section = f"the section {_quoted(edit.items[0])}" if edit.items and edit.items[0] else "a section"
    if edit.act == h.ADDED:
        return f"added {section}" + _cited(edit.sources, names)
    return f"{'revised' if edit.act == h.CHANGED else edit.act} {section}"


def _claim(edit: h.Edit, kind: str, names: Names) -> str:
    title = _quoted(edit.items[0]) if edit.items and edit.items[0] else "a section"
    if edit.act == h.REORDERED:
        return f"reordered the statements in {title}"
    if edit.act == h.ADDED:
        return f"added {_count(edit.count, 'a statement', 'statements')} to {title}" + _cited(edit.sources, names)
    if edit.act == h.REMOVED:
        return f"removed {_count(edit.count, 'a statement', 'statements')} from {title}"
    return _revision(f"{_count(edit.count, 'a statement', 'statements')} in {title}", edit, names)


def figure_name(label: str) -> str:
    """ "the deaths figure" for the label "Deaths (each source's count, by category)"; a longer label
    is quoted: "the figure “Fighters in Afghanistan”"."""
    head = label.split(" (")[0].strip() or label
    if len(head.split()) > 2:
        return f"the figure {_quoted(head)}"
    if head[1:2].islower():  # "Deaths" reads "deaths"; "US deaths" and "ISIS-K" keep their capitals
        head = head[:1].lower() + head[1:]
    return f"the {head} figure"


def _figure(edit: h.Edit, kind: str, names: Names) -> str:
    figure = figure_name(edit.items[0]) if edit.items and edit.items[0] else "a figure"
    if edit.act == h.ADDED:
        listed = names.listing(edit.sources)
        return f"added {figure}" + (f", with values from {listed}" if listed else "")
    if edit.act == h.REMOVED:
        return f"removed {figure}"
    return _revision(figure, edit, names)


def _number(parts: tuple[str, str, str]) -> str:
    qualifier, value, upper = parts

    def shown(text: str) -> str:
        try:
            return format_number(float(text))
        except ValueError:
            return text

    number = shown(value) + (f"–{shown(upper)}" if upper else "")
    return f"{QUALIFIER_WORDS.get(qualifier, '')} {number}".strip()


def _as_of(when: str) -> str:
    try:
        return dates.words(when) if when else ""
    except (ValueError, IndexError):
        return when


def _value(edit: h.Edit, kind: str, names: Names) -> str:
    label, category = (*edit.items, "", "")[:2]
    figure = figure_name(label) if label else "a figure"
    number = _number(edit.value) + (f" ({category})" if category else "")
    given = _given(edit.sources, names)
    when = _as_of(edit.when)
    if edit.act == h.ADDED:
        if given:  # "given by The Hindu (March 2024)": the date the value is as of
            return f"added the value {number} to {figure},{given}" + (f" ({when})" if when else "")
        return f"added the value {number} to {figure}" + (f" (as of {when})" if when else "")
    if edit.act == h.REMOVED:
        return f"removed the value {number}{given} from {figure}"
    if "value" in edit.aspects and edit.was != edit.value:
        return f"changed the value{given} in {figure} from {_number(edit.was)} to {_number(edit.value)}"
    return _revision(f"the value {number}{given} in {figure}", edit, names)


def relation(edit: h.Edit, names: Names) -> str:
    """ "“allied with Afghan Taliban”": a relationship as its profile's page words it."""
    kind, target = (*edit.items, "", "")[:2]
    other = names.profiles.get(target, target)
    known = RELATIONSHIP_TYPES.get(kind)
    if known is None or not other:  # a type the vocabulary does not have (an old version's): not named
        return f"a relationship with {other}" if other else "a relationship"
    label = known.label[:1].lower() + known.label[1:]
    return f"the relationship {_quoted(f'{label} {other}')}"


def _relationship(edit: h.Edit, kind: str, names: Names) -> str:
    link = relation(edit, names)
    if edit.act == h.ADDED:
        return f"added {link}" + _cited(edit.sources, names)
    if edit.act == h.REMOVED:
        return f"removed {link}"
    if tuple(edit.aspects) == ("ended",):
        return f"marked {link} as ended"
    return _revision(link, edit, names)


def _more(edit: h.Edit, kind: str, names: Names) -> str:
    return f"{edit.count} more change{'s' if edit.count != 1 else ''}"


_PHRASES: dict[str, Callable[[h.Edit, str, Names], str]] = {
    h.PROFILE: _profile,
    h.UNREAD: _unread,
    h.LAYOUT: _layout,
    h.FIELD: _field,
    h.NAME: _name,
    h.ALIAS: _listed("alias", "aliases"),
    h.AREA: _listed("area", "areas"),
    h.FORMER_ID: _former_id,
    h.FACT_CITE: _fact_cite,
    h.SUMMARY: _summary,
    h.SECTION: _section,
    h.CLAIM: _claim,
    h.FIGURE: _figure,
    h.VALUE: _value,
    h.RELATIONSHIP: _relationship,
    h.MORE: _more,
}
