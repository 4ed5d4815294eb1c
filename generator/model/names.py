"""What a name may hold: one line, no invisible characters, and no look-alike of another profile's name.

One line: a name, title, label or place (``entities.Line``) holds no line break. It is written into
line-based formats (a RIS citation is "TAG  - value" lines: a line break in a title would start a
record of its own) and shown where a break means nothing; YAML's literal blocks and "\n" escapes
could otherwise put one there.

Invisible characters: besides the control characters and bidirectional overrides that every text
refuses (models.find_markup), a name must not hold format characters (a zero-width space makes
"R\u200bF" show as "RF"), private-use or unassigned code points, line or paragraph separators, or
the characters Unicode lists as ignorable by default (Hangul fillers, variation selectors, tag
characters), which render as nothing. Zero-width joiners and non-joiners are allowed exactly where
Persian, Arabic or Indic spelling needs them: IDNA's CONTEXTJ rules (RFC 5892, from the ``idna``
package) say where that is.

Look-alikes: Unicode Technical Standard #39 compares strings by their *skeleton*, each character
replaced by the prototype of its class of confusable characters, so that a Cyrillic "Н" and a Latin
"H" become one. The classes come from the ``confusable-homoglyphs`` package, which ships the Unicode
Consortium's confusables.txt as data; two names of different profiles whose skeletons make the same
name key cannot both stand.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import idna
from confusable_homoglyphs.confusables import confusables_data, is_mixed_script

# Default_Ignorable_Code_Point (Unicode's DerivedCoreProperties) that are not format characters (Cf)
# or unassigned: they too render as nothing.
_IGNORABLE = frozenset(
    [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0] + list(range(0x180B, 0x1810)) + list(range(0xFE00, 0xFE10)) + list(range(0xE0100, 0xE01F0))
)
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
_JOINERS = frozenset({"\u200c", "\u200d"})


@functools.lru_cache(maxsize=4096)
def _hidden(char: str) -> bool:
    return unicodedata.category(char) in _HIDDEN_CATEGORIES or ord(char) in _IGNORABLE


# Where str.splitlines breaks a line: Unicode's line boundaries.
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` if it is one line; else ValueError naming the first line break."""
    found = _LINE_BREAKS.search(text)
    if found:
        raise ValueError(f"line break ({describe(found.group())}) in a name, title or label; write it on one line")
    return text


def invisible(text: str) -> list[int]:
    """Indexes of the characters of ``text`` that show as nothing (tab and newline aside)."""
    found = []
    for index, char in enumerate(text):
        if char.isascii() and (char.isprintable() or char in "\t\n"):
            continue
        if not _hidden(char):
            continue
        if char in _JOINERS and _joiner_in_context(text, index):
            continue
        found.append(index)
    return found


def _joiner_in_context(text: str, index: int) -> bool:
    try:
        return bool(idna.valid_contextj(text, index))
    except (ValueError, idna.IDNAError):
        return False


def describe(char: str) -> str:
    """U+200B ZERO WIDTH SPACE"""
    return f"U+{ord(char):04X}" + (f" {unicodedata.name(char)}" if unicodedata.name(char, "") else "")


@functools.cache
def _prototypes() -> dict[str, str]:
    """Each confusable character -> one member of its class, the same for the whole class. The data
    lists, for each character, the characters confusable with it; classes are joined transitively
    (union-find), and a class is represented by its smallest member."""
    parent: dict[str, str] = {}

    def find(char: str) -> str:
        while parent.setdefault(char, char) != char:
            parent[char] = parent[parent[char]]
            char = parent[char]
        return char

    for char, homoglyphs in confusables_data.items():
        for homoglyph in homoglyphs:
            other = homoglyph["c"].replace("\u200e", "")  # the data marks right-to-left glyphs
            if len(char) == 1 and len(other) == 1:
                first, second = find(char), find(other)
                if first != second:
                    parent[max(first, second)] = min(first, second)
    return {char: find(char) for char in parent}


@functools.lru_cache(maxsize=1 << 16)
def skeleton(text: str) -> str:
    """The TR39 skeleton of ``text``: NFD, every character replaced by its class's prototype, NFD.
    Cached: every name is looked at again on every rebuild under `mkdocs serve`."""
    prototypes = _prototypes()
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFD", "".join(prototypes.get(char, char) for char in decomposed))


def oddness(name: str) -> tuple[bool, int]:
    """How unlike an ordinary spelling a name is: letters of several scripts in it, then the number
    of its words that mix digits and letters ("0ld"). Of two names that read alike, the odder one is
    the look-alike."""
    words = name.split()
    mixed = sum(1 for word in words if any(c.isdigit() for c in word) and any(c.isalpha() for c in word))
    return (is_mixed_script(name), mixed)


# A name a source uses without saying it is the profile's (Alias.unconfirmed) is searchable, shown
# with who uses it: "Shahab al-Muhajir (named by The Hindu)". The words before the mark are the name.
_NAMED_BY = " (named by "


def named_by(name: str, publishers: list[str]) -> str:
    """How search shows a name only some sources use for this profile."""
    return f"{name}{_NAMED_BY}{' and '.join(publishers) or 'a source'})"


def spoken_name(label: str) -> str:
    """The name in a label that ``named_by`` made (any other label is a name already)."""
    return label.split(_NAMED_BY, 1)[0]
