"""The one pipeline that the CLI and the MkDocs plugin both run: load -> validate -> resolve -> render."""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .cache import BuildCache
from .load import load_project
from .problems import ProblemsFound
from .render import TEMPLATE_DIR, PageJob, make_environment, render_job, render_site, site_pages
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


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Hold Python's cycle collector while the pipeline runs.

    Loading a large knowledge base allocates millions of small objects (YAML nodes, marks, models)
    that only reference counting frees; the collector would walk all of them again and again, which
    cost a third of the loading time at 5,000 profiles. It runs as usual once the pipeline is done.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check(project: Project, cache: BuildCache | None = None) -> KnowledgeBase:
    """Load, validate and resolve; raise ProblemsFound with every problem of every stage.

    With a cache (kept by ``mkdocs serve`` between rebuilds), files whose bytes are unchanged are not
    parsed or validated again; the outcome is the same as without one.
    """
    with _collector_paused():
        return _check(project, _cache_for(project, cache))


def _cache_for(project: Project, cache: BuildCache | None) -> BuildCache | None:
    if cache is not None and cache.root != project.root:
        raise ValueError(f"this cache belongs to {cache.root}, not {project.root}")
    return cache


def _check(project: Project, cache: BuildCache | None) -> KnowledgeBase:
    files = cache.files if cache else None
    if files:
        files.begin()
    loaded = load_project(project.root, reader=files.load if files else None)
    validated, invalid = validate_documents(loaded.documents, validator=files.validate if files else None)
    if files:
        files.end()
    problems = loaded.problems + invalid
    knowledge, unresolved = resolve(validated, broken={doc.stem for doc in loaded.documents} - {
        item.document.stem for item in validated
    })
    problems += unresolved
    if problems:
        raise ProblemsFound(problems)
    return knowledge


def build(project: Project, cache: BuildCache | None = None) -> dict[str, str]:
    """Every generated page as {path inside the site: Markdown}; raises ProblemsFound on bad input.

    With a cache, only pages whose inputs changed are rendered again (see generator/cache.py).
    """
    cache = _cache_for(project, cache)
    with _collector_paused():
        knowledge = _check(project, cache)
        env = make_environment(project.template_dirs[:1])
        if cache is None:
            return _render_on_two_cores(knowledge, env)
        env.bytecode_cache = cache.templates
        return cache.pages.render(knowledge, env, cache.files.digests(), project.template_dirs[0])


# A full build renders every page; from this many pages on, a second process renders half of them.
# MkDocs itself runs on one core, so on any machine with two the second is otherwise idle. The
# child is forked: it shares the resolved knowledge base with the parent instead of receiving a copy.
PARALLEL_FROM = 400
_shared: tuple[KnowledgeBase, jinja2.Environment, list[PageJob]] | None = None


def _render_on_two_cores(knowledge: KnowledgeBase, env: jinja2.Environment) -> dict[str, str]:
    global _shared
    jobs = site_pages(knowledge)
    if len(jobs) < PARALLEL_FROM or len(os.sched_getaffinity(0)) < 2 or "fork" not in mp.get_all_start_methods():
        return render_site(knowledge, env)
    half = len(jobs) // 2
    _shared = (knowledge, env, jobs)
    try:
        with ProcessPoolExecutor(1, mp_context=mp.get_context("fork")) as pool:
            second = pool.submit(_render_share, half, len(jobs))
            pages = [render_job(env, knowledge, job) for job in jobs[:half]] + second.result()
    finally:
        _shared = None
    return {job.path: markdown for job, markdown in zip(jobs, pages)}


def _render_share(start: int, stop: int) -> list[str]:
    """In the forked child: render jobs[start:stop] of what the parent shared."""
    assert _shared is not None
    knowledge, env, jobs = _shared
    return [render_job(env, knowledge, job) for job in jobs[start:stop]]
