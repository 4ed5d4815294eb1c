"""The build cache that ``mkdocs serve`` keeps between rebuilds (generator/cache.py).

Every test edits real files of a real knowledge base and compares what the cached pipeline returns
with what a pipeline without a cache returns for the same files: a cache may skip work, never change
the result. A few tests also check that work was skipped, since skipping it is the cache's purpose.
"""

from __future__ import annotations

import random
import re
import shutil
import sys
from pathlib import Path

import pytest
from conftest import FIXTURE_KB, ROOT

from bench.synth import make_knowledge_base  # noqa: E402
from generator.cache import BuildCache
from generator.model.problems import ProblemsFound
from generator.model.project import Project
from generator.pipeline import build, check
from generator.render.site import TEMPLATE_DIR, Rendered
from generator.stages.resolve import EntityLink

sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated knowledge base of 150 files, made once; tests copy it."""
    root = tmp_path_factory.mktemp("synthetic")
    make_knowledge_base(root, 150)
    return root


@pytest.fixture
def project(tmp_path: Path, synthetic: Path) -> Project:
    root = tmp_path / "kb"
    shutil.copytree(synthetic, root)
    return Project(root)


def fresh(project: Project) -> Rendered:
    return build(project)


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def first(project: Project, folder: str, pattern: str = "") -> Path:
    """The first file of data/<folder> (in name order) whose text matches pattern."""
    for path in sorted((project.data_dir / folder).glob("*.yaml")):
        if re.search(pattern, path.read_text(encoding="utf-8"), re.MULTILINE):
            return path
    raise AssertionError(f"no file in {folder} matches {pattern!r}")


def test_a_rebuild_without_edits_renders_nothing(project: Project) -> None:
    cache = BuildCache(project.root)
    site = build(project, cache=cache)
    assert len(cache.pages.rendered) == len(site.pages)
    assert build(project, cache=cache) == site
    assert cache.pages.rendered == cache.pages.signed == []
    assert cache.files.parsed == []


def test_a_summary_edit_reaches_the_page_and_the_pages_that_show_the_profile(project: Project) -> None:
    cache = BuildCache(project.root)
    build(project, cache=cache)
    person = first(project, "people", r"^- type: member-of$")
    group_id = re.search(r"^- type: member-of\n  target: (\S+)$", person.read_text(), re.MULTILINE)[1]  # type: ignore[index]
    edit(person, "  text: ", "  text: Freshly edited ")

    site = build(project, cache=cache)

    pages = site.pages

    assert site == fresh(project)
    assert "Freshly edited" in pages[f"people/{person.stem}.md"]
    assert cache.files.parsed == [person.name]
    assert f"people/{person.stem}.md" in cache.pages.rendered
    assert f"groups/{group_id}.md" in cache.pages.rendered  # shows the person's link as "Has member"
    assert len(cache.pages.rendered) < len(pages) / 4


def test_an_inverse_relationship_appears_and_disappears_on_the_other_profile(project: Project) -> None:
    cache = BuildCache(project.root)
    build(project, cache=cache)
    person = first(project, "people", r"^relationships:$")
    event = sorted((project.data_dir / "events").glob("*.yaml"))[-1].stem
    original = person.read_text(encoding="utf-8")
    edit(person, "relationships:\n", f"relationships:\n- type: killed-in\n  target: {event}\n  since: 1777\n  cite: [{_a_source(person)}]\n")

    site = build(project, cache=cache)

    pages = site.pages
    assert site == fresh(project)
    assert "Killed" in pages[f"events/{event}.md"] and "since 1777" in pages[f"events/{event}.md"]

    person.write_text(original, encoding="utf-8")
    site = build(project, cache=cache)
    pages = site.pages
    assert site == fresh(project)
    assert "since 1777" not in pages[f"events/{event}.md"]


def test_a_relationship_edit_renders_only_the_pages_that_show_that_file(project: Project) -> None:
    from generator.render.site import CHANGES_PAGE, INDEX_PAGES, MAP_PAGE, NETWORK_PAGE

    cache = BuildCache(project.root)
    build(project, cache=cache)
    person = first(project, "people", r"^  since: \d{4}$")
    text = person.read_text(encoding="utf-8")
    year = re.search(r"^  since: (\d{4})$", text, re.MULTILINE)[1]  # type: ignore[index]
    edit(person, f"  since: {year}\n", "  since: 1777\n")

    site = build(project, cache=cache)

    assert site == fresh(project)
    # What shows this file: its page, the profiles it links to (the inverse) or that link to it, the
    # sources it cites, the briefs, and the pages of the whole. Not the pages of sources cited by its
    # neighbours, which only name it.
    kb = check(project)
    mentioned = {
        view.id
        for view in kb.profiles.values()
        for claim in [view.summary, *(c for _, claims in view.sections for c in claims)]
        for token in claim.text
        if isinstance(token, EntityLink) and token.id == person.stem
    }
    linked = {edge.target for edge in kb.profiles[person.stem].edges} | mentioned
    folder_of = {p.stem: p.parent.name for p in project.data_dir.rglob("*.yaml")}
    cited = set(re.findall(r"^\s+- ([a-z0-9-]+)(?:, [^\n]*)?$", text, re.MULTILINE)) & {p.stem for p in (project.data_dir / "sources").glob("*.yaml")}
    may_render = (
        {f"people/{person.stem}.md", *INDEX_PAGES, NETWORK_PAGE, MAP_PAGE, CHANGES_PAGE}
        | {f"{folder_of[i]}/{i}.md" for i in linked}
        | {f"sources/{s}.md" for s in cited}
        | {path for path in site.pages if path.startswith("briefs/")}
    )
    assert f"people/{person.stem}.md" in cache.pages.rendered
    assert set(cache.pages.rendered) <= may_render, sorted(set(cache.pages.rendered) - may_render)


def _a_source(profile: Path) -> str:
    return re.search(r"^\s+- (\S+), para", profile.read_text(encoding="utf-8"), re.MULTILINE)[1]  # type: ignore[index]


def test_renaming_a_profile_updates_every_page_that_names_it(project: Project) -> None:
    cache = BuildCache(project.root)
    before = build(project, cache=cache).pages
    group = first(project, "groups")
    name = re.search(r"^name: (.+)$", group.read_text(), re.MULTILINE)[1]  # type: ignore[index]
    naming = [path for path, text in before.items() if f"({_relative(path, 'groups/' + group.stem + '.md')})" in text]
    edit(group, f"name: {name}\n", "name: Renamed Outfit\n")

    site = build(project, cache=cache)

    pages = site.pages

    assert site == fresh(project)
    assert naming, "the synthetic group should be linked from somewhere"
    for path in naming:
        assert path in cache.pages.rendered


def _relative(start: str, target: str) -> str:
    import posixpath

    return posixpath.relpath(target, posixpath.dirname(start) or ".")


def test_a_source_edit_reaches_every_page_that_cites_it(project: Project) -> None:
    cache = BuildCache(project.root)
    before = build(project, cache=cache).pages
    source = first(project, "sources")
    citing = [path for path, text in before.items() if f"sources/{source.stem}.md)" in text and "[^" in text]
    edit(source, "publisher: ", "publisher: Renamed Press of ")

    site = build(project, cache=cache)

    pages = site.pages

    assert site == fresh(project)
    assert citing
    assert all("Renamed Press of" in pages[path] for path in citing if not path.endswith("index.md"))


def test_added_and_removed_files(project: Project) -> None:
    cache = BuildCache(project.root)
    build(project, cache=cache)
    template = first(project, "groups")
    new = template.with_name("brand-new-outfit.yaml")
    text = template.read_text(encoding="utf-8")
    text = re.sub(r"^id: .*$", "id: brand-new-outfit", text, count=1, flags=re.MULTILINE)
    text = re.sub(r"^name: .*$", "name: Brand New Outfit", text, count=1, flags=re.MULTILINE)
    text = re.sub(r"^aliases:\n((- |  ).*\n)+", "", text, count=1, flags=re.MULTILINE)
    new.write_text(text, encoding="utf-8")

    site = build(project, cache=cache)

    pages = site.pages
    assert site == fresh(project)
    assert "groups/brand-new-outfit.md" in pages
    assert "Brand New Outfit" in pages["groups/index.md"]

    new.unlink()
    site = build(project, cache=cache)
    pages = site.pages
    assert site == fresh(project)
    assert "groups/brand-new-outfit.md" not in pages


def test_problems_of_unchanged_files_are_reported_again(project: Project) -> None:
    cache = BuildCache(project.root)
    build(project, cache=cache)
    person = first(project, "people")
    original = person.read_text(encoding="utf-8")
    edit(person, "role: ", "rolle: ")

    for _ in range(2):  # the second time the broken file comes from the cache
        with pytest.raises(ProblemsFound) as found:
            build(project, cache=cache)
        assert sorted(p.message for p in found.value.problems if p.file.endswith(person.name)) == [
            "missing required key 'role'",
            "unknown key 'rolle'; did you mean 'role'?",
        ]

    person.write_text(original, encoding="utf-8")
    assert build(project, cache=cache) == fresh(project)


def test_a_template_override_renders_every_page_with_it(project: Project) -> None:
    cache = BuildCache(project.root)
    build(project, cache=cache)
    overrides = project.overrides
    overrides.mkdir(parents=True, exist_ok=True)
    packaged = (TEMPLATE_DIR / "source.md.j2").read_text(encoding="utf-8")
    (overrides / "source.md.j2").write_text(packaged + "\nOverridden source page.\n", encoding="utf-8")

    site = build(project, cache=cache)

    pages = site.pages

    assert site == fresh(project)
    assert all("Overridden source page." in text for path, text in pages.items() if path.startswith("sources/") and not path.endswith("index.md"))
    assert len(cache.pages.rendered) == len(pages)  # overrides may read anything: nothing is reused


def test_many_edits_in_a_row_match_a_fresh_build(project: Project) -> None:
    """Small edits of every kind, one after another, each checked against a build without cache."""
    cache = BuildCache(project.root)
    build(project, cache=cache)
    people = sorted((project.data_dir / "people").glob("*.yaml"))
    event = sorted((project.data_dir / "events").glob("*.yaml"))[0]
    edits = [
        (people[0], r"^  text: ", "  text: First edit "),
        (people[1], r"^name: ", "name: Renamed "),
        (event, r"^date: .*$", "date: 1999-01-01"),
        (people[0], r"^  text: First edit ", "  text: Second edit "),
        (first(project, "sources"), r"^title: ", "title: Retitled "),
        (project.briefs_dir / "brief-1.md", r"The \[\[", "Indeed the [["),
    ]
    for path, pattern, replacement in edits:
        text = path.read_text(encoding="utf-8")
        changed = re.sub(pattern, lambda _: replacement, text, count=1, flags=re.MULTILINE)
        assert changed != text, f"{pattern!r} not in {path.name}"
        path.write_text(changed, encoding="utf-8")
        assert build(project, cache=cache) == fresh(project), f"after editing {path.name}"


def test_a_cache_serves_one_project_only(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE_KB, tmp_path / "a")
    with pytest.raises(ValueError):
        build(Project(tmp_path / "a"), cache=BuildCache(tmp_path / "b"))


def _mutations(project: Project, rng: random.Random) -> list[tuple[str, str, str]]:
    """(folder, line pattern, replacement) edits that keep a synthetic file valid, most of the time."""
    groups = [p.stem for p in (project.data_dir / "groups").glob("*.yaml")]
    sources = [p.stem for p in (project.data_dir / "sources").glob("*.yaml")]
    events = [p.stem for p in (project.data_dir / "events").glob("*.yaml")]
    word = f"Zq{rng.randrange(10**6)}"
    return [
        ("people", r"^name: .*$", f"name: {word} Person"),
        ("groups", r"^name: .*$", f"name: {word} Front"),
        ("events", r"^name: .*$", f"name: {word} raid"),
        ("people", r"^  text: ", f"  text: {word} "),
        ("groups", r"^  - text: ", f"  - text: {word} "),
        ("people", r"^  since: \d+$", f"  since: {rng.randint(1900, 1989)}"),
        ("people", r"^(- type: member-of\n  target: )\S+$", rf"\g<1>{rng.choice(groups)}"),
        ("events", r"^date: .*$", f"date: {rng.randint(1950, 2030)}-0{rng.randint(1, 9)}"),
        ("sources", r"^publisher: .*$", f"publisher: {word} Press"),
        ("sources", r"^title: .*$", f"title: {word} title"),
        ("groups", r"^    - \S+, para \d+$", f"    - {rng.choice(sources)}, para {rng.randint(1, 9)}"),
        ("groups", r"^(- type: (?:carried-out|claimed)\n  target: )\S+$", rf"\g<1>{rng.choice(events)}"),
        ("people", r"^aliases:\n", f"aliases:\n- name: {word} Alias\n  cite: [{rng.choice(sources)}]\n"),
        ("events", r"^  - \S+, para \d+$", f"  - {rng.choice(sources)}, para 1"),
    ]


def test_random_edits_match_a_fresh_build(project: Project) -> None:
    rng = random.Random(8)
    cache = BuildCache(project.root)
    build(project, cache=cache)
    for step in range(20):
        folder, pattern, replacement = rng.choice(_mutations(project, rng))
        candidates = [p for p in sorted((project.data_dir / folder).glob("*.yaml")) if re.search(pattern, p.read_text(encoding="utf-8"), re.MULTILINE)]
        assert candidates, f"no file in {folder} has {pattern!r}"
        path = rng.choice(candidates)
        text = path.read_text(encoding="utf-8")
        matches = list(re.finditer(pattern, text, re.MULTILINE))
        match = rng.choice(matches)
        path.write_text(text[: match.start()] + match.expand(replacement) + text[match.end() :], encoding="utf-8")
        try:
            expected = fresh(project)
        except ProblemsFound as problems:
            with pytest.raises(ProblemsFound) as found:
                build(project, cache=cache)
            assert found.value.problems == problems.problems
            path.write_text(text, encoding="utf-8")  # undo an edit that broke the data
            continue
        got = build(project, cache=cache)
        assert got == expected, f"step {step}: {pattern!r} in {path.name}: {first_difference(got, expected)}"


def first_difference(got: Rendered, expected: Rendered) -> str:
    """The first page a cached build got wrong, as a unified diff, so that a failure says where."""
    import difflib

    for path in sorted(set(got.pages) | set(expected.pages)):
        if got.pages.get(path) != expected.pages.get(path):
            lines = difflib.unified_diff(expected.pages.get(path, "").splitlines(), got.pages.get(path, "").splitlines(), "fresh", "cached", lineterm="", n=0)
            return f"{path}:\n" + "\n".join(list(lines)[:12])
    return "the pages agree; another part of the build differs"


def test_a_one_line_edit_signs_only_the_pages_it_can_reach(project: Project) -> None:
    cache = BuildCache(project.root)
    site = build(project, cache=cache)
    edit(first(project, "people"), "  text: ", "  text: Reaching edit ")
    assert build(project, cache=cache) == fresh(project)
    assert 0 < len(cache.pages.signed) < len(site.pages) / 4


def test_the_pages_of_the_whole_are_rendered_again_when_what_they_show_changes(project: Project) -> None:
    """Indexes, timeline, network: each again only after a change of a kind it shows (cache.WHOLE_PAGES)."""
    from generator.cache import WHOLE_PAGES

    cache = BuildCache(project.root)
    build(project, cache=cache)

    def rebuilt_after(path: Path, old: str, new: str) -> set[str]:
        edit(path, old, new)
        assert build(project, cache=cache) == fresh(project), f"after {new!r} in {path.name}"
        return {page for page in cache.pages.rendered if page in WHOLE_PAGES}

    person = first(project, "people", r"^  since: \d{4}$")
    assert rebuilt_after(person, "  text: ", "  text: Only the narrative ") == set()
    # The map too: a profile's relationships say which groups an event is filtered by.
    indexes = {"groups/index.md", "people/index.md", "events/index.md", "network.md", "timeline.md", "map.md"}
    year = re.search(r"^  since: (\d{4})$", person.read_text(encoding="utf-8"), re.MULTILINE)[1]  # type: ignore[index]
    assert rebuilt_after(person, f"  since: {year}\n", "  since: 1766\n") == indexes
    assert rebuilt_after(first(project, "events"), "  text: ", "  text: Told anew ") == {"timeline.md"}
    assert rebuilt_after(project.briefs_dir / "brief-1.md", "The [[", "Indeed the [[") == {"briefs/index.md"}
    # What changed names a change's sources by their publisher.
    assert rebuilt_after(first(project, "sources"), "publisher: ", "publisher: Other ") == {"network.md", "timeline.md", "sources/index.md", "changes.md"}
    # A citation more changes how often the source is cited, which its index shows.
    source = sorted((project.data_dir / "sources").glob("*.yaml"))[0].stem
    assert "sources/index.md" in rebuilt_after(person, "  cite:\n", f"  cite:\n  - {source}, para 99\n")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_change_names_a_source_as_it_is_named_now(tmp_path: Path) -> None:
    """A profile's Changes section can name a source the profile no longer cites ("cited the alias
    Abu Test to Test Desk instead of Beta Wire"): a new publisher of that source reaches the page."""
    import subprocess

    from conftest import copy_project

    root = copy_project(tmp_path, FIXTURE_KB)
    env = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run([*env, "init", "-q"], cwd=root, check=True)
    subprocess.run([*env, "add", "-A"], cwd=root, check=True)
    subprocess.run([*env, "commit", "-qm", "Fixture"], cwd=root, check=True)
    edit(root / "data/people/jo-leader.yaml", "{name: Abu Test, cite: [beta-news]}", '{name: Abu Test, cite: ["alpha-report, para 4"]}')
    subprocess.run([*env, "commit", "-qam", "Re-cite"], cwd=root, check=True)
    project = Project(root)
    cache = BuildCache(project.root)
    assert "instead of Beta Wire" in build(project, cache=cache).pages["people/jo-leader.md"]
    edit(root / "data/sources/beta-news.yaml", "publisher: Beta Wire", "publisher: Gamma Wire")
    got = build(project, cache=cache)
    assert got == fresh(project), first_difference(got, fresh(project))
    assert "instead of Gamma Wire" in got.pages["people/jo-leader.md"]
