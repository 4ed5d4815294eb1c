"""Hedges: the words by which a source says that something is uncertain, or only someone's claim.

``check-citations --hedges`` lists every statement whose cited paragraph hedges ("may", "likely",
"there is a probability", "reportedly", "claimed" ...) while the statement itself states the thing
plainly. It is a list for review, not a failure: whether a statement has kept its source's
certainty is a judgement of wording. The message quotes the hedging words of the paragraph, so the
reviewer sees which sentence it is.

A paragraph often hedges one sentence and states the next ("ISIS-K claimed the embassy bombing.
Russian forces fought it in Ingushetia."), so a hedge counts for a statement only when the sentence
that holds it is about what the statement says: it shares at least RELATED words with the statement
(or all the words of the shorter of the two, such as a fact of the summary box). Words are
compared by their first five letters, leaving out the commonest words and the hedge itself.

A statement counts as hedged when its own words hedge (the words a source hedges with, and a few
more a careful summary uses: "could", "possibly", "appears", "suggests", "unclear" ...), or when
its ``status`` presents it as someone's claim, allegation or a disputed or denied point: the page
then says "claimed by ISIS-K".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .quantities import MONTHS

# What a source hedges with. "May" the month is told apart below.
SOURCE_HEDGES = re.compile(
    r"\b(?:may|might|likely|probably|perhaps|reportedly|allegedly|claimed|tends?\s+to|tended\s+to|a\s+probability)\b",
    re.IGNORECASE,
)
# What a statement may hedge with: all of the above and their near kin.
STATEMENT_HEDGES = re.compile(
    r"\b(?:may|might|could|likely|unlikely|probably|probable|probability|perhaps|possibly|possible|potentially|"
    r"reportedly|allegedly|alleged|allegations?|claim|claims|claimed|claiming|tends?\s+to|tended\s+to|tendency|"
    r"apparently|appears?|appeared|seems?|seemed|suggests?|suggested|unclear|uncertain|unconfirmed|"
    r"according\s+to\s+reports|(?:is|are|was|were)\s+reported\s+to)\b",
    re.IGNORECASE,
)
# Statuses that the page shows as someone's word ("claimed by ISIS-K", "alleged by ...").
HEDGED_STATUSES = frozenset({"claimed", "alleged", "disputed", "denied"})

_MONTH_BEFORE = {"in", "of", "last", "this", "next", "early", "late", "mid", "since", "until", "by", "from", "each", "every"}
_WORD = re.compile(r"[A-Za-z]+")
_QUOTE_WORDS = 5  # words quoted on each side of a hedge


@dataclass(frozen=True)
class Hedge:
    word: str  # as written in the paragraph
    quote: str  # the words around it, to find the sentence


RELATED = 3  # words a hedged sentence must share with a statement to be about it

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(\[]*[A-Z0-9])")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]+|\d+")
_COMMON = frozenset(
    "the and for that this with from are was were has have had not but its their they them his her who whom "
    "which what when where while than then there these those into over after before about also been being "
    "would will could should can said says say according other some such more most many much only very all "
    "any each both either neither one two".split()
)


def source_hedges(paragraph: str, statement: str | None = None) -> list[Hedge]:
    """The hedges of a source's paragraph, in order, each with a few words around it; with ``statement``,
    only those in a sentence about what the statement says (see RELATED)."""
    words = _words(statement) if statement is not None else None
    found = []
    start = 0
    for end in [m.start() for m in _SENTENCE_END.finditer(paragraph)] + [len(paragraph)]:
        sentence = paragraph[start:end]
        if words is None or _about(_words(sentence), words):
            for match in SOURCE_HEDGES.finditer(sentence):
                if match.group() == "May" and _is_month(sentence, match.start(), match.end()):
                    continue
                found.append(Hedge(" ".join(match.group().split()), _around(paragraph, start + match.start(), start + match.end())))
        start = end
    return found


def _words(text: str) -> set[str]:
    """The words that carry a text's meaning, by their first five letters ("Russia" is "Russian")."""
    found = set()
    for match in _TOKEN.finditer(text):
        word = match.group().lower().replace("’", "'")
        if word.isdigit() or (len(word) > 2 and word not in _COMMON and not SOURCE_HEDGES.fullmatch(word)):
            found.add(word[:5])
    return found


def _about(sentence: set[str], statement: set[str]) -> bool:
    return bool(statement and sentence) and len(sentence & statement) >= min(RELATED, len(statement), len(sentence))


def hedged(text: str, status: str | None = None) -> bool:
    """True when the statement hedges by its words or presents itself as someone's claim."""
    if status in HEDGED_STATUSES:
        return True
    return any(not (m.group() == "May" and _is_month(text, m.start(), m.end())) for m in STATEMENT_HEDGES.finditer(text))


def _is_month(text: str, start: int, end: int) -> bool:
    """ "May" the month: before a day or year ("May 2016", "May 12"), or after "in", "last" and the like."""
    after = text[end : end + 6].lstrip()
    before = _WORD.findall(text[max(0, start - 20) : start])
    return after[:1].isdigit() or (bool(before) and before[-1].lower() in _MONTH_BEFORE) or (bool(before) and before[-1] in MONTHS)


def _around(text: str, start: int, end: int) -> str:
    before = text[:start].split()[-_QUOTE_WORDS:]
    after = text[end:].split()[:_QUOTE_WORDS]
    cut_before = len(text[:start].split()) > _QUOTE_WORDS
    cut_after = len(text[end:].split()) > _QUOTE_WORDS
    words = " ".join([*before, " ".join(text[start:end].split()), *after])
    return ("…" if cut_before else "") + words + ("…" if cut_after else "")
