"""The relationship network as built: graph.json, each profile's neighbourhood on its page, and the
network page's table; the network page drawn by a file rather than an inline script.
"""

from __future__ import annotations

import json
import posixpath

import pytest
from conftest import Site
from htmlq import descendants, find, section_after


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
def test_profile_page_draws_its_neighbourhood_from_the_graph(fixture_site: Site, profile: str) -> None:
    """Issue 26: a profile's own network is static SVG, one linked row per neighbour, and no graph
    data for a script to draw."""
    graph = json.loads((fixture_site.root / "graph.json").read_text())
    focus = profile.split("/")[1]
    touching = [e for e in graph["edges"] if focus in (e["source"], e["target"])]
    near = ({e["source"] for e in touching} | {e["target"] for e in touching}) - {focus}
    html = fixture_site.page(profile)
    assert not find(html, "div", class_="kb-graph")
    rows = find(html, "a", class_="kb-netpic-row")
    urls = {n["id"]: n["url"] for n in graph["nodes"]}
    reached = {posixpath.normpath(posixpath.join(profile, a.attrs["href"])) + "/" for a in rows}
    assert reached == {urls[i] for i in near}
    names = {n["id"]: n["label"] for n in graph["nodes"]}
    shown = [" ".join(t.text for t in descendants(a, "text") if "kb-netpic-name" in t.attrs.get("class", "")) for a in rows]
    assert sorted(shown) == sorted(names[i] for i in near)


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
