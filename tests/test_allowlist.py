"""The allow-list's two parts of a brief's page, and the charts' SVG (generator/checks/allowlist.py).

A brief's page holds what the editor wrote, judged by the narrow brief rules, inside the container
brief.md.j2 puts around it; the template's own parts around it (the "on this page" line, the
references with their hidden full entries) are judged as a generated page's."""

from __future__ import annotations

from conftest import ROOT, Site
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.checks.allowlist import (
    BRIEF_BODY,
    BRIEF_END,
    check_brief_page,
    check_generated_page,
    check_html,
)
from generator.checks.site_config import TEMPLATE_EXTENSIONS, read_site_config

TEMPLATE_PART = '<nav class="kb-jump" aria-label="On this page"><div class="toc"><ul><li><a href="#a">A</a></li></ul></div></nav>'
REFERENCES = '<div class="kb-bibliography"><p class="kb-ref" id="ref-x">X <span class="kb-full">full</span></p></div>'


def page(body: str) -> str:
    return f'<h1 id="t">T</h1>{TEMPLATE_PART}{BRIEF_BODY}{body}</div>{BRIEF_END}{REFERENCES}'


def whats(markup: str) -> list[str]:
    return [finding.what for finding in check_brief_page(markup).findings]


def test_the_template_part_of_a_brief_page_passes_and_the_body_is_plain_markdown() -> None:
    assert whats(page('<h2 id="a">A</h2><p>Text <a href="../groups/x/">x</a>.</p><div class="admonition note"><p>n</p></div>')) == []


def test_the_body_may_not_take_the_templates_classes() -> None:
    # A paragraph dressed as a reference entry ({: .kb-ref } in the Markdown) would pass for a citation.
    assert whats(page('<p class="kb-ref">Ministry of Truth, 2024</p>')) == ["class 'kb-ref' is not allowed in a brief (only those Markdown's extensions set)"]


def test_an_id_in_the_body_that_the_template_holds_is_refused() -> None:
    assert whats(page('<p id="ref-x">taken</p>')) == ["id 'ref-x' on <p> is already the id of another element of the page"]


def test_without_the_container_the_whole_page_is_judged_as_the_editors() -> None:
    assert "element <nav> is not allowed" in whats(f"{TEMPLATE_PART}<p>x</p>")


def test_a_body_that_closes_early_cannot_leave_its_container() -> None:
    # Raw HTML is refused before conversion, but the split must not rest on that: up to the end mark,
    # whatever follows an extra closing tag is still the body's.
    found = whats(page('<div class="admonition note"><p>x</p></div></div><p class="kb-ref">fake</p><div>'))
    assert found, "markup after an early close went unjudged"


def test_chart_svg_passes_but_not_script_handlers_or_foreign_paint() -> None:
    chart = (
        '<div class="kb-chart" aria-hidden="true"><svg class="kb-chart-svg" viewBox="0 0 10 10" width="10" height="10" '
        'xmlns="http://www.w3.org/2000/svg" focusable="false"><line x1="0" x2="1" y1="0" y2="1" stroke="currentColor"/>'
        '<a class="kb-chart-point" href="#fn:1" tabindex="-1"><circle cx="1" cy="1" r="2" fill="currentColor"/></a>'
        '<text x="1" y="1" text-anchor="end" fill="currentColor">1</text></svg></div>'
    )
    assert check_html(chart, brief=False).findings == []
    for bad in [
        '<svg onload="alert(1)"></svg>',
        "<svg><script>alert(1)</script></svg>",
        '<svg><rect fill="url(https://elsewhere/x)"/></svg>',
        '<svg><a href="javascript:alert(1)">x</a></svg>',
        '<svg><set attributeName="href" to="javascript:alert(1)"/></svg>',
    ]:
        assert check_html(bad, brief=False).findings, bad


def test_the_sites_markdown_settings_include_what_the_templates_are_written_for() -> None:
    site = read_site_config(ROOT)
    for name, settings in TEMPLATE_EXTENSIONS:
        assert name in site.extensions, name
        assert {**site.extension_configs.get(name, {}), **settings} == site.extension_configs.get(name, {}), name


def test_pages_may_carry_inert_data_and_aria_attributes_but_briefs_may_not() -> None:
    control = '<div data-facets="[1]" aria-label="Filters"><input type="search" list="x" data-key="name"><button type="button">Sort</button></div>'
    assert check_html(control, brief=False).findings == []
    assert check_html('<p data-x="1">x</p>', brief=True).findings
    for bad in [
        '<input type="image" src="https://elsewhere/x.png" formaction="javascript:alert(1)">',
        '<button onclick="alert(1)">x</button>',
        '<div data-x="1" onmouseover="alert(1)">x</div>',
        '<form action="https://elsewhere/">x</form>',
    ]:
        assert check_html(bad, brief=False).findings, bad


# -- the fast path for generated pages -------------------------------------------------------------

_names = st.sampled_from(
    ["p", "a", "div", "span", "img", "td", "th", "input", "rect", "em", "svg", "script", "iframe", "object", "embed", "meta", "base", "marquee"]
)
_attributes = st.sampled_from(
    [
        ' class="x"',
        ' href="../groups/isis-k/"',
        ' href="#fn:1"',
        ' href="https://example.org/a"',
        ' href="javascript:alert(1)"',
        ' href="java&#115;cript:alert(1)"',
        ' href="/\\\\elsewhere.org/x"',
        ' HREF="mailto:a@b.c"',
        ' href="data:text/html,x"',
        ' src="../assets/x.png"',
        ' src="https://elsewhere.org/x.png"',
        ' src="//elsewhere.org/x.png"',
        ' id="a"',
        ' id="a"',
        ' id="fn:1"',
        ' id="__a"',
        ' id="a b"',
        ' id="a&amp;b"',
        ' style="text-align: left;"',
        ' style="color: red"',
        ' fill="currentColor"',
        ' fill="url(#x)"',
        ' stroke="none"',
        ' onclick="x()"',
        ' data-x="1"',
        ' aria-label="y"',
        ' data-href="javascript:alert(1)"',
        ' xlink:href="#x"',
        ' formaction="javascript:x"',
        " checked",
        ' type="button"',
    ]
)
_text = st.sampled_from(["text", ' id="a" ', "a &amp; b", ' href="javascript:x" ', "", "&lt;script&gt;"])


@st.composite
def _page(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 8))):
        name = draw(_names)
        attributes = "".join(draw(st.lists(_attributes, max_size=3)))
        parts.append(f"<{name}{attributes}>{draw(_text)}</{name}>")
    return "".join(parts)


@settings(max_examples=500, deadline=None)
@given(_page())
# Pages with one thing wrong each, beside clean tags the fast path has learned (one rule per page).
@example('<p id="a">x</p><td style="color: red">y</td>')
@example('<p id="a">x</p><rect fill="url(#x)"></rect>')
@example('<p id="a">x</p><rect stroke="red"></rect>')
@example('<p id="a">x</p><object data-x="1">y</object>')
@example('<p id="a">x</p><p id="a">y</p>')
@example('<p id="a">x</p><p id="__b">y</p>')
@example('<p id="a">x</p><a href="java&#115;cript:alert(1)">y</a>')
@example('<p id="a">x</p><a href="/\\elsewhere.org/x">y</a><img src="/\\elsewhere.org/x.png">')
@example('<p id="a">x</p><img src="//elsewhere.org/x.png">')
@example('<p id="a">x</p><p onclick="x()">y</p>')
def test_the_fast_path_finds_a_page_clean_only_when_the_walk_does(markup: str) -> None:
    walked = check_html(markup, brief=False, second_opinion=False).findings
    fast = check_generated_page(markup)
    if walked:  # anything to say: the whole walk says it (with nh3's reading on top)
        assert {f.what for f in walked} <= {f.what for f in fast}
    else:
        assert {f.what for f in fast} <= {f.what for f in check_html(markup, brief=False).findings}


def test_every_page_of_the_real_site_gets_the_walks_answer(site: Site) -> None:
    import re

    pages = sorted(site.root.rglob("*.html"))
    assert len(pages) > 100
    for path in pages:
        content = re.search(r"<article[^>]*>(.*)</article>", path.read_text(encoding="utf-8"), re.S)
        if content is None:
            continue
        html = content.group(1).replace("<!-- kb-brief-end -->", "")
        assert {f.what for f in check_generated_page(html)} == {f.what for f in check_html(html, brief=False).findings}, path
