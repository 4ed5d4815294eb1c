"""Shared fixtures: real builds of real projects into temporary folders.

``site`` builds the project's own data with ``mkdocs build --strict`` once per session;
``fixture_project`` copies the small fictional knowledge base in tests/fixtures/kb beside the real
mkdocs.yml and site_src/, so a test can break one file and watch what the build says.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from commands import run_module
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_KB = Path(__file__).resolve().parent / "fixtures" / "kb"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUTF8": "1"}

# Property tests (Hypothesis). "ci" (set by .ci/run: HYPOTHESIS_PROFILE=ci) draws the same examples on
# every run and keeps no database, so a CI run is reproducible and a red one is red for the code, not
# for an example stored by an earlier run. "dev", the default, explores new examples on every run and
# replays any failure it finds (from .hypothesis/) until the code is fixed: that is the point of it.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


# Modules whose tests build or serve whole sites again and again (a served site after each of many
# edits, builds killed at each point, two-process builds against one-process ones, every hostile input
# built): three quarters of the time of the tests that need no browser.
SLOW_MODULES = frozenset(
    {"test_quick_rebuild", "test_cache", "test_atomic_build", "test_conversion", "test_serve", "test_properdocs", "test_bad_inputs"}
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what a quick run may leave out: `-m "not slow"` skips the browser, property and whole-site
    rebuild tests, `-m "not browser"` only Chromium; `-m property` runs the Hypothesis tests alone."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.property)
            item.add_marker(pytest.mark.slow)
        if item.path.stem in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


@dataclass
class Run:
    code: int
    out: str
    err: str


def run(args: list[str], cwd: Path) -> Run:
    return Run(*run_module(args, cwd, ENV, timeout=300))


def generator(*args: str, cwd: Path) -> Run:
    return run([sys.executable, "-m", "generator", *args], cwd)


def generator_here(*args: str, cwd: Path) -> Run:
    """The command line run in this process, as ``generator`` runs it in one of its own: for the
    corpus's many cases, where starting Python each time would be most of the cost."""
    import contextlib
    import io

    from generator.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 1
    return Run(code, out.getvalue(), err.getvalue())


def last_commit(file: Path) -> str:
    """The day of a file's last commit, as git gives it (the committer's own date); "" if none."""
    done = subprocess.run(["git", "log", "-1", "--format=%cs", "--", str(file)], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def mkdocs_build(project: Path, site: Path, *extra: str) -> Run:
    return run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site), *extra], project)


@dataclass
class Site:
    root: Path

    def page(self, url_path: str) -> str:
        """HTML of the page served at /url_path/."""
        return (self.root / url_path.strip("/") / "index.html").read_text(encoding="utf-8")


def copy_project(target: Path, data_from: Path = ROOT) -> Path:
    """A project folder with the real configuration and hand-written pages, and data/briefs from data_from."""
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(ROOT / "site_src", target / "site_src")
    for folder in ("data", "briefs"):
        if (data_from / folder).is_dir():
            shutil.copytree(data_from / folder, target / folder)
    return target


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The real knowledge base, built strictly once for the whole session."""
    out = tmp_path_factory.mktemp("real") / "site"
    result = mkdocs_build(ROOT, out)
    assert result.code == 0, result.err
    return Site(out)


@pytest.fixture
def fixture_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    return copy_project(project, FIXTURE_KB)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    project = copy_project(tmp_path_factory.mktemp("fixture"), FIXTURE_KB)
    out = project / "site"
    result = mkdocs_build(project, out)
    assert result.code == 0, result.err
    return Site(out)


@pytest.fixture(scope="session")
def reader_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The fixture KB with dated events, a renamed profile, an alias clash and a git history
    (see tests/reader_kb.py), built strictly once."""
    from reader_kb import make_reader_project

    project = make_reader_project(tmp_path_factory.mktemp("reader"))
    out = project / "site"
    result = mkdocs_build(project, out)
    assert result.code == 0, result.err
    return Site(out)


# The address and repository a published build gets from the deploy workflow (see mkdocs.yml):
# a project's GitHub Pages site, under a sub-path.
PUBLISHED = {
    "KB_SITE_URL": "https://example.org/khorasan-brief/",
    "KB_REPO_URL": "https://github.com/example/khorasan-brief",
    "KB_EDIT_URI": "edit/main/site_src/",
}


@pytest.fixture(scope="session")
def published_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The real knowledge base built as the deploy workflow builds it: its own address under a
    sub-path, and the repository for edit links."""
    out = tmp_path_factory.mktemp("published") / "site"
    code, _, err = run_module([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)], ROOT, {**ENV, **PUBLISHED}, timeout=300)
    assert code == 0, err
    return Site(out)


# -- the browser: one Chromium for the session, the built sites served from 127.0.0.1 --------------


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Debian's Chromium driven by Playwright, one for the session; skips, saying why, only when
    /usr/bin/chromium is absent."""
    from browser import CHROMIUM, LAUNCH_ARGS, MISSING

    if not CHROMIUM.exists():
        pytest.skip(MISSING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def real(site: Site) -> Iterator[str]:
    """The real site, served: its base URL."""
    from browser import serve

    with serve(site.root) as base:
        yield base


@pytest.fixture(scope="session")
def fixture_base(fixture_site: Site) -> Iterator[str]:
    from browser import serve

    with serve(fixture_site.root) as base:
        yield base


@pytest.fixture(scope="session")
def reader(reader_site: Site) -> Iterator[str]:
    from browser import serve

    with serve(reader_site.root) as base:
        yield base


@pytest.fixture(scope="session")
def published(published_site: Site) -> Iterator[str]:
    """The published build served as GitHub Pages serves a project's site: under a sub-path."""
    from browser import serve

    with serve(published_site.root, prefix="khorasan-brief") as base:
        yield base


@pytest.fixture
def context(browser):  # type: ignore[no-untyped-def]
    """A fresh browser context at 1280 px; it fails the test if a page asks anything of another host."""
    from browser import Outside

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.outside = Outside(context)
    yield context
    outside = context.outside.requests
    context.close()
    assert outside == [], f"the page asked for something outside the local server: {outside}"


@pytest.fixture
def page(context):  # type: ignore[no-untyped-def]
    """A page of ``context``; ``page.errors`` collects the script errors it raises."""
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page
