"""Conversion: MkDocs's Markdown-to-HTML conversion of a large build, on two cores."""

from __future__ import annotations

import functools
import gc
import hashlib
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from ..cores import Forked, second_core
from ..options import NoOptions

log = logging.getLogger("mkdocs.plugins.khorasan_brief")

PARALLEL_FROM = 400  # pages; below this, forking costs more than it saves
CHILD_SHARE = 0.55  # of the pages' Markdown, by size: the parent also runs the other plugins' page events


@dataclass(frozen=True)
class Converted:
    """What ``Page.render`` sets on a page, apart from the page. Links to anchors are kept by the
    name of the page linked to: File objects differ from build to build and process to process."""

    content: str
    toc: TableOfContents
    anchor_ids: frozenset[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None

    @classmethod
    def of(cls, page: Page) -> Converted:
        links = page.links_to_anchors
        return cls(
            page.content or "",
            page.toc,
            frozenset(page.present_anchor_ids) if page.present_anchor_ids is not None else None,
            {file.src_uri: dict(anchors) for file, anchors in links.items()} if links is not None else None,
        )

    def restore(self, page: Page, files: Files) -> None:
        """Stands in for Page.render: sets what it would set."""
        page.content = self.content
        page.toc = self.toc
        page.present_anchor_ids = set(self.anchor_ids) if self.anchor_ids is not None else None
        if self.links_to_anchors is not None:
            page.links_to_anchors = {
                target: dict(anchors) for name, anchors in self.links_to_anchors.items() if (target := files.get_file_from_path(name)) is not None
            }


# What the child sends for each page it converted: a digest of the Markdown it converted (the text
# itself would be a second copy of half the site's Markdown in this process), the result, its log.
_Result = tuple[bytes, Converted, list[logging.LogRecord]]


def digest(markdown: str) -> bytes:
    return hashlib.blake2b(markdown.encode("utf-8", "surrogatepass"), digest_size=32).digest()


class TwoCoreConversion(BasePlugin[NoOptions]):
    """Registered beside the khorasan-brief plugin for `mkdocs build`.

    MkDocs converts the pages one after the other on one core, and the conversion is most of a build
    (Python-Markdown does most of the work of a build). On a machine with two cores the second one is
    otherwise idle. So, from ``PARALLEL_FROM`` pages on, a forked child converts the last part of the
    pages (by size, about half) while MkDocs converts the first part, and when MkDocs reaches a page of
    the child's part, the child's result is put on the page instead of converting it again:

    - the child runs MkDocs's own ``Page.read_source`` and ``Page.render`` on the same configuration and
      files (it is forked at on_nav, the last event before MkDocs reads the pages);
    - a page takes the child's result only if the Markdown MkDocs is about to convert is the Markdown the
      child converted (another plugin's on_page_markdown may change it; compared by a 256-bit BLAKE2
      digest); otherwise, and for any page the child did not finish, the page is converted here, as
      MkDocs would;
    - what the child logged while converting a page (a link to a missing page, say) is logged here when
      MkDocs reaches that page, so ``--strict`` counts it as usual.

    - only pages whose title is in their front matter (every generated page's) take the child's result:
      MkDocs keeps a title found while converting in a private attribute, which this does not set.

    Not used under ``mkdocs serve`` (quick rebuilds convert only the pages an edit changed), with
    ``--dirty``, with one CPU, or where ``fork`` is missing. A Markdown extension that gathers state
    across pages (none of this project's does) would gather it in two processes.
    """

    def __init__(self) -> None:
        super().__init__()
        self._job: _ConversionJob | None = None
        self.taken = 0  # pages of the last build that took the child's result: for logs and tests

    @event_priority(-100)  # after every other plugin's on_nav: the files are final
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.stop()
        self.taken = 0
        self._job = _ConversionJob.start(config, files)
        return nav

    @event_priority(-100)  # the Markdown as the last plugin leaves it is what gets converted
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self._job is not None and page.file.src_uri in self._job.names:
            page.render = functools.partial(self._job.render, page, page.render)  # type: ignore[method-assign]  # this page only
        return markdown

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        if self._job is not None:
            self.taken = self._job.taken
            log.debug(f"conversion: {self.taken} of {len(self._job.names)} pages converted by a second process")
        self.stop()  # every page is converted by now
        return env

    def on_build_error(self, *, error: Exception) -> None:
        self.stop()

    def stop(self) -> None:
        if self._job is not None:
            self._job.stop()
            self._job = None


class _ConversionJob:
    """The child's conversions, received page by page on a thread of this process as the child sends
    them: the child holds only the page it is at, and this process only what it has not yet put on
    a page."""

    def __init__(self, names: frozenset[str], child: Forked) -> None:
        self.names = names  # the pages the child converts
        self.taken = 0  # how many of them took the child's result
        self._child = child
        self._results: dict[str, _Result] = {}
        self._ended = False  # the child has sent all it will send
        self._arrived = threading.Condition()
        self._receiver = threading.Thread(target=self._receive, name="conversion results", daemon=True)
        self._receiver.start()

    @classmethod
    def start(cls, config: MkDocsConfig, files: Files) -> _ConversionJob | None:
        pages = files.documentation_pages()
        if len(pages) < PARALLEL_FROM or not second_core():
            return None
        names = _last_share(pages)
        return cls(frozenset(names), Forked(functools.partial(_convert, config, files, names)))

    def _receive(self) -> None:
        try:
            for item in self._child.items():
                name, result = cast("tuple[str, _Result]", item)  # what _convert yields
                with self._arrived:
                    self._results[name] = result
                    self._arrived.notify_all()
        finally:
            with self._arrived:
                self._ended = True
                self._arrived.notify_all()

    def _take(self, name: str) -> _Result | None:
        """The child's result for the page ``name``, waiting for it; None if it will not come."""
        with self._arrived:
            self._arrived.wait_for(lambda: name in self._results or self._ended)
            return self._results.pop(name, None)

    def render(self, page: Page, convert: Callable[[MkDocsConfig, Files], None], config: MkDocsConfig, files: Files) -> None:
        """Stands in for ``page.render`` (``convert``) on a page of the child's part."""
        result = self._take(page.file.src_uri)
        if result is None or result[0] != digest(page.markdown or "") or "title" not in page.meta:
            convert(config, files)
            return
        _, converted, records = result
        converted.restore(page, files)
        for record in records:
            logging.getLogger(record.name).handle(record)
        self.taken += 1

    def stop(self) -> None:
        self._child.terminate()  # the receiver then reads the end of the pipe
        self._receiver.join()
        self._child.close()
        self._results.clear()


def _last_share(pages: Sequence[File]) -> list[str]:
    """The last pages that hold about CHILD_SHARE of all the Markdown, in MkDocs's order: MkDocs
    reaches them last, by when the child has converted them, and takes them in the order the child
    sends them."""
    sizes = [len(file.content_bytes) for file in pages]
    budget, taken = CHILD_SHARE * sum(sizes), 0
    names: list[str] = []
    for file, size in zip(reversed(pages), reversed(sizes), strict=True):
        if taken + size > budget:
            break
        names.append(file.src_uri)
        taken += size
    return names[::-1]


def _convert(config: MkDocsConfig, files: Files, names: list[str]) -> Iterator[tuple[str, _Result]]:
    """In the forked child: convert the named pages; for each, what its render set and logged, sent
    as soon as it is made (cores.Forked.items) and then dropped here."""
    gc.freeze()  # the parent's objects: not the child's garbage to walk
    logged = keep_log_records()
    for name in names:
        file = files.get_file_from_path(name)
        if file is None:
            continue
        page = file.page or Page(None, file, config)
        try:
            page.read_source(config)
            markdown = page.markdown or ""
            page.render(config, files)
        except Exception:  # noqa: BLE001 - the parent converts this page again, and reports the error
            return
        yield name, (digest(markdown), Converted.of(page), logged[:])
        logged.clear()
        page.markdown = page.content = None  # sent: the memory serves the next page


class _Keeper(logging.Handler):
    def __init__(self, kept: list[logging.LogRecord]) -> None:
        super().__init__()
        self.kept = kept

    def emit(self, record: logging.LogRecord) -> None:
        # Sent to the parent as text: the arguments of a message need not survive pickling.
        record.msg, record.args, record.exc_info, record.exc_text = record.getMessage(), None, None, None
        self.kept.append(record)


def keep_log_records() -> list[logging.LogRecord]:
    """In the child: log records are kept for the parent instead of being written. MkDocs's command
    line gives the "mkdocs" logger its handlers and stops it from propagating; other loggers end at the
    root. Each record is kept once, and handled in the parent by the logger that made it."""
    kept: list[logging.LogRecord] = []
    keeper = _Keeper(kept)
    mkdocs = logging.getLogger("mkdocs")
    mkdocs.handlers, mkdocs.propagate = [keeper], False
    logging.getLogger().handlers = [keeper]
    return kept
