"""Issue 5, read from real builds: redirects, graph.json, timeline, last-updated dates, search tags,
and the history API. The browser side of the same features is in test_reader_browser.py."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, Site, generator, mkdocs_build
from htmlq import article, find, parse, section_after
from reader_kb import HAND_PAGE
from search_files import SearchFiles

from generator.stages.history import History, read_history

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


# -- other addresses of a profile ---------------------------------------------------------------


def redirect_target(site: Site, url_path: str) -> dict[str, str]:
    """The three ways a redirect page points on: meta refresh, canonical link, plain link."""
    html = (site.root / url_path / "index.html").read_text(encoding="utf-8")
    refresh = find(html, "meta", **{"http-equiv": "refresh"})[0].attrs["content"]
    return {
        "refresh": re.fullmatch(r"0; url=(.+)", refresh).group(1),
        "canonical": find(html, "link", rel="canonical")[0].attrs["href"],
        "link": find(html, "a")[0].attrs["href"],
        "scripts": str(len(find(html, "script"))),
    }


@pytest.mark.parametrize(
    ("old", "profile"),
    [
        ("groups/rf", "groups/red-front"),  # alias RF
        ("groups/front-rouge", "groups/red-front"),  # alias Front Rouge
        ("people/abu-test", "people/jo-leader"),  # alias Abu Test
    ],
)
def test_alias_address_redirects_to_the_profile(fixture_site: Site, old: str, profile: str) -> None:
    target = redirect_target(fixture_site, old)
    assert target.pop("scripts") == "0", "a redirect page needs no script"
    for href in target.values():
        assert (fixture_site.root / old / href / "index.html").resolve() == (fixture_site.root / profile / "index.html")


def test_a_profile_id_gets_no_redirect_over_its_own_page(fixture_site: Site) -> None:
    assert "<article" in fixture_site.page("groups/red-front")  # the name "Red Front" has the id's slug


def test_former_id_keeps_its_old_address_and_links(reader_site: Site) -> None:
    target = redirect_target(reader_site, "groups/old-front")
    assert (reader_site.root / "groups/old-front" / target["refresh"] / "index.html").resolve() == (
        reader_site.root / "groups/red-front/index.html"
    )


def test_former_id_resolves_in_links(fixture_project: Path, tmp_path: Path) -> None:
    red_front = fixture_project / "data/groups/red-front.yaml"
    red_front.write_text(red_front.read_text().replace("aliases:", "former_ids: [old-front]\naliases:", 1))
    brief = fixture_project / "briefs/test-brief.md"
    brief.write_text(brief.read_text() + "\nOnce known as [[old-front]].\n")
    result = mkdocs_build(fixture_project, tmp_path / "site")
    assert result.code == 0, result.err
    html = (tmp_path / "site/briefs/test-brief/index.html").read_text()
    assert find(html, "a", href="../../groups/red-front/")


def test_former_id_that_is_another_profiles_id_is_an_error(fixture_project: Path) -> None:
    red_front = fixture_project / "data/groups/red-front.yaml"
    red_front.write_text(red_front.read_text().replace("aliases:", "former_ids: [blue-league]\naliases:", 1))
    result = generator("validate", cwd=fixture_project)
    assert result.code == 1
    assert re.search(r"data/groups/red-front\.yaml:\d+:\d+: 'blue-league' is already a name of 'blue-league'", result.err)
    assert "Traceback" not in result.err


def test_alias_redirect_never_replaces_a_real_page(reader_site: Site) -> None:
    html = reader_site.page("groups/bl")  # Blue League's alias "BL", and a hand-written groups/bl.md
    assert HAND_PAGE in article(html).text
    assert not find(html, "meta", **{"http-equiv": "refresh"})


def test_redirects_follow_the_sites_url_style(fixture_project: Path, tmp_path: Path) -> None:
    config = fixture_project / "mkdocs.yml"
    config.write_text(config.read_text() + "\nuse_directory_urls: false\n")
    result = mkdocs_build(fixture_project, tmp_path / "site")
    assert result.code == 0, result.err
    html = (tmp_path / "site/groups/rf.html").read_text()
    assert find(html, "a")[0].attrs["href"] == "red-front.html"
    assert (tmp_path / "site/groups/red-front.html").is_file()
    nodes = json.loads((tmp_path / "site/graph.json").read_text())["nodes"]
    assert {n["url"] for n in nodes if n["id"] == "red-front"} == {"groups/red-front.html"}


# -- graph.json ---------------------------------------------------------------------------------


def test_graph_has_every_profile_once_with_a_working_url(fixture_site: Site) -> None:
    graph = json.loads((fixture_site.root / "graph.json").read_text())
    kinds = {n["id"]: n["kind"] for n in graph["nodes"]}
    assert kinds == {"red-front": "group", "blue-league": "group", "jo-leader": "person", "hall-attack": "event"}
    for node in graph["nodes"]:
        assert (fixture_site.root / node["url"] / "index.html").is_file(), node
    assert {n["id"]: n["aliases"] for n in graph["nodes"]}["red-front"] == ["RF", "Front Rouge"]


def test_graph_has_each_relationship_once_in_its_reading_direction(fixture_site: Site) -> None:
    # red-front.yaml writes: led-by jo-leader, rival-of blue-league, claimed hall-attack.
    edges = json.loads((fixture_site.root / "graph.json").read_text())["edges"]
    found = sorted((e["source"], e["type"], e["target"]) for e in edges)
    assert found == [
        ("blue-league", "rival-of", "red-front"),
        ("jo-leader", "leads", "red-front"),
        ("red-front", "claimed", "hall-attack"),
    ]
    assert {e["type"]: e["symmetric"] for e in edges} == {"rival-of": True, "leads": False, "claimed": False}


@pytest.mark.parametrize("profile", ["groups/red-front", "people/jo-leader", "events/hall-attack", "groups/blue-league"])
def test_profile_page_carries_its_neighbourhood_from_the_graph(fixture_site: Site, profile: str) -> None:
    graph = json.loads((fixture_site.root / "graph.json").read_text())
    focus = profile.split("/")[1]
    touching = [e for e in graph["edges"] if focus in (e["source"], e["target"])]
    near = {focus} | {e["source"] for e in touching} | {e["target"] for e in touching}
    (div,) = find(fixture_site.page(profile), "div", class_="kb-graph")
    carried = json.loads(div.attrs["data-graph"])  # the parser has undone the attribute's escaping
    assert div.attrs["data-focus"] == focus
    assert {n["id"]: n for n in carried["nodes"]} == {
        n["id"]: {k: n[k] for k in ("id", "label", "kind", "url")} for n in graph["nodes"] if n["id"] in near
    }
    assert [e["id"] for e in carried["edges"]] == [e["id"] for e in touching]


def test_network_page_lists_every_relationship_with_its_sources(fixture_site: Site) -> None:
    html = fixture_site.page("network")
    rows = find(section_after(html, "every-relationship"), "tr")[1:]
    assert len(rows) == 3
    assert all(row.children[4].text.strip() for row in rows), "a relationship without its citation"
    assert find(html, "div", class_="kb-graph")


def test_graph_is_drawn_by_a_file_not_an_inline_script(fixture_site: Site) -> None:
    for page in ["network", "groups/red-front", "timeline"]:
        scripts = find(fixture_site.page(page), "script")
        inline = [s for s in scripts if "src" not in s.attrs and s.attrs.get("type") != "application/json"]
        ours = [s for s in inline if "kb-" in s.text or "cytoscape" in s.text or "graph" in s.text]
        assert not ours, page
        assert any(s.attrs.get("src", "").endswith("assets/khorasan.js") for s in scripts)
    library = fixture_site.root / "assets/vendor/cytoscape"
    assert (library / "cytoscape.min.js").stat().st_size > 100_000
    assert "Permission is hereby granted" in (library / "LICENSE").read_text()


# -- timeline -----------------------------------------------------------------------------------


def test_timeline_orders_partial_dates_and_shows_them_as_written(reader_site: Site) -> None:
    items = find(reader_site.page("timeline"), "li", class_="kb-timeline-item")
    times = [next(el for el in parse_children(item) if el.tag == "time") for item in items]
    assert [t.attrs["datetime"] for t in times] == ["2014-12-31", "2015", "2015-06", "2015-06-12", "2024-03-22"]
    assert [t.text for t in times] == ["31 December 2014", "2015", "June 2015", "12 June 2015", "22 March 2024"]


def parse_children(element) -> list:
    out = []
    for child in element.children:
        out.append(child)
        out.extend(parse_children(child))
    return out


def test_timeline_items_carry_the_entities_they_can_be_filtered_by(reader_site: Site) -> None:
    html = reader_site.page("timeline")
    items = find(html, "li", class_="kb-timeline-item")
    entities = [set(item.attrs["data-entities"].split()) for item in items]
    assert entities == [
        {"new-year-raid", "blue-league"},
        {"founding-rally", "blue-league"},
        {"summer-march", "jo-leader"},
        {"june-clash", "red-front"},
        {"hall-attack", "red-front"},
    ]
    # Any profile can be chosen, not only those linked to an event.
    options = [o.attrs["data-id"] for o in find(html, "option") if "data-id" in o.attrs]
    assert options == ["blue-league", "founding-rally", "hall-attack", "jo-leader", "june-clash", "new-year-raid", "red-front", "summer-march"]
    assert find(html, "form", class_="kb-timeline-filter")[0].attrs.get("hidden") is not None


def test_profile_lists_its_own_events_in_date_order_and_links_its_timeline(reader_site: Site) -> None:
    html = reader_site.page("groups/blue-league")
    events = section_after(html, "events")
    dates = [tr.children[0].text for tr in find(events, "tr")[1:]]
    assert dates == ["31 December 2014", "2015"]
    assert find(events, "a", href="../../timeline/?entity=blue-league")


# -- summary box and last-updated dates ---------------------------------------------------------


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
    assert rows["Type"] == "militant group" and rows["Founded"] == "January 2015"
    assert rows["Leader"] == "Jo Leader (since 2020)1" and rows["Areas"] == "Northland"
    assert rows["Also known as"] == "RF · Front Rouge"


# -- history API --------------------------------------------------------------------------------


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


# -- search index -------------------------------------------------------------------------------


def test_a_profiles_names_are_entries_of_the_search_index(fixture_site: Site) -> None:
    index = SearchFiles(fixture_site.root)
    for url, names in {"groups/red-front/": ["Red Front", "RF", "Front Rouge"], "people/jo-leader/": ["Jo Leader", "Abu Test"]}.items():
        assert index.fragment(url)["n"] == names  # shown under the result, as Material shows tags
        for name in names:
            assert index.pages_named(name) == {url: 2}
    assert index.fragment("timeline/")["n"] == []
    assert index.pages_named("Timeline") == {"timeline/": 1}  # a page's title: found first, after names
    stub = json.loads((fixture_site.root / "search/search_index.json").read_text())
    assert stub["docs"] == [] and stub["config"]["separator"]  # Material's highlighting reads the configuration


def test_search_keeps_names_as_written(fixture_project: Path, tmp_path: Path) -> None:
    path = fixture_project / "data/groups/blue-league.yaml"
    data = yaml.safe_load(path.read_text())
    data["aliases"] = ["Bold <3 & Co > it"]  # passes validation (no tag), yet every character needs escaping
    path.write_text(yaml.safe_dump(data))
    assert mkdocs_build(fixture_project, tmp_path / "site").code == 0
    index = SearchFiles(tmp_path / "site")
    assert index.fragment("groups/blue-league/")["n"] == ["Blue League", "Bold <3 & Co > it"]  # text: the worker escapes it
    assert index.pages_named("bold 3 co it") == {"groups/blue-league/": 2}


# -- pages and files ----------------------------------------------------------------------------


def test_disputed_figures_are_listed_before_the_first_section(fixture_site: Site) -> None:
    html = fixture_site.page("events/hall-attack")
    warning = html.index('class="admonition warning"')
    assert warning < html.index("<h2")
    links = [a.attrs["href"] for a in find(html[warning:], "a")][:1]
    assert links == ["#figure-deaths"] and 'id="figure-deaths"' in html


def test_source_page_lists_claims_figures_and_relationships_that_cite_it(fixture_site: Site) -> None:
    cited_by = section_after(fixture_site.page("sources/alpha-report"), "cited-by")
    text = " ".join(cited_by.split())
    for citing in ["Founders came from the League.", "Strength (figure)", "Led by Jo Leader", "para 4:"]:
        assert citing in text, citing


def test_cli_render_writes_graph_and_redirects_beside_the_pages(fixture_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert generator("render", "--out", str(out), cwd=fixture_project).code == 0
    assert json.loads((out / "graph.json").read_text())["nodes"]
    assert "url=../red-front/" in (out / "groups/rf/index.html").read_text()
    assert (out / "timeline.md").is_file() and (out / "network.md").is_file()


def test_built_pages_load_nothing_from_elsewhere(fixture_site: Site) -> None:
    for html_file in fixture_site.root.rglob("*.html"):
        for element in parse(html_file.read_text(encoding="utf-8")):
            source = element.attrs.get("src") if element.tag in {"script", "img", "iframe"} else None
            if element.tag == "link" and element.attrs.get("rel") not in {"canonical", "license"}:  # fetch nothing
                source = element.attrs.get("href")
            assert not (source and re.match(r"(https?:)?//", source)), f"{html_file}: {source}"
    for css in fixture_site.root.rglob("*.css"):
        assert not re.search(r"@import\s+url\(\s*['\"]?(https?:)?//", css.read_text()), css
