"""The one pipeline that the command line and the MkDocs plugin both run, a step at a time."""

from __future__ import annotations

from collections.abc import Callable

from .cache import BuildCache
from .checks.preflight import preflight
from .checks.site_config import read_site_config
from .export import export_files
from .model.problems import Problem, ProblemsFound
from .model.project import Project
from .render.layout import Layout
from .render.site import Rendered, make_environment, render_pages, render_site
from .stages.history import read_history
from .stages.load import load_project
from .stages.resolve import KnowledgeBase, resolve, unavailable_names
from .stages.validate import validate_documents


def resolve_project(project: Project, cache: BuildCache | None = None) -> tuple[KnowledgeBase, list[Problem]]:
    """The knowledge base of every file that is sound, and every problem found on the way. With the
    cache ``mkdocs serve`` keeps, a file whose bytes are unchanged is not parsed or validated again."""
    cache = cache.of(project) if cache else None
    # Read every file of data/ and briefs/, keeping where each value stands.
    loaded = load_project(project.root, reader=cache.files.reader() if cache else None)
    # Check each file against its model.
    validated, invalid = validate_documents(loaded.documents, validator=cache.files.validate if cache else None)
    # Link names, aliases, relationships and citations across files.
    knowledge, unresolved = resolve(validated, unavailable_names(loaded, validated), cache.resolved if cache else None)
    # Check what the site will be made of (briefs as HTML, page paths) before anything is written.
    env = make_environment([project.overrides])
    unsafe = preflight(project.root, knowledge, env, read_site_config(project.root), loaded.problems + invalid + unresolved)
    return knowledge, loaded.problems + invalid + unresolved + unsafe


def check(project: Project, cache: BuildCache | None = None) -> KnowledgeBase:
    """The knowledge base; ProblemsFound with every problem of every step, if there is any."""
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
    """Every generated file: the Markdown pages, graph.json, redirect pages and the exports. ``layout``
    says how the engine shapes URLs; ``exporter`` makes the exports (``mkdocs serve`` passes one that
    makes them in the background). Raises ProblemsFound on bad input."""
    layout = layout or Layout()
    # Load, validate, resolve and check, stopping on any problem.
    knowledge = check(project, cache)
    # Read from git when each data file and brief changed, once for every page.
    history = read_history(project.root).dating(read_history(project.root, "briefs"))
    # Render each page through its template (with a cache, only the pages whose inputs changed).
    env = make_environment([project.overrides], bytecode_cache=cache.templates if cache else None)
    pages_with = cache.renderer(project, (layout, history)) if cache else render_pages
    rendered = render_site(knowledge, env, history, layout, pages_with, root=project.root)
    # Make the open data exports.
    rendered.files.update(exporter(knowledge))
    return rendered
