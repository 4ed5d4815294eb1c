"""The relationship network of the resolved knowledge base: every profile a node, every relationship
one typed, directed edge. The render stage draws the network page's table from it and writes it as
``graph.json`` for the browser script that draws the picture. A profile page carries only its own
neighbourhood (``Network.around``), in the page itself: its picture needs a few nodes, and fetching
the whole network for them would cost every reader megabytes on a large knowledge base.

Each relationship is held by both of its profiles (one of them as the inverse, "led-by" for "leads"):
the network keeps only the primary direction, and a symmetric one ("rival-of") once per pair.

The network page shows the network as it stood in a year (issue 27, section 2). The rule, stated on
the methodology page: a relationship counts from the earliest year its start date allows (``since``;
for a relationship with an event that gives no date of its own, the event's date) and is ended after
the latest year its end date allows (``until``). One with neither date is undated, shown in every year
and marked so. One the sources say is over without dating its end (``former``: a leader since killed)
is ended in the latest year and in force before. ``Link.years`` gives the two years; the browser
script applies the rule.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..model import dates
from ..model.entities import Citation, Event
from ..stages.resolve import KnowledgeBase


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str
    url: str  # relative to the site root: groups/isis-k/
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    type: str
    label: str  # how it reads from source to target: "Leads", "Carried out"
    symmetric: bool  # reads the same both ways ("Rival of"): drawn without an arrow
    since: str | None
    until: str | None
    status: str | None
    by: str | None
    cite: tuple[Citation, ...]
    event_date: str | None = None  # the date of the event it links, which dates it when it has no date of its own
    former: bool = False  # over (an end date, `ended`, or its leader reported dead), maybe with no date for the end

    @property
    def years(self) -> tuple[int | None, int | None]:
        """From which year the relationship counts, and the last year it may have lasted (None: the
        sources do not say). An event's date stands for a missing start, never for an end."""
        begun = self.since or self.event_date
        first = dates.parse(begun).year if begun else None
        last = dates.parse(self.until).last_year if self.until else None
        return first, last


@dataclass(frozen=True)
class Network:
    nodes: tuple[Node, ...]
    links: tuple[Link, ...]

    def as_json(self) -> dict[str, Any]:
        """What graph.json holds. Every string is data, for the script to show as text, never as markup."""
        picture = self.picture()
        for node, full in zip(picture["nodes"], self.nodes, strict=True):
            node["aliases"] = list(full.aliases)
        for edge, link in zip(picture["edges"], self.links, strict=True):
            edge.update(type=link.type, since=link.since, until=link.until, status=link.status, by=link.by, years=list(link.years), former=link.former)
        return picture

    def years(self) -> tuple[int, int] | None:
        """The first and last year any relationship's dates give: the range of the page's year control
        (None when no relationship is dated)."""
        found = [year for link in self.links for year in link.years if year is not None]
        return (min(found), max(found)) if found else None

    def picture(self) -> dict[str, Any]:
        """Only what the script needs to draw the network: for a profile page, which carries its own."""
        return {
            "nodes": [{"id": n.id, "label": n.label, "kind": n.kind, "url": n.url} for n in self.nodes],
            "edges": [
                {
                    "id": f"{link.source}|{link.type}|{link.target}",
                    "source": link.source,
                    "target": link.target,
                    "label": link.label,
                    "symmetric": link.symmetric,
                }
                for link in self.links
            ],
        }

    def isolated(self) -> list[Node]:
        """The profiles without any relationship, by name: the network page lists them beside the picture."""
        return sorted((n for n in self.nodes if n.id not in self._touching), key=lambda n: (n.label.casefold(), n.id))

    def types(self) -> list[tuple[str, str]]:
        """Each relationship type the network has, as (type, label), by label: the page's filter."""
        return sorted({(link.type, link.label) for link in self.links}, key=lambda t: (t[1].casefold(), t[0]))

    def url_of(self, node_id: str) -> str:
        """A profile's URL from the site root (groups/isis-k/), for a page's script to resolve."""
        return self._nodes[node_id].url

    def around(self, focus: str) -> Network:
        """One profile, the profiles it is linked to, and those links."""
        links = self._touching.get(focus, [])
        near = {focus, *(link.source for link in links), *(link.target for link in links)}
        return Network(tuple(self._nodes[i] for i in sorted(near, key=self._position.__getitem__)), tuple(links))

    @functools.cached_property
    def _touching(self) -> dict[str, list[Link]]:
        touching: dict[str, list[Link]] = defaultdict(list)
        for link in self.links:
            touching[link.source].append(link)
            if link.target != link.source:
                touching[link.target].append(link)
        return touching

    @functools.cached_property
    def _nodes(self) -> dict[str, Node]:
        return {node.id: node for node in self.nodes}

    @functools.cached_property
    def _position(self) -> dict[str, int]:
        return {node.id: index for index, node in enumerate(self.nodes)}


def network(kb: KnowledgeBase, url_of: Callable[[str], str]) -> Network:
    """``url_of`` turns a page path (groups/isis-k.md) into its URL from the site root."""
    nodes = tuple(Node(p.id, p.model.name, p.kind, url_of(p.path), tuple(p.model.other_names)) for p in kb.profiles.values())
    links = tuple(
        Link(
            edge.subject,
            edge.target,
            edge.type.name,
            edge.type.label,
            edge.type.symmetric,
            edge.since,
            edge.until,
            edge.status,
            edge.by,
            tuple(edge.cite),
            _event_date(kb, edge.subject, edge.target),
            edge.former,
        )
        for edge in kb.links()
    )
    return Network(nodes, links)


def _event_date(kb: KnowledgeBase, *ends: str) -> str | None:
    """The date of the event a relationship links (the first end that is an event), if any."""
    for end in ends:
        model = kb.profiles[end].model
        if isinstance(model, Event):
            return model.date
    return None
