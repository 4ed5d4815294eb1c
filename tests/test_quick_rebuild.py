"""Quick rebuilds under `mkdocs serve` (generator/mkdocs_adapter/serve/quick.py): after any sequence of edits,
the served site equals, byte for byte, what `mkdocs build` makes of the same files.

The project is served in this process as `mkdocs serve` serves it (tests/served.py); after each edit the
server's rebuild runs, and its site folder is compared with a fresh `mkdocs build` in a process of its
own. Each edit also says which way it must go: "quick" (only the changed pages and files written into
the served folder), "full" (a whole build swapped in) or "failed" (the last good build stays served).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURE_KB, ROOT, copy_project
from served import SITE_SETTINGS, Served, differences, mkdocs_build

sys.path.insert(0, str(ROOT))
from bench.synth import make_knowledge_base  # noqa: E402

Edit = Callable[[Path], None]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in SITE_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "project"
    root.mkdir()
    return copy_project(root, FIXTURE_KB)


def replace(relative: str, old: str, new: str) -> Edit:
    def edit(project: Path) -> None:
        path = project / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def write(relative: str, text: str) -> Edit:
    def edit(project: Path) -> None:
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    return edit


def remove(relative: str) -> Edit:
    return lambda project: (project / relative).unlink()


def both(*edits: Edit) -> Edit:
    def edit(project: Path) -> None:
        for one in edits:
            one(project)

    return edit


MEMBER = """relationships:
  - type: member-of
    target: blue-league
    since: 2019
    cite: ["beta-news"]
"""
NEW_PERSON = """id: new-person
name: New Person
role: Spokesman of the Red Front
summary:
  text: A person added while the site is served.
  cite: ["beta-news"]
relationships:
  - type: member-of
    target: red-front
    cite: ["beta-news"]
"""
PACKAGED_PERSON = (ROOT / "generator/render/templates/person.md.j2").read_text(encoding="utf-8")
OVERRIDE = "site_src/overrides/generator/person.md.j2"

# (what, the edit, the way the rebuild must go)
EDITS: list[tuple[str, Edit, str]] = [
    ("a profile's text", replace("data/people/jo-leader.yaml", "a fictional person.", "a fictional person, edited."), "quick"),
    ("a relationship's year, shown as its inverse", replace("data/groups/red-front.yaml", "since: 2020", "since: 2011"), "quick"),
    ("a relationship added", replace("data/people/jo-leader.yaml", "summary:", MEMBER + "summary:"), "quick"),
    ("a relationship's note", replace("data/people/jo-leader.yaml", "    since: 2019\n", "    since: 2019\n    note: Joined [[RF]] later.\n"), "quick"),
    (
        "a relationship removed",
        replace("data/people/jo-leader.yaml", MEMBER.replace("    since: 2019\n", "    since: 2019\n    note: Joined [[RF]] later.\n"), ""),
        "quick",
    ),
    ("a figure", replace("data/events/hall-attack.yaml", "value: 120", "value: 125"), "quick"),
    ("a source", replace("data/sources/alpha-report.yaml", "publisher: Test Desk", "publisher: Test Desk International"), "quick"),
    ("a brief", replace("briefs/test-brief.md", "It rivals", "It openly rivals"), "quick"),
    ("a brief's title", replace("briefs/test-brief.md", "title: Why the test group did it", "title: Why the group did it"), "quick"),
    ("a name, at the same address", replace("data/groups/blue-league.yaml", "name: Blue League", "name: Blue league"), "quick"),
    ("an alias, at the same address", replace("data/groups/red-front.yaml", "{name: RF,", "{name: Rf,"), "quick"),
    ("a name, at a new address", replace("data/groups/blue-league.yaml", "aliases: [{name: BL, cite: [beta-news]}]", "aliases: [{name: BL, cite: [beta-news]}, {name: Blue Alliance, cite: [beta-news]}]"), "full"),
    ("an alias removed", replace("data/groups/blue-league.yaml", "aliases: [{name: BL, cite: [beta-news]}, {name: Blue Alliance, cite: [beta-news]}]", "aliases: [{name: BL, cite: [beta-news]}]"), "full"),
    (
        "two files at once",
        both(
            replace("data/groups/red-front.yaml", "used by the tests", "used by the test suite"),
            replace("data/events/hall-attack.yaml", "A fictional attack.", "A fictional attack, edited."),
        ),
        "quick",
    ),
    (
        "an edit undone before the rebuild",
        both(
            replace("data/events/hall-attack.yaml", "place: Test City", "place: Other City"),
            replace("data/events/hall-attack.yaml", "place: Other City", "place: Test City"),
        ),
        "quick",
    ),
    ("a profile added", write("data/people/new-person.yaml", NEW_PERSON), "full"),
    ("the added profile's text", replace("data/people/new-person.yaml", "while the site is served", "while served"), "quick"),
    ("a profile removed", remove("data/people/new-person.yaml"), "full"),
    ("a template override added", write(OVERRIDE, PACKAGED_PERSON + "\nOverridden person page.\n"), "full"),
    ("a profile's text under the override", replace("data/people/jo-leader.yaml", "edited.", "edited again."), "quick"),
    ("the template override edited", write(OVERRIDE, PACKAGED_PERSON + "\nOverridden person page, edited.\n"), "full"),
    ("the template override removed", remove(OVERRIDE), "full"),
    ("a hand-written page", replace("site_src/about.md", "\n", "\n\nA line added while serving.\n"), "full"),
    ("mkdocs.yml", replace("mkdocs.yml", "site_name: Khorasan Brief", "site_name: Khorasan Brief Preview"), "full"),
    (
        "a theme override",
        replace("site_src/overrides/main.html", '{% extends "base.html" %}', '{% extends "base.html" %}\n{#- edited while serving -#}'),
        "full",
    ),
    ("a profile's text after those", replace("data/groups/blue-league.yaml", "A second fictional group.", "A second group."), "quick"),
    ("a broken file", replace("data/people/jo-leader.yaml", "role: ", "rolle: "), "failed"),
    ("another edit while it is broken", replace("data/events/hall-attack.yaml", "A fictional attack, edited.", "An attack."), "failed"),
    ("its fix", replace("data/people/jo-leader.yaml", "rolle: ", "role: "), "quick"),
]


def test_the_served_site_equals_mkdocs_build_after_every_edit(project: Path, tmp_path: Path) -> None:
    served = Served(project, tmp_path / "site")
    reference = tmp_path / "built-0"
    assert mkdocs_build(project, reference).returncode == 0
    assert differences(served.site, reference) == []
    ways = []
    for number, (what, edit, way) in enumerate(EDITS, start=1):
        edit(project)
        went = served.rebuild()
        ways.append((what, went))
        if way != "failed":
            reference = tmp_path / f"built-{number}"
            done = mkdocs_build(project, reference)
            assert done.returncode == 0, done.stderr
        assert differences(served.site, reference) == [], f"after {what} ({went})"
    assert ways == [(what, way) for what, _, way in EDITS]


def test_a_quick_rebuild_rebuilds_the_pages_that_show_the_edit(project: Path, tmp_path: Path) -> None:
    served = Served(project, tmp_path / "site")
    quick = served.plugin.quick

    replace("data/people/jo-leader.yaml", "a fictional person.", "a person of fiction.")(project)
    assert served.rebuild() == "quick"
    # The profile, and the source page that quotes the claim it cites; not the others.
    assert sorted(quick.rebuilt) == ["people/jo-leader.md", "sources/alpha-report.md"]
    assert "a person of fiction" in (served.site / "people/jo-leader/index.html").read_text(encoding="utf-8")

    replace("data/groups/red-front.yaml", "since: 2020", "since: 2012")(project)
    assert served.rebuild() == "quick"
    assert "people/jo-leader.md" in quick.rebuilt  # where the relationship shows as its inverse
    assert "since 2012" in (served.site / "people/jo-leader/index.html").read_text(encoding="utf-8")

    replace("briefs/test-brief.md", "It rivals", "It still rivals")(project)
    assert served.rebuild() == "quick"
    assert "briefs/test-brief.md" in quick.rebuilt
    assert "It still rivals" in (served.site / "briefs/test-brief/index.html").read_text(encoding="utf-8")


def test_a_quick_rebuild_puts_new_files_in_place_and_never_writes_into_one(project: Path, tmp_path: Path) -> None:
    """A hard link to a served page (a copy of the site made with `cp -al`, say) keeps the old page."""
    served = Served(project, tmp_path / "site")
    page = served.site / "people/jo-leader/index.html"
    kept = tmp_path / "kept.html"
    os.link(page, kept)
    before = kept.read_bytes()

    replace("data/people/jo-leader.yaml", "a fictional person.", "a linked person.")(project)
    assert served.rebuild() == "quick"

    assert kept.read_bytes() == before
    assert page.stat().st_ino != kept.stat().st_ino
    assert "a linked person" in page.read_text(encoding="utf-8")
    assert [p.name for p in served.site.parent.iterdir() if p.name.startswith(".site.")] == []  # nothing left beside it


def test_a_quick_rebuild_that_fails_half_way_leaves_it_to_the_full_build(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """It never raises: the full build runs, and its whole site replaces what was written."""
    import generator.mkdocs_adapter.serve.quick as quick

    served = Served(project, tmp_path / "site")
    put_in_place = quick._replace
    calls = []

    def fails_the_second_time(staged: Path, target: Path) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        put_in_place(staged, target)

    monkeypatch.setattr(quick, "_replace", fails_the_second_time)
    replace("data/people/jo-leader.yaml", "a fictional person.", "a person whose rebuild failed.")(project)
    assert served.rebuild() == "full"
    assert len(calls) == 2 and "No space left" in served.plugin.quick.fallback
    monkeypatch.undo()
    assert mkdocs_build(project, tmp_path / "built").returncode == 0
    assert differences(served.site, tmp_path / "built") == []

    # The full build swapped in a whole site: the next change is quick again.
    replace("data/people/jo-leader.yaml", "a person whose rebuild failed.", "a person again.")(project)
    assert served.rebuild() == "quick"


def test_a_plugin_it_does_not_know_takes_the_full_build(project: Path, tmp_path: Path) -> None:
    (project / "hook.py").write_text(
        "def on_post_page(output, page, config):\n    return output.replace('</body>', '<!-- hook -->\\n</body>')\n",
        encoding="utf-8",
    )
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(config + "\nhooks:\n  - hook.py\n", encoding="utf-8")
    served = Served(project, tmp_path / "site")

    replace("data/people/jo-leader.yaml", "a fictional person.", "a hooked person.")(project)
    assert served.rebuild() == "full"
    assert "plugins a quick rebuild does not know" in served.plugin.quick.fallback
    assert mkdocs_build(project, tmp_path / "built").returncode == 0
    assert differences(served.site, tmp_path / "built") == []


def _random_edit(project: Path, rng: random.Random) -> tuple[Path, str, str]:
    """One edit of a synthetic knowledge base (bench/synth.py writes its files): (file, before, after)."""
    sources = sorted(p.stem for p in (project / "data/sources").glob("*.yaml"))
    groups = sorted(p.stem for p in (project / "data/groups").glob("*.yaml"))
    word = f"Zq{rng.randrange(10**6)}"
    edits = [
        ("data/people", r"^  text: ", f"  text: {word} "),
        ("data/groups", r"^  - text: ", f"  - text: {word} "),
        ("data/events", r"^  text: ", f"  text: {word} "),
        ("data/people", r"^  since: \d+$", f"  since: {rng.randint(1900, 1989)}"),
        ("data/people", r"^(- type: member-of\n  target: )\S+$", rf"\g<1>{rng.choice(groups)}"),
        ("data/events", r"^date: .*$", f"date: {rng.randint(1950, 2030)}-0{rng.randint(1, 9)}"),
        ("data/sources", r"^publisher: .*$", f"publisher: {word} Press"),
        ("data/groups", r"^    - \S+, para \d+$", f"    - {rng.choice(sources)}, para {rng.randint(1, 9)}"),
        ("data/people", r"^name: .*$", f"name: {word} Person"),
        ("data/people", r"^aliases:\n", f"aliases:\n- name: {word} Alias\n  cite: [{rng.choice(sources)}]\n"),
        ("briefs", r"^The \[\[", f"The {word} [["),
    ]
    choices = []
    for folder, pattern, replacement in edits:
        files = sorted((project / folder).glob("*.*"))
        candidates = [p for p in files if re.search(pattern, p.read_text(encoding="utf-8"), re.MULTILINE)]
        if candidates:
            choices.append((pattern, replacement, candidates))
    assert len(choices) >= len(edits) - 2, "the synthetic knowledge base no longer has what these edits change"
    pattern, replacement, candidates = rng.choice(choices)
    path = rng.choice(candidates)
    text = path.read_text(encoding="utf-8")
    match = rng.choice(list(re.finditer(pattern, text, re.MULTILINE)))
    return path, text, text[: match.start()] + match.expand(replacement) + text[match.end() :]


def test_random_edits_of_a_larger_knowledge_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SITE_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "site_src", project / "site_src")
    make_knowledge_base(project, 60)
    served = Served(project, tmp_path / "site")
    reference = tmp_path / "built-0"
    assert mkdocs_build(project, reference).returncode == 0
    rng = random.Random(18)
    ways = []
    for step in range(1, 9):
        path, before, after = _random_edit(project, rng)
        path.write_text(after, encoding="utf-8")
        went = served.rebuild()
        ways.append(went)
        if went == "failed":  # the edit broke the data: the last good build stays, and the edit is undone
            assert differences(served.site, reference) == [], f"step {step}: {path.name} ({went})"
            path.write_text(before, encoding="utf-8")
            went = served.rebuild()
        built = tmp_path / f"built-{step}"
        done = mkdocs_build(project, built)
        assert done.returncode == 0, done.stderr
        assert differences(served.site, built) == [], f"step {step}: {path.name} ({went})"
        reference = built
    assert ways.count("quick") >= 4, ways
