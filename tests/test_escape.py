"""Text from YAML never becomes markup: escaped text, put where the templates put it, shows as
itself; a source's URL is shown as written and leads where it says.
"""

from __future__ import annotations

import re
import string
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from conftest import ROOT, mkdocs_build
from hypothesis import example, given, settings
from hypothesis import strategies as st
from mkdocs.config import load_config

from generator.render.escape import escape

# (Markdown around the text, the elements the HTML must consist of)
PLACES = {
    "paragraph": ("{}", ["p"]),
    "list item": ("- {}", ["ul", "li"]),
    "table cell": ("| a | b |\n|---|---|\n| x | {} |", ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"]),
    "heading": ("## {}", ["h2", "a"]),
    "link label": ("[{}](x.md)", ["p", "a"]),
    "admonition": ('!!! abstract "Summary"\n\n    {}', ["div", "p", "p"]),
    "summary div": (
        '<div class="kb-summary" markdown>\n\n| A | |\n|---|---|\n| B | {} |\n\n</div>',
        ["div", "table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"],
    ),
}


class _Html(HTMLParser):
    """The elements of a piece of HTML in order, and the text directly inside each."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.texts: list[str] = []
        self._open: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.texts.append("")
        # A heading's permalink (toc: permalink) holds a pilcrow, not the text.
        self._open.append(-1 if ("class", "headerlink") in attrs else len(self.tags) - 1)

    def handle_endtag(self, tag: str) -> None:
        self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1] >= 0:
            self.texts[self._open[-1]] += data


@pytest.fixture(scope="module")
def convert():  # type: ignore[no-untyped-def]
    config = load_config(str(ROOT / "mkdocs.yml"))
    return lambda text: markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs).convert(text)


# Punctuation, digits, spaces and line breaks, and a few openings of Markdown blocks.
PIECES = list(string.punctuation + string.digits + "  \t\nabcXé“") + ["1. ", "- ", "---", "!!! ", "[^1]", "]:", "[TOC]", "<b>", "&amp;", "{: .x}"]


TEXT = st.lists(st.sampled_from(PIECES), min_size=1, max_size=16).map("".join)


@pytest.mark.parametrize("place", sorted(PLACES))
@settings(max_examples=300, deadline=None)
@given(text=TEXT)
@example(text="<a")  # an unclosed tag inside <div markdown> once closed the div twice
@example(text="1984. The year")
@example(text="- not a list")
@example(text="!!! note")
@example(text="[^1]: x")
@example(text="]: x")
def test_escaped_text_shows_as_itself(convert, place: str, text: str) -> None:  # type: ignore[no-untyped-def]
    shown = re.sub(r"\s+", " ", text).strip()
    if not shown:
        return
    around, elements = PLACES[place]
    html = _Html()
    html.feed(convert(around.format(escape(text))))
    assert html.tags == elements
    assert html.texts[-1 if place != "heading" else 0].strip() == shown


URL = "HTTPS://example.org/report|2024/[a](javascript:alert(1))`x`\\y"


def test_a_url_with_markdown_characters_keeps_its_table_and_its_address(fixture_project: Path) -> None:
    source = fixture_project / "data/sources/beta-news.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("url: https://example.org/beta", f"url: '{URL}'"), encoding="utf-8")
    result = mkdocs_build(fixture_project, fixture_project / "site")
    assert result.code == 0, result.err
    page = (fixture_project / "site/sources/beta-news/index.html").read_text(encoding="utf-8")
    row = re.search(r"<tr>\s*<td>Public address</td>(.*?)</tr>", page, re.S)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1), re.S)
    assert len(cells) == 1  # the | did not split the row
    hrefs = re.findall(r'href="([^"]*)"', cells[0])
    assert hrefs == ["HTTPS://example.org/report%7C2024/%5Ba%5D(javascript:alert(1))%60x%60%5Cy"]
    assert "javascript:" not in "".join(re.findall(r'href="([^"]*)"', page)).replace(hrefs[0], "")
