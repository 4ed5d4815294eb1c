"""The one pipeline that the CLI and the MkDocs plugin both run: load -> validate -> resolve -> render."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .export import export_files
from .history import read_history
from .load import Loaded, load_project
from .problems import Problem, ProblemsFound
from .render import TEMPLATE_DIR, Layout, Rendered, make_environment, render_site, template_problem
from .resolve import KnowledgeBase, name_key, resolve
from .validate import Validated, validate_documents

OVERRIDES = Path("site_src/overrides/generator")


@dataclass(frozen=True)
class Project:
    """Where a knowledge base lives: data/, briefs/ and template overrides below one root."""

    root: Path

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def briefs_dir(self) -> Path:
        return self.root / "briefs"

    @property
    def template_dirs(self) -> list[Path]:
        """Override folder first, so a project's template replaces the packaged one of the same name."""
        return [self.root / OVERRIDES, TEMPLATE_DIR]

    @property
    def watched(self) -> list[Path]:
        return [self.data_dir, self.briefs_dir, *self.template_dirs]


def resolve_project(project: Project) -> tuple[KnowledgeBase, list[Problem]]:
    """Load, validate and resolve: the knowledge base of every file that is sound, and every problem."""
    loaded = load_project(project.root)
    validated, invalid = validate_documents(loaded.documents)
    problems = loaded.problems + invalid
    knowledge, unresolved = resolve(validated, _unavailable_names(loaded, validated))
    return knowledge, problems + unresolved


def _unavailable_names(loaded: Loaded, validated: list[Validated]) -> set[str]:
    """Ids and names of files that did not load or validate. They have their own problems, so links
    to them (by id or by any name the file gives) are not reported again."""
    good = {item.document.stem for item in validated}
    names = {path.stem for path in loaded.files if path.stem not in good}
    for document in loaded.documents:
        if document.stem not in good:
            given = [document.data.get("name"), *(document.data.get("aliases") or [])]
            names.update(name_key(name) for name in given if isinstance(name, str))
    return names


def check(project: Project) -> KnowledgeBase:
    """Load, validate and resolve; raise ProblemsFound with every problem of every stage."""
    knowledge, problems = resolve_project(project)
    if problems:
        raise ProblemsFound(problems)
    return knowledge


def build(project: Project, layout: Layout | None = None) -> Rendered:
    """Every generated file: the Markdown pages, graph.json, redirect pages, and the open data exports
    under exports/. ``layout`` says how MkDocs shapes URLs (directory URLs by default), for the files
    that are not Markdown. Raises ProblemsFound on bad input."""
    knowledge = check(project)
    history = read_history(project.root)  # once per build: one git call for every profile's date
    try:
        rendered = render_site(knowledge, make_environment(project.template_dirs[:1]), history, layout)
    except Exception as error:  # noqa: BLE001 - a template's mistake becomes a problem; anything else is re-raised
        problem = template_problem(error, project.root)
        if problem is None:
            raise
        raise ProblemsFound([problem]) from None
    rendered.files.update(export_files(knowledge))
    return rendered
