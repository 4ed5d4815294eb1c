"""The render stage's Layout (engine-neutral) gives the URLs and files MkDocs gives the same pages."""

from __future__ import annotations

import pytest
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from generator.render.layout import Layout

PATHS = [
    "index.md",
    "groups/index.md",
    "groups/isis-k.md",
    "people/README.md",
    "a/b/c.md",
    "timeline.md",
    "graph.json",
    "exports/all.json",
    "groups/iskp.md",
    "assets/khorasan.css",
    "x.markdown",
    "y.MD",
    "names/ŝahab al muhajir.md",
    "a b/c d.md",
    "groups/index.html",
]


@pytest.mark.parametrize("directory_urls", [True, False])
def test_layout_matches_mkdocs(directory_urls: bool) -> None:
    layout = Layout(directory_urls)
    files = {path: File(path, None, "", directory_urls) for path in PATHS}
    assert {path: (layout.dest(path), layout.url(path)) for path in PATHS} == {path: (f.dest_uri, f.url) for path, f in files.items()}


@pytest.mark.parametrize("directory_urls", [True, False])
def test_relative_links_match_mkdocs(directory_urls: bool) -> None:
    layout = Layout(directory_urls)
    sources = ["groups/iskp.md", "index.md", "a/b/c.md", "people/README.md"]
    pairs = [(layout.url(page), layout.dest(source)) for page in PATHS for source in sources]
    assert [layout.relative(url, dest) for url, dest in pairs] == [get_relative_url(url, dest) for url, dest in pairs]
