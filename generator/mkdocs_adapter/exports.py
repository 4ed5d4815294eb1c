"""The open data exports, made on a second core while MkDocs builds the pages.

The exports (all.json, the CSV tables, the STIX bundle, CSL-JSON) describe the whole knowledge base
and take as long to make as a fifth of the MkDocs build; nothing else in the build needs them. So
they are made in a child process, MkDocs lists their files (a page links to them) without writing
them, and the files are written into the site when the child is done. ``mkdocs build`` runs the
whole pipeline in that child (``Exports.build_beside``): it sends the pages to the build, then makes
the exports, so the build's own process never holds the knowledge base (see there why that
matters). ``mkdocs serve``, which keeps the knowledge base from one rebuild to the next, forks the
child once the knowledge base is resolved (``Exports.start``). In both:

- the child writes them into a hidden staging folder beside the site folder (generator/
  mkdocs_adapter/atomic.py names it; the next build deletes one that a killed build left), so the
  parent only renames them into place;
- ``mkdocs build`` waits for them at the end of the build (by then they are long done) and moves
  them into the new build before it is swapped in;
- ``mkdocs serve`` does not wait: the new build is swapped in and served at once, and the exports
  follow a moment later. A file is only ever replaced whole (renamed over the old one), so a reader
  gets this build's export or none, never half of one; a rebuild first stops the job of the build
  before it, and its staging folder goes with it.

Without ``fork`` (or with one CPU) the exports are made in the process itself, at the same points.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File

from ..cores import Forked, in_parts, return_free_memory, second_core
from . import atomic
from ..export import each_export, export_files
from ..pipeline import Project, build
from ..problems import ProblemsFound
from ..render import Layout, Rendered
from ..resolve import KnowledgeBase

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


class ExportJob:
    """export_files(knowledge), written into ``staging``; made in a forked child when possible, or
    by the child that ran the whole pipeline (``build_beside``)."""

    def __init__(self, staging: Path, child: Forked | None = None, answers: Iterator[object] | None = None) -> None:
        self.staging = staging
        self._paths: list[str] | None = None
        self._child = child
        self._answers = answers  # what the child sends next, for a child that sends more than one thing

    @classmethod
    def of(cls, knowledge: KnowledgeBase, staging: Path) -> ExportJob:
        if second_core():
            return cls(staging, Forked(functools.partial(_export, knowledge, staging)))
        job = cls(staging)
        job._paths = stage(each_export(knowledge), staging)
        return job

    def result(self) -> list[str]:
        """The paths of the staged files, waiting for the child if it is still at work."""
        if self._paths is None:
            assert self._child is not None
            outcome = next(self._answers, None) if self._answers is not None else self._child.result()
            if not isinstance(outcome, list):
                raise RuntimeError(f"making the exports failed: {outcome}" if outcome else "making the exports failed")
            self._paths = outcome
        return self._paths

    def terminate(self) -> None:
        """Abandon the job (its data is out of date): end the child if it still runs. A reader
        waiting in result() then gets an error."""
        if self._child is not None:
            self._child.terminate()

    def close(self) -> None:
        if self._child is not None:
            self._child.close()


def _export(knowledge: KnowledgeBase, staging: Path) -> list[str] | str:
    """In the child: make and stage the exports; their paths, or the error as text."""
    try:
        return stage(each_export(knowledge), staging)
    except Exception as error:  # noqa: BLE001 - reported by the parent
        return f"{type(error).__name__}: {error}"


def _build_then_export(project: Project, layout: Layout, staging: Path) -> Iterator[object]:
    """In the child of ``Exports.build_beside``: the pipeline's pages (or its problems), then, once
    they are sent, the exports staged and their paths (or the error as text)."""
    resolved: list[KnowledgeBase] = []
    try:
        rendered = build(project, layout, exporter=lambda knowledge: resolved.append(knowledge) or {})
    except ProblemsFound as found:
        yield found.problems
        return
    # The pages go in parts, each dropped here once sent: one pickled copy of them all would be some
    # 100 MB more in this process, at the moment the build's process grows by them too.
    pages, rendered = rendered.pages, dataclasses.replace(rendered, pages={})
    for part in in_parts(pages, PAGES_AT_ONCE):
        yield part
        del part
    yield rendered  # the rest: the end of the pages
    del rendered
    return_free_memory()
    yield _export(resolved.pop(), staging)


PAGES_AT_ONCE = 200


def stage(files: Iterable[tuple[str, bytes]], staging: Path) -> list[str]:
    """Write each (path, data) as it comes: one export in memory at a time."""
    paths: list[str] = []
    for path, data in files:
        target = staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        paths.append(path)
        del data  # before the next one is made
    return paths


def move_into(site_dir: Path, staging: Path, paths: list[str]) -> None:
    """Rename each staged file over its place in the site: whole, never half written."""
    for path in paths:
        target = site_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        (staging / path).replace(target)
    atomic.release(staging)


class Exports:
    """The export job of the current build, and how its files reach the site."""

    def __init__(self) -> None:
        self._job: ExportJob | None = None
        self._writer: threading.Thread | None = None
        self._stop = threading.Event()
        self.started = 0  # jobs started so far: tells a build whether the running job is its own

    def start(self, knowledge: KnowledgeBase, site_dir: Path) -> dict[str, str]:
        """Start making the exports of this build (stopping those of the build before); an exporter
        for pipeline.build (with the site folder bound), which gets no files now: finish() puts them
        in place."""
        self.stop()
        export_paths()
        self.started += 1
        self._job = ExportJob.of(knowledge, atomic.sibling(site_dir.resolve(), "exports"))
        return {}

    def build_beside(self, project: Project, layout: Layout, site_dir: Path) -> Rendered:
        """pipeline.build for a one-off build (no cache), run in a forked child that sends the pages
        here and then makes the exports, as start() would. This process then never holds the
        knowledge base: at 5,000 profiles loading and resolving leave some 300 MB of freed small
        objects in the heap, which stays this process's size to the end of the build, and which a
        child forked for the exports would copy page by page as it read the knowledge base. Raises
        ProblemsFound as build() does; where the child fails otherwise, build() runs here and raises
        what it raises."""
        self.stop()
        if not second_core():
            return build(project, layout, exporter=functools.partial(self.start, site_dir=site_dir))
        export_paths()
        self.started += 1
        staging = atomic.sibling(site_dir.resolve(), "exports")
        child = Forked(functools.partial(_build_then_export, project, layout, staging))
        answers = child.items()
        self._job = ExportJob(staging, child, answers)
        pages: dict[str, str] = {}
        first = next(answers, None)
        while isinstance(first, dict):  # the pages, in parts
            pages.update(first)
            first = next(answers, None)
        if isinstance(first, Rendered):
            return dataclasses.replace(first, pages=pages)
        self.stop()
        if isinstance(first, list):
            raise ProblemsFound(first)
        return build(project, layout, exporter=functools.partial(self.start, site_dir=site_dir))

    def finish(self, site_dir: Path, *, wait: bool) -> None:
        """Write the exports into the built site: now, or (wait=False) as soon as they are made."""
        job = self._job
        if job is None:
            return
        if wait:
            move_into(site_dir, job.staging, job.result())
            return
        self._stop = threading.Event()
        self._writer = threading.Thread(target=self._write_later, args=(job, site_dir, self._stop), daemon=True)
        self._writer.start()

    @staticmethod
    def _write_later(job: ExportJob, site_dir: Path, stop: threading.Event) -> None:
        try:
            files = job.result()
        except Exception as error:  # noqa: BLE001 - a thread has no caller to raise to
            if not stop.is_set():
                log.error(f"exports not written: {error}")
            return
        if not stop.is_set():
            move_into(site_dir, job.staging, files)

    def wait(self) -> None:
        """Until the exports of the last build are written (or given up)."""
        if self._writer is not None:
            self._writer.join()

    def stop(self) -> None:
        """Abandon the job of the build before: its exports describe data that has changed since."""
        self._stop.set()
        if self._job is not None:
            self._job.terminate()
        if self._writer is not None:
            self._writer.join()  # after this, nothing more is written into the site
        if self._job is not None:
            self._job.close()
            atomic.release(self._job.staging)
        self._job = self._writer = None
