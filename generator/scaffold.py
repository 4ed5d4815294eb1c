"""``python -m generator new KIND ID --name NAME``: write a starter file for an editor to fill.

The starter fills what the command knows (id, name, aliases) and explains every key in a comment.
Every required value it cannot know (the summary, its citation, a group's type, an event's date, ...)
is left empty on a line marked ``FILL IN``: ``validate`` then reports each of those lines, so a
profile cannot be published before an editor has cited a real source. An empty value is preferred
to placeholder text because placeholder text that validates could be published by mistake.

An id or name that is already taken is refused, using the names index that resolve builds for the
site itself (ids, names and aliases match whatever their case and punctuation), so the command and
the build can never disagree about what is taken.
"""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path

import jinja2

from .model.entities import SLUG_PATTERN
from .model.problems import Problem, ProblemsFound
from .model.project import Project
from .model.vocabulary import (
    EVENT_TYPE_LABEL,
    FOLDER_OF_KIND,
    GROUP_TYPE_LABEL,
    QUALIFIER_WORDS,
    REGIONS,
    RELATIONSHIP_TYPES,
    ClaimStatus,
    SourceKind,
)
from .pipeline import resolve_project
from .render.site import TEMPLATE_DIR
from .stages.resolve import KnowledgeBase, name_key

KINDS = (*FOLDER_OF_KIND, "brief")  # group, person, event, source; a brief is briefs/<slug>.md
FILL_IN = "FILL IN"


class Refused(Exception):
    """The command line asked for something that cannot be written; the message says why."""


def check_id(text: str) -> str:
    if not re.match(SLUG_PATTERN, text) or len(text) > 100:
        raise Refused(f"'{text}' is not a valid id: use lowercase letters, digits and single hyphens, e.g. kabul-airport-bombing")
    return text


def new_file(project: Project, kind: str, entity_id: str, name: str, aliases: list[str]) -> Path:
    """Write data/<folder>/<id>.yaml; raise Refused or ProblemsFound (names already taken) instead."""
    check_id(entity_id)
    if kind == "brief":
        return _new_brief(project, entity_id, name, aliases)
    if kind == "source" and aliases:
        raise Refused("a source has no aliases; --alias is for groups, people and events")
    names = [name.strip(), *(alias.strip() for alias in aliases)]
    if not all(names) or not all(name_key(n) for n in names):
        raise Refused("--name and --alias need some letters or digits")
    path = project.data_dir / FOLDER_OF_KIND[kind] / f"{entity_id}.yaml"
    existing = _existing_file(project, entity_id)
    if existing is not None:
        raise Refused(f"{existing.relative_to(project.root).as_posix()} already exists; choose another id")
    if kind != "source":  # a source has only an id, and a file with that id was ruled out above
        knowledge, _ = resolve_project(project)  # the site's own index; problems elsewhere do not matter here
        clashes = _clashes(knowledge, entity_id, names)
        if clashes:
            raise ProblemsFound(clashes)
    text = render_starter(kind, entity_id, names[0], names[1:])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as out:  # "x": never overwrite, even in a race
        out.write(text)
    return path


def _new_brief(project: Project, slug: str, title: str, aliases: list[str]) -> Path:
    """Write briefs/<slug>.md: its front matter with the title, the rest marked FILL IN (issue 26)."""
    if aliases:
        raise Refused("a brief has no aliases; --alias is for groups, people and events")
    if not name_key(title):
        raise Refused("--name (the brief's title) needs some letters or digits")
    path = project.briefs_dir / f"{slug}.md"
    if path.exists():
        raise Refused(f"{path.relative_to(project.root).as_posix()} already exists; choose another slug")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as out:
        out.write(render_starter("brief", slug, title.strip(), []))
    return path


def _existing_file(project: Project, entity_id: str) -> Path | None:
    """A file of any kind with this id, even one too broken to be in the index."""
    for folder in FOLDER_OF_KIND.values():
        path = project.data_dir / folder / f"{entity_id}.yaml"
        if path.exists():
            return path
    return None


def _clashes(knowledge: KnowledgeBase, entity_id: str, names: list[str]) -> list[Problem]:
    """What resolve would refuse: an id, name or alias that is already a name of another profile."""
    labelled = [("id", entity_id), ("name", names[0]), *(("alias", alias) for alias in names[1:])]
    problems = []
    for what, text in labelled:
        key = name_key(text)
        owner = knowledge.names.get(key)
        if owner is not None:
            problems.append(
                knowledge.origins[key].problem(
                    f"the new {what} '{text}' is already a name of '{owner}' (written here); choose another, or edit that profile instead of creating a new one"
                )
            )
    return problems


def render_starter(kind: str, entity_id: str, name: str, aliases: list[str]) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR / "new")),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # the output is YAML: values go through `q`
    )
    # A JSON string is a valid double-quoted YAML scalar: any name, quotes or colons included, stays text.
    env.filters["q"] = lambda value: json.dumps(value, ensure_ascii=False)
    template = "brief.md.j2" if kind == "brief" else f"{kind}.yaml.j2"
    return env.get_template(template).render(
        kind=kind,
        id=entity_id,
        name=name,
        aliases=aliases,
        statuses=list(typing.get_args(ClaimStatus)),
        qualifiers=list(QUALIFIER_WORDS),
        source_kinds=list(typing.get_args(SourceKind)),
        group_types=", ".join(GROUP_TYPE_LABEL),
        event_types=", ".join(EVENT_TYPE_LABEL),
        regions=", ".join(REGIONS),
        relationship_types=[rel.name for rel in RELATIONSHIP_TYPES.values() if kind in rel.subjects],
    )
