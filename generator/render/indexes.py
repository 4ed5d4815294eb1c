"""What the index pages and the timeline say about each profile beyond its own fields: a group's
status, current leader and attacks, a person's affiliations, an event's perpetrators and deaths.

Each answer reads one profile and its own relationships (never the whole knowledge base), so an
index of N profiles costs N times a profile's links, and a page that shows one profile pays for one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model.entities import FigureValue
from ..stages.resolve import FigureView, KnowledgeBase, ProfileView

# Relationships, as seen from the profile in hand, that make each column.
ATTACKS = frozenset({"carried-out", "claimed"})  # a group's attacks: events it carried out or claimed
PERPETRATORS = frozenset({"carried-out-by", "claimed-by"})
AFFILIATIONS = frozenset({"leads", "member-of", "founded"})
LEADERS = "led-by"

# A place the sources do not give is sometimes written out as such ("Not stated in the sources");
# a line that reads as a sentence leaves the field out instead.
_UNSTATED = re.compile(r"^\s*(not (stated|given|known|named)|unknown|unstated)\b", re.IGNORECASE)


def stated(text: str | None) -> str | None:
    """The text, or None when it only says that the sources do not give it."""
    if not text or _UNSTATED.match(text):
        return None
    return text


def year(date: str | None) -> int | None:
    return int(date[:4]) if date else None


def status(profile: ProfileView) -> str:
    """A group is defunct once it has a date of dissolution, active otherwise."""
    return "defunct" if getattr(profile.model, "dissolved", None) else "active"


def targets(kb: KnowledgeBase, profile: ProfileView, types: frozenset[str] | str) -> list[ProfileView]:
    """The profiles at the other end of a profile's relationships of these types, each once, by name."""
    wanted = {types} if isinstance(types, str) else types
    ids = {edge.target for edge in profile.edges if edge.type.name in wanted}
    return sorted((kb.profiles[i] for i in ids), key=lambda p: (p.model.name.casefold(), p.id))


def current_leaders(kb: KnowledgeBase, group: ProfileView) -> list[ProfileView]:
    """Leaders whose leadership has no end date and who are not known to have died."""
    ids = {
        edge.target
        for edge in group.edges
        if edge.type.name == LEADERS
        and not edge.until
        and not getattr(kb.profiles[edge.target].model, "died", None)
        and not any(e.type.name == "killed-in" for e in kb.profiles[edge.target].edges)
    }
    return sorted((kb.profiles[i] for i in ids), key=lambda p: (p.model.name.casefold(), p.id))


def attack_count(group: ProfileView) -> int:
    return len({edge.target for edge in group.edges if edge.type.name in ATTACKS})


@dataclass(frozen=True)
class Deaths:
    """An event's deaths as its sources give them: the lowest and highest number, whether the sources
    disagree (FigureView.differs: the one rule for that), and whether they count categories apart."""

    low: float
    high: float
    differs: bool
    by_category: bool
    single: FigureValue | None  # the one value, when every source gives the same


def deaths(event: ProfileView) -> Deaths | None:
    view = next((v for v in event.figures if v.figure.id == "deaths"), None)
    return _range(view) if view else None


def _range(view: FigureView) -> Deaths:
    values = view.figure.values
    low = min(v.value for v in values)
    high = max(v.max if v.max is not None else v.value for v in values)
    distinct = {(v.value, v.max, v.qualifier) for v in values}
    by_category = len({v.note for v in values if v.note}) > 1
    return Deaths(low, high, view.differs, by_category, values[0] if len(distinct) == 1 else None)
