"""The one-pass search indexing (generator/mkdocs_adapter/search.py) finds the sections Material's own parser finds.

Material's ``Parser`` is the oracle throughout: on every page of a real build, as the build handed
it over; on HTML drawn at random from the shapes Python-Markdown and hand-written pages produce; and
on the HTML the one-pass reader must leave to Material's parser.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from material.plugins.search.plugin import Parser

from conftest import ROOT, copy_project, run
from generator.mkdocs_adapter.search import split_sections

# Runs `mkdocs build` in-process and records each page the search index is given. In "material"
# mode, split_sections gives way on every page, so Material's own parser indexes the whole site.
CAPTURE = """
import json, sys
import generator.mkdocs_adapter.search as search
from mkdocs.commands.build import build
from mkdocs.config import load_config
site, mode, record = sys.argv[1:4]
seen, add, split = [], search._add_entry, search.split_sections
def recording(index, material, page):
    seen.append({"page": page.file.src_uri, "content": page.content, "fast": split(page.content) is not None})
    return add(index, material, page)
search._add_entry = recording
if mode == "material":
    search.split_sections = lambda content: None
build(load_config("mkdocs.yml", site_dir=site, strict=True))
with open(record, "w", encoding="utf-8") as out:
    json.dump(seen, out)
"""


def material(content: str) -> list[tuple[Any, ...]]:
    """Material's sections; raises whatever Material's parser raises."""
    parser = Parser()
    parser.feed(content)
    parser.close()
    return [(s.id, s.title, s.text, s.is_excluded()) for s in parser.data]


def one_pass(content: str) -> list[tuple[Any, ...]] | None:
    sections = split_sections(content)
    if sections is None:
        return None
    return [(s.id, s.title, s.text, s.is_excluded()) for s in sections]


@dataclass
class Built:
    project: Path
    pages: list[dict[str, Any]]  # what the one-pass build's search index was given, page by page

    def index(self, mode: str) -> bytes:
        return (self.project / mode / "search" / "search_index.json").read_bytes()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = copy_project(tmp_path_factory.mktemp("project"))
    for mode in ("one-pass", "material"):
        done = run([sys.executable, "-c", CAPTURE, str(project / mode), mode, str(project / f"{mode}.json")], project)
        assert done.code == 0, done.err
    return Built(project, json.loads((project / "one-pass.json").read_text(encoding="utf-8")))


def test_the_search_index_is_the_one_materials_parser_makes(built: Built) -> None:
    assert len(built.pages) > 50
    assert built.index("one-pass") == built.index("material")


def test_every_page_of_a_real_build_is_split_as_material_splits_it(built: Built) -> None:
    for page in built.pages:
        if page["fast"]:
            assert one_pass(page["content"]) == material(page["content"]), page["page"]


def test_the_generated_pages_take_the_one_pass_path(built: Built) -> None:
    generated = [page for page in built.pages if not (built.project / "site_src" / page["page"]).exists()]
    assert len(generated) > 40
    assert [page["page"] for page in generated if not page["fast"]] == []


# -- HTML drawn at random -------------------------------------------------------------------------

_words = st.sampled_from(["ISKP", "Wilayat Khorasan", " ", "\n", "  \n ", "a &amp; b", "&lt;x&gt;", "&#42;", "&quot;", "é—ü", "x"])
_text = st.lists(_words, min_size=1, max_size=4).map("".join)
_attributes = st.sampled_from(
    ['', ' class="headerlink" href="#a" title="Permanent link"', ' id="origins"', ' id="a&amp;b"', ' class="x"',
     ' markdown', ' data-x="1"', ' CLASS="headerlink"', ' title="a &gt; b"']
)
_tags = st.sampled_from(["p", "li", "ul", "ol", "div", "span", "a", "code", "sub", "sup", "table", "td", "em"])
_headings = st.sampled_from(["h1", "h2", "h3", "H2"])
_ids = st.sampled_from([' id="origins"', ' id="a&amp;b"', ' class="x" id="y"', ""])


@st.composite
def _html(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kinds = ["text", "element", "heading", "void", "stray close"] if depth < 4 else ["text", "void"]
        kind = draw(st.sampled_from(kinds))
        if kind == "text":
            parts.append(draw(_text))
        elif kind == "void":
            parts.append(draw(st.sampled_from(["<br />", "<br>", "<hr />", '<img alt="x" src="y.png" />'])))
        elif kind == "stray close":
            parts.append(f"</{draw(st.one_of(_tags, _headings))}>")
        else:
            tag = draw(_headings if kind == "heading" else _tags)
            attributes = draw(_ids if kind == "heading" else _attributes)
            parts.append(f"<{tag}{attributes}>{draw(_html(depth + 1))}</{tag}>")
    return "".join(parts)


@settings(max_examples=1000, deadline=None)
@given(_html())
@example('<div><h2 id="x">T</h2>in</div>after')  # a heading nested in a block, before any section
@example('<h1 id="t">T</h1><div class="admonition"><h3 id="n">N</h3><p>in</p></div><p>after</p>')
@example('<h2 id="a">A<a class="headerlink" href="#a">&para;</a></h2><ul><li> </li><li>x</li></ul><p>\n</p>')
# A kept element closed in another section than it opened in: Material's parser raises ValueError.
@example('<p>ISKP<h1 id="origins"></h1><h1 id="origins"></h1></p><p><br /><p><h1 id="origins"></h1></p></p>')
def test_random_html_is_split_as_material_splits_it(content: str) -> None:
    found = one_pass(content)
    try:
        expected = material(content)
    except Exception:  # noqa: BLE001 - then the page must go to Material's parser, to fail as it would
        assert found is None
        return
    assert found is not None  # none of these shapes needs Material's parser
    assert found == expected


def test_a_page_materials_parser_cannot_take_is_left_to_it() -> None:
    # Found by the property test: the one pass used to raise its own ValueError here. Now it gives
    # the page to Material's parser, whose error (the same as without the one pass) is the build's.
    content = '<p>ISKP<h1 id="origins"></h1><h1 id="origins"></h1></p><p><br /><p><h1 id="origins"></h1></p></p>'
    with pytest.raises(ValueError):
        material(content)
    assert one_pass(content) is None


@pytest.mark.parametrize(
    "content",
    [
        "<p>a</p><script>var x = '<h2 id=\"y\">';</script>",
        "<pre><code>  kept\n  spaces</code></pre>",
        "<p>a</p><!-- <h2 id='x'>not a heading</h2> -->",
        "<p>1 < 2</p><h2 id='b'>B</h2>",
        "<div data-search-exclude><h2 id='b'>B</h2></div>",
        '<div class="linenodiv">1 2</div>',
        "<my-element>x</my-element>",
        "<P ALIGN=center>unquoted</P>",
    ],
)
def test_what_the_one_pass_reader_leaves_to_material(content: str) -> None:
    assert one_pass(content) is None
