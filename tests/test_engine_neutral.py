"""The generator's own stages (load, validate, resolve, render, exports) run without MkDocs: the
MkDocs plugin is one adapter over them (generator/mkdocs_adapter), and another engine would be another.

The CLI runs here in a Python where importing ``mkdocs`` or ``material`` fails, as it would where
neither is installed."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import FIXTURE_KB, ROOT, run

# A finder placed first on sys.meta_path refuses the engine's packages, then the CLI runs as usual.
WITHOUT_MKDOCS = """
import importlib.abc, sys
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("mkdocs", "material", "properdocs") or name.startswith("generator.mkdocs_adapter"):
            raise ImportError(f"{name} is not available here")
sys.meta_path.insert(0, Refuse())
from generator.cli import main
code = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("mkdocs", "material"))
assert not loaded, loaded
sys.exit(code)
"""


def cli_without_mkdocs(*args: str, cwd: Path) -> tuple[int, str]:
    done = run([sys.executable, "-c", WITHOUT_MKDOCS, *args], cwd)
    return done.code, done.out + done.err


def test_validate_runs_without_mkdocs() -> None:
    code, out = cli_without_mkdocs("validate", cwd=ROOT)
    assert code == 0, out
    assert out.startswith("ok: ")


def test_render_and_exports_run_without_mkdocs(tmp_path: Path) -> None:
    out = tmp_path / "rendered"
    code, printed = cli_without_mkdocs("--root", str(FIXTURE_KB), "render", "--out", str(out), cwd=ROOT)
    assert code == 0, printed
    assert (out / "groups" / "red-front.md").read_text(encoding="utf-8").startswith("---")
    assert (out / "exports" / "all.json").is_file()
    assert (out / "groups" / "front-rouge" / "index.html").is_file()  # a redirect page, with its URL rule


def test_the_refusing_finder_really_refuses() -> None:
    # The check above means something only if the finder stops the adapter: it must fail to load.
    done = run([sys.executable, "-c", WITHOUT_MKDOCS.replace("from generator.cli import main", "import generator.mkdocs_adapter.plugin"), "x"], ROOT)
    assert done.code != 0 and "is not available here" in done.err
