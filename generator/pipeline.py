"""The one pipeline that the CLI and the MkDocs plugin both run: load -> validate -> resolve -> render."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .history import read_history
from .load import load_project
from .problems import ProblemsFound
from .render import TEMPLATE_DIR, Layout, Rendered, make_environment, render_site
from .resolve import KnowledgeBase, resolve
from .validate import validate_documents

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


def check(project: Project) -> KnowledgeBase:
    """Load, validate and resolve; raise ProblemsFound with every problem of every stage."""
    loaded = load_project(project.root)
    validated, invalid = validate_documents(loaded.documents)
    problems = loaded.problems + invalid
    # Files that did not load or validate have their own problems; links to them are not reported again.
    broken = {path.stem for path in loaded.files} - {item.document.stem for item in validated}
    knowledge, unresolved = resolve(validated, broken)
    problems += unresolved
    if problems:
        raise ProblemsFound(problems)
    return knowledge


def build(project: Project, layout: Layout | None = None) -> Rendered:
    """Every generated page and file; raises ProblemsFound on bad input. ``layout`` says how MkDocs
    will shape URLs (directory URLs by default), for the files that are not Markdown."""
    knowledge = check(project)
    history = read_history(project.root)  # once per build: one git call for every profile's date
    return render_site(knowledge, make_environment(project.template_dirs[:1]), history, layout)
