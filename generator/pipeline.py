"""The one pipeline that the CLI and the MkDocs plugin both run: load -> validate -> resolve ->
preflight -> render."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .cache import BuildCache
from .export import export_files
from .history import read_history
from .load import Loaded, load_project
from .problems import Problem, ProblemsFound
from .render import (
    TEMPLATE_DIR,
    Layout,
    Rendered,
    make_environment,
    render_pages,
    render_site,
    template_problem,
)
from .preflight import preflight
from .resolve import KnowledgeBase, name_key, resolve
from .site_config import read_site_config
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


def resolve_project(project: Project, cache: BuildCache | None = None) -> tuple[KnowledgeBase, list[Problem]]:
    """Load, validate, resolve and preflight: the knowledge base of every file that is sound, and every
    problem.

    With a cache (kept by ``mkdocs serve`` between rebuilds), files whose bytes are unchanged are not
    parsed or validated again; the outcome is the same as without one.
    """
    files = _cache_for(project, cache).files if cache else None
    if files:
        files.begin()
    loaded = load_project(project.root, reader=files.load if files else None)
    validated, invalid = validate_documents(loaded.documents, validator=files.validate if files else None)
    if files:
        files.end()
    problems = loaded.problems + invalid
    knowledge, unresolved = resolve(validated, _unavailable_names(loaded, validated), cache.resolved if cache else None)
    problems += unresolved
    env = make_environment(project.template_dirs[:1])
    problems += preflight(project.root, knowledge, env, read_site_config(project.root), problems)
    return knowledge, problems


def _cache_for(project: Project, cache: BuildCache) -> BuildCache:
    if cache.root != project.root:
        raise ValueError(f"this cache belongs to {cache.root}, not {project.root}")
    return cache


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


def check(project: Project, cache: BuildCache | None = None) -> KnowledgeBase:
    """Load, validate and resolve; raise ProblemsFound with every problem of every stage."""
    knowledge, problems = resolve_project(project, cache)
    if problems:
        raise ProblemsFound(problems)
    return knowledge


def build(
    project: Project,
    layout: Layout | None = None,
    cache: BuildCache | None = None,
    exporter: Callable[[KnowledgeBase], dict[str, str]] = export_files,
) -> Rendered:
    """Every generated file: the Markdown pages, graph.json, redirect pages, and the open data exports
    under exports/. ``layout`` says how MkDocs shapes URLs (directory URLs by default), for the files
    that are not Markdown. Raises ProblemsFound on bad input.

    With a cache, only pages whose inputs changed are rendered again (see generator/cache.py).
    ``exporter`` makes the exports (under ``mkdocs serve`` the plugin passes one that makes them in
    the background, generator/mkdocs_adapter/exports.py)."""
    knowledge = check(project, cache)
    history = read_history(project.root)  # once per build: one git call for every profile's date
    env = make_environment(project.template_dirs[:1])
    if cache is None:
        pages_with = render_pages
    else:
        env.bytecode_cache = cache.templates
        pages_with = functools.partial(
            cache.pages.render, digests=cache.files.digests(), overrides=project.template_dirs[0], world=(layout or Layout(), history)
        )
    try:
        rendered = render_site(knowledge, env, history, layout, pages_with)
    except Exception as error:  # noqa: BLE001 - a template's mistake becomes a problem; anything else is re-raised
        problem = template_problem(error, project.root)
        if problem is None:
            raise
        raise ProblemsFound([problem]) from None
    rendered.files.update(exporter(knowledge))
    return rendered

