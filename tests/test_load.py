"""Loading (generator/stages/load.py): libyaml and PyYAML give the same data, positions and
messages; bounds hold whichever reads a file; discovery refuses links out and odd files.

- YAML: libyaml parses files that PyYAML's own loader would accept; both must give the same data, the
  same positions and the same messages.
- Discovery: plain files are no longer resolved one by one; links are still refused.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURE_KB, ROOT

import generator.stages.load as load
from generator.model.problems import Problem
from generator.stages.load import SourceMap, load_project, parse_yaml

CRAFTED = {
    "flow after non-ASCII": 'name: "Ḥaqqānī — ISKP"\nx: {a: "é", b: [1, "ü", 3]}\n',
    "block scalars": "a: >-\n  folded\n  text\nb: |\n  kept\n  lines\nc: plain\n",
    "crlf": "id: x\r\nname: Y\r\naliases: [a, b]\r\n",
    "dates and numbers": "date: 2015-06-12\nyear: 2015\nfloat: 1.5\nhex: 0x1A\nnone: ~\nyes: true\n",
    "tab": "a:\n\tb: 1\n",
    "duplicate key": "a: 1\nb: 2\na: 3\n",
    "anchor and alias": "a: &x 1\nb: *x\n",
    "ampersand in text": "title: Q&A with officials * two\n",
    "python tag": "a: !!python/object:os.system echo\n",
    "unclosed quote": 'a: "open\nb: 2\n',
    "bad indentation": "a: 1\n  b: 2\n",
    "list at top": "- a\n- b\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "key not text": "1: a\n[x]: b\n",
    "control character": "a: bell\x07\n",
    "complex key": "[a, b]: c\n? {d: e}\n: f\n",
}


def _nested_blocks(depth: int) -> str:
    return "".join(f"{' ' * level}k{level}:\n" for level in range(depth)) + f"{' ' * depth}end\n"


# Right at the composer's bounds, and one past them: MAX_NODES counts every node (the top mapping,
# keys, lists and their items); MAX_DEPTH the collections around a value.
# These all go to libyaml's composer, so the builder must enforce the bounds.
BOUNDS = {
    "values at the bound": "a: [" + ", ".join(["1"] * (load.MAX_NODES - 3)) + "]\n",
    "values past the bound": "a: [" + ", ".join(["1"] * (load.MAX_NODES - 2)) + "]\n",
    "block depth at the bound": _nested_blocks(load.MAX_DEPTH - 1),
    "block depth past the bound": _nested_blocks(load.MAX_DEPTH),
    "flow depth at the bound": "a: " + "[" * (load.MAX_DEPTH - 1) + "]" * (load.MAX_DEPTH - 1) + "\n",
    "flow depth past the bound": "a: " + "[" * load.MAX_DEPTH + "]" * load.MAX_DEPTH + "\n",
}
# And these to the checked composer (too many openers for libyaml's): the same bounds, the same words.
BOUNDS_CHECKED = {
    "block values past the bound": "a:\n" + "- 1\n" * (load.MAX_NODES - 2),
    "keys past the bound": "".join(f"k{i}: {i}\n" for i in range(load.MAX_NODES // 2)),
}
CRAFTED |= BOUNDS | BOUNDS_CHECKED


def _paths(data: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, path + (index,))
    return found


def _parse(text: str, fast: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[Problem], dict[object, object]]:
    monkeypatch.setattr(load, "_HAS_LIBYAML", fast)
    where, problems = SourceMap("f.yaml"), []
    data = parse_yaml(text, where, problems)
    positions = {path: (where.value(path), where.key(path)) for path in _paths(data)}
    return data, problems, positions


def _texts() -> list[tuple[str, str]]:
    files = sorted((ROOT / "data").rglob("*.yaml")) + sorted(FIXTURE_KB.rglob("*.yaml"))
    return [(p.name, p.read_text(encoding="utf-8")) for p in files] + sorted(CRAFTED.items())


@pytest.mark.parametrize(("name", "text"), _texts(), ids=[name for name, _ in _texts()])
def test_libyaml_and_pyyaml_agree(name: str, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert load._HAS_LIBYAML, "this PyYAML has no libyaml: the fast path is not in use"
    assert _parse(text, True, monkeypatch) == _parse(text, False, monkeypatch)


@pytest.mark.parametrize("name", sorted(BOUNDS | BOUNDS_CHECKED))
def test_bounds_hold_whichever_composer_reads_the_file(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (BOUNDS | BOUNDS_CHECKED)[name]
    assert load._composable_in_c(text) == (name in BOUNDS)
    _, problems, _ = _parse(text, True, monkeypatch)
    past = "past" in name
    assert [p.message.split(";")[0] for p in problems] == (
        [f"more than {load.MAX_NODES:,} values in one file"]
        if past and "depth" not in name
        else [f"values nested more than {load.MAX_DEPTH} levels deep"]
        if past
        else []
    )


# libyaml's composer recurses in C: a nest it were handed too deep would crash the process, not raise.
# Each runs in a child on a small (256 kB) thread stack, so a crash fails the test and nothing else.
DEEP = {
    "compact sequences, one line": "a:\n" + "- " * 200_000 + "x\n",
    "compact keys, one line": "a:\n" + "? " * 200_000 + "x\n",
    "compact sequences at the fast path's limit": "a:\n" + "- " * (load._MAX_OPENERS_IN_C - 1) + "x\n",
    "flow, one line": "a: " + "[" * 200_000 + "]" * 200_000 + "\n",
    "line breaks YAML 1.1 knows": "a:\x85" + "-\x85" * 200_000 + "x\n",
}
_IN_A_SMALL_THREAD = """
import sys, threading
from generator.stages.load import SourceMap, parse_yaml
text = sys.stdin.read()
threading.stack_size(256 * 1024)
def parse():
    problems = []
    parse_yaml(text, SourceMap("f.yaml"), problems)
    print(*(p.message for p in problems), sep="\\n")
thread = threading.Thread(target=parse)
thread.start()
thread.join()
"""


@pytest.mark.parametrize("name", sorted(DEEP))
def test_a_deep_nest_is_refused_without_a_crash(name: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _IN_A_SMALL_THREAD],
        input=DEEP[name],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, f"the parser crashed (exit {result.returncode}): {result.stderr[-500:]}"
    refusals = (f"values nested more than {load.MAX_DEPTH} levels deep", f"more than {load.MAX_NODES:,} values")
    assert result.stdout.startswith(refusals), result.stdout


def test_real_files_are_mostly_composed_by_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    composed = []
    original = load._LibyamlLoader.__init__
    monkeypatch.setattr(load._LibyamlLoader, "__init__", lambda self, text: (composed.append(type(self)), original(self, text))[1])
    load_project(ROOT)
    fast = composed.count(load._LibyamlLoader)
    assert fast >= 0.9 * len(composed), f"only {fast} of {len(composed)} real files took the fast path"


def test_anchors_are_still_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data, problems, _ = _parse(CRAFTED["anchor and alias"], True, monkeypatch)
    assert data is None
    assert [str(p) for p in problems] == ["f.yaml:1:4: YAML anchors and aliases (&name, *name) are not allowed; write the value out in full"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_discovery_refuses_links_out_and_odd_files(tmp_path: Path) -> None:
    project, outside = tmp_path / "project", tmp_path / "outside"
    groups = project / "data" / "groups"
    groups.mkdir(parents=True)
    outside.mkdir()
    (outside / "elsewhere.yaml").write_text("id: elsewhere\n")
    (groups / "plain.yaml").write_text("id: plain\n")
    (groups / "out.yaml").symlink_to(outside / "elsewhere.yaml")
    (groups / "inside.yaml").symlink_to(groups / "plain.yaml")
    (groups / "dangling.yaml").symlink_to(tmp_path / "nothing.yaml")
    (groups / ".hidden.yaml").write_text("id: hidden\n")
    (project / "data" / "people").symlink_to(outside, target_is_directory=True)
    (project / "data" / "deep" / "er").mkdir(parents=True)
    (project / "data" / "deep" / "er" / "x.yaml").write_text("id: x\n")
    os.mkfifo(groups / "pipe.yaml")

    loaded = load_project(project)

    assert sorted(p.name for p in loaded.files) == ["inside.yaml", "plain.yaml"]
    messages = {p.file: p.message for p in loaded.problems}
    for refused in ("out.yaml", "dangling.yaml"):
        assert messages[f"data/groups/{refused}"].startswith("this is a link to something outside the project")
    assert messages["data/groups/pipe.yaml"].startswith("this is not a regular file")
    assert messages["data/people"].startswith("this is a link to something outside the project")
    assert messages["data/deep/er/x.yaml"].startswith("not a profile location")
    assert not any(".hidden" in name for name in messages)


def test_a_data_folder_that_leads_out_is_refused(tmp_path: Path) -> None:
    project, outside = tmp_path / "project", tmp_path / "outside"
    (outside / "groups").mkdir(parents=True)
    (outside / "groups" / "g.yaml").write_text("id: g\n")
    project.mkdir()
    (project / "data").symlink_to(outside, target_is_directory=True)
    loaded = load_project(project)
    assert loaded.files == []
    assert [p.file for p in loaded.problems] == ["data/groups/g.yaml"]


def test_a_control_character_is_a_positioned_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    data, problems, _ = _parse("id: x\nname: bell\x07 here\n", True, monkeypatch)
    assert data is None
    assert [str(p) for p in problems] == ["f.yaml:2:11: character #x0007 is not allowed in YAML; remove it"]


def test_a_brief_with_windows_line_ends_builds_as_written(fixture_project: Path) -> None:
    """CRLF is how Windows saves text: normal input, read as line ends (only a lone CR is refused)."""
    from conftest import mkdocs_build
    from htmlq import find

    brief = fixture_project / "briefs/test-brief.md"
    brief.write_bytes(brief.read_bytes().replace(b"\n", b"\r\n"))
    (fixture_project / "data/groups/red-front.yaml").write_bytes((fixture_project / "data/groups/red-front.yaml").read_bytes().replace(b"\n", b"\r\n"))
    result = mkdocs_build(fixture_project, fixture_project / "site")
    assert result.code == 0, result.err
    page = (fixture_project / "site/briefs/test-brief/index.html").read_text(encoding="utf-8")
    paragraphs = [" ".join(p.text.split()) for p in find(page, "p")]
    assert any(p.startswith("Its leader is Jo Leader") for p in paragraphs), paragraphs
    assert find(page, "h1")[0].text.startswith("Why the test group did it")
    assert "\r" not in page
