"""A title is escaped exactly once wherever it shows (issue 24, section 2): on the page, in the
breadcrumb and the left column, in the <head> tags, in the search index and in the citation files.
A name that holds "&", quotes, "<" and even the text "&amp;" shows as written in each place; and a
source's address with "|" survives the table it is printed in (section 7).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURE_KB, Site, copy_project, mkdocs_build
from htmlq import find
from search_files import SearchFiles

from generator.render.publish import CITE_DIR

NAME = 'Tom\'s "Fish" & Chips &amp; < 5 Front'
BAR_URL = "https://example.org/a|b?q=1|2"
REAL = "Founding of the Islamic State's Khorasan province"


@pytest.fixture(scope="module")
def odd_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    project = copy_project(tmp_path_factory.mktemp("titles"), FIXTURE_KB)
    red = project / "data/groups/red-front.yaml"
    red.write_text(red.read_text().replace("name: Red Front", f"name: {json.dumps(NAME)}"))
    with (project / "data/sources/alpha-report.yaml").open("a") as source:
        source.write(f"url: {json.dumps(BAR_URL)}\n")
    result = mkdocs_build(project, project / "site")
    assert result.code == 0, result.err
    return Site(project / "site")


def shown_title(site: Site, url: str) -> dict[str, str]:
    """The title as a reader or a tool reads it in each place of one page (entities decoded once)."""
    html = site.page(url)
    meta = {e.attrs.get("property") or e.attrs.get("name"): e.attrs.get("content", "") for e in find(html, "meta")}
    search = SearchFiles(site.root)
    rows = [row for block in range(-(-search.meta["pages"] // search.meta["block"])) for row in search.read(f"p/{block}.json")]
    assert "&amp;#x27;" not in html and "&amp;quot;" not in html and "&amp;lt;" not in html, "escaped twice somewhere"
    return {
        "<title>": find(html, "title")[0].text.removesuffix(" - Khorasan Brief"),
        "heading": find(html, "h1")[0].text.split("¶")[0].strip(),
        "breadcrumb": find(html, "span", **{"aria-current": "page"})[0].text,
        "left column": find(html, "a", class_="md-nav__link--active")[0].text.strip(),
        "og:title": meta["og:title"],
        "citation_title": meta["citation_title"],
        "search": dict(rows)[url.strip("/") + "/"],
    }


def test_a_title_shows_as_written_in_every_place(odd_site: Site) -> None:
    places = shown_title(odd_site, "groups/red-front")
    assert places == dict.fromkeys(places, NAME)


def test_the_citation_files_hold_the_title_as_written(odd_site: Site) -> None:
    import rispy

    folder: Path = odd_site.root / CITE_DIR
    assert json.loads((folder / "red-front.json").read_text(encoding="utf-8"))[0]["title"] == NAME
    assert rispy.loads((folder / "red-front.ris").read_text(encoding="utf-8"))[0]["title"] == NAME


def test_the_real_sites_apostrophes_show_as_written(site: Site) -> None:
    places = shown_title(site, "events/wilayat-khorasan-founding")
    assert places == dict.fromkeys(places, REAL)


def test_a_source_address_with_a_bar_survives_its_table(odd_site: Site) -> None:
    """A "|" ends a cell of a Markdown table: the address is printed percent-encoded (%7C, the same
    address), in one cell, whole."""
    html = odd_site.page("sources/alpha-report")
    (row,) = [tr for tr in find(html, "tr") if tr.children and tr.children[0].text.strip() == "Public address"]
    assert len(row.children) == 2
    (link,) = [a for a in find(html, "a") if "example.org" in a.attrs.get("href", "")]
    assert link.attrs["href"] == link.text == "https://example.org/a%7Cb?q=1%7C2"
