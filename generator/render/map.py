"""The map of events: country outlines and event markers drawn at build time as inline SVG.

No tile server and no script: the page reads the same without script, offline and in print. Outlines
come from Natural Earth (public domain) through the ``world-atlas`` package's 1:110m TopoJSON,
vendored in ``atlas/`` with its licence (SOURCE.txt says how). We read TopoJSON here rather than
depend on a GIS stack (shapely, pyproj, GDAL): decoding its arcs and one Mercator formula are a few
lines, and the map needs nothing else. Markers that would overlap (five events in Kabul) are spread
on a small ring around their place, each joined to it by a line, so that every one stays a link.
"""

from __future__ import annotations

import functools
import html
import json
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pycountry

from ..model.countries import code as country_code
from ..model.entities import Event, Group
from ..model.vocabulary import EVENT_TYPE_LABEL
from ..stages.resolve import KnowledgeBase, ProfileView
from . import indexes
from .text import format_date, undated

ATLAS = Path(__file__).parent / "atlas" / "countries-110m.json"

LonLat = tuple[float, float]
Ring = list[LonLat]

WIDTH = 960  # the page map's drawing width; the SVG scales to the column
SMALL_WIDTH = 480  # an event's or a group's map
MARKER_R = 6.0
SPREAD_GAP = 2 * MARKER_R + 3  # markers closer than this (in drawing units) are spread on a ring


@functools.cache
def countries() -> dict[str, list[Ring]]:
    """Every country of the atlas by ISO 3166-1 alpha-2 code: its outline as rings of (lon, lat)."""
    topo = json.loads(ATLAS.read_text(encoding="utf-8"))
    arcs = _arcs(topo)
    numeric = {c.numeric: c.alpha_2 for c in pycountry.countries}
    found: dict[str, list[Ring]] = {}
    for geometry in topo["objects"]["countries"]["geometries"]:
        alpha_2 = numeric.get(str(geometry.get("id", "")))
        if alpha_2 is None:  # a territory without an ISO code (Kosovo, Northern Cyprus): drawn, unnamed
            alpha_2 = "_" + geometry.get("properties", {}).get("name", "")
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]] if geometry["type"] == "Polygon" else []
        found.setdefault(alpha_2, []).extend(_ring(ring, arcs) for polygon in polygons for ring in polygon)
    return found


def _arcs(topo: dict[str, object]) -> list[Ring]:
    """TopoJSON's shared arcs, decoded: quantized, delta-encoded positions -> (lon, lat)."""
    transform = topo["transform"]
    assert isinstance(transform, dict)
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    decoded = []
    for arc in topo["arcs"]:  # type: ignore[attr-defined]
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(indexes: Sequence[int], arcs: list[Ring]) -> Ring:
    """One closed ring from its arcs; ~i is arc i reversed, and each arc repeats the last point of the one before."""
    ring: Ring = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(arc[1:] if ring else arc)
    return ring


def mercator(lon: float, lat: float) -> tuple[float, float]:
    """Web Mercator in radians (y grows northward); latitudes are clamped short of the poles."""
    lat = max(-85.0, min(85.0, lat))
    return math.radians(lon), math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


@dataclass(frozen=True)
class Marker:
    """One located event on a map."""

    lon: float
    lat: float
    href: str
    name: str  # the accessible name: the event, its date and the place the coordinates are of
    data: dict[str, str]  # data-* attributes the page's script filters by


@dataclass(frozen=True)
class View:
    """What part of the world a map shows, and how large it is drawn."""

    west: float
    south: float
    east: float
    north: float
    width: int

    @classmethod
    def around(cls, points: Iterable[LonLat], width: int, margin: float, least: float) -> View:
        """The box of ``points`` with ``margin`` (a share of its size) round it, at least ``least`` degrees across."""
        lons, lats = zip(*points, strict=True)
        west, east, south, north = min(lons), max(lons), min(lats), max(lats)
        pad_x = max((east - west) * margin, (least - (east - west)) / 2, 0)
        # Degrees of latitude stretch towards the poles under Mercator: fewer of them far north, so
        # that a small map stays wider than tall wherever it is.
        tall = least * 0.5 * math.cos(math.radians((north + south) / 2))
        pad_y = max((north - south) * margin, (tall - (north - south)) / 2, 0)
        return cls(west - pad_x, max(-80, south - pad_y), east + pad_x, min(80, north + pad_y), width)

    @functools.cached_property
    def frame(self) -> tuple[float, float, float, float]:
        left, bottom = mercator(self.west, self.south)
        right, top = mercator(self.east, self.north)
        return left, top, self.width / (right - left), bottom

    @property
    def height(self) -> int:
        left, top, scale, bottom = self.frame
        return math.ceil((top - bottom) * scale)

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        left, top, scale, _ = self.frame
        x, y = mercator(lon, lat)
        return (x - left) * scale, (top - y) * scale

    def overlaps(self, ring: Ring) -> bool:
        lons, lats = [p[0] for p in ring], [p[1] for p in ring]
        return min(lons) <= self.east and max(lons) >= self.west and min(lats) <= self.north and max(lats) >= self.south


@dataclass(frozen=True)
class Outline:
    """One ring of a country's outline with what every map needs of it, worked out once: its box in
    degrees and its points in Mercator (the same for every view; a view only shifts and scales them)."""

    west: float
    south: float
    east: float
    north: float
    points: list[tuple[float, float]]


@functools.cache
def outlines() -> dict[str, list[Outline]]:
    """``countries()`` as Outlines."""
    return {alpha_2: [_outline(ring) for ring in rings] for alpha_2, rings in countries().items()}


def _outline(ring: Ring) -> Outline:
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    return Outline(min(lons), min(lats), max(lons), max(lats), [mercator(lon, lat) for lon, lat in ring])


def _path(view: View, rings: Iterable[Outline]) -> str:
    """SVG path data of the rings that reach into the view, rounded to a tenth of a unit."""
    left, top, scale, _ = view.frame
    parts = []
    for ring in rings:
        if ring.west > view.east or ring.east < view.west or ring.south > view.north or ring.north < view.south:
            continue
        points: list[str] = []
        for x, y in ring.points:
            point = f"{(x - left) * scale:.1f} {(top - y) * scale:.1f}"
            if not points or points[-1] != point:
                points.append(point)
        if len(points) > 2:
            parts.append("M" + "L".join(points) + "Z")
    return "".join(parts)


def _label_at(view: View, rings: list[Ring], avoid: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    """Where a country's name goes: inside the visible part of its largest ring, at the first of a few
    spots (the middle, then above, below, left and right of it) clear of the markers and of the names
    already written (``avoid``); the middle when none is."""
    visible = [r for r in rings if view.overlaps(r)]
    if not visible:
        return None
    largest = max(visible, key=lambda r: (max(p[0] for p in r) - min(p[0] for p in r)) * (max(p[1] for p in r) - min(p[1] for p in r)))
    lons, lats = [p[0] for p in largest], [p[1] for p in largest]
    west, east = max(min(lons), view.west), min(max(lons), view.east)
    south, north = max(min(lats), view.south), min(max(lats), view.north)
    (left, top), (right, bottom) = view.project(west, north), view.project(east, south)
    cx, cy, w, h = (left + right) / 2, (top + bottom) / 2, right - left, bottom - top
    spots = [(cx, cy), (cx, cy - h / 4), (cx, cy + h / 4), (cx - w / 4, cy), (cx + w / 4, cy), (cx, cy - h / 3), (cx, cy + h / 3)]
    inside = [(x, y) for x, y in spots if 20 < x < view.width - 20 and 14 < y < view.height - 6]
    for x, y in inside:
        if all(abs(x - ax) > 45 or abs(y - 4 - ay) > 16 for ax, ay in avoid):
            return x, y
    return (inside or spots)[0]


def spread(points: Sequence[tuple[float, float]], gap: float = SPREAD_GAP) -> list[tuple[float, float]]:
    """Where to draw markers at ``points`` so that none covers another: points closer than ``gap`` are
    gathered, and each gathering is laid on a ring round its middle (clockwise from the top, in the
    order given), wide enough that neighbours on it stay ``gap`` apart."""
    groups: list[list[int]] = []
    for index, (x, y) in enumerate(points):
        for group in groups:
            if any(math.dist((x, y), points[other]) < gap for other in group):
                group.append(index)
                break
        else:
            groups.append([index])
    placed = list(points)
    for group in groups:
        if len(group) < 2:
            continue
        cx = sum(points[i][0] for i in group) / len(group)
        cy = sum(points[i][1] for i in group) / len(group)
        radius = max(gap, gap / (2 * math.sin(math.pi / len(group))))
        for step, index in enumerate(group):
            angle = 2 * math.pi * step / len(group)
            placed[index] = (round(cx + radius * math.sin(angle), 1), round(cy - radius * math.cos(angle), 1))
    return placed


def svg(
    view: View,
    markers: Sequence[Marker],
    *,
    label: str,
    highlight: Iterable[str] = (),
    named: Iterable[str] = (),
) -> str:
    """The map on one line (a blank line would end Markdown's HTML block). ``highlight``: ISO codes of
    countries shaded (a group's areas); ``named``: countries whose names are written on the map."""
    return "".join(_parts(view, markers, label, set(highlight), list(dict.fromkeys(named))))


def _parts(view: View, markers: Sequence[Marker], label: str, highlight: set[str], named: list[str]) -> Iterator[str]:
    size = f'viewBox="0 0 {view.width} {view.height}" width="{view.width}" height="{view.height}"'
    yield f'<svg class="kb-map-svg" {size} xmlns="http://www.w3.org/2000/svg" focusable="false" role="group" aria-label="{html.escape(label)}">'
    yield '<g class="kb-map-land">'
    for alpha_2, rings in sorted(outlines().items()):
        d = _path(view, rings)
        if d:
            shade = " kb-map-area" if alpha_2 in highlight else ""
            yield f'<path class="kb-map-country{shade}" data-country="{html.escape(alpha_2)}" d="{d}"/>'
    yield "</g>"
    true = [view.project(m.lon, m.lat) for m in markers]
    drawn = spread(true)
    avoid = [*true, *drawn]
    for alpha_2 in named:
        at = _label_at(view, countries().get(alpha_2, []), avoid)
        if at is not None:
            avoid.append(at)
            name = pycountry.countries.get(alpha_2=alpha_2)
            text = _short_name(alpha_2) or (name.name if name else alpha_2)
            yield f'<text class="kb-map-label" x="{at[0]:.1f}" y="{at[1]:.1f}" text-anchor="middle" fill="currentColor">{html.escape(text)}</text>'
    for marker, (x, y), (mx, my) in zip(markers, true, drawn, strict=True):
        data = "".join(f' data-{key}="{html.escape(value)}"' for key, value in marker.data.items())
        yield f'<a class="kb-map-marker" href="{html.escape(marker.href)}" aria-label="{html.escape(marker.name)}"{data}>'
        yield f"<title>{html.escape(marker.name)}</title>"
        if (mx, my) != (round(x, 1), round(y, 1)) and (mx, my) != (x, y):
            yield f'<line class="kb-map-leader" x1="{x:.1f}" y1="{y:.1f}" x2="{mx:.1f}" y2="{my:.1f}" stroke="currentColor"/>'
            yield f'<circle class="kb-map-place" cx="{x:.1f}" cy="{y:.1f}" r="2" fill="currentColor"/>'
        yield f'<circle class="kb-map-dot" cx="{mx:.1f}" cy="{my:.1f}" r="{MARKER_R:g}"/>'
        yield "</a>"
    yield "</svg>"


def _short_name(alpha_2: str) -> str | None:
    from ..model.countries import names

    return next((name for name, code in names().items() if code == alpha_2), None)


def codes(names: Iterable[str | None]) -> list[str]:
    """ISO codes of the countries named (regions and unknown names are left out)."""
    return [found for name in names if name and (found := country_code(name))]


def page_map(markers: Sequence[Marker], country_names: Iterable[str | None], label: str) -> str:
    """The map page's map: every located event, countries with events named."""
    if not markers:
        return ""
    view = View.around(((m.lon, m.lat) for m in markers), WIDTH, margin=0.08, least=20)
    return svg(view, markers, label=label, named=codes(country_names))


def event_map(marker: Marker, country: str | None, label: str) -> str:
    """An event page's small map: its place, some 20 degrees of longitude either side of it."""
    view = View.around([(marker.lon, marker.lat)], SMALL_WIDTH, margin=0, least=40)
    return svg(view, [marker], label=label, highlight=codes([country]), named=codes([country]))


def areas_map(area_names: Iterable[str], label: str, markers: Sequence[Marker] = ()) -> str:
    """A group page's small map: the countries of its areas of operation shaded (regions are not drawn)."""
    found = codes(area_names)
    outlines = countries()
    points = [p for alpha_2 in found for ring in outlines.get(alpha_2, []) for p in ring]
    points += [(m.lon, m.lat) for m in markers]
    if not points:
        return ""
    view = View.around(_main_parts(points), SMALL_WIDTH, margin=0.08, least=12)
    return svg(view, markers, label=label, highlight=found, named=found)


def _main_parts(points: list[LonLat]) -> list[LonLat]:
    """Leave out the far east of a country that spans the antimeridian (Russia's Chukotka), which would
    stretch the view round the world."""
    return [p for p in points if p[0] > -170] or points


Href = Callable[[str], str]  # a page's path in the docs folder -> its link from the page being drawn


def _event(profile: ProfileView) -> Event | None:
    return profile.model if isinstance(profile.model, Event) else None


def marker(kb: KnowledgeBase, event: ProfileView, href: Href) -> Marker | None:
    """An event's marker, or None when the sources give no place the map can show."""
    model = _event(event)
    if model is None or model.coordinates is None:
        return None
    where = model.coordinates
    at = indexes.placed(model.date, model.end_date)
    groups = sorted({e.target for e in event.edges if e.target in kb.profiles and kb.profiles[e.target].kind == "group"})
    when = format_date(model.date)
    name = f"{undated(model.name, when)}, {when} ({where.of})"
    data = {"start": at["start"], "stop": at["stop"], "type": EVENT_TYPE_LABEL[model.type], "groups": " ".join(groups)}
    return Marker(where.lon, where.lat, href(event.path), name, data)


def located(kb: KnowledgeBase) -> tuple[list[ProfileView], list[ProfileView]]:
    """The events the map places, and those whose place the sources do not give finely enough."""
    placed: list[ProfileView] = []
    unplaced: list[ProfileView] = []
    for event in kb.events():
        model = _event(event)
        (placed if model is not None and model.coordinates is not None else unplaced).append(event)
    return placed, unplaced


def group_events(kb: KnowledgeBase, group: ProfileView) -> list[ProfileView]:
    """The located events linked to a group, in the order of ``kb.events()`` (read through the
    group's own links: every group page scanning every event made the build quadratic)."""
    linked = [kb.profiles[t] for t in {e.target for e in group.edges} if t in kb.profiles]
    found = [p for p in linked if (model := _event(p)) is not None and model.coordinates is not None]
    return sorted(found, key=lambda p: p.date_order)


def page_context(kb: KnowledgeBase, href: Href) -> dict[str, object]:
    """What map.md.j2 draws: the map, the events on it (each with its marker) and those not on it,
    the range of their years and the groups linked to them, for the filter."""
    placed, unplaced = located(kb)
    markers = [m for e in placed if (m := marker(kb, e, href))]
    events = [ev for e in placed if (ev := _event(e))]
    svg = page_map(markers, [e.country for e in events], f"Map of {len(markers)} events at the places the sources name")
    groups = sorted({g for m in markers for g in m.data["groups"].split()}, key=lambda g: kb.profiles[g].model.name.casefold())
    years = [y for e in events for y in (indexes.year(e.date), indexes.last_year(e.end_date or e.date)) if y is not None]
    return {
        "map_svg": svg,
        "years": (min(years, default=""), max(years, default="")),
        "placed": placed,
        "unplaced": unplaced,
        "markers": markers,
        "map_groups": groups,
    }


def profile_map(kb: KnowledgeBase, profile: ProfileView, href: Href, map_page: str) -> tuple[str, str]:
    """An event's small map of its place (its marker leads to it on the map page), or a group's of the
    countries of its areas and the located events linked to it; with what the caption should say of
    the group's (what is shaded, what is marked). Nothing for others, or where there is nothing to draw."""
    model = profile.model
    if isinstance(model, Event):
        found = marker(kb, profile, lambda _: f"{map_page}#event-{profile.id}")
        return (event_map(found, model.country, f"Map: {found.name}"), "") if found else ("", "")
    if isinstance(model, Group):
        markers = [m for e in group_events(kb, profile) if (m := marker(kb, e, href))]
        shaded = codes(model.areas)
        said = []
        if shaded:
            said.append("shaded, the countries of its areas of operation")
        if markers:
            said.append("marked, the events linked to it whose place the sources name")
        svg = areas_map(model.areas, f"Map of {model.name}: {'; '.join(said)}", markers) if said else ""
        return svg, "; ".join(said)
    return "", ""
