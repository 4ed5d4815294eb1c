"""``python -m bench.switched OFF -- ARGS``: ``mkdocs ARGS`` with the named speed mechanisms switched
off (comma-separated; "none" for all on), to measure what each one saves. Bench-only: the product
has no such switches; each is a patch of the function that decides whether the mechanism runs."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable


def _conversion() -> None:
    from generator.mkdocs_adapter.build import conversion

    conversion.PARALLEL_FROM = 1 << 60


def _allowlist_fast_path() -> None:
    from generator.checks import allowlist
    from generator.mkdocs_adapter import plugin

    plugin.check_generated_page = lambda markup: allowlist.check_html(markup, brief=False).findings


# -- the preview (mkdocs serve) --


def _quick() -> None:
    from generator.mkdocs_adapter.serve import quick

    quick.QuickRebuild.rebuild = lambda self: False


def _render_cache() -> None:
    from generator import cache
    from generator.render.site import render_job

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
    from generator.stages import resolve

    original = resolve._Resolver.__init__

    def without_memo(self, validated, broken, memo=None):  # type: ignore[no-untyped-def]
        original(self, validated, broken, None)

    resolve._Resolver.__init__ = without_memo


def _idle_collector() -> None:
    from generator.mkdocs_adapter.serve import quick

    @contextlib.contextmanager
    def held(self):  # type: ignore[no-untyped-def]
        with self._building:
            yield

    quick._Collector.held = held


SWITCHES: dict[str, Callable[[], None]] = {
    "conversion": _conversion,
    "allowlist-fast-path": _allowlist_fast_path,
    "quick": _quick,
    "render-cache": _render_cache,
    "file-cache": _file_cache,
    "resolve-memo": _resolve_memo,
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
