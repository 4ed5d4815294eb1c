"""The MkDocs plugin, a thin adapter over the pipeline: it runs the pipeline before MkDocs touches the
site folder, adds the generated pages as in-memory files, has ``mkdocs serve`` watch the data,
briefs and templates, and makes every build atomic: MkDocs builds into a fresh folder that replaces
the site folder only once the build has succeeded (generator/mkdocs_adapter/atomic.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import re
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler
from mkdocs.utils.templates import TemplateContext

from ..cache import BuildCache
from ..checks.allowlist import BRIEF_END, check_brief_page, check_generated_page
from ..checks.preflight import build_folder_problems
from ..checks.site_config import DEPLOY_KEYS, Setting, deploy_problems, read_site_config
from ..model.problems import Position, Problem, ProblemsFound
from ..model.project import Project
from ..pipeline import build
from ..render import card
from ..render.layout import Layout
from ..render.publish import encoded_url
from ..render.site import TEMPLATE_DIR, Rendered
from ..stages.history import read_history
from . import csp
from .atomic import AtomicSite
from .build.conversion import TwoCoreConversion
from .options import NoOptions
from .search import SiteSearch, index_no_page, search_box_shown
from .serve import livereload
from .serve.exports import Exports, listed_files
from .serve.quick import QuickRebuild

log = logging.getLogger("mkdocs.plugins.khorasan_brief")


class DataProblems(PluginError):
    """The data, briefs or templates have problems. Raised in on_pre_build, before MkDocs cleans the
    site folder, so the previous build is still whole when this is raised."""


class KhorasanBriefPlugin(BasePlugin[NoOptions]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.project: Project | None = None
        self.layout = Layout()
        self.rendered = Rendered({}, {}, {})
        self.serving = False
        self.relaxed_policy = False  # the preview's policy allows inline script (see livereload.py)
        self.dirty = False
        # Under `mkdocs serve`, what one build hands to the next (generator/cache.py).
        self.cache: BuildCache | None = None
        self.quick: QuickRebuild | None = None  # rebuilds only the changed pages where it can (quick.py)
        self.exports = Exports()  # under `mkdocs serve`: made on a second core, written once served
        self.conversion = TwoCoreConversion()  # half of a large build's Markdown, on a second core
        self.search = SiteSearch()  # the split search index (search.py); kept across rebuilds
        self.atomic: AtomicSite | None = None  # this build's fresh folder, swapped in at the end
        self.warnings = CountHandler()  # what --strict will count, to swap in only a build that passes
        self.unsafe: list[Problem] = []  # generated pages whose HTML the allow-list refuses
        self.edit_root: str | None = None
        self.activated: list[Page] = []
        self.generated: frozenset[str] = frozenset()  # the generated pages of this build
        self.written_dates: Callable[[str], dt.date | None] = lambda page: None  # a hand-written page's last commit

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Having this hook also makes MkDocs keep this object from one `mkdocs serve` rebuild to the
        # next (that is where the caches live): state that belongs to one build must be reset at the
        # start of each build (on_config or on_pre_build), not only in __init__.
        self.serving = command == "serve"
        # The preview keeps the published policy where live reload can run without inline script.
        self.relaxed_policy = self.serving and not livereload.inline_script_replaced()
        self.dirty = dirty

    def watched(self) -> list[Path]:
        """What the site is made from besides docs_dir and mkdocs.yml: the data, the briefs and the
        templates (the project's overrides and the packaged ones)."""
        if self.project is None:
            return []
        return [self.project.data_dir, self.project.briefs_dir, self.project.overrides, TEMPLATE_DIR]

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.project = Project(Path(config.config_file_path).resolve().parent)
        _check_settings_and_folders(config, self.project.root)
        self.layout = Layout(directory_urls=config.use_directory_urls, site_url=config.site_url or None, site_name=config.site_name)
        self.edit_root = edit_root(config, self.project.root)
        config.extra["kb_card"] = sharing_card(config)
        if not self.serving:
            self.cache = self.quick = None
        elif self.cache is None or self.cache.root != self.project.root:
            self.cache, self.quick = BuildCache(self.project.root), QuickRebuild(self)
            self.quick.on_rebuilt.append(self.search.rebuilt)
        if self.quick is not None:
            config.plugins["khorasan-brief/quick"] = self.quick
        elif not self.dirty:
            config.plugins["khorasan-brief/conversion"] = self.conversion
        self.search.enabled = search_box_shown(config)
        if self.search.enabled:
            config.plugins["khorasan-brief/search"] = self.search
        self._build_beside(config)
        return config

    def _build_beside(self, config: MkDocsConfig) -> None:
        """From here on MkDocs builds into a fresh folder beside the site folder (see atomic.py)."""
        if self.atomic is not None:  # a build before this one ended without either event
            self.atomic.abandon()
        try:
            self.atomic = AtomicSite.begin(config.site_dir)
        except OSError as error:
            raise PluginError(str(error)) from None
        config.site_dir = str(self.atomic.building)
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        self.warnings = CountHandler()
        self.warnings.setLevel(logging.WARNING)
        if config.strict:
            logging.getLogger("mkdocs").addHandler(self.warnings)

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # MkDocs empties site_dir right after this event: failing here keeps the previous site whole.
        assert self.project is not None
        self.unsafe = []
        index_no_page(config)  # Material's index stays a stub: the site's own is made by self.search
        try:
            assert self.atomic is not None
            self.rendered = self.generate(self.atomic.site)
        except ProblemsFound as found:
            for problem in found.problems:
                log.error(str(problem))
            count = len(found.problems)
            raise DataProblems(f"{count} problem{'s' if count != 1 else ''} in data/ or briefs/; nothing was built") from None
        self.search.begin(self.rendered.names)
        self.written_dates = written_dates(config, self.project.root)

    def generate(self, site: Path) -> Rendered:
        """The pipeline; when serving, with the cache, and the exports made in the background for the
        site folder ``site``."""
        assert self.project is not None
        if self.cache is None:
            return build(self.project, self.layout)
        exporter = functools.partial(self.exports.start, site_dir=site)
        return build(self.project, self.layout, self.cache, exporter=exporter)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        # Generated pages are reached through the indexes, not the nav: MkDocs would list every one of
        # them as "not included in the nav" on each build. A hand-written page left out is still listed.
        for path, content in {**self.rendered.pages, **self.rendered.files}.items():
            files.append(File.generated(config, path, content=content, inclusion=InclusionLevel.NOT_IN_NAV))
        if self.serving:  # the exports: written once they are made (Exports.finish)
            for listed in listed_files(config):
                files.append(listed)
        if self.serving and not self.relaxed_policy:
            files.append(File.generated(config, livereload.SCRIPT_PATH, content=livereload.SCRIPT))
        # An alias's redirect never replaces a real page: a hand-written page at that address wins.
        taken = {file.dest_uri for file in files}
        for path, html in self.rendered.redirects.items():
            if path in taken:
                log.info(f"no redirect at {path}: a page of the site stands there")
                continue
            files.append(File.generated(config, path, content=html))
        self.generated = frozenset(self.rendered.pages)
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """A hand-written page says what only a build with a repository has (edit links, issues)
        between ``<!-- kb:with-repository -->`` and ``<!-- kb:without-repository``, and what to do
        instead up to ``kb:end -->``: the build keeps the part that is true of it (issue 26)."""
        if page.file.src_uri not in self.generated and isinstance(page.meta, dict):
            # The sitemap's lastmod of a hand-written page (overrides/sitemap-pages.xml): its own last
            # commit, as a generated page has its data file's; none for a page never committed.
            updated = self.written_dates(page.file.src_uri)
            page.meta["kb_updated"] = updated.isoformat() if updated else None
        return with_or_without_repository(markdown, bool(config.repo_url))

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Every generated page and brief, as converted, passes the allow-list (generator/checks/allowlist.py).
        validate has checked the briefs already; this holds the templates (overrides included) to it."""
        path = page.file.src_uri
        if path in self.generated:
            brief = editor_markdown(path)
            findings = check_brief_page(html).findings if brief else check_generated_page(html)
            origin = Position(self.rendered.origins.get(path) or f"{config.docs_dir}/{path}")
            self.unsafe += [origin.problem(f"the page {path} becomes HTML where {finding.what}") for finding in findings]
            if brief:
                html = html.replace(BRIEF_END, "", 1)
        return html

    def on_page_context(self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation) -> TemplateContext:
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
        if page.edit_url:  # a hand-written page's file name is in it as written
            page.edit_url = encoded_url(page.edit_url)
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        for item in self.activated:
            item.active = False
        self.activated = []
        return csp.apply_policy(output, page.content or "", serving=self.relaxed_policy)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        return csp.apply_policy(output_content, serving=self.relaxed_policy)

    @event_priority(-1000)  # the very last: after the search plugin has written its index, and every other plugin
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.unsafe:
            for problem in sorted(set(self.unsafe)):
                log.error(str(problem))
            raise DataProblems(f"{len(set(self.unsafe))} generated pages hold HTML outside the allow-list; nothing was published")
        atomic, self.atomic = self.atomic, None
        assert atomic is not None
        if self.warnings.get_counts():
            atomic.abandon()  # MkDocs aborts the strict build right after this event
            return
        if self.search.enabled:
            self.search.write(atomic.building)
        atomic.commit()
        if self.quick is not None:  # a preview is served at once, and its exports follow
            self.quick.committed(atomic.site, self.rendered)
            self.exports.finish(atomic.site)

    def on_build_error(self, *, error: Exception) -> None:
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.atomic is not None:  # the site folder was never touched
            self.atomic.abandon()
            self.atomic = None
        if not isinstance(error, DataProblems):  # then the last good build (and its exports) stays
            self.exports.stop()

    def on_shutdown(self) -> None:
        self.exports.stop()
        self.search.wait()
        if self.atomic is not None:
            self.atomic.abandon()
            self.atomic = None

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[[], None]) -> LiveReloadServer:
        assert self.project is not None
        for path in self.watched():
            if path.is_dir():
                server.watch(str(path))
        builder = self.quick.serve(server, server.builder) if self.quick is not None else server.builder
        server.builder = _serve_last_good_build(builder)
        if not self.relaxed_policy:
            livereload.serve_without_inline_script(server)
        return server


def _check_settings_and_folders(config: MkDocsConfig, root: Path) -> None:
    """Before the build touches any folder: the deploy settings as this build has them, and the build's
    own folders (checks/preflight.py). The addresses are percent-encoded from here on, wherever they
    are printed (the theme's links, canonical links, citations, the feed)."""
    written = {setting.key: setting for setting in read_site_config(root).deploy}
    settings = [dataclasses.replace(written.get(key) or Setting(key, None), value=getattr(config, key) or None) for key in DEPLOY_KEYS]
    problems = deploy_problems(settings) + build_folder_problems(root, Path(config.site_dir))
    if problems:
        for problem in problems:
            log.error(str(problem))
        raise DataProblems(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the build's settings or folders; nothing was built")
    for key in DEPLOY_KEYS:
        if getattr(config, key):
            config[key] = encoded_url(getattr(config, key))


def written_dates(config: MkDocsConfig, root: Path) -> Callable[[str], dt.date | None]:
    """The date of each hand-written page's last commit, from git, by its path in docs_dir (nothing
    where git cannot tell: see stages/history.py)."""
    docs = Path(config.docs_dir).resolve()
    if not docs.is_relative_to(root):
        return lambda page: None
    folder = docs.relative_to(root).as_posix()
    history = read_history(root, folder)
    return lambda page: history.last_changed(f"{folder}/{page}" if folder != "." else page)


def sharing_card(config: MkDocsConfig) -> dict[str, object] | None:
    """What every page's head says of the sharing card (partials/kb-head.html): OpenGraph wants its
    full address, so a build without site_url names none."""
    if not config.site_url:
        return None
    url = config.site_url.rstrip("/") + "/" + card.CARD_FILE
    return {"url": url, "width": card.WIDTH, "height": card.HEIGHT, "alt": card.alt_text(config.site_name)}


def editor_markdown(page: str) -> bool:
    """Briefs (briefs/<slug>.md; the contract's brief URL) carry the editor's own Markdown."""
    return page.startswith("briefs/") and page != "briefs/index.md"


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

    MkDocs 1.6 prints a failed rebuild and then holds every page request until a rebuild succeeds
    ("the server will appear stuck"). Builds are atomic, so whatever failed (our data problems, a
    crash in any plugin or in Markdown, a strict-mode warning), the site folder still holds the last
    good build whole, and it goes on being served: the problems are in the terminal, and the next
    change that fixes them rebuilds as usual.
    """

    def rebuild() -> None:
        try:
            build()
        except (Exception, SystemExit) as failure:  # SystemExit: mkdocs.exceptions.Abort
            if not isinstance(failure.__context__, DataProblems):  # ours are in the terminal already
                log.error(f"The rebuild failed: {failure!r}", exc_info=not isinstance(failure, SystemExit))
            log.warning("Not rebuilt: fix the problems above; the last good build is still served")

    return rebuild


_REPOSITORY_PARTS = re.compile(r"<!-- kb:with-repository -->\n(?P<with>.*?)<!-- kb:without-repository\n(?P<without>.*?)kb:end -->\n?", re.DOTALL)


def with_or_without_repository(markdown: str, repository: bool) -> str:
    return _REPOSITORY_PARTS.sub(lambda m: m.group("with" if repository else "without"), markdown)
