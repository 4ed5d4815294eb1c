"""The MkDocs plugin, a thin adapter over the pipeline: it runs the pipeline before MkDocs touches the
site folder, adds the generated pages as in-memory files, and has ``mkdocs serve`` watch the data,
briefs and templates."""

from __future__ import annotations

import functools
import logging
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from mkdocs.config import base
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from ..cache import BuildCache
from ..pipeline import Project, build
from ..problems import Position, ProblemsFound
from ..render import Layout, Rendered
from . import csp
from .conversion import TwoCoreConversion
from .exports import Exports, export_paths, listed_files
from .preview import PreviewCache
from .search import index_in_one_pass, weigh_names_in_site

log = logging.getLogger("mkdocs.plugins.khorasan_brief")


class KhorasanBriefConfig(base.Config):
    pass


class DataProblems(PluginError):
    """The data, briefs or templates have problems. Raised in on_pre_build, before MkDocs cleans the
    site folder, so the previous build is still whole when this is raised."""


class KhorasanBriefPlugin(BasePlugin[KhorasanBriefConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.project: Project | None = None
        self.layout = Layout()
        self.rendered = Rendered({}, {}, {})
        self.serving = False
        self.dirty = False
        # Under `mkdocs serve`, what one build hands to the next (generator/cache.py, generator/mkdocs_adapter/preview.py).
        self.cache: BuildCache | None = None
        self.preview: PreviewCache | None = None
        self.exports = Exports()  # made on a second core while MkDocs builds the pages
        self.conversion = TwoCoreConversion()  # half of a large build's Markdown, on a second core
        self.edit_root: str | None = None
        self.activated: list = []  # type: ignore[type-arg]

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Having this hook also makes MkDocs keep this object from one `mkdocs serve` rebuild to the
        # next (that is where the caches live): state that belongs to one build must be reset at the
        # start of each build (on_config or on_pre_build), not only in __init__.
        self.serving = command == "serve"
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.project = Project(Path(config.config_file_path).resolve().parent)
        self.layout = Layout(directory_urls=config.use_directory_urls, site_url=config.site_url or None, site_name=config.site_name)
        self.edit_root = edit_root(config, self.project.root)
        if not self.serving:
            self.cache = self.preview = None
        elif self.cache is None or self.cache.root != self.project.root:
            self.cache, self.preview = BuildCache(self.project.root), PreviewCache()
        if self.preview is not None:
            config.plugins["khorasan-brief/preview"] = self.preview
        elif not self.dirty:
            config.plugins["khorasan-brief/conversion"] = self.conversion
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # MkDocs empties site_dir right after this event: failing here keeps the previous site whole.
        assert self.project is not None
        index_in_one_pass(config)  # before the preview helper wraps the same call (its on_pre_build runs later)
        started = self.exports.started
        try:
            exporter = functools.partial(self.exports.start, site_dir=Path(config.site_dir))
            self.rendered = build(self.project, self.layout, self.cache, exporter=exporter)
            self._check_no_clash(config)
        except ProblemsFound as found:
            if self.exports.started != started:
                self.exports.stop()  # this build's own job: there will be no site for it
            for problem in found.problems:
                log.error(str(problem))
            count = len(found.problems)
            raise DataProblems(
                f"{count} problem{'s' if count != 1 else ''} in data/ or briefs/; nothing was built"
            ) from None
        if self.preview is not None:
            self.preview.begin(self.rendered.pages)

    def _check_no_clash(self, config: MkDocsConfig) -> None:
        """A hand-written page where a generated one belongs: found here, before site_dir is cleaned."""
        assert self.project is not None
        docs = Path(config.docs_dir)
        clashes = [
            Position((docs / path).relative_to(self.project.root).as_posix()).problem(
                "a hand-written page stands where a generated page belongs; remove or rename it"
            )
            for path in [*self.rendered.pages, *self.rendered.files, *export_paths()]
            if (docs / path).exists()
        ]
        if clashes:
            raise ProblemsFound(clashes)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        # Generated pages are reached through the indexes, not the nav: MkDocs would list every one of
        # them as "not included in the nav" on each build. A hand-written page left out is still listed.
        for path, content in {**self.rendered.pages, **self.rendered.files}.items():
            files.append(File.generated(config, path, content=content, inclusion=InclusionLevel.NOT_IN_NAV))
        for listed in listed_files(config):  # the exports: written when they are made (on_post_build)
            files.append(listed)
        # An alias's redirect never replaces a real page: a hand-written page at that address wins.
        taken = {file.dest_uri for file in files}
        for path, html in self.rendered.redirects.items():
            if path in taken:
                log.info(f"no redirect at {path}: a page of the site stands there")
                continue
            files.append(File.generated(config, path, content=html))
        return files

    def on_page_context(self, context, *, page, config: MkDocsConfig, nav):  # type: ignore[no-untyped-def]
        """A generated page outside the navigation (a profile, a source, a brief) highlights the tab
        of its section, and its "Edit" link points at the file it is made from."""
        meta = page.meta.get("kb") if isinstance(page.meta, dict) else None
        if isinstance(meta, dict):
            section = (meta.get("section") or {}).get("url")
            for item in nav.pages if nav is not None else []:
                if item.url == section and not item.active:
                    item.active = True  # MkDocs marks its ancestors too; undone in on_post_page
                    self.activated.append(item)
            if self.edit_root and meta.get("file"):
                page.edit_url = self.edit_root + meta["file"]
        return context

    def on_post_page(self, output: str, *, page, config: MkDocsConfig) -> str:  # type: ignore[no-untyped-def]
        for item in self.activated:
            item.active = False
        self.activated = []
        return csp.apply_policy(output, page.content or "", serving=self.serving)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        return csp.apply_policy(output_content, serving=self.serving)

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        tagged = weigh_names_in_site(Path(config.site_dir), self.rendered.names)
        log.debug(f"search: names set as tags on {tagged} profile entries")
        # A build waits for the exports; a preview is served at once, and its exports follow.
        self.exports.finish(Path(config.site_dir), wait=not self.serving)

    def on_build_error(self, *, error: Exception) -> None:
        if not isinstance(error, DataProblems):  # then the last good build (and its exports) stays
            self.exports.stop()

    def on_shutdown(self) -> None:
        self.exports.stop()

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder) -> LiveReloadServer:  # type: ignore[no-untyped-def]
        assert self.project is not None
        for path in self.project.watched:
            if path.is_dir():
                server.watch(str(path))
        server.builder = _serve_last_good_build(server.builder)
        return server


def edit_root(config: MkDocsConfig, root: Path) -> str | None:
    """Where the repository's files are edited: repo_url + edit_uri, less the docs folder that edit_uri
    names (edit/main/site_src/ -> edit/main/), so that a data file's path can follow it."""
    if not config.repo_url or not config.edit_uri:
        return None
    base = urllib.parse.urljoin(config.repo_url.rstrip("/") + "/", config.edit_uri)
    if not base.endswith("/"):
        base += "/"
    docs = Path(config.docs_dir).resolve()
    folder = docs.relative_to(root).as_posix() + "/" if docs.is_relative_to(root) else ""
    return base.removesuffix(folder) if folder and base.endswith(folder) else None


def _serve_last_good_build(build: Callable[[], None]) -> Callable[[], None]:
    """Wrap the rebuild that `mkdocs serve` runs on every change.

    MkDocs 1.6 turns a failed rebuild into Abort, prints it, and then holds every page request until a
    rebuild succeeds ("the server will appear stuck"). When the failure is ours, nothing was written, so
    the last good build can go on being served: the problems are in the terminal as FILE:LINE:COL, and
    the next change that fixes them rebuilds as usual.
    """

    def rebuild() -> None:
        try:
            build()
        except SystemExit as abort:  # mkdocs.exceptions.Abort, raised while handling our DataProblems
            if not isinstance(abort.__context__, DataProblems):
                raise
            log.warning("Not rebuilt: fix the problems above; the last good build is still served")

    return rebuild
