"""The whole network as a static picture, laid out at build time (issue 26, section 2).

The network page used to lay the whole network out in the reader's browser: the Cytoscape library's
start-up and its force layout took 1.2-1.3 s of script on a phone, at every visit, for a picture that
is the same for every reader. The layout is now worked out once, here, and the page opens on it as
inline SVG: shown without script and in print, every profile a link to its page. kb-network.js loads
the library only when the reader first uses the picture (points at it, touches it, uses its buttons
or the filter form) and starts it on the same places (a ``preset`` layout read from the SVG's
``data-x``/``data-y``), so the picture does not move under the reader's hand.

The places come from igraph's Fruchterman-Reingold layout, started from a circle with a fixed random
seed so that a build gives the same picture each time; then nodes whose boxes (shape and label, the
label's width estimated from its characters) overlap are pushed apart, as the script does after a
layout in the browser (kb-network.js: separate). Units are Cytoscape's: a label is 13 px at zoom 1.

Above ``LIMIT`` linked profiles the picture is left to the script, as before: a page carrying
thousands of nodes would outgrow any reader.
"""

from __future__ import annotations

import html
import math
import random
import statistics
import textwrap
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import igraph

from .graph import Network, Node

LIMIT = 400  # linked profiles; above it the page draws with the script alone
FONT = 13  # px of a label at zoom 1 (kb-network.js: FONT)
READABLE = 11  # px: the smallest a label is shown at (kb-network.js: READABLE)
CHAR = 7.2  # px: the width of a character of a 13 px label, generously (no font metrics at build time)
LABEL_CHARS = 18  # characters on a line of a label: Cytoscape wraps at 130 px (kb-network.js: text-max-width)
LINE = 16  # px between two lines of a label
NODE = 20  # px: a node's shape (kb-network.js: width, height)
GAP = 6  # px kept between two boxes (kb-network.js: GAP)
EDGE = 120  # px: the median length of a relationship, room for the labels at its ends
PAD = 24  # px around the picture
ARROW = 8  # px: the length of an arrowhead
SEED = 26


@dataclass(frozen=True)
class Place:
    node: Node
    x: float
    y: float
    lines: tuple[str, ...]  # the label, wrapped

    def box(self) -> tuple[float, float, float, float]:
        """Shape and label (below the shape), with half the gap around: x1, y1, x2, y2."""
        half = max(NODE, max(len(line) for line in self.lines) * CHAR) / 2 + GAP / 2
        return (self.x - half, self.y - NODE / 2 - GAP / 2, self.x + half, self.y + NODE / 2 + 3 + len(self.lines) * LINE + GAP / 2)


def linked(network: Network) -> list[Node]:
    """The profiles with at least one relationship, in the network's order: those the picture draws."""
    ends = {end for link in network.links for end in (link.source, link.target)}
    return [node for node in network.nodes if node.id in ends]


def place(network: Network) -> list[Place]:
    """Every linked profile's place, or [] above LIMIT (or with no relationship at all)."""
    nodes = linked(network)
    if not nodes or len(nodes) > LIMIT:
        return []
    index = {node.id: i for i, node in enumerate(nodes)}
    pairs = sorted({tuple(sorted((index[link.source], index[link.target]))) for link in network.links if link.source != link.target})
    graph = igraph.Graph(n=len(nodes), edges=pairs)
    circle = [[math.cos(2 * math.pi * i / len(nodes)), math.sin(2 * math.pi * i / len(nodes))] for i in range(len(nodes))]
    # igraph draws from Python's random module where it needs chance: a fixed seed, the same picture.
    igraph.set_random_number_generator(random.Random(SEED))
    try:
        layout = graph.layout_fruchterman_reingold(seed=circle, niter=1000, grid=False)
    finally:
        igraph.set_random_number_generator(random)
    lengths = [math.dist(layout[a], layout[b]) for a, b in pairs] or [1.0]
    scale = EDGE / (statistics.median(lengths) or 1.0)
    places = [
        Place(node, x * scale, y * scale, tuple(textwrap.wrap(node.label, LABEL_CHARS, break_long_words=True)) or (node.id,))
        for node, (x, y) in zip(nodes, layout.coords, strict=True)
    ]
    return separate(places)


def separate(places: list[Place], rounds: int = 300) -> list[Place]:
    """Push apart places whose boxes overlap until none do: kb-network.js's separate(), the same rule
    (each pair moved apart along the axis where they overlap least). Boxes are swept by their left
    edge, so a round costs n log n plus the pairs that really are close."""
    xs = [p.x for p in places]
    ys = [p.y for p in places]
    for _ in range(rounds):
        boxes = sorted(((*_moved(p, xs[i], ys[i]).box(), i) for i, p in enumerate(places)), key=lambda b: (b[0], b[4]))
        moves: dict[int, list[float]] = {}
        for i, (ax1, ay1, ax2, ay2, a) in enumerate(boxes):
            for bx1, by1, bx2, by2, b in boxes[i + 1 :]:
                if bx1 >= ax2:
                    break
                if by1 >= ay2 or ay1 >= by2:
                    continue
                dx, dy = min(ax2 - bx1, bx2 - ax1), min(ay2 - by1, by2 - ay1)
                ma, mb = moves.setdefault(a, [0.0, 0.0]), moves.setdefault(b, [0.0, 0.0])
                if dy <= dx:
                    down = 1 if by1 + by2 >= ay1 + ay2 else -1
                    ma[1] -= down * (dy / 2 + 0.5)
                    mb[1] += down * (dy / 2 + 0.5)
                else:
                    right = 1 if bx1 + bx2 >= ax1 + ax2 else -1
                    ma[0] -= right * (dx / 2 + 0.5)
                    mb[0] += right * (dx / 2 + 0.5)
        if not moves:
            break
        for i, (mx, my) in moves.items():
            xs[i] += mx
            ys[i] += my
    return [_moved(p, xs[i], ys[i]) for i, p in enumerate(places)]


def _moved(place: Place, x: float, y: float) -> Place:
    return Place(place.node, x, y, place.lines)


def svg(network: Network, href: Callable[[str], str]) -> str:
    """The picture, or "" when the script is to draw it alone. ``href`` turns a profile's URL from
    the site root into a link from the page."""
    places = place(network)
    return "".join(_svg(network, places, href)) if places else ""


def _svg(network: Network, places: list[Place], href: Callable[[str], str]) -> Iterator[str]:
    boxes = [p.box() for p in places]
    left, top = math.floor(min(b[0] for b in boxes) - PAD), math.floor(min(b[1] for b in boxes) - PAD)
    width, height = math.ceil(max(b[2] for b in boxes) + PAD - left), math.ceil(max(b[3] for b in boxes) + PAD - top)
    # Drawn at the size a reader can read (11 px labels) and never smaller; the page's box scrolls.
    # data-zoom is the scale as drawn, for the script to start the library's picture at the same.
    shown_width = math.ceil(width * READABLE / FONT)
    zoom = shown_width / width
    yield (
        f'<svg class="kb-netmap-svg" viewBox="{left} {top} {width} {height}" width="{shown_width}" height="{math.ceil(height * zoom)}" '
        f'data-zoom="{zoom:.6f}" data-centre="{html.escape(_busiest(network))}" xmlns="http://www.w3.org/2000/svg" focusable="false" aria-hidden="true">'
    )
    at = {p.node.id: p for p in places}
    # The lines first, under the profiles: all of them one path, and all the arrowheads another (a
    # long page lays out and styles each element; a hundred lines need not be a hundred elements).
    lines, heads = [], []
    for link in network.links:
        a, b = at[link.source], at[link.target]
        length = math.dist((a.x, a.y), (b.x, b.y)) or 1.0
        ux, uy = (b.x - a.x) / length, (b.y - a.y) / length
        # The line stops at the edge of the target's shape, where its arrowhead points.
        tip = max(length - NODE / 2 - 1, 0.0)
        x2, y2 = a.x + ux * tip, a.y + uy * tip
        lines.append(f"M{a.x:.1f} {a.y:.1f}L{x2:.1f} {y2:.1f}")
        if not link.symmetric:  # "rival of" reads the same both ways: no arrow
            base_x, base_y, half = x2 - ux * ARROW, y2 - uy * ARROW, ARROW / 2
            heads.append(f"M{x2:.1f} {y2:.1f}L{base_x - uy * half:.1f} {base_y + ux * half:.1f}L{base_x + uy * half:.1f} {base_y - ux * half:.1f}z")
    yield f'<path class="kb-netmap-edge" d="{"".join(lines)}" fill="none"/>'
    if heads:
        yield f'<path class="kb-netmap-head" d="{"".join(heads)}"/>'
    for p in places:
        kind, page, node_id = (html.escape(v) for v in (p.node.kind, href(p.node.url), p.node.id))
        yield f'<a class="kb-netmap-node kb-netmap-node--{kind}" href="{page}" tabindex="-1" data-id="{node_id}" data-x="{p.x:.1f}" data-y="{p.y:.1f}">'
        yield _shape(p)
        for i, line in enumerate(p.lines):
            yield f'<text x="{p.x:.1f}" y="{p.y + NODE / 2 + 3 + FONT + i * LINE:.1f}" text-anchor="middle">{html.escape(line)}</text>'
        yield "</a>"
    yield "</svg>"


def _shape(p: Place) -> str:
    """A group a rounded square, a person a circle, an event a diamond: the shapes of the legend."""
    r = NODE / 2
    if p.node.kind == "person":
        return f'<circle cx="{p.x:.1f}" cy="{p.y:.1f}" r="{r:g}"/>'
    if p.node.kind == "event":
        return f'<path d="M{p.x:.1f} {p.y - r:.1f}L{p.x + r:.1f} {p.y:.1f}L{p.x:.1f} {p.y + r:.1f}L{p.x - r:.1f} {p.y:.1f}z"/>'
    x, y, c = p.x - r, p.y - r, 4  # a square with corners rounded by c
    return (
        f'<path d="M{x + c:.1f} {y:.1f}H{x + NODE - c:.1f}Q{x + NODE:.1f} {y:.1f} {x + NODE:.1f} {y + c:.1f}V{y + NODE - c:.1f}'
        f"Q{x + NODE:.1f} {y + NODE:.1f} {x + NODE - c:.1f} {y + NODE:.1f}H{x + c:.1f}Q{x:.1f} {y + NODE:.1f} {x:.1f} {y + NODE - c:.1f}"
        f'V{y + c:.1f}Q{x:.1f} {y:.1f} {x + c:.1f} {y:.1f}z"/>'
    )


def _busiest(network: Network) -> str:
    """The profile with the most relationships (the first in the network's order of those): the
    script opens the picture on it, as the library's default view does (kb-network.js: view)."""
    degree = Counter(end for link in network.links for end in (link.source, link.target))
    return max(linked(network), key=lambda node: degree[node.id]).id
