"""The open data exports under ``mkdocs serve``: made on a second core, written once the preview is
served.

``mkdocs build`` makes the exports with the pages (pipeline.build) and MkDocs writes them like any
generated file. A preview rebuild cannot wait for them (they take longer than a quick rebuild of the
pages an edit changed), so under ``mkdocs serve`` the plugin passes ``Exports.start`` as the pipeline's
exporter: a forked child makes the exports into a hidden staging folder beside the site folder
(atomic.py names it), MkDocs lists their paths without writing them (a page links to them), and
once the rebuilt site is served a thread renames each file over its place: a reader gets this
build's export or the last one, never half of one. A rebuild first stops the job of the one before.

Without ``fork`` (or with one CPU) the exports are made in the process itself, at the same point.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File

from ...export import each_export, export_files
from ...stages.resolve import KnowledgeBase
from .. import atomic
from ..cores import Forked, second_core

log = logging.getLogger("mkdocs.plugins.khorasan_brief")


@functools.cache
def export_paths() -> tuple[str, ...]:
    """The export files' paths inside the site; they do not depend on the data. (Making the exports of
    nothing also imports everything the exports use, before a child is forked.)"""
    return tuple(export_files(KnowledgeBase({}, {}, {}, {}, {})))


class ListedFile(File):
    """A file MkDocs lists, so that links to it resolve, but does not write: the export job does."""

    def copy_file(self, dirty: bool = False) -> None:
        pass


def listed_files(config: MkDocsConfig) -> list[File]:
    return [ListedFile.generated(config, path, content=b"") for path in export_paths()]


def stage(files: Iterable[tuple[str, bytes]], staging: Path) -> list[str] | str:
    """Write each (path, data) into ``staging`` as it comes; their paths, or the error as text (a
    child's exception cannot cross the pipe)."""
    paths: list[str] = []
    try:
        for path, data in files:
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            paths.append(path)
    except Exception as error:  # noqa: BLE001 - reported by the writer
        return f"{type(error).__name__}: {error}"
    return paths


class Exports:
    """The export job of the current preview build, and the thread that puts its files in place."""

    def __init__(self) -> None:
        self._child: Forked | None = None
        self._staged: list[str] | str | None = None  # made here, where there is no second core
        self._staging: Path | None = None
        self._writer: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self, knowledge: KnowledgeBase, site_dir: Path) -> dict[str, str]:
        """Start making this build's exports (stopping those of the build before). An exporter for
        pipeline.build, with the site folder bound: it returns no files, finish() writes them."""
        self.stop()
        export_paths()
        staging = self._staging = atomic.sibling(site_dir.resolve(), "exports")
        if second_core():
            self._child = Forked(functools.partial(stage, each_export(knowledge), staging))
        else:
            self._staged = stage(each_export(knowledge), staging)
        return {}

    def finish(self, site_dir: Path) -> None:
        """Put the exports into the served ``site_dir`` as soon as they are made."""
        if self._staging is None:
            return
        self._stop = threading.Event()
        self._writer = threading.Thread(target=self._write, args=(site_dir, self._stop), name="exports", daemon=True)
        self._writer.start()

    def _write(self, site_dir: Path, stop: threading.Event) -> None:
        staging = self._staging
        outcome = self._child.result() if self._child is not None else self._staged
        if stop.is_set() or staging is None:
            return
        if not isinstance(outcome, list):
            log.error(f"exports not written: {outcome or 'the process making them failed'}")
            return
        for path in outcome:
            target = site_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            (staging / path).replace(target)
        atomic.release(staging)

    def wait(self) -> None:
        """Until the exports of the last build are written (or given up)."""
        if self._writer is not None:
            self._writer.join()

    def stop(self) -> None:
        """Abandon the job of the build before: its exports describe data that has changed since."""
        self._stop.set()
        if self._child is not None:
            self._child.terminate()
        self.wait()
        if self._child is not None:
            self._child.close()
        if self._staging is not None:
            atomic.release(self._staging)
        self._child = self._staged = self._staging = self._writer = None
