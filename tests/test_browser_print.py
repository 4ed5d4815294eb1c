"""A brief and a profile printed to PDF in Chromium (Playwright's page.pdf, as "Save as PDF" does),
the text read back with pypdf: a briefing document with no site chrome, the page's address, the
date of its sources and its "last updated" date on the first page, and every note with its full
reference."""

from __future__ import annotations

import io

import yaml
from browser import explore, open_page
from conftest import PUBLISHED, ROOT, last_commit
from playwright.sync_api import expect
from pypdf import PdfReader

# Material's header, tabs and sidebars, the page's own jump links and its print button.
NAV = ("Skip to content", "Timeline Network", "Table of contents", "On this page", "Print or save as PDF", "Cite this page")


def printed(browser, url: str, scheme: str = "light") -> list[str]:  # type: ignore[no-untyped-def]
    """The text of each page of the PDF Chromium prints of ``url``."""
    page = open_page(browser, url, scheme=scheme)
    pdf = page.pdf(format="A4")
    page.context.close()
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def source(source_id: str) -> dict:
    return yaml.safe_load((ROOT / "data" / "sources" / f"{source_id}.yaml").read_text(encoding="utf-8"))


def test_a_printed_brief_is_a_briefing_with_its_address_dates_and_full_references(browser, published: str) -> None:  # type: ignore[no-untyped-def]
    pages = printed(browser, published + "briefs/why-isis-k-struck-russia/")
    first, text = pages[0], " ".join(pages)
    assert first.startswith("Why ISIS-K struck Russia")
    assert PUBLISHED["KB_SITE_URL"] + "briefs/why-isis-k-struck-russia/" in first
    assert "Sources dated March 2024" in first and "Brief dated March 2024" in first
    assert ("Last updated" in first) == bool(last_commit(ROOT / "briefs" / "why-isis-k-struck-russia.md"))
    for chrome in NAV:
        assert chrome not in text, f"the printed brief shows '{chrome}'"
    # Each note carries the full reference of its source, not only "Johny 2024, para 5".
    # The title appears in the list of sources once, and again in every note that cites it.
    title = " ".join(source("hindu-johny-2024")["title"].split()[:6])
    assert text.count(title) >= 3


def test_a_printed_profile_keeps_its_box_and_map_and_is_the_same_in_dark_mode(browser, published: str) -> None:  # type: ignore[no-untyped-def]
    light = printed(browser, published + "events/crocus-city-hall-attack/")
    first = light[0]
    assert first.startswith("Crocus City Hall attack")
    assert PUBLISHED["KB_SITE_URL"] + "events/crocus-city-hall-attack/" in first
    assert "Sources dated" in first and "Last updated" in first
    assert "Marked at Crocus City Hall" in " ".join(light)  # the map's caption: the map is kept
    for chrome in NAV:
        assert chrome not in " ".join(light)
    # The reader's dark palette does not print as a dark page: the same text comes out.
    assert printed(browser, published + "events/crocus-city-hall-attack/", scheme="dark") == light


def test_the_print_button_opens_the_print_dialog(page, real: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(real + "groups/isis-k/")
    button = page.get_by_role("button", name="Print or save as PDF")
    expect(button).to_be_visible()
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    button.click()
    assert page.evaluate("() => window.printed") == 1


def test_the_network_page_prints_its_picture_made_at_build_time(page, real: str) -> None:  # type: ignore[no-untyped-def]
    """Issue 26: the whole network prints, the page's width, even once the library has drawn it."""
    page.goto(real + "network/")
    explore(page)
    page.emulate_media(media="print")
    picture = page.locator(".kb-netmap-svg")
    expect(picture).to_be_visible()
    expect(page.locator(".kb-graph-canvas")).to_be_hidden()
    assert picture.bounding_box()["width"] >= page.locator("article").bounding_box()["width"] * 0.6
