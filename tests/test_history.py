"""What changed, from git (generator/stages/history.py): each profile's last change and its changes
in a reader's words, the "What changed" page and its Atom feed, and builds without a history.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, Site, mkdocs_build
from htmlq import find, section_after

from generator.stages.history import SHALLOW, History, changed_fields, read_history

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str, date: str | None = None) -> str:
    env = {**os.environ, **({"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else {})}
    done = subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def test_changed_fields_name_what_changed_in_a_readers_words() -> None:
    before = """id: red-front
name: Red Front
aliases: [RF]
type: militant group
summary: {text: A group., cite: [alpha-report]}
figures:
  - {id: strength, label: Strength, unit: fighters, values: [{value: 1000, as_of: 2023, cite: [alpha-report]}]}
relationships:
  - {type: rival-of, target: blue-league, cite: [beta-news]}
"""
    after = (
        before.replace("aliases: [RF]", "aliases: [RF, Front Rouge]").replace(
            "as_of: 2023, cite: [alpha-report]}]}",
            "as_of: 2023, cite: [alpha-report]}, {value: 6000, as_of: 2021, cite: [beta-news]}]}",
        )
        + "  - {type: led-by, target: jo-leader, cite: [alpha-report]}\nfounded: 2015\n"
    )
    assert changed_fields(before, after) == ["alias added", "figure value added (Strength)", "leader added", "founded added"]
    assert changed_fields(None, after) == ["profile added"]
    assert changed_fields(after, None) == ["profile removed"]
    assert changed_fields(before, before.replace("A group.", "A fictional group.")) == ["summary changed"]
    assert changed_fields(before, "name: [unclosed") == ["file changed"]
    assert changed_fields("a: &x 1\nb: *x\n", before) == ["file changed"]  # anchors: refused, as in data/


@needs_git
def test_history_reads_each_commits_fields_in_one_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "data/groups").mkdir(parents=True)
    git(tmp_path, "init", "-q")
    profile = tmp_path / "data/groups/a.yaml"
    profile.write_text("id: a\nname: A\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "Add A", date="2020-01-01T10:00:00+00:00")
    profile.write_text("id: a\nname: A\naliases: [Alpha]\nfounded: 2015\n")
    (tmp_path / "data/groups/b.yaml").write_text("id: b\nname: B\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "A: alias and founding; add B", date="2021-02-03T10:00:00+01:00")
    calls = []
    real_run = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a) or real_run(*a, **k))
    history = read_history(tmp_path)
    assert len(calls) == 1, "one git call per build, whatever the number of files"
    assert history.known and history.last_changed("data/groups/a.yaml") == dt.date(2021, 2, 3)
    assert [(c.subject, c.fields) for c in history.changes_of("data/groups/a.yaml")] == [
        ("A: alias and founding; add B", ("alias added", "founded added")),
        ("Add A", ("profile added",)),
    ]
    (latest, first) = history.commits()
    assert [f.file for f in latest.files] == ["data/groups/a.yaml", "data/groups/b.yaml"]
    assert latest.time == "2021-02-03T10:00:00+01:00" and first.subject == "Add A"


@needs_git
def test_a_shallow_clone_shows_no_dates_rather_than_wrong_ones(reader_site: Site, tmp_path: Path) -> None:
    from reader_kb import make_reader_project

    (tmp_path / "origin").mkdir()
    origin = make_reader_project(tmp_path / "origin")
    git(origin, "commit", "-q", "--allow-empty", "-m", "Not data", date="2023-03-03T12:00:00+00:00")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    history = read_history(clone)
    assert history.state == SHALLOW and history.last_changed("data/groups/red-front.yaml") is None
    result = mkdocs_build(clone, tmp_path / "site")
    assert result.code == 0, result.err
    shallow = Site(tmp_path / "site")
    assert "Last updated" not in shallow.page("groups/red-front")
    assert not find(shallow.page("groups/red-front"), "h2", id="changes")
    assert "shallow checkout" in " ".join(shallow.page("changes").split())
    # The same project with its whole history dates the profile and lists its changes.
    full = reader_site.page("groups/red-front")
    assert "2 January 2022" in full
    changes = section_after(full, "changes")
    assert "Red Front: renamed from old-front" in changes and "former id added" in changes


def test_a_build_without_git_says_so(fixture_site: Site) -> None:
    page = " ".join(fixture_site.page("changes").split())
    assert "built without the repository's history" in page
    assert not find(fixture_site.page("groups/red-front"), "h2", id="changes")


@needs_git
def test_the_atom_feed_lists_the_latest_changes(reader_site: Site) -> None:
    import feedparser

    feed = feedparser.parse((reader_site.root / "changes.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert [e.title for e in feed.entries] == ["Red Front: renamed from old-front", "Fixture knowledge base"]
    assert feed.entries[0].updated == "2022-01-02T12:00:00+00:00"
    assert "former id added" in feed.entries[0].summary
    assert feed.entries[0].link.endswith("groups/red-front/")
    page = reader_site.page("changes")
    assert find(page, "a", href="../changes.xml")
    assert [h.attrs["id"] for h in find(page, "h2")] == ["changes-2022-01-02", "changes-2021-05-06"]
    assert find(page, "p", class_="kb-change")[0].attrs["id"].startswith("change-")
    assert find(reader_site.page("groups/red-front"), "link", type="application/atom+xml")


def test_a_profile_lists_its_changes_by_their_headlines() -> None:
    from generator.stages.history import HEADLINE, headline

    assert headline("Audit fixes, each with its siblings: June 2015 cited to para 2; more") == "Audit fixes, each with its siblings"
    assert headline("Data: cite the box") == "Data: cite the box"  # no clause long enough to stand alone
    long = "word " * 40
    assert len(headline(long)) <= HEADLINE + 2 and headline(long).endswith(" …")


def test_a_long_list_of_changed_fields_is_counted_in_words() -> None:
    before = "id: a\nname: A\ntype: t\nsummary: {text: S., cite: [x]}\n"
    five = before.replace("type: t", "type: u").replace("S.", "T.").replace("id: a", "id: a\naliases: [B]\nfounded: 2015\ndissolved: 2020")
    assert changed_fields(before, five) == ["alias added", "founded added", "dissolved added", "type changed", "1 more change"]
    six = five.replace("type: u", "type: u\nareas: [Q]")
    assert changed_fields(before, six)[-1] == "2 more changes"


def parse_children(element) -> list:
    out = []
    for child in element.children:
        out.append(child)
        out.extend(parse_children(child))
    return out


def summary_rows(html: str) -> dict[str, str]:
    box = find(html, "div", class_="kb-summary")[0]
    return {tr.children[0].text.strip(): tr.children[1].text.strip() for tr in find_all(box, "tr")}


def find_all(element, tag: str) -> list:
    return [el for el in parse_children(element) if el.tag == tag]


@needs_git
def test_summary_box_shows_when_each_profile_last_changed(reader_site: Site) -> None:
    assert summary_rows(reader_site.page("groups/red-front"))["Last updated"] == "2 January 2022"
    assert summary_rows(reader_site.page("groups/blue-league"))["Last updated"] == "6 May 2021"


def test_summary_box_without_git_history_has_no_date(fixture_site: Site) -> None:
    rows = summary_rows(fixture_site.page("groups/red-front"))
    assert "Last updated" not in rows
    assert rows["Type"] == "Militant group" and rows["Founded"] == "January 2015"
    assert rows["Current leader"] == "Jo Leader (since 2020, as of March 2024)1" and rows["Areas"] == "Afghanistan"
    assert rows["Also known as"] == "RF3 · Front Rouge3"
    assert rows["Sources"] == "March 2024"  # how current the profile is, beside no "Last updated"


def commit(repo: Path, path: str, text: str, message: str, date: str) -> None:
    file = repo / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text)
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "PATH": __import__("os").environ["PATH"]}
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "add", path], cwd=repo, env=env, check=True)
    subprocess.run([*git, "commit", "-q", "-m", message], cwd=repo, env=env, check=True)


@needs_git
def test_history_gives_last_change_per_file_and_recent_changes(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    commit(tmp_path, "data/groups/a.yaml", "1", "Add A", "2020-01-01T10:00:00+00:00")
    commit(tmp_path, "data/groups/b.yaml", "1", "Add B", "2020-02-01T10:00:00+00:00")
    commit(tmp_path, "data/groups/a.yaml", "2", "Fix A's date", "2020-03-01T10:00:00+00:00")
    commit(tmp_path, "README.md", "x", "Not data", "2020-04-01T10:00:00+00:00")
    history = read_history(tmp_path)
    assert history.last_changed("data/groups/a.yaml") == dt.date(2020, 3, 1)
    assert history.last_changed("data/groups/b.yaml") == dt.date(2020, 2, 1)
    assert history.last_changed("data/groups/never.yaml") is None
    assert [(c.date.isoformat(), c.file, c.subject) for c in history.recent(2)] == [
        ("2020-03-01", "data/groups/a.yaml", "Fix A's date"),
        ("2020-02-01", "data/groups/b.yaml", "Add B"),
    ]
    assert len(history.recent()) == 3  # README.md is outside data/


def test_history_outside_a_checkout_is_empty(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    assert read_history(tmp_path) == History()
    assert read_history(tmp_path).last_changed("data/x.yaml") is None


def test_history_without_git_installed_is_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    assert read_history(ROOT).recent() == []
