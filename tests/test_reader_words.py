"""Pages written for readers (issue 26, section 4): how attributions read on the built site."""

from __future__ import annotations

import html
import re

import pytest
from conftest import Site

from generator.model.entities import FigureValue
from generator.render.text import according_to, attribution_words, unbracketed

# An attribution in brackets that holds brackets of its own: "(assessed by Arif Rafiq (Globely News))".
NESTED = re.compile(r"\((?:claimed|assessed|reported|alleged|according to|denied|disputed)\b[^()]*\([^()]*\)[^()]*\)")


def test_a_name_with_brackets_reads_without_them_inside_an_attribution() -> None:
    assert unbracketed("Arif Rafiq (Globely News)") == "Arif Rafiq, Globely News"
    assert unbracketed("Mohammad Yaqoob Mujahid (Taliban defence minister)") == "Mohammad Yaqoob Mujahid, Taliban defence minister"
    assert unbracketed("Russian authorities") == "Russian authorities"
    assert f"({attribution_words('assessed', unbracketed('Arif Rafiq (Globely News)'))})" == "(assessed by Arif Rafiq, Globely News)"
    value = FigureValue.model_validate({"value": 5, "as_of": "2024", "by": "Arif Rafiq (Globely News)", "status": "claimed", "cite": ["x, para 1"]})
    assert according_to(value) == "Arif Rafiq, Globely News (claimed)"


@pytest.mark.slow
def test_no_attribution_on_the_site_nests_brackets(published_site: Site) -> None:
    found: dict[str, list[str]] = {}
    for page in published_site.root.rglob("*.html"):
        text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))))
        nested = NESTED.findall(text)
        if nested:
            found[str(page.relative_to(published_site.root))] = nested[:2]
    assert not found, f"{sum(len(v) for v in found.values())} nested on {len(found)} pages: {list(found.items())[:5]}"


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
