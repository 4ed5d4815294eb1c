"""When each data file last changed, from git: read once per build, used by the render stage.

``read_history(root)`` runs one ``git log`` over ``data/`` and answers two questions without going
back to git: when did this file last change (``last_changed``), and what changed recently
(``recent``, for a changelog). Outside a git checkout, without git, or for a file not yet committed,
the answers are empty rather than errors: the site still builds, it just shows no dates.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

# Field and record separators that cannot occur in a commit subject line or a path git prints.
_FIELD = "\x1f"
_RECORD = "\x1e"
_FORMAT = f"{_RECORD}%H{_FIELD}%cs{_FIELD}%s"


@dataclass(frozen=True)
class Commit:
    """One file changed by one commit."""

    sha: str
    date: dt.date  # the committer date: when the change reached the branch
    file: str  # project-relative, with forward slashes: data/groups/isis-k.yaml
    subject: str


@dataclass(frozen=True)
class History:
    """Changes to the data files, newest first; one entry per (commit, file)."""

    changes: tuple[Commit, ...] = ()
    _last: dict[str, dt.date] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for change in self.changes:  # newest first, so the first date seen for a file is its last
            self._last.setdefault(change.file, change.date)

    def last_changed(self, file: str) -> dt.date | None:
        """Date of the newest commit that touched this project-relative file, if any."""
        return self._last.get(file)

    def recent(self, limit: int = 20) -> list[Commit]:
        """The newest changes, one per file a commit touched."""
        return list(self.changes[:limit])


def read_history(root: Path, folder: str = "data") -> History:
    """Everything git knows about ``root/folder``; an empty History when git cannot tell."""
    try:
        done = subprocess.run(
            [
                "git", "-c", "core.quotePath=false", "log", "--no-renames", "--relative",
                "--name-only", f"--format={_FORMAT}", "--", folder,
            ],
            cwd=root,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return History()  # no git on this machine
    if done.returncode != 0:
        return History()  # not a checkout (or git refuses it): build without dates
    return History(tuple(parse_log(done.stdout)))


def parse_log(text: str) -> list[Commit]:
    """Read the output of ``git log --name-only --format=_FORMAT``."""
    changes = []
    for record in text.split(_RECORD)[1:]:
        header, _, names = record.partition("\n")
        sha, date, subject = header.split(_FIELD, 2)
        day = dt.date.fromisoformat(date)
        for name in names.splitlines():
            if name.strip():
                changes.append(Commit(sha, day, name.strip(), subject))
    return changes
