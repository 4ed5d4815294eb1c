"""The render stage's Layout (engine-neutral) gives the URLs and files MkDocs gives the same pages."""

from __future__ import annotations

import pytest
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from generator.render.layout import Layout

PATHS = [
    "index.md", "groups/index.md", "groups/isis-k.md", "people/README.md", "a/b/c.md", "timeline.md",
    "graph.json", "exports/all.json", "groups/iskp.md", "assets/khorasan.css", "x.markdown", "y.MD",
    "names/ŝahab al muhajir.md", "a b/c d.md", "groups/index.html",
]


@pytest.mark.parametrize("directory_urls", [True, False])
@pytest.mark.parametrize("path", PATHS)
def test_layout_matches_mkdocs(path: str, directory_urls: bool) -> None:
    mkdocs = File(path, None, "", directory_urls)
    layout = Layout(directory_urls)
    assert (layout.dest(path), layout.url(path)) == (mkdocs.dest_uri, mkdocs.url)


@pytest.mark.parametrize("directory_urls", [True, False])
@pytest.mark.parametrize("page", PATHS)
@pytest.mark.parametrize("source", ["groups/iskp.md", "index.md", "a/b/c.md", "people/README.md"])
def test_relative_links_match_mkdocs(page: str, source: str, directory_urls: bool) -> None:
    layout = Layout(directory_urls)
    url, dest = layout.url(page), layout.dest(source)
    assert layout.relative(url, dest) == get_relative_url(url, dest)
