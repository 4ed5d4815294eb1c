"""What changed in the data files, and when, from git: read once per build, used by the render stage.

``read_history(root)`` runs one ``git log`` over ``data/``, with each change's whole file before and
after it (``--unified`` wide enough to hold a whole file), and answers without going back to git:
when did this file last change (``last_changed``), what did each commit change in it, field by field
(``changes_of``: "leader added", "figure value added (Deaths)"), and what changed recently across
the site (``commits``, for the "What changed" page and its Atom feed).

Where git cannot tell, the answers are empty rather than wrong, and ``History`` says why
(``state``): outside a checkout, without git, or in a shallow checkout. A shallow checkout (CI's
default of one commit) knows only its newest commits, and would date every file by the oldest of
them: it gets no dates at all (git marks the cut-off commit "grafted", so the same call tells).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .load import SourceMap, parse_yaml

# Field and record separators that cannot occur in a commit subject line or a path git prints.
_FIELD = "\x1f"
_RECORD = "\x1e"
_FORMAT = f"{_RECORD}%H{_FIELD}%cs{_FIELD}%cI{_FIELD}%D{_FIELD}%s"
# Lines of context around a change: more than any data file has (load.MAX_FILE_BYTES bounds them), so
# that each change comes with the whole file before and after it.
_WHOLE_FILE = 1_000_000
# At most this many field changes are named for one file in one commit; the rest are counted.
_NAMED = 4


HEADLINE = 90  # characters of a commit's subject that a profile's list of changes shows


def headline(subject: str) -> str:
    """A commit subject cut to its first clause ("Audit fixes, each with its siblings: June 2015 ..."
    becomes "Audit fixes, each with its siblings"), or to whole words within HEADLINE characters."""
    for mark in (": ", "; ", ". "):
        cut = subject.find(mark)
        if 24 <= cut <= HEADLINE:  # a clause long enough to say something
            return subject[:cut]
    if len(subject) <= HEADLINE:
        return subject
    return subject[: subject.rfind(" ", 0, HEADLINE)].rstrip(",;:") + " …"


@dataclass(frozen=True)
class Commit:
    """One file changed by one commit."""

    sha: str
    date: dt.date  # the committer date: when the change reached the branch
    file: str  # project-relative, with forward slashes: data/groups/isis-k.yaml
    subject: str
    fields: tuple[str, ...] = ()  # what changed in the file: "leader added", "summary changed"
    time: str = ""  # the committer date and time, ISO 8601 with its offset

    @property
    def headline(self) -> str:
        return headline(self.subject)


@dataclass(frozen=True)
class Change:
    """One commit and the data files it changed, for the "What changed" page."""

    sha: str
    date: dt.date
    time: str
    subject: str
    files: tuple[Commit, ...]


# Why a build has no history: None when it has one.
NO_GIT = "no-git"  # not a git checkout, or git is not installed
SHALLOW = "shallow"  # a shallow checkout: only the newest commits, so dates would be wrong


@dataclass(frozen=True)
class History:
    """Changes to the data files, newest first; one entry per (commit, file)."""

    changes: tuple[Commit, ...] = ()
    state: str | None = NO_GIT
    _last: dict[str, dt.date] = field(default_factory=dict, repr=False, compare=False)
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
        """Date of the newest commit that touched this project-relative file, if any."""
        return self._last.get(file)

    def changes_of(self, file: str, limit: int = 10) -> list[Commit]:
        """The newest changes of one file, newest first."""
        return self._of.get(file, [])[:limit]

    def count_of(self, file: str) -> int:
        return len(self._of.get(file, []))

    def recent(self, limit: int = 20) -> list[Commit]:
        """The newest changes, one per file a commit touched."""
        return list(self.changes[:limit])

    def commits(self, limit: int = 30) -> list[Change]:
        """The newest commits that changed data, each with the files it changed."""
        out: list[Change] = []
        for change in self.changes:
            if out and out[-1].sha == change.sha:
                last = out[-1]
                out[-1] = Change(last.sha, last.date, last.time, last.subject, (*last.files, change))
                continue
            if len(out) == limit:
                break
            out.append(Change(change.sha, change.date, change.time, change.subject, (change,)))
        return out


def read_history(root: Path, folder: str = "data") -> History:
    """Everything git knows about ``root/folder``; an empty History (saying why) when git cannot tell."""
    try:
        done = subprocess.run(
            [
                "git",
                "-c",
                "core.quotePath=false",
                "log",
                "--no-renames",
                "--relative",
                "--no-color",
                "--no-ext-diff",
                "-p",
                f"--unified={_WHOLE_FILE}",
                f"--format={_FORMAT}",
                "--",
                folder,
            ],
            cwd=root,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return History()  # no git on this machine
    if done.returncode != 0:
        return History()  # not a checkout (or git refuses it): build without dates
    return parse_log(done.stdout)


def parse_log(text: str) -> History:
    """Read the output of ``git log -p --format=_FORMAT``."""
    changes = []
    for record in text.split(_RECORD)[1:]:
        header, _, body = record.partition("\n")
        sha, date, time, refs, subject = header.split(_FIELD, 4)
        if "grafted" in (name.strip() for name in refs.split(",")):
            return History(state=SHALLOW)  # the cut-off of a shallow checkout: dates would be wrong
        day = dt.date.fromisoformat(date)
        for file, before, after in _files(body):
            changes.append(Commit(sha, day, file, subject, tuple(changed_fields(before, after)), time))
    return History(tuple(changes), None)


def _files(body: str) -> Iterator[tuple[str, str | None, str | None]]:
    """Each file of one commit's patch: its path, and its text before and after (None: absent, or
    not known, such as a binary file). One hunk holds the whole file (``--unified``)."""
    for part in body.split("\ndiff --git "):
        lines = part.split("\n")
        if not lines or not lines[0].strip():
            continue
        old_name = new_name = None
        before: list[str] = []
        after: list[str] = []
        hunks = 0
        in_hunk = False
        for line in lines:
            if not in_hunk:
                if line.startswith("--- "):
                    old_name = None if line == "--- /dev/null" else line[6:]
                elif line.startswith("+++ "):
                    new_name = None if line == "+++ /dev/null" else line[6:]
                elif line.startswith("@@"):
                    in_hunk, hunks = True, 1
                continue
            if line.startswith("@@"):
                hunks += 1
            elif line.startswith(" "):
                before.append(line[1:])
                after.append(line[1:])
            elif line.startswith("-"):
                before.append(line[1:])
            elif line.startswith("+"):
                after.append(line[1:])
        name = new_name or old_name
        if name is None:
            header = lines[0].split(" b/", 1)  # "a/data/x.yaml b/data/x.yaml" (a binary file has no ---/+++)
            if len(header) != 2:
                continue
            yield header[1].strip(), None, None
            continue
        whole = hunks <= 1
        yield (
            name,
            "\n".join(before) if old_name and whole else (None if not old_name else ""),
            "\n".join(after) if new_name and whole else (None if not new_name else ""),
        )


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
    if before is None and after is None:
        return []
    old = _read(before) if before else None
    new = _read(after) if after else None
    if before and old is None or after and new is None:
        return ["file changed"]
    if old is None:
        return ["profile added"]
    if new is None:
        return ["profile removed"]
    found: list[str] = []
    for key in [*new, *(k for k in old if k not in new)]:
        found += _compare(key, old.get(key), new.get(key))
    if len(found) > _NAMED:
        rest = len(found) - _NAMED
        found = [*found[:_NAMED], f"{rest} more change{'s' if rest != 1 else ''}"]
    return found or ["layout changed"]


def _read(text: str) -> dict[str, Any] | None:
    """The data of one version of a file, through the project's own bounded loader (an old version
    is input like any other: no anchors, no depth or size beyond the loader's bounds)."""
    return parse_yaml(text, SourceMap("history"), [])


def _label(key: str) -> str:
    return key.replace("_", " ")


def _compare(key: str, old: Any, new: Any) -> list[str]:
    if old == new:
        return []
    if key in _LISTS:
        return _list_change(_LISTS[key], old or [], new or [])
    if key == "sections":
        return _sections(old or [], new or [])
    if key == "figures":
        return _figures(old or [], new or [])
    if key == "relationships":
        return _relationships(old or [], new or [])
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


def _by(items: list[Any], key: str) -> dict[Any, Any]:
    return {item.get(key): item for item in items if isinstance(item, dict)}


def _sections(old: list[Any], new: list[Any]) -> list[str]:
    out = []
    before, after = _by(old, "title"), _by(new, "title")
    for title, section in after.items():
        if title not in before:
            out.append(f"section added ({title})")
            continue
        old_claims = [c.get("text") for c in before[title].get("claims") or [] if isinstance(c, dict)]
        new_claims = [c.get("text") for c in section.get("claims") or [] if isinstance(c, dict)]
        added = [c for c in new_claims if c not in old_claims]
        removed = [c for c in old_claims if c not in new_claims]
        if added and removed and len(added) == len(removed):
            out.append(f"claim changed ({title})" if len(added) == 1 else f"{len(added)} claims changed ({title})")
        else:
            if added:
                out.append(f"claim added ({title})" if len(added) == 1 else f"{len(added)} claims added ({title})")
            if removed:
                out.append(f"claim removed ({title})" if len(removed) == 1 else f"{len(removed)} claims removed ({title})")
        if not added and not removed and section != before[title]:
            out.append(f"citation changed ({title})")
    out += [f"section removed ({title})" for title in before if title not in after]
    return out


def _figures(old: list[Any], new: list[Any]) -> list[str]:
    out = []
    before, after = _by(old, "id"), _by(new, "id")
    for figure_id, figure in after.items():
        label = figure.get("label") or figure_id
        if figure_id not in before:
            out.append(f"figure added ({label})")
            continue
        old_values = [v for v in before[figure_id].get("values") or []]
        new_values = [v for v in figure.get("values") or []]
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
    out += [f"figure removed ({(f.get('label') or i)})" for i, f in before.items() if i not in after]
    return out


def _relationships(old: list[Any], new: list[Any]) -> list[str]:
    def key(item: Any) -> tuple[Any, Any]:
        return (item.get("type"), item.get("target")) if isinstance(item, dict) else (None, None)

    before = {key(r): r for r in old}
    after = {key(r): r for r in new}
    out = []
    for (kind, target), item in after.items():
        word = _RELATION_WORDS.get(kind, "relationship")
        if (kind, target) not in before:
            out.append(f"{word} added" if word != "relationship" else f"relationship added ({kind})")
        elif item != before[(kind, target)]:
            out.append(f"{word} changed" if word != "relationship" else f"relationship changed ({kind})")
    for kind, target in before:
        if (kind, target) not in after:
            word = _RELATION_WORDS.get(kind, "relationship")
            out.append(f"{word} removed" if word != "relationship" else f"relationship removed ({kind})")
    return out
