"""The fixed vocabularies of the data contract: entity kinds, relationship types, claim statuses.

Relationship types are declared once, with their inverse, so that an editor writes a link on one
profile and both profiles show it. Each type also says which kinds of entity may stand on each side,
so that "a person located in a source" is caught in validation rather than published.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EntityKind = Literal["group", "person", "event"]
ENTITY_KINDS: tuple[EntityKind, ...] = ("group", "person", "event")

# data/<folder>/<id>.yaml -> kind; also the URL prefix of the kind's pages.
FOLDER_OF_KIND: dict[str, str] = {
    "group": "groups",
    "person": "people",
    "event": "events",
    "source": "sources",
}
KIND_OF_FOLDER: dict[str, str] = {folder: kind for kind, folder in FOLDER_OF_KIND.items()}

KIND_LABEL: dict[str, str] = {"group": "Group", "person": "Person", "event": "Event", "source": "Source"}

ClaimStatus = Literal["reported", "claimed", "assessed", "alleged", "disputed", "denied"]

SourceKind = Literal["news", "analysis", "opinion", "interview", "explainer", "report", "official"]

# How a figure's number is to be read: "at least 137", "more than 100", "about 6,000", "1,000-1,500".
Qualifier = Literal["exact", "about", "at-least", "more-than", "at-most", "fewer-than", "nearly"]

QUALIFIER_WORDS: dict[str, str] = {
    "exact": "",
    "about": "about",
    "at-least": "at least",
    "more-than": "more than",
    "at-most": "at most",
    "fewer-than": "fewer than",
    "nearly": "nearly",
}


@dataclass(frozen=True)
class RelationshipType:
    """One direction of a typed relationship, e.g. ``led-by`` (group -> person)."""

    name: str
    label: str  # how the subject's page phrases it: "Led by"
    inverse: str
    subjects: frozenset[str]
    objects: frozenset[str]
    primary: bool = True  # the direction a graph draws: "leads", not its inverse "led-by"

    @property
    def symmetric(self) -> bool:
        return self.name == self.inverse


def _pair(name: str, label: str, inverse: str, inverse_label: str, subjects: set[str], objects: set[str]) -> list[RelationshipType]:
    forward = RelationshipType(name, label, inverse, frozenset(subjects), frozenset(objects))
    if name == inverse:
        return [forward]
    backward = RelationshipType(inverse, inverse_label, name, frozenset(objects), frozenset(subjects), False)
    return [forward, backward]


_ACTORS = {"group", "person"}

RELATIONSHIP_TYPES: dict[str, RelationshipType] = {
    rel.name: rel
    for rel in [
        *_pair("leads", "Leads", "led-by", "Led by", {"person"}, {"group"}),
        *_pair("founded", "Founded", "founded-by", "Founded by", _ACTORS, {"group"}),
        *_pair("member-of", "Member of", "has-member", "Has member", _ACTORS, {"group"}),
        *_pair("affiliate-of", "Affiliate of", "has-affiliate", "Has affiliate", {"group"}, {"group"}),
        *_pair("split-from", "Split from", "has-splinter", "Has splinter", {"group"}, {"group"}),
        *_pair("allied-with", "Allied with", "allied-with", "Allied with", _ACTORS, _ACTORS),
        *_pair("rival-of", "Rival of", "rival-of", "Rival of", _ACTORS, _ACTORS),
        *_pair("shelters", "Shelters", "sheltered-by", "Sheltered by", {"group"}, _ACTORS),
        *_pair("carried-out", "Carried out", "carried-out-by", "Carried out by", _ACTORS, {"event"}),
        *_pair("claimed", "Claimed", "claimed-by", "Claimed by", _ACTORS, {"event"}),
        *_pair("targeted-by", "Targeted by", "targeted", "Targeted", _ACTORS, {"event"}),
        *_pair("involved-in", "Involved in", "involved", "Involved", _ACTORS, {"event"}),
        *_pair("killed-in", "Killed in", "killed", "Killed", {"person"}, {"event"}),
        *_pair("part-of", "Part of", "includes", "Includes", {"event"}, {"event"}),
        # A group that drew members from another ("ISIS-K attracted members of Lashkar-e-Taiba"):
        # neither a split nor a membership of the groups themselves.
        *_pair("recruited-from", "Recruited from", "lost-members-to", "Lost members to", {"group"}, {"group"}),
    ]
}

RelationshipName = Literal[tuple(RELATIONSHIP_TYPES)]  # type: ignore[valid-type]  # the types are declared once, above


# -- what readers filter by: short fixed lists, the free wording kept beside them as a description ----

# What kind of body a group is; its own words stay in ``type_description``.
GroupType = Literal[
    "militant-group", "political-movement", "state", "state-force-or-agency", "intergovernmental-organisation", "religious-movement", "media-outlet"
]
GROUP_TYPE_LABEL: dict[str, str] = {
    "militant-group": "Militant group",
    "political-movement": "Political movement",
    "state": "State",
    "state-force-or-agency": "State force or agency",
    "intergovernmental-organisation": "Intergovernmental organisation",
    "religious-movement": "Religious movement",
    "media-outlet": "Media outlet",
}

# Whether a group still exists, as a source says (with the date of that source).
GroupStatus = Literal["active", "defunct"]
GROUP_STATUS_LABEL: dict[str, str] = {"active": "Active", "defunct": "Defunct"}

# What kind of event it was; its own words stay in ``type_description``. Only "attack" counts as one
# of a group's attacks.
EventType = Literal["attack", "foiled-plot", "armed-clash", "air-strike", "military-campaign", "seizure-of-power", "proclamation", "communication"]
EVENT_TYPE_LABEL: dict[str, str] = {
    "attack": "Attack",
    "foiled-plot": "Foiled plot",
    "armed-clash": "Armed clash",
    "air-strike": "Air strike",
    "military-campaign": "Military campaign",
    "seizure-of-power": "Seizure of power",
    "proclamation": "Proclamation",
    "communication": "Letter or statement",
}
ATTACK_TYPES = frozenset({"attack"})

# Regions an area may be, besides a country (model/countries.py).
REGIONS = ("Central Asia", "South Asia", "Middle East", "North Caucasus", "Europe")
