"""Stage 5, plugin: the MkDocs side. Runs the pipeline before MkDocs touches the site folder, adds the
generated pages as in-memory files, and has ``mkdocs serve`` watch the data, briefs and templates."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config import base
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .cache import BuildCache
from .pipeline import Project, build
from .preview import PreviewCache
from .problems import ProblemsFound

log = logging.getLogger("mkdocs.plugins.khorasan_brief")


class KhorasanBriefConfig(base.Config):
    pass


class KhorasanBriefPlugin(BasePlugin[KhorasanBriefConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.project: Project | None = None
        self.pages: dict[str, str] = {}
        # Under `mkdocs serve`, what one build hands to the next (generator/cache.py, generator/preview.py).
        self.serving = False
        self.cache: BuildCache | None = None
        self.preview: PreviewCache | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Having this hook also makes MkDocs keep this object from one `mkdocs serve` rebuild to the
        # next (that is where the caches live): state that belongs to one build must be reset at the
        # start of each build (on_config or on_pre_build), not only in __init__.
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.project = Project(Path(config.config_file_path).resolve().parent)
        if not self.serving:
            self.cache = self.preview = None
        elif self.cache is None or self.cache.root != self.project.root:
            self.cache, self.preview = BuildCache(self.project.root), PreviewCache()
        if self.preview is not None:
            config.plugins["khorasan-brief/preview"] = self.preview
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # MkDocs empties site_dir right after this event: failing here keeps the previous site whole.
        assert self.project is not None
        try:
            self.pages = build(self.project, self.cache)
        except ProblemsFound as found:
            for problem in found.problems:
                log.error(str(problem))
            count = len(found.problems)
            raise PluginError(
                f"{count} problem{'s' if count != 1 else ''} in data/ or briefs/; nothing was built"
            ) from None
        if self.preview is not None:
            self.preview.begin(self.pages)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for path, markdown in self.pages.items():
            existing = files.get_file_from_path(path)
            if existing is not None:
                raise PluginError(
                    f"{config.docs_dir}/{path} is a hand-written page where a generated page belongs; "
                    "remove or rename it"
                )
            files.append(File.generated(config, path, content=markdown))
        return files

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder) -> LiveReloadServer:  # type: ignore[no-untyped-def]
        assert self.project is not None
        for path in self.project.watched:
            if path.is_dir():
                server.watch(str(path))
        return server
