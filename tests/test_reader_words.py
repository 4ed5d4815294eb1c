"""Pages written for readers (issue 26, section 4), on the built site: attributions without nested
brackets, links on the words that name their page, no label repeating its date, no profile section
restating its lead."""

from __future__ import annotations

import html
import re

import pytest
from conftest import Site

from generator.model.entities import FigureValue
from generator.render.text import according_to, attribution_words, unbracketed, undated

# An attribution in brackets that holds brackets of its own: "(assessed by Arif Rafiq (Globely News))".
NESTED = re.compile(r"\((?:claimed|assessed|reported|alleged|according to|denied|disputed)\b[^()]*\([^()]*\)[^()]*\)")


def test_a_name_with_brackets_reads_without_them_inside_an_attribution() -> None:
    assert unbracketed("Arif Rafiq (Globely News)") == "Arif Rafiq, Globely News"
    assert unbracketed("Mohammad Yaqoob Mujahid (Taliban defence minister)") == "Mohammad Yaqoob Mujahid, Taliban defence minister"
    assert unbracketed("Russian authorities") == "Russian authorities"
    assert f"({attribution_words('assessed', unbracketed('Arif Rafiq (Globely News)'))})" == "(assessed by Arif Rafiq, Globely News)"
    value = FigureValue.model_validate({"value": 5, "as_of": "2024", "by": "Arif Rafiq (Globely News)", "status": "claimed", "cite": ["x, para 1"]})
    assert according_to(value) == "Arif Rafiq, Globely News (claimed)"


# A link to a profile alone in brackets, or after "see", following the words that name it: "at Kabul
# airport (<a>Kabul airport bombing</a>)". The link belongs on the words (issue 26). A footnote
# marker is a <sup>, and a bracketed pointer to the methodology ("(how locators are counted)") is
# words of its own, so neither matches.
TACKED = re.compile(r"\(\s*(?:see\s+)?<a\b[^>]*href=\"[^\"]*\b(?:groups|people|events)/[^\"]*\"[^>]*>(?:(?!</a>).)*</a>\s*\)", re.S)
# A name that ends in its bracketed date, followed by the date again: "Taliban takeover of
# Afghanistan (2021) (August 2021)", "... (2021), August 2021 (Kabul)".
REPEATED_DATE = re.compile(r"\((?:[A-Z][a-z]+ )?((?:19|20)\d\d)\)(?:\s*\(|,\s*)(?:\d{1,2} )?(?:[A-Z][a-z]+ )?\1\b")
# The same the other way round, in a row or item that opens on its date: "August 2021 | Taliban
# takeover of Afghanistan (2021)" (the events tables, the timeline's and the map's lists).
DATED_ROW = re.compile(r"^\s*(?:\d{1,2} )?(?:[A-Z][a-z]+ )?((?:19|20)\d\d)\b(?:(?!\b(?:19|20)\d\d\b).)*?\((?:[A-Z][a-z]+ )?\1\)")


def _words(fragment: str) -> str:
    """The text a reader reads in an HTML fragment, footnote markers left out."""
    fragment = re.sub(r"<sup\b.*?</sup>", "", fragment, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).replace(" ,", ",")


def _labels(page: str) -> list[str]:
    """What a page says outside its text: accessible names and tooltips (map markers, figures)."""
    return [html.unescape(value) for value in re.findall(r'(?:aria-label|title|alt)="([^"]*)"', page)]


def test_a_name_beside_its_date_gives_up_a_bracketed_date_of_the_same_year() -> None:
    assert undated("Taliban takeover of Afghanistan (2021)", "August 2021") == "Taliban takeover of Afghanistan"
    assert undated("ISIS-K suicide bombing in southern Afghanistan (March 2024)", "March 2024") == "ISIS-K suicide bombing in southern Afghanistan"
    assert undated("Kabul school attack (2021)", "May 2022") == "Kabul school attack (2021)"
    assert undated("Crocus City Hall attack", "22 March 2024") == "Crocus City Hall attack"


@pytest.mark.slow
def test_no_page_tacks_a_link_on_repeats_a_date_or_nests_an_attribution(published_site: Site) -> None:
    """Issue 26, section 4, on every page as built: links on the words, not "(Kabul airport bombing)"
    after them; no "(2021) (August 2021)"; no "(assessed by Arif Rafiq (Globely News))"."""
    tacked: dict[str, list[str]] = {}
    repeated: dict[str, list[str]] = {}
    nested: dict[str, list[str]] = {}
    pages = sorted(published_site.root.rglob("*.html"))
    for path in pages:
        page = path.read_text(encoding="utf-8")
        name = str(path.relative_to(published_site.root))
        main = page.split("<article", 1)[-1].split("</article>", 1)[0]
        text = _words(main)
        if found := [_words(m) for m in TACKED.findall(main)]:
            tacked[name] = found[:3]
        rows = [_words(row) for row in re.findall(r"<(?:tr|li)\b[^>]*>(.*?)</(?:tr|li)>", main, re.S)]
        found = [m.group(0) for s in [text, *_labels(page)] for m in REPEATED_DATE.finditer(s)]
        found += [m.group(0) for row in rows if (m := DATED_ROW.match(row))]
        if found:
            repeated[name] = found[:3]
        if found := NESTED.findall(_words(page)):
            nested[name] = found[:2]
    assert len(pages) > 50
    assert not tacked, f"links tacked on in brackets on {len(tacked)} pages: {list(tacked.items())[:5]}"
    assert not repeated, f"labels repeating their date on {len(repeated)} pages: {list(repeated.items())[:5]}"
    assert not nested, f"{sum(len(v) for v in nested.values())} nested on {len(nested)} pages: {list(nested.items())[:5]}"


# Words that carry no fact of their own, left out when comparing a sentence with the lead.
FUNCTION_WORDS = frozenset(
    "a an the and or but nor of in on at to for by with from as is are was were be been being it its "
    "he him his she her they them their this that these those which who whom whose what when where "
    "than then there also has have had not no so such into over under after before about while "
    "said says say according both each one".split()
)
# A section sentence "repeats the lead" when at least seven in ten of its words (function words
# left out, a plural "s" dropped and each word cut to its first six letters, so that "Tajiks" and
# "Tajik" or "Afghans" and "Afghanistan" count as one) already stand in the lead: it tells the
# reader nothing the lead has not.
# Jamaat Ansarullah's Identity and Relationship sections read 0.71 to 0.78, the Kabul hospital's
# "The attack" 0.72 and 0.73. A sentence that builds on a fact of the lead (another source's
# reading, a figure, a reason) brings words of its own: on the site as fixed the highest is 0.67.
REPEATS_LEAD = 0.7
# A sentence needs five such words to be judged: "Both attribute the attack to ISIS-K." says too
# little to be a repeat of anything.
LEAST_WORDS = 5
ATTRIBUTION = re.compile(r"<em>\((?:claimed|assessed|reported|alleged|according to|denied|disputed)\b[^<]*\)</em>")


def _stems(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "'").replace("'s", ""))
    return [(word[:-1] if word.endswith("s") and len(word) > 3 else word)[:6] for word in words if word not in FUNCTION_WORDS]


def _lead_and_sections(page: str) -> tuple[str, list[tuple[str, str]]]:
    """A profile page's lead (the paragraph after its summary box) and each sentence of its own
    sections (the lists under the headings before Figures, Relationships, Events and the rest)."""
    main = page.split("<article", 1)[1].split("</article>", 1)[0]
    after_box = main.split('class="kb-summary"', 1)[1].split("</table>", 1)[1]
    lead = re.search(r"<p>(.*?)</p>", after_box, re.S)
    assert lead, "no lead after the summary box"
    sentences: list[tuple[str, str]] = []
    for heading, body in re.findall(r"<h2 id=\"([^\"]+)\".*?</h2>(.*?)(?=<h2 |$)", after_box[lead.end() :], re.S):
        if heading in GENERATED_SECTIONS:
            break
        for item in re.findall(r"<li>(.*?)</li>", body, re.S):
            text = _words(ATTRIBUTION.sub("", item))
            sentences += [(heading, s) for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"\u201c])", text.strip()) if s]
    return _words(lead.group(1)), sentences


# The headings a profile's template adds after its own sections (generator/render/templates).
GENERATED_SECTIONS = frozenset({"figures", "relationships", "events", "on-the-map", "network", "cite-this-page", "changes", "references"})


def repeats_of_the_lead(page: str) -> list[tuple[float, str, str]]:
    lead, sentences = _lead_and_sections(page)
    known = set(_stems(lead))
    found = []
    for heading, sentence in sentences:
        words = _stems(sentence)
        if len(words) >= LEAST_WORDS:
            share = sum(word in known for word in words) / len(words)
            if share >= REPEATS_LEAD:
                found.append((round(share, 2), heading, sentence))
    return found


def test_the_lead_repeat_measure_catches_a_restated_lead_and_not_an_addition() -> None:
    box = '<div class="kb-summary"><table></table></div>'
    lead = "<p>Jamaat Ansarullah is a Tajik Islamist group aligned with the Afghan Taliban, who put it in charge of northern districts.</p>"
    restated = '<h2 id="ties">Ties</h2><ul><li>The group is aligned with the Afghan Taliban, who made it responsible for northern districts.</li></ul>'
    added = '<h2 id="ties">Ties</h2><ul><li>A UN report of June 2023 quotes one member state accusing the Taliban of evicting thousands of Tajiks.</li></ul>'
    page = f"<article>{box}{lead}{{}}</article>"
    assert [heading for _, heading, _ in repeats_of_the_lead(page.format(restated))] == ["ties"]
    assert repeats_of_the_lead(page.format(added)) == []


@pytest.mark.slow
def test_no_profile_section_repeats_its_lead(published_site: Site) -> None:
    """Issue 26: Jamaat Ansarullah's Identity and Relationship sections restated its lead."""
    found = {}
    pages = [p for kind in ("groups", "people", "events") for p in sorted((published_site.root / kind).glob("*/index.html"))]
    profiles = {path: page for path in pages if 'class="kb-summary"' in (page := path.read_text(encoding="utf-8"))}  # not the redirects
    assert len(profiles) > 40
    for path, page in profiles.items():
        repeats = repeats_of_the_lead(page)
        if repeats:
            found[str(path.parent.relative_to(published_site.root))] = repeats
    assert not found, f"sections repeating their lead on {len(found)} pages: {found}"


@pytest.mark.slow
def test_isis_ks_attacks_in_afghanistan_read_in_date_order_with_links_on_their_words(published_site: Site) -> None:
    """Issue 26: the list had 2017 last, and tacked its links on: "at Kabul airport (Kabul airport bombing)"."""
    from htmlq import section_after

    section = section_after(published_site.page("groups/isis-k"), "attacks-in-afghanistan")
    section = section.split("<h2", 1)[0]
    items = [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", item))) for item in re.findall(r"<li\b.*?</li>", section, re.S)]
    years = [int(found.group(0)) for item in items if (found := re.search(r"\b(19|20)\d\d\b", item))]
    assert len(years) >= 5 and years == sorted(years), years
    tacked = re.findall(r"\(<a [^>]*>[^<]*</a>\)", section)
    assert tacked == [], tacked
