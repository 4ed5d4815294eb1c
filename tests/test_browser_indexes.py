"""The indexes of groups, people, events and sources in Chromium: filters, facets, years and
sorting, kept in the address, and every row listed without script.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from conftest import ROOT
from playwright.sync_api import Page, expect

expect.set_options(timeout=20_000)


def rows(page: Page) -> list[str]:
    """The names in the first column of the visible rows, in order."""
    return page.locator(".kb-index tbody tr:visible td:nth-child(1) a").all_inner_texts()


def test_group_index_filters_sorts_and_keeps_the_view_in_the_address(page: Page, real: str) -> None:
    page.goto(real + "groups/")
    everything = rows(page)
    assert len(everything) == len(list((ROOT / "data/groups").glob("*.yaml")))
    expect(page.locator(".kb-index output")).to_have_text(f"All {len(everything)} groups")
    page.get_by_label("Name or alias").fill("iskp")  # an alias, in any case
    expect(page.locator(".kb-index tbody tr:visible")).to_have_count(1)
    assert rows(page) == ["ISIS-K"]
    page.get_by_label("Name or alias").fill("")
    page.get_by_label("Status").select_option("Active")
    page.get_by_role("button", name=re.compile("^Attacks")).click()
    page.get_by_role("button", name=re.compile("^Attacks")).click()  # again: most attacks first
    expect(page.locator("th", has_text="Attacks")).to_have_attribute("aria-sort", "descending")
    counts = [int(c) for c in page.locator(".kb-index tbody tr:visible td:nth-child(8)").all_inner_texts()]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
    shown = rows(page)
    assert rows(page)[0] == "ISIS-K"
    shared = page.url
    query = parse_qs(urlsplit(shared).query)
    assert query == {"status": ["Active"], "sort": ["attacks-profiled"], "order": ["desc"]}
    other = page.context.new_page()
    other.goto(shared)
    expect(other.locator(".kb-index tbody tr:visible")).to_have_count(len(shown))
    assert rows(other) == shown
    expect(other.get_by_label("Status")).to_have_value("Active")
    other.close()
    page.get_by_role("button", name="Clear filters").click()
    expect(page.locator(".kb-index tbody tr:visible")).to_have_count(len(everything))


def test_event_index_filters_by_country_and_years_and_marks_disagreement(page: Page, real: str) -> None:
    page.goto(real + "events/")
    # The sources' Afghan tolls of the Kabul airport bombing (170; about 200) cannot both be true;
    # Crocus City Hall's (more than 100, at least 130, at least 137) can, and are shown as a range.
    kabul = page.locator(".kb-index tbody tr", has_text="Kabul airport bombing")
    expect(kabul.locator(".kb-differs")).to_have_text("sources differ")
    crocus = page.locator(".kb-index tbody tr", has_text="Crocus City Hall")
    expect(crocus.locator(".kb-differs")).to_have_count(0)
    page.get_by_label("Country").select_option("Russia")
    page.get_by_label("Years, from").fill("2024")
    page.get_by_label("to", exact=True).fill("2024")
    visible = page.locator(".kb-index tbody tr:visible")
    expect(visible).not_to_have_count(0)
    assert all(c == "Russia" for c in visible.locator("td:nth-child(5)").all_inner_texts())
    assert all(d.startswith("2024") or d.endswith("2024") for d in visible.locator("td:nth-child(1)").all_inner_texts())
    page.reload()
    expect(page.get_by_label("Country")).to_have_value("Russia")
    expect(page.locator(".kb-index tbody tr:visible")).to_have_count(visible.count())
    places = page.locator(".kb-index tbody td:nth-child(4)").all_inner_texts()
    assert not [p for p in places if "not stated" in p.lower()]


def test_people_and_sources_indexes_filter_by_their_facets(page: Page, real: str) -> None:
    page.goto(real + "people/")
    page.get_by_label("Name or alias").fill("shahab")  # Sanaullah Ghafari's other name
    assert rows(page) == ["Sanaullah Ghafari"]
    page.get_by_label("Name or alias").fill("")
    page.get_by_label("Affiliation").select_option("ISIS-K")
    assert "Sanaullah Ghafari" in rows(page) and len(rows(page)) < page.locator(".kb-index tbody tr").count()
    page.goto(real + "sources/")
    page.get_by_role("button", name=re.compile("^Citing statements")).click()
    counts = [int(c) for c in page.locator(".kb-index tbody tr td:nth-child(6)").all_inner_texts()]
    assert counts == sorted(counts)


def test_index_without_script_lists_every_row(context, real: str) -> None:  # noqa: ANN001
    context.route("**/assets/kb-tables.js", lambda route: route.fulfill(status=200, body="", content_type="text/javascript"))
    page = context.new_page()
    page.goto(real + "groups/?status=defunct&q=nothing")
    expect(page.locator(".kb-index tbody tr:visible")).to_have_count(len(list((ROOT / "data/groups").glob("*.yaml"))))
    expect(page.locator(".kb-index form")).to_have_count(0)


def test_the_name_filter_finds_names_in_other_spellings(page: Page, published: str) -> None:
    """Issue 27, section 4: the index filter reads names as search does (generator/model/spelling.py)."""
    for index, typed, name in [
        ("people/", "Hebatullah", "Hibatullah Akhundzada"),
        ("people/", "Suleimani", "Qassem Soleimani"),
        ("people/", "Yaqub", "Mohammad Yaqoob Mujahid"),
        ("events/", "Krokus", "Crocus City Hall attack"),
        ("groups/", "Wilayat-e-Khurasan", "ISIS-K"),
    ]:
        page.goto(published + index)
        page.get_by_label("Name or alias").fill(typed)
        visible = page.locator(".kb-index tbody tr:visible")
        expect(visible).not_to_have_count(0)
        names = visible.evaluate_all("rows => rows.map(r => r.querySelector('td a').textContent)")
        assert name in names and len(names) <= 3, (typed, names)
