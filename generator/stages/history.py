"""What changed in the data files, and when, from git: read once per build, used by the render stage.

``read_history(root)`` asks git what each commit under ``data/`` changed and answers without going
back to it: when did this file last change (``last_changed``), what did each commit change in it,
field by field (``changes_of``: "leader added", "figure value added (Deaths)"), and what changed
recently across the site (``commits`` and ``days``, for the "What changed" page and its Atom feed).

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
  comparing it gives words, never an exception.

The cost per build is bounded whatever the history holds (``BOUND``): one ``git log`` lists each
commit's changed paths and blob ids, never the files' contents; the contents are read (two
``git cat-file`` calls) only for the newest ``CHANGES_PER_FILE`` changes of each file, so at most
``CHANGES_PER_FILE + 1`` versions of it, each once and none larger than the loader's
``MAX_FILE_BYTES``. An older change is listed (on the "What changed" page) without its fields.

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
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .load import MAX_FILE_BYTES, SourceMap, parse_yaml

# The newest changes of one file whose fields are read (a profile page lists them): the bound on what
# a build reads of the files' old versions.
CHANGES_PER_FILE = 5
# The newest commits that the "What changed" page lists (the feed takes fewer), and how many files of
# each it names (the rest are counted).
RECENT_COMMITS = 50
FILES_PER_COMMIT = 20
SUBJECT = 200  # characters of a commit's subject kept (the "What changed" page and the feed)
HEADLINE = 90  # characters of a subject that a profile's list of changes shows
_LABEL = 60  # characters of a title or label from an old version of a file, in "section added (...)"
# At most this many field changes are named for one file in one commit; the rest are counted.
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
    return unicodedata.category(char) not in ("Cc", "Cs")


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


def headline(subject: str) -> str:
    """A commit subject cut to its first clause ("Audit fixes, each with its siblings: June 2015 ..."
    becomes "Audit fixes, each with its siblings"), or to whole words within HEADLINE characters."""
    for mark in (": ", "; ", ". "):
        at = subject.find(mark)
        if 24 <= at <= HEADLINE:  # a clause long enough to say something
            return subject[:at]
    return cut(subject, HEADLINE)


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
    fields: tuple[str, ...] = ()  # what changed in the file: "leader added", "summary changed"
    time: str = ""  # the committer date and time, ISO 8601 with its offset; "" when not a date

    @property
    def headline(self) -> str:
        return headline(self.subject)


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
    _last: dict[str, dt.date | None] = field(default_factory=dict, repr=False, compare=False)
    _of: dict[str, list[Commit]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for change in self.changes:  # newest first, so the first date seen for a file is its last
            self._last.setdefault(change.file, change.date)
            self._of.setdefault(change.file, []).append(change)

    @property
    def known(self) -> bool:
        """True when the dates can be trusted: a full history was read."""
        return self.state is None

    def last_changed(self, file: str) -> dt.date | None:
        """Date of the newest commit that touched this project-relative file, if any and if known."""
        return self._last.get(file)

    def changes_of(self, file: str, limit: int = CHANGES_PER_FILE) -> list[Commit]:
        """The newest changes of one file, newest first (at most CHANGES_PER_FILE: those whose fields
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
    read: bool = False  # whether its fields are wanted (within the bound)

    def commit(self, versions: dict[str, Any]) -> Commit:
        fields = tuple(_fields(self, versions)) if self.read else ()
        return Commit(self.sha, self.date, self.file, self.subject, fields, self.time)


def parse_log(output: bytes, marker: str) -> tuple[list[Entry], str | None]:
    """The entries of ``git log -z --raw --format=_FORMAT``, newest first, with which of them have
    their fields read; or no entries and the state that says why not (SHALLOW, UNREADABLE)."""
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
    """Which entries get their fields read: each YAML file's newest CHANGES_PER_FILE."""
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


def _fields(entry: Entry, versions: dict[str, Any]) -> list[str]:
    old = versions.get(entry.before, _UNREADABLE) if entry.before else None
    new = versions.get(entry.after, _UNREADABLE) if entry.after else None
    return _describe(old, new)


# -- which fields changed ---------------------------------------------------------------------------

# A relationship, added or removed, in the words a reader uses for it.
_RELATION_WORDS = {
    "led-by": "leader",
    "leads": "leadership",
    "founded-by": "founder",
    "member-of": "membership",
    "has-member": "member",
    "rival-of": "rival",
    "allied-with": "ally",
    "carried-out": "attack",
    "claimed": "claim of an attack",
    "carried-out-by": "perpetrator",
    "claimed-by": "claim",
    "killed-in": "death",
    "affiliate-of": "affiliation",
    "split-from": "split",
}
_LISTS = {"aliases": ("alias", "aliases"), "former_ids": ("former id", "former ids"), "areas": ("area", "areas")}


def changed_fields(before: str | None, after: str | None) -> list[str]:
    """What a change did to a profile, field by field, in a reader's words. A file that cannot be
    read (not YAML, or refused by the loader's bounds) gives "file changed"."""
    return _describe(_read(before) if before else None, _read(after) if after else None)


def _describe(old: Any, new: Any) -> list[str]:
    """The words for a change from ``old`` to ``new``: each the data of a version, None where there is
    no such version, or _UNREADABLE."""
    if old is None and new is None:
        return []
    if old is _UNREADABLE or new is _UNREADABLE:
        return ["file changed"]
    if old is None:
        return ["profile added"]
    if new is None:
        return ["profile removed"]
    found: list[str] = []
    for key in [*new, *(k for k in old if k not in new)]:
        found += _compare(str(key), old.get(key), new.get(key))
    if len(found) > _NAMED:
        rest = len(found) - _NAMED
        found = [*found[:_NAMED], f"{rest} more change{'s' if rest != 1 else ''}"]
    return found or ["layout changed"]


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


def _key(value: Any) -> Hashable:
    """A value as a dictionary key, whatever it is (a list or a mapping is not hashable)."""
    return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)


def _words(value: Any) -> str:
    """A title, label or type from an old version, as text to show: one clean line, cut short."""
    return clean(value if isinstance(value, str) else repr(value), _LABEL)


def _label(key: str) -> str:
    return _words(key.replace("_", " "))


def _compare(key: str, old: Any, new: Any) -> list[str]:
    if old == new:
        return []
    if key in _LISTS:
        return _list_change(_LISTS[key], _list(old), _list(new))
    if key == "sections":
        return _sections(_dicts(old), _dicts(new))
    if key == "figures":
        return _figures(_dicts(old), _dicts(new))
    if key == "relationships":
        return _relationships(_dicts(old), _dicts(new))
    if key == "summary":
        same_text = isinstance(old, dict) and isinstance(new, dict) and old.get("text") == new.get("text")
        return ["summary citation changed" if same_text else "summary changed"]
    if old is None:
        return [f"{_label(key)} added"]
    if new is None:
        return [f"{_label(key)} removed"]
    return [f"{_label(key)} changed"]


def _list_change(words: tuple[str, str], old: list[Any], new: list[Any]) -> list[str]:
    added = [v for v in new if v not in old]
    removed = [v for v in old if v not in new]
    out = []
    for items, verb in ((added, "added"), (removed, "removed")):
        if items:
            out.append(f"{words[0]} {verb}" if len(items) == 1 else f"{len(items)} {words[1]} {verb}")
    return out or [f"{words[1]} reordered"]


def _by(items: list[dict[Any, Any]], key: str) -> dict[Hashable, dict[Any, Any]]:
    return {_key(item.get(key)): item for item in items}


def _claims(section: dict[Any, Any]) -> list[Any]:
    return [claim.get("text") for claim in _dicts(section.get("claims"))]


def _counted(count: int, one: str, many: str, title: str) -> str:
    return f"{one} ({title})" if count == 1 else f"{count} {many} ({title})"


def _sections(old: list[dict[Any, Any]], new: list[dict[Any, Any]]) -> list[str]:
    out = []
    before, after = _by(old, "title"), _by(new, "title")
    for title, section in after.items():
        shown = _words(title)
        if title not in before:
            out.append(f"section added ({shown})")
            continue
        old_claims, new_claims = _claims(before[title]), _claims(section)
        added = [c for c in new_claims if c not in old_claims]
        removed = [c for c in old_claims if c not in new_claims]
        if added and removed and len(added) == len(removed):
            out.append(_counted(len(added), "claim changed", "claims changed", shown))
        else:
            if added:
                out.append(_counted(len(added), "claim added", "claims added", shown))
            if removed:
                out.append(_counted(len(removed), "claim removed", "claims removed", shown))
        if not added and not removed and section != before[title]:
            out.append(f"citation changed ({shown})")
    out += [f"section removed ({_words(title)})" for title in before if title not in after]
    return out


def _figures(old: list[dict[Any, Any]], new: list[dict[Any, Any]]) -> list[str]:
    out = []
    before, after = _by(old, "id"), _by(new, "id")
    for figure_id, figure in after.items():
        label = _words(figure.get("label") or figure_id)
        if figure_id not in before:
            out.append(f"figure added ({label})")
            continue
        old_values, new_values = _list(before[figure_id].get("values")), _list(figure.get("values"))
        added = [v for v in new_values if v not in old_values]
        removed = [v for v in old_values if v not in new_values]
        if added and removed and len(added) == len(removed):
            out.append(f"figure value changed ({label})")
        else:
            if added:
                out.append(f"figure value added ({label})")
            if removed:
                out.append(f"figure value removed ({label})")
        if not added and not removed and figure != before[figure_id]:
            out.append(f"figure changed ({label})")
    out += [f"figure removed ({_words(f.get('label') or i)})" for i, f in before.items() if i not in after]
    return out


def _relationships(old: list[dict[Any, Any]], new: list[dict[Any, Any]]) -> list[str]:
    def key(item: dict[Any, Any]) -> tuple[Hashable, Hashable]:
        return (_key(item.get("type")), _key(item.get("target")))

    def words(kind: Hashable, change: str) -> str:
        word = _RELATION_WORDS.get(kind, "relationship") if isinstance(kind, str) else "relationship"
        return f"{word} {change}" if word != "relationship" else f"relationship {change} ({_words(kind)})"

    before = {key(r): r for r in old}
    after = {key(r): r for r in new}
    out = []
    for (kind, target), item in after.items():
        if (kind, target) not in before:
            out.append(words(kind, "added"))
        elif item != before[(kind, target)]:
            out.append(words(kind, "changed"))
    out += [words(kind, "removed") for kind, target in before if (kind, target) not in after]
    return out
