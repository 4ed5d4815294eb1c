"""Builds publish all or nothing: the CLI swaps a finished folder in, and strict MkDocs builds stop on
a broken link in a hand-written page. (Bad data leaving site/ untouched is tested case by case in
test_bad_inputs.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import generator, mkdocs_build

from generator.cli import replace_folder


def files_in(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file()}


def test_render_replaces_the_whole_folder(fixture_project: Path) -> None:
    out = fixture_project / "rendered"
    assert generator("render", "--out", str(out), cwd=fixture_project).code == 0  # render makes the folder
    (out / "stale.md").write_text("from an earlier render\n", encoding="utf-8")
    result = generator("render", "--out", str(out), cwd=fixture_project)
    assert result.code == 0, result.err
    written = files_in(out)
    assert "stale.md" not in written
    assert "groups/red-front.md" in written and "# Red Front" in written["groups/red-front.md"]
    # Nothing left beside it: no staging folder, no old copy.
    assert sorted(p.name for p in fixture_project.iterdir() if p.name.startswith(".rendered")) == []


def test_render_with_bad_data_leaves_the_folder_as_it_was(fixture_project: Path) -> None:
    out = fixture_project / "rendered"
    assert generator("render", "--out", str(out), cwd=fixture_project).code == 0
    before = files_in(out)
    profile = fixture_project / "data" / "groups" / "red-front.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("as_of: 2023\n", "as_of: 2023-13\n"), encoding="utf-8")
    result = generator("render", "--out", str(out), cwd=fixture_project)
    assert result.code == 1
    assert "data/groups/red-front.yaml:" in result.err and "month 13 does not exist" in result.err
    assert files_in(out) == before
    assert [p.name for p in fixture_project.iterdir() if p.name.startswith(".rendered")] == []


def test_a_failure_while_writing_keeps_the_old_folder(tmp_path: Path) -> None:
    out = tmp_path / "rendered"
    out.mkdir()
    (out / "page.md").write_text("old\n", encoding="utf-8")
    # The second page needs "a.md" to be a folder, but the first one made it a file: writing fails midway.
    with pytest.raises(OSError):
        replace_folder(out, {"a.md": "first\n", "a.md/b.md": "second\n"})
    assert files_in(out) == {"page.md": "old\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rendered"]


@pytest.mark.parametrize("target", [".", "data", "briefs/out", ".."])
def test_render_refuses_to_replace_the_project(fixture_project: Path, target: str) -> None:
    before = files_in(fixture_project / "data")
    result = generator("render", "--out", target, cwd=fixture_project)
    assert result.code == 2
    assert "would replace the project or its data" in result.err
    assert files_in(fixture_project / "data") == before


def test_strict_build_fails_on_a_broken_link_in_a_hand_written_page(fixture_project: Path) -> None:
    page = fixture_project / "site_src" / "methodology.md"
    page.write_text(
        page.read_text(encoding="utf-8")
        + "\n\nSee [a page that is not there](no-such-page.md) and [a missing anchor](index.md#no-such-heading).\n",
        encoding="utf-8",
    )
    result = mkdocs_build(fixture_project, fixture_project / "site")
    assert result.code == 1
    assert "no-such-page.md" in result.err
    assert "no-such-heading" in result.err
    assert "Aborted with 2 warnings in strict mode!" in result.out + result.err


def test_strict_build_passes_with_links_to_generated_pages(fixture_project: Path) -> None:
    """The control for the test above: links to pages the plugin generates are not dangling."""
    page = fixture_project / "site_src" / "methodology.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\n\nSee [the Red Front](groups/red-front.md#figures).\n", encoding="utf-8"
    )
    result = mkdocs_build(fixture_project, fixture_project / "site")
    assert result.code == 0, result.err


def test_exports_staged_in_the_site_leave_no_folder_behind(fixture_project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    killed = site / ".khorasan-exports-99999-1" / "exports"  # as a build killed mid-way leaves it
    killed.mkdir(parents=True)
    (killed / "all.json").write_text("{}", encoding="utf-8")
    result = mkdocs_build(fixture_project, site)
    assert result.code == 0, result.err
    assert [p.name for p in site.iterdir() if p.name.startswith(".")] == []
    assert json.loads((site / "exports" / "all.json").read_text(encoding="utf-8"))["entities"]
