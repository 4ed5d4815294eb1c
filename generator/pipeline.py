"""The one pipeline that the CLI and the MkDocs plugin both run: load -> validate -> resolve ->
preflight -> render."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .cache import BuildCache
from .cores import Forked, in_parts, second_core
from .export import export_files
from .history import read_history
from .load import Loaded, load_project
from .problems import Problem, ProblemsFound
from .render import (
    TEMPLATE_DIR,
    Layout,
    PageJob,
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


@contextmanager
def _collector_paused(freeze: bool = False) -> Iterator[None]:
    """Hold Python's cycle collector while the pipeline runs.

    Loading a large knowledge base allocates millions of small objects (YAML nodes, marks, models)
    that only reference counting frees; the collector would walk all of them again and again, which
    cost a third of the loading time at 5,000 profiles. It runs as usual once the pipeline is done.

    ``freeze``, for a process that builds once (``mkdocs build``, the CLI): what survives the pipeline
    is moved out of the collector's sight, or its first run afterwards would walk all of it (0.15 s at
    1,000 profiles). Not under ``mkdocs serve``: frozen objects are never collected, and each rebuild
    would keep the cyclic garbage of the one before.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()


def resolve_project(project: Project, cache: BuildCache | None = None) -> tuple[KnowledgeBase, list[Problem]]:
    """Load, validate, resolve and preflight: the knowledge base of every file that is sound, and every
    problem.

    With a cache (kept by ``mkdocs serve`` between rebuilds), files whose bytes are unchanged are not
    parsed or validated again; the outcome is the same as without one.
    """
    files = _cache_for(project, cache).files if cache else None
    with _collector_paused(freeze=cache is None):
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

    With a cache, only pages whose inputs changed are rendered again (see generator/cache.py); without
    one, a large site is rendered on two cores. ``exporter`` makes the exports (the plugin passes one
    that makes them in the background, generator/mkdocs_adapter/exports.py)."""
    knowledge = check(project, cache)
    history = read_history(project.root)  # once per build: one git call for every profile's date
    env = make_environment(project.template_dirs[:1])
    if cache is None:
        pages_with = _render_on_two_cores
    else:
        env.bytecode_cache = cache.templates
        pages_with = functools.partial(
            cache.pages.render, digests=cache.files.digests(), overrides=project.template_dirs[0], world=(layout or Layout(), history)
        )
    try:
        with _collector_paused(freeze=cache is None):
            rendered = render_site(knowledge, env, history, layout, pages_with)
    except Exception as error:  # noqa: BLE001 - a template's mistake becomes a problem; anything else is re-raised
        problem = template_problem(error, project.root)
        if problem is None:
            raise
        raise ProblemsFound([problem]) from None
    # After the pages: a background exporter then runs beside MkDocs, not against the render for the
    # second core. A forked child inherits the paused collector, which would otherwise walk the whole
    # knowledge base over and over (2 s of 5 at 5,000 profiles).
    with _collector_paused():
        rendered.files.update(exporter(knowledge))
    return rendered


# A full build renders every page; from this many pages on, a second process renders half of them.
# MkDocs itself runs on one core, so on any machine with two the second is otherwise idle. The
# child is forked: it shares the resolved knowledge base with the parent instead of receiving a copy.
PARALLEL_FROM = 400


def _render_on_two_cores(env: jinja2.Environment, knowledge: KnowledgeBase, jobs: list[PageJob]) -> dict[str, str]:
    if len(jobs) < PARALLEL_FROM or not second_core():
        return render_pages(env, knowledge, jobs)
    half = len(jobs) // 2
    child = Forked(functools.partial(_render_in_parts, env, knowledge, jobs[half:]))
    try:
        pages = render_pages(env, knowledge, jobs[:half])
        for part in child.items():
            pages.update(part)  # type: ignore[call-overload]
    finally:
        child.terminate()
        child.close()
    if len(pages) != len(jobs):  # a template error in the child lost its traceback on the way
        return render_pages(env, knowledge, jobs)  # raises it again here, where it can be reported
    return pages


def _render_in_parts(env: jinja2.Environment, knowledge: KnowledgeBase, jobs: list[PageJob]) -> Iterator[dict[str, str]]:
    """In the child: its pages, rendered, then sent a few at a time (cores.in_parts)."""
    yield from in_parts(render_pages(env, knowledge, jobs), PAGES_AT_ONCE)


PAGES_AT_ONCE = 200
