"""What a pull request can plant besides data (issue 24, sections 5 and 6): folders the build treats
as its own, and deploy settings read from the environment. Each is refused before anything is built,
with FILE:LINE:COL lines, and the previous site is left as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ENV, FIXTURE_KB, Run, copy_project, generator_here, mkdocs_build
from htmlq import find
from test_bad_inputs import snapshot

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("good"), FIXTURE_KB)
    result = mkdocs_build(project, project / "site")
    assert result.code == 0, result.err
    return project / "site"


def errors(result: Run) -> list[str]:
    return [line.split("-  ", 1)[1] for line in result.err.splitlines() if line.startswith("ERROR")]


# -- build folders -----------------------------------------------------------------------------------

PLANTED = {
    "a staged build beside the site": {".site.building-424242-1/index.html": "<p>planted</p>", ".site.building-424242-1/.well-known/x.html": "planted"},
    "an old build beside the site": {".site.old-1-7/.hidden": "planted"},
    "the site folder itself": {"site/index.html": "<p>planted</p>"},
}


@needs_git
@pytest.mark.parametrize("planted", PLANTED.values(), ids=PLANTED.keys())
def test_a_repository_that_holds_the_builds_own_folders_is_refused(planted: dict[str, str], tmp_path: Path, good_build: Path) -> None:
    project = copy_project(tmp_path, FIXTURE_KB)
    for path, text in planted.items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "Plant")
    shutil.rmtree(project / "site", ignore_errors=True)
    shutil.copytree(good_build, project / "site")
    before, planted_before = snapshot(project / "site"), snapshot(project)
    result = mkdocs_build(project, project / "site")
    assert "Traceback" not in result.err
    assert result.code == 1, result.err
    first = sorted(planted)[0]  # as git lists them
    expected = f"{first}:1:1: the repository holds {first.split('/')[0]}/, "
    assert [e for e in errors(result) if e.startswith(expected)], result.err
    assert snapshot(project / "site") == before, "the previous site is as it was"
    assert snapshot(project) == planted_before, "nothing planted was moved, deleted or published"
    validated = generator_here("validate", cwd=project)
    assert validated.code == 1 and validated.err.splitlines()[0].startswith(expected)


@needs_git
def test_a_site_folder_inside_git_is_refused(fixture_project: Path) -> None:
    git(fixture_project, "init", "-q")
    before = snapshot(fixture_project / ".git")
    result = mkdocs_build(fixture_project, fixture_project / ".git" / "site")
    assert result.code == 1 and "Traceback" not in result.err
    assert [e for e in errors(result) if e.startswith("mkdocs.yml:1:1: the site folder ") and "would replace the project folder or its .git" in e]
    assert snapshot(fixture_project / ".git") == before


# -- deploy settings ------------------------------------------------------------------------------------

BAD_SETTINGS = {
    "a quote in the address": ({"KB_SITE_URL": 'https://example.org/"onmouseover="x'}, "site_url (from KB_SITE_URL) must be an http(s) address"),
    "a space in the repository": ({"KB_REPO_URL": "https://github.com/a b", "KB_EDIT_URI": "edit/main/site_src/"}, "repo_url (from KB_REPO_URL) must be"),
    "not http": (
        {"KB_REPO_URL": "ftp://example.org/repo", "KB_EDIT_URI": "edit/main/site_src/"},
        "repo_url (from KB_REPO_URL) must be an http(s) address with a host",
    ),
    "an absolute edit address": (
        {"KB_REPO_URL": "https://github.com/a/b", "KB_EDIT_URI": "https://evil.example/"},
        "edit_uri (from KB_EDIT_URI) must be a path relative",
    ),
    "a quote in the edit path": (
        {"KB_REPO_URL": "https://github.com/a/b", "KB_EDIT_URI": "edit/'x/"},
        "edit_uri (from KB_EDIT_URI) must be a path without quotes",
    ),
    "a line break": ({"KB_SITE_URL": "https://example.org/\nx"}, "site_url (from KB_SITE_URL) must be"),
}


def build_with(project: Path, site: Path, env: dict[str, str]) -> Run:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=project,
        env={**ENV, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.mark.parametrize("env, expected", BAD_SETTINGS.values(), ids=BAD_SETTINGS.keys())
def test_bad_deploy_settings_are_refused_before_the_build(env: dict[str, str], expected: str, fixture_project: Path, good_build: Path) -> None:
    shutil.copytree(good_build, fixture_project / "site")
    before = snapshot(fixture_project / "site")
    result = build_with(fixture_project, fixture_project / "site", env)
    assert result.code == 1 and "Traceback" not in result.err
    problems = [e for e in errors(result) if e.startswith("mkdocs.yml:") and expected in e]
    assert problems, result.err
    assert snapshot(fixture_project / "site") == before
    old = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        validated = generator_here("validate", cwd=fixture_project)
    finally:
        for name, value in old.items():
            os.environ.pop(name) if value is None else os.environ.__setitem__(name, value)
    assert validated.code == 1 and [line for line in validated.err.splitlines() if expected in line]


def test_addresses_are_percent_encoded_wherever_printed(fixture_project: Path) -> None:
    """Letters outside ASCII are allowed in the addresses, and encoded in the links Material draws,
    the canonical links and the citations; a hand-written page's file name is encoded in its edit link."""
    (fixture_project / "site_src/a%b é.md").write_text("# Odd name\n\nA page.\n")
    env = {"KB_SITE_URL": "https://example.org/خراسان/", "KB_REPO_URL": "https://example.org/ریپو", "KB_EDIT_URI": "edit/main/site_src/"}
    result = build_with(fixture_project, fixture_project / "site", env)
    assert result.code == 0, result.err
    site = fixture_project / "site"
    red = (site / "groups/red-front/index.html").read_text(encoding="utf-8")
    edits = {a.attrs["href"] for a in find(red, "a") if a.attrs.get("rel") == "edit"}  # Material's and the page's own
    assert edits == {"https://example.org/%D8%B1%DB%8C%D9%BE%D9%88/edit/main/data/groups/red-front.yaml"}
    (canonical,) = [link.attrs["href"] for link in find(red, "link") if link.attrs.get("rel") == "canonical"]
    assert canonical == "https://example.org/%D8%AE%D8%B1%D8%A7%D8%B3%D8%A7%D9%86/groups/red-front/"
    odd = (site / "a%b é/index.html").read_text(encoding="utf-8")
    assert {a.attrs["href"] for a in find(odd, "a") if a.attrs.get("rel") == "edit"} == {
        "https://example.org/%D8%B1%DB%8C%D9%BE%D9%88/edit/main/site_src/a%25b%20%C3%A9.md"
    }
    ris = (site / "cite/red-front.ris").read_text(encoding="utf-8")
    assert "UR  - https://example.org/%D8%AE%D8%B1%D8%A7%D8%B3%D8%A7%D9%86/groups/red-front/" in ris
