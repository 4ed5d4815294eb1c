"""Hedges: the words by which a source says that something is uncertain, or only someone's claim.

``check-citations --hedges`` lists every statement whose cited paragraph hedges ("may", "likely",
"there is a probability", "reportedly", "claimed" ...) while the statement itself states the thing
plainly. It is a list for review, not a failure: whether a statement has kept its source's
certainty is a judgement of wording, and a paragraph often hedges one sentence and states the next.
The message quotes the hedging words of the paragraph, so the reviewer sees which sentence it is.

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
    r"apparently|appears?|appeared|seems?|seemed|suggests?|suggested|unclear|uncertain|unconfirmed)\b",
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


def source_hedges(paragraph: str) -> list[Hedge]:
    """The hedges of a source's paragraph, in order, each with a few words around it."""
    found = []
    for match in SOURCE_HEDGES.finditer(paragraph):
        if match.group() == "May" and _is_month(paragraph, match.start(), match.end()):
            continue
        found.append(Hedge(" ".join(match.group().split()), _around(paragraph, match.start(), match.end())))
    return found


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
