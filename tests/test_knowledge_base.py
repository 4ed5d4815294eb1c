"""Issues 3 and 4: guards on the real knowledge base, not on its wording.

Every profile the issues name exists and builds; every figure value has a source and a date; every
source is cited; every locator points at a paragraph that exists in the archived text; disagreeing
figures stay separate; briefs link and cite only what exists and are of the stated length.
"""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, Site
from htmlq import find, section_after

from generator.model import dates
from generator.model.entities import Event
from generator.model.project import Project
from generator.pipeline import check

SOURCES_DIR = ROOT.parent / "shared" / "sources"

REQUIRED = {
    "groups": [
        "isis-k",
        "islamic-state",
        "afghan-taliban",
        "tehrik-i-taliban-pakistan",
        "jamaat-ansarullah",
        "al-qaeda",
        "sipah-e-sahaba",
        "lashkar-e-jhangvi",
        "lashkar-e-taiba",
        "jamaat-ud-dawa",
        "haqqani-network",
        "islamic-movement-of-uzbekistan",
        "hafiz-gul-bahadur-group",
        "national-directorate-of-security",
        "csto",
        "russia",
        "quds-force",
        "salafism",  # issue 17
    ],
    "people": [
        "sanaullah-ghafari",
        "hafiz-saeed-khan",
        "abdul-rauf-aliza",
        "abu-bakr-al-baghdadi",
        "hibatullah-akhundzada",
        "akhtar-mansour",
        "mohammad-yaqoob-mujahid",
        "anatoly-sidorov",
        "sunatullo-nazriev",
    ],
    "events": [
        "wilayat-khorasan-founding",
        "taliban-letter-to-baghdadi",
        "akhtar-mansour-killing",
        "moab-strike-2017",
        "baghdadi-death",
        "kabul-maternity-hospital-attack",
        "kabul-school-attack-2021",
        "taliban-takeover-2021",
        "kabul-airport-bombing",
        "russian-embassy-kabul-bombing",
        "bajaur-rally-bombing",
        "kerman-bombings",
        "istanbul-church-attack",
        "ingushetia-clash-2024",
        "moscow-synagogue-plot",
        "crocus-city-hall-attack",
        "pakistani-embassy-kabul-attack",
        "soviet-invasion-of-afghanistan",
        "russian-intervention-in-syria",
    ],
}

ALIASES = {
    "isis-k": ["ISKP", "IS-K", "Wilayat Khorasan"],
    "jamaat-ansarullah": ["Tehreek-e-Taliban Tajikistan", "TTT", "Tajik Taliban"],
}


@pytest.fixture(scope="module")
def kb():
    return check(Project(ROOT))


@pytest.mark.parametrize("folder,entity_id", [(f, i) for f, ids in REQUIRED.items() for i in ids])
def test_required_profile_exists_and_builds(site: Site, kb, folder: str, entity_id: str) -> None:
    assert entity_id in kb.profiles
    html = site.page(f"{folder}/{entity_id}")
    assert find(html, "div", class_="kb-summary"), "profile page without its summary box"
    assert find(html, "li", id="fn:1"), "profile page without references"


def test_every_name_the_issues_list_is_an_alias(kb) -> None:
    for entity_id, names in ALIASES.items():
        aliases = kb.profiles[entity_id].model.other_names
        for name in names:
            assert name in aliases, f"{name} is not an alias of {entity_id}"


def test_every_source_is_cited_and_its_page_lists_citers(site: Site, kb) -> None:
    for source_id in kb.sources:
        assert len(kb.cited_by.get(source_id, [])) >= 5, f"{source_id} is barely cited"
        cited_by = section_after(site.page(f"sources/{source_id}"), "cited-by")
        assert len(find(cited_by, "a")) >= 3


def test_sources_record_no_invented_url(kb) -> None:
    # The README of the archived texts says no URL is verified: none may appear.
    assert all(source.url is None for source in kb.sources.values())


def locators(kb):
    for profile in kb.profiles.values():
        model = profile.model
        claims = [model.summary, *[c for s in model.sections for c in s.claims]]
        values = [v for f in model.figures for v in f.values]
        for item in [*claims, *values, *model.relationships]:
            for citation in item.cite:
                yield profile.id, citation
    for brief in kb.briefs.values():
        for token in brief.body:
            if hasattr(token, "source"):
                yield brief.slug, token


def test_every_citation_has_a_paragraph_locator_that_exists(kb) -> None:
    if not SOURCES_DIR.is_dir():
        pytest.skip(f"the archived source texts are not beside the project ({SOURCES_DIR})")
    paragraphs = {
        source_id: sum(1 for line in (SOURCES_DIR / source.archive).read_text(encoding="utf-8").splitlines() if line.strip())
        for source_id, source in kb.sources.items()
    }
    bad = []
    for where, citation in locators(kb):
        numbers = [int(n) for n in re.findall(r"para(?:s|graphs?)?\.?\s*(\d+)", citation.at or "")]
        if not numbers or not all(1 <= n <= paragraphs[citation.source] for n in numbers):
            bad.append(f"{where}: {citation.source}, {citation.at}")
    assert not bad, "citations without a valid 'para N':\n" + "\n".join(bad)


def test_figures_have_source_and_date_on_the_page(site: Site, kb) -> None:
    for profile in kb.profiles.values():
        if not profile.figures:
            continue
        html = site.page(profile.path.removesuffix(".md"))
        for view in profile.figures:
            header, *rows = find(section_after(html, f"figure-{view.figure.id}"), "tr")
            columns = [cell.text.strip() for cell in header.children]
            assert len(rows) == len(view.figure.values)
            for row in rows:
                as_of, source = row.children[columns.index("As of")].text.strip(), row.children[columns.index("Source")]
                assert re.search(r"\d{4}", as_of), f"{profile.id}/{view.figure.id}: no as-of date"
                assert find_footnote(source), f"{profile.id}/{view.figure.id}: no citation"


def find_footnote(cell) -> bool:
    return any(a.attrs.get("class") == "footnote-ref" for sup in cell.children for a in sup.children)


def test_crocus_death_tolls_are_separate_sourced_values(site: Site, kb) -> None:
    # Lower bounds that overlap ("more than 100", "at least 130", "at least 137") are each shown with
    # their source, and are not marked as a disagreement: all of them can be true at once.
    figure = next(f for f in kb.profiles["crocus-city-hall-attack"].figures if f.figure.id == "deaths")
    assert not figure.differs
    assert len({v.cite[0].source for v in figure.figure.values}) >= 3
    html = section_after(site.page("events/crocus-city-hall-attack"), "figure-deaths")
    assert "Sources differ" not in html
    for value in ["more than 100", "at least 130", "at least 137"]:
        assert value in html


@pytest.mark.parametrize("event_id,figure_id", [("kabul-airport-bombing", "deaths")])
def test_other_disputed_tolls_keep_every_value(kb, event_id: str, figure_id: str) -> None:
    figure = next(f for f in kb.profiles[event_id].figures if f.figure.id == figure_id)
    assert len({v.cite[0].source for v in figure.figure.values}) >= 2


def test_isis_k_strength_is_given_over_time_by_several_sources(kb) -> None:
    views = [f for f in kb.profiles["isis-k"].figures if "strength" in f.figure.id or "fighters" in f.figure.id]
    values = [v for view in views for v in view.figure.values]
    assert len({v.as_of for v in values}) >= 3 and len({v.cite[0].source for v in values}) >= 2


def test_ghafari_leads_isis_k_shown_on_both_pages(site: Site) -> None:
    assert "../../people/sanaullah-ghafari/" in section_after(site.page("groups/isis-k"), "relationships")
    assert "../../groups/isis-k/" in section_after(site.page("people/sanaullah-ghafari"), "relationships")


def test_events_have_dates_and_show_on_their_actors(kb) -> None:
    for profile in kb.profiles.values():
        if isinstance(profile.model, Event):
            assert profile.edges, f"{profile.id} is linked to nothing"


BRIEF_MARKUP = re.compile(r"\[@[^\]]+\]|\[\[([^\]|]+\|)?|\]\]")


@pytest.mark.parametrize("slug", [p.stem for p in sorted((ROOT / "briefs").glob("*.md"))])
def test_brief_length_links_and_citations(site: Site, kb, slug: str) -> None:
    brief = kb.briefs[slug]
    prose = BRIEF_MARKUP.sub(" ", "".join(t for t in brief.body if isinstance(t, str)))
    words = len(re.findall(r"[A-Za-z0-9'’-]+", prose))
    assert 600 <= words <= 1200, f"{slug}: {words} words"
    html = site.page(f"briefs/{slug}")
    for a in find(html, "a"):
        href = a.attrs.get("href", "")
        if href.startswith("../../") and not href.startswith("../../assets"):
            target = (site.root / "briefs" / slug / href).resolve()
            assert (target / "index.html").is_file() or target.is_file(), href
    assert len(find(html, "a", class_="footnote-ref")) >= 10


def test_at_least_four_briefs(kb) -> None:
    assert len(kb.briefs) >= 4 and "why-isis-k-struck-russia" in kb.briefs


# Issue 17: what the audit found, kept found.

SAYS_UNLINKED = re.compile(r"\b(?:tie|ties|link|links) (?:him|her|it|them) to no\b")


def test_a_profile_linked_to_nothing_says_so(kb) -> None:
    alone = [p for p in kb.profiles.values() if not p.edges]
    for profile in alone:
        model = profile.model
        texts = [model.summary.text, *(c.text for s in model.sections for c in s.claims)]
        assert any(SAYS_UNLINKED.search(t) for t in texts), f"{profile.id} stands alone without saying why"


def test_the_renamed_moab_strike_keeps_its_old_address(site: Site, kb) -> None:
    assert "moab-strike-nangarhar" in kb.profiles["moab-strike-2017"].model.former_ids
    old = site.page("events/moab-strike-nangarhar")
    assert 'content="0; url=../moab-strike-2017/"' in old
    assert "Nangarhar" not in site.page("events/moab-strike-2017")


def test_no_citation_of_another_pieces_teaser(kb) -> None:
    # The USIP page's "Related Publications" (paras 13-30) are other pieces: the source says so.
    assert kb.sources["usip-mir-2024"].furniture == ["13-30"]
    cited = [c.at for _, c in locators(kb) if c.source == "usip-mir-2024"]
    assert cited and all(int(re.search(r"\d+", at).group()) < 13 for at in cited)


def test_undated_events_say_they_are_undated(kb) -> None:
    for event_id in ("istanbul-church-attack", "pakistani-embassy-kabul-attack"):
        model = kb.profiles[event_id].model
        assert dates.parse(model.date).is_span and not model.end_date, f"{event_id}: the span the sources allow, not one date or a duration"
        assert re.search(r"[Nn]o source gives its date|sources give no date", model.summary.text)
