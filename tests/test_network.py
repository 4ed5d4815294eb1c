"""The relationship network as built: graph.json, each profile's neighbourhood on its page, and the
network page's table; the network page drawn by a file rather than an inline script.
"""

from __future__ import annotations

import functools
import json
import math
import posixpath

import pytest
from conftest import Site
from htmlq import descendants, find, section_after

from generator.render import network_map
from generator.render.graph import Link, Network, Node


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


# -- the whole network, laid out at build time (issue 26, section 2) ---------------------------------


def _network(size: int) -> Network:
    """A chain of ``size`` profiles with a hub linked to every one: crowded round the hub."""
    nodes = tuple(Node(f"p{i}", f"Profile number {i} with a long name", ("group", "person", "event")[i % 3], f"p/{i}/", ()) for i in range(size))
    link = functools.partial(Link, type="leads", label="Leads", symmetric=False, since=None, until=None, status=None, by=None, cite=())
    chain = [link(f"p{i}", f"p{i + 1}") for i in range(1, size - 1)]
    return Network(nodes, tuple([link("p0", f"p{i}") for i in range(1, size)] + chain))


def test_the_whole_network_is_laid_out_the_same_way_each_time_without_overlaps() -> None:
    network = _network(40)
    first, again = network_map.place(network), network_map.place(network)
    assert [(p.node.id, p.x, p.y) for p in first] == [(p.node.id, p.x, p.y) for p in again]
    assert {p.node.id for p in first} == {n.id for n in network.nodes}
    boxes = [p.box() for p in first]
    overlapping = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]
    assert overlapping == []


def test_a_network_too_large_for_a_picture_is_left_to_the_script() -> None:
    assert network_map.svg(_network(network_map.LIMIT + 1), str) == ""
    assert network_map.svg(_network(3), str).startswith("<svg")


def test_the_network_page_carries_the_whole_network_as_a_picture_with_its_places(site: Site) -> None:
    """Every profile with a relationship is drawn, placed (the places the script starts from) and
    linked to its page; every relationship is a line; the profiles without one are listed instead."""
    graph = json.loads((site.root / "graph.json").read_text())
    ends = {end for e in graph["edges"] for end in (e["source"], e["target"])}
    html = site.page("network")
    (svg,) = find(html, "svg", class_="kb-netmap-svg")
    nodes = descendants(svg, "a")
    assert sorted(a.attrs["data-id"] for a in nodes) == sorted(ends)
    for a in nodes:
        assert all(math.isfinite(float(a.attrs[at])) for at in ("data-x", "data-y"))
        target = posixpath.normpath(posixpath.join("network", a.attrs["href"]))
        assert (site.root / target / "index.html").is_file(), a.attrs["href"]
    (lines,) = [path for path in descendants(svg, "path") if "kb-netmap-edge" in path.attrs.get("class", "")]
    assert lines.attrs["d"].count("M") == len(graph["edges"])  # one stroke from each profile to the other
