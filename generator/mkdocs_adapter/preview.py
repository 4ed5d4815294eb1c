"""Preview: the MkDocs half of fast rebuilds under ``mkdocs serve``.

The generator renders again only the pages an edit touches (generator/cache.py). This helper saves
MkDocs the same work: for a generated page that is what it was at the previous build, it hands back
that build's results instead of computing them again:

1. the Markdown -> HTML conversion (content, table of contents, anchors), reused while the page's
   Markdown and the Markdown settings are unchanged;
2. the page's search index entries (Material's search plugin parses the HTML of every page), reused
   while the page's URL, Markdown, HTML, title and metadata are unchanged;
3. the page's HTML from the theme, reused while its Markdown, HTML, title and metadata are unchanged
   and so is the site around it: mkdocs.yml, the theme's custom_dir, the navigation, and the versions
   of MkDocs and Material.

Each result is stored with its inputs and reused only when they compare equal (whole values, not
hashes), so what is reused is what a full build would produce. Every plugin event still runs for
every page and every page is still written to the cleaned site folder; only the three computations
are skipped. A hook of another plugin that changes a page's template context (on_page_context) from
one build to the next would not reach a reused page; none in this project does.

Not reused: hand-written pages of docs_dir, and briefs, whose Markdown is the editor's own and may
link to any page, so that their HTML also depends on which other pages exist.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..cache import TemplateCache
from .conversion import Converted
from .search import material_indexes

log = logging.getLogger("mkdocs.plugins.khorasan_brief")

CACHED_TEMPLATE = "khorasan-brief/cached-page.html"
_CONTEXT_KEY = "khorasan_brief_cached_page"
_MISSING = object()
_VERSIONS = tuple(version(name) for name in ("mkdocs", "mkdocs-material", "markdown"))


class PreviewCache(BasePlugin):  # type: ignore[type-arg]
    """Registered beside the khorasan-brief plugin while serving; kept across rebuilds by it."""

    def __init__(self) -> None:
        super().__init__()
        self._converted: dict[str, tuple[tuple[object, ...], Converted]] = {}
        self._indexed: dict[str, tuple[tuple[object, ...], list[dict[str, Any]]]] = {}
        self._themed: dict[str, tuple[tuple[object, ...], str]] = {}
        self._reusable: frozenset[str] = frozenset()
        self._templates = TemplateCache()  # the theme's templates, compiled once per session
        self._start_build()

    def _start_build(self) -> None:
        self._markdown_key: tuple[object, ...] = ()
        self._nav: Navigation | None = None
        self._converting: dict[str, tuple[object, ...]] = {}  # pages converted this build, with their keys
        self._theming: dict[str, tuple[object, ...]] = {}
        self._reused_html: dict[str, tuple[str, object]] = {}  # page -> (HTML, template named in its meta)
        self.reused: Counter[str] = Counter()  # what this build reused, by kind: for logs and tests

    def begin(self, pages: Iterable[str]) -> None:
        """Start a build whose generated pages are ``pages`` (paths inside docs_dir)."""
        self._start_build()
        self._reusable = frozenset(page for page in pages if not editor_markdown(page))
        for store in (self._converted, self._indexed, self._themed):
            for gone in set(store) - self._reusable:
                del store[gone]

    # -- 1. Markdown -> HTML -----------------------------------------------------------------

    @event_priority(-100)  # after every other plugin: the settings as the build will use them
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self._markdown_key = _markdown_settings(config)
        _wrap_search_indexes(config, self._index)

    @event_priority(-100)  # the Markdown as the last plugin leaves it is what gets converted
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        name = page.file.src_uri
        if name in self._reusable:
            key = (markdown, self._markdown_key)
            known = self._converted.get(name)
            if known is not None and known[0] == key:
                page.render = functools.partial(_restore, page, known[1])  # type: ignore[method-assign]
                self.reused["conversion"] += 1
            else:
                self._converting[name] = key
        return markdown

    @event_priority(100)  # straight after the conversion, before any plugin changes the HTML
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        key = self._converting.pop(page.file.src_uri, None)
        if key is not None:
            self._converted[page.file.src_uri] = (key, Converted.of(page))
        return html

    # -- 2. search index ---------------------------------------------------------------------

    def _index(self, original: Callable[[Page], None], entries: list[dict[str, Any]], page: Page) -> None:
        name = page.file.src_uri
        if name not in self._reusable:
            return original(page)
        key = (page.url, page.markdown, page.content, page.title, repr(page.meta))
        known = self._indexed.get(name)
        if known is not None and known[0] == key:
            entries.extend(dict(entry) for entry in known[1])
            self.reused["search"] += 1
            return None
        start = len(entries)
        original(page)
        self._indexed[name] = (key, [dict(entry) for entry in entries[start:]])
        return None

    # -- 3. theme ------------------------------------------------------------------------------

    @event_priority(-100)
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self._nav = nav
        return nav

    @event_priority(-100)  # every page is converted by now, and titles are known
    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        site = _site_key(config, self._nav)
        for file in files.documentation_pages():
            page = file.page
            if page is None or file.src_uri not in self._reusable:
                continue
            key = (page.markdown, page.content, page.title, repr(page.meta), site)
            known = self._themed.get(file.src_uri)
            if known is not None and known[0] == key:
                # MkDocs picks a page's template from its metadata; the original is put back as soon
                # as the template is chosen (on_page_context), before anything else reads it.
                self._reused_html[file.src_uri] = (known[1], page.meta.get("template", _MISSING))
                page.meta["template"] = CACHED_TEMPLATE
            else:
                self._theming[file.src_uri] = key
        cached = jinja2.DictLoader({CACHED_TEMPLATE: "{{ " + _CONTEXT_KEY + " }}"})
        env.loader = jinja2.ChoiceLoader([cached, env.loader]) if env.loader else cached
        env.bytecode_cache = self._templates
        return env

    @event_priority(100)  # before other plugins (the search index) look at the page's metadata
    def on_page_context(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
        reused = self._reused_html.pop(page.file.src_uri, None)
        if reused is not None:
            html, template = reused
            if template is _MISSING:
                del page.meta["template"]
            else:
                page.meta["template"] = template
            context[_CONTEXT_KEY] = Markup(html)
            self.reused["theme"] += 1
        return context

    @event_priority(100)  # the theme's output, before other plugins change it (they run again on reuse)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        key = self._theming.pop(page.file.src_uri, None)
        if key is not None:
            self._themed[page.file.src_uri] = (key, output)
        return output

    @event_priority(-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.reused:
            log.debug("reused from the previous build: %s", dict(self.reused))


def editor_markdown(page: str) -> bool:
    """Briefs (briefs/<slug>.md; the contract's brief URL) carry the editor's own Markdown."""
    return page.startswith("briefs/") and page != "briefs/index.md"


def _restore(page: Page, known: Converted, config: MkDocsConfig, files: Files) -> None:
    """Stands in for Page.render: sets what it set at the previous build."""
    known.restore(page, files)


def _markdown_settings(config: MkDocsConfig) -> tuple[object, ...]:
    settings = [config.markdown_extensions, config.mdx_configs, config.use_directory_urls, config.validation]
    return (json.dumps(settings, default=_plain, sort_keys=True), _VERSIONS)


def _plain(value: object) -> object:
    if isinstance(value, dict) or hasattr(value, "items"):
        return dict(value.items())  # type: ignore[attr-defined]
    return repr(value)  # an object's repr may name its address: then nothing is reused, which is safe


def _site_key(config: MkDocsConfig, nav: Navigation | None) -> tuple[object, ...]:
    return (
        _config_bytes(config.config_file_path),
        _tree(config.theme.custom_dir),
        _nav_key(nav.items) if nav is not None else None,
        _VERSIONS,
    )


_INHERIT = re.compile(rb"^INHERIT:\s*['\"]?([^'\"\n]+?)['\"]?\s*$", re.MULTILINE)


def _config_bytes(path: str | None) -> tuple[bytes, ...]:
    """mkdocs.yml and the file it inherits from, if any."""
    if not path or not os.path.isfile(path):
        return ()
    data = Path(path).read_bytes()
    parent = _INHERIT.search(data)
    if parent is None:
        return (data,)
    return (data, *_config_bytes(os.path.join(os.path.dirname(path), parent[1].decode())))


def _tree(folder: str | None) -> tuple[tuple[str, int, int], ...]:
    if not folder or not os.path.isdir(folder):
        return ()
    found = []
    for directory, _, names in os.walk(folder):
        for name in names:
            stat = os.stat(os.path.join(directory, name))
            found.append((os.path.relpath(os.path.join(directory, name), folder), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(found))


def _nav_key(items: Iterable[Any]) -> tuple[object, ...]:
    return tuple(
        (type(item).__name__, item.title, getattr(item, "url", None), _nav_key(getattr(item, "children", None) or ()))
        for item in items
    )


def _wrap_search_indexes(config: MkDocsConfig, index: Callable[..., None]) -> None:
    """Route each Material search index's per-page indexing through ``index``."""
    for search in material_indexes(config):
        search.add_entry_from_context = functools.partial(index, search.add_entry_from_context, search.entries)
