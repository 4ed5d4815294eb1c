"""The timeline in Chromium: events placed by date with era bands, zoom, filters by profile, type
and country kept in the address, and a profile's own compact timeline.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import ROOT
from playwright.sync_api import Page, expect

expect.set_options(timeout=20_000)


CHART = """el => {
    const events = [...el.querySelectorAll('.kb-chrono-event')].map(a => {
        const mark = a.querySelector('.kb-chrono-mark').getBoundingClientRect();
        return {href: a.href, x: mark.left, right: mark.right, label: a.textContent};
    });
    const eras = [...el.querySelectorAll('.kb-chrono-era')].map(b => ({text: b.textContent, x: b.getBoundingClientRect().left}));
    const ticks = [...el.querySelectorAll('.kb-chrono-tick')].map(t => ({text: t.textContent, x: t.getBoundingClientRect().left}));
    return {events, eras, ticks};
}"""


def chart(page: Page) -> dict:
    box = page.locator(".kb-chrono").first
    expect(box).to_have_attribute("data-ready", "true")
    return box.evaluate(CHART)


def year_x(ticks: list[dict], year: float) -> float:
    """Where the axis puts a moment (2024.0 = 1 January 2024), from its first and last year ticks,
    whichever years the zoom labels."""
    years = [(int(t["text"]), t["x"]) for t in ticks if t["text"].isdigit()]
    (first, x0), (last, x1) = years[0], years[-1]
    return x0 + (year - first) * (x1 - x0) / (last - first)


def test_timeline_places_events_by_date_with_era_bands_and_zooms_to_months(page: Page, real: str) -> None:
    page.goto(real + "timeline/")
    drawn = chart(page)
    listed = page.locator(".kb-timeline-item").count()
    assert len(drawn["events"]) == listed
    # Each event starts at its date: the Crocus City Hall attack (22 March 2024) after the start of 2024.
    crocus = next(e for e in drawn["events"] if "crocus-city-hall-attack" in e["href"])
    assert year_x(drawn["ticks"], 2024) < crocus["x"] < year_x(drawn["ticks"], 2025)
    taliban = next(e for e in drawn["eras"] if e["text"] == "Taliban rule")
    assert year_x(drawn["ticks"], 2021) < taliban["x"] < year_x(drawn["ticks"], 2022)

    page.get_by_role("button", name="Years").click()
    years = chart(page)
    width = year_x(years["ticks"], 2020) - year_x(years["ticks"], 2019)
    # "2019" alone (al-Baghdadi's death: the sources give only the year) is drawn across the whole year.
    baghdadi = next(e for e in years["events"] if "baghdadi-death" in e["href"])
    assert baghdadi["x"] == pytest.approx(year_x(years["ticks"], 2019), abs=2)
    assert baghdadi["right"] - baghdadi["x"] == pytest.approx(width, abs=2)
    page.get_by_role("button", name="Months").click()
    months = chart(page)
    assert {"Feb", "Mar", "Dec"} <= {t["text"] for t in months["ticks"]}
    month = months["ticks"][1]["x"] - months["ticks"][0]["x"]
    assert month > 5 * width / 12, "zoomed in from years to months"
    expect(page.get_by_role("button", name="Months")).to_have_attribute("aria-pressed", "true")


def test_timeline_filters_by_any_profile_type_and_country_and_keeps_them(page: Page, real: str) -> None:
    page.goto(real + "timeline/")
    names = page.locator("#kb-timeline-names option").evaluate_all("os => os.map(o => o.dataset.id)")
    on_disk = {p.stem for folder in ("groups", "people", "events") for p in (ROOT / "data" / folder).glob("*.yaml")}
    assert set(names) == on_disk
    page.get_by_label("Show the events of").fill("Jamaat Ansarullah")
    expect(page.locator(".kb-timeline-count")).to_contain_text("0 of")
    page.get_by_label("and of the profiles linked to it").check()
    expect(page.locator(".kb-timeline-count")).not_to_contain_text("0 of")
    wide = page.locator(".kb-timeline-item:visible").count()
    assert wide > 0 and len(chart(page)["events"]) == wide
    page.get_by_label("Show the events of").fill("")
    page.get_by_label("and of the profiles linked to it").uncheck()
    page.get_by_label("Country").select_option("Russia")
    visible = page.locator(".kb-timeline-item:visible")
    expect(visible).not_to_have_count(0)
    assert all(item.get_attribute("data-country") == "Russia" for item in visible.all())
    count = visible.count()
    assert parse_qs(urlsplit(page.url).query) == {"country": ["Russia"]}
    page.reload()
    expect(page.get_by_label("Country")).to_have_value("Russia")
    expect(page.locator(".kb-timeline-item:visible")).to_have_count(count)
    assert len(chart(page)["events"]) == count


def test_timeline_lines_read_as_sentences(page: Page, real: str) -> None:
    page.goto(real + "timeline/")
    for line in page.locator(".kb-timeline-item p:has(time)").all_inner_texts():
        assert "not stated" not in line.lower(), line
        assert re.search(r"\.\s*$", line), line


def test_profile_shows_its_own_compact_timeline(page: Page, real: str) -> None:
    page.goto(real + "groups/isis-k/")
    # The events table: the first table after the Events heading, wherever the theme wraps it.
    hrefs = set(
        page.locator("#events").evaluate(
            """heading => {
            const tables = [...document.querySelectorAll("article table")];
            const table = tables.find(t => heading.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING);
            return [...table.querySelectorAll("tbody tr td:nth-child(2) a")].map(a => a.href);
        }"""
        )
    )
    drawn = chart(page)
    assert hrefs and {e["href"] for e in drawn["events"]} == hrefs


# A limit for a state to be reached, not a wait: a test goes on as soon as the state is there. Generous,
# because a busy machine (CI, or other work on both cores) can make Chromium slow to get there.
expect.set_options(timeout=60_000)


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


BOXED = [("ISKP", "ISIS-K", "isis-k"), ("Khurasan", "ISIS-K", "isis-k"), ("Mansoor", "Akhtar Mansour", "akhtar-mansour")]


@pytest.mark.parametrize(("typed", "name", "profile"), BOXED)
def test_the_profile_box_takes_aliases_and_spellings_as_search_does(page: Page, published: str, typed: str, name: str, profile: str) -> None:
    """Issue 26, section 5: an alias ("ISKP") or another spelling selects the profile, as the name does."""
    page.goto(published + "timeline/")
    box = page.get_by_label("Show the events of")
    box.fill(name)
    expect(page).to_have_url(re.compile(rf"entity={profile}\b"))
    by_name = page.locator(".kb-timeline-count").text_content()
    box.fill("")
    expect(page).not_to_have_url(re.compile("entity="))
    box.fill(typed)
    expect(page).to_have_url(re.compile(rf"entity={profile}\b"))
    expect(page.locator(".kb-timeline-count")).to_have_text(f"{by_name} (“{typed}” taken as {name})")
    assert not (by_name or "").startswith("All")


def test_the_profile_box_says_when_no_profile_has_the_name(page: Page, real: str) -> None:
    page.goto(real + "timeline/")
    page.get_by_label("Show the events of").fill("Nobody Atall")
    expect(page.locator(".kb-timeline-count")).to_contain_text("No profile is called “Nobody Atall”; all ")


def test_the_timeline_keeps_its_room_from_the_first_paint_and_gives_it_back_without_script(browser, real: str) -> None:  # type: ignore[no-untyped-def]
    """Issue 26: the list under the timeline's picture does not jump down when the script draws it
    (a layout shift Lighthouse counted at 0.33); without script there is no empty box instead.
    "Before" is the page with its script held back (as it is until the script has run)."""

    def list_top(scripted: bool, timeline_script: bool) -> float:
        context = browser.new_context(java_script_enabled=scripted, viewport={"width": 390, "height": 900})
        page = context.new_page()
        try:
            if not timeline_script:
                page.route("**/kb-timeline.js", lambda route: route.abort())
            page.goto(real + "timeline/")
            page.wait_for_load_state("load")
            if scripted and timeline_script:
                expect(page.locator(".kb-chrono")).to_have_attribute("data-ready", "true")
            if not scripted:
                for hidden in (".kb-chrono", "#kb-timeline-filter", ".kb-chrono-controls"):
                    assert page.locator(hidden).evaluate("el => getComputedStyle(el).display") == "none", hidden
            return float(page.locator("#kb-timeline-list").evaluate("el => el.getBoundingClientRect().top + window.scrollY"))
        finally:
            context.close()

    before, after = list_top(True, False), list_top(True, True)
    assert abs(after - before) < 0.1 * 900, (before, after)
    assert list_top(False, False) < before  # without script, the room is given back


# The events whose mark lies (at least partly) in the visible part of the chart's scrolling viewport.
IN_VIEW = """el => {
    const view = el.querySelector('.kb-chrono-viewport').getBoundingClientRect();
    return [...el.querySelectorAll('a.kb-chrono-event')]
        .filter(a => { const b = a.querySelector('.kb-chrono-mark').getBoundingClientRect(); return b.right > view.left && b.left < view.right; })
        .map(a => a.getAttribute('href'));
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_years_and_months_open_on_the_events_shown_also_after_a_filter(page: Page, real: str, width: int) -> None:
    """Issue 26: "Years" opened on 1998-2006 and "Months" on 2001-2002, both empty, even filtered to ISIS-K."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(real + "timeline/")
    box = page.locator(".kb-chrono").first
    for scale in ("Years", "Months"):
        page.get_by_role("button", name="Decades").click()
        page.get_by_role("button", name=scale).click()
        expect(box).to_have_attribute("data-ready", "true")
        assert box.evaluate(IN_VIEW), f"{scale} opens on no event"
    page.get_by_label("Show the events of").fill("ISIS-K")
    expect(page.locator(".kb-timeline-count")).not_to_contain_text("All")
    for scale in ("Years", "Months"):
        page.get_by_role("button", name="Decades").click()
        page.get_by_role("button", name=scale).click()
        expect(box).to_have_attribute("data-ready", "true")
        shown = box.evaluate(IN_VIEW)
        assert shown, f"{scale}, filtered to ISIS-K, opens on no event"
    # A filter while zoomed in on a stretch without its events moves the view to them.
    page.get_by_label("Show the events of").fill("Soviet invasion of Afghanistan")
    expect(box).to_have_attribute("data-ready", "true")
    assert box.evaluate(IN_VIEW), "the filtered event is not in view"


def test_a_timeline_label_never_repeats_its_year(page: Page, real: str) -> None:
    """Issue 26: "Taliban takeover of Afghanistan (2021) (August 2021)" reads "... (August 2021)", and
    "... in southern Afghanistan (March 2024) (March 2024)" has its date once, on the timeline page
    (labels from its list) and on a profile's own timeline (labels from its data-events)."""
    for path in ("timeline/", "groups/isis-k/"):
        page.goto(real + path)
        labels = chart(page)["events"]
        texts = page.locator(".kb-chrono .kb-chrono-label").all_text_contents()
        assert len(texts) == len(labels)
        repeated = [t for t in texts if re.search(r"\((?:[^()]*\s)?(\d{4})\) \([^()]*\1\)$", t)]
        assert repeated == [], (path, repeated)
        assert any(t.startswith("Taliban takeover of Afghanistan (") and t.endswith("2021)") for t in texts), texts
        assert any(t.startswith("ISIS-K suicide bombing in southern Afghanistan (") for t in texts), texts


# Each label of a chart as drawn: its text, the full label (its title), whether CSS cuts it
# (overflow), and its box beside the chart's drawing and the chart's visible box.
LABELS = """el => {
    const view = el.querySelector('.kb-chrono-viewport').getBoundingClientRect();
    const inner = el.querySelector('.kb-chrono-inner').getBoundingClientRect();
    return [...el.querySelectorAll('.kb-chrono-label')].map(label => {
        const box = label.getBoundingClientRect();
        return {text: label.textContent, full: label.title, cut: label.scrollWidth > label.clientWidth,
                left: box.left, right: box.right,
                from: el.classList.contains('kb-chrono--compact') ? view.left : inner.left,
                to: el.classList.contains('kb-chrono--compact') ? view.right : inner.right};
    });
}"""


def cut_inside_a_word(text: str, full: str) -> bool:
    """Whether ``text`` shows ``full`` other than whole or as its first words (the name without its
    date, or its first words and "…")."""
    if text == full:
        return False
    shown = text.removesuffix("…")
    return not (shown and full.startswith(shown) and not full[len(shown)].isalnum() and not shown[-1].isspace())


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("url", ["timeline/", "groups/isis-k/", "groups/afghan-taliban/"])
def test_timeline_labels_are_never_cut_inside_a_word(page: Page, real: str, width: int, url: str) -> None:
    """Issue 26: at 390 px labels read "Foundin…". A label shows whole words (the whole label, the
    name without its date, or its first words and "…"), the full label is its title, and no label
    runs past what the chart shows (a compact chart does not scroll)."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(real + url)
    box = page.locator(".kb-chrono").first
    expect(box).to_have_attribute("data-ready", "true")
    labels = box.evaluate(LABELS)
    assert labels
    for label in labels:
        assert not cut_inside_a_word(label["text"], label["full"]), label
        assert not label["cut"], label
        assert label["from"] - 1 <= label["left"] and label["right"] <= label["to"] + 1, label
    if width == 390 and url == "timeline/":
        assert any(label["text"] != label["full"] for label in labels), "no label had to be shortened: the test shows nothing"


def test_the_word_cut_check_catches_a_cut_word() -> None:
    full = "Founding of the Islamic State's Khorasan province (January 2015)"
    assert cut_inside_a_word("Foundin…", full)
    assert cut_inside_a_word("Founding of the Isl…", full)
    assert not cut_inside_a_word("Founding of the…", full)
    assert not cut_inside_a_word("Founding of the Islamic State's Khorasan province", full)
    assert not cut_inside_a_word(full, full)
