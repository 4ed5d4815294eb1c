"""A project as `mkdocs serve` builds it, driven from a test: the same builder, the plugins kept from one
rebuild to the next, and the rebuild the server runs on a change (a quick rebuild where it can be, else
a full build), in this process and without serving over HTTP."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from commands import run_module
from conftest import ENV
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer

SERVE_URL = "http://127.0.0.1:8000/"
SERVE_ONLY = {"assets/khorasan-livereload.js"}  # live reload without inline script (livereload.py)


class Served:
    def __init__(self, project: Path, site: Path) -> None:
        self.project, self.site = project, site
        config = self._config()
        config.plugins.on_startup(command="serve", dirty=False)
        # As mkdocs/commands/serve.py sets it up: the first build, then what the server watches.
        self.server = LiveReloadServer(builder=self._build, host="127.0.0.1", port=8000, root=str(site))
        self._build(config)
        self.server.watch(config.docs_dir)
        self.server.watch(str(config.config_file_path))
        self.server = config.plugins.on_serve(self.server, config=config, builder=self._build)
        for path in config.watch:
            self.server.watch(path)
        self.plugin = config.plugins["khorasan-brief"]  # kept by MkDocs from one rebuild to the next
        self._settle()

    def _config(self) -> MkDocsConfig:
        config = load_config(str(self.project / "mkdocs.yml"), site_dir=str(self.site))
        config.site_url = SERVE_URL
        return config

    def _build(self, config: MkDocsConfig | None = None) -> None:
        build(config or self._config(), serve_url=SERVE_URL)

    def rebuild(self) -> str:
        """What the server runs after a change: "quick" (the changed files written into the site folder),
        "full" (a new site folder swapped in) or "failed" (the last good build stays)."""
        folder = self.site.stat().st_ino
        self.server.builder()
        self._settle()
        if self.site.stat().st_ino != folder:
            return "full"
        return "quick" if self.plugin.quick.fallback is None else "failed"

    def _settle(self) -> None:
        """Until what a rebuild leaves to the background (exports, search index) is written."""
        self.plugin.exports.wait()
        self.plugin.search.wait()


# mkdocs.yml reads these from the environment; the served build and `mkdocs build` both go without.
SITE_SETTINGS = ("KB_SITE_URL", "KB_REPO_URL", "KB_EDIT_URI")


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """`mkdocs build` of the project, in a process of its own."""
    env = {name: value for name, value in ENV.items() if name not in SITE_SETTINGS}
    args = [sys.executable, "-m", "mkdocs", "build", "-d", str(site)]
    return subprocess.CompletedProcess(args, *run_module(args, project, env, timeout=300))


def files_of(site: Path) -> dict[str, bytes]:
    """Every file of a built site by path, but the gzipped sitemap (its header holds the time of the
    build; its XML twin is compared) and the files only `mkdocs serve` writes."""
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in site.rglob("*")
        if path.is_file() and path.suffix != ".gz" and path.relative_to(site).as_posix() not in SERVE_ONLY
    }


def differences(served: Path, built: Path) -> list[str]:
    got, expected = files_of(served), files_of(built)
    missing = sorted(set(expected) - set(got))
    extra = sorted(set(got) - set(expected))
    changed = sorted(name for name in set(got) & set(expected) if got[name] != expected[name])
    return [f"missing {name}" for name in missing] + [f"extra {name}" for name in extra] + [f"differs {name}" for name in changed]
