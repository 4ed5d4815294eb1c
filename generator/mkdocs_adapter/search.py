"""Search: the site's split index (generator/search_index.py) in place of Material's whole one.

Material's search plugin stays for its search box and its header (the theme shows them only with the
plugin), and still writes ``search/search_index.json``; but it indexes no page, so that file is a stub
of a few hundred bytes (the configuration Material's page script reads for highlighting), and no
build parses the pages' HTML for an index nobody reads. The search box talks to the site's own worker
(site_src/assets/kb-search.js, named in site_src/overrides/main.html).

``SiteSearch`` gathers each page as MkDocs converts it (address, title, HTML, a profile's names and
the page's search boost), and makes the index's files:

- ``mkdocs build``: in another process while this one runs the theme over the pages: the theming
  child once it has built its pages, where the theme is split (theming.py, ``carry``), else a forked
  child of its own started once every page is converted (on_env); the files are moved into the new
  build at its end, before it is swapped in (as the exports are: exports.py).
- ``mkdocs serve``: the index lives on from one rebuild to the next. After a rebuild is swapped in and
  served, a thread reads again only the pages whose HTML, title or names changed, and rewrites only the
  files of the index that changed; until it is done the previous build's index is served (every file
  of an index names the version it belongs to, so a browser never mixes two). See ``Preview``. A
  quick rebuild (quick.py) hands over the pages it rebuilt (``rebuilt``), and the rest is the same.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from ..cores import Forked, second_core
from ..search_index import FOLDER, PagePart, PageRecord, SearchIndex, index_files
from . import atomic

if TYPE_CHECKING:
    from .theming import Carried
    from .quick import Rebuilt

log = logging.getLogger("mkdocs.plugins.khorasan_brief")

PARALLEL_FROM = 100  # pages; below this, another process costs more than it saves


def material_indexes(config: MkDocsConfig) -> Iterator[Any]:
    """The per-build index of each Material search plugin (``search_index``, made anew in on_config):
    ``add_entry_from_context(page)`` appends the page's entries to ``entries``. A search plugin of
    another shape is not touched."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if callable(getattr(index, "add_entry_from_context", None)) and isinstance(getattr(index, "entries", None), list):
            yield index


class MaterialEntries:
    """The entries that the pages built since the last ``mark()`` added to each Material search index
    (theming.py carries them back from its child; quick.py falls back if there are any)."""

    def __init__(self, config: MkDocsConfig) -> None:
        self.indexes = list(material_indexes(config))
        self._starts = [len(index.entries) for index in self.indexes]

    def mark(self) -> None:
        self._starts = [len(index.entries) for index in self.indexes]

    def added(self) -> list[list[dict[str, Any]]]:
        return [index.entries[start:] for index, start in zip(self.indexes, self._starts)]


def search_box_shown(config: MkDocsConfig) -> bool:
    """Whether the pages have Material's search box (its header shows it only with the plugin on):
    without it, nobody would read an index."""
    plugin = config.plugins.get("material/search")
    return plugin is not None and bool(getattr(plugin, "config", {}).get("enabled", True))


def index_no_page(config: MkDocsConfig) -> None:
    """Material's search index takes no page: its file keeps only the search configuration."""
    for index in material_indexes(config):
        index.add_entry_from_context = _skip


def _skip(page: Page) -> None:
    return None


class SiteSearch(BasePlugin):  # type: ignore[type-arg]
    """Registered beside the khorasan-brief plugin for each build; kept by it across rebuilds."""

    def __init__(self, carrier: Callable[[Callable[[], object]], Carried | None] | None = None) -> None:
        super().__init__()
        self._carrier = carrier  # a process that can make the index after other work (theming.py)
        self.names: dict[str, list[str]] = {}  # profile URL -> every name
        self.serving = False
        self.enabled = True  # the pages have a search box (search_box_shown)
        self.pages: list[PageRecord] = []
        self.excluded: set[str] = set()  # pages of this build that ask not to be searched
        self.order: list[str] = []  # the pages' addresses in the site's order (under mkdocs serve)
        self._job: _BuildJob | None = None
        self._preview = Preview()

    def begin(self, names: dict[str, list[str]], *, serving: bool) -> None:
        """Start a build whose profiles have these names."""
        self.stop_job()
        self.names, self.serving, self.pages, self.excluded = names, serving, [], set()

    @event_priority(-100)  # the HTML as the other plugins leave it
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        record = self._record(page, html)
        if record is not None:
            self.pages.append(record)
        return html

    def _record(self, page: Page, html: str) -> PageRecord | None:
        """The page as the index takes it; None for a page that asks not to be searched."""
        search = page.meta.get("search") if isinstance(page.meta, dict) else None
        search = search if isinstance(search, dict) else {}
        if search.get("exclude"):
            self.excluded.add(page.url)
            return None
        self.excluded.discard(page.url)
        boost = search.get("boost", 1)
        return PageRecord(
            page.url, page.title or "", html, tuple(self.names.get(page.url, ())),
            float(boost) if isinstance(boost, (int, float)) else 1.0,
        )

    # Every page is converted: the index can be made while the theme runs. After the theming plugin's
    # on_env (-100), which decides whether the theme has a child that can carry the index.
    @event_priority(-110)
    def on_env(self, env, *, config: MkDocsConfig, files: Files):  # type: ignore[no-untyped-def]
        if self.serving:
            self.order = [file.page.url for file in files.documentation_pages() if file.page is not None]
            self.pages = self._preview.with_unchanged(self.pages, self.order, self.excluded)
        else:
            self._job = _BuildJob(self.pages, atomic.sibling(Path(config.site_dir).resolve(), "search"), self._carrier)
        return env

    def finish(self, site_dir: Path, *, wait: bool) -> None:
        """Put this build's index into ``site_dir``: now (a build), or in the background once the
        site is served (a preview)."""
        if not self.enabled:
            return
        if self._job is not None:
            job, self._job = self._job, None
            job.move_into(site_dir)
        elif self.serving:
            self._preview.refresh(site_dir, list(self.pages))  # a copy: a quick rebuild's pages are added to self.pages
            if wait:
                self._preview.wait()
        else:  # a build whose on_env never came: index what there is
            _stage(self.pages, site_dir)

    def rebuilt(self, change: Rebuilt) -> None:
        """After a quick rebuild (quick.py): the pages it rebuilt, and the names as they now are, into
        the served index, in the background as after a full rebuild."""
        if not self.enabled or not self.serving:
            return
        self.names = dict(change.names)
        fresh = [record for page in change.pages if (record := self._record(page, page.content or "")) is not None]
        rebuilt = {record.url for record in fresh} | {page.url for page in change.pages}
        known = self._preview.index.parts
        renamed = [  # a page whose names changed though its HTML did not
            dataclasses.replace(known[url][0], names=tuple(names))
            for url, names in self.names.items()
            if url not in rebuilt and url in known and known[url][0].names != tuple(names)
        ]
        self.pages = self._preview.with_unchanged(fresh + renamed, self.order, self.excluded)
        self._preview.refresh(change.site, list(self.pages))

    def wait(self) -> None:
        """Until the index of the last build is in its site (a preview's is written after it is served)."""
        self._preview.wait()

    def stop_job(self) -> None:
        if self._job is not None:
            self._job.abandon()
            self._job = None

    def shutdown(self) -> None:
        self.stop_job()
        self._preview.stop()
        if self._preview.mirror is not None:
            atomic.release(self._preview.mirror)
            self._preview.mirror = None


class _BuildJob:
    """The files of a fresh index of ``pages``, made into ``staging``: by the theming child once its
    pages are built where there is one (one process fewer at the build's fullest), else by a forked
    child of its own, else (one core, few pages, or a child that failed) here."""

    def __init__(self, pages: list[PageRecord], staging: Path, carrier: Callable[[Callable[[], object]], Carried | None] | None = None) -> None:
        self.staging = staging
        self._pages = pages
        self._child: Forked | None = None
        self._carried: Carried | None = None
        self._paths: list[str] | None = None
        if second_core() and len(pages) >= PARALLEL_FROM:
            self._carried = carrier(functools.partial(_stage, pages, staging)) if carrier is not None else None
            if self._carried is None:
                self._child = Forked(functools.partial(_stage_in_child, pages, staging))
        else:
            self._paths = _stage(pages, staging)

    def move_into(self, site_dir: Path) -> None:
        paths = self._paths
        if paths is None and self._carried is not None:
            outcome = self._carried.outcome
            paths = outcome if isinstance(outcome, list) else _stage(self._pages, self.staging)
        if paths is None and self._child is not None:
            waited = time.perf_counter()
            outcome = self._child.result()
            self._child.close()
            paths = outcome if isinstance(outcome, list) else None
            log.debug(f"search index: waited {time.perf_counter() - waited:.2f} s for its process")
        if paths is None:
            raise RuntimeError("making the search index failed in its process")
        for path in paths:
            target = site_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            (self.staging / path).replace(target)
        atomic.release(self.staging)

    def abandon(self) -> None:
        if self._child is not None:
            self._child.terminate()
            self._child.close()
        atomic.release(self.staging)


def _stage_in_child(pages: list[PageRecord], staging: Path) -> list[str]:
    gc.freeze()  # the parent's objects: not the child's garbage to walk (walking them would copy them)
    return _stage(pages, staging)


def _stage(pages: list[PageRecord], staging: Path) -> list[str]:
    """Write the index of ``pages`` into ``staging`` file by file (held whole, the files of 5,000
    profiles would take some 30 MB more); their paths."""
    paths: list[str] = []
    folders: set[Path] = set()

    def write(path: str, data: bytes) -> None:
        target = staging / path
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        target.write_bytes(data)
        paths.append(path)

    index_files(((page, PagePart.of(page)) for page in pages), write)
    return paths


def _write(folder: Path, files: dict[str, bytes], paths: list[str]) -> None:
    """Write each of ``paths`` whole (a temporary file renamed over the old one); a path no longer
    in ``files`` is deleted."""
    made: set[Path] = set()
    for path in paths:
        target = folder / path
        if path not in files:
            target.unlink(missing_ok=True)
            continue
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        temporary = target.with_name(f".{target.name}.new")
        temporary.write_bytes(files[path])
        temporary.replace(target)


class Preview:
    """The index of a ``mkdocs serve`` session, brought up to date after each rebuild.

    It keeps every page's part (search_index.SearchIndex), so a rebuild costs the pages that changed
    and the files whose content changed. The files live in a folder of their own beside the site
    (``mirror``); after a rebuild has been swapped in, a thread links them into the new site folder
    (each build is a fresh folder, atomic.py), updates the index, and writes the files that changed
    into both. A rebuild that comes first stops the thread: the newer one does its work.
    """

    def __init__(self) -> None:
        self.index = SearchIndex()
        self.mirror: Path | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()  # one update of the index at a time

    def with_unchanged(self, pages: list[PageRecord], order: list[str], excluded: set[str]) -> list[PageRecord]:
        """The pages of a rebuild in the site's order, and, for a page whose events this rebuild did
        not run (a preview that renders only what an edit touched), its record from the index."""
        seen = {record.url: record for record in pages}
        known = self.index.parts  # replaced whole by an update, never changed in place
        records = [seen.pop(url) if url in seen else known[url][0] for url in order if url in seen or (url in known and url not in excluded)]
        return records + list(seen.values())

    def refresh(self, site_dir: Path, pages: list[PageRecord]) -> None:
        self.stop()
        if self.mirror is None:
            self.mirror = atomic.sibling(site_dir.resolve(), "search")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(site_dir, pages, self._stop), name="search index", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()

    def stop(self) -> None:
        self._stop.set()
        self.wait()
        self._thread = None

    def _run(self, site_dir: Path, pages: list[PageRecord], stop: threading.Event) -> None:
        assert self.mirror is not None
        try:
            with self._lock:
                _link_tree(self.mirror, site_dir)  # the last index, at once: a search keeps working
                if stop.is_set():
                    return
                changed = sorted(self.index.update(pages))
                if stop.is_set():
                    return
                _write(self.mirror, dict(self.index.files), changed)
                _link_tree(self.mirror, site_dir, changed)
            log.debug(f"search index: {len(changed)} files rewritten")
        except OSError as error:  # the site folder went away (a newer build, the server stopped)
            if not stop.is_set():
                log.warning(f"search index not updated: {error}")


def _link_tree(source: Path, target: Path, paths: list[str] | None = None) -> None:
    """Hard-link the files of ``source`` (or the given ones) into ``target`` (a copy where linking
    is refused), replacing what is there; a given path missing from ``source`` is deleted."""
    if not source.is_dir():
        return
    if paths is None:
        paths = [os.path.relpath(os.path.join(top, name), source) for top, _, names in os.walk(source) for name in names]
    for path in paths:
        origin, destination = source / path, target / path
        if not origin.exists():
            destination.unlink(missing_ok=True)
            continue
        if destination.exists() and os.path.samefile(origin, destination):
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        temporary = destination.with_name(f".{destination.name}.link")
        temporary.unlink(missing_ok=True)
        try:
            os.link(origin, temporary)
        except OSError:
            temporary.write_bytes(origin.read_bytes())
        temporary.replace(destination)


__all__ = ["FOLDER", "MaterialEntries", "SiteSearch", "index_no_page", "material_indexes", "search_box_shown"]
