"""A profile's own network as a static picture: inline SVG written at build time (issue 26).

A profile page used to load the Cytoscape library (425 KiB, over a second of script on a phone) to
draw a handful of profiles; now only the network page does. The picture shows without script and in
print, and opens on what matters: the profile on the left, each profile it is linked to on its own
row on the right, named, with how it is linked ("Claimed by", "Leads"), and a line from one to the
other. Rows are grouped by kind (groups, people, events) and go by name within each.

It is drawn 330 px wide, less than the column of a 390 px phone (358 px), so it is never shrunk
there and its 12 px names and 11 px relations stay that size; khorasan.css caps how far it grows on
a wide screen. A long name is wrapped by words onto lines of at most ``CHARS`` characters.

Like the charts, it is a picture of the tables above it, which stay the text for screen readers: it
is hidden from them, and its links are left out of the tab order.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..model.vocabulary import RELATIONSHIP_TYPES
from .graph import Network

WIDTH = 330
FOCUS_RIGHT = 100  # px: the focus's name is right-aligned against this, its lines start here
ROW_LEFT = 134  # px: each neighbour's dot; its name starts a little to the right
NAME_SIZE, RELATION_SIZE = 12, 11  # px, as khorasan.css sets them
LINE = 15  # px between two lines of a name
CHARS = 26  # characters of a 12 px name that fit between ROW_LEFT and the right edge
RELATION_CHARS = 30  # characters of an 11 px relation
RELATION_LINE = 13  # px between two lines of a relation
FOCUS_CHARS = 13  # characters of the focus's name on a line, left of its lines
PAD = 10  # px above the first row and below the last
KIND_ORDER = {"group": 0, "person": 1, "event": 2}


@dataclass(frozen=True)
class Row:
    id: str
    kind: str
    lines: tuple[str, ...]  # the name, wrapped
    relation: tuple[str, ...]  # how the neighbour is linked, read from the focus ("Claimed by"), wrapped
    href: str
    top: float = 0.0

    @property
    def height(self) -> float:
        return len(self.lines) * LINE + len(self.relation) * RELATION_LINE + 8

    @property
    def middle(self) -> float:
        return self.top + NAME_SIZE - 4  # level with the first line of the name


def relation(network: Network, focus: str, neighbour: str) -> str:
    """Every way a neighbour is linked to the focus, read from the focus ("Led by; Founded by")."""
    labels: list[str] = []
    for link in network.links:
        if link.source == focus and link.target == neighbour:
            labels.append(link.label)
        elif link.target == focus and link.source == neighbour:
            kind = RELATIONSHIP_TYPES.get(link.type)
            labels.append(RELATIONSHIP_TYPES[kind.inverse].label if kind else link.label)
    return "; ".join(dict.fromkeys(labels))


def rows(network: Network, focus: str, href: Callable[[str], str]) -> list[Row]:
    """The neighbours of ``focus`` in ``network`` (its own neighbourhood, ``Network.around``), placed."""
    neighbours = sorted((n for n in network.nodes if n.id != focus), key=lambda n: (KIND_ORDER.get(n.kind, 3), n.label.casefold(), n.id))
    placed: list[Row] = []
    top = float(PAD)
    for node in neighbours:
        lines = tuple(textwrap.wrap(node.label, CHARS, break_long_words=True)) or (node.id,)
        how = tuple(textwrap.wrap(relation(network, focus, node.id), RELATION_CHARS))
        row = Row(node.id, node.kind, lines, how, href(node.url), top)
        placed.append(row)
        top += row.height
    return placed


def svg(network: Network, focus: str, href: Callable[[str], str]) -> str:
    """The picture, or "" when the profile has no neighbour. ``href`` turns a node's URL from the site
    root into a link from the page."""
    placed = rows(network, focus, href)
    if not placed:
        return ""
    return "".join(_svg(network, focus, placed))


def _svg(network: Network, focus: str, placed: list[Row]) -> Iterator[str]:
    height = max(placed[-1].top + placed[-1].height + PAD, 60)
    centre = height / 2
    name = next((n.label for n in network.nodes if n.id == focus), focus)
    focus_lines = textwrap.wrap(name, FOCUS_CHARS, break_long_words=True) or [focus]
    yield (
        f'<svg class="kb-netpic-svg" viewBox="0 0 {WIDTH} {height:g}" width="{WIDTH}" height="{height:g}" '
        'xmlns="http://www.w3.org/2000/svg" focusable="false" aria-hidden="true">'
    )
    bend = (FOCUS_RIGHT + ROW_LEFT) / 2
    for row in placed:  # the lines first, under the dots
        y = row.middle
        curve = f"M{FOCUS_RIGHT + 4} {centre:g} C{bend:g} {centre:g} {bend:g} {y:g} {ROW_LEFT} {y:g}"
        yield f'<path class="kb-netpic-link" d="{curve}" fill="none" stroke="currentColor"/>'
    first = centre - (len(focus_lines) - 1) * LINE / 2 + 4
    for i, line in enumerate(focus_lines):
        yield f'<text class="kb-netpic-focus" x="{FOCUS_RIGHT}" y="{first + i * LINE:g}" text-anchor="end" fill="currentColor">{html.escape(line)}</text>'
    yield f'<circle class="kb-netpic-node kb-netpic-node--{html.escape(_kind(network, focus))}" cx="{FOCUS_RIGHT + 4}" cy="{centre:g}" r="5"/>'
    for row in placed:
        yield f'<a class="kb-netpic-row" href="{html.escape(row.href)}" tabindex="-1">'
        # The whole row answers a click, not only the strokes of its letters.
        yield f'<rect class="kb-netpic-hit" x="{ROW_LEFT - 6}" y="{row.top:g}" width="{WIDTH - ROW_LEFT + 6}" height="{row.height:g}" fill="none"/>'
        yield f'<circle class="kb-netpic-node kb-netpic-node--{html.escape(row.kind)}" cx="{ROW_LEFT}" cy="{row.middle:g}" r="4"/>'
        for i, line in enumerate(row.lines):
            yield f'<text class="kb-netpic-name" x="{ROW_LEFT + 9}" y="{row.top + NAME_SIZE + i * LINE:g}" fill="currentColor">{html.escape(line)}</text>'
        below = row.top + NAME_SIZE + (len(row.lines) - 1) * LINE + RELATION_SIZE + 3
        for i, line in enumerate(row.relation):
            yield f'<text class="kb-netpic-relation" x="{ROW_LEFT + 9}" y="{below + i * RELATION_LINE:g}" fill="currentColor">{html.escape(line)}</text>'
        yield "</a>"
    yield "</svg>"


def _kind(network: Network, node_id: str) -> str:
    return next((n.kind for n in network.nodes if n.id == node_id), "group")
