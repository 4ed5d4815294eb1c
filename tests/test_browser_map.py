"""The map of events in Chromium: without script the whole map and list stand (the filter form stays
hidden); with script the form filters markers and list by year range, type and group, keeps the
choice in the address, and a link with that address shows the same map."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import yaml
from browser import open_page
from conftest import ROOT
from playwright.sync_api import Page, expect

from generator.model.vocabulary import EVENT_TYPE_LABEL
from generator.render.indexes import last_year, year

expect.set_options(timeout=20_000)

SHOWN = "sel => [...document.querySelectorAll(sel)].filter(e => !e.hasAttribute('hidden') && e.getBoundingClientRect().width > 0).length"


def located() -> list[dict]:
    events = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "data" / "events").glob("*.yaml"))]
    return [e for e in events if e.get("coordinates")]


def shown(page: Page) -> tuple[int, int]:
    """Markers drawn and list items shown."""
    return page.evaluate(SHOWN, ".kb-map a.kb-map-marker"), page.evaluate(SHOWN, ".kb-map-list li")


def test_without_script_every_marker_and_item_is_shown_and_the_form_hidden(browser, real: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, real + "map/", javascript=False)
    total = len(located())
    assert shown(page) == (total, total)
    assert page.locator("#kb-map-filter").is_hidden()
    # Each marker is a link with a name, reachable by keyboard.
    assert page.get_by_role("link", name="Crocus City Hall attack, 22 March 2024 (Crocus City Hall)").count() == 1
    page.context.close()


def test_the_filter_narrows_by_type_group_and_years_and_keeps_the_state_in_the_address(page: Page, real: str) -> None:
    page.goto(real + "map/")
    form = page.locator("#kb-map-filter")
    expect(form).to_be_visible()
    events = located()
    expect(form.locator("output")).to_have_text(f"All {len(events)} events on the map")

    page.get_by_label("Type").select_option(EVENT_TYPE_LABEL["attack"])
    attacks = [e for e in events if e["type"] == "attack"]
    assert 0 < len(attacks) < len(events)
    expect(form.locator("output")).to_have_text(f"{len(attacks)} of {len(events)} events on the map")
    assert shown(page) == (len(attacks), len(attacks))

    page.get_by_label("From year").fill("2024")
    page.get_by_label("to year").fill("2024")
    # An event the sources date only within a span may have happened in 2024 if the span reaches it.
    in_2024 = [e for e in attacks if year(str(e["date"])) <= 2024 <= last_year(str(e["date"]))]
    assert 0 < len(in_2024) < len(attacks)
    expect(form.locator("output")).to_have_text(f"{len(in_2024)} of {len(events)} events on the map")
    assert shown(page) == (len(in_2024), len(in_2024))
    names = page.evaluate("() => [...document.querySelectorAll('.kb-map a.kb-map-marker:not([hidden])')].map(a => a.getAttribute('aria-label'))")
    assert sorted(n.split(",")[0] for n in names) == sorted(e["name"].split(",")[0] for e in in_2024)

    page.get_by_label("Group").select_option("isis-k")
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"type": [EVENT_TYPE_LABEL["attack"]], "from": ["2024"], "to": ["2024"], "group": ["isis-k"]}
    count = shown(page)

    # The address alone gives the same map.
    again = page.context.new_page()
    again.goto(page.url)
    expect(again.locator("#kb-map-filter output")).to_have_text(page.locator("#kb-map-filter output").text_content() or "")
    assert shown(again) == count
    assert again.get_by_label("Group").input_value() == "isis-k"

    page.get_by_role("button", name="Clear filters").click()
    expect(form.locator("output")).to_have_text(f"All {len(events)} events on the map")
    assert urlsplit(page.url).query == ""
    assert page.errors == []


def test_on_a_phone_the_map_scrolls_sideways_and_can_be_reached_by_keyboard(browser, real: str) -> None:  # type: ignore[no-untyped-def]
    from browser import PHONE, serious_violations

    page = open_page(browser, real + "map/", viewport=PHONE)
    figure = page.locator("figure.kb-map")
    assert figure.evaluate("f => f.scrollWidth > f.clientWidth")
    expect(figure).to_have_attribute("tabindex", "0")
    radius = page.locator(".kb-map-dot").first.evaluate("c => c.getBoundingClientRect().width / 2")
    assert radius >= 4, "a marker too small to see or tap"
    assert serious_violations(page) == []
    page.context.close()
