"""The bad-input corpus: every case in tests/bad_inputs/ breaks a copy of the fixture knowledge base
and states, line for line, what the build must say.

A case is a folder::

    tests/bad_inputs/<case>/
        case.yaml     about, class (the failure class), expect (the exact FILE:LINE:COL: message lines),
                      and optionally remove (fixture paths to delete), symlinks (link -> target below
                      the temporary folder, or absolute), generate (files too big to commit: head +
                      repeat * times), command (validate, the default; render; or mkdocs only), or
                      args (a whole command line, {project} standing for the project's folder) with
                      exit (its exit status) and expect holding its exact error lines
        outside/      copied beside the project, for links that lead out of it
        ...           every other file is dropped onto the copy at the same path

For each case the CLI must exit 1, print exactly the expected problems and the count (every problem
in one run) and no traceback; ``mkdocs build`` on the same project, whose site/ holds a previous good
build, must fail with the same messages and leave site/ byte for byte and timestamp for timestamp as
it was (the plugin fails in on_pre_build, before MkDocs cleans site/).

Policy for markup in text (enforced in generator/model/entities.py, ``find_markup``):

* Text from YAML is plain text and is always escaped when rendered (generator/render/ ``escape``):
  whatever it holds shows as written and can never become an element or attribute.
* On top of that, markup in any text field is a validation error, not something to publish quietly:
  an HTML tag, comment or directive (``<`` followed by a letter, ``/``, ``!`` or ``?``), a
  ``javascript:``/``vbscript:``/``data:`` URL (also when entity-encoded or split by whitespace),
  control characters and bidirectional overrides. A source's ``url`` must be plain http(s).
* Brief bodies are Markdown and the one text not escaped, so the same check runs over them line by
  line, with attribute lists (``{: onclick=... }``) refused too. The Content-Security-Policy of the
  site is the last line behind that (see test_csp.py).

Both layers are tested independently: this corpus proves the refusals; test_properties.py feeds
arbitrary text past validation into rendering and proves the escaping.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURE_KB, copy_project, generator_here, mkdocs_build

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CASE_FILE = "case.yaml"
OUTSIDE = "outside"


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    about: str
    failure_class: str
    expect: tuple[str, ...]
    command: str = "validate"
    remove: tuple[str, ...] = ()
    symlinks: dict[str, str] = field(default_factory=dict)
    generate: dict[str, dict[str, object]] = field(default_factory=dict)
    args: tuple[str, ...] = ()
    exit: int = 1

    @property
    def overlay(self) -> list[Path]:
        return sorted(p for p in self.folder.rglob("*") if p.is_file() and p.name != CASE_FILE and p.relative_to(self.folder).parts[0] != OUTSIDE)


def load_cases() -> list[Case]:
    cases = []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        spec = yaml.safe_load((folder / CASE_FILE).read_text(encoding="utf-8"))
        cases.append(
            Case(
                name=folder.name,
                folder=folder,
                about=spec["about"],
                failure_class=spec["class"],
                expect=tuple(spec["expect"] or ()),
                command=spec.get("command", "validate"),
                remove=tuple(spec.get("remove", ())),
                symlinks=spec.get("symlinks", {}),
                generate=spec.get("generate", {}),
                args=tuple(spec.get("args", ())),
                exit=int(spec.get("exit", 1)),
            )
        )
    return cases


CASES = load_cases()


def make_project(case: Case, base: Path) -> Path:
    """A copy of the fixture knowledge base with the case's broken files dropped onto it."""
    project = base / "project"
    project.mkdir()
    copy_project(project, FIXTURE_KB)
    if (case.folder / OUTSIDE).is_dir():
        shutil.copytree(case.folder / OUTSIDE, base / OUTSIDE)
    for path in case.remove:
        target = project / path
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    for source in case.overlay:
        target = project / source.relative_to(case.folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    for path, spec in case.generate.items():
        target = project / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(str(spec["head"]) + str(spec["repeat"]) * int(spec["times"]), encoding="utf-8")  # type: ignore[call-overload]
    for link, points_to in case.symlinks.items():
        target = project / link
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(points_to if os.path.isabs(points_to) else base / points_to)
    return project


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below folder: its bytes and modification time (a rewrite with equal bytes still shows)."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


def problem_lines(stderr: str) -> list[str]:
    """The FILE:LINE:COL: lines of the CLI's output, without the closing count."""
    return [line for line in stderr.splitlines() if not line.endswith(" found.")]


def count_line(count: int) -> str:
    return f"{count} problem{'s' if count != 1 else ''} found."


@pytest.fixture(scope="session")
def good_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A previous good build of the fixture knowledge base, to be copied into each broken project."""
    project = copy_project(tmp_path_factory.mktemp("good"), FIXTURE_KB)
    result = mkdocs_build(project, project / "site")
    assert result.code == 0, result.err
    return project / "site"


@pytest.mark.parametrize("case", [c for c in CASES if c.command != "mkdocs"], ids=lambda c: c.name)
def test_cli_reports_every_problem(case: Case, tmp_path: Path) -> None:
    project = make_project(case, tmp_path)
    previous = tmp_path / "previous"
    if case.args:  # a command line that must be refused, changing nothing in the project
        before = snapshot(tmp_path)
        result = generator_here(*(arg.replace("{project}", str(project)) for arg in case.args), cwd=project)
        assert "Traceback" not in result.err
        assert (result.code, result.err.splitlines()) == (case.exit, [e.replace("{project}", str(project)) for e in case.expect])
        assert snapshot(tmp_path) == before
        return
    if case.command == "render":
        previous.mkdir()
        (previous / "kept.md").write_text("an earlier render\n", encoding="utf-8")
        before = snapshot(previous)
        result = generator_here("render", "--out", str(previous), cwd=project)
        assert snapshot(previous) == before
    else:
        result = generator_here(case.command, cwd=project)
    assert "Traceback" not in result.err
    assert result.code == 1, result.out + result.err
    assert sorted(problem_lines(result.err)) == sorted(case.expect)
    assert result.err.splitlines()[-1] == count_line(len(case.expect))


# Where the file system or the site itself is at stake, and the seven classes of issue 14 (hardening,
# round 2): every case of these also goes through `mkdocs build`, to show site/ left as it was.
ALWAYS_THROUGH_MKDOCS = {
    "resource-limit",
    "filesystem",
    "site",
    "active-content",
    "crash",
    "bounded-work",
    "agreement",
    "types",
    "names",
}


def through_mkdocs(cases: list[Case]) -> list[Case]:
    """Each case costs a second through ``mkdocs build``, so by default a representative set goes that
    way: the first case of each failure class, and every case of ALWAYS_THROUGH_MKDOCS.
    KB_BAD_INPUTS_MKDOCS=all sends every case."""
    if os.environ.get("KB_BAD_INPUTS_MKDOCS") == "all":
        return cases
    chosen, seen = [], set()
    for case in cases:
        if case.failure_class not in seen or case.failure_class in ALWAYS_THROUGH_MKDOCS:
            chosen.append(case)
        seen.add(case.failure_class)
    return chosen


@pytest.mark.parametrize("case", through_mkdocs([c for c in CASES if not c.args]), ids=lambda c: c.name)
def test_mkdocs_build_fails_and_keeps_the_previous_site(case: Case, tmp_path: Path, good_site: Path) -> None:
    project = make_project(case, tmp_path)
    site = project / "site"
    shutil.copytree(good_site, site)  # copy2: timestamps are kept, so a rewrite would show
    before = snapshot(site)
    result = mkdocs_build(project, site)
    assert "Traceback" not in result.err
    assert result.code == 1, result.err
    errors = [line.split("-  ", 1)[1] for line in result.err.splitlines() if line.startswith("ERROR")]
    for expected in case.expect:
        assert expected in errors
    assert snapshot(site) == before


def test_every_case_breaks_something() -> None:
    """A case with nothing to drop onto the fixture, or nothing to expect, would pass vacuously."""
    for case in CASES:
        assert case.overlay or case.generate or case.symlinks or case.remove or case.args, case.name
        assert case.expect, case.name
        assert case.command in {"validate", "render", "mkdocs"}, case.name
