"""Every link of the whole built site works (issue 26, section 1): each internal ``href`` and ``src``
of every HTML page resolves to a file of the site, and each ``#fragment`` to an id on its page.

The site is built as it is published, under a sub-path (conftest's ``published_site``), since that
is where a link written from the wrong root breaks. ``mkdocs build --strict`` does not look inside
raw HTML blocks (the index tables, the templates' HTML), so this reads the written files instead.
"""

from __future__ import annotations

import functools
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import PUBLISHED, Site

pytestmark = pytest.mark.slow

# Where the published build lives on its server: an absolute link (the 404 page's, which is served
# at any depth) starts with this path.
SITE_PATH = urllib.parse.urlsplit(PUBLISHED["KB_SITE_URL"]).path


@dataclass(frozen=True)
class Link:
    page: Path
    tag: str
    attribute: str
    value: str


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v for k, v in attrs if v is not None}
        if "id" in found:
            self.ids.add(found["id"])
        if tag == "a" and "name" in found:
            self.ids.add(found["name"])
        for attribute in ("href", "src"):
            if attribute in found:
                self.links.append((tag, attribute, found[attribute]))


@functools.cache
def _read(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _target(root: Path, link: Link) -> tuple[Path | None, str]:
    """The file a link leads to inside the site (None: outside it, or not a file link) and its fragment."""
    parts = urllib.parse.urlsplit(link.value)
    if parts.scheme or parts.netloc:
        return None, ""
    path = urllib.parse.unquote(parts.path)
    if not path:
        return link.page, urllib.parse.unquote(parts.fragment)
    if path.startswith("/"):
        assert path.startswith(SITE_PATH), f"{link}: an absolute link outside the site's path {SITE_PATH}"
        target = root / path.removeprefix(SITE_PATH)
    else:
        target = link.page.parent / path
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target.resolve(), urllib.parse.unquote(parts.fragment)


def broken_links(site: Site) -> list[str]:
    root = site.root.resolve()
    broken: list[str] = []
    for page in sorted(root.rglob("*.html")):
        for tag, attribute, value in _read(page).links:
            link = Link(page, tag, attribute, value)
            target, fragment = _target(root, link)
            if target is None:
                continue
            where = f"{page.relative_to(root)}: <{tag} {attribute}=\"{value}\">"
            if not target.is_relative_to(root) or not target.is_file():
                broken.append(f"{where} leads to no file")
            elif fragment and target.suffix == ".html" and fragment not in _read(target).ids:
                broken.append(f"{where}: no id '{fragment}' on {target.relative_to(root)}")
    return broken


def test_every_internal_link_of_the_published_site_resolves(published_site: Site) -> None:
    broken = broken_links(published_site)
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken[:50])


def test_the_index_tables_link_each_row_to_its_built_page(published_site: Site) -> None:
    """The rows of the four index tables (raw HTML, which MkDocs leaves as written) link to pages,
    never to a Markdown file."""
    for index in ("groups", "people", "events", "sources"):
        page = published_site.root / index / "index.html"
        hrefs = [value for tag, attribute, value in _read(page).links if tag == "a" and attribute == "href"]
        rows = [h for h in hrefs if not urllib.parse.urlsplit(h).scheme and ".md" in h]
        assert not rows, f"{index}/index.html links to Markdown files: {rows[:5]}"
        assert any(h.endswith("/") and not h.startswith(("#", "..")) for h in hrefs), f"{index}: no row links to a page of its own section"


def test_the_check_finds_a_broken_link_and_a_missing_fragment(tmp_path: Path) -> None:
    """The check itself fails on what it is for: a link to a missing page, a missing id."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<p id="here"><a href="../b.md">b</a> <a href="#there">x</a> <a href="#here">y</a></p>', encoding="utf-8")
    broken = broken_links(Site(tmp_path))
    assert len(broken) == 2, broken
    assert "b.md" in broken[0] and "no id 'there'" in broken[1]
