"""A Python-Markdown extension that skips the inline patterns that cannot match, with the same HTML.

Python-Markdown's inline stage tries each of its fifteen or so patterns on each piece of text, one
Python call and one regular-expression search per pattern and piece; it is half of what converting
a generated page costs, and most pieces hold nothing any pattern could take ("1985", "Type", a
sentence without a link). Every pattern this site's Markdown uses needs a given character to match
(a link needs "[", an entity "&", emphasis "*" or "_"), so where that character does not occur in the
rest of the text, the pattern is passed over exactly as when its search finds nothing.

Correctness before speed:

- a pattern is skipped only if its name, class and regular expression are those in ``NEEDS`` (each
  checked by hand: every match of that expression contains the character); any other pattern, an
  extension's own or a changed one, is always tried;
- the loop that tries the patterns is Python-Markdown's own, with the skip added; if that library's
  loop is not the one this was written against (``_LOOP_DIGEST``), the extension does nothing;
- tests/test_skip_inline.py converts generated text and the real site's every page with and without
  it and compares the HTML.

About a third less time converting this site's pages (bench/RESULTS.md).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import re
from typing import Any

from markdown import Markdown, util
from markdown.util import Registry
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor

# (name, class, regular expression) of a pattern -> what every one of its matches contains.
NEEDS: dict[tuple[str, str, str], str] = {
    ("backtick", "BacktickInlineProcessor", r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)"): "`",
    ("escape", "EscapeInlineProcessor", r"\\(.)"): "\\",
    ("escape", "EscapeAllPattern", r"\\(.)"): "\\",  # pymdownx.escapeall
    ("footnote", "FootnoteInlineProcessor", r"\[\^([^\]]*)\]"): "[",
    ("reference", "ReferenceInlineProcessor", r"(?<!\!)\["): "[",
    ("link", "LinkInlineProcessor", r"(?<!\!)\["): "[",
    ("image_link", "ImageInlineProcessor", r"\!\["): "[",
    ("image_reference", "ImageReferenceInlineProcessor", r"\!\["): "[",
    ("short_reference", "ShortReferenceInlineProcessor", r"(?<!\!)\["): "[",
    ("short_image_ref", "ShortImageReferenceInlineProcessor", r"\!\["): "[",
    ("autolink", "AutolinkInlineProcessor", r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>"): "<",
    ("automail", "AutomailInlineProcessor", r"<([^<> !]+@[^@<> ]+)>"): "<",
    ("linebreak", "SubstituteTagInlineProcessor", r"  \n"): "\n",
    (
        "html",
        "HtmlInlineProcessor",
        r"""(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'=<>]++))?+)*+\s*+/?"""
        r"""|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)""",
    ): "<",
    ("entity", "HtmlInlineProcessor", r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)"): "&",
    ("em_strong", "DelimiterProcessor", r"\*|_"): "*_",
}

# Python-Markdown's loop over the patterns and its attempt of one (3.11), which the skip joins.
_LOOP_DIGEST = "7bb364a9"


def _loop_digest() -> str:
    source = "".join(
        inspect.getsource(method)
        for method in (InlineProcessor._InlineProcessor__handleInline, InlineProcessor._InlineProcessor__applyPattern)  # type: ignore[attr-defined]
    )
    return hashlib.sha256(source.encode()).hexdigest()[:8]


def loop_is_known() -> bool:
    """Whether the installed Python-Markdown tries its patterns as this extension expects."""
    try:
        return _loop_digest() == _LOOP_DIGEST
    except (AttributeError, OSError, TypeError):  # renamed, or no source to read
        return False


class _SkippingInlineProcessor(InlineProcessor):
    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        # The patterns as registered when the page is converted: extensions load in any order.
        self._needs = needs_of(self.inlinePatterns)
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802,N803 - the library's name
        """Python-Markdown's loop, but a pattern whose character is not in the rest of ``data`` is
        passed over: its search would find nothing, and the loop would move on the same way."""
        if isinstance(data, util.AtomicString):
            return data
        needs, patterns = self._needs, self.inlinePatterns
        start = 0
        count = len(patterns)
        while patternIndex < count:
            need = needs[patternIndex]
            if need is not None and need.search(data, start) is None:
                patternIndex, start = patternIndex + 1, 0
                continue
            data, matched, start = self._InlineProcessor__applyPattern(patterns[patternIndex], data, patternIndex, start)  # type: ignore[attr-defined]
            if not matched:
                patternIndex += 1
        return data


def needs_of(patterns: Registry[Any]) -> list[re.Pattern[str] | None]:
    """For each registered pattern, in order, a search for what its matches need (None: always try
    it)."""
    needs: list[re.Pattern[str] | None] = [None] * len(patterns)
    for (name, kind, expression), needed in NEEDS.items():
        if name in patterns:
            index = patterns.get_index_for_name(name)
            pattern = patterns[index]
            if type(pattern).__name__ == kind and getattr(getattr(pattern, "compiled_re", None), "pattern", None) == expression:
                needs[index] = _search(needed)
    return needs


@functools.cache
def _search(characters: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(characters) + "]")


class SkipImpossibleInlinePatterns(Extension):
    """Added last (with_skipping), after the extensions whose patterns it may skip; does nothing where
    the library's loop is not the known one."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - the library's name
        # Not over another extension's own inline stage.
        if loop_is_known() and "inline" in md.treeprocessors and type(md.treeprocessors["inline"]) is InlineProcessor:
            md.treeprocessors.register(_SkippingInlineProcessor(md), "inline", 20)

    def __repr__(self) -> str:  # the same in every build: preview.py keys its cache on the settings
        return f"{type(self).__name__}()"


def with_skipping(extensions: list[Any]) -> list[Any]:
    """``extensions`` with this one added last, once."""
    if any(isinstance(extension, SkipImpossibleInlinePatterns) for extension in extensions):
        return extensions
    return [*extensions, SkipImpossibleInlinePatterns()]
