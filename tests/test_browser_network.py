"""The network in Chromium: readable labels, hover, keyboard, zoom and pan, filters kept in the
address, a click that opens a profile, and each profile's neighbourhood.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

import pytest
from browser import click_node, explore, node_at, node_ids
from conftest import ROOT
from playwright.sync_api import Browser, Page, expect

from generator.model import dates
from generator.model.project import Project
from generator.pipeline import check

expect.set_options(timeout=20_000)


LABELS = """el => {
    const cy = el.cy;
    const nodes = cy.nodes().filter(n => n.visible());
    const boxes = nodes.map(n => [n.id(), n.boundingBox({includeLabels: true, includeNodes: false, includeEdges: false})]);
    const overlapping = [];
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i][1], b = boxes[j][1];
        if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) overlapping.push([boxes[i][0], boxes[j][0]]);
    }
    const sizes = nodes.map(n => parseFloat(n.style('font-size')) * cy.zoom());
    return {count: nodes.length, smallest: Math.min(...sizes), overlapping};
}"""


def test_network_labels_are_readable_and_never_overlap(page: Page, real: str) -> None:
    page.goto(real + "network/")
    graph = page.locator(".kb-graph").first
    explore(page)
    labels = graph.evaluate(LABELS)
    assert labels["count"] >= 2
    assert labels["smallest"] >= 11, labels
    assert labels["overlapping"] == [], labels


# The texts of a picture as drawn (``el``): each one's size on screen and its box, and the pairs that overlap.
TEXTS = """
    const texts = [...el.querySelectorAll('text')].map(t => {
        const b = t.getBoundingClientRect();
        return {text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize) * b.height / t.getBBox().height, box: [b.left, b.top, b.right, b.bottom]};
    });
    const overlapping = [];
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i].box, b = texts[j].box;
        if (a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]) overlapping.push([texts[i].text, texts[j].text]);
    }
"""

# Every text of a profile's own network picture: its size on screen and its box, and the lines.
PICTURE = """el => {""" + TEXTS + """
    const svg = el.getBoundingClientRect();
    const outside = texts.filter(t => t.box[0] < svg.left - 0.5 || t.box[2] > svg.right + 0.5).map(t => t.text);
    return {texts: texts.map(t => t.text), smallest: Math.min(...texts.map(t => t.size)), overlapping, outside,
            rows: [...el.querySelectorAll('a')].map(a => a.getAttribute('href')), lines: el.querySelectorAll('path').length};
}"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("path", ["groups/isis-k/", "groups/afghan-taliban/", "people/sanaullah-ghafari/"])
def test_a_profiles_network_opens_on_its_named_neighbours_without_script_or_library(page: Page, real: str, path: str, width: int) -> None:
    """Issue 26: a profile's own network is drawn at build time, every neighbour named and readable
    (at least 11 px on screen) at a phone's width and a desktop's, nothing drawn over anything else;
    and the page loads no graph library for it."""
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(real + path)
    page.wait_for_load_state("networkidle")
    picture = page.locator(".kb-netpic-svg")
    expect(picture).to_be_visible()
    drawn = picture.evaluate(PICTURE)
    graph_json = page.evaluate("fetch('../../graph.json').then(r => r.json())")
    focus = path.strip("/").split("/")[1]
    neighbours = {e["target"] for e in graph_json["edges"] if e["source"] == focus} | {e["source"] for e in graph_json["edges"] if e["target"] == focus}
    neighbours.discard(focus)
    assert len(drawn["rows"]) == len(neighbours) == drawn["lines"]
    assert {href.strip("/").split("/")[-1] for href in drawn["rows"]} == neighbours
    assert drawn["smallest"] >= 11, drawn["smallest"]
    assert drawn["overlapping"] == [] and drawn["outside"] == [], drawn
    assert not [url for url in fetched if "cytoscape" in url], "a profile page loads no graph library"


def test_a_person_with_one_link_gets_a_small_picture(page: Page, real: str) -> None:
    page.goto(real + "people/sanaullah-ghafari/")
    small = page.locator(".kb-netpic-svg").bounding_box()["height"]
    page.goto(real + "groups/isis-k/")
    large = page.locator(".kb-netpic-svg").bounding_box()["height"]
    assert small * 5 < large


def test_hover_lights_a_profiles_neighbours_and_dims_the_rest(page: Page, real: str) -> None:
    page.goto(real + "network/")
    x, y = node_at(page, ".kb-graph--full", "jamaat-ansarullah")
    page.mouse.move(x, y)
    graph = page.locator(".kb-graph--full")
    state = graph.evaluate(
        """el => ({
            current: el.cy.nodes('.current').map(n => n.id()),
            near: el.cy.nodes('.near').map(n => n.id()).sort(),
            labelled: el.cy.edges('.near').map(e => e.style('label')),
            dimmed: el.cy.nodes('.dim').length,
            all: el.cy.nodes().length,
        })"""
    )
    graph_json = page.evaluate("fetch('../graph.json').then(r => r.json())")
    neighbours = {e["source"] for e in graph_json["edges"] if e["target"] == "jamaat-ansarullah"}
    neighbours |= {e["target"] for e in graph_json["edges"] if e["source"] == "jamaat-ansarullah"}
    assert state["current"] == ["jamaat-ansarullah"]
    assert set(state["near"]) == neighbours | {"jamaat-ansarullah"}
    assert all(state["labelled"]), "the relationships of the profile in hand are named"
    assert state["dimmed"] == state["all"] - len(state["near"])
    page.mouse.move(5, 5)  # out of the picture: everything is shown alike again
    page.wait_for_function("() => document.querySelector('.kb-graph--full').cy.elements('.dim').length === 0")


def test_keyboard_reaches_each_node_by_name_and_opens_it(page: Page, real: str) -> None:
    page.goto(real + "network/")
    graph = page.locator(".kb-graph")
    explore(page)
    names = page.locator(".kb-graph-keys a").all_inner_texts()
    drawn = graph.evaluate("el => el.cy.nodes().map(n => n.data('label'))")
    assert sorted(name.rsplit(" (", 1)[0] for name in names) == sorted(drawn)
    page.locator(".kb-graph-keys a").first.focus()
    focused = page.locator(".kb-graph-keys a:focus")
    name = focused.inner_text()
    assert re.fullmatch(r".+ \((group|person|event), \d+ links?\)", name), name
    current = graph.evaluate("el => el.cy.nodes('.current').map(n => n.data('label'))")
    assert current == [name.rsplit(" (", 1)[0]]
    ring = focused.bounding_box()
    assert ring["width"] > 10 and ring["height"] > 10, "the focused node is outlined where it is drawn"
    page.keyboard.press("Tab")
    expect(page.locator(".kb-graph-keys a:focus")).to_have_count(1)
    target = page.locator(".kb-graph-keys a:focus").get_attribute("href")
    page.keyboard.press("Enter")
    expect(page).to_have_url(target)


def test_wheel_zooms_the_network(page: Page, real: str) -> None:
    page.goto(real + "network/")
    graph = page.locator(".kb-graph--full")
    x, y = node_at(page, ".kb-graph--full", "isis-k")
    before = graph.evaluate("el => el.cy.zoom()")
    # Cytoscape leaves the wheel to the page while the page is scrolling (it was, into view): the
    # state it keeps for that must be over before the wheel can zoom.
    page.wait_for_function("() => !document.querySelector('.kb-graph--full').cy.renderer().scrollingPage")
    page.mouse.move(x, y)
    page.mouse.wheel(0, -300)
    page.wait_for_function("z => document.querySelector('.kb-graph--full').cy.zoom() > z", arg=before)


def test_drag_on_the_background_pans(page: Page, real: str) -> None:
    page.goto(real + "network/")
    graph = page.locator(".kb-graph--full")
    explore(page)
    node_at(page, ".kb-graph--full", "isis-k")  # in view and still
    box = page.locator(".kb-graph-canvas").bounding_box()
    empty = graph.evaluate(
        """el => {
            const cy = el.cy, w = cy.width(), h = cy.height();
            for (let y = 10; y < h; y += 15) for (let x = 10; x < w; x += 15) {
                const hit = cy.elements().filter(e => e.visible()).some(e => {
                    const b = e.renderedBoundingBox({includeLabels: true});
                    return x > b.x1 - 10 && x < b.x2 + 10 && y > b.y1 - 10 && y < b.y2 + 10;
                });
                if (!hit) return [x, y];
            }
            return null;
        }"""
    )
    assert empty, "no empty spot to drag from"
    before = graph.evaluate("el => el.cy.pan()")
    page.mouse.move(box["x"] + empty[0], box["y"] + empty[1])
    page.mouse.down()
    page.mouse.move(box["x"] + empty[0] + 60, box["y"] + empty[1] + 40, steps=5)
    page.mouse.up()
    after = graph.evaluate("el => el.cy.pan()")
    assert after["x"] - before["x"] == pytest.approx(60, abs=2) and after["y"] - before["y"] == pytest.approx(40, abs=2)


def visible_ids(page: Page) -> set[str]:
    explore(page)
    return set(page.locator(".kb-graph--full").evaluate("el => el.cy.nodes().filter(n => n.visible()).map(n => n.id())"))


def test_network_filters_by_kind_type_and_steps_and_keeps_them_in_the_address(page: Page, real: str) -> None:
    page.goto(real + "network/")
    graph = page.evaluate("fetch('../graph.json').then(r => r.json())")
    kinds = {n["id"]: n["kind"] for n in graph["nodes"]}
    everything = visible_ids(page)
    page.get_by_label("Events", exact=True).uncheck()
    shown = visible_ids(page)
    assert shown and all(kinds[i] != "event" for i in shown)
    page.get_by_label("Events", exact=True).check()
    assert visible_ids(page) == everything

    page.get_by_label("Leads", exact=True).uncheck()
    shown_edges = page.locator(".kb-graph--full").evaluate("el => el.cy.edges().filter(e => e.visible()).map(e => e.data('type'))")
    assert "leads" not in shown_edges and shown_edges
    page.get_by_label("Leads", exact=True).check()

    page.get_by_label("Only what lies within").fill("Jamaat Ansarullah")
    page.get_by_label("Number of steps").select_option("2")
    shown = visible_ids(page)
    one = {e["target"] for e in graph["edges"] if e["source"] == "jamaat-ansarullah"} | {
        e["source"] for e in graph["edges"] if e["target"] == "jamaat-ansarullah"
    }
    two = set(one)
    for node in one:
        two |= {e["target"] for e in graph["edges"] if e["source"] == node} | {e["source"] for e in graph["edges"] if e["target"] == node}
    assert shown == two | {"jamaat-ansarullah"}
    query = parse_qs(urlsplit(page.url).query)
    assert query["near"] == ["jamaat-ansarullah"] and query["steps"] == ["2"]
    page.reload()
    assert visible_ids(page) == shown
    expect(page.get_by_label("Only what lies within")).to_have_value("Jamaat Ansarullah")
    page.get_by_role("button", name="Show everything").click()
    assert visible_ids(page) == everything


# A limit for a state to be reached, not a wait: a test goes on as soon as the state is there. Generous,
# because a busy machine (CI, or other work on both cores) can make Chromium slow to get there.
expect.set_options(timeout=60_000)


def test_network_node_click_opens_the_profile(page: Page, fixture_base: str) -> None:
    page.goto(fixture_base + "network/")
    graph = page.locator(".kb-graph--full")
    explore(page)
    assert node_ids(page, ".kb-graph--full") == {"red-front", "blue-league", "jo-leader", "hall-attack"}
    edges = graph.evaluate("el => el.cy.edges().map(e => [e.source().id(), e.target().id()]).sort()")
    assert edges == [["blue-league", "red-front"], ["jo-leader", "red-front"], ["red-front", "hall-attack"]]
    click_node(page, ".kb-graph--full", "jo-leader")
    expect(page).to_have_url(fixture_base + "people/jo-leader/")
    assert page.errors == []  # type: ignore[attr-defined]


def test_profile_graph_shows_its_neighbourhood(page: Page, reader: str) -> None:
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(reader + "people/jo-leader/")
    page.wait_for_load_state("networkidle")
    assert not [url for url in fetched if url.endswith("graph.json")]  # the page carries its neighbourhood
    # Jo Leader leads the Red Front and was involved in the summer march; nothing else touches him.
    rows = page.locator(".kb-netpic-row")
    assert sorted(rows.locator("text.kb-netpic-name").all_text_contents()) == ["Red Front", "Summer march"]
    assert sorted(rows.locator("text.kb-netpic-relation").all_text_contents()) == ["Involved in", "Leads"]
    page.locator(".kb-netpic-row", has_text="Summer march").click()  # anywhere on its row
    expect(page).to_have_url(reader + "events/summer-march/")


def test_real_network_draws_every_linked_profile_and_lists_the_rest(page: Page, real: str) -> None:
    page.goto(real + "network/")
    explore(page)
    on_disk = {p.stem for folder in ("groups", "people", "events") for p in (ROOT / "data" / folder).glob("*.yaml")}
    drawn = node_ids(page, ".kb-graph--full")
    listed = page.locator(".kb-isolated li a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    alone = {href.rstrip("/").split("/")[-1] for href in listed}
    assert drawn | alone == on_disk and not drawn & alone
    edges = page.locator(".kb-graph--full").evaluate("el => el.cy.edges().map(e => [e.source().id(), e.target().id()])")
    assert {end for edge in edges for end in edge} == drawn  # every node drawn has a relationship


# -- the network in a year (issue 27, section 2) ----------------------------------------------------

EDGES = """el => el.cy.edges().map(e => ({ends: [e.source().id(), e.target().id()], shown: e.visible(),
    ended: e.hasClass('ended'), undated: e.hasClass('undated'), label: e.data('label')}))"""


def edges_in(page: Page) -> list[dict[str, object]]:
    explore(page)
    return page.locator(".kb-graph--full").evaluate(EDGES)  # type: ignore[no-any-return]


def edge(edges: list[dict[str, object]], one: str, other: str) -> dict[str, object]:
    (found,) = [e for e in edges if set(e["ends"]) == {one, other}]  # type: ignore[arg-type]
    return found


def begun_after(year: int) -> int:
    """How many relationships of the real knowledge base begin after ``year``, by the rule the
    methodology page states, read here from the data: the start's earliest year (``since``; for a
    relationship with an event, the event's date when it has no since of its own)."""
    kb = check(Project(ROOT))
    count = 0
    for link in kb.links():
        event = next((kb.profiles[i].model for i in (link.subject, link.target) if kb.profiles[i].kind == "event"), None)
        start = link.since or (event.date if event is not None else None)  # type: ignore[union-attr]
        if start and dates.parse(start).year > year:  # type: ignore[operator]
            count += 1
    return count


def test_the_year_control_shows_the_network_as_it_stood_in_that_year(page: Page, published: str) -> None:
    page.goto(published + "network/")
    slider = page.get_by_label("The network as it stood in")
    expect(slider).to_have_attribute("type", "range")
    latest = int(slider.get_attribute("max") or 0)
    everything = edges_in(page)
    assert all(e["shown"] for e in everything)  # the latest year: nothing begun later
    # Abu Bakr al-Baghdadi led the Islamic State until 2019 (data/people/abu-bakr-al-baghdadi.yaml).
    assert edge(everything, "abu-bakr-al-baghdadi", "islamic-state")["ended"]
    assert str(edge(everything, "abu-bakr-al-baghdadi", "islamic-state")["label"]).endswith("(ended)")

    slider.fill("2014")
    in_2014 = edges_in(page)
    assert parse_qs(urlsplit(page.url).query)["year"] == ["2014"]
    hidden = [e for e in in_2014 if not e["shown"]]
    assert len(hidden) == begun_after(2014) > 10
    # Hafiz Saeed Khan has led ISIS-K since January 2015; the Crocus City Hall attack was in 2024.
    assert not edge(in_2014, "hafiz-saeed-khan", "isis-k")["shown"]
    crocus = [e for e in in_2014 if set(e["ends"]) == {"isis-k", "crocus-city-hall-attack"}]  # type: ignore[arg-type]
    assert crocus and not any(e["shown"] for e in crocus)  # carried out and claimed
    baghdadi = edge(in_2014, "abu-bakr-al-baghdadi", "islamic-state")
    assert baghdadi["shown"] and not baghdadi["ended"] and not baghdadi["undated"]
    # Jamaat Ansarullah's alliance with the Taliban has no date: shown in every year, marked undated.
    alliance = edge(in_2014, "jamaat-ansarullah", "afghan-taliban")
    assert alliance["shown"] and alliance["undated"] and str(alliance["label"]).endswith("(undated)")
    expect(page.locator("#kb-network-filter output[aria-live]")).to_contain_text("In 2014: ")
    expect(page.locator("#kb-network-filter output[aria-live]")).to_contain_text(f"{begun_after(2014)} begun later are hidden")

    # The keyboard moves it a year at a time; the state survives a reload.
    slider.focus()
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#kb-network-year-shown")).to_have_text("2020")
    in_2020 = edges_in(page)
    assert len([e for e in in_2020 if not e["shown"]]) == begun_after(2020)
    # He led it from 2015 and was later killed, on a date the sources do not give: in force, saying so.
    hafiz = edge(in_2020, "hafiz-saeed-khan", "isis-k")
    assert hafiz["shown"] and not hafiz["ended"] and "date not given" in str(hafiz["label"])
    assert edge(everything, "hafiz-saeed-khan", "isis-k")["ended"]
    assert edge(in_2020, "abu-bakr-al-baghdadi", "islamic-state")["ended"]
    page.reload()
    expect(slider).to_have_value("2020")
    assert edges_in(page) == in_2020
    assert edge(in_2020, "jamaat-ansarullah", "afghan-taliban")["undated"]
    page.get_by_role("button", name="Show everything").click()
    expect(slider).to_have_value(str(latest))
    assert edges_in(page) == everything
    assert "year" not in parse_qs(urlsplit(page.url).query)


BOXED = [("ISKP", "isis-k"), ("Khurasan", "isis-k"), ("Hebatullah", "hibatullah-akhundzada"), ("Mullah Mansoor", "akhtar-mansour")]


@pytest.mark.parametrize(("typed", "profile"), BOXED)
def test_the_within_box_takes_aliases_and_spellings_as_search_does(page: Page, real: str, typed: str, profile: str) -> None:
    page.goto(real + "network/")
    page.get_by_label("Only what lies within").fill(typed)
    expect(page).to_have_url(re.compile(rf"near={profile}\b"))
    expect(page.locator("#kb-network-filter output[aria-live]")).to_contain_text(f"“{typed}” taken as ")
    shown = visible_ids(page)
    assert profile in shown and len(shown) < len(node_ids(page, ".kb-graph--full"))


def test_the_within_box_says_when_no_profile_has_the_name(page: Page, real: str) -> None:
    page.goto(real + "network/")
    everything = visible_ids(page)
    page.get_by_label("Only what lies within").fill("Nobody Atall")
    expect(page.locator("#kb-network-filter output[aria-live]")).to_contain_text("No profile is called “Nobody Atall”")
    assert visible_ids(page) == everything


# -- the whole network laid out at build time, the library at first use (issue 26, section 2) -------

# Every label of the static picture: its size on screen and its box; and each profile's link.
STILL_PICTURE = """el => {""" + TEXTS + """
    return {smallest: Math.min(...texts.map(t => t.size)), overlapping,
            ids: [...el.querySelectorAll('a[data-id]')].map(a => a.dataset.id)};
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_the_network_page_shows_the_whole_network_without_script(browser: Browser, real: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto(real + "network/")
    picture = page.locator(".kb-netmap-svg")
    expect(picture).to_be_visible()
    drawn = picture.evaluate(STILL_PICTURE)
    graph = json.loads(urlopen(real + "graph.json").read())
    assert sorted(drawn["ids"]) == sorted({end for e in graph["edges"] for end in (e["source"], e["target"])})
    assert round(drawn["smallest"], 2) >= 11, drawn["smallest"]
    assert drawn["overlapping"] == [], drawn["overlapping"]
    expect(page.locator(".kb-graph-controls")).to_be_hidden()  # buttons that need the script are not there
    page.locator('.kb-netmap a[data-id="jamaat-ansarullah"] text').first.click()
    expect(page).to_have_url(real + "groups/jamaat-ansarullah/")
    context.close()


def test_the_library_waits_for_the_readers_first_use_and_starts_where_the_picture_was(page: Page, real: str) -> None:
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(real + "network/")
    page.wait_for_load_state("networkidle")
    graph = page.locator(".kb-graph--full")
    expect(graph).to_have_attribute("data-ready", "static")
    expect(page.locator("#kb-network-filter")).to_be_visible()  # the form is there at once
    assert not [url for url in fetched if "cytoscape" in url or url.endswith("graph.json")], "nothing loaded before first use"
    still = page.locator(".kb-netmap")
    still.evaluate("el => el.scrollBy(120, 80)")  # the reader has looked around the picture
    # Where the picture made at build time shows each profile on the screen.
    before = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.kb-netmap a[data-id]')].map(a => {
            const b = a.firstElementChild.getBoundingClientRect();
            return [a.dataset.id, [scrollX + b.left + b.width / 2, scrollY + b.top + b.height / 2]];
        }))"""
    )
    explore(page)  # the pointer comes over the picture
    assert [url for url in fetched if url.endswith("cytoscape.min.js")]
    after = graph.evaluate(
        """el => {
            const box = el.querySelector('.kb-graph-canvas').getBoundingClientRect();
            return Object.fromEntries(el.cy.nodes().map(n => [n.id(), [scrollX + box.left + n.renderedPosition().x, scrollY + box.top + n.renderedPosition().y]]));
        }"""
    )
    assert after.keys() == before.keys()
    moved = sorted(((after[i][0] - before[i][0]) ** 2 + (after[i][1] - before[i][1]) ** 2) ** 0.5 for i in before)
    # The library measures labels as drawn, and may push a few a little further apart.
    assert moved[len(moved) // 2] < 2 and moved[-1] < 60, moved[-5:]
    expect(still).to_be_hidden()


def test_a_button_under_the_picture_loads_the_library_and_does_its_work(page: Page, real: str) -> None:
    page.goto(real + "network/")
    graph = page.locator(".kb-graph--full")
    expect(graph).to_have_attribute("data-ready", "static")
    shown = float(page.locator(".kb-netmap-svg").get_attribute("data-zoom") or 0)
    page.get_by_role("button", name="Zoom in").click()
    expect(graph).to_have_attribute("data-ready", "true")
    assert graph.evaluate("el => el.cy.zoom()") == pytest.approx(shown * 1.25)
