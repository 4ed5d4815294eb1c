"""Theming: MkDocs's last loop of a large build, the theme around each page, on two cores.

Once every page is converted, MkDocs builds the pages one after the other on one core: the theme's
template around each page's HTML, the page events, the file written (a quarter of a build at 5,000
profiles). On a machine with two cores the second one is idle by then. So, from ``PARALLEL_FROM``
pages on, when MkDocs is about to build the first page, a forked child builds the last half of them
with MkDocs's own ``_build_page`` (same configuration, navigation, template environment and pages,
inherited by the fork) while MkDocs builds the first half; when MkDocs reaches a page of the child's
half, the child's work stands for it:

- the child writes its pages' files itself, into the same site folder;
- what it logged while building a page is logged here when MkDocs reaches that page, so ``--strict``
  counts it as usual, and what it added to Material's search index is added here, in page order, so
  the index is the one a single process writes;
- a page the child did not build (it died, or stopped at an error) is built here, as MkDocs would,
  and an error is then raised here, where it is reported.

The search index's process can hand its work to the child (``carry``): the child makes the index once
its pages are built, and takes fewer pages so that both processes end together.

Only with plugins whose page events (on_page_context, on_post_page) have no effect beyond the page
itself, or whose effect is carried back (Material's search entries): with any other plugin or hook,
under ``mkdocs serve``, with ``--dirty``, with one CPU or without ``fork``, MkDocs builds every page
itself. MkDocs calls ``mkdocs.commands.build._build_page`` by name, so the split takes its place only
for the length of the build; another engine (ProperDocs has its own module) never meets it.
"""

from __future__ import annotations

import functools
import gc
import logging
from collections.abc import Callable, Sequence
from typing import Any

from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from ..cores import Forked, second_core
from .conversion import keep_log_records
from .search import MaterialEntries, material_indexes

log = logging.getLogger("mkdocs.plugins.khorasan_brief")

PARALLEL_FROM = 400  # pages; below this, forking costs more than it saves
CHILD_SHARE = 0.5  # of the pages, the last ones in MkDocs's order
# ... when the child also carries other work after its pages (the search index: about a quarter of
# the theme's time at 5,000 profiles), so that both processes end together.
CARRYING_SHARE = 0.4

# What the child sends for each page it built: its log records and, for each Material search index,
# the entries it added.
_Built = tuple[list[logging.LogRecord], list[list[dict[str, Any]]]]


class Carried:
    """Work that the theming child does once its pages are built (``TwoCoreTheming.carry``), and
    what it returned: None until this process has the child's answer, and if the child did not
    finish it."""

    def __init__(self, work: Callable[[], object]) -> None:
        self.work = work
        self.outcome: object = None


class TwoCoreTheming(BasePlugin):  # type: ignore[type-arg]
    """Registered beside the khorasan-brief plugin for `mkdocs build`."""

    def __init__(self, known: Callable[[object], bool]) -> None:
        super().__init__()
        self._known = known  # plugins whose page events may run in the child
        self._job: _ThemingJob | None = None
        self._original: Callable[..., None] | None = None
        self.taken = 0  # pages of the last build that the child built: for logs and tests

    @event_priority(-100)  # after every other plugin's on_env: the environment is final
    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.stop()
        self.taken = 0
        pages = files.documentation_pages()
        if len(pages) >= PARALLEL_FROM and second_core() and self._plugins_allow(config):
            self._job = _ThemingJob([file.src_uri for file in pages], CHILD_SHARE)
            self._original = mkdocs_build._build_page
            mkdocs_build._build_page = functools.partial(_build_page, self._job, self._original)
        return env

    def carry(self, work: Callable[[], object]) -> Carried | None:
        """Where this build's theme is split (on_env decides), the child runs ``work`` once its pages
        are built, and takes fewer pages to end with this process: one process fewer than a child
        of its own would be, at the end of the build when every page's HTML is in memory. None
        where there is no such child (then the caller does the work some other way)."""
        if self._job is None or self._job.child is not None or self._job.carried is not None:
            return None
        self._job.carried = Carried(work)
        self._job.share(CARRYING_SHARE)
        return self._job.carried

    def _plugins_allow(self, config: MkDocsConfig) -> bool:
        handlers = [*config.plugins.events["page_context"], *config.plugins.events["post_page"]]
        return all(self._known(getattr(handler, "__self__", None)) for handler in handlers)

    @event_priority(100)  # first: every page is built by now
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self._job is not None:
            self.taken = self._job.taken
            log.debug(f"theming: {self.taken} of {len(self._job.names)} pages built by a second process")
        self.stop()

    def on_build_error(self, *, error: Exception) -> None:
        self.stop()

    def stop(self) -> None:
        if self._original is not None:
            mkdocs_build._build_page = self._original
            self._original = None
        if self._job is not None:
            self._job.stop()
            self._job = None


class _ThemingJob:
    def __init__(self, order: list[str], share: float) -> None:
        self._order = order  # every page, in MkDocs's order
        self.names: frozenset[str] = frozenset()  # the pages the child builds: the last ones
        self.share(share)
        self.taken = 0
        self.child: Forked | None = None
        self.carried: Carried | None = None  # what the child does after its pages
        self._results: dict[str, _Built] | None = None

    def share(self, share: float) -> None:
        self.names = frozenset(self._order[int(len(self._order) * (1 - share)) :])

    def start(self, build_page: Callable[..., None], pages: list[tuple[Page, tuple[Any, ...], dict[str, Any]]], config: MkDocsConfig) -> None:
        then = self.carried.work if self.carried is not None else None
        self.child = Forked(functools.partial(_build_in_child, build_page, pages, config, then))

    def take(self, page: Page, config: MkDocsConfig) -> bool:
        """Stand for MkDocs's build of ``page`` with the child's; False if the child did not build it."""
        if self._results is None:
            assert self.child is not None
            outcome = self.child.result()
            built, carried = outcome if isinstance(outcome, tuple) else ({}, None)
            self._results = built if isinstance(built, dict) else {}
            if self.carried is not None:
                self.carried.outcome = carried
        built = self._results.get(page.file.src_uri)
        if built is None:
            return False
        records, entries = built
        for record in records:
            logging.getLogger(record.name).handle(record)
        for index, added in zip(material_indexes(config), entries):
            index.entries.extend(added)
        self.taken += 1
        return True

    def stop(self) -> None:
        if self.child is not None:
            self.child.terminate()
            self.child.close()


def _build_page(job: _ThemingJob, original: Callable[..., None], page: Page, config: MkDocsConfig,
                doc_files: Sequence[Any], nav: Any, env: Any, dirty: bool = False, excluded: bool = False) -> None:
    """Stands for ``mkdocs.commands.build._build_page`` during the build."""
    if not dirty and job.child is None:  # the first page: the child starts on its half at once
        files = [file for file in doc_files if file.src_uri in job.names and file.page is not None]
        share = [(file.page, (config, doc_files, nav, env, dirty), {"excluded": file.inclusion.is_excluded()}) for file in files]
        job.start(original, share, config)
    if dirty or page.file.src_uri not in job.names or not job.take(page, config):
        original(page, config, doc_files, nav, env, dirty, excluded=excluded)


def _build_in_child(
    build_page: Callable[..., None], pages: list[tuple[Page, tuple[Any, ...], dict[str, Any]]], config: MkDocsConfig,
    then: Callable[[], object] | None = None,
) -> tuple[dict[str, _Built], object]:
    """In the forked child: build the pages; for each, what it logged and added to the search index;
    then the carried work, and what it returned (None if a page failed, or the work raised)."""
    gc.freeze()  # the parent's objects: not the child's garbage to walk
    logged = keep_log_records()
    entries = MaterialEntries(config)
    results: dict[str, _Built] = {}
    for page, arguments, options in pages:
        first = len(logged)
        entries.mark()
        try:
            build_page(page, *arguments, **options)
        except Exception:  # noqa: BLE001 - the parent builds this page again, and reports the error
            return results, None
        results[page.file.src_uri] = (logged[first:], entries.added())
    if then is None:
        return results, None
    try:
        return results, then()
    except Exception:  # noqa: BLE001 - the parent does it, where its error can be reported
        return results, None
