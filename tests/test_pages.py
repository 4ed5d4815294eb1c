"""The pages a build makes, read from real builds of the fixture and of the real knowledge base:
every kind of page, footnotes in the short form with one full entry per source, statements with one
marker, summary boxes, figures and their disagreement rule, source pages, the chrome around a profile
(its tab, its kind's other profiles, edit links, the licence), and pages that stay bounded.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURE_KB, PUBLISHED, ROOT, Site, copy_project, generator, mkdocs_build
from htmlq import article, below, box_rows, descendants, find, parse, section_after
from mkdocs.commands.build import build
from mkdocs.config import load_config
from search_files import SearchFiles

import generator.render.site as render
from generator.model import figures
from generator.model.citations import locators
from generator.model.entities import FigureValue
from generator.render.text import attribution_words


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
    full = [span.text for span in descendants(short["Writer 2024, para 4."], "span") if "kb-fullref" in span.attrs.get("class", "")]
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


SOURCE_IDS = sorted(p.stem for p in (ROOT / "data/sources").glob("*.yaml"))


def value(number: float, qualifier: str = "exact", as_of: str = "2024-03", top: float | None = None, category: str | None = None) -> FigureValue:
    return FigureValue(value=number, qualifier=qualifier, as_of=as_of, max=top, category=category, cite=["s"])


RULE = [
    # (values, differs, series): the cases of the issue and the Methodology page, and their edges
    ([value(13), value(13, "about")], False, False),
    ([value(100, "more-than"), value(100, "more-than")], False, False),
    ([value(100, "more-than"), value(130, "at-least")], False, False),
    ([value(100, "more-than"), value(130, "at-least"), value(137, "at-least")], False, False),
    ([value(2000, "nearly", "2021-08"), value(6500, as_of="2023-02")], False, True),
    ([value(2500, top=3500, as_of="2019-02"), value(4000, "about", "2023-02")], False, True),
    ([value(170, as_of="2021-08-26"), value(200, "about", "2021-08")], True, False),  # about 200: 180-220
    ([value(181, as_of="2021-08-26"), value(200, "about", "2021-08")], False, False),
    ([value(120), value(137, "at-least", "2024-03-24")], True, False),
    ([value(137, "at-least", "2024-03-24"), value(120, as_of="2024-04")], False, True),  # other months
    ([value(100), value(100, "more-than")], True, False),  # "more than 100" excludes 100
    ([value(100), value(100, "at-least")], False, False),
    ([value(100), value(100, "fewer-than")], True, False),
    ([value(100), value(100, "at-most")], False, False),
    ([value(90), value(100, "nearly")], False, False),  # nearly 100: 90 to 100
    ([value(101), value(100, "nearly")], True, False),
    ([value(2500, top=3500), value(3000, "about")], False, False),
    ([value(2500, top=3500), value(4000)], True, False),
    ([value(2500, "about", top=3500), value(3800)], False, False),  # about 2,500-3,500 reaches 3,850
    ([value(13, category="U.S. service members"), value(170, category="Afghans")], False, False),
    ([value(13, category="U.S."), value(13, as_of="2023", category="U.S.")], False, True),
    ([value(5, as_of="2021"), value(9, as_of="2021-08")], True, False),  # 2021 takes in August 2021
    ([value(5)], False, False),
]


@pytest.mark.parametrize(
    ("found", "text"),
    [
        (["para 6"], "para 6"),
        (["para 10", "para 2", "para 6", "para 2"], "paras 2, 6, 10"),
        ([None], ""),
        (["section 2 para 3", "para 5"], "section 2 para 3, para 5"),
        (["para 17; derived: July 2023, from 'last July'"], "para 17 (derived: July 2023, from 'last July')"),
    ],
)
def test_locators_read_as_a_reference_gives_them(found: list[str | None], text: str) -> None:
    assert locators(found) == text


@pytest.mark.parametrize(("values", "differs", "series"), RULE)
def test_disagreement_rule(values: list[FigureValue], differs: bool, series: bool) -> None:
    assert figures.differs(values) is differs
    assert figures.differs(list(reversed(values))) is differs
    assert figures.is_series(values) is series


@pytest.mark.parametrize(
    ("status", "by", "words"),
    [
        (None, "the author (Kyiv Post)", "according to the author (Kyiv Post)"),
        ("claimed", "ISIS-K", "claimed by ISIS-K"),
        ("reported", None, "reported"),
        ("disputed", "Russian officials", "according to Russian officials; disputed"),
        ("denied", "the Taliban", "according to the Taliban; denied"),
        (None, None, ""),
    ],
)
def test_attribution_reads_as_english(status: str | None, by: str | None, words: str) -> None:
    assert attribution_words(status, by) == words


def built_pages(site: Site) -> list[Path]:
    return [p for p in site.root.rglob("index.html") if "refresh" not in p.read_text(encoding="utf-8")[:600]]


def article_html(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    start, end = text.find("<article"), text.find("</article>")
    return text[start:end] if start != -1 else ""


def prose(fragment: str) -> str:
    """The words a reader sees: code and attribute values left out, entities decoded."""
    fragment = re.sub(r"<(code|pre|script|style)\b.*?</\1>", " ", fragment, flags=re.S)
    fragment = re.sub(r'<div class="kb-graph"[^>]*>', " ", fragment)
    return html_lib.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_real_site_pages_are_all_checked(site: Site) -> None:
    pages = built_pages(site)
    kinds = {p.relative_to(site.root).parts[0] for p in pages if len(p.relative_to(site.root).parts) > 2}
    assert {"groups", "people", "events", "sources", "briefs"} <= kinds
    assert len(pages) > 70


def test_no_citation_slips_in_the_rendered_text(site: Site) -> None:
    slips = []
    for page in built_pages(site):
        fragment = article_html(page)
        text = " ".join(prose(fragment).split())
        where = page.relative_to(site.root).parent.as_posix()
        for pattern in [r"according to by\b", r"\bby by\b", r"\(\s*by\b", r"according to according to", r"\.\.(?!\.)"]:
            slips += [f"{where}: {m.group()!r}" for m in re.finditer(pattern, text)]
        # A footnote marker follows its word at once: no space or comma in between.
        slips += [f"{where}: {m.group()!r} before a marker" for m in re.finditer(r"[\s,;]+(?=<sup id=\"fnref)", fragment)]
        # One marker per statement: never two side by side.
        slips += [f"{where}: two markers side by side" for _ in re.finditer(r"</sup>\s*<sup id=\"fnref", fragment)]
    assert slips == []


def test_no_source_id_in_prose(site: Site) -> None:
    found = []
    for page in built_pages(site):
        text = prose(article_html(page))
        found += [f"{page.relative_to(site.root).parent}: {i}" for i in SOURCE_IDS if re.search(rf"(?<![\w-]){i}(?![\w-])", text)]
    assert found == []


def test_a_source_id_written_in_text_is_an_error(fixture_project: Path) -> None:
    path = fixture_project / "data/groups/blue-league.yaml"
    data = yaml.safe_load(path.read_text())
    data["summary"]["text"] = "The league is described in beta-news, para 2."
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    result = generator("validate", cwd=fixture_project)
    assert result.code == 1 and "Traceback" not in result.err
    assert re.search(r"data/groups/blue-league\.yaml:\d+:\d+: source id 'beta-news' in the text.*\[@beta-news, para N\]", result.err)


def test_citations_side_by_side_in_a_brief_make_one_marker(fixture_project: Path, tmp_path: Path) -> None:
    brief = fixture_project / "briefs/test-brief.md"
    brief.write_text(
        brief.read_text() + "\nBoth sources agree [@alpha-report, para 2] [@beta-news], mostly.\n\n"
        "It ends at 1.5 [@beta-news]. Then 2 [@beta-news].5 is not a full stop.\n"
    )
    result = mkdocs_build(fixture_project, tmp_path / "site")
    assert result.code == 0, result.err
    html = (tmp_path / "site/briefs/test-brief/index.html").read_text()
    sentence = next(p for p in find(html, "p") if "Both sources agree" in p.text)
    assert re.fullmatch(r"Both sources agree\d+, mostly\.", sentence.text)  # one marker, no space before it
    number = re.search(r"agree(\d+)", sentence.text).group(1)
    note = find(html, "li", id=f"fn:{number}")[0].text
    assert note.strip().startswith("Writer 2024, para 2; Beta Wire 2024.")
    ending = next(p for p in find(html, "p") if p.text.startswith("It ends"))
    assert re.fullmatch(r"It ends at 1\.5\.\d+ Then 2\d+\.5 is not a full stop\.", ending.text)  # after the full stop


def table(fragment: str) -> tuple[list[str], list[list]]:
    header, *rows = find(fragment, "tr")
    return [th.text.strip() for th in header.children], [row.children for row in rows]


def test_figure_table_says_whose_number_it_is_in_words(site: Site) -> None:
    deaths = section_after(site.page("events/crocus-city-hall-attack"), "figure-deaths")
    columns, rows = table(deaths)
    assert columns == ["Value", "As of", "According to", "Source"]
    sources = [" ".join(row[3].text.split()) for row in rows]
    assert "DefenceReport, Stewart Webb, para 1" in "".join(sources)
    for row in rows:
        links = [a.attrs["href"] for cell in row[3:] for a in below(cell) if a.tag == "a"]
        assert any(re.fullmatch(r"\.\./\.\./sources/[a-z0-9-]+/", h) for h in links), links  # the source page
        assert any(h.startswith("#fn:") for h in links), links  # and the footnote
    assert "Unit: people." in find(deaths, "figcaption")[0].text


def test_according_to_column_only_where_a_value_has_it(fixture_site: Site) -> None:
    columns, _ = table(section_after(fixture_site.page("events/hall-attack"), "figure-injuries"))
    assert columns == ["Value", "As of", "Source"]
    columns, _ = table(section_after(fixture_site.page("groups/red-front"), "figure-strength"))
    assert columns == ["Value", "As of", "According to", "Source"]


def test_sources_differ_only_where_values_cannot_both_be_true(site: Site) -> None:
    crocus = site.page("events/crocus-city-hall-attack")
    assert "Sources differ" not in section_after(crocus, "figure-deaths")
    assert not find(crocus, "div", class_="warning")
    kabul = site.page("events/kabul-airport-bombing")
    caption = find(section_after(kabul, "figure-deaths"), "figcaption")[0].text
    assert "Sources differ 170 and about 200 cannot both be true" in " ".join(caption.split())
    columns, rows = table(section_after(kabul, "figure-deaths"))
    assert columns[:2] == ["Value", "Counted"]
    assert [row[1].text for row in rows] == ["Afghans", "Afghans", "U.S. service members", "U.S. service members"]
    strength = section_after(site.page("groups/isis-k"), "figure-strength")
    assert "Sources differ" not in strength and "a series over time" in strength


def test_series_is_in_date_order_with_a_chart_linked_to_its_notes(site: Site) -> None:
    html = site.page("groups/isis-k")
    for figure_id in ["strength", "fighters-near-tajik-border"]:
        fragment = section_after(html, f"figure-{figure_id}")
        _, rows = table(fragment)
        dates = [row[1].text for row in rows]
        assert dates == sorted(dates, key=lambda d: int(d[-4:])), dates
        (chart,) = find(fragment, "div", class_="kb-chart")
        assert chart.attrs["aria-hidden"] == "true"  # the table beside it is the text for screen readers
        points = [a for a in below(chart) if a.tag == "a"]
        assert len(points) == len(rows)
        assert all(a.attrs["tabindex"] == "-1" for a in points)
        for a, row in zip(points, rows):
            assert a.attrs["href"].startswith("#fn:") and find(html, "li", id=a.attrs["href"][1:])
            marker = next(x for x in below(row[-1]) if x.tag == "a" and "footnote-ref" in x.attrs.get("class", ""))
            assert marker.attrs["href"] == a.attrs["href"]  # the point and its row cite the same note
        labels = [t.text for t in below(chart) if t.tag == "text" and "kb-chart-label" in t.attrs.get("class", "")]
        assert labels == [row[0].text.split(" (")[0] for row in rows]
    # Values for one date are no series: no chart.
    assert not find(section_after(site.page("events/crocus-city-hall-attack"), "figure-deaths"), "div", class_="kb-chart")


def test_group_page_lists_attacks_with_tolls_linking_to_the_event(site: Site) -> None:
    html = site.page("groups/isis-k")
    assert not [h for h in find(html, "h3") if "Crocus" in h.text or "Kabul" in h.text]
    columns, rows = table(section_after(html, "events"))
    assert columns == ["Date", "Event", "Role", "Deaths", "Sources"]
    by_event = {row[1].text.strip(): row for row in rows}
    assert len(by_event) == len(rows), "an event listed twice"
    crocus = by_event["Crocus City Hall attack"]
    assert crocus[3].text.strip() == "more than 100 to at least 137"
    assert [a.attrs["href"] for a in below(crocus[3]) if a.tag == "a"] == ["../../events/crocus-city-hall-attack/#figure-deaths"]
    assert "Carried out" in crocus[2].text and "claimed" in crocus[2].text
    assert "Sources differ" in by_event["Kabul airport bombing"][3].text


# "Rafiq 2024, paras 6, 21; Johny 2024, para 10." (a remark on a locator in brackets after it)
ONE = r"[A-Z][\w. -]+ \d{4}[a-z]?(, paras? \d+(, \d+)*( \([^()]+\))?)?"


NOTE = re.compile(rf"{ONE}(; {ONE})*\.")


@pytest.mark.parametrize("path", ["groups/isis-k", "events/crocus-city-hall-attack", "briefs/why-isis-k-struck-russia"])
def test_notes_use_the_short_form_with_one_entry_per_source(site: Site, path: str) -> None:
    html = site.page(path)
    entries = {p.attrs["id"]: p for p in find(html, "p", class_="kb-ref")}
    notes = [li for li in find(html, "li") if li.attrs.get("id", "").startswith("fn:")]
    cited = set()
    for li in notes:
        short = li.text.split("\xa0")[0]
        visible = short[: short.index(".") + 1] if "." in short else short
        assert NOTE.fullmatch(_short_text(li)), _short_text(li)
        hrefs = [a.attrs["href"] for a in below(li) if a.tag == "a" and a.attrs["href"].startswith("#ref-")]
        assert hrefs and all(h[1:] in entries for h in hrefs), visible
        cited |= {h[5:] for h in hrefs}
    assert set(entries) == {f"ref-{i}" for i in cited}  # one entry per source cited, no more
    for entry in entries.values():
        assert re.search(r"Cited here: paras? \d", entry.text)
        assert [a for a in below(entry) if a.tag == "a" and "/sources/" in a.attrs["href"]]
    assert len(entries) <= len(SOURCE_IDS)


def _short_text(li) -> str:
    """The note as it reads in the list: its text without the full references kept for the tooltip."""
    hidden = "".join(s.text for s in below(li) if s.tag == "span" and "kb-fullref" in s.attrs.get("class", ""))
    return " ".join(li.text.replace(hidden, "").replace("↩", "").split())


def test_source_page_says_what_a_reader_can_check(site: Site) -> None:
    html = site.page("sources/usip-mir-2024")
    box = {tr.children[0].text.strip(): " ".join(tr.children[1].text.split()) for tr in find(html, "tr")}
    assert box["Publisher"] == "United States Institute of Peace" and box["Author"] == "Asfandyar Mir"
    assert box["Date"] == "March 2024: the text gives no exact day"
    assert box["Public address"].startswith("None is known")
    assert "non-empty line of the archived text" in box["Paragraphs"]
    # Issue 26: what a reader can check, not the project's own file name for its copy of the text.
    archive = (ROOT / "data" / "sources" / "usip-mir-2024.yaml").read_text(encoding="utf-8").split("archive:", 1)[1].split()[0].strip("\"'")
    assert archive and archive not in html
    assert "URL" not in box and "Unknown" not in article(html).text
    assert box["Cited as"] == "Mir 2024"
    assert "Not named in the text" in " ".join(find(site.page("sources/kyiv-post-2024"), "table")[0].text.split())


def test_source_page_lists_each_statement_once_with_context(site: Site) -> None:
    cited = section_after(site.page("sources/usip-mir-2024"), "cited-by")
    pages = [li for li in find(cited, "li") if any(c.tag == "ul" for c in li.children)]
    assert len(pages) >= 8
    for page in pages:
        items = [" ".join(c.text.split()) for u in page.children if u.tag == "ul" for c in u.children if c.tag == "li"]
        assert len(items) == len(set(items)), items
        assert all(re.match(r"paras? \d+(, \d+)*: \S", item) for item in items), items
        assert not [item for item in items if "cited in the text" in item]
    brief = next(p for p in pages if "Why ISIS-K struck Russia" in p.text)
    assert "Mir" in brief.text


# Facts that stand without a footnote, each for a reason: where the sources give no place, the box
# says so; the Istanbul church attack's date is in no source (issue 17 corrects the data).
UNCITED = {("istanbul-church-attack", "Date")}


NOT_FACTS = {"Sources", "Last updated"}  # dates of the page itself, not facts of its subject


def test_every_fact_in_the_summary_box_is_cited(site: Site) -> None:
    missing = []
    for folder in ("groups", "people", "events"):
        for path in sorted((ROOT / "data" / folder).glob("*.yaml")):
            rows = box_rows(site.page(f"{folder}/{path.stem}"))
            for label, cell in rows.items():
                if label in NOT_FACTS or (path.stem, label) in UNCITED or cell.text.startswith("Not stated"):
                    continue
                if not [a for a in below(cell) if a.tag == "a" and "footnote-ref" in a.attrs.get("class", "")]:
                    missing.append(f"{folder}/{path.stem}: {label}")
    assert missing == []


def test_summary_box_puts_current_leaders_before_former_ones(site: Site) -> None:
    isis_k = {k: " ".join(v.text.split()) for k, v in box_rows(site.page("groups/isis-k")).items()}
    assert list(isis_k).index("Current leader") < list(isis_k).index("Former leader")
    assert re.fullmatch(r"Sanaullah Ghafari \(as of March 2024\)\d+", isis_k["Current leader"])
    assert re.fullmatch(r"Hafiz Saeed Khan \(from January 2015\)\d+", isis_k["Former leader"])
    assert re.fullmatch(r"Active as of March 2024\d+", isis_k["Status"])
    assert re.fullmatch(r"6,500 fighters \(February 2023, according to Anatoly Sidorov, CSTO Joint Staff\)\d+", isis_k["Strength"])
    assert re.fullmatch(r"eastern Afghanistan\d+", isis_k["Base"])
    taliban = {k: " ".join(v.text.split()) for k, v in box_rows(site.page("groups/afghan-taliban")).items()}
    assert taliban["Current leader"].startswith("Hibatullah Akhundzada (as of March 2024)")
    assert taliban["Former leader"].startswith("Akhtar Mansour (until May 2016)")
    mansour = {k: " ".join(v.text.split()) for k, v in box_rows(site.page("people/akhtar-mansour")).items()}
    assert mansour["Led"].startswith("Afghan Taliban (until May 2016)") and "Leads" not in mansour


def test_a_fact_cited_but_not_given_is_an_error(fixture_project: Path) -> None:
    path = fixture_project / "data/groups/blue-league.yaml"
    data = yaml.safe_load(path.read_text())
    data["facts_cite"] = {"dissolved": ["beta-news"]}
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    result = generator("validate", cwd=fixture_project)
    assert result.code == 1 and "Traceback" not in result.err
    assert re.search(r"blue-league\.yaml:\d+:\d+: .*cites 'dissolved', which this profile does not give", result.err)


def test_the_network_page_lists_relationships_only_while_they_fit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project, FIXTURE_KB)

    def built() -> str:
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True)
        config.plugins.on_startup(command="build", dirty=False)
        build(config)  # strict: the link to the export must resolve
        return (tmp_path / "site" / "network" / "index.html").read_text(encoding="utf-8")

    small = built()
    assert "<table>" in small and "relationships.csv" not in small

    monkeypatch.setattr(render, "NETWORK_TABLE_LIMIT", 1)
    large = built()
    assert "<table>" not in large
    assert 'href="../exports/relationships.csv"' in large
    assert (tmp_path / "site" / "exports" / "relationships.csv").is_file()


def pages(site: Site) -> list[Path]:
    return sorted(site.root.rglob("*.html"))


LABELABLE = {"input", "select", "textarea", "button", "meter", "output", "progress"}


def test_every_label_names_a_control_on_every_page(published_site: Site) -> None:
    for html_file in pages(published_site):
        elements = parse(html_file.read_text(encoding="utf-8"))
        ids = {e.attrs["id"]: e.tag for e in elements if "id" in e.attrs}
        for label in (e for e in elements if e.tag == "label" and "for" in e.attrs):
            assert ids.get(label.attrs["for"]) in LABELABLE, f"{html_file}: <label for={label.attrs['for']}>"


def test_profile_highlights_its_tab_and_lists_its_kind_beside_it(published_site: Site) -> None:
    html = published_site.page("groups/isis-k")
    active = [e for e in find(html, "li") if "md-tabs__item--active" in e.attrs.get("class", "")]
    assert [" ".join(a.text.split()) for a in active] == ["Groups"]
    (crumbs,) = find(html, "nav", class_="kb-breadcrumb")
    assert [" ".join(li.text.split()) for li in crumbs.children[0].children] == ["Groups", "ISIS-K"]
    assert find(str(crumbs.text) and html, "a", href="../")
    (column,) = find(html, "nav", class_="kb-siblings")
    listed = [" ".join(a.text.split()) for a in descendants(column, "a")][1:]  # after the section's title
    names = sorted((__import__("yaml").safe_load(p.read_text(encoding="utf-8"))["name"] for p in (ROOT / "data/groups").glob("*.yaml")), key=str.casefold)
    assert listed == names
    current = [a for a in descendants(column, "a") if a.attrs.get("aria-current") == "page"]
    assert [" ".join(a.text.split()) for a in current] == ["ISIS-K"]


def test_a_large_kind_lists_a_window_around_the_profile() -> None:
    from generator.render.publish import LIST_ALL, WINDOW, Sections
    from generator.stages.resolve import KnowledgeBase, ProfileView

    class Model:
        KIND = "group"

        def __init__(self, i: int) -> None:
            self.id, self.name = f"g{i:04d}", f"Group {i:04d}"

    profiles = {f"g{i:04d}": ProfileView(Model(i), f"groups/g{i:04d}.md", "", None, [], []) for i in range(500)}  # type: ignore[arg-type]
    sections = Sections(KnowledgeBase(profiles, {}, {}, {}, {}), lambda path: path.removesuffix(".md") + "/")
    around = sections.around("group", "Group 0250", "g0250")
    assert around["total"] == 500 > LIST_ALL
    assert len(around["items"]) == 2 * WINDOW + 1 and around["current"] == "groups/g0250/"
    assert around["items"][WINDOW] == ["Group 0250", "groups/g0250/"]
    assert len(sections.around("group", "Group 0000", "g0000")["items"]) == WINDOW + 1


def test_profile_and_source_link_to_their_files_for_editing(published_site: Site) -> None:
    for url, file in [("groups/isis-k", "data/groups/isis-k.yaml"), ("sources/usip-mir-2024", "data/sources/usip-mir-2024.yaml")]:
        html = published_site.page(url)
        edit = PUBLISHED["KB_REPO_URL"] + "/edit/main/" + file
        assert [a.text.strip() for a in find(html, "a", href=edit) if a.text.strip()][:1] in (["Edit this profile"], ["Edit this source"])
        assert find(html, "a", href=edit, rel="edit")


def test_about_page_and_footer_give_the_licence(published_site: Site) -> None:
    about = published_site.page("about")
    assert "CC BY 4.0" in about and find(about, "a", href="https://creativecommons.org/licenses/by/4.0/")
    assert find(about, "h2", id="report-an-error")
    footer = find(published_site.page("groups/isis-k"), "footer")[0]
    assert "CC BY 4.0" in footer.text and find(str(footer.text) and published_site.page("groups/isis-k"), "a", rel="license")
    assert json.loads((published_site.root / "exports/all.json").read_text())["license"]["id"] == "CC-BY-4.0"


def test_disputed_figures_are_listed_before_the_first_section(fixture_site: Site) -> None:
    html = fixture_site.page("events/hall-attack")
    warning = html.index('class="admonition warning"')
    assert warning < html.index("<h2")
    links = [a.attrs["href"] for a in find(html[warning:], "a")][:1]
    assert links == ["#figure-deaths"] and 'id="figure-deaths"' in html


def test_source_page_lists_claims_figures_and_relationships_that_cite_it(fixture_site: Site) -> None:
    cited_by = section_after(fixture_site.page("sources/alpha-report"), "cited-by")
    text = " ".join(cited_by.split())
    for citing in ["Founders came from the League.", "Strength (figure)", "Led by Jo Leader", "para 4:"]:
        assert citing in text, citing


def test_built_pages_load_nothing_from_elsewhere(fixture_site: Site) -> None:
    for html_file in fixture_site.root.rglob("*.html"):
        for element in parse(html_file.read_text(encoding="utf-8")):
            source = element.attrs.get("src") if element.tag in {"script", "img", "iframe"} else None
            if element.tag == "link" and element.attrs.get("rel") not in {"canonical", "license"}:  # fetch nothing
                source = element.attrs.get("href")
            assert not (source and re.match(r"(https?:)?//", source)), f"{html_file}: {source}"
    for css in fixture_site.root.rglob("*.css"):
        assert not re.search(r"@import\s+url\(\s*['\"]?(https?:)?//", css.read_text()), css


def test_the_home_page_states_the_period_its_sources_cover(site: Site) -> None:
    """The home page's coverage note is hand-written: it must name the months the sources were
    published in, as data/sources gives them, so that a new source cannot leave it stale."""
    import calendar

    months = sorted({str(yaml.safe_load(p.read_text(encoding="utf-8"))["date"])[:7] for p in (ROOT / "data/sources").glob("*.yaml")})

    def words(month: str) -> str:
        return f"{calendar.month_name[int(month[5:7])]} {month[:4]}"

    note = site.page("")
    period = words(months[0]) if months[0] == months[-1] else f"between {words(months[0])} and {words(months[-1])}"
    text = re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", "", note)))
    assert f"published in {period}" in text or f"published {period}" in text, period
    assert f"as of {words(months[-1])}" in text
    assert "after that month" in text or f"after {words(months[-1])}" in text
