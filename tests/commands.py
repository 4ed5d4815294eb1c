"""`python -m mkdocs ...` and `python -m generator ...`, each in a process of its own, without paying
for Python's start-up and imports every time.

Most of the suite's builds are small: starting Python and importing MkDocs, Material, Markdown and the
generator (about 0.8 s) cost as much as the build. The standard library's forkserver starts one clean
process per test worker that imports them once; each command is a fresh fork of it, run as `python -m`
runs a module (its own folder, environment, arguments, standard streams and exit code). A command
never sees what an earlier one or the test process changed: the server has only imported modules.
"""

from __future__ import annotations

import multiprocessing
import os
import runpy
import subprocess
import sys
import tempfile
from pathlib import Path

# What the commands import, imported in the server once (not the `__main__` modules themselves, which
# each command runs afresh, as `python -m` does).
PRELOAD = [
    "mkdocs.commands.build",
    "mkdocs.config.defaults",
    "mkdocs.structure.pages",
    "material.plugins.search.plugin",
    "generator.cli",
    "generator.mkdocs_adapter.plugin",
    "markdown.extensions.admonition",
    "markdown.extensions.attr_list",
    "markdown.extensions.footnotes",
    "markdown.extensions.md_in_html",
    "markdown.extensions.tables",
    "markdown.extensions.toc",
    "pymdownx.escapeall",
    "material.templates",
    "pygments.formatters",
    "pygments.lexers",
    "pygments.styles",
    "pygments.filters",
    "pybtex.database",  # the citation downloads
    "latexcodec",
    "rispy",
    "PIL.ImageDraw",  # the sharing card, and the image formats Pillow loads on its first save
    "PIL.ImageFont",
    "PIL.BmpImagePlugin",
    "PIL.GifImagePlugin",
    "PIL.JpegImagePlugin",
    "PIL.PngImagePlugin",
    "PIL.PpmImagePlugin",
]
MODULES = frozenset({"mkdocs", "generator"})

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload([__name__, *PRELOAD])


def run_module(args: list[str], cwd: Path, env: dict[str, str], timeout: float) -> tuple[int, str, str]:
    """``args`` as `python <args>` would run them in ``cwd`` with ``env``: (exit code, stdout, stderr).
    A command that is not `-m mkdocs` or `-m generator` runs in a new Python, as subprocess.run runs it."""
    if len(args) < 3 or args[:2] != [sys.executable, "-m"] or args[2] not in MODULES:
        done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
        return done.returncode, done.stdout, done.stderr
    with tempfile.TemporaryDirectory(prefix="kb-command-") as folder:
        out, err = Path(folder, "stdout"), Path(folder, "stderr")
        process = _context.Process(target=_main, args=(args[2], args[3:], str(cwd), env, str(out), str(err)))
        process.start()
        process.join(timeout)
        if process.exitcode is None:
            process.kill()
            process.join()
            raise subprocess.TimeoutExpired(args, timeout)
        return process.exitcode, _read(out), _read(err)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def _main(module: str, argv: list[str], cwd: str, env: dict[str, str], out: str, err: str) -> None:
    """In the fork: what `python -m <module> <argv>` sets up, then the module as __main__."""
    for fd, path in ((1, out), (2, err)):
        file = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(file, fd)
        os.close(file)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 - the process's own stream
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, cwd)  # as `python -m` puts the working folder first
    sys.argv = [module, *argv]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
