"""What changed in the data files, and when, from git: read once per build, used by the render stage.

``read_history(root)`` asks git what each commit under ``data/`` changed and answers without going
back to it: when did this file last change (``last_changed``), what did each commit change in it
(``changes_of``: records, ``Edit``, of the parts changed and the sources they cite, which the render
stage puts in a reader's words: "added a value of 137 to the deaths figure, given by The Hindu"), and
what changed recently across the site (``commits`` and ``days``, for the "What changed" page and its
Atom feed).

Everything git gives is input a pull request controls (commit messages, dates, file names, and every
old version of a file), so it is read as untrusted:

- ``git log -z`` separates every field with NUL, the one byte a commit message cannot hold; each
  record is read by position and each field checked (a hash of 40 or 64 hex digits, a marker drawn
  for this reading, an ISO 8601 time, the raw diff line's modes and blob ids): a log that does not fit
  is not trusted at all, so no message can end a record early, forge another one, or fake the
  "grafted" mark of a shallow clone.
- A date that ``datetime`` cannot hold (git accepts the year 11476) is unknown (None), not an error.
- Messages and file names lose their control characters and are cut to a bounded length here,
  before any page, feed or export sees them; templates escape them for where they land.
- An old version of a file is read through the project's bounded loader, and whatever shape it has,
  comparing it gives records, never an exception; every text a record holds is cleaned and cut.

The cost per build is bounded whatever the history holds (``BOUND``): one ``git log`` lists each
commit's changed paths and blob ids, never the files' contents; the contents are read (two
``git cat-file`` calls) only for the newest ``CHANGES_PER_FILE`` changes of each file, so at most
``CHANGES_PER_FILE + 1`` versions of it, each once and none larger than the loader's
``MAX_FILE_BYTES``. An older change is listed (on the "What changed" page) without what it changed.

Where git cannot tell, the answers are empty rather than wrong, and ``History`` says why
(``state``): outside a checkout, without git, in a shallow checkout, or with a log that cannot be
read. A shallow checkout (CI's default of one commit) knows only its newest commits, and would date
every file by the oldest of them: it gets no dates at all (git marks the cut-off commit "grafted").
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import subprocess
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .load import MAX_FILE_BYTES, SourceMap, parse_yaml

# The newest changes of one file whose versions are compared (a profile page lists them): the bound on what
# a build reads of the files' old versions.
CHANGES_PER_FILE = 5
# The newest commits that the "What changed" page lists (the feed takes fewer), and how many files of
# each it names (the rest are counted).
RECENT_COMMITS = 50
FILES_PER_COMMIT = 20
SUBJECT = 200  # characters of a commit's subject kept (not shown: the pages say what changed in words)
_LABEL = 60  # characters of a title, label, name or id from an old version of a file
# At most this many edits are named for one file in one commit; the rest are counted.
_NAMED = 4
_TIMEOUT = 120  # seconds for each git call

# %H, a marker, %cI, %D, %s, each ended by NUL (the last by -z's own separator). The marker is drawn
# anew for each reading: were a message ever printed with a NUL in it (git re-encodes a message from
# the encoding its commit names), what follows could still not pass for a record. The decorations are
# limited to a pattern no ref name can match (check-ref-format forbids ".."), so %D holds only git's
# own "grafted" mark, never a branch or tag a pull request could name "grafted".
_FORMAT = "%H%x00{marker}%x00%cI%x00%D%x00%s"
_HEADER = 5  # fields
_NO_REFS = "--decorate-refs=refs/../"
_HASH = r"(?:[0-9a-f]{40}|[0-9a-f]{64})"
_SHA = re.compile(_HASH)
# One line of --raw output: ":100644 100644 <old blob> <new blob> M" (R and C carry a score and two paths).
_RAW = re.compile(rf"\n?:([0-7]{{6}}) ([0-7]{{6}}) ({_HASH}) ({_HASH}) ([ACDMTUXB]|[RC][0-9]{{0,3}})")
# What %cI prints: an ISO 8601 time, though not always one datetime holds (a year of five digits, an
# offset of +999:99 in a commit made by hand).
_TIME = re.compile(r"-?[0-9]+-[0-9]+-[0-9]+T[0-9]+:[0-9]+:[0-9]+[+-][0-9]+:[0-9]+")
_STRICT_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}")
_ABSENT = re.compile(r"0+")  # the blob id of a side that does not exist


# -- text from git ----------------------------------------------------------------------------------

# Characters removed from text read from git before it goes anywhere: controls (which XML 1.0 cannot
# hold and HTML shows as nothing), lone surrogates, noncharacters, and the bidirectional controls
# that make text read otherwise than it is stored.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SPACE = re.compile(r"\s+")


def _kept(char: str) -> bool:
    if char in _BIDI:
        return False
    code = ord(char)
    if 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        return False
    return unicodedata.category(char) not in ("Cc", "Cs", "Cn", "Co")  # controls, surrogates, unassigned, private use


def clean(text: str, limit: int) -> str:
    """Text from git as one line of plain text: whitespace runs (line breaks included) become one
    space, control and other invisible characters go, and what is longer than ``limit`` characters is
    cut at a word (see ``cut``)."""
    flat = _SPACE.sub(" ", text[: limit * 4])  # a message may be megabytes long: only its start is shown
    if not flat.isascii() or not flat.isprintable():
        flat = _SPACE.sub(" ", "".join(char for char in flat if _kept(char)))
    return cut(flat.strip(), limit)


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters: whole, or cut at the last space that leaves room for a
    mark of omission (" …"), or where there is no space to cut at, at the limit itself ("…")."""
    if len(text) <= limit:
        return text
    space = text.rfind(" ", 0, limit - 1)
    if space <= 0:
        return text[: limit - 1] + "…"
    return text[:space].rstrip(",;: ") + " …"


def _text(raw: bytes, limit: int) -> str:
    return clean(raw.decode("utf-8", errors="replace"), limit)


# -- what a history is -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Commit:
    """One file changed by one commit."""

    sha: str
    date: dt.date | None  # the committer date (when the change reached the branch); None: not a date
    file: str  # project-relative, with forward slashes: data/groups/isis-k.yaml
    subject: str
    edits: tuple[Edit, ...] = ()  # what changed in the file (render/changes.py puts it in words)
    time: str = ""  # the committer date and time, ISO 8601 with its offset; "" when not a date
    name: str = ""  # the name the file gave in this change (after it, or before if it removed it)


@dataclass(frozen=True)
class Change:
    """One commit and the data files it changed, for the "What changed" page: the first
    FILES_PER_COMMIT of them, and how many ``more``."""

    sha: str
    date: dt.date | None
    time: str
    subject: str
    files: tuple[Commit, ...]
    more: int = 0


# Why a build has no history: None when it has one.
NO_GIT = "no-git"  # not a git checkout, or git is not installed
SHALLOW = "shallow"  # a shallow checkout: only the newest commits, so dates would be wrong
UNREADABLE = "unreadable"  # git's answer did not have the shape asked for: nothing of it is trusted


@dataclass(frozen=True)
class History:
    """Changes to the data files, newest first; one entry per (commit, file)."""

    changes: tuple[Commit, ...] = ()
    state: str | None = NO_GIT
    also_dated: tuple[Commit, ...] = ()  # files whose dates are known but whose changes are not listed (briefs)
    _last: dict[str, dt.date | None] = field(default_factory=dict, repr=False, compare=False)
    _of: dict[str, list[Commit]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for change in self.changes:  # newest first, so the first date seen for a file is its last
            self._last.setdefault(change.file, change.date)
            self._of.setdefault(change.file, []).append(change)
        for change in self.also_dated:
            self._last.setdefault(change.file, change.date)

    def dating(self, other: History) -> History:
        """This history, knowing also when each file of ``other`` last changed (a brief's date), without
        listing their changes on the "What changed" page."""
        return replace(self, also_dated=other.changes) if other.known else self

    @property
    def known(self) -> bool:
        """True when the dates can be trusted: a full history was read."""
        return self.state is None

    def last_changed(self, file: str) -> dt.date | None:
        """Date of the newest commit that touched this project-relative file, if any and if known."""
        return self._last.get(file)

    def changes_of(self, file: str, limit: int = CHANGES_PER_FILE) -> list[Commit]:
        """The newest changes of one file, newest first (at most CHANGES_PER_FILE: those whose versions
        were read)."""
        return self._of.get(file, [])[: min(limit, CHANGES_PER_FILE)]

    def count_of(self, file: str) -> int:
        return len(self._of.get(file, []))

    def recent(self, limit: int = 20) -> list[Commit]:
        """The newest changes, one per file a commit touched."""
        return list(self.changes[:limit])

    def commits(self, limit: int = 30) -> list[Change]:
        """The newest commits that changed data (at most RECENT_COMMITS), each with the files it changed."""
        return _commits(self.changes, min(limit, RECENT_COMMITS))

    def days(self, limit: int = RECENT_COMMITS) -> list[tuple[dt.date | None, list[Change]]]:
        """The newest commits by the day they were made, newest day first; commits whose date is not
        known come last, under None."""
        by_day: dict[dt.date | None, list[Change]] = {}
        for change in self.commits(limit):
            by_day.setdefault(change.date, []).append(change)
        return sorted(by_day.items(), key=lambda item: (item[0] is None, -(item[0] or dt.date.min).toordinal()))


def _commits(changes: Iterable[Commit], limit: int) -> list[Change]:
    out: list[Change] = []
    for change in changes:
        if out and out[-1].sha == change.sha:
            last = out[-1]
            if len(last.files) < FILES_PER_COMMIT:
                out[-1] = Change(last.sha, last.date, last.time, last.subject, (*last.files, change))
            else:
                out[-1] = Change(last.sha, last.date, last.time, last.subject, last.files, last.more + 1)
            continue
        if len(out) == limit:
            break
        out.append(Change(change.sha, change.date, change.time, change.subject, (change,)))
    return out


# -- reading git -------------------------------------------------------------------------------------


def read_history(root: Path, folder: str = "data") -> History:
    """Everything git knows about ``root/folder``; an empty History (saying why) when git cannot tell."""
    marker = secrets.token_hex(8)
    log_format = "--format=" + _FORMAT.format(marker=marker)
    log = _git(root, ["log", "-z", "--raw", "--no-abbrev", "--no-renames", "--relative", "--no-color", _NO_REFS, log_format, "--", folder])
    if log is None:
        return History()  # no git on this machine, or not a checkout: build without dates
    entries, state = parse_log(log, marker)
    if state is not None:
        return History(state=state)
    versions = _versions(root, _wanted(entries))
    return History(tuple(entry.commit(versions) for entry in entries), None)


def _git(root: Path, args: list[str], given: bytes = b"") -> bytes | None:
    """git's output, or None where it fails. Settings a checkout may carry that would change what is
    printed (signatures, external diff tools) are overridden."""
    command = ["git", "-c", "log.showSignature=false", "-c", "log.showRoot=true", "-c", "diff.external=", *args]
    try:
        done = subprocess.run(command, cwd=root, input=given, capture_output=True, timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


@dataclass(frozen=True)
class Entry:
    """One file of one commit as the log names it: its blob ids before and after ("" for none)."""

    sha: str
    date: dt.date | None
    time: str
    subject: str
    file: str
    before: str
    after: str
    read: bool = False  # whether its versions are compared (within the bound)

    def commit(self, versions: dict[str, Any]) -> Commit:
        if not self.read:
            return Commit(self.sha, self.date, self.file, self.subject, (), self.time)
        old = versions.get(self.before, _UNREADABLE) if self.before else None
        new = versions.get(self.after, _UNREADABLE) if self.after else None
        name = _name_of(new) or _name_of(old)
        return Commit(self.sha, self.date, self.file, self.subject, tuple(_describe(old, new)), self.time, name)


def parse_log(output: bytes, marker: str) -> tuple[list[Entry], str | None]:
    """The entries of ``git log -z --raw --format=_FORMAT``, newest first, with which of them have
    their versions compared; or no entries and the state that says why not (SHALLOW, UNREADABLE)."""
    tokens = output.split(b"\0")
    entries: list[Entry] = []
    at = 0
    while at < len(tokens) and tokens[at].strip(b"\n"):
        if at + _HEADER > len(tokens):
            return [], UNREADABLE
        sha, mark, when, refs, subject = (token.decode("utf-8", errors="replace") for token in tokens[at : at + _HEADER])
        if not _SHA.fullmatch(sha) or mark != marker or not _TIME.fullmatch(when) or refs not in ("", "grafted"):
            return [], UNREADABLE
        if refs == "grafted":
            return [], SHALLOW  # the cut-off of a shallow checkout: dates would be wrong
        moment = _moment(when)
        header = (sha, moment.date() if moment else None, moment.isoformat() if moment else "", clean(subject, SUBJECT))
        at += _HEADER
        while at < len(tokens) and (raw := _RAW.fullmatch(tokens[at].decode("ascii", errors="replace"))):
            paths = 2 if raw.group(5)[0] in "RC" else 1
            if at + paths >= len(tokens):
                return [], UNREADABLE
            file = _text(tokens[at + paths], 1000)
            before, after = (oid if not _ABSENT.fullmatch(oid) else "" for oid in raw.group(3, 4))
            entries.append(Entry(*header, file, before, after))
            at += 1 + paths
    if any(token.strip(b"\n") for token in tokens[at:]):
        return [], UNREADABLE
    return _mark_read(entries), None


def _moment(text: str) -> dt.datetime | None:
    if not _STRICT_TIME.fullmatch(text):
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:  # a year past 9999 or before 1, a month 13, an offset of 99 hours
        return None


def _mark_read(entries: list[Entry]) -> list[Entry]:
    """Which entries get their versions compared: each YAML file's newest CHANGES_PER_FILE."""
    seen: dict[str, int] = {}
    marked = []
    for entry in entries:
        seen[entry.file] = seen.get(entry.file, 0) + 1
        marked.append(replace(entry, read=seen[entry.file] <= CHANGES_PER_FILE and entry.file.endswith(".yaml")))
    return marked


def _wanted(entries: list[Entry]) -> set[str]:
    return {oid for entry in entries if entry.read for oid in (entry.before, entry.after) if oid}


def _versions(root: Path, oids: set[str]) -> dict[str, Any]:
    """Each wanted blob's data, parsed once (UNREADABLE where it is not a profile the loader reads)."""
    if not oids:
        return {}
    listed = _git(root, ["cat-file", "--batch-check=%(objectname) %(objecttype) %(objectsize)"], "\n".join(sorted(oids)).encode() + b"\n")
    small = []
    for line in (listed or b"").decode("ascii", errors="replace").splitlines():
        parts = line.split(" ")
        if len(parts) == 3 and parts[0] in oids and parts[1] == "blob" and parts[2].isdigit() and int(parts[2]) <= MAX_FILE_BYTES:
            small.append(parts[0])
    contents = _git(root, ["cat-file", "--batch"], "\n".join(small).encode() + b"\n") if small else b""
    found = dict(_batch(contents or b""))
    return {oid: _read(found[oid]) if oid in found else _UNREADABLE for oid in oids}


def _batch(output: bytes) -> Iterable[tuple[str, str | None]]:
    """(blob id, its text, None if not UTF-8) from ``git cat-file --batch``: a header line
    "<oid> blob <size>", that many bytes, a newline."""
    at = 0
    while at < len(output):
        end = output.find(b"\n", at)
        if end < 0:
            return
        parts = output[at:end].decode("ascii", errors="replace").split(" ")
        if len(parts) != 3 or not parts[2].isdigit():
            return
        size = int(parts[2])
        body = output[end + 1 : end + 1 + size]
        at = end + 2 + size
        try:
            yield parts[0], body.decode("utf-8-sig")
        except UnicodeDecodeError:
            yield parts[0], None


_UNREADABLE = object()  # a version that is not a profile the loader reads


# -- what changed, as records -----------------------------------------------------------------------
#
# A change is compared here, and put in words by the render stage (render/changes.py), which knows
# what each source is called and what each profile is named: this stage names the parts of a file
# that changed and the sources each part cites, by id, and keeps no words of its own.

# What part of a file an edit is to.
PROFILE = "profile"  # the whole file: added or removed
UNREAD = "unread"  # a version that is not data the loader reads
LAYOUT = "layout"  # nothing a reader sees changed: order of keys, comments, quoting
FIELD = "field"  # one of the other top-level fields: items = (its key,)
NAME = "name"  # items = (the new name,)
ALIAS = "alias"  # items = the names
AREA = "area"  # items = the areas
FORMER_ID = "former-id"  # items = the former ids
FACT_CITE = "fact-cite"  # the citations of the summary box's facts: items = the facts (keys)
SUMMARY = "summary"
SECTION = "section"  # items = (title,), or (old title, new title) when renamed
CLAIM = "claim"  # items = (the section's title,); count = how many claims
FIGURE = "figure"  # items = (label,); count = how many values
VALUE = "value"  # one value of a figure: items = (the figure's label, the value's category)
RELATIONSHIP = "relationship"  # items = (type, target id)
MORE = "more"  # count = how many further edits are not listed

ADDED, REMOVED, CHANGED, RENAMED, REORDERED = "added", "removed", "changed", "renamed", "reordered"

_ITEMS = 10  # names kept of one edit to a list (aliases, areas): the rest are counted


@dataclass(frozen=True)
class Edit:
    """One thing a commit did to one file: what part (``part``), how (``act``), and the sources the
    part cites. Every text is the data's own (a name, a title, a label, a source id), cleaned and cut
    here: an old version of a file was never validated."""

    act: str  # ADDED, REMOVED, CHANGED, RENAMED or REORDERED
    part: str  # PROFILE, FIELD, ALIAS, ...
    items: tuple[str, ...] = ()  # what it names (see each part)
    sources: tuple[str, ...] = ()  # ids of the sources the part cites (the old version's, if removed)
    gained: tuple[str, ...] = ()  # sources a changed part cites now and did not before
    dropped: tuple[str, ...] = ()  # sources it no longer cites
    aspects: tuple[str, ...] = ()  # what of a kept part changed: "text", "citations", "dates", ...
    count: int = 1
    value: tuple[str, str, str] = ("", "", "")  # a figure value: its qualifier, number and upper end
    was: tuple[str, str, str] = ("", "", "")  # the number it replaced
    when: str = ""  # the date a figure value is as of


def changed(before: str | None, after: str | None) -> list[Edit]:
    """What a change did to a file, from its text before and after (None: no such version). A file
    that cannot be read (not YAML, or refused by the loader's bounds) gives one UNREAD edit."""
    return _describe(_read(before) if before else None, _read(after) if after else None)


def _describe(old: Any, new: Any) -> list[Edit]:
    """The edits from ``old`` to ``new``: each the data of a version, None where there is no such
    version, or _UNREADABLE. At most _NAMED, and one MORE that counts the rest."""
    if old is None and new is None:
        return []
    if old is _UNREADABLE or new is _UNREADABLE:
        return [Edit(CHANGED, UNREAD)]
    if old is None:
        return [Edit(ADDED, PROFILE)]
    if new is None:
        return [Edit(REMOVED, PROFILE)]
    found: list[Edit] = []
    for key in [*new, *(k for k in old if k not in new)]:
        found += _compare(str(key), old.get(key), new.get(key))
    if len(found) > _NAMED:
        found = [*found[:_NAMED], Edit(CHANGED, MORE, count=len(found) - _NAMED)]
    return found or [Edit(CHANGED, LAYOUT)]


def _name_of(data: Any) -> str:
    """The name a version of a file gives (a profile's name, a source's title), or ""."""
    if not isinstance(data, dict):
        return ""
    name = data.get("name") or data.get("title")
    return _words(name) if isinstance(name, str) else ""


def _read(text: str | None) -> Any:
    """The data of one version of a file, through the project's own bounded loader (an old version
    is input like any other: no anchors, no depth or size beyond the loader's bounds); _UNREADABLE
    where it is not a mapping the loader reads."""
    if text is None:
        return _UNREADABLE
    data = parse_yaml(text, SourceMap("history"), [])
    return data if isinstance(data, dict) else _UNREADABLE


# Old versions of a file were never validated: a list may be a number, a title a list. These read
# any value as the shape wanted, or as nothing.


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dicts(value: Any) -> list[dict[Any, Any]]:
    return [item for item in _list(value) if isinstance(item, dict)]


def _dict(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _key(value: Any) -> Hashable:
    """A value as a dictionary key, whatever it is (a list or a mapping is not hashable)."""
    return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)


def _words(value: Any) -> str:
    """A title, label, name or id from an old version, as text to show: one clean line, cut short."""
    return clean(value if isinstance(value, str) else repr(value), _LABEL)


def _shown(value: Any) -> str:
    """A text to show from an old version (a title, a label, an id), or "" where it is not text."""
    return _words(value) if isinstance(value, str) else ""


def _cites(value: Any) -> list[tuple[str, str]]:
    """(source id, locator) of each citation, written "source-id, para 4" or {source, at}."""
    found = []
    for cite in _list(value):
        source: Any
        at: Any
        if isinstance(cite, str):
            source, _, at = cite.partition(",")
        elif isinstance(cite, dict):
            source, at = cite.get("source"), cite.get("at")
        else:
            continue
        found.append((_words(source).strip() if source is not None else "", _words(at).strip() if at is not None else ""))
    return found


def _sources(*items: Any) -> tuple[str, ...]:
    """The distinct sources that ``items`` (each a mapping with a "cite") cite, in order."""
    return tuple(dict.fromkeys(s for item in items for s, _ in _cites(_dict(item).get("cite")) if s))


# What of a kept part changed, by the key that changed ("cite" is told apart below).
_ASPECT = {
    "text": "text",
    "status": "attribution",
    "by": "attribution",
    "derived": "derived",
    "note": "note",
    "since": "dates",
    "until": "dates",
    "ended": "ended",
    "label": "label",
    "unit": "unit",
    "category": "category",
    "unconfirmed": "unconfirmed",
    "value": "value",
    "max": "value",
    "qualifier": "value",
    "as_of": "as-of",
}


def _revision(part: str, items: tuple[str, ...], old: dict[Any, Any], new: dict[Any, Any], **more: Any) -> Edit:
    """A part kept from one version to the next, with what of it changed and the sources it gained
    and dropped (only other passages of the same sources: aspect "passages")."""
    before, after = _sources(old), _sources(new)
    gained = tuple(s for s in after if s not in before)
    dropped = tuple(s for s in before if s not in after)
    aspects = []
    for key in dict.fromkeys([*new, *old]):
        if old.get(key) == new.get(key):
            continue
        if key == "cite":
            aspects.append("citations" if gained or dropped else "passages")
        else:
            aspects.append(_ASPECT.get(key, "details") if isinstance(key, str) else "details")
    return Edit(CHANGED, part, items, after, gained, dropped, tuple(dict.fromkeys(aspects)), **more)


def _compare(key: str, old: Any, new: Any) -> list[Edit]:
    if old == new:
        return []
    compare = _PARTS.get(key)
    if compare is not None:
        return compare(old, new)
    if key == "name" and isinstance(new, str) and old is not None:
        return [Edit(CHANGED, NAME, (_words(new),))]
    act = ADDED if old is None else REMOVED if new is None else CHANGED
    return [Edit(act, FIELD, (_words(key),))]


def _summary(old: Any, new: Any) -> list[Edit]:
    if isinstance(old, dict) and isinstance(new, dict):
        return [_revision(SUMMARY, (), old, new)]
    act = ADDED if old is None else REMOVED if new is None else CHANGED
    return [Edit(act, SUMMARY, aspects=("text",))]  # a source's summary: plain text


def _listed(part: str, old: list[Any], new: list[Any], name: Any = _key) -> list[Edit]:
    """Edits to a list of named things (aliases, areas, former ids): those added, those removed, each
    kept one that changed (an alias's citations), or the same ones in another order."""
    before = {name(item): item for item in old}
    after = {name(item): item for item in new}
    out = []
    for act, keys, given in ((ADDED, [k for k in after if k not in before], after), (REMOVED, [k for k in before if k not in after], before)):
        if keys:
            shown = tuple(word for k in keys[:_ITEMS] if (word := _shown(k)))  # a blank or non-text name goes uncounted by name
            out.append(Edit(act, part, shown, _sources(*(given[k] for k in keys)), count=len(keys)))
    # Those kept but changed (an alias's citations), one edit for all that changed alike: written as
    # a plain name before, an alias is {name: ...} without citations.
    kept: dict[tuple[str, ...], list[Edit]] = {}
    for k, item in after.items():
        if k in before and item != before[k] and isinstance(item, dict):
            was = before[k] if isinstance(before[k], dict) else {"name": before[k]}
            edit = _revision(part, (_words(k),), was, item)
            kept.setdefault(edit.aspects, []).append(edit)
    for aspects, edits in kept.items():
        out.append(Edit(CHANGED, part, tuple(e.items[0] for e in edits[:_ITEMS]), *_unions(edits), aspects=aspects, count=len(edits)))
    return out or [Edit(REORDERED, part)]


def _unions(edits: list[Edit]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The sources, gained sources and dropped sources of several edits, each once, in order."""

    def union(pick: Callable[[Edit], tuple[str, ...]]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(source for edit in edits for source in pick(edit)))

    return union(lambda e: e.sources), union(lambda e: e.gained), union(lambda e: e.dropped)


def _alias_name(item: Any) -> Hashable:
    return _key(item.get("name") if isinstance(item, dict) else item)


def _aliases(old: Any, new: Any) -> list[Edit]:
    return _listed(ALIAS, _list(old), _list(new), _alias_name)


def _areas(old: Any, new: Any) -> list[Edit]:
    return _listed(AREA, _list(old), _list(new))


def _former_ids(old: Any, new: Any) -> list[Edit]:
    return _listed(FORMER_ID, _list(old), _list(new))


def _fact_cites(old: Any, new: Any) -> list[Edit]:
    """The citations of the summary box's facts, in at most three edits: the facts newly cited, those
    no longer cited, and those cited otherwise."""
    before, after = _dict(old), _dict(new)
    acts: dict[str, tuple[list[str], dict[str, None], dict[str, None]]] = {act: ([], {}, {}) for act in (ADDED, REMOVED, CHANGED)}
    for fact in dict.fromkeys([*after, *before]):
        was, now = _cites(before.get(fact)), _cites(after.get(fact))
        if was == now:
            continue
        named, gained, dropped = acts[ADDED if not was else REMOVED if not now else CHANGED]
        named.append(_words(fact))
        gained.update(dict.fromkeys(s for s, _ in now if s and s not in {w for w, _ in was}))
        dropped.update(dict.fromkeys(s for s, _ in was if s and s not in {n for n, _ in now}))
    out = []
    for act, (named, gained, dropped) in acts.items():
        if named:
            aspects = () if act != CHANGED else (("citations",) if gained or dropped else ("passages",))
            out.append(Edit(act, FACT_CITE, tuple(named[:_ITEMS]), gained=tuple(gained), dropped=tuple(dropped), aspects=aspects, count=len(named)))
    return out


def _by(items: list[dict[Any, Any]], key: str) -> dict[Hashable, dict[Any, Any]]:
    return {_key(item.get(key)): item for item in items}


def _sections(old: Any, new: Any) -> list[Edit]:
    before, after = _by(_dicts(old), "title"), _by(_dicts(new), "title")
    added = [t for t in after if t not in before]
    removed = [t for t in before if t not in after]

    def title(section: dict[Any, Any]) -> tuple[str]:
        return (_shown(section.get("title")),)

    if len(added) == len(removed) == 1 and after[added[0]].get("claims") == before[removed[0]].get("claims"):
        return [Edit(RENAMED, SECTION, (*title(before[removed[0]]), *title(after[added[0]])))]
    out = []
    for key, section in after.items():
        if key in added:
            claims = _dicts(section.get("claims"))
            out.append(Edit(ADDED, SECTION, title(section), _sources(*claims), count=len(claims)))
        elif section != before[key]:
            edits = _claims(title(section), _dicts(before[key].get("claims")), _dicts(section.get("claims")))
            out += edits or [Edit(CHANGED, SECTION, title(section))]
    out += [Edit(REMOVED, SECTION, title(before[key])) for key in removed]
    if not out and list(before) != list(after):
        out.append(Edit(REORDERED, SECTION))
    return out


def _claims(title: tuple[str, ...], old: list[dict[Any, Any]], new: list[dict[Any, Any]]) -> list[Edit]:
    """The claims of one section: those added and removed (told by their text; as many of each:
    revised), and those whose text stayed but whose citations or attribution changed."""
    before, after = _by(old, "text"), _by(new, "text")
    added = [c for t, c in after.items() if t not in before]
    removed = [c for t, c in before.items() if t not in after]
    out = []
    if added and len(added) == len(removed):
        out.append(Edit(CHANGED, CLAIM, title, _sources(*added), aspects=("text",), count=len(added)))
    else:
        if added:
            out.append(Edit(ADDED, CLAIM, title, _sources(*added), count=len(added)))
        if removed:
            out.append(Edit(REMOVED, CLAIM, title, _sources(*removed), count=len(removed)))
    kept = [_revision(CLAIM, title, before[t], c) for t, c in after.items() if t in before and c != before[t]]
    if kept:
        aspects = tuple(dict.fromkeys(a for edit in kept for a in edit.aspects))
        out.append(Edit(CHANGED, CLAIM, title, *_unions(kept), aspects=aspects, count=len(kept)))
    if not out and [_key(c.get("text")) for c in old] != [_key(c.get("text")) for c in new]:
        out.append(Edit(REORDERED, CLAIM, title))
    return out


def _optional(value: Any) -> str:
    """``_words`` of what an old version may leave out: "" where it does."""
    return "" if value is None else _words(value)


def _number(value: dict[Any, Any]) -> tuple[str, str, str]:
    """A figure value's qualifier, number and upper end, as text (render formats them)."""
    return (_optional(value.get("qualifier")), _optional(value.get("value")), _optional(value.get("max")))


def _figure_label(figure: dict[Any, Any]) -> str:
    return _shown(figure.get("label")) or _shown(figure.get("id"))


def _figures(old: Any, new: Any) -> list[Edit]:
    before, after = _by(_dicts(old), "id"), _by(_dicts(new), "id")
    out = []
    for figure_id, figure in after.items():
        label = _figure_label(figure)
        values = _dicts(figure.get("values"))
        if figure_id not in before:
            out.append(Edit(ADDED, FIGURE, (label,), _sources(*values), count=len(values)))
            continue
        previous = before[figure_id]
        out += _values(label, _dicts(previous.get("values")), values)
        rest = {k: v for k, v in figure.items() if k != "values"}
        was = {k: v for k, v in previous.items() if k != "values"}
        if rest != was:
            out.append(_revision(FIGURE, (label,), was, rest))
    out += [Edit(REMOVED, FIGURE, (_figure_label(f),)) for i, f in before.items() if i not in after]
    return out


def _values(label: str, old: list[dict[Any, Any]], new: list[dict[Any, Any]]) -> list[Edit]:
    """A figure's values: a removed one and an added one given by the same sources, in the same
    category, are one value changed; the others are added or removed."""
    added = [v for v in new if v not in old]
    removed = [v for v in old if v not in new]

    def same(value: dict[Any, Any]) -> tuple[tuple[str, ...], Hashable]:
        return (_sources(value), _key(value.get("category")))

    def items(value: dict[Any, Any]) -> tuple[str, str]:
        return (label, _optional(value.get("category")))

    out = []
    for value in added:
        match = next((r for r in removed if same(r) == same(value)), None)
        if match is None and len(added) == len(removed) == 1:
            match = removed[0]
        when = _optional(value.get("as_of"))
        if match is None:
            out.append(Edit(ADDED, VALUE, items(value), _sources(value), value=_number(value), when=when))
            continue
        removed.remove(match)
        out.append(_revision(VALUE, items(value), match, value, value=_number(value), was=_number(match), when=when))
    out += [Edit(REMOVED, VALUE, items(v), _sources(v), value=_number(v), when=_optional(v.get("as_of"))) for v in removed]
    return out


def _relationships(old: Any, new: Any) -> list[Edit]:
    def key(item: dict[Any, Any]) -> tuple[Hashable, Hashable]:
        return (_key(item.get("type")), _key(item.get("target")))

    def items(item: dict[Any, Any]) -> tuple[str, str]:
        return (_shown(item.get("type")), _shown(item.get("target")))

    before = {key(r): r for r in _dicts(old)}
    after = {key(r): r for r in _dicts(new)}
    out = []
    for pair, item in after.items():
        if pair not in before:
            out.append(Edit(ADDED, RELATIONSHIP, items(item), _sources(item)))
        elif item != before[pair]:
            out.append(_revision(RELATIONSHIP, items(item), before[pair], item))
    out += [Edit(REMOVED, RELATIONSHIP, items(item), _sources(item)) for pair, item in before.items() if pair not in after]
    return out


_PARTS: dict[str, Callable[[Any, Any], list[Edit]]] = {
    "aliases": _aliases,
    "areas": _areas,
    "former_ids": _former_ids,
    "facts_cite": _fact_cites,
    "summary": _summary,
    "sections": _sections,
    "figures": _figures,
    "relationships": _relationships,
}
