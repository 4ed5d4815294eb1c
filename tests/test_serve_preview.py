"""Rebuilds under ``mkdocs serve``: an edit shows up, and what the caches keep changes nothing.

The in-process tests drive MkDocs the way ``mkdocs serve`` does (a fresh config per rebuild, plugins
kept across rebuilds, ``command="serve"`` at start-up) and compare the site, byte for byte, with a
build of the same files from empty caches. The last test runs the real server and polls a page.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURE_KB, ROOT, copy_project
from mkdocs.commands.build import build
from mkdocs.config import load_config

sys.path.insert(0, str(ROOT))
from bench.preview import fetch, serving, wait_for  # noqa: E402

SERVE_URL = "http://127.0.0.1:8000/"


def site_build(project: Path, site: Path, *, fresh: bool = False):  # type: ignore[no-untyped-def]
    """One build as `mkdocs serve` runs it; with fresh=True, with empty caches (a from-scratch build
    that is otherwise the same: a served site differs from `mkdocs build` by design, e.g. its CSP)."""
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    plugin = config.plugins["khorasan-brief"]  # the object MkDocs keeps from one rebuild to the next
    if fresh:
        plugin.cache = None
    config.plugins.on_startup(command="serve", dirty=False)
    config.site_url = SERVE_URL
    build(config, serve_url=SERVE_URL)
    plugin.exports.wait()  # under serve they are written after the pages; the comparison wants them
    plugin.search.wait()  # and so is the search index
    return plugin


def files_of(site: Path) -> dict[str, bytes]:
    # The gzipped sitemap carries the build time in its header; its XML twin is compared instead.
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file() and p.suffix != ".gz"}


def assert_same_as_clean_build(project: Path, served: Path, tmp_path: Path) -> None:
    clean = tmp_path / f"clean-{time.monotonic_ns()}"
    site_build(project, clean, fresh=True)
    got, expected = files_of(served), files_of(clean)
    assert sorted(got) == sorted(expected)
    assert [name for name in expected if got[name] != expected[name]] == []


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return copy_project(root, FIXTURE_KB)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_shows_and_the_site_is_a_clean_build(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site_build(project, site)
    edit(project / "data/people/jo-leader.yaml", "Jo Leader is a fictional person.", "Jo Leader now leads from afar.")
    site_build(project, site)
    assert "Jo Leader now leads from afar." in (site / "people/jo-leader/index.html").read_text(encoding="utf-8")
    assert "Jo Leader now leads from afar." in (site / "sources/alpha-report/index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(project, site, tmp_path)


def test_an_inverse_relationship_follows_an_edit(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site_build(project, site)
    edit(project / "data/groups/red-front.yaml", "since: 2020", "since: 2011")
    site_build(project, site)
    assert "since 2011" in (site / "people/jo-leader/index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(project, site, tmp_path)


def test_configuration_and_theme_edits_reach_every_page(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site_build(project, site)

    edit(project / "mkdocs.yml", "site_name: Khorasan Brief", "site_name: Renamed Brief")
    site_build(project, site)
    assert "Renamed Brief" in (site / "groups/blue-league/index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(project, site, tmp_path)

    overrides = project / "site_src/overrides"
    (overrides / "main.html").write_text('{% extends "base.html" %}\n{% block footer %}Theme marker{% endblock %}\n')
    site_build(project, site)
    assert "Theme marker" in (site / "groups/blue-league/index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(project, site, tmp_path)


def test_a_failed_rebuild_then_a_fix(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site_build(project, site)
    person = project / "data/people/jo-leader.yaml"
    original = person.read_text(encoding="utf-8")
    edit(person, "role: ", "rolle: ")
    with pytest.raises(Exception):  # MkDocs turns the plugin's error into an Abort
        site_build(project, site)
    assert (site / "people/jo-leader/index.html").is_file()  # the previous site stays

    person.write_text(original.replace("fictional person", "fictional person, fixed"), encoding="utf-8")
    site_build(project, site)
    assert "fictional person, fixed" in (site / "people/jo-leader/index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(project, site, tmp_path)


# -- the real server -------------------------------------------------------------------------


def _shows(url: str, text: str) -> bool:
    """Whether the page comes to show text (a generous limit: this checks behaviour, not speed)."""
    try:
        wait_for(url, text, time.perf_counter(), limit=120.0)
    except TimeoutError:
        return False
    return True


def test_mkdocs_serve_shows_yaml_edits(project: Path, tmp_path: Path) -> None:
    with serving(project, tmp_path / "serve.log") as base:
        assert _shows(base + "people/jo-leader/", "Jo Leader is a fictional person."), "server did not start"
        edit(project / "data/people/jo-leader.yaml", "Jo Leader is a fictional person.", "Jo Leader, edited while serving.")
        assert _shows(base + "people/jo-leader/", "Jo Leader, edited while serving.")
        # An edit on one profile reaches the other one through the inverse relationship.
        edit(project / "data/groups/red-front.yaml", "since: 2020", "since: 2012")
        assert _shows(base + "people/jo-leader/", "since 2012")
        # And the reused pages still come out whole.
        assert "Blue League" in fetch(base + "groups/blue-league/")
        # The exports follow the pages a moment later.
        assert _shows(base + "exports/all.json", "Jo Leader, edited while serving.")
