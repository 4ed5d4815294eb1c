"""`validate --format github`: every problem becomes one GitHub workflow command that decodes to itself."""

from __future__ import annotations

from pathlib import Path

from conftest import generator


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
    (groups / "odd,name:1.yaml").write_text(
        "id: odd-name\nname: Odd\ntype: militant group\nsummary: {text: x, cite: [beta-news]}\n", encoding="utf-8"
    )
    red = groups / "red-front.yaml"
    text = red.read_text(encoding="utf-8")
    text = text.replace("areas: [Northland]", "areas: [Northland]\n'50%off': 1")
    red.write_text(text, encoding="utf-8")
    # An alias holding a line break: shown as \u000a, so that every problem stays on one line.
    jo = project / "data" / "people" / "jo-leader.yaml"
    jo.write_text(jo.read_text(encoding="utf-8").replace("[Abu Test]", '[Abu Test, "Blue\\nLeague"]'))


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
