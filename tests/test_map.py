"""The map of events without script: the built /map/ page, events' and groups' small maps, read back
from the HTML of real builds (the real knowledge base, and the published build under a sub-path)."""

from __future__ import annotations

import itertools
import math
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from conftest import ROOT, Site
from htmlq import descendants, find, parse

from generator.render.map import MARKER_R, View, spread


def located_events() -> dict[str, dict]:
    """The events whose data gives coordinates, read from the YAML files themselves."""
    found = {}
    for path in sorted((ROOT / "data" / "events").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("coordinates"):
            found[data["id"]] = data
    return found


def resolve(site: Site, page_url: str, href: str) -> Path:
    """The file a relative link on the page at ``page_url`` (a folder URL from the site root) leads to."""
    target = posixpath.normpath(posixpath.join("/" + page_url, unquote(urlsplit(href).path)))
    path = site.root / target.lstrip("/")
    return path / "index.html" if path.is_dir() else path


def markers(html: str) -> list:
    figure = find(html, "figure", class_="kb-map")
    assert len(figure) == 1, "the page holds one map figure"
    svg = descendants(figure[0], "svg")
    assert len(svg) == 1
    return [a for a in descendants(svg[0], "a")]


def test_the_map_page_draws_one_link_per_located_event_to_its_page(site: Site) -> None:
    html = site.page("map")
    links = markers(html)
    events = located_events()
    assert len(events) >= 10
    linked: dict[str, str] = {}
    for a in links:
        page = resolve(site, "map/", a.attrs["href"])
        assert page.is_file(), f"{a.attrs['href']} leads to no page"
        event_id = page.parent.name
        assert page.parent.parent.name == "events"
        linked[event_id] = a.attrs["aria-label"]
        # The accessible name starts with the event's name as its own page titles it, and names the
        # place; a title that ends in its date ("... (2021)") gives it up for the date that follows.
        title = find(page.read_text(encoding="utf-8"), "h1")[0].text.replace("¶", "").strip()
        assert a.attrs["aria-label"].startswith(re.sub(r" \((?:[A-Z][a-z]+ )?\d{4}\)$", "", title) + ", ")
        assert a.attrs["aria-label"].endswith(f"({events[event_id]['coordinates']['of']})")
    assert sorted(linked) == sorted(events)


def test_markers_that_share_a_place_stay_apart(site: Site) -> None:
    dots = [(float(c.attrs["cx"]), float(c.attrs["cy"])) for a in markers(site.page("map")) for c in descendants(a, "circle") if "kb-map-dot" in c.attrs["class"]]
    kabul = [e for e in located_events().values() if e["coordinates"]["of"] == "Kabul"]
    assert len(kabul) >= 3  # several events at one named place: the case the ring is for
    for first, second in itertools.combinations(dots, 2):
        assert math.dist(first, second) >= 2 * MARKER_R, f"markers at {first} and {second} overlap"


def test_spread_keeps_every_marker_apart_and_leaves_lone_ones_in_place() -> None:
    points = [(100.0, 100.0)] * 7 + [(300.0, 50.0)]
    placed = spread(points, gap=15)
    assert placed[-1] == (300.0, 50.0)
    for first, second in itertools.combinations(placed[:-1], 2):
        assert math.dist(first, second) >= 15 - 0.2  # rounded to a tenth
    # Each stays near the place it marks.
    assert all(math.dist(p, (100, 100)) < 40 for p in placed[:-1])


def test_projection_keeps_north_up_and_east_right() -> None:
    view = View.around([(60, 30), (70, 40)], 500, margin=0, least=0)
    kabul, paris = view.project(69.2, 34.5), view.project(2.35, 48.86)
    assert paris[0] < kabul[0] and paris[1] < kabul[1]
    assert view.project(60, 40) == pytest.approx((0, 0), abs=0.01)
    assert view.project(70, 30)[0] == pytest.approx(500, abs=0.01)


def test_events_the_map_cannot_place_are_listed_not_drawn(site: Site) -> None:
    html = site.page("map")
    section = html.split('id="not-on-the-map"', 1)[1]
    unplaced = {p.stem for p in (ROOT / "data" / "events").glob("*.yaml")} - set(located_events())
    assert unplaced, "some events have no place finer than a country"
    for event_id in unplaced:
        assert f"../events/{event_id}/" in section
    for event_id in located_events():
        assert f"../events/{event_id}/" not in section


def test_the_map_is_inline_and_asks_nothing_of_another_host(site: Site) -> None:
    html = site.page("map")
    figure = html.split('<figure class="kb-map">', 1)[1].split("</figure>", 1)[0]
    assert "<svg" in figure and "<path" in figure
    assert not re.search(r"(?:href|src)=\"(?:https?:)?//", figure)
    # Country names on the map: those of the located events.
    names = {t.text for t in parse(figure) if t.tag == "text"}
    assert {"Afghanistan", "Russia", "France"} <= names


def test_an_event_page_shows_its_place_and_an_unplaced_one_no_map(site: Site) -> None:
    events = located_events()
    event_id = "kabul-airport-bombing"
    html = site.page(f"events/{event_id}")
    (a,) = markers(html)
    assert resolve(site, f"events/{event_id}/", a.attrs["href"]) == site.root / "map" / "index.html"
    assert a.attrs["href"].endswith(f"#event-{event_id}")
    assert f'id="event-{event_id}"' in site.page("map")
    assert events[event_id]["coordinates"]["of"] in a.attrs["aria-label"]
    unplaced = next(p.stem for p in (ROOT / "data" / "events").glob("*.yaml") if p.stem not in events)
    assert 'class="kb-map' not in site.page(f"events/{unplaced}")


def test_a_group_page_shades_the_countries_of_its_areas(site: Site) -> None:
    html = site.page("groups/isis-k")
    figure = find(html, "figure", class_="kb-map")[0]
    shaded = {p.attrs["data-country"] for p in descendants(figure, "path") if "kb-map-area" in p.attrs["class"]}
    areas = yaml.safe_load((ROOT / "data" / "groups" / "isis-k.yaml").read_text(encoding="utf-8"))["areas"]
    from generator.model.countries import code

    assert shaded == {code(a) for a in areas if code(a)}
    for a in descendants(figure, "a"):
        assert resolve(site, "groups/isis-k/", a.attrs["href"]).is_file()


def test_published_under_a_sub_path_every_marker_leads_to_a_page(published_site: Site) -> None:
    for a in markers(published_site.page("map")):
        assert resolve(published_site, "map/", a.attrs["href"]).is_file()
    assert "Map" in [a.text.strip() for a in find(published_site.page("map"), "a") if "md-tabs__link" in a.attrs.get("class", "")]


def test_a_group_map_caption_says_only_what_the_map_shows(site: Site) -> None:
    pages = sorted((site.root / "groups").glob("*/index.html"))
    drawn = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        figures = find(html, "figure", class_="kb-map")
        if not figures:
            continue
        drawn += 1
        caption = descendants(figures[0], "figcaption")[0].text
        shaded = any("kb-map-area" in p.attrs["class"] for p in descendants(figures[0], "path"))
        marked = bool(descendants(figures[0], "a"))
        assert ("Shaded" in caption) == shaded, page
        assert ("arked" in caption) == marked, page
    assert drawn >= 3


def test_events_csv_gives_the_coordinates_of_the_named_place(site: Site) -> None:
    import csv
    import io

    rows = {r["id"]: r for r in csv.DictReader(io.StringIO((site.root / "exports" / "events.csv").read_text(encoding="utf-8")))}
    events = located_events()
    for event_id, row in rows.items():
        if event_id in events:
            where = events[event_id]["coordinates"]
            assert (float(row["lat"]), float(row["lon"]), row["located_at"]) == (where["lat"], where["lon"], where["of"])
        else:
            assert (row["lat"], row["lon"], row["located_at"]) == ("", "", "")
