"""Search: the site's split index (generator/export/search_index.py) in place of Material's whole one.

Material's search plugin stays for its search box and its header (the theme shows them only with the
plugin), and still writes ``search/search_index.json``; but it indexes no page, so that file is a stub
of a few hundred bytes (the configuration Material's page script reads for highlighting), and no
build parses the pages' HTML for an index nobody reads. The search box talks to the site's own worker
(site_src/assets/kb-search.js, named in site_src/overrides/main.html).

``SiteSearch`` takes each page as MkDocs converts it (address, title, HTML, a profile's names and the
page's search boost) and writes the index's files into the new build before it is swapped in. Under
``mkdocs serve`` the index lives on from one build to the next, so it reads again only the pages that
changed; after a quick rebuild (serve/quick.py) the files that changed are rewritten in the served
folder by a thread, each file renamed over the old one. Until then the last index is served: every
file names the version of the index it belongs to, so a browser never mixes two.
"""

from __future__ import annotations

import dataclasses
import html
import logging
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from ..export.search_index import PageRecord, SearchIndex
from .options import NoOptions

if TYPE_CHECKING:
    from .serve.quick import Rebuilt

log = logging.getLogger("mkdocs.plugins.khorasan_brief")


def search_box_shown(config: MkDocsConfig) -> bool:
    """Whether the pages have Material's search box (its header shows it only with the plugin on):
    without it, nobody would read an index."""
    plugin = config.plugins.get("material/search")
    return plugin is not None and bool(getattr(plugin, "config", {}).get("enabled", True))


def index_no_page(config: MkDocsConfig) -> None:
    """Material's search index takes no page: its file keeps only the search configuration."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if index is not None and callable(getattr(index, "add_entry_from_context", None)):
            index.add_entry_from_context = _skip


def _skip(page: Page) -> None:
    return None


class SiteSearch(BasePlugin[NoOptions]):
    """Registered beside the khorasan-brief plugin for each build; kept by it across rebuilds."""

    def __init__(self) -> None:
        super().__init__()
        self.index = SearchIndex()
        self.names: dict[str, list[str]] = {}  # profile URL -> every name
        self.records: dict[str, PageRecord] = {}  # this build's pages by address, in the site's order
        self.enabled = True  # the pages have a search box (search_box_shown): set by the owner
        self._thread: threading.Thread | None = None

    def begin(self, names: dict[str, list[str]]) -> None:
        """Start a build whose profiles have these names."""
        self.wait()
        self.names, self.records = names, {}

    @event_priority(-100)  # the HTML as the other plugins leave it
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        self._take(page, html)
        return html

    def _take(self, page: Page, html: str) -> None:
        """The page as the index takes it, in place of its last record; none for a page that asks
        not to be searched."""
        search = page.meta.get("search") if isinstance(page.meta, dict) else None
        search = search if isinstance(search, dict) else {}
        if search.get("exclude"):
            self.records.pop(page.url, None)
            return
        boost = search.get("boost", 1)
        self.records[page.url] = PageRecord(
            page.url,
            plain_title(page),
            html,
            tuple(self.names.get(page.url, ())),
            float(boost) if isinstance(boost, (int, float)) else 1.0,
        )

    def write(self, site_dir: Path) -> None:
        """This build's index, every file, into the new build's folder."""
        self.index.update(self.records.values())
        _write(site_dir, self.index.files, self.index.files.keys())

    def rebuilt(self, change: Rebuilt) -> None:
        """After a quick rebuild: the names as they now are, and the index, in the background. Its pages
        were taken by on_page_content as they were converted (serve/quick.py runs every plugin's
        events), as in a full build: ``page.content`` is not read again, since what the theme's events
        leave in it is not what the index reads in a build (data-search-exclude is gone by then)."""
        self.wait()
        self.names = dict(change.names)
        for url, record in self.records.items():  # a page whose names changed though its HTML did not
            names = tuple(self.names.get(url, ()))
            if record.names != names:
                self.records[url] = dataclasses.replace(record, names=names)
        records = list(self.records.values())
        self._thread = threading.Thread(target=self._update, args=(change.site, records), name="search index", daemon=True)
        self._thread.start()

    def _update(self, site_dir: Path, records: list[PageRecord]) -> None:
        try:
            changed = self.index.update(records)
            _write(site_dir, self.index.files, changed)
        except OSError as error:  # the site folder went away (a newer build, the server stopped)
            log.warning(f"search index not updated: {error}")

    def wait(self) -> None:
        """Until the index of the last quick rebuild is in its site."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None


def _write(folder: Path, files: Any, paths: Iterable[str]) -> None:
    """Write each of ``paths`` whole (a temporary file renamed over the old one); a path no longer
    in ``files`` is deleted."""
    made: set[Path] = set()
    for path in sorted(paths):
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


def plain_title(page: Page) -> str:
    """A page's title as text, for the index (the worker shows it as text): a generated page's own
    (kb.title); another's as MkDocs gives it, HTML with its entities decoded."""
    kb = page.meta.get("kb") if isinstance(page.meta, dict) else None
    if isinstance(kb, dict) and isinstance(kb.get("title"), str):
        return kb["title"]
    return html.unescape(re.sub(r"<[^>]*>", "", page.title or ""))
