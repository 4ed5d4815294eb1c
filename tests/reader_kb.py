"""A project for the reader-feature tests: the fictional fixture KB, plus what those features read.

- Four more events with partial dates (2014-12-31, 2015, 2015-06, 2015-06-12), so the timeline and
  the profiles' event lists have something to order.
- A former id on the Red Front (renamed from ``old-front``), whose old URL must keep working.
- A hand-written page at ``groups/bl.md``, where Blue League's alias "BL" would put a redirect.
- A git history with fixed dates: everything committed on 6 May 2021, then red-front.yaml changed
  on 2 January 2022, so the profiles' "last updated" dates can be checked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import yaml
from conftest import FIXTURE_KB, copy_project

EVENTS = {
    # id: (date, relationship from the event, target)
    "new-year-raid": ("2014-12-31", "carried-out-by", "blue-league"),
    "founding-rally": ("2015", "carried-out-by", "blue-league"),
    "summer-march": ("2015-06", "involved", "jo-leader"),
    "june-clash": ("2015-06-12", "carried-out-by", "red-front"),
}
FIRST_COMMIT = "2021-05-06T12:00:00+00:00"
SECOND_COMMIT = "2022-01-02T12:00:00+00:00"
HAND_PAGE = "A page written by hand, at the address an alias would take."


def make_reader_project(target: Path) -> Path:
    project = copy_project(target, FIXTURE_KB)
    for event_id, (date, relation, actor) in EVENTS.items():
        event = {
            "id": event_id,
            "name": event_id.replace("-", " ").capitalize(),
            "type": "attack",
            "date": date,
            "place": "Test City",
            "summary": {"text": f"A fictional event dated {date}.", "cite": ["beta-news"]},
            "relationships": [{"type": relation, "target": actor, "cite": ["beta-news"]}],
        }
        (project / "data/events" / f"{event_id}.yaml").write_text(yaml.safe_dump(event, sort_keys=False))
    (project / "site_src/groups").mkdir(parents=True, exist_ok=True)
    (project / "site_src/groups/bl.md").write_text(f"# BL\n\n{HAND_PAGE}\n")
    if shutil.which("git"):
        _git(project, "init", "-q")
        _commit(project, "Fixture knowledge base", FIRST_COMMIT)
        red_front = project / "data/groups/red-front.yaml"
        red_front.write_text(red_front.read_text().replace("aliases:", "former_ids: [old-front]\naliases:", 1))
        _commit(project, "Red Front: renamed from old-front", SECOND_COMMIT)
    else:  # the history tests skip; the rest still needs the former id
        red_front = project / "data/groups/red-front.yaml"
        red_front.write_text(red_front.read_text().replace("aliases:", "former_ids: [old-front]\naliases:", 1))
    return project


def _commit(project: Path, message: str, date: str) -> None:
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", message, env={"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date})


def _git(project: Path, *args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", *args],
        cwd=project,
        env={**os.environ, **(env or {})},
        check=True,
        capture_output=True,
    )
