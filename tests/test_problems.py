"""Bad input gives every problem at once as FILE:LINE:COL, exit 1, no traceback and the site
untouched; a mistake in a template override is reported at its line, like a data problem.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from conftest import generator, mkdocs_build

LINE = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")


def problems(stderr: str) -> list[tuple[str, int, int, str]]:
    found = []
    for line in stderr.splitlines():
        match = LINE.match(line.removeprefix("ERROR   -  "))
        if match:
            found.append((match["file"], int(match["line"]), int(match["col"]), match["message"]))
    return found


def write(project: Path, relative: str, text: str) -> None:
    (project / relative).write_text(text, encoding="utf-8")


def replace(project: Path, relative: str, old: str, new: str) -> None:
    path = project / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_fixture_is_valid(fixture_project: Path) -> None:
    result = generator("validate", cwd=fixture_project)
    assert result.code == 0, result.err
    assert "4 profiles, 2 sources, 1 briefs" in result.out


def test_yaml_syntax_error_names_file_line_and_column(fixture_project: Path) -> None:
    replace(fixture_project, "data/people/jo-leader.yaml", "role: Leader", "role: 'Leader")
    result = generator("validate", cwd=fixture_project)
    assert result.code == 1
    assert "Traceback" not in result.err
    [(file, line, col, message)] = problems(result.err)
    assert file == "data/people/jo-leader.yaml" and line >= 4 and "YAML syntax error" in message


def test_every_problem_in_every_file_is_reported_in_one_run(fixture_project: Path) -> None:
    replace(fixture_project, "data/people/jo-leader.yaml", "aliases:", "aliasses:")
    replace(fixture_project, "data/groups/red-front.yaml", "target: blue-league", "target: blue-leage")
    replace(fixture_project, "data/events/hall-attack.yaml", "date: 2024-03-22", "date: 2024-13-22")
    write(fixture_project, "briefs/test-brief.md", "---\ntitle: T\ndate: 2024\nsummary: S\n---\nSee [[nobody-here]] and [@no-such-source, para 2].\n")
    result = generator("validate", cwd=fixture_project)
    assert result.code == 1 and "Traceback" not in result.err
    found = {(f, l, c): m for f, l, c, m in problems(result.err)}
    assert found[("data/people/jo-leader.yaml", 3, 1)] == "unknown key 'aliasses'; did you mean 'aliases'?"
    assert "did you mean 'blue-league'" in found[("data/groups/red-front.yaml", 37, 13)]
    assert "month 13" in found[("data/events/hall-attack.yaml", 4, 7)]
    assert "[[nobody-here]]" in found[("briefs/test-brief.md", 6, 5)]
    assert "no-such-source" in found[("briefs/test-brief.md", 6, 25)]
    assert len(found) == 5


def test_claim_without_citation_is_an_error(fixture_project: Path) -> None:
    replace(fixture_project, "data/people/jo-leader.yaml", '  cite: ["alpha-report, para 4"]\n', "")
    result = generator("validate", cwd=fixture_project)
    assert result.code == 1
    [(file, line, col, message)] = problems(result.err)
    assert (file, line) == ("data/people/jo-leader.yaml", 6)
    assert message == "missing required key 'cite' in summary"


def test_dangling_citation_in_yaml_is_an_error(fixture_project: Path) -> None:
    replace(fixture_project, "data/groups/blue-league.yaml", '["beta-news"]', '["beta-newz"]')
    [(file, line, col, message)] = problems(generator("validate", cwd=fixture_project).err)
    assert (file, line) == ("data/groups/blue-league.yaml", 7)
    assert "unknown source 'beta-newz'; did you mean 'beta-news'?" in message


def test_id_must_match_file_name(fixture_project: Path) -> None:
    replace(fixture_project, "data/groups/blue-league.yaml", "id: blue-league", "id: blue-leag")
    [(file, line, col, message)] = problems(generator("validate", cwd=fixture_project).err)
    assert (file, line, col) == ("data/groups/blue-league.yaml", 1, 5)
    assert "rename the file to blue-leag.yaml or set id: blue-league" in message


def test_relationship_between_wrong_kinds_is_an_error(fixture_project: Path) -> None:
    replace(fixture_project, "data/groups/red-front.yaml", "type: led-by", "type: claimed")
    [(file, line, col, message)] = problems(generator("validate", cwd=fixture_project).err)
    assert "'claimed' links a group or person to an event, not a group to a person" in message


def test_non_http_url_is_refused(fixture_project: Path) -> None:
    replace(fixture_project, "data/sources/beta-news.yaml", "https://example.org/beta", "javascript:alert(1)")
    [(file, line, col, message)] = problems(generator("validate", cwd=fixture_project).err)
    assert (file, line) == ("data/sources/beta-news.yaml", 6)
    assert "only http:// and https:// links are allowed" in message


def test_alias_shared_by_two_profiles_is_an_error(fixture_project: Path) -> None:
    replace(fixture_project, "data/groups/blue-league.yaml", "aliases: [", "aliases: [{name: rf, cite: [beta-news]}, ")
    [(file, line, col, message)] = problems(generator("validate", cwd=fixture_project).err)
    # Files are read in path order: the later of the two names is the one reported.
    assert file == "data/groups/red-front.yaml" and "'RF' is already a name of 'blue-league'" in message


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_failed_mkdocs_build_leaves_the_previous_site_intact(fixture_project: Path) -> None:
    site = fixture_project / "site"
    assert mkdocs_build(fixture_project, site).code == 0
    before = digest(site)
    replace(fixture_project, "data/groups/red-front.yaml", "target: blue-league", "target: green-league")
    result = mkdocs_build(fixture_project, site)
    assert result.code == 1
    assert "Traceback" not in result.err
    assert [(f, l) for f, l, _, _ in problems(result.err)] == [("data/groups/red-front.yaml", 37)]
    assert digest(site) == before


def test_render_writes_markdown_and_keeps_old_output_on_failure(fixture_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "rendered"
    assert generator("render", "--out", str(out), cwd=fixture_project).code == 0
    assert (out / "groups/red-front.md").read_text().startswith("---\n")
    before = digest(out)
    replace(fixture_project, "data/groups/red-front.yaml", "name: Red Front", "name: [Red Front]")
    assert generator("render", "--out", str(out), cwd=fixture_project).code == 1
    assert digest(out) == before


def test_a_broken_file_is_reported_once_not_again_at_every_link_to_it(fixture_project: Path) -> None:
    # red-front.yaml and the brief link to the League by alias and by name; only its own problem shows.
    replace(fixture_project, "data/groups/blue-league.yaml", "type: political-movement", "type: [political movement]")
    found = problems(generator("validate", cwd=fixture_project).err)
    assert [(f, l) for f, l, _, _ in found] == [("data/groups/blue-league.yaml", 4)]


OVERRIDE = "site_src/overrides/generator/group.md.j2"


BROKEN = {
    "syntax": ("{{ model.type | e }", "unexpected '}'"),
    "unknown attribute": ("{{ model.nope.x }}", "has no attribute 'nope'"),
    "runtime error": ("{{ 1 // 0 }}", "ZeroDivisionError"),
}


def write_override(project: Path, facts_line: str) -> None:
    (project / OVERRIDE).write_text(
        '{% extends "profile.md.j2" %}\n{% block facts %}\n| Type | ' + facts_line + " |\n{% endblock %}\n",
        encoding="utf-8",
    )


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_broken_override_is_a_positioned_problem(fixture_project: Path, tmp_path: Path, case: str) -> None:
    text, message = BROKEN[case]
    write_override(fixture_project, text)
    result = generator("render", "--out", str(tmp_path / "out"), cwd=fixture_project)
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.startswith(f"{OVERRIDE}:3:1: template error: ") and message in result.err
    assert not (tmp_path / "out").exists()

    site = fixture_project / "site"
    build = mkdocs_build(fixture_project, site)
    assert build.code == 1 and f"{OVERRIDE}:3:1: template error" in build.err and "Traceback" not in build.err


def test_missing_base_template_is_named(fixture_project: Path, tmp_path: Path) -> None:
    (fixture_project / OVERRIDE).write_text('{% extends "profil.md.j2" %}\n', encoding="utf-8")
    result = generator("render", "--out", str(tmp_path / "out"), cwd=fixture_project)
    assert result.code == 1
    assert f"{OVERRIDE}:1:1: template error: no template named 'profil.md.j2'" in result.err


def test_working_override_replaces_the_packaged_template(fixture_project: Path, tmp_path: Path) -> None:
    write_override(fixture_project, "{{ group_types[model.type] | lower }}, overridden")
    result = generator("render", "--out", str(tmp_path / "out"), cwd=fixture_project)
    assert result.code == 0, result.err
    assert "| Type | militant group, overridden |" in (tmp_path / "out/groups/red-front.md").read_text()
