"""Text from YAML as Markdown, HTML, JSON or YAML that shows exactly that text: escaped here, once, so
that no name or claim can become markup. Every ASCII punctuation character Markdown could read as
markup is backslash-escaped (with pymdownx.escapeall enabled, Markdown then prints it literally), and
``<`` and ``&`` become entities. tests/test_escape_markdown.py checks this through the site's real
Markdown settings."""

from __future__ import annotations

import functools
import html
import json
import re

_SPACE = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")  # every ASCII punctuation character
# Punctuation that means nothing to Markdown (with this site's extensions) inside a line is left as it
# is: each backslash escape costs Markdown a pattern match, and these characters fill ordinary prose.
# (":" is not among them: block parsers read raw lines, backslashes and all, and "[x\]: y" at the
# start of a line is a link reference definition.)
_PLAIN_INSIDE = ".,;?'\"()/%@$-"
# At the start of a text, where a line may begin, they can start a block ("- item", "1984. x").
_LINE_START = re.compile(r"^ ?\d*[" + re.escape(_PLAIN_INSIDE) + "]")
# `<` and `&` become entities: the parser of HTML blocks (md_in_html) reads through backslashes and
# would take an escaped "\<a" inside <div markdown> for the start of a tag.
_ESCAPED = str.maketrans(
    {
        **{c: "\\" + c for c in map(chr, range(128)) if _PUNCTUATION.fullmatch(c) and c not in _PLAIN_INSIDE},
        "<": "&lt;",
        "&": "&amp;",
    }
)


@functools.lru_cache(maxsize=1 << 16)
def escape(text: str) -> str:
    """Plain text -> Markdown that shows exactly that text, whatever characters it holds.

    Cached: names and source labels recur on thousands of pages of a large knowledge base.
    """
    flat = _SPACE.sub(" ", text)
    start = _LINE_START.match(flat)
    if start is None:
        return flat.translate(_ESCAPED)
    mark = start.end() - 1
    return flat[:mark] + "\\" + flat[mark] + flat[mark + 1 :].translate(_ESCAPED)


def html_text(text: str) -> str:
    """For places the theme prints without escaping (page titles in front matter)."""
    return html.escape(" ".join(text.split()), quote=True)


def json_attribute(value: object) -> str:
    """A value as JSON inside an HTML attribute (data-graph="..."), for the page's script to read."""
    return html.escape(json.dumps(value, ensure_ascii=False, separators=(",", ":")), quote=True)


@functools.lru_cache(maxsize=1 << 16)
def yaml_string(text: str) -> str:
    """A double-quoted YAML string for front matter, for any text. Everything outside printable ASCII
    is written as an escape: MkDocs reads front matter that fails to parse as page text, so one stray
    control character would otherwise publish the front matter, unescaped, as Markdown.

    Cached: a page's left column lists some 25 names of its kind, each on 25 pages."""
    return '"' + _YAML_ESCAPED.sub(_yaml_escape, text) + '"'


def yaml_flow(value: object) -> str:
    """Any JSON-like value as one line of YAML flow style, every string written by yaml_string: ASCII
    only, so that no name (a control character, a lone surrogate, a line separator) can make the
    front matter fail to parse and be published as page text."""
    if isinstance(value, str):  # first: most values are (a page's chrome holds some hundred)
        return yaml_string(str(value))
    if isinstance(value, dict):
        return "{" + ", ".join(f"{yaml_string(str(k))}: {yaml_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_flow(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return yaml_string(str(value))


_YAML_ESCAPED = re.compile(r'[^ -~]|["\\]')  # outside printable ASCII, or a quote or backslash


def _yaml_escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in '"\\':
        return "\\" + char
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


# Characters a URL never holds unencoded (RFC 3986) that Markdown would read inside <...>: a code span,
# an escape, link brackets, a table's cell separator. Percent-encoding them leaves the address as it is.
_URL_ENCODED = str.maketrans({c: f"%{ord(c):02X}" for c in "`\\[]|{}^"})


def markdown_url(url: str) -> str:
    """An http(s) URL as an autolink (<https://...>) that shows and leads to exactly that address,
    inside a table too."""
    return "<" + url.translate(_URL_ENCODED) + ">"
