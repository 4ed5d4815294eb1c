"""The command line (generator/cli.py): `render --out` replaces its folder whole or not at all,
`validate --format github` annotations, strict builds on hand-written links, and the files a render writes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import generator, mkdocs_build

from generator.cli import replace_folder


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, as bytes: a render writes text and the sharing card's PNG."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_render_replaces_the_whole_folder(fixture_project: Path) -> None:
    out = fixture_project / "rendered"
    assert generator("render", "--out", str(out), cwd=fixture_project).code == 0  # render makes the folder
    (out / "stale.md").write_text("from an earlier render\n", encoding="utf-8")
    result = generator("render", "--out", str(out), cwd=fixture_project)
    assert result.code == 0, result.err
    written = files_in(out)
    assert "stale.md" not in written
    assert "groups/red-front.md" in written and b"# Red Front" in written["groups/red-front.md"]
    assert written["assets/kb-card.png"].startswith(b"\x89PNG\r\n\x1a\n")  # bytes, written as they are
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
    assert files_in(out) == {"page.md": b"old\n"}
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
        page.read_text(encoding="utf-8") + "\n\nSee [a page that is not there](no-such-page.md) and [a missing anchor](index.md#no-such-heading).\n",
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
    page.write_text(page.read_text(encoding="utf-8") + "\n\nSee [the Red Front](groups/red-front.md#figures).\n", encoding="utf-8")
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


def decode(line: str) -> tuple[str, dict[str, str], str]:
    """Read a workflow command the way the Actions runner does (ActionCommand.TryParseV2)."""
    assert line.startswith("::"), line
    head, separator, message = line[2:].partition("::")
    assert separator, f"no '::' after the properties: {line}"
    command, _, properties = head.partition(" ")
    values = {}
    for pair in properties.split(","):
        key, _, value = pair.partition("=")
        values[key] = _unescape(value, ("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","))
    return command, values, _unescape(message, ("%0D", "\r"), ("%0A", "\n"))


def _unescape(text: str, *pairs: tuple[str, str]) -> str:
    for code, char in (*pairs, ("%25", "%")):
        text = text.replace(code, char)
    return text


def break_project(project: Path) -> None:
    groups = project / "data" / "groups"
    # A file name with ',' and ':' in it (legal on Linux, so a pull request can add one).
    (groups / "odd,name:1.yaml").write_text("id: odd-name\nname: Odd\ntype: militant-group\nsummary: {text: x, cite: [beta-news]}\n", encoding="utf-8")
    red = groups / "red-front.yaml"
    text = red.read_text(encoding="utf-8")
    text = text.replace("areas: [Afghanistan]", "areas: [Afghanistan]\n'50%off': 1")
    red.write_text(text, encoding="utf-8")
    # A key holding a line break (a name cannot hold one): shown as \u000a, so that every problem
    # stays on one line.
    jo = project / "data" / "people" / "jo-leader.yaml"
    jo.write_text(jo.read_text(encoding="utf-8") + '"Blue\\nLeague": 1\n')


def test_annotations_decode_to_the_same_problems_as_text(fixture_project: Path) -> None:
    break_project(fixture_project)
    text = generator("validate", cwd=fixture_project)
    github = generator("--format", "github", "validate", cwd=fixture_project)
    assert text.code == github.code == 1
    assert "Traceback" not in text.err + github.err

    *commands, summary = github.err.rstrip("\n").split("\n")
    assert summary == text.err.rstrip("\n").split("\n")[-1]
    decoded = [decode(line) for line in commands]
    assert {command for command, _, _ in decoded} == {"error"}
    as_text = [f"{p['file']}:{p['line']}:{p['col']}: {message}" for _, p, message in decoded]
    assert "\n".join([*as_text, summary]) + "\n" == text.err

    files = {p["file"] for _, p, _ in decoded}
    assert "data/groups/odd,name:1.yaml" in files
    messages = " ".join(message for _, _, message in decoded)
    assert "'50%off'" in messages and "Blue\\u000aLeague" in messages
    assert all(p["line"].isdigit() and p["col"].isdigit() for _, p, _ in decoded)


def test_valid_project_prints_no_annotation(fixture_project: Path) -> None:
    result = generator("--format", "github", "validate", cwd=fixture_project)
    assert result.code == 0, result.err
    assert "::error" not in result.out + result.err


def test_cli_render_writes_graph_and_redirects_beside_the_pages(fixture_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert generator("render", "--out", str(out), cwd=fixture_project).code == 0
    assert json.loads((out / "graph.json").read_text())["nodes"]
    assert "url=../red-front/" in (out / "groups/rf/index.html").read_text()
    assert (out / "timeline.md").is_file() and (out / "network.md").is_file()
