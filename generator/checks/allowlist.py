"""The allow-list that the HTML of every generated page and every brief must pass: which elements,
attributes, URL schemes, classes and ids it may hold. The site's Content-Security-Policy is the
second line; this is the first, and it judges what the Markdown *became*, not the text that went in
(``java\\script:`` is plain text to a pattern and a script link after pymdownx.escapeall).

Two readers judge the same HTML:

- a checked walk (``html.parser``) names each element, attribute or address outside the list, for
  a message that says what to change;
- nh3 (the Ammonia sanitiser, whose html5ever parser reads HTML as browsers do) cleans the HTML with
  the same list, and whatever it would remove that the walk let through is refused too. So a page
  passes only if both readers find nothing to take away: a reading in which html.parser and a browser
  differ cannot slip through.

Briefs, written by editors in Markdown, get the narrow list (what Markdown and the site's extensions
produce); the generated pages, whose markup comes from the templates, the wider one (their own
data-* attributes, forms of the timeline filter). A brief's page is both: brief.md.j2 puts what the
editor wrote inside one ``<div class="kb-brief-body">`` and an end mark, which gets the narrow list, and the rest of
the page (title, summary, "on this page", references) is the template's (``check_brief_page``).
"""

from __future__ import annotations

import functools
import html
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

# What Markdown with this site's extensions produces from text alone (raw HTML is refused earlier).
BRIEF_TAGS = frozenset("p h1 h2 h3 h4 h5 h6 blockquote pre code ul ol li hr br em strong a img table thead tbody tr th td div sup".split())
# The series charts (generator/render/chart.py) are inline SVG: shapes and text, no script, style or animation.
CHART_TAGS = frozenset("svg line polyline rect circle path text title".split())
# The map of events (generator/render/map.py) adds groups of outlines, in the same inert SVG.
MAP_TAGS = frozenset({"g"})
# The indexes' filters, the timeline and network controls and "Cite this page" (their scripts read the
# data-* attributes; inert data, like aria-*, is allowed on any element of a generated page).
CONTROL_TAGS = frozenset("form fieldset legend label select option datalist input button output aside".split())
PAGE_TAGS = BRIEF_TAGS | CHART_TAGS | MAP_TAGS | CONTROL_TAGS | frozenset("span section nav figure figcaption time small".split())
PAGE_ATTRIBUTE_PREFIXES = ("data-", "aria-")

BRIEF_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"id", "class"}),
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title"}),
    "ol": frozenset({"start"}),
    "th": frozenset({"style", "align"}),
    "td": frozenset({"style", "align"}),
}
PAGE_ATTRIBUTES: dict[str, frozenset[str]] = {
    **BRIEF_ATTRIBUTES,
    "div": frozenset({"hidden", "role", "tabindex"}),  # tabindex: the network's picture scrolls, from the keyboard too
    "a": frozenset({"href", "title", "tabindex", "download"}),
    "svg": frozenset({"viewbox", "width", "height", "xmlns", "focusable", "role"}),
    "line": frozenset({"x1", "x2", "y1", "y2", "stroke"}),
    "polyline": frozenset({"points", "fill", "stroke", "stroke-dasharray"}),
    "rect": frozenset({"x", "y", "width", "height", "fill"}),
    "circle": frozenset({"cx", "cy", "r", "fill"}),
    "path": frozenset({"d", "fill", "stroke"}),
    "text": frozenset({"x", "y", "text-anchor", "fill"}),
    "form": frozenset({"hidden", "role"}),
    "label": frozenset({"for"}),
    "select": frozenset({"name", "multiple", "size"}),
    "option": frozenset({"value", "selected"}),
    "output": frozenset({"for"}),
    "input": frozenset({"type", "name", "value", "list", "min", "max", "step", "placeholder", "autocomplete", "checked", "size", "inputmode"}),
    "button": frozenset({"type", "hidden", "disabled"}),
    "th": frozenset({"style", "align", "scope"}),
    "td": frozenset({"style", "align"}),
    "time": frozenset({"datetime"}),
}

# Classes Markdown's extensions set (admonition types as Material styles them, footnotes, permalinks).
ADMONITION_TYPES = frozenset(
    "note abstract summary tldr info todo tip hint important success check done question help faq warning "
    "caution attention failure fail missing danger error bug example quote cite".split()
)
BRIEF_CLASSES = ADMONITION_TYPES | {"admonition", "admonition-title", "headerlink", "footnote", "footnote-ref", "footnote-backref"}

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_ALIGN = re.compile(r"^\s*text-align:\s*(?:left|right|center)\s*;?\s*$")
# Ids: what the table of contents makes of a heading, or an editor's {: #id }; footnotes' own ids.
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_FOOTNOTE_ID = re.compile(r"^fn(?:ref\d*)?:\d+$")
# What browsers drop from a URL before reading it (WHATWG URL: leading and trailing C0 controls and
# spaces, tabs and newlines anywhere) and how they read a backslash in it.
_URL_DROPPED = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


@dataclass(frozen=True, order=True)
class Finding:
    """One thing outside the allow-list: where in the HTML (line, column of the element) and what."""

    line: int
    col: int
    what: str  # a sentence naming the element, attribute or address
    needle: str  # text to look for in the source, to place the problem there


@dataclass(frozen=True)
class Url:
    """An address as a browser reads it."""

    scheme: str  # lowercase, "" for a relative address
    other_host: bool  # //host/... : another site, whatever the scheme
    path: str
    fragment: str | None


def read_url(value: str) -> Url:
    url = _URL_DROPPED.sub(
        "", value.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    )
    url = url.replace("\\", "/")
    match = _SCHEME.match(url)
    scheme = match.group(1).lower() if match else ""
    rest = url[match.end() :] if match else url
    path, _, fragment = rest.partition("#")
    path = path.partition("?")[0]
    return Url(scheme, rest.startswith("//"), path, fragment if "#" in rest else None)


_TAKEN = " is already the id of another element of the page"


def _id_allowed(value: str) -> bool:
    return bool(_ID.match(value) or _FOOTNOTE_ID.match(value)) and not value.startswith("__")


def _refused_address(tag: str, url: Url) -> str | None:
    """Why the list refuses an address: "image" (an image from elsewhere), "scheme", or None."""
    if tag == "img" and (url.scheme or url.other_host):
        return "image"
    if url.scheme and url.scheme not in LINK_SCHEMES:
        return "scheme"
    return None


def _paint_allowed(value: str) -> bool:
    return value in ("currentColor", "none")


class _Walk(HTMLParser):
    def __init__(self, tags: frozenset[str], attributes: dict[str, frozenset[str]], brief: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.brief = tags, attributes, brief
        self.findings: list[Finding] = []
        self.seen: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str, Url, tuple[int, int]]] = []  # (tag, raw value, url, position)

    def find(self, what: str, needle: str) -> None:
        line, col = self.getpos()
        self.findings.append(Finding(line, col + 1, what, needle))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen[(tag, tuple(sorted((name, value or "") for name, value in attrs)))] += 1
        if tag not in self.tags:
            self.find(f"element <{tag}> is not allowed", tag)
            return
        allowed = self.attributes["*"] | self.attributes.get(tag, frozenset())
        for name, value in attrs:
            value = value or ""
            if name not in allowed and (self.brief or not name.startswith(PAGE_ATTRIBUTE_PREFIXES)):
                self.find(f'attribute {name}="{value[:40]}" on <{tag}> is not allowed', name)
            elif name in ("href", "src"):
                self._address(tag, name, value)
            elif name in ("fill", "stroke") and not _paint_allowed(value):
                self.find(f'{name}="{value[:40]}" on <{tag}> is not allowed (only currentColor or none)', name)
            elif name == "style" and not _ALIGN.match(value):
                self.find(f'style="{value[:40]}" on <{tag}> is not allowed (only a column\'s text-align)', "style")
            elif name == "id":
                self._id(tag, value)
            elif name == "class" and self.brief:
                for word in value.split():
                    if word not in BRIEF_CLASSES:
                        self.find(f"class '{word}' is not allowed in a brief (only those Markdown's extensions set)", word)

    handle_startendtag = handle_starttag

    def _id(self, tag: str, value: str) -> None:
        if not _id_allowed(value):
            self.find(f"id '{value[:40]}' on <{tag}> is not allowed: an id is letters, digits, - and _", value)
        elif value in self.ids:  # a second element with a footnote's or a heading's id takes its links
            self.find(f"id '{value[:40]}' on <{tag}>{_TAKEN}", value)
        self.ids.add(value)

    def _address(self, tag: str, name: str, value: str) -> None:
        url = read_url(value)
        line, col = self.getpos()
        refused = _refused_address(tag, url)
        if refused == "image":
            self.find(f"image from '{value[:60]}' is not allowed: images come from this site only", value)
        elif refused == "scheme":
            self.find(f"{url.scheme}: address '{value[:60]}' is not allowed; link only to http(s) and mailto addresses", url.scheme)
        else:
            self.links.append((tag, value, url, (line, col + 1)))

    def handle_comment(self, data: str) -> None:
        self.find("an HTML comment is not allowed", "<!--")

    def handle_decl(self, decl: str) -> None:
        self.find("an HTML declaration is not allowed", "<!")

    def handle_pi(self, data: str) -> None:
        self.handle_decl(data)


@dataclass
class Checked:
    findings: list[Finding]
    ids: set[str]  # every id in the HTML, for links to anchors
    links: list[tuple[str, str, Url, tuple[int, int]]]  # addresses the list allows, to be resolved


def check_html(markup: str, *, brief: bool, second_opinion: bool = True) -> Checked:
    """Every element, attribute and address of ``markup`` outside the allow-list; ``second_opinion``:
    and what nh3 would take away (only for a whole page: a lone tag is no page to a browser)."""
    tags, attributes = (BRIEF_TAGS, BRIEF_ATTRIBUTES) if brief else (PAGE_TAGS, PAGE_ATTRIBUTES)
    walk = _Walk(tags, attributes, brief)
    walk.feed(markup)
    walk.close()
    if not walk.findings and second_opinion:
        walk.findings += _second_opinion(markup, walk.seen, brief)
    return Checked(sorted(walk.findings), walk.ids, walk.links)


# html.parser gives attribute names in lower case; nh3 reads SVG's as SVG spells them.
_SVG_CASE = {"viewbox": "viewBox"}


@functools.cache
def _nh3_attributes(brief: bool) -> dict[str, set[str]]:
    return {tag: {_SVG_CASE.get(name, name) for name in names} for tag, names in (BRIEF_ATTRIBUTES if brief else PAGE_ATTRIBUTES).items()}


def _second_opinion(markup: str, seen: Counter[tuple[str, tuple[tuple[str, str], ...]]], brief: bool) -> list[Finding]:
    """What nh3 would take away from HTML that the walk let through (elements and attributes kept,
    compared as both parsers read them)."""
    cleaned = nh3.clean(
        markup,
        tags=set(BRIEF_TAGS if brief else PAGE_TAGS),
        attributes=_nh3_attributes(brief),
        url_schemes=set(LINK_SCHEMES),
        generic_attribute_prefixes=set() if brief else set(PAGE_ATTRIBUTE_PREFIXES),
        link_rel=None,
        strip_comments=True,
    )
    after = _Walk(PAGE_TAGS, PAGE_ATTRIBUTES, brief=False)
    after.feed(cleaned)
    after.close()
    lost = seen - after.seen
    return [Finding(1, 1, f"<{tag}> with {dict(attrs)} is not what a browser would read", tag) for (tag, attrs) in sorted(lost)]


BRIEF_BODY = '<div class="kb-brief-body">'
# Where the editor's part ends: a comment, which Markdown text cannot make (raw HTML is refused before
# conversion), so no body can move it; the adapter takes it out of the page once it is checked.
BRIEF_END = "<!-- kb-brief-end -->"


def check_brief_page(markup: str) -> Checked:
    """A brief's page: the editor's part (from the body container to the end mark) against the brief
    list, the template's part around it against the page list, and no id in one that the other holds
    already. Without exactly one container and one end mark after it (an override template that
    leaves them out) the whole page is judged as the editor's."""
    start, end = markup.find(BRIEF_BODY), markup.find(BRIEF_END)
    if markup.count(BRIEF_BODY) != 1 or markup.count(BRIEF_END) != 1 or not 0 <= start < end:
        return check_html(markup, brief=True)
    body = check_html(markup[start + len(BRIEF_BODY) : end], brief=True)
    template = check_html(markup[:start] + markup[end + len(BRIEF_END) :], brief=False)
    findings = set(body.findings + template.findings)
    if body.ids & template.ids:  # an id of each part: the walk of the whole page names the second one
        whole = _Walk(PAGE_TAGS, PAGE_ATTRIBUTES, brief=False)
        whole.feed(markup.replace(BRIEF_END, "", 1))
        whole.close()
        findings.update(f for f in whole.findings if f.what.endswith(_TAKEN))
    return Checked(sorted(findings), body.ids | template.ids, body.links + template.links)


def text_of(value: str) -> str:
    return html.unescape(value)


# -- generated pages, at the scale of a whole site ---------------------------------------------------

# Anything between "<" and ">"; a tag as Python-Markdown and the templates write it has double-quoted
# values with no "<" or ">" inside (_VALUE), which are blanked to leave its shape (_SHAPE, below).
_TAG_TEXT = re.compile(r"<[^<>]*>")
_VALUE = re.compile(r'="[^"<>]*"')
# The values the walk judges by what they say (addresses, styles, ids, paint); every other allowed
# attribute is allowed whatever its value.
# An address that cannot name a scheme or another host, nor hide one in a character reference, is
# passed over; any other is read as a browser reads it.
_ADDRESS_TO_READ = re.compile(r'\s(?:href|src)="(?![A-Za-z0-9._~#?=+%-][A-Za-z0-9._~/#?=+%-]*")([^"<>]*)"', re.IGNORECASE)
_IMG_SOURCE = re.compile(r'<img\b[^>]*?\ssrc="([^"<>]*)"', re.IGNORECASE)
_OTHER_VALUE = re.compile(r'\s(id|style|fill|stroke)="([^"<>]*)"', re.IGNORECASE)
_known_shapes: set[str] = set()  # tags with their values blanked, already found within the list


def check_generated_page(markup: str) -> list[Finding]:
    """``check_html(markup, brief=False, second_opinion=False)``'s findings, at a fraction of its cost
    on a site's thousands of pages: a page made of strictly written tags (see _SHAPE) whose every
    element and attribute is on the list and whose every judged value passes is found clean without a
    walk; any other page is walked whole, with nh3's second reading (check_html). So the answer is the
    walk's whenever there is anything to say (tests/test_allowlist.py holds the two equal).

    nh3's second reading is for markup that a browser might read otherwise than html.parser; a page
    of strictly written tags, without comments or raw-text elements, is read alike by both."""
    return [] if _clean(markup) else check_html(markup, brief=False).findings


def _clean(markup: str) -> bool:
    # Comments, declarations and processing instructions: only the walk reads them as it must. An
    # element whose content html.parser or a browser reads as text is not on the list (shapes).
    if "<!" in markup or "<?" in markup:
        return False
    shapes = set(_TAG_TEXT.findall(_VALUE.sub('=""', markup))) - _known_shapes
    if not all(_shape_allowed(shape) for shape in shapes):
        return False
    if any(_refused_address("a", read_url(html.unescape(value))) for value in _ADDRESS_TO_READ.findall(markup)):
        return False
    if any(_refused_address("img", read_url(html.unescape(value))) for value in _IMG_SOURCE.findall(markup)):
        return False
    # Read as written, not unescaped: a character reference can only make an id, style or paint fail
    # here that the walk would pass (then the walk decides), never the other way round.
    ids: set[str] = set()
    for name, value in _OTHER_VALUE.findall(markup):
        name = name.lower()
        if name == "id":
            if value in ids or not _id_allowed(value):
                return False
            ids.add(value)
        elif not (_ALIGN.match(value) if name == "style" else _paint_allowed(value)):
            return False
    _known_shapes.update(shapes)
    return True


# A strictly written tag with its values blanked: its name and its attributes' names.
_SHAPE = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s"\'=<>/]+(?:="")?)*)\s*/?>')
_ATTRIBUTE_NAME = re.compile(r'\s+([^\s"\'=<>/]+)')


def _shape_allowed(shape: str) -> bool:
    """Whether the walk would let a tag of this shape through, its values aside (html.parser reads
    names in lower case, and judges no closing tag)."""
    match = _SHAPE.fullmatch(shape)
    if match is None:
        return False
    tag = match.group(2).lower()
    if match.group(1):
        return True
    if tag not in PAGE_TAGS:
        return False
    allowed = PAGE_ATTRIBUTES["*"] | PAGE_ATTRIBUTES.get(tag, frozenset())
    return all(name in allowed or name.startswith(PAGE_ATTRIBUTE_PREFIXES) for name in (written.lower() for written in _ATTRIBUTE_NAME.findall(match.group(3))))
