"""Open data: every resolved entity as one JSON document, and the same facts as flat CSV tables.

The JSON is the complete form: each profile with its summary, claims, figures and relationships
(inverses included, marked ``declared: false``), each citation resolved to a source that exists, and
each source with the statements that cite it. The CSV tables are the spreadsheet form of the same facts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from ..model import dates
from ..model.entities import Event, FigureValue, Group, Person, Profile
from ..model.vocabulary import RELATIONSHIP_TYPES
from ..render.publish import LICENCE
from ..stages.resolve import (
    BriefView,
    Edge,
    FigureView,
    KnowledgeBase,
    ProfileView,
    RichClaim,
    plain_text,
)
from .common import (
    brief_uuid,
    cite_json,
    cite_text,
    entity_uuid,
    inline_citations,
    json_bytes,
    mentions,
    number,
    page_url,
)

FORMAT = "khorasan-brief/1"
# Keys of a profile that the export writes in resolved form rather than as the editor wrote them.
_RESOLVED = {"summary", "sections", "figures", "relationships"}


# -- JSON ----------------------------------------------------------------------------------------


def knowledge_json(kb: KnowledgeBase) -> bytes:
    document = {
        "format": FORMAT,
        "license": {"id": LICENCE["id"], "title": LICENCE["title"], "url": LICENCE["url"]},
        "entities": [_entity(profile) for profile in kb.profiles.values()],
        "sources": [_source(kb, source_id) for source_id in kb.sources],
        "briefs": [_brief(brief) for brief in kb.briefs.values()],
        "relationship_types": {name: {"label": rel.label, "inverse": rel.inverse} for name, rel in RELATIONSHIP_TYPES.items()},
    }
    return json_bytes(document)


def _entity(profile: ProfileView) -> dict[str, Any]:
    facts = profile.model.model_dump(mode="json", exclude={"id"} | _RESOLVED)
    return {
        "id": profile.id,
        "uuid": entity_uuid(profile.id),
        "kind": profile.kind,
        **facts,
        "page": page_url(profile.path),
        "summary": _claim(profile.summary),
        "sections": [{"title": title, "claims": [_claim(c) for c in claims]} for title, claims in profile.sections],
        "figures": [_figure(view) for view in profile.figures],
        "relationships": [_edge(edge) for edge in profile.edges],
    }


def _claim(claim: RichClaim) -> dict[str, Any]:
    return {
        "text": plain_text(claim.text),
        "mentions": mentions(claim.text),
        "status": claim.status,
        "by": claim.by,
        "cite": cite_json(claim.cite),
    }


def _figure(view: FigureView) -> dict[str, Any]:
    figure = view.figure
    return {
        "id": figure.id,
        "label": figure.label,
        "unit": figure.unit,
        "note": figure.note,
        "differs": view.differs,
        "values": [_value(value) for value in figure.values],
    }


def _value(value: FigureValue) -> dict[str, Any]:
    return {
        "value": number(value.value),
        "max": None if value.max is None else number(value.max),
        "qualifier": value.qualifier,
        "as_of": value.as_of,
        "by": value.by,
        "status": value.status,
        "note": value.note,
        "cite": cite_json(value.cite),
    }


def _edge(edge: Edge) -> dict[str, Any]:
    return {
        "type": edge.type.name,
        "target": edge.target,
        "declared": edge.declared,
        "since": edge.since,
        "until": edge.until,
        "former": edge.former,
        "status": edge.status,
        "by": edge.by,
        "note": plain_text(edge.note) or None,
        "cite": cite_json(edge.cite),
    }


def _source(kb: KnowledgeBase, source_id: str) -> dict[str, Any]:
    source = kb.sources[source_id]
    return {
        "id": source_id,
        "uuid": entity_uuid(source_id),
        **source.model_dump(mode="json", exclude={"id"}),
        "page": page_url(kb.source_path(source_id)),
        "cited_by": [{"page": page_url(c.page), "title": c.title, "text": c.text, "at": c.at} for c in kb.cited_by.get(source_id, [])],
    }


def _brief(brief: BriefView) -> dict[str, Any]:
    return {
        "slug": brief.slug,
        "uuid": brief_uuid(brief.slug),
        **brief.meta.model_dump(mode="json"),
        "page": page_url(brief.path),
        "mentions": mentions(brief.body),
        "cite": cite_json(inline_citations(brief.body)),
    }


# -- CSV -----------------------------------------------------------------------------------------

# Spreadsheets run a cell that starts with one of these as a formula; such text gets a leading '.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(number(value))
    if isinstance(value, (list, tuple)):
        value = "; ".join(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue()


def _kind_columns() -> list[str]:
    """Every kind-specific fact, from the models, so a new field gets a column by itself."""
    columns: dict[str, None] = {}
    for model in (Group, Person, Event):
        for name in model.model_fields:
            if name not in Profile.model_fields:
                columns.setdefault(name)
    return list(columns)


def csv_tables(kb: KnowledgeBase) -> dict[str, str]:
    """{file name: CSV text} for entities, aliases, claims, relationships, figures, events, sources."""
    profiles = list(kb.profiles.values())
    facts = _kind_columns()
    return {
        "entities.csv": _csv(
            ["id", "uuid", "kind", "name", *facts, "summary", "cite", "page"],
            (
                [
                    p.id,
                    entity_uuid(p.id),
                    p.kind,
                    p.model.name,
                    *(getattr(p.model, f, None) for f in facts),
                    plain_text(p.summary.text),
                    cite_text(p.summary.cite),
                    page_url(p.path),
                ]
                for p in profiles
            ),
        ),
        "aliases.csv": _csv(
            ["id", "alias", "unconfirmed", "cite"],
            ([p.id, alias.name, alias.unconfirmed, cite_text(alias.cite)] for p in profiles for alias in p.model.aliases),
        ),
        "claims.csv": _csv(
            ["id", "section", "text", "mentions", "status", "by", "cite"],
            (
                [p.id, section, plain_text(c.text), mentions(c.text), c.status, c.by, cite_text(c.cite)]
                for p in profiles
                for section, claims in [("(summary)", [p.summary]), *p.sections]
                for c in claims
            ),
        ),
        "relationships.csv": _csv(
            ["subject", "type", "target", "declared", "since", "until", "former", "status", "by", "note", "cite"],
            (
                [e.subject, e.type.name, e.target, e.declared, e.since, e.until, e.former, e.status, e.by, plain_text(e.note), cite_text(e.cite)]
                for p in profiles
                for e in p.edges
            ),
        ),
        "figures.csv": _csv(
            ["id", "figure", "label", "unit", "value", "max", "qualifier", "as_of", "by", "status", "note", "cite"],
            (
                [p.id, view.figure.id, view.figure.label, view.figure.unit, v.value, v.max, v.qualifier, v.as_of, v.by, v.status, v.note, cite_text(v.cite)]
                for p in profiles
                for view in p.figures
                for v in view.figure.values
            ),
        ),
        "events.csv": _csv(
            [
                *("id", "uuid", "date", "end_date", "earliest", "latest", "name", "type", "place", "country"),
                *("lat", "lon", "located_at", "carried_out_by", "claimed_by", "page"),
            ],
            (
                [
                    e.id,
                    entity_uuid(e.id),
                    event.date,
                    event.end_date,
                    dates.parse(event.date).earliest,
                    dates.parse(event.end_date or event.date).latest,
                    event.name,
                    event.type,
                    event.place,
                    event.country,
                    # The map's coordinates: of the named place `located_at`, a gazetteer fact (empty when unplaced).
                    *((event.coordinates.lat, event.coordinates.lon, event.coordinates.of) if event.coordinates else (None, None, None)),
                    _targets(e, "carried-out-by"),
                    _targets(e, "claimed-by"),
                    page_url(e.path),
                ]
                for e in kb.events()
                if isinstance(event := e.model, Event)
            ),
        ),
        "sources.csv": _csv(
            ["id", "uuid", "title", "title_is_descriptive", "publisher", "authors", "kind", "date", "url", "cited", "page"],
            (
                [
                    i,
                    entity_uuid(i),
                    s.title,
                    s.title_is_descriptive,
                    s.publisher,
                    s.authors,
                    s.kind,
                    s.date,
                    s.url,
                    len(kb.cited_by.get(i, [])),
                    page_url(kb.source_path(i)),
                ]
                for i, s in kb.sources.items()
            ),
        ),
    }


def _targets(profile: ProfileView, type_name: str) -> list[str]:
    return [edge.target for edge in profile.edges if edge.type.name == type_name]
