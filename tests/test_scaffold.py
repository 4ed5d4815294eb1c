"""`python -m generator new`: a starter that validates only once an editor fills it, and refusals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import generator

from generator.model.entities import MODEL_OF_KIND
from generator.stages.load import load_project
from generator.stages.validate import _all_field_names

FOLDER = {"group": "groups", "person": "people", "event": "events", "source": "sources"}
FILL_LINE = re.compile(r"^(?P<indent>\s*)(?P<key>[a-z_]+):[^#\n]*# FILL IN.*$", re.M)
# What an editor might write on each FILL IN line.
FILLED = {
    "type": "militant-group",
    "role": "Leader of the Green Army",
    "text": "A fictional profile written by the scaffold test.",
    "cite": '["beta-news, para 2"]',
    "date": "2024-03",
    "place": "Test City",
    "publisher": "Test Wire",
    "kind": "news",
    "summary": "A made-up source.",
}
PROBLEM = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<message>.*)$", re.M)


def new(project: Path, *args: str):
    return generator("new", *args, cwd=project)


def problems(text: str) -> list[tuple[str, int]]:
    return [(m["file"], int(m["line"])) for m in PROBLEM.finditer(text)]


@pytest.mark.parametrize("kind", list(FOLDER))
def test_starter_fails_exactly_on_its_fill_in_lines_then_validates(fixture_project: Path, kind: str) -> None:
    result = new(fixture_project, kind, "green-army", "--name", "Green Army")
    assert result.code == 0, result.err
    relative = f"data/{FOLDER[kind]}/green-army.yaml"
    path = fixture_project / relative
    assert relative in result.out and "FILL IN" in result.out
    text = path.read_text(encoding="utf-8")
    fill_lines = {text[: m.start()].count("\n") + 1 for m in FILL_LINE.finditer(text)}
    assert fill_lines, "the starter marks nothing to fill"

    before = generator("validate", cwd=fixture_project)
    assert before.code == 1
    assert sorted(problems(before.err)) == sorted((relative, line) for line in fill_lines), before.err
    if kind != "source":
        assert any("cite" in line and "at least one" in line for line in before.err.splitlines())

    filled = {**FILLED, "type": "attack" if kind == "event" else "militant-group"}
    path.write_text(FILL_LINE.sub(lambda m: f"{m['indent']}{m['key']}: {filled[m['key']]}", text), encoding="utf-8")
    after = generator("validate", cwd=fixture_project)
    assert after.code == 0, after.err


@pytest.mark.parametrize("kind", list(FOLDER))
def test_starter_explains_every_key_of_its_kind(fixture_project: Path, kind: str) -> None:
    assert new(fixture_project, kind, "green-army", "--name", "Green Army").code == 0
    text = (fixture_project / "data" / FOLDER[kind] / "green-army.yaml").read_text(encoding="utf-8")
    assert text.startswith(f"# yaml-language-server: $schema=../../schema/{kind}.schema.json\n")
    keys = _all_field_names(MODEL_OF_KIND[kind]) - {"source", "at"}  # the map form of a citation is a comment
    missing = [key for key in sorted(keys) if not re.search(rf"^[#\s-]*{key}:", text, re.M)]
    assert missing == []
    for line in text.splitlines():
        if re.match(r"^\s*[a-z_]+:", line):  # a live key: the line or the comment block above explains it
            continue
        assert line == "" or line.lstrip().startswith("#"), f"unexplained line: {line!r}"
    if kind != "source":
        assert "{source: source-id, at:" in text


def test_names_with_quotes_and_colons_stay_text(fixture_project: Path) -> None:
    name, alias = 'The "Greens": #1 army', "G: A, [x] & {y}"
    assert new(fixture_project, "group", "green-army", "--name", name, "--alias", alias).code == 0
    loaded = load_project(fixture_project)
    doc = next(d for d in loaded.documents if d.stem == "green-army")
    assert doc.data["name"] == name and [a["name"] for a in doc.data["aliases"]] == [alias]


def test_refuses_an_existing_file_of_any_kind(fixture_project: Path) -> None:
    before = (fixture_project / "data" / "groups" / "blue-league.yaml").read_text(encoding="utf-8")
    result = new(fixture_project, "person", "blue-league", "--name", "Someone")
    assert result.code == 1
    assert "data/groups/blue-league.yaml already exists" in result.err
    assert not (fixture_project / "data" / "people" / "blue-league.yaml").exists()
    assert (fixture_project / "data" / "groups" / "blue-league.yaml").read_text(encoding="utf-8") == before


def test_refuses_an_id_or_name_that_is_another_profiles_alias(fixture_project: Path) -> None:
    # "front-rouge" is the alias "Front Rouge" of red-front; "Abu Test" an alias of jo-leader.
    result = new(fixture_project, "group", "front-rouge", "--name", "Abu  test", "--alias", "B L")
    assert result.code == 1
    red = (fixture_project / "data/groups/red-front.yaml").read_text(encoding="utf-8").splitlines()
    jo = (fixture_project / "data/people/jo-leader.yaml").read_text(encoding="utf-8").splitlines()
    found = {(file, line): message for file, line, _, message in PROBLEM.findall(result.err)}
    assert set(found) == {
        ("data/groups/red-front.yaml", str(next(i for i, l in enumerate(red, 1) if "Front Rouge" in l))),
        ("data/people/jo-leader.yaml", str(next(i for i, l in enumerate(jo, 1) if "Abu Test" in l))),
    }
    assert any("'red-front'" in message for message in found.values())
    assert not (fixture_project / "data" / "groups" / "front-rouge.yaml").exists()


@pytest.mark.parametrize("bad_id", ["Green-Army", "green_army", "green--army", "green-", "green army", "../x"])
def test_refuses_an_id_that_is_not_a_slug(fixture_project: Path, bad_id: str) -> None:
    result = new(fixture_project, "group", bad_id, "--name", "Green")
    assert result.code == 1 and "not a valid id" in result.err
    assert "Traceback" not in result.err
    assert sorted(p.name for p in (fixture_project / "data" / "groups").iterdir()) == [
        "blue-league.yaml",
        "red-front.yaml",
    ]


def test_new_offers_a_brief_that_fails_on_its_fill_in_lines_then_builds(fixture_project: Path) -> None:
    """Issue 26: `new brief SLUG --name TITLE` writes briefs/SLUG.md, its front matter explained; validate
    reports exactly its FILL IN lines; once filled (and given a cited sentence) the brief validates."""
    result = new(fixture_project, "brief", "why-it-matters", "--name", 'Why "it": matters')
    assert result.code == 0, result.err
    path = fixture_project / "briefs" / "why-it-matters.md"
    text = path.read_text(encoding="utf-8")
    fill_lines = {i for i, line in enumerate(text.splitlines(), 1) if "FILL IN" in line}
    assert len(fill_lines) == 2
    before = generator("validate", cwd=fixture_project)
    assert before.code == 1
    assert sorted(problems(before.err)) == sorted(("briefs/why-it-matters.md", line) for line in fill_lines), before.err
    filled = text.replace("date:  # FILL IN", "date: 2024-03  # FILL IN").replace("summary:  # FILL IN", "summary: What it argues.  # FILL IN")
    path.write_text(filled + "[[red-front]] claimed the attack [@alpha-report, para 1].\n", encoding="utf-8")
    after = generator("validate", cwd=fixture_project)
    assert after.code == 0, after.err
    assert new(fixture_project, "brief", "why-it-matters", "--name", "Again").code != 0  # never overwritten
    assert new(fixture_project, "brief", "other", "--name", "X", "--alias", "Y").code != 0  # a brief has no aliases
