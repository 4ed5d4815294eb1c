"""Issue 3: the pages a build produces, read from a real `mkdocs build --strict` of the fixture KB."""

from __future__ import annotations

import json
import re

import yaml

from conftest import Site
from htmlq import article, find, parse, section_after


def footnote_targets(html: str) -> dict[str, str]:
    """footnote id -> href of the source link inside it."""
    return {li.attrs["id"]: find_source_href(li) for li in find(html, "li") if li.attrs.get("id", "").startswith("fn:")}


def find_source_href(li) -> str:
    links = [child for child in li.children if child.tag == "a"] or [
        a for p in li.children for a in p.children if a.tag == "a"
    ]
    return links[0].attrs["href"]


def test_every_kind_of_page_is_built(fixture_site: Site) -> None:
    for url in [
        "groups/red-front",
        "groups/blue-league",
        "people/jo-leader",
        "events/hall-attack",
        "sources/alpha-report",
        "sources/beta-news",
        "briefs/test-brief",
        "groups",
        "people",
        "events",
        "sources",
        "briefs",
    ]:
        assert "<article" in fixture_site.page(url), url


def test_footnotes_link_to_source_pages_that_exist(fixture_site: Site) -> None:
    html = fixture_site.page("groups/red-front")
    targets = footnote_targets(html)
    assert targets, "no footnotes on a cited page"
    for href in targets.values():
        assert re.fullmatch(r"\.\./\.\./sources/[a-z0-9-]+/", href), href
        assert (fixture_site.root / "groups/red-front" / href / "index.html").resolve().is_file()


def test_footnote_names_publisher_author_title_date_and_locator(fixture_site: Site) -> None:
    html = fixture_site.page("groups/red-front")
    first = find(html, "li", id="fn:1")[0].text
    for part in ["Test Desk", "A. Writer", "[A test report on fictional groups]", "March 2024", "para 1"]:
        assert part in first


def test_same_source_and_locator_share_one_footnote(fixture_site: Site) -> None:
    html = fixture_site.page("groups/red-front")
    to_beta = [fid for fid, href in footnote_targets(html).items() if href.endswith("/beta-news/")]
    # beta-news is cited five times on the page, always without a locator: one footnote.
    assert len(to_beta) == 1
    refs = [a for a in find(html, "a", class_="footnote-ref") if a.attrs["href"] == f"#{to_beta[0]}"]
    assert len(refs) >= 4


def test_inverse_relationships_appear_on_the_other_profile(fixture_site: Site) -> None:
    # Only red-front.yaml writes these links; the other pages must show the inverse.
    leader = section_after(fixture_site.page("people/jo-leader"), "relationships")
    assert "Leads" in leader and "../../groups/red-front/" in leader
    rival = section_after(fixture_site.page("groups/blue-league"), "relationships")
    assert "Rival of" in rival and "../red-front/" in rival
    event = fixture_site.page("events/hall-attack")
    assert "Claimed by" in section_after(event, "relationships")


def test_summary_box_lists_leaders_from_relationships(fixture_site: Site) -> None:
    box = find(fixture_site.page("groups/red-front"), "div", class_="kb-summary")[0]
    assert "Jo Leader" in box.text and "RF" in box.text and "Front Rouge" in box.text


def test_disagreeing_figures_are_all_shown_with_source_and_date(fixture_site: Site) -> None:
    html = fixture_site.page("events/hall-attack")
    deaths = section_after(html, "figure-deaths")
    rows = [tr for tr in find(deaths, "tr")][1:]
    values = [tr.children[0].text for tr in rows]
    assert values == ["at least 137", "more than 100", "143"]
    assert all(tr.children[3].text.strip() for tr in rows), "a value without its citation"
    assert [tr.children[1].text for tr in rows] == ["24 March 2024", "March 2024", "March 2024"]
    assert "Sources differ" in deaths
    injuries = section_after(html, "figure-injuries")
    assert "Sources differ" not in injuries
    warning = find(html, "div", class_="warning")[0]
    assert "Deaths" in warning.text and "Injuries" not in warning.text


def test_source_page_lists_what_cites_it(fixture_site: Site) -> None:
    cited_by = section_after(fixture_site.page("sources/alpha-report"), "cited-by")
    for page in ["../../groups/red-front/", "../../people/jo-leader/", "../../briefs/test-brief/"]:
        assert page in cited_by


def test_brief_links_entities_by_alias_and_cites_sources(fixture_site: Site) -> None:
    html = fixture_site.page("briefs/test-brief")
    body = article(html)
    links = {a.attrs["href"] for a in find(html, "a")}
    assert "../../groups/red-front/" in links  # written [[RF]]
    assert "../../groups/blue-league/" in links
    assert "the League" in body.text
    assert "Its leader is Jo Leader" in body.text  # [[jo-leader]] reads as the profile's name
    assert set(footnote_targets(html).values()) == {"../../sources/alpha-report/", "../../sources/beta-news/"}


def test_search_index_holds_every_alias(fixture_site: Site) -> None:
    index = json.loads((fixture_site.root / "search" / "search_index.json").read_text(encoding="utf-8"))
    texts = " ".join(doc["text"] + doc["title"] for doc in index["docs"] if doc["location"].startswith("groups/red-front/"))
    for alias in ["RF", "Front Rouge"]:
        assert alias in texts


def test_text_from_yaml_is_not_markup(fixture_project, tmp_path) -> None:
    from conftest import mkdocs_build

    path = fixture_project / "data/groups/blue-league.yaml"
    data = yaml.safe_load(path.read_text())
    data["summary"]["text"] = "Text with *stars*, [a link](https://example.org/x), `code`, {: onclick=alert(1) } and &amp; in it."
    path.write_text(yaml.safe_dump(data))
    result = mkdocs_build(fixture_project, tmp_path / "site")
    assert result.code == 0, result.err
    html = (tmp_path / "site/groups/blue-league/index.html").read_text()
    body = article(html)
    assert "*stars*" in body.text and "[a link](https://example.org/x)" in body.text and "&amp;" in body.text
    assert not find(html, "em") and not find(html, "a", href="https://example.org/x")
    assert not [el for el in parse(html) if "onclick" in el.attrs]
