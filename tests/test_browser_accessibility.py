"""axe-core (shipped inside axe-playwright-python) on the pages readers use, in light and dark:
nothing serious or critical. Skips, saying why, only when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import pytest
from browser import SETTLED, explore, serious_violations, until
from playwright.sync_api import Page, expect

# A limit for a state to be reached, not a wait.
expect.set_options(timeout=60_000)


# The pages readers use, of every kind; each in the light and the dark scheme.
REAL_PAGES = [
    "", "groups/", "people/", "events/", "sources/", "briefs/", "timeline/", "network/", "changes/",
    "methodology/", "data/", "about/", "groups/isis-k/", "people/sanaullah-ghafari/", "people/hafiz-saeed-khan/",
    "events/crocus-city-hall-attack/", "events/kabul-airport-bombing/", "sources/usip-mir-2024/",
    "briefs/why-isis-k-struck-russia/", "map/",
]
FIXTURE_PAGES = ["", "groups/red-front/", "events/hall-attack/", "network/", "timeline/", "sources/alpha-report/", "briefs/test-brief/"]


def violations_in_each_scheme(page: Page) -> dict[str, list[str]]:
    """What axe finds serious on the open page in the light scheme and in the dark one (Material's
    palette sets this attribute, and every colour follows it), once its chart or graph is drawn."""
    found = {}
    for scheme in ("default", "slate"):
        page.evaluate("scheme => document.body.setAttribute('data-md-color-scheme', scheme)", scheme)
        if page.locator(".kb-chrono").count():
            expect(page.locator(".kb-chrono").first).to_have_attribute("data-ready", "true")
        if page.locator(".kb-graph").count():
            expect(page.locator(".kb-graph").first).to_have_attribute("data-ready", SETTLED)
        # The theme fades its colours from one scheme to the other: judged once they have arrived.
        until(page, "document.getAnimations().every(a => a.playState !== 'running')")
        found[scheme] = serious_violations(page)
    return found


@pytest.mark.parametrize("path", REAL_PAGES)
def test_real_pages_pass_axe_in_light_and_dark(page: Page, real: str, path: str) -> None:
    page.goto(real + path)
    assert violations_in_each_scheme(page) == {"default": [], "slate": []}


@pytest.mark.parametrize("path", FIXTURE_PAGES)
def test_fixture_pages_pass_axe_in_light_and_dark(page: Page, fixture_base: str, path: str) -> None:
    page.goto(fixture_base + path)
    assert violations_in_each_scheme(page) == {"default": [], "slate": []}


@pytest.mark.parametrize("base", ["real", "fixture_base"])
def test_the_network_explored_with_the_library_passes_axe(page: Page, base: str, request: pytest.FixtureRequest) -> None:
    """The network page opens on a picture made at build time (checked with the pages above); the
    library's picture, after the reader's first use, passes too."""
    page.goto(request.getfixturevalue(base) + "network/")
    explore(page)
    assert violations_in_each_scheme(page) == {"default": [], "slate": []}


def test_search_results_pass_axe(page: Page, real: str) -> None:
    page.goto(real)
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("ISKP")
    box.press("End")  # Material reads the query on keyup
    expect(page.locator(".md-search-result__list > li > a.md-search-result__link").first).to_be_attached()
    assert serious_violations(page) == []
