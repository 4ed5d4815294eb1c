"""What the index pages and the timeline say about each profile beyond its own fields: a group's
status, current leader and attacks, a person's affiliations, an event's perpetrators and deaths.

Each answer reads one profile and its own relationships (never the whole knowledge base), so an
index of N profiles costs N times a profile's links, and a page that shows one profile pays for one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import dates
from ..model.entities import FigureValue
from ..model.vocabulary import ATTACK_TYPES, GROUP_STATUS_LABEL
from ..stages.resolve import Edge, FigureView, KnowledgeBase, ProfileView

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
    """The first year a date allows, for year filters."""
    return dates.parse(date).year if date else None


def last_year(date: str | None) -> int | None:
    """The last year a date allows: a span reaches to its end."""
    return dates.parse(date).last_year if date else None


def placed(date: str, end_date: str | None = None) -> dict[str, str]:
    """Where a timeline draws an event: from its first possible day to its last (ISO), and how: a
    "point" (a day, a month, a year, about a year), a "duration" (it lasted from date to end_date) or
    "unknown" (somewhere in a span the sources allow, drawn differently from a duration)."""
    when = dates.parse(date)
    first = when.earliest or when.latest or ""
    last = when.latest or when.earliest or ""
    if end_date:
        last = dates.parse(end_date).latest or last
        return {"start": first, "stop": last, "kind": "duration"}
    return {"start": first, "stop": last, "kind": "unknown" if when.is_span else "point"}


def sort_key(date: str | None) -> str:
    """A date's place in a sorted column: its earliest possible day (a span sorts by its start)."""
    return dates.parse(date).sort_key[0] if date else ""


def status(profile: ProfileView) -> str:
    """A group's status where a source gives it ("Active", "Defunct"), else "": never assumed."""
    value = getattr(profile.model, "status", None)
    return GROUP_STATUS_LABEL[value] if value else ""


def targets(kb: KnowledgeBase, profile: ProfileView, types: frozenset[str] | str) -> list[ProfileView]:
    """The profiles at the other end of a profile's relationships of these types, each once, by name."""
    wanted = {types} if isinstance(types, str) else types
    ids = {edge.target for edge in profile.edges if edge.type.name in wanted}
    return sorted((kb.profiles[i] for i in ids), key=lambda p: (p.model.name.casefold(), p.id))


def current_leaders(kb: KnowledgeBase, group: ProfileView) -> list[Edge]:
    """Leaderships that are not over (``Edge.former``: the one rule the box uses too), by leader."""
    edges = [edge for edge in group.edges if edge.type.name == LEADERS and not edge.former]
    return sorted(edges, key=lambda e: (kb.profiles[e.target].model.name.casefold(), e.target))


def attacks(kb: KnowledgeBase, group: ProfileView) -> list[ProfileView]:
    """The attacks a group carried out or claimed: events of the type attack (not a seizure of power
    or a military campaign)."""
    ids = {edge.target for edge in group.edges if edge.type.name in ATTACKS}
    return [kb.profiles[i] for i in sorted(ids) if getattr(kb.profiles[i].model, "type", None) in ATTACK_TYPES]


def attack_count(kb: KnowledgeBase, group: ProfileView) -> int:
    return len(attacks(kb, group))


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
