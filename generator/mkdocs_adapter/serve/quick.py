"""Quick rebuilds under ``mkdocs serve``: after a change, only the generated pages whose Markdown
changed go through MkDocs again, and only their files are written into the served folder."""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_date

from ...model.problems import ProblemsFound
from ...render.site import Rendered
from .. import atomic
from ..options import NoOptions

log = logging.getLogger("mkdocs.plugins.khorasan_brief")


class Fallback(Exception):
    """The change needs a full build; the message says why."""


@dataclass(frozen=True)
class Rebuilt:
    """What one quick rebuild did, for whatever follows the pages (``QuickRebuild.on_rebuilt``)."""

    site: Path  # the served folder
    pages: list[Page]  # the pages rebuilt, with their new content, in the site's order
    files: list[str]  # other files written (graph.json, redirect pages), by path in the site
    names: dict[str, list[str]]  # profile URL -> every name of the profile, as after this build


@dataclass
class _Capture:
    """What a full build leaves, gathered from its events."""

    config: MkDocsConfig
    inputs: bytes
    tracked: tuple[str, ...]
    build_date: str
    files: Files | None = None
    nav: Navigation | None = None
    env: jinja2.Environment | None = None


@dataclass
class _Built:
    """The last good build: what the served folder holds and what quick rebuilds build on."""

    capture: _Capture
    site: Path
    rendered: Rendered
    in_nav: frozenset[int]
    doc_files: list[File]  # the pages MkDocs builds, in its order


class QuickRebuild(BasePlugin[NoOptions]):
    """Registered beside the khorasan-brief plugin while serving, and kept across rebuilds by it;
    ``owner`` is that plugin (its pipeline, caches and exports).

    MkDocs answers every change with a whole build: every plugin event for every page, the theme's files
    copied, every page written (and here, since builds are atomic, into a fresh folder swapped in whole).
    Yet after an edit of a profile, a source or a brief, the generator knows exactly which pages changed:
    it renders their Markdown again (generator/cache.py) and the rest comes out as it was. A generated
    page's HTML is a function of its own Markdown and of the site around it (mkdocs.yml, the theme and
    its overrides, the hand-written pages, the set of pages and files, the navigation, the build date).
    So, when the site around the pages is what it was at the last good build, and only the Markdown of
    generated pages (and generated files such as graph.json) changed, the rebuild here:

    1. runs the pipeline with its cache, as the full build does (problems: the full build reports them);
    2. compares what it made with what the last good build was made from: the same pages, files and
       redirects in the same order, else a full build;
    3. runs MkDocs's per-page steps on the changed pages only, through MkDocs's public calls (the page's
       ``read_source`` and ``render``, every plugin event of a page, ``get_context`` and the theme's
       template), with the last build's configuration, files, navigation and theme environment;
    4. writes each changed page and file to a new file beside the site and renames it into place
       (never writing into a file that may be a hard link to another build's), hands the rebuilt pages
       to what follows them (``on_rebuilt``: the site's search index, brought up to date in the
       background) and the exports, made on the second core meanwhile, to the writer that puts them in
       place as after a full build.

    The server then reloads the browsers as after any build. Whatever this does not know for sure goes
    to the full build: a changed mkdocs.yml, theme override, hand-written page or watched file, a page or
    file added or removed, a page of the navigation whose title changed, a plugin this does not know, a
    --strict session, generated HTML that the allow-list refuses, a new day (pages carry the build date),
    a search plugin that indexes pages itself (Material's index is a stub here: search.py), and any exception. tests/test_quick_rebuild.py holds
    the site after quick rebuilds equal, byte for byte, to a fresh build of the same files.

    Work that follows the pages (the site's search index: search.SiteSearch) plugs in with ``on_rebuilt``:
    called once per quick rebuild with the pages it rebuilt, after they are in place.
    """

    def __init__(self, owner: Any) -> None:
        super().__init__()
        self.owner = owner
        self.server: Any = None
        self.on_rebuilt: list[Callable[[Rebuilt], None]] = []
        self.last: _Built | None = None
        self.rebuilt: list[str] = []  # pages the last quick rebuild rebuilt (for logs and tests)
        self.fallback: str | None = None  # why the last change took a full build, if it did
        self.timings: dict[str, float] = {}  # seconds, by step, of the last quick rebuild (logs, bench)
        self._capture: _Capture | None = None
        self._inputs_before: tuple[tuple[str, ...], bytes] | None = None
        self._collector = _Collector()

    # -- the server ------------------------------------------------------------------------------

    def serve(self, server: Any, full_build: Callable[[], None]) -> Callable[[], None]:
        """The rebuild for ``server``: a quick one where it can be, else ``full_build``."""
        self.server = server

        def rebuild() -> None:
            with self._collector.held():
                if self.rebuild():
                    return
                gc.unfreeze()  # see _Collector
                # Taken before MkDocs reads mkdocs.yml: a change made while it builds is caught next time.
                tracked = self._tracked(self.last.capture.config if self.last else None)
                self._inputs_before = (tracked, _digest_tree(tracked)) if tracked else None
                full_build()

        return rebuild

    # -- a full build: what it leaves ---------------------------------------------------------

    @event_priority(-1000)  # after every other plugin: the configuration as the build uses it
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        before, self._inputs_before = self._inputs_before, None
        tracked = self._tracked(config)
        inputs = before[1] if before is not None and before[0] == tracked else _digest_tree(tracked)
        self._capture = _Capture(config, inputs, tracked, get_build_date())
        return config

    @event_priority(-1000)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if self._capture is not None:
            self._capture.files = files
        return files

    @event_priority(-1000)
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        if self._capture is not None:
            self._capture.nav = nav
        return nav

    @event_priority(-1000)
    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        if self._capture is not None:
            self._capture.env = env
        return env

    def committed(self, site: Path, rendered: Rendered) -> None:
        """The full build is in place at ``site`` (the owner calls this after swapping it in)."""
        capture, self._capture = self._capture, None
        self.last = None
        if capture is None or capture.files is None or capture.nav is None or capture.env is None:
            return
        capture.config.site_dir = str(site)  # it named the folder the build was made in
        in_nav = frozenset(id(page) for page in capture.nav.pages)
        doc_files = capture.files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        self.last = _Built(capture, site, rendered, in_nav, list(doc_files))

    def on_build_error(self, *, error: Exception) -> None:
        # A failed full build leaves the served folder as the last good build made it: quick rebuilds
        # go on from that one.
        self._capture = None

    # -- a quick rebuild -------------------------------------------------------------------------

    def rebuild(self) -> bool:
        """Bring the served site up to date with the change just made, if a quick rebuild can;
        False when it cannot (nothing was changed then, or what was is left to the full build)."""
        started = time.perf_counter()
        self.rebuilt = []
        self.timings = {}
        try:
            with self._collector.frozen():
                self._rebuild()
        except Fallback as reason:
            self.fallback = str(reason)
            log.debug(f"full rebuild: {reason}")
            return False
        except Exception as error:
            self.last = None
            self.fallback = f"quick rebuild failed: {error!r}"
            log.debug(self.fallback, exc_info=True)
            return False
        self.fallback = None
        count = len(self.rebuilt)
        log.info(f"Rebuilt {count} page{'' if count == 1 else 's'} in {time.perf_counter() - started:.2f} seconds")
        log.debug("quick rebuild: " + ", ".join(f"{step} {seconds * 1000:.0f} ms" for step, seconds in self.timings.items()))
        return True

    def _rebuild(self) -> None:
        last = self.last
        if last is None:
            raise Fallback("no good build to start from")
        step = _Steps(self.timings)
        self._check_site(last)
        step("site checked")
        owner = self.owner
        try:
            rendered: Rendered = owner.generate(last.site)
        except ProblemsFound:
            raise Fallback("problems in the data (the full build reports them)") from None
        step("pipeline")
        changed = _changes(last.rendered, rendered)
        if last.rendered.names.keys() != rendered.names.keys():
            raise Fallback("the profiles are not those of the last build")
        # From here on the last build's objects change: should anything fail, nothing builds on them.
        self.last = None
        pages = self._read_pages(last, rendered, changed.pages)
        step("pages read")
        if owner.unsafe:
            raise Fallback("generated HTML the allow-list refuses (the full build reports it)")
        staging = atomic.sibling(last.site, "quick")
        try:
            staging.mkdir()
            writes = self._build_pages(last, pages, staging)
            for number, (path, content) in enumerate(changed.files.items()):
                data = content if isinstance(content, bytes) else content.encode("utf-8")
                writes.append((_write(staging / f"f{number}", data), last.site / path))
            step("pages built")
            for source, target in writes:
                _replace(source, target)
        finally:
            atomic.release(staging)
        step("written")
        _validate_anchors(last, pages)
        last.rendered = rendered
        self.rebuilt = [page.file.src_uri for page in pages]
        owner.exports.finish(last.site)
        step("search, anchors, exports")
        self.last = last
        change = Rebuilt(last.site, pages, list(changed.files), rendered.names)
        for hook in self.on_rebuilt:
            hook(change)

    def _check_site(self, last: _Built) -> None:
        """Raise Fallback unless the site around the generated pages is what the last build had."""
        config = last.capture.config
        if not last.site.is_dir():
            raise Fallback(f"{last.site} is gone")
        if config.strict:
            raise Fallback("--strict: a warning must stop the build")
        unknown = [name for name, plugin in config.plugins.items() if not _known(plugin, self)]
        if unknown:
            raise Fallback(f"plugins a quick rebuild does not know: {', '.join(unknown)}")
        if get_build_date() != last.capture.build_date:
            raise Fallback("a new day: every page carries the build date")
        tracked = self._tracked(config)
        if tracked != last.capture.tracked:
            raise Fallback("the watched files are not those of the last build")
        if _digest_tree(tracked) != last.capture.inputs:
            raise Fallback("mkdocs.yml, a theme override, a hand-written page or another watched file changed")

    def _read_pages(self, last: _Built, rendered: Rendered, changed: list[str]) -> list[Page]:
        """MkDocs's first half for each changed page: its Markdown read and converted."""
        capture = last.capture
        assert capture.files is not None
        owner = self.owner
        owner.rendered = rendered
        owner.unsafe = []
        pages = []
        for path in changed:
            file = capture.files.get_file_from_path(path)
            page = file.page if file is not None else None
            if file is None or page is None:
                raise Fallback(f"{path} was not built by the last build")
            if file.inclusion.is_excluded():
                raise Fallback(f"{path} is a draft (MkDocs marks it in the preview)")
            title = page.title
            file.content_string = rendered.pages[path]
            _read_page(page, capture.config, capture.files)
            if id(page) in last.in_nav and page.title != title:
                raise Fallback(f"the title of {path}, a page of the navigation, changed")
            pages.append(page)
        return pages

    def _build_pages(self, last: _Built, pages: list[Page], staging: Path) -> list[tuple[Path, Path]]:
        """MkDocs's second half for each page: the theme, every page event, the file (in staging).
        Returns (staged file, its place in the site) for each."""
        capture = last.capture
        assert capture.nav is not None and capture.env is not None
        writes: list[tuple[Path, Path]] = []
        for number, page in enumerate(pages):
            output = _theme_page(page, capture.config, last.doc_files, capture.nav, capture.env)
            staged = staging / f"p{number}"
            if output.strip():  # MkDocs writes no file for a page whose HTML came out empty
                _write(staged, output.encode("utf-8", errors="xmlcharrefreplace"))
            writes.append((staged, last.site / page.file.dest_uri))
        return writes

    def _tracked(self, config: MkDocsConfig | None) -> tuple[str, ...]:
        """The files besides data/ and briefs/ that the site is made from, as folders and files: what
        the server watches (docs_dir, mkdocs.yml, the templates, any --watch), and the theme's
        custom_dir, which MkDocs reads but does not watch."""
        watched = getattr(self.server, "_watched_paths", None)
        paths = set(watched) if isinstance(watched, dict) else set()
        if config is not None:
            if not paths:  # the first build runs before the server exists: what it will watch
                paths |= {config.docs_dir, *(str(path) for path in config.watch)}
                if config.config_file_path:
                    paths.add(config.config_file_path)
                paths |= {str(path) for path in self.owner.watched()}
            if config.theme.custom_dir:
                paths.add(config.theme.custom_dir)
        project = self.owner.project
        generated_from = {str(project.data_dir), str(project.briefs_dir)} if project is not None else set()
        return _outermost(os.path.abspath(path) for path in paths if os.path.abspath(path) not in generated_from)


class _Steps:
    """Times the steps of a rebuild into ``timings``."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = now - self.last
        self.last = now


class _Collector:
    """Python's cycle collector kept out of quick rebuilds, and its work done while the editor pauses.

    A quick rebuild allocates a new knowledge base and the pages it renders, which the collector
    would walk during the rebuild and again during the next one. So it does not run during one, and
    what is alive at the end is frozen (``gc.freeze``): later collections do not walk it. What the
    rebuild leaves as cyclic garbage is collected, everything unfrozen and walked once, when no
    rebuild has run for ``IDLE`` seconds, or by the next full build, which unfreezes everything
    first. (bench/RESULTS.md: the preview's median with and without it.)
    """

    IDLE = 5.0

    def __init__(self) -> None:
        self._building = threading.Lock()  # held by a rebuild, quick or full: no collection meanwhile
        self._timer: threading.Timer | None = None

    @contextmanager
    def held(self) -> Iterator[None]:
        if self._timer is not None:
            self._timer.cancel()
        with self._building:
            yield
        self._timer = threading.Timer(self.IDLE, self._collect)
        self._timer.daemon = True
        self._timer.start()

    @contextmanager
    def frozen(self) -> Iterator[None]:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            yield
        finally:
            gc.freeze()
            if was_enabled:
                gc.enable()

    def _collect(self) -> None:
        if self._building.acquire(blocking=False):  # else a rebuild has started: it comes again after
            try:
                gc.unfreeze()
                gc.collect()
                gc.freeze()
            finally:
                self._building.release()


@dataclass
class _Changes:
    pages: list[str]
    files: dict[str, str | bytes]  # generated files and redirect pages whose content changed, by path in the site


def _changes(before: Rendered, now: Rendered) -> _Changes:
    """What changed from the last good build, or Fallback if more than the content of pages and files."""
    if list(before.pages) != list(now.pages):
        raise Fallback("pages were added, removed or renamed")
    if list(before.files) != list(now.files) or list(before.redirects) != list(now.redirects):
        raise Fallback("generated files or redirect pages were added or removed")
    pages = [path for path, markdown in now.pages.items() if before.pages[path] != markdown]
    files = {path: text for path, text in now.files.items() if before.files[path] != text}
    files |= {path: text for path, text in now.redirects.items() if before.redirects[path] != text}
    return _Changes(pages, files)


def _validate_anchors(last: _Built, rebuilt: list[Page]) -> None:
    """MkDocs's check of links to anchors (it logs what it finds), for the rebuilt pages and the pages
    that link to an anchor in one of them."""
    files = last.capture.files
    assert files is not None
    changed = {id(page.file) for page in rebuilt}
    level = last.capture.config.validation.links.anchors
    for file in last.doc_files:
        page = file.page
        if page is not None and (id(file) in changed or any(id(target) in changed for target in page.links_to_anchors or ())):
            page.validate_anchor_links(files=files, log_level=level)


def _read_page(page: Page, config: MkDocsConfig, files: Files) -> None:
    """What ``mkdocs build`` does to a page before the theme: read, converted, every plugin's events."""
    config.plugins.on_pre_page(page, config=config, files=files)
    page.read_source(config)
    page.markdown = config.plugins.on_page_markdown(page.markdown or "", page=page, config=config, files=files)
    page.render(config, files)
    page.content = config.plugins.on_page_content(page.content or "", page=page, config=config, files=files)


def _theme_page(page: Page, config: MkDocsConfig, doc_files: list[File], nav: Navigation, env: jinja2.Environment) -> str:
    """What ``mkdocs build`` does to a page after: the theme's template around it, every plugin's
    events; the page's HTML."""
    page.active = True
    try:
        context = get_context(nav, doc_files, config, page)
        template = env.get_template(page.meta.get("template", "main.html"))
        context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
        return config.plugins.on_post_page(template.render(context), page=page, config=config)
    finally:
        page.active = False


def _known(plugin: object, quick: QuickRebuild) -> bool:
    """Plugins whose every effect on the site a quick rebuild reproduces."""
    from ..search import SiteSearch

    if plugin is quick or plugin is quick.owner or isinstance(plugin, SiteSearch):
        return True  # SiteSearch follows a quick rebuild through on_rebuilt
    return type(plugin).__module__ == "material.plugins.search.plugin" and type(plugin).__name__ == "SearchPlugin"


def _outermost(paths: Iterable[str]) -> tuple[str, ...]:
    """The paths, less those inside another of them, sorted."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(outer.rstrip(os.sep) + os.sep) for outer in kept):
            kept.append(path)
    return tuple(kept)


def _digest_tree(paths: Iterable[str]) -> bytes:
    """One digest of the names and bytes of every file at or under ``paths``."""
    digest = hashlib.blake2b(digest_size=16)
    for top in paths:
        digest.update(b"\0top\0" + os.fsencode(top))
        if os.path.isfile(top):
            digest.update(_file_bytes(top))
            continue
        for folder, folders, names in os.walk(top):
            folders.sort()
            for name in sorted(names):
                path = os.path.join(folder, name)
                digest.update(b"\0file\0" + os.fsencode(os.path.relpath(path, top)) + b"\0")
                digest.update(_file_bytes(path))
    return digest.digest()


def _file_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return b"\0unreadable"
    return len(data).to_bytes(8, "little") + data


def _write(path: Path, data: bytes) -> Path:
    with open(path, "wb") as handle:
        handle.write(data)
    return path


def _replace(staged: Path, target: Path) -> None:
    """Put the staged file in place: a new file under the old name, in one step."""
    if not staged.exists():  # MkDocs wrote nothing (a page whose HTML came out empty)
        target.unlink(missing_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged, target)
