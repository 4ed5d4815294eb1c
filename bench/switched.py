"""``python -m bench.switched OFF -- ARGS``: ``mkdocs ARGS`` with the named speed mechanisms switched
off (comma-separated; "none" for all on), to measure what each one saves. Bench-only: the product
has no such switches; each is a patch of the function that decides whether the mechanism runs."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable


def _noop(*args: object, **kwargs: object) -> None:
    return None


def _render_two_cores() -> None:
    from generator import pipeline

    pipeline.PARALLEL_FROM = 1 << 60


def _pipeline_child() -> None:
    import functools

    from generator.mkdocs_adapter import exports
    from generator.pipeline import build

    def build_here(self, project, layout, site_dir):  # type: ignore[no-untyped-def]
        self.stop()
        return build(project, layout, exporter=functools.partial(self.start, site_dir=site_dir))

    exports.Exports.build_beside = build_here


def _exports_child() -> None:
    from generator.mkdocs_adapter import exports

    _pipeline_child()  # the pipeline child makes the exports after the pages
    exports.second_core = lambda: False


def _conversion() -> None:
    from generator.mkdocs_adapter import conversion

    conversion.PARALLEL_FROM = 1 << 60


def _theming() -> None:
    from generator.mkdocs_adapter import theming

    theming.PARALLEL_FROM = 1 << 60


def _search_child() -> None:
    from generator.mkdocs_adapter import search, theming

    search.PARALLEL_FROM = 1 << 60
    theming.TwoCoreTheming.carry = lambda self, work: None


def _malloc_trim() -> None:
    from generator import cores
    from generator.mkdocs_adapter import conversion, exports

    for module in (cores, conversion, exports):
        module.return_free_memory = _noop


def _gc() -> None:
    import gc

    from generator import pipeline
    from generator.mkdocs_adapter import quick

    pipeline._collector_paused = lambda freeze=False: contextlib.nullcontext()
    quick._Collector.frozen = lambda self: contextlib.nullcontext()
    gc.freeze = _noop


def _skip_inline() -> None:
    from generator.mkdocs_adapter import plugin

    plugin.with_skipping = lambda extensions: extensions


def _release_sources() -> None:
    from generator.mkdocs_adapter import plugin

    plugin.only_known_plugins = lambda config: False


def _allowlist_fast_path() -> None:
    from generator import allowlist
    from generator.mkdocs_adapter import plugin

    plugin.check_generated_page = lambda markup: allowlist.check_html(markup, brief=False).findings


# -- the preview (mkdocs serve) --


def _quick() -> None:
    from generator.mkdocs_adapter import quick

    quick.QuickRebuild.rebuild = lambda self: False


def _render_cache() -> None:
    from generator import cache
    from generator.render import render_job

    def render_all(self, env, kb, jobs, **kwargs):  # type: ignore[no-untyped-def]
        self.rendered = [job.path for job in jobs]
        return {job.path: render_job(env, kb, job) for job in jobs}

    cache.RenderCache.render = render_all


def _file_cache() -> None:
    from generator import cache

    original = cache.FileCache.load

    def load_again(self, root, path, kind, problems):  # type: ignore[no-untyped-def]
        self._entries.pop(path, None)  # parsed and validated anew; its digest still tells the render cache
        return original(self, root, path, kind, problems)

    cache.FileCache.load = load_again


def _resolve_memo() -> None:
    from generator import resolve

    original = resolve._Resolver.__init__

    def without_memo(self, validated, broken, memo=None):  # type: ignore[no-untyped-def]
        original(self, validated, broken, None)

    resolve._Resolver.__init__ = without_memo


def _preview_cache() -> None:
    from generator.mkdocs_adapter import plugin

    class Inert:
        def begin(self, pages):  # type: ignore[no-untyped-def]
            pass

    original = plugin.KhorasanBriefPlugin.on_config

    def on_config(self, config):  # type: ignore[no-untyped-def]
        config = original(self, config)
        config.plugins.pop("khorasan-brief/preview", None)
        self.preview = Inert()
        return config

    plugin.KhorasanBriefPlugin.on_config = on_config


def _idle_collector() -> None:
    from generator.mkdocs_adapter import quick

    @contextlib.contextmanager
    def held(self):  # type: ignore[no-untyped-def]
        with self._building:
            yield

    quick._Collector.held = held


SWITCHES: dict[str, Callable[[], None]] = {
    "render-two-cores": _render_two_cores,
    "pipeline-child": _pipeline_child,
    "exports-child": _exports_child,
    "conversion": _conversion,
    "theming": _theming,
    "search-child": _search_child,
    "malloc-trim": _malloc_trim,
    "gc": _gc,
    "skip-inline": _skip_inline,
    "release-sources": _release_sources,
    "allowlist-fast-path": _allowlist_fast_path,
    "quick": _quick,
    "render-cache": _render_cache,
    "file-cache": _file_cache,
    "resolve-memo": _resolve_memo,
    "preview-cache": _preview_cache,
    "idle-collector": _idle_collector,
}


def main(argv: list[str]) -> int:
    off, args = argv[0], argv[argv.index("--") + 1 :]
    for name in filter(None, off.split(",")):
        if name != "none":
            SWITCHES[name]()
    from mkdocs.__main__ import cli

    return cli.main(args=args, prog_name="mkdocs", standalone_mode=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
