"""A tiny HTML reader for tests: elements with their attributes and text, via the standard library."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    children: list[Element] = field(default_factory=list)


class _Collector(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.all: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.all.append(element)
        if self.open:
            self.open[-1].children.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                return

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data


def parse(html: str) -> list[Element]:
    collector = _Collector()
    collector.feed(html)
    return collector.all


def find(html: str, tag: str, **attrs: str) -> list[Element]:
    """Elements of a tag whose attributes include the given values (class_ matches one class)."""
    wanted = {k.rstrip("_"): v for k, v in attrs.items()}
    found = []
    for element in parse(html):
        if element.tag != tag:
            continue
        ok = True
        for key, value in wanted.items():
            have = element.attrs.get(key)
            if have is None or (value not in have.split() if key == "class" else have != value):
                ok = False
                break
        if ok:
            found.append(element)
    return found


def below(element: Element) -> list[Element]:
    """Every element below ``element``, in document order."""
    found = []
    for child in element.children:
        found.append(child)
        found += below(child)
    return found


def descendants(element: Element, tag: str) -> list[Element]:
    """The elements of a tag below ``element``, in document order."""
    return [child for child in below(element) if child.tag == tag]


def head_meta(html: str) -> dict[str, str]:
    """The page's <meta> tags: property or name -> content (the first of each)."""
    found = {}
    for element in find(html, "meta"):
        key = element.attrs.get("property") or element.attrs.get("name")
        if key:
            found.setdefault(key, element.attrs.get("content", ""))
    return found


def box_rows(html: str) -> dict[str, Element]:
    """A profile's summary box: each row's label -> its value cell (the header row left out)."""
    box = find(html, "div", class_="kb-summary")[0]
    rows = descendants(box, "tr")
    return {row.children[0].text.strip(): row.children[1] for row in rows[1:]}


def article(html: str) -> Element:
    """The page's main content (Material wraps it in <article class="md-content__inner">)."""
    return find(html, "article")[0]


def section_after(html: str, heading_id: str) -> str:
    """The HTML from a heading with this id to the next heading of the same or a higher level."""
    start = html.index(f'id="{heading_id}"')
    level = html.rfind("<h", 0, start)
    tag = html[level + 1 : level + 3]
    following = [html.find(f"<h{n}", start) for n in range(1, int(tag[1]) + 1)]
    ends = [i for i in following if i != -1] + [html.find("</article>", start)]
    return html[start : min(ends)]
