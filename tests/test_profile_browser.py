"""Issue 15 in Chromium: profile, event, source and brief pages as a reader meets them at 1280 and
390 px, light and dark. Footnote markers are 24 px tap targets that do not spread the text, a note
shows its full reference on hover, the "on this page" line stays in reach on a phone, tables scroll
in their own box, the chart needs no script and prints, the palette follows the system setting, and
axe finds nothing serious in either scheme. Skips, saying why, only when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser import serve
from conftest import Site
from playwright.sync_api import Browser, Page, expect

expect.set_options(timeout=20_000)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def real(site: Site) -> Iterator[str]:
    with serve(site.root) as base:
        yield base


def open_page(browser: Browser, url: str, *, viewport: dict[str, int] = DESKTOP, scheme: str = "light",
              javascript: bool = True) -> Page:
    context = browser.new_context(viewport=viewport, color_scheme=scheme, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page


def until(page: Page, condition: str, timeout: float = 20.0) -> None:
    """Wait for a state the page reaches by itself (a scroll coming to rest). The site's CSP forbids
    eval, so Playwright's wait_for_function cannot run: the condition is asked again until it holds."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(condition):
        assert time.monotonic() < deadline, f"never true: {condition}"
        page.wait_for_timeout(50)


# -- dark mode and accessibility -----------------------------------------------------------------

AXE_PAGES = [
    "groups/isis-k/", "events/crocus-city-hall-attack/", "events/kabul-airport-bombing/", "people/hafiz-saeed-khan/",
    "sources/usip-mir-2024/", "briefs/why-isis-k-struck-russia/", "groups/", "events/", "sources/", "briefs/",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", AXE_PAGES)
def test_pages_pass_axe_in_both_schemes(browser: Browser, real: str, path: str, scheme: str) -> None:
    page = open_page(browser, real + path, scheme=scheme)
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate" if scheme == "dark" else "default")
    graph = page.locator(".kb-graph")
    if graph.count():
        expect(graph.first).to_have_attribute("data-ready", "true")
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    page.context.close()
    assert violations == []


def test_palette_follows_the_system_until_the_reader_chooses(browser: Browser, real: str) -> None:
    page = open_page(browser, real + "groups/isis-k/", scheme="dark")
    body = page.locator("body")
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    page.get_by_title("Switch to light mode").click()  # the first choice after "follow the system"
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    page.goto(real + "events/crocus-city-hall-attack/")  # the choice is kept from page to page
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    page.context.close()


# -- footnote markers ----------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_footnote_markers_are_24px_targets_that_do_not_spread_the_text(browser: Browser, real: str, viewport) -> None:
    page = open_page(browser, real + "groups/isis-k/", viewport=viewport)
    sizes = page.locator("article a.footnote-ref").evaluate_all(
        "links => links.map(a => { const r = a.getBoundingClientRect(); return [r.width, r.height]; })"
    )
    assert len(sizes) > 50
    assert all(w >= 24 and h >= 24 for w, h in sizes), [s for s in sizes if min(s) < 24][:5]
    # The same list items measured with and without their markers: the lines keep their height.
    heights = page.evaluate(
        """() => [...document.querySelectorAll('article li')].filter(li => li.querySelector(':scope > sup'))
            .slice(0, 25).map(li => {
              const before = li.getBoundingClientRect().height;
              const clone = li.cloneNode(true);
              clone.querySelectorAll('sup').forEach(s => s.remove());
              li.after(clone);
              const after = clone.getBoundingClientRect().height;
              clone.remove();
              return [before, after];
            })"""
    )
    assert heights and all(abs(a - b) < 1 for a, b in heights), heights
    # No comma or other generated text between markers and words.
    generated = page.locator("article sup").evaluate_all("sups => sups.map(s => getComputedStyle(s, '::before').content)")
    assert set(generated) <= {"none", "normal"}
    page.context.close()


def test_note_tooltip_shows_the_full_reference(browser: Browser, real: str) -> None:
    page = open_page(browser, real + "events/crocus-city-hall-attack/")
    marker = page.locator("article p a.footnote-ref").first  # the summary's note
    marker.hover()
    tooltip = page.locator(".md-tooltip2--active")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("Kyiv Post 2024, paras 1, 2")
    full = tooltip.locator(".kb-fullref").first
    expect(full).to_be_visible()
    expect(full).to_contain_text("Opinion: the Soviet-era roots of ISIS-K")
    notes = page.locator(".footnote .kb-fullref").first
    expect(notes).to_be_hidden()  # in the list, the page's entry per source gives it once
    page.context.close()


# -- long pages on a phone -----------------------------------------------------------------------


def test_on_this_page_stays_within_reach_on_a_phone(browser: Browser, real: str) -> None:
    page = open_page(browser, real + "groups/isis-k/", viewport=PHONE)
    jump = page.get_by_role("navigation", name="On this page")
    expect(jump).to_be_visible()
    expect(jump.get_by_role("link", name="Figures")).to_be_visible()
    page.evaluate("window.scrollTo(0, 9000)")
    box = jump.bounding_box()
    header = page.locator(".md-header").bounding_box()
    assert box and header and abs(box["y"] - (header["y"] + header["height"])) < 2, (box, header)
    jump.get_by_role("link", name="Relationships").click()
    expect(page).to_have_url(re.compile("#relationships$"))
    until(page, """() => { const h = document.getElementById('relationships').getBoundingClientRect();
                           const n = document.querySelector('.kb-jump').getBoundingClientRect();
                           return h.top >= n.bottom - 1 && h.top < window.innerHeight / 2; }""")
    links = jump.locator("a:visible").evaluate_all("links => links.map(a => a.getBoundingClientRect().height)")
    assert min(links) >= 24
    page.context.close()
    desktop = open_page(browser, real + "groups/isis-k/")
    expect(desktop.locator(".kb-jump")).to_be_hidden()  # the table of contents is beside the text there
    desktop.context.close()


@pytest.mark.parametrize(
    "path", ["groups/isis-k/", "events/kabul-airport-bombing/", "sources/usip-mir-2024/", "briefs/why-isis-k-struck-russia/"]
)
def test_tables_scroll_in_their_own_box_on_a_phone(browser: Browser, real: str, path: str) -> None:
    page = open_page(browser, real + path, viewport=PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page itself scrolls sideways: {width}px"
    overflowing = page.locator("article table").evaluate_all(
        """tables => tables.filter(t => t.scrollWidth > t.parentElement.clientWidth + 1).map(t => {
               const box = t.closest('.md-typeset__table, .md-typeset__scrollwrap') || t;
               return getComputedStyle(box).overflowX + '/' + getComputedStyle(t).overflowX;
           })"""
    )
    assert all("auto" in o or "scroll" in o for o in overflowing), overflowing
    page.context.close()


# -- the chart -----------------------------------------------------------------------------------


def test_chart_shows_without_javascript_and_in_print(browser: Browser, real: str) -> None:
    page = open_page(browser, real + "groups/isis-k/", javascript=False)
    chart = page.locator('.kb-figure[data-figure="strength"] svg')
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box and box["height"] > 100 and box["width"] > 200
    expect(chart.locator("text.kb-chart-label")).to_have_text(["nearly 2,000", "6,500"])
    page.emulate_media(media="print")
    expect(chart).to_be_visible()
    page.context.close()


def test_chart_points_open_their_notes(browser: Browser, real: str) -> None:
    page = open_page(browser, real + "groups/isis-k/")
    point = page.locator('.kb-figure[data-figure="strength"] a.kb-chart-point').last
    href = point.get_attribute("href")
    point.locator("circle").click()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    expect(page.locator(f'li[id="{href[1:]}"]')).to_contain_text("Webb 2024, para 8")
    page.context.close()
