"""Issue 3: the pages a build produces, read from a real `mkdocs build --strict` of the fixture KB."""

from __future__ import annotations

import re

import yaml
from conftest import Site
from htmlq import article, descendants, find, parse, section_after
from search_files import SearchFiles


def footnote_targets(html: str) -> dict[str, set[str]]:
    """footnote id -> hrefs of the source pages it leads to: each short name in a note links to the
    page's entry for that source, which links to the source's page."""
    entries = {p.attrs["id"]: p for p in find(html, "p", class_="kb-ref")}
    targets = {}
    for li in find(html, "li"):
        if not li.attrs.get("id", "").startswith("fn:"):
            continue
        shorts = [a.attrs["href"] for a in descendants(li, "a") if a.attrs["href"].startswith("#ref-")]
        targets[li.attrs["id"]] = {source_href(entries[href[1:]]) for href in shorts}
    return targets


def source_href(entry) -> str:
    return next(a.attrs["href"] for a in descendants(entry, "a") if "/sources/" in a.attrs["href"])


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
    assert all(targets.values()), "a note that names no source"
    for href in set().union(*targets.values()):
        assert re.fullmatch(r"\.\./\.\./sources/[a-z0-9-]+/", href), href
        assert (fixture_site.root / "groups/red-front" / href / "index.html").resolve().is_file()


def test_footnote_gives_the_short_form_and_the_full_reference(fixture_site: Site) -> None:
    html = fixture_site.page("groups/red-front")
    notes = [li for li in find(html, "li") if li.attrs.get("id", "").startswith("fn:")]
    # A note reads "Writer 2024, para 4." and carries the full reference for the tooltip.
    short = {" ".join(li.text.split("Writer, A.")[0].split()): li for li in notes}
    assert "Writer 2024, para 4." in short, list(short)
    full = [span.text for span in descendants(short["Writer 2024, para 4."], "span")
            if "kb-fullref" in span.attrs.get("class", "")]
    entry = find(html, "p", id="ref-alpha-report")[0].text  # the page's one entry for the source
    for text in (*full, entry):
        for part in ["Test Desk", "Writer, A.", "[A test report on fictional groups]", "March 2024"]:
            assert part in text, (part, text)
    assert len(full) == 1 and "Writer, A.." not in entry
    assert "Cited here: paras 1, 2, 3, 4" in " ".join(entry.split())


def test_same_citations_share_one_footnote(fixture_site: Site) -> None:
    html = fixture_site.page("groups/red-front")
    only_beta = [fid for fid, hrefs in footnote_targets(html).items() if hrefs == {"../../sources/beta-news/"}]
    # beta-news alone, without a locator, is cited by several statements on the page: one note.
    assert len(only_beta) == 1
    refs = [a for a in find(html, "a", class_="footnote-ref") if a.attrs["href"] == f"#{only_beta[0]}"]
    assert len(refs) >= 3


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
    header, *rows = find(deaths, "tr")
    assert [th.text for th in header.children] == ["Value", "As of", "Source"]
    assert [tr.children[0].text for tr in rows] == ["more than 100", "120", "at least 137"]  # by date
    assert [tr.children[1].text for tr in rows] == ["March 2024", "March 2024", "24 March 2024"]
    assert all(tr.children[2].text.strip() for tr in rows), "a value without its citation"
    caption = find(deaths, "figcaption")[0].text
    assert "Unit: people." in caption and "Sources differ" in caption
    assert "120 and at least 137 cannot both be true" in caption
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
    assert set().union(*footnote_targets(html).values()) == {"../../sources/alpha-report/", "../../sources/beta-news/"}


def test_search_index_holds_every_alias(fixture_site: Site) -> None:
    index = SearchFiles(fixture_site.root)
    texts = " ".join(section[1] + " " + section[2] for section in index.fragment("groups/red-front/")["s"])
    for alias in ["RF", "Front Rouge"]:
        assert alias in texts  # the summary box's "Also known as"
        assert index.pages_named(alias) == {"groups/red-front/": 2}


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
