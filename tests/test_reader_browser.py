"""Issue 5 as a reader meets it: the built site served from 127.0.0.1 and used in Chromium.

Search by every alias, alias URLs, disputed figures, the network graph, the timeline filter,
footnote tooltips by mouse and keyboard, print, an automated accessibility check (axe-core, shipped
inside the axe-playwright-python package), and no request leaving the local server.
These tests skip, saying why, only when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser import serve
from conftest import ROOT, Site
from playwright.sync_api import Browser, BrowserContext, Page, expect

# A limit for a state to be reached, not a wait: a test goes on as soon as the state is there. Generous,
# because a busy machine (CI, or other work on both cores) can make Chromium slow to get there.
expect.set_options(timeout=60_000)


@pytest.fixture(scope="module")
def real(site: Site) -> Iterator[str]:
    with serve(site.root) as base:
        yield base


@pytest.fixture(scope="module")
def fixture_base(fixture_site: Site) -> Iterator[str]:
    with serve(fixture_site.root) as base:
        yield base


@pytest.fixture(scope="module")
def reader(reader_site: Site) -> Iterator[str]:
    with serve(reader_site.root) as base:
        yield base


class Outside:
    """Every request a context makes that is not for the local server; each is refused."""

    def __init__(self, context: BrowserContext) -> None:
        self.requests: list[str] = []
        context.route(re.compile(r".*"), self._route)

    def _route(self, route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1" or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.outside = Outside(context)  # type: ignore[attr-defined]
    yield context
    outside = context.outside.requests  # type: ignore[attr-defined]
    context.close()
    assert outside == [], f"the page asked for something outside the local server: {outside}"


@pytest.fixture
def page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.errors.append(str(error)))  # type: ignore[attr-defined]
    return page


def path_of(url: str) -> str:
    return urlsplit(url).path


def search(page: Page, base: str, query: str) -> list[str]:
    """Type a query into Material's search box as a reader pastes it; the paths of the results, in order."""
    page.goto(base)
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)  # all at once: no result list for a shorter query can appear in between
    box.press("End")  # Material reads the query on keyup
    first = page.locator(".md-search-result__list > li > a.md-search-result__link").first
    expect(first).to_be_attached()
    pages = page.locator(".md-search-result__list > li").evaluate_all(
        "items => items.map(li => li.querySelector('a.md-search-result__link').href)"
    )
    return [path_of(href) for href in pages]


# -- 1. search by any name ----------------------------------------------------------------------

ALIASES = [
    ("ISKP", "/groups/isis-k/"),
    ("IS-K", "/groups/isis-k/"),
    ("Wilayat Khorasan", "/groups/isis-k/"),
    ("Tajik Taliban", "/groups/jamaat-ansarullah/"),
    ("TTT", "/groups/jamaat-ansarullah/"),
    ("Shahab al-Muhajir", "/people/sanaullah-ghafari/"),
]


@pytest.mark.parametrize(("alias", "profile"), ALIASES)
def test_alias_puts_its_profile_first(page: Page, real: str, alias: str, profile: str) -> None:
    search(page, real, alias)
    first = page.locator(".md-search-result__list > li > a.md-search-result__link").first
    expect(first).to_have_attribute("href", re.compile(re.escape(profile.strip("/")) + r"/(\?|$)"))


@pytest.mark.parametrize(("alias", "profile"), ALIASES)
def test_alias_ranks_first_by_the_index_alone(context: BrowserContext, real: str, alias: str, profile: str) -> None:
    # The search worker puts the profile of a name first by itself (the name's words are an entry of
    # the index: generator/export/search_index.py), "IS-K" included; no page script has a hand in it.
    context.route("**/assets/khorasan.js", lambda route: route.fulfill(status=200, body="", content_type="text/javascript"))
    page = context.new_page()
    results = search(page, real, alias)
    assert results[0] == profile, results[:3]


def test_fixture_aliases_find_their_profiles(page: Page, fixture_base: str) -> None:
    assert search(page, fixture_base, "Front Rouge")[0] == "/groups/red-front/"
    assert search(page, fixture_base, "Abu Test")[0] == "/people/jo-leader/"


# -- 2. alias URLs ------------------------------------------------------------------------------


@pytest.mark.parametrize(("old", "profile"), [("groups/iskp/", "/groups/isis-k/"), ("groups/tajik-taliban/", "/groups/jamaat-ansarullah/"), ("people/shahab-al-muhajir/", "/people/sanaullah-ghafari/")])
def test_alias_url_lands_on_the_profile(page: Page, real: str, old: str, profile: str) -> None:
    page.goto(real + old)
    expect(page).to_have_url(real.rstrip("/") + profile)
    expect(page.locator("article h1")).to_be_visible()


def test_former_id_url_lands_on_the_renamed_profile(page: Page, reader: str) -> None:
    page.goto(reader + "groups/old-front/")
    expect(page).to_have_url(reader + "groups/red-front/")
    expect(page.locator("article h1")).to_have_text(re.compile("Red Front"))


# -- 3. disagreements ---------------------------------------------------------------------------


def test_disputed_figure_opens_from_the_top_with_every_value(page: Page, fixture_base: str) -> None:
    page.goto(fixture_base + "events/hall-attack/")
    warning = page.locator(".admonition.warning")
    expect(warning).to_contain_text("Deaths")
    expect(warning).not_to_contain_text("Injuries")
    warning.get_by_role("link", name="Deaths").click()
    expect(page).to_have_url(re.compile(r"#figure-deaths$"))
    figure = page.locator('.kb-figure[data-figure="deaths"]')
    expect(figure).to_be_in_viewport()
    expect(figure.locator("figcaption .kb-differs")).to_have_text("Sources differ")
    rows = figure.locator("tbody tr")
    expect(rows).to_have_count(3)
    cells = [[c.strip() for c in row.locator("td").all_inner_texts()] for row in rows.all()]
    assert [(value, as_of) for value, as_of, _source in cells] == [
        ("more than 100", "March 2024"),
        ("120", "March 2024"),
        ("at least 137", "24 March 2024"),
    ]
    assert all(re.fullmatch(r"(Test Desk, A\. Writer, para \d|Beta Wire)\d+", source) for *_rest, source in cells), cells
    consistent = page.locator('.kb-figure[data-figure="injuries"]')
    expect(consistent.locator("tbody tr")).to_have_count(1)
    expect(consistent.locator(".kb-differs")).to_have_count(0)


def test_real_disputed_figure_shows_every_source(page: Page, real: str) -> None:
    page.goto(real + "events/kabul-airport-bombing/")
    link = page.locator(".admonition.warning a").first
    target = link.get_attribute("href")
    link.click()
    figure = page.locator(f'.kb-figure[data-figure="{target.removeprefix("#figure-")}"]')
    expect(figure).to_be_in_viewport()
    rows = figure.locator("tbody tr").all()
    assert len(rows) >= 2
    values = {row.locator("td").first.inner_text() for row in rows}
    assert len(values) >= 2, "a figure marked as disputed shows one value"


# -- 4. network graph ---------------------------------------------------------------------------


def node_ids(page: Page, selector: str) -> set[str]:
    return set(page.locator(selector).evaluate("el => el.cy.nodes().map(n => n.id())"))


def node_at(page: Page, selector: str, node_id: str) -> tuple[float, float]:
    """Where a node is on the screen, once it stands still there: the picture is laid out
    (data-ready), the node is in view, clear of the sticky header, and its position (the page's
    scroll and the picture's own) is the same on two animation frames running. A state, not a time."""
    graph = page.locator(selector)
    expect(graph).to_have_attribute("data-ready", "true")
    graph.evaluate(
        """(el, id) => {
            const node = el.cy.getElementById(id);
            if (!node.visible()) throw new Error(id + ' is not in the picture');
            el.cy.center(node);
            el.querySelector('.kb-graph-canvas').scrollIntoView({block: 'center', behavior: 'instant'});
        }""",
        node_id,
    )
    return graph.evaluate(STILL, node_id)


# Resolves with the node's place on screen once it is the same on two frames running (at most ~10 s
# of frames: a picture that never settles is a failure, reported as such).
STILL = """(el, id) => new Promise((resolve, reject) => {
    const where = () => {
        const box = el.querySelector('.kb-graph-canvas').getBoundingClientRect();
        const at = el.cy.getElementById(id).renderedPosition();
        return [box.left + at.x, box.top + at.y];
    };
    let last = where(), frames = 0;
    const check = () => requestAnimationFrame(() => requestAnimationFrame(() => {
        const now = where();
        if (now[0] === last[0] && now[1] === last[1]) return resolve(now);
        last = now;
        if (++frames > 600) return reject(new Error('the node never stood still'));
        check();
    }));
    check();
})"""


def click_node(page: Page, selector: str, node_id: str) -> None:
    x, y = node_at(page, selector, node_id)
    page.mouse.click(x, y)


def test_network_node_click_opens_the_profile(page: Page, fixture_base: str) -> None:
    page.goto(fixture_base + "network/")
    graph = page.locator(".kb-graph--full")
    expect(graph).to_have_attribute("data-ready", "true")
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
    graph = page.locator(".kb-graph")
    expect(graph).to_have_attribute("data-ready", "true")
    assert not [url for url in fetched if url.endswith("graph.json")]  # the page carries its neighbourhood
    # Jo Leader leads the Red Front and was involved in the summer march; nothing else touches him.
    assert node_ids(page, ".kb-graph") == {"jo-leader", "red-front", "summer-march"}
    click_node(page, ".kb-graph", "summer-march")
    expect(page).to_have_url(reader + "events/summer-march/")


def test_real_network_draws_every_linked_profile_and_lists_the_rest(page: Page, real: str) -> None:
    page.goto(real + "network/")
    expect(page.locator(".kb-graph--full")).to_have_attribute("data-ready", "true")
    on_disk = {p.stem for folder in ("groups", "people", "events") for p in (ROOT / "data" / folder).glob("*.yaml")}
    drawn = node_ids(page, ".kb-graph--full")
    listed = page.locator(".kb-isolated li a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    alone = {href.rstrip("/").split("/")[-1] for href in listed}
    assert drawn | alone == on_disk and not drawn & alone
    edges = page.locator(".kb-graph--full").evaluate("el => el.cy.edges().map(e => [e.source().id(), e.target().id()])")
    assert {end for edge in edges for end in edge} == drawn  # every node drawn has a relationship


# -- 5. timeline --------------------------------------------------------------------------------


def test_timeline_filter_shows_one_entitys_events(page: Page, reader: str) -> None:
    page.goto(reader + "timeline/")
    choose = page.get_by_label("Show the events of")
    expect(choose).to_be_visible()
    items = page.locator(".kb-timeline-item")
    expect(items).to_have_count(5)
    choose.fill("Blue League")
    visible = page.locator(".kb-timeline-item:visible")
    expect(visible).to_have_count(2)
    assert [t.get_attribute("datetime") for t in visible.locator("time").all()] == ["2014-12-31", "2015"]
    expect(page.locator(".kb-timeline-count")).to_have_text("2 of 5 events")
    expect(page).to_have_url(reader + "timeline/?entity=blue-league")
    choose.fill("")
    expect(visible).to_have_count(5)


def test_profile_link_opens_the_timeline_filtered(page: Page, reader: str) -> None:
    page.goto(reader + "groups/red-front/")
    page.get_by_role("link", name="These events on the timeline").click()
    expect(page.get_by_label("Show the events of")).to_have_value("Red Front")
    expect(page.locator(".kb-timeline-item:visible")).to_have_count(2)


# -- 6. citations -------------------------------------------------------------------------------


def test_footnote_tooltip_on_hover(page: Page, fixture_base: str) -> None:
    page.goto(fixture_base + "groups/red-front/")
    page.locator("a.footnote-ref").first.hover()
    tooltip = page.locator(".md-tooltip2")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("A test report on fictional groups")


def test_keyboard_reaches_a_footnote_and_its_tooltip(page: Page, fixture_base: str) -> None:
    page.goto(fixture_base + "groups/red-front/")
    focused = ""
    for _ in range(80):  # the skip link, the header, the navigation, then the article
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.className")
        if "footnote-ref" in focused:
            break
    assert "footnote-ref" in focused, "Tab never reached a footnote"
    tooltip = page.locator(".md-tooltip2")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(re.compile(r"Writer 2024, para \d"))


def test_first_tab_offers_to_skip_to_the_content(page: Page, fixture_base: str) -> None:
    page.goto(fixture_base + "groups/red-front/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text(re.compile("Skip to content", re.I))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#red-front$"))


# -- 8. print and accessibility -----------------------------------------------------------------


def test_profile_prints_without_navigation_and_with_references(page: Page, fixture_base: str) -> None:
    page.emulate_media(media="print")
    page.goto(fixture_base + "groups/red-front/")
    for chrome in [".md-header", ".md-tabs", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer", ".kb-network"]:
        expect(page.locator(chrome).first).to_be_hidden()
    expect(page.locator(".footnote")).to_be_visible()
    expect(page.locator(".kb-summary")).to_be_visible()
    page.goto(fixture_base + "sources/beta-news/")
    external = page.locator('article a[href="https://example.org/beta"]')
    after = external.evaluate("a => getComputedStyle(a, '::after').content")
    assert "https://example.org/beta" in after
    assert page.pdf()[:4] == b"%PDF"


AXE_PAGES_FIXTURE = ["", "groups/red-front/", "events/hall-attack/", "network/", "timeline/", "sources/alpha-report/", "briefs/test-brief/"]
AXE_PAGES_REAL = [
    "", "groups/isis-k/", "people/sanaullah-ghafari/", "events/crocus-city-hall-attack/", "network/", "timeline/",
    "sources/usip-mir-2024/", "groups/", "briefs/", "methodology/", "data/",
]


def serious_violations(page: Page) -> list[str]:
    page.wait_for_load_state("networkidle")
    graph = page.locator(".kb-graph")
    if graph.count():
        expect(graph.first).to_have_attribute("data-ready", "true")
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("path", AXE_PAGES_FIXTURE)
def test_fixture_pages_pass_axe(page: Page, fixture_base: str, path: str) -> None:
    page.goto(fixture_base + path)
    assert serious_violations(page) == []


@pytest.mark.parametrize("path", AXE_PAGES_REAL)
def test_real_pages_pass_axe(page: Page, real: str, path: str) -> None:
    page.goto(real + path)
    assert serious_violations(page) == []


def test_search_results_pass_axe(page: Page, real: str) -> None:
    search(page, real, "ISKP")
    assert serious_violations(page) == []


# -- 9. nothing from elsewhere ------------------------------------------------------------------


def test_a_reading_session_stays_on_the_local_server(context: BrowserContext, page: Page, real: str) -> None:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    for path in ["", "groups/isis-k/", "network/", "timeline/", "sources/usip-mir-2024/", "groups/iskp/"]:
        page.goto(real + path)
        page.wait_for_load_state("networkidle")
    search(page, real, "Tajik Taliban")
    page.wait_for_load_state("networkidle")
    assert seen, "no request was seen at all"
    assert {urlsplit(url).hostname for url in seen if not url.startswith("data:")} == {"127.0.0.1"}
    assert any(url.endswith("/graph.json") for url in seen)
    assert any(url.endswith("/cytoscape.min.js") for url in seen)
    assert context.outside.requests == []  # type: ignore[attr-defined]
