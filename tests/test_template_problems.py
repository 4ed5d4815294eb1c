"""A mistake in a template override is reported at its line, like a data problem, never as a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import generator, mkdocs_build

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
    write_override(fixture_project, "{{ model.type | e }}, overridden")
    result = generator("render", "--out", str(tmp_path / "out"), cwd=fixture_project)
    assert result.code == 0, result.err
    assert "| Type | militant group, overridden |" in (tmp_path / "out/groups/red-front.md").read_text()
