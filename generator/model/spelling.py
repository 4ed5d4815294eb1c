"""A name in any spelling: the rules that make "Khurasan" and "Khorasan", "Mansoor" and "Mansour",
"Hebatullah" and "Hibatullah" one *spelling key*.

The rules are written here once, as data (``RULES``), and applied by ``spelling_key`` here and by
``spellingKey`` in site_src/assets/kb-names.js, which reads the same data from ``assets/kb-spelling.js``,
a file the render stage writes from ``RULES`` (``script``). Each pattern is a regular expression that
Python's ``re`` and JavaScript read alike (no named groups, no back-references in a replacement).

A spelling key starts from the words of a name as search knows them (export/search_index.py: ``words``:
lower case, accents dropped) and then:

1. drops the connectors transliterations write or leave out: "Wilayat-e-Khorasan" and "Wilayat Khorasan",
   "Abu Bakr al-Baghdadi" and "Abu Bakr Baghdadi";
2. drops a final "h" after a vowel in each word ("Mullah", "Mulla");
3. joins the words: spaces and hyphens ("Akhund-zada", "Akhundzada") do not count;
4. writes each letter as the class of letters romanisations put for one sound (o/u, e/i, q/k, c/k,
   gh/g), in order, and collapses a doubled letter ("ee", "oo", "ou" come to one vowel this way).

The key is coarse by design; search still puts the profile whose name is the query, as written, first
(export/search_index.py), and tests/test_spelling.py holds that no two profiles of the knowledge base
come to one key unless they share the name.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Final

# Words a romanisation writes between two names, or before one, and another leaves out.
CONNECTORS: Final = ("al", "el", "ul", "e", "i")
# Applied to each word, in order.
WORD_RULES: Final = ((r"(?<=[aeiou])h$", ""),)
# Applied to the joined words, in order; then every run of one letter becomes one letter.
LETTER_RULES: Final = (
    ("gh", "g"),
    ("c(?!h)", "k"),  # "Crocus", "Krokus"; "ch" is its own sound
    ("q", "k"),
    ("ou", "u"),
    ("o", "u"),
    ("e", "i"),
)
RULES: Final = {"connectors": list(CONNECTORS), "word": [list(r) for r in WORD_RULES], "letters": [list(r) for r in LETTER_RULES]}

SCRIPT_FILE: Final = "assets/kb-spelling.js"  # written by the render stage; read by kb-names.js


@functools.cache
def _compiled() -> tuple[list[tuple[re.Pattern[str], str]], list[tuple[re.Pattern[str], str]]]:
    return [(re.compile(p), r) for p, r in WORD_RULES], [(re.compile(p), r) for p, r in LETTER_RULES]


_DOUBLED = re.compile(r"(.)\1+")


def spelling_words(words: list[str]) -> list[str]:
    """The words of a name (already folded) that count for its spelling, each with the word rules applied."""
    word_rules, _ = _compiled()
    kept = []
    for word in words:
        if word in CONNECTORS:
            continue
        for pattern, replacement in word_rules:
            word = pattern.sub(replacement, word)
        kept.append(word)
    return kept


def spelling_of(joined: str) -> str:
    """The letter rules, then doubled letters collapsed."""
    _, letter_rules = _compiled()
    for pattern, replacement in letter_rules:
        joined = pattern.sub(replacement, joined)
    return _DOUBLED.sub(r"\1", joined)


def spelling_keys(words: list[str]) -> list[str]:
    """The spelling key of a name (its folded words), then that of each tail of it from its second word
    on: "Akhtar Mansour" is found by "Mansoor" too. Empty when no word counts."""
    kept = spelling_words(words)
    return [spelling_of("".join(kept[start:])) for start in range(len(kept))]


def spelling_key(words: list[str]) -> str:
    """The spelling key of a whole name, from its folded words ("" if no word counts)."""
    keys = spelling_keys(words)
    return keys[0] if keys else ""


def script() -> str:
    """assets/kb-spelling.js: the rules, for kb-names.js (on every page and in the search worker)."""
    data = json.dumps(RULES, ensure_ascii=True, separators=(",", ":"))
    return (
        "/* Khorasan Brief: the spelling rules of generator/model/spelling.py, written by the build. */\n"
        f'(typeof self !== "undefined" ? self : this).KhorasanSpelling = {data};\n'
    )
