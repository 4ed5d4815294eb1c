"""Search: what the generator changes in Material's search index.

1. **Indexing in one pass.** Material's search plugin splits the HTML of every page into sections
   (one per heading) with ``html.parser`` and, for each token, a few set operations: a quarter of
   MkDocs's time per page. ``split_sections`` makes the same split in one regular-expression pass over
   HTML of the plain shape Python-Markdown writes, and gives way to Material's parser for anything
   else (scripts, styles, ``<pre>``, comments, blocks excluded from search, or a ``<`` that does not
   open a tag). Each step below mirrors one handler of Material's ``Parser`` (material 9,
   ``plugins/search/plugin.py``); tests/test_fast_paths.py holds the two equal on every page of a
   real build and on generated HTML. Material still makes each entry (``create_entry_for_section``).

2. **Every name of a profile finds it first: its names become the search tags of its page.**
   Material's search weighs a document's ``tags`` a thousand times its title. Tags written in front
   matter would be copied onto every section of a page, and a term in the tags of many documents
   counts for little (lunr weighs a term by how rare it is), so a long profile such as ISIS-K would
   lose to a short page that mentions the same word once. Here, after MkDocs has written the index, a
   profile's names are set on the page's own entry only. Front matter stays free for the tags plugin,
   should the site ever use it.
"""

from __future__ import annotations

import functools
import html
import itertools
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

INDEX_FILE = Path("search") / "search_index.json"

# -- 1. indexing in one pass -----------------------------------------------------------------------

# A tag as Python-Markdown writes it: lower or upper case name, attributes with double-quoted values.
_TAG = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"<]*")?)*)\s*(/?)>')
_ATTRIBUTE = re.compile(r'([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:(=)"([^"]*)")?')
# What Material's parser treats specially (skipped blocks, kept whitespace) or html.parser reads in
# its own way (comments, declarations, processing instructions): such a page goes to Material's parser.
_SPECIAL = ("<!", "<?", "<script", "<style", "<object", "<pre", "data-search-exclude", "linenodiv")
# Material's lists: headings open sections; the kept tags stay in the indexed text; void tags never close.
_HEADINGS = frozenset(f"h{level}" for level in range(1, 7))
_KEPT = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"})


@dataclass(eq=False, slots=True)
class Section:
    """What Material's ``create_entry_for_section`` reads of a section (its ``Section`` has the same)."""

    heading: str  # the heading's tag, or "hx" for the text before the first heading
    depth: float = 0  # how many elements were open at the heading; inf once the section is left
    title: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    id: str | None = None

    def is_excluded(self) -> bool:
        return False  # blocks excluded from search send the page to Material's parser


class _Splitter:
    """Material's ``Parser`` for plain HTML: the same sections from the same tokens."""

    def __init__(self) -> None:
        self.open: list[str] = []  # the tags of the open elements
        self.permalinks: list[bool] = []  # for each open element: is it a heading's permalink?
        self.sections: list[Section] = []
        self.section: Section | None = None

    def current(self) -> Section:
        if self.section is None:  # text before any heading
            self.section = Section("hx")
            self.sections.append(self.section)
        return self.section

    def target(self) -> list[str]:
        section = self.current()
        return section.title if section.heading in self.open else section.text

    def start(self, tag: str, attributes: dict[str, str | None]) -> None:
        if tag in _VOID:
            return
        self.open.append(tag)
        self.permalinks.append(tag == "a" and attributes.get("class") == "headerlink")
        if tag in _HEADINGS and "id" in attributes:
            depth = len(self.open)
            if tag != "h1" and not self.sections:  # the page's own entry, titled by the page
                self.sections.append(Section("hx", depth))
            self.section = Section(tag, depth, id=attributes["id"] if self.sections else None)
            self.sections.append(self.section)
        self.current()
        if tag in _KEPT:
            self.target().append(f"<{tag}>")

    def end(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            return
        section = self.current()
        if section.depth > len(self.open):  # leaving the element a heading was nested in
            for earlier in reversed(self.sections):
                if earlier.depth <= len(self.open):
                    section.depth = math.inf  # never returned to
                    self.section = earlier
                    break
        self.open.pop()
        self.permalinks.pop()
        if tag in _KEPT:
            self._close(tag, self.target())

    @staticmethod
    def _close(tag: str, target: list[str]) -> None:
        # As Material does: the element is dropped when nothing but whitespace follows the first
        # opening tag of its kind in this section; otherwise its closing tag is added.
        opening = f"<{tag}>"
        if opening not in target:
            # A kept element opened in one section and closed in another ("<p>x<h1 id=a></h1></p>
            # <p><p><h1 id=b></h1></p></p>"): Material's parser raises ValueError here. It gets the
            # page, so that the build does exactly what it would do without the one pass.
            raise _GiveWay
        index = target.index(opening)
        if all(part.isspace() for part in itertools.islice(target, index + 1, None)):
            del target[index:]
        else:
            target.append(f"</{tag}>")

    def data(self, text: str) -> None:
        text = " " if text.isspace() else text.replace("\n", " ")
        section = self.current()
        if section.heading in self.open:
            if not any(self.permalinks):
                section.title.append(html.escape(text, quote=False))
        elif text == " ":
            if not section.text or not section.text[-1].isspace():
                section.text.append(text)
        else:
            section.text.append(html.escape(text, quote=False))


class _GiveWay(Exception):
    """The one pass meets a shape it does not mirror: Material's parser reads the page."""


def split_sections(content: str) -> list[Section] | None:
    """The sections Material's search parser finds in ``content``; None where it must read it itself.

    Never raises: whatever the one pass does not fully understand, it leaves to Material's parser, so
    a page is indexed (or fails) exactly as it would be without it."""
    lowered = content.lower()
    if any(special in lowered for special in _SPECIAL):
        return None
    try:
        return _split(content)
    except Exception:  # noqa: BLE001 - _GiveWay, or a shape no test foresaw: Material's parser decides
        return None


def _split(content: str) -> list[Section] | None:
    splitter = _Splitter()
    end = tags = 0
    for tag in _TAG.finditer(content):
        tags += 1
        if tag.start() > end:
            splitter.data(html.unescape(content[end : tag.start()]))
        end = tag.end()
        closing, name, attributes, self_closing = tag.groups()
        name = name.lower()
        if closing:
            splitter.end(name)
            continue
        splitter.start(name, _attributes(attributes))
        if self_closing:
            splitter.end(name)
    if tags != content.count("<"):  # a '<' that html.parser would read as text, or a tag of another shape
        return None
    if end < len(content):
        splitter.data(html.unescape(content[end:]))
    return splitter.sections


def _attributes(written: str) -> dict[str, str | None]:
    # As html.parser gives them: lower-case names, values unescaped, None for an attribute without one.
    return {
        name.lower(): html.unescape(value) if equals else None
        for name, equals, value in _ATTRIBUTE.findall(written)
    }


def material_indexes(config: MkDocsConfig) -> Iterator[Any]:
    """The per-build index of each Material search plugin (``search_index``, made anew in on_config):
    ``add_entry_from_context(page)`` appends the page's entries, made by ``create_entry_for_section``,
    to ``entries``. A search plugin of another shape is not touched."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if (
            callable(getattr(index, "add_entry_from_context", None))
            and callable(getattr(index, "create_entry_for_section", None))
            and isinstance(getattr(index, "entries", None), list)
        ):
            yield index


def index_in_one_pass(config: MkDocsConfig) -> None:
    """Have Material's search index take the sections of plain pages from ``split_sections``."""
    for index in material_indexes(config):
        index.add_entry_from_context = functools.partial(_add_entry, index, index.add_entry_from_context)


def _add_entry(index: Any, material: Callable[[Page], None], page: Page) -> None:
    sections = split_sections(page.content or "")
    if sections is None or (page.meta.get("search") or {}).get("exclude"):
        return material(page)
    for section in sections:
        index.create_entry_for_section(section, page.toc, page.url, page)
    return None


# -- 2. names as tags ------------------------------------------------------------------------------


def weigh_names(index: dict[str, Any], names: dict[str, list[str]]) -> int:
    """Set ``names[url]`` as the tags of the entry at ``url``; return how many entries were tagged.

    The search page renders tags as HTML, so each name is escaped like every other indexed text.
    """
    tagged = 0
    for doc in index.get("docs", []):
        location = doc.get("location", "")
        if location in names:
            doc["tags"] = [html.escape(name, quote=False) for name in names[location]]
            tagged += 1
    return tagged


def weigh_names_in_site(site_dir: Path, names: dict[str, list[str]]) -> int:
    """Rewrite the built site's search index; 0 when the site has none (search plugin off)."""
    path = site_dir / INDEX_FILE
    if not path.is_file():
        return 0
    index = orjson.loads(path.read_bytes())  # 50 MB at 5,000 profiles: the standard json takes seconds
    tagged = weigh_names(index, names)
    path.write_bytes(orjson.dumps(index))
    return tagged
