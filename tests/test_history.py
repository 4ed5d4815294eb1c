"""What changed, from git (generator/stages/history.py): each profile's last change and its changes
in a reader's words (generator/render/changes.py), the "What changed" page and its Atom feed, and
builds without a history.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, Site, mkdocs_build
from htmlq import article, below, find, section_after
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.render.changes import Names, describe
from generator.stages.history import SHALLOW, History, changed, read_history

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


# How the fixture knowledge base names its sources (by publisher) and profiles.
NAMES = Names({"alpha-report": "Test Desk", "beta-news": "Beta Wire"}, {"blue-league": "Blue League", "jo-leader": "Jo Leader"})


def words(before: str | None, after: str | None, kind: str = "profile") -> str:
    return describe(changed(before, after), kind, NAMES)


BEFORE = """id: red-front
name: Red Front
aliases: [{name: RF, cite: [beta-news]}]
type: militant-group
summary: {text: A group., cite: ["alpha-report, para 1"]}
figures:
  - {id: strength, label: Strength, unit: fighters, values: [{value: 1000, as_of: 2023, cite: [alpha-report]}]}
relationships:
  - {type: rival-of, target: blue-league, cite: [beta-news]}
"""


def test_a_change_is_told_in_a_readers_words_with_whose_source_it_is() -> None:
    after = (
        BEFORE.replace("[{name: RF, cite: [beta-news]}]", "[{name: RF, cite: [beta-news]}, {name: Front Rouge, cite: [beta-news]}]").replace(
            "as_of: 2023, cite: [alpha-report]}]}",
            "as_of: 2023, cite: [alpha-report]}, {value: 6000, qualifier: about, as_of: 2021-08, cite: [beta-news]}]}",
        )
        + "  - {type: led-by, target: jo-leader, cite: [alpha-report]}\nfounded: 2015\n"
    )
    assert words(BEFORE, after) == (
        "Added the alias Front Rouge, cited to Beta Wire; added the value about 6,000 to the strength figure, given by Beta Wire"
        " (August 2021); added the relationship “led by Jo Leader”, cited to Test Desk; added the founding date."
    )
    assert words(None, after) == "Added the profile."
    assert words(after, None) == "Removed the profile."
    assert words(None, "id: beta-news\ntitle: T\n", "source") == "Added the source."
    assert words(BEFORE, BEFORE.replace("A group.", "A fictional group.")) == "Revised the summary."
    assert words(BEFORE, BEFORE.replace('"alpha-report, para 1"]}', '"alpha-report, para 1", beta-news]}')) == "Added a citation to Beta Wire for the summary."
    assert words(BEFORE, BEFORE.replace('"alpha-report, para 1"]}', '"alpha-report, para 2"]}')) == "Changed the passages cited for the summary."
    assert words(BEFORE, BEFORE.replace("value: 1000,", "value: 1200,")) == "Changed the value given by Test Desk in the strength figure from 1,000 to 1,200."
    assert words(BEFORE, BEFORE.replace("  - {type: rival-of, target: blue-league, cite: [beta-news]}\n", "")) == (
        "Removed the relationship “rival of Blue League”."
    )
    assert words(BEFORE, "# a comment\n" + BEFORE) == "Reformatted it, with no change a reader sees."
    assert words(BEFORE, "name: [unclosed") == "Changed it in a version this site could not read."
    assert words("a: &x 1\nb: *x\n", BEFORE) == "Changed it in a version this site could not read."  # anchors: refused, as in data/


SECTIONED = (
    BEFORE
    + """sections:
  - title: Origins
    claims:
      - {text: Founded in a test., cite: ["alpha-report, para 2"]}
"""
)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (BEFORE, SECTIONED, "Added the section “Origins”, cited to Test Desk."),
        (SECTIONED, SECTIONED.replace("title: Origins", "title: Beginnings"), "Renamed the section “Origins” to “Beginnings”."),
        (SECTIONED, SECTIONED.replace("Founded in a test.", "Founded in a fictional test."), "Revised a statement in “Origins”."),
        (
            SECTIONED,
            SECTIONED.replace('cite: ["alpha-report, para 2"]}', 'cite: ["alpha-report, para 2"], status: claimed, by: the Front}'),
            "Revised the attribution of a statement in “Origins”.",
        ),
        (SECTIONED, SECTIONED + "      - {text: Another., cite: [beta-news]}\n", "Added a statement to “Origins”, cited to Beta Wire."),
        (BEFORE, BEFORE.replace("cite: [beta-news]}\n", "cite: [beta-news], ended: true}\n"), "Marked the relationship “rival of Blue League” as ended."),
        (BEFORE, BEFORE.replace("cite: [beta-news]}\n", "cite: [beta-news], since: 2019}\n"), "Revised the dates of the relationship “rival of Blue League”."),
        (
            BEFORE,
            BEFORE.replace("values: [{value: 1000, as_of: 2023, cite: [alpha-report]}]", "values: []"),
            ("Removed the value 1,000 given by Test Desk from the strength figure."),
        ),
        (BEFORE, BEFORE + "former_ids: [old-front]\n", "Added the former address old-front, which now leads here."),
        (BEFORE, BEFORE + "areas: [Afghanistan, Central Asia]\n", "Added the areas Afghanistan and Central Asia."),
        (BEFORE, BEFORE.replace("aliases: [{name: RF, cite: [beta-news]}]", "aliases: []"), "Removed the alias RF."),
        (BEFORE, BEFORE.replace("name: Red Front", "name: Red Front Movement"), "Changed the name to Red Front Movement."),
    ],
)
def test_each_part_of_a_profile_is_named_in_words(before: str, after: str, expected: str) -> None:
    assert words(before, after) == expected


def test_the_facts_of_the_summary_box_are_named_not_their_field() -> None:
    before = BEFORE + "founded: 2015\nstatus: active\n"
    cited = before + 'facts_cite:\n  founded: ["alpha-report, para 2"]\n  status: [beta-news]\n'
    assert words(before, cited) == "Added citations to Test Desk and Beta Wire for the founding date and the status in the summary box."
    recited = cited.replace("status: [beta-news]", 'status: ["alpha-report, para 5"]')
    assert words(cited, recited) == "Cited the status in the summary box to Test Desk instead of Beta Wire."
    assert words(cited, before) == "Removed the citations for the founding date and the status in the summary box."
    sourced = (
        "id: beta-news\ntitle: Beta\npublisher: Beta Wire\nsummary: S.\n",
        "id: beta-news\ntitle: Beta News\npublisher: Beta Wire\nsummary: S.\nfurniture: [3]\narchive: 002_beta.txt\n",
    )
    assert words(*sourced, kind="source") == "Revised the title; added which paragraphs are set aside as page furniture; added the archived copy of its text."


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
    assert len(calls) == 3, "a log and two reads of blobs per build, whatever the number of files"
    assert history.known and history.last_changed("data/groups/a.yaml") == dt.date(2021, 2, 3)
    assert [(c.subject, describe(c.edits, "profile", NAMES)) for c in history.changes_of("data/groups/a.yaml")] == [
        ("A: alias and founding; add B", "Added the alias Alpha; added the founding date."),
        ("Add A", "Added the profile."),
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
    changes = " ".join(section_after(full, "changes").split())
    assert "Added the former address old-front, which now leads here." in changes
    assert "renamed from old-front" not in changes, "the commit's subject is not the text of a change"


@needs_git
def test_the_sitemap_dates_a_hand_written_page_by_its_own_last_commit(tmp_path: Path) -> None:
    """Issue 26: a page written by hand in docs_dir takes the date of its own last commit in the
    sitemap, as a profile takes its data file's; a page never committed has no lastmod; neither
    is ever the date of the build."""
    from reader_kb import FIRST_COMMIT, make_reader_project

    project = make_reader_project(tmp_path)
    methodology = project / "site_src/methodology.md"
    methodology.write_text(methodology.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    git(project, "commit", "-qam", "Methodology: one more line", date="2023-03-04T23:30:00-05:00")
    (project / "site_src/draft.md").write_text("# Draft\n\nNot committed yet.\n", encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.code == 0, result.err
    sitemap = (tmp_path / "site/sitemap-pages.xml").read_text(encoding="utf-8")
    entries = re.findall(r"<loc>([^<]+)</loc>\s*(?:<lastmod>([^<]+)</lastmod>)?", sitemap)
    dates = {urlsplit(loc).path: lastmod for loc, lastmod in entries}
    first = FIRST_COMMIT[:10]
    # The committer's own day (its offset), as git and the profiles' dates give it.
    assert dates["/methodology/"] == "2023-03-04" and dates["/about/"] == first and dates["/"] == first
    assert dates["/groups/bl/"] == first  # a hand-written page in a folder
    assert dates["/draft/"] == ""
    assert dates["/groups/red-front/"] == "2022-01-02"  # a profile: its data file's last change, as before
    assert dt.date.today().isoformat() not in dates.values()


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
    titles = [e.title for e in feed.entries]
    assert titles[0] == "Red Front: Added the former address old-front, which now leads here."
    assert len(titles) == 2 and titles[1].startswith("Changes to ") and titles[1].endswith(" more")
    assert feed.entries[0].updated == "2022-01-02T12:00:00+00:00"
    assert "Added the former address old-front" in feed.entries[0].content[0].value
    assert feed.entries[0].link.endswith("groups/red-front/")
    page = reader_site.page("changes")
    assert find(page, "a", href="../changes.xml")
    assert [h.attrs["id"] for h in find(page, "h2")] == ["changes-2022-01-02", "changes-2021-05-06"]
    assert find(page, "div", class_="kb-change")[0].attrs["id"].startswith("change-")
    assert find(reader_site.page("groups/red-front"), "link", type="application/atom+xml")


def test_a_long_list_of_changes_is_counted_in_words() -> None:
    before = "id: a\nname: A\ntype: t\nsummary: {text: S., cite: [x]}\n"
    five = before.replace("type: t", "type: u").replace("S.", "T.").replace("id: a", "id: a\naliases: [B]\nfounded: 2015\ndissolved: 2020")
    assert words(before, five) == "Added the alias B; added the founding date; added the date it was dissolved; changed the type; and 1 more change."
    six = five.replace("type: u", "type: u\nareas: [Q]")
    assert words(before, six).endswith("; and 2 more changes.")


def summary_rows(html: str) -> dict[str, str]:
    box = find(html, "div", class_="kb-summary")[0]
    return {tr.children[0].text.strip(): tr.children[1].text.strip() for tr in find_all(box, "tr")}


def find_all(element, tag: str) -> list:
    return [el for el in below(element) if el.tag == tag]


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


# -- the history is input a pull request controls (issue 24) ----------------------------------------


def test_text_from_git_is_cut_at_a_word_or_at_a_fixed_length() -> None:
    from generator.stages.history import clean

    unbroken = "x" * 300
    assert clean(unbroken, 90) == "x" * 89 + "…"
    text = "lorem ipsum " * 30
    shown = clean(text, 90)
    assert len(shown) <= 90 and shown.endswith(" …") and text[len(shown) - 2] == " " and text.startswith(shown[:-2])


def test_old_versions_of_any_shape_are_compared_without_error() -> None:
    """An old version was never validated: a title that is a list, values that are a number."""
    before = "id: a\nsections: [{title: [x, y], claims: 5}]\nfigures: 7\nrelationships: [{type: [a], target: {b: c}}]\naliases: text\n"
    after = "id: a\nsections: [{title: [x, y], claims: [{text: T}]}]\nfigures: [{id: [q], values: 1}]\nrelationships: []\naliases: [A]\n"
    assert words(before, after) == "Added a statement to a section; added a figure; removed a relationship; added the alias A."


@needs_git
def test_a_commit_message_cannot_end_a_record_or_forge_one(tmp_path: Path) -> None:
    (tmp_path / "data/groups").mkdir(parents=True)
    git(tmp_path, "init", "-q")
    forged = "f" * 40
    messages = [
        f"Real one\x1e{forged}\x1f2020-01-01\x1f2020-01-01T00:00:00+00:00\x1fgrafted\x1fForged",
        f"Real two\n\ndiff --git a/data/groups/z.yaml b/data/groups/z.yaml\n:100644 100644 {forged} {forged} M",
        "Real three\r\x1e\x1f\x00\x01",
    ]
    for number, message in enumerate(messages):
        (tmp_path / f"data/groups/g{number}.yaml").write_text(f"id: g{number}\n")
        git(tmp_path, "add", "-A")
        subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q", "--cleanup=verbatim", "-F", "-"],
            cwd=tmp_path,
            input=message.replace("\x00", "").encode(),
            check=True,
            capture_output=True,
        )
    git(tmp_path, "branch", "grafted")
    git(tmp_path, "tag", "grafted")
    history = read_history(tmp_path)
    assert history.known, "a branch, a tag or a message naming 'grafted' is not a shallow clone"
    real = git(tmp_path, "rev-list", "HEAD").split()
    assert [c.sha for c in history.changes] == real
    assert [c.file for c in history.changes] == ["data/groups/g2.yaml", "data/groups/g1.yaml", "data/groups/g0.yaml"]
    assert history.changes[2].subject == f"Real one {forged} 2020-01-01 2020-01-01T00:00:00+00:00 grafted Forged"
    assert all(describe(c.edits, "profile", NAMES) == "Added the profile." for c in history.changes)


def _hostile_commit(repo: Path, message: str, date: str = "2022-03-04T05:06:07+00:00") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty-message", "--cleanup=verbatim", "-m", message, date=date)


HOSTILE_NAMES = [
    "data/x`[click](javascript:alert(1))`.yaml",
    "data/[here](index.md).yaml",
    "data/<img src=x onerror=alert(1)>.yaml",
    "data/a\x01b\x1bc\u202ed.yaml",
    "data/line\nbreak.yaml",
]
HOSTILE_NAME = "[there](javascript:alert(1)) <b>bold</b>"  # the name an old version of a file gave


@pytest.fixture(scope="module")
def hostile_history(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The fixture knowledge base committed with what a pull request can put in a history: file names
    like links and HTML, with controls and line breaks, added and removed again; a message full of
    control characters; an old version of a profile of the wrong shape; a date past the year 9999."""
    from conftest import FIXTURE_KB, copy_project

    project = copy_project(tmp_path_factory.mktemp("hostile"), FIXTURE_KB)
    git(project, "init", "-q")
    _hostile_commit(project, "Fixture knowledge base", "2021-05-06T12:00:00+00:00")
    for name in HOSTILE_NAMES:
        (project / name).write_text("id: x\nsections: [{title: [<b>bold</b>]}]\n")
    (project / "data/named.yaml").write_text(f"id: named\nname: {HOSTILE_NAME!r}\n")
    _hostile_commit(project, "Add <script>alert(1)</script> & \x01\x02\x0b\x1b[31mred\x7f\u2028\u202e files")
    for name in [*HOSTILE_NAMES, "data/named.yaml"]:
        (project / name).unlink()
    red = project / "data/groups/red-front.yaml"
    good = red.read_text()
    red.write_text(good.replace("sections:", "sections: 5\nold_sections:", 1))
    _hostile_commit(project, "x" * 500)
    red.write_text(good)
    _hostile_commit(project, "Far future", "@299999999999 +0000")
    result = mkdocs_build(project, project / "site")
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return Site(project / "site")


@needs_git
def test_file_names_from_the_history_are_text_on_the_changes_page(hostile_history: Site) -> None:
    page = hostile_history.page("changes")
    body = page[page.index('id="what-changed"') : page.index("</article>")]
    assert not [a for a in find(body, "a") if a.text in ("click", "here", "there")]
    assert not find(body, "img") and not find(body, "script") and not find(body, "b")
    text = " ".join(body.split())
    gone = "(no longer in the knowledge base): Removed the profile."
    assert f"x`[click](javascript:alert(1))` {gone}" in text
    assert f"[here](index.md) {gone}" in text
    assert f"<img src=x onerror=alert(1)> {gone}" in html.unescape(text)
    assert f"{HOSTILE_NAME} {gone}" in html.unescape(text), "a file no longer there is named as its last version named it"
    assert f"abcd {gone}" in text and f"line break {gone}" in text
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2028]", page)


@needs_git
def test_the_feed_stays_well_formed_whatever_the_history_holds(hostile_history: Site) -> None:
    root = ET.fromstring((hostile_history.root / "changes.xml").read_bytes())
    atom = "{http://www.w3.org/2005/Atom}"
    entries = list(root.iter(f"{atom}entry"))
    assert len(entries) == 3, "an entry needs a date: the commit git cannot give one for is left out"
    titles = " ".join(entry.findtext(f"{atom}title") or "" for entry in entries)
    assert "x" * 20 not in titles and "script" not in titles, "a commit's message is not the title of an entry"
    content = " ".join(entry.findtext(f"{atom}content") or "" for entry in entries)  # HTML, as text
    assert not find(content, "img") and not find(content, "script") and not find(content, "b")
    assert not [a for a in find(content, "a") if a.text in ("click", "here", "there")]
    assert "abcd (no longer in the knowledge base): Removed the profile." in content
    assert "Red Front</a>: Removed the section “Origins”; added other details." in content


@needs_git
def test_a_date_no_calendar_holds_is_shown_as_unknown(hostile_history: Site) -> None:
    page = hostile_history.page("changes")
    assert [h.attrs["id"] for h in find(page, "h2")][-1] == "changes-date-unknown"
    assert "Added the section “Origins”, cited to Test Desk and Beta Wire" in section_after(page, "changes-date-unknown")
    red = hostile_history.page("groups/red-front")
    assert "Last updated" not in red, "its newest change has no date that can be shown"
    assert "date unknown" in section_after(red, "changes")


@needs_git
def test_an_old_version_of_the_wrong_shape_is_named_not_a_crash(hostile_history: Site) -> None:
    page = " ".join(hostile_history.page("changes").split())
    assert "Removed the section “Origins”; added other details." in page


@needs_git
def test_what_is_read_per_build_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hundred small commits to a large profile: the old versions read stay CHANGES_PER_FILE + 1,
    and the log itself holds the changed paths, not the files."""
    from generator.stages import history as history_module

    (tmp_path / "data/groups").mkdir(parents=True)
    git(tmp_path, "init", "-q")
    profile = tmp_path / "data/groups/big.yaml"
    padding = "".join(f"  - text: claim {n} " + "word " * 40 + "\n" for n in range(400))
    for number in range(100):
        profile.write_text(f"id: big\nname: Big {number}\nnotes:\n{padding}")
        git(tmp_path, "add", "-A")
        git(tmp_path, "commit", "-qm", f"Edit {number}", date=f"2020-01-01T00:{number // 60:02d}:{number % 60:02d}+00:00")
    parsed: list[str] = []
    real_parse = history_module.parse_yaml
    monkeypatch.setattr(history_module, "parse_yaml", lambda text, *a: parsed.append(text) or real_parse(text, *a))
    outputs: list[bytes] = []
    real_git = history_module._git
    monkeypatch.setattr(history_module, "_git", lambda *a: outputs.append(out := real_git(*a)) or out)
    history = read_history(tmp_path)
    assert history.count_of("data/groups/big.yaml") == 100
    newest = range(99, 99 - history_module.CHANGES_PER_FILE, -1)
    assert [describe(c.edits, "profile", NAMES) for c in history.changes_of("data/groups/big.yaml")] == [f"Changed the name to Big {n}." for n in newest]
    older = history.changes[history_module.CHANGES_PER_FILE]
    assert older.edits == () and describe(older.edits, "profile", NAMES) == "Changed (older changes are not described)."
    assert len(parsed) <= history_module.CHANGES_PER_FILE + 1
    size = profile.stat().st_size
    assert len(outputs[0]) < size, "the log lists paths and blob ids, not contents"
    assert sum(map(len, outputs)) < (history_module.CHANGES_PER_FILE + 3) * size


_KEYS = ["title", "id", "type", "target", "label", "values", "claims", "text"]
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_KEYS), inner, max_size=3),
    max_leaves=12,
)
_PROFILES = st.dictionaries(st.sampled_from(["name", "aliases", "sections", "figures", "relationships", "summary", "areas", "founded"]), _VALUES, max_size=5)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_PROFILES, _PROFILES)
def test_any_two_versions_are_described_in_clean_lines(old: dict, new: dict) -> None:
    from generator.stages.history import _describe

    line = describe(_describe(old, new), "profile", NAMES)
    assert line == " ".join(line.split()) and line.isprintable() and len(line) < 2000


def test_a_log_of_another_shape_is_not_trusted() -> None:
    from generator.stages.history import UNREADABLE, parse_log

    sha = "a" * 40
    header = "\x00".join([sha, "marker", "2020-01-02T03:04:05+00:00", "", "Subject"])
    good = header + "\x00\n:000000 100644 " + "0" * 40 + " " + "b" * 40 + " A\x00data/groups/a.yaml\x00"
    entries, state = parse_log(good.encode(), "marker")
    assert state is None and [(e.sha, e.file, e.subject) for e in entries] == [(sha, "data/groups/a.yaml", "Subject")]
    forged = good + good.replace("marker", "guess")  # a record a NUL in a message could have started
    broken_ones = [good.replace(sha, "not a hash"), good.replace("2020-01-02T03:04:05+00:00", "yesterday"), good + "stray\0"]
    for broken in [*broken_ones, good.replace("\0\0Subject", "\0HEAD\0Subject"), forged]:
        assert parse_log(broken.encode(), "marker") == ([], UNREADABLE), broken


# -- what a reader reads: the change, not the commit (issue 26) --------------------------------------

FIGURE_SUBJECT = "Audit fixes, each with its siblings: facts_cite for founded; strength value (beta-news) in data/groups/red-front.yaml"
FIGURE_CHANGE = (
    "Added the alias Rote Front, cited to Test Desk; added a citation to Test Desk for the founding date in the summary box;"
    " added the value 2,000 to the strength figure, given by Beta Wire (March 2024)."
)


@pytest.fixture(scope="module")
def figure_history(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The fixture knowledge base, then a commit with a subject in contributors' shorthand that adds
    a cited value to the Red Front's strength figure, an alias and the citation of a fact."""
    from conftest import FIXTURE_KB, copy_project

    project = copy_project(tmp_path_factory.mktemp("figure"), FIXTURE_KB)
    git(project, "init", "-q")
    _hostile_commit(project, "Fixture knowledge base", "2021-05-06T12:00:00+00:00")
    red = project / "data/groups/red-front.yaml"
    text = red.read_text()
    edited = (
        text.replace("{name: Front Rouge, cite: [beta-news]}]", '{name: Front Rouge, cite: [beta-news]}, {name: Rote Front, cite: ["alpha-report, para 1"]}]')
        .replace("areas: [Afghanistan]\n", 'areas: [Afghanistan]\nfacts_cite:\n  founded: ["alpha-report, para 2"]\n')
        .replace('cite: ["beta-news"]\nrelationships:', 'cite: ["beta-news"]\n      - {value: 2000, as_of: 2024-03, cite: ["beta-news"]}\nrelationships:')
    )
    assert edited.count("Rote Front") == 1 and edited.count("facts_cite") == 1 and edited.count("value: 2000") == 1
    red.write_text(edited)
    _hostile_commit(project, FIGURE_SUBJECT, "2024-04-01T09:00:00+00:00")
    result = mkdocs_build(project, project / "site")
    assert result.code == 0, result.err
    return Site(project / "site")


def _feed(site: Site) -> list[tuple[str, str]]:
    """Each entry's title, and its content as text (the content is HTML)."""
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring((site.root / "changes.xml").read_bytes())
    entries = []
    for entry in root.iter(f"{atom}entry"):
        content = entry.find(f"{atom}content")
        assert content is not None and content.get("type") == "html"
        markup = "<div>" + (content.text or "") + "</div>"
        entries.append((entry.findtext(f"{atom}title") or "", " ".join(find(markup, "div")[0].text.split())))
    return entries


def _changes_text(site: Site) -> str:
    return " ".join(article(site.page("changes")).text.split())


def _profile_changes_text(site: Site, path: str) -> str:
    return " ".join(find(site.page(path), "section", class_="kb-changes")[0].text.split())


@needs_git
def test_a_changed_figure_is_told_with_its_source_on_the_page_the_profile_and_the_feed(figure_history: Site) -> None:
    assert f"Red Front: {FIGURE_CHANGE}" in _changes_text(figure_history)
    rows = find(section_after(figure_history.page("groups/red-front"), "changes"), "tr")
    assert [" ".join(cell.text.split()) for cell in rows[1].children] == ["1 April 2024", FIGURE_CHANGE]
    (title, content), *_ = _feed(figure_history)
    assert title == f"Red Front: {FIGURE_CHANGE}"
    assert content == f"Red Front: {FIGURE_CHANGE}"


# What a reader must not be shown of the project's workings: field names, file names, the shorthand
# of commit subjects.
JARGON = re.compile(r"_|facts cite|cite added|\bfields?\b|\.yaml|data/|\bcommit|siblings|\b[a-z]+ (?:added|removed|changed)[,;.)]")


def _jargon(text: str) -> list[str]:
    return [m.group(0) for m in JARGON.finditer(text)]


@needs_git
def test_no_field_name_file_or_commit_subject_reaches_a_reader(figure_history: Site) -> None:
    for text in [_changes_text(figure_history), _profile_changes_text(figure_history, "groups/red-front"), *(t + " " + c for t, c in _feed(figure_history))]:
        assert not _jargon(text), text
        assert "Audit fixes" not in text and "beta-news" not in text


@needs_git
def test_the_real_sites_changes_are_written_for_readers(site: Site) -> None:
    """The project's own history, as the published site tells it: the What changed page, ISIS-K's
    Changes section and the feed name what changed and whose source it is, in words."""
    changes = _changes_text(site)
    feed = _feed(site)
    texts = [changes, _profile_changes_text(site, "groups/isis-k"), *(t + " " + c for t, c in feed)]
    for text in texts:
        assert not _jargon(text), _jargon(text)
    subjects = git(ROOT, "log", "--format=%s", "-n", "60", "--", "data").splitlines()
    clauses = [s.split(": ")[0] for s in subjects if len(s.split(": ")[0]) > 30]
    assert not [c for c in clauses if any(c in text for text in texts)], "a commit's subject is not shown"
    publishers = ("The Hindu", "Globely News", "USIP", "DefenceReport", "Kyiv Post")
    assert any(f"given by {p}" in changes or f"cited to {p}" in changes or f"citation to {p}" in changes for p in publishers)
    assert len(feed) > 5 and all(title and content for title, content in feed)
