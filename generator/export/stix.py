"""The knowledge base as a STIX 2.1 bundle.

Mapping (STIX 2.1 has no general "event" or "militant movement" object, so the nearest fit is used):

- a militant group (``type``, the fixed list readers filter by) -> intrusion-set;
  any other group (an intelligence agency, an alliance) -> identity, class organization;
- a person -> identity, class individual (whatever side they are on: the bundle does not label people);
- an event -> incident (a stub object in 2.1: name and description);
- a relationship -> one relationship object, in one direction per pair (``leads``, not also ``led-by``),
  its vocabulary name as relationship_type;
- a source -> report, whose object_refs are the objects that cite it;
- a citation -> an external reference naming the source and the locator.

Ids are UUIDv5 of the entity ids (the same uuid as in all.json). ``created`` and ``modified`` are the
dates of the earliest and latest source an object cites, so a rebuild of the same data is identical.

The objects are written as plain dictionaries, with their properties in the order the OASIS ``stix2``
library writes them. Building them as ``stix2`` objects checked every property as it was set and
took 8 s of a 5,000-profile build; the tests instead read the bundle back with ``stix2`` and check it
with the OASIS ``stix2-validator``, which is where conformance is proven.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import orjson

from ..model import dates
from ..model.entities import Citation, Event, Group, Person
from ..model.vocabulary import EVENT_TYPE_LABEL, GROUP_TYPE_LABEL
from ..render.text import source_label
from ..stages.resolve import Edge, KnowledgeBase, ProfileView, plain_text
from .common import (
    end_of,
    entity_uuid,
    json_bytes,
    page_url,
    relationship_uuid,
    stable_uuid,
    start_of,
)

PRODUCER = "Khorasan Brief"

StixObject = dict[str, Any]


def stix_bundle(kb: KnowledgeBase) -> bytes:
    objects = _Builder(kb).objects()
    # The bundle's id follows its content: the same data gives the same id, changed data a new one.
    digest = hashlib.sha256(orjson.dumps(objects, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return json_bytes({"type": "bundle", "id": f"bundle--{stable_uuid('bundle', digest)}", "objects": objects})


def stix_type(profile: ProfileView) -> str:
    model = profile.model
    if isinstance(model, Group):
        return "intrusion-set" if model.type == "militant-group" else "identity"
    return "incident" if isinstance(model, Event) else "identity"


def stix_id(profile: ProfileView) -> str:
    return f"{stix_type(profile)}--{entity_uuid(profile.id)}"


def stamp(moment: dt.datetime) -> str:
    """A STIX timestamp for created and modified, which STIX writes to the millisecond."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def instant(moment: dt.datetime) -> str:
    """A STIX timestamp for first_seen, published, start_time and the like: to the second."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _object(kind: str, object_id: str, stamped: dict[str, str], references: list[dict[str, str]] | None, **properties: Any) -> StixObject:
    """type, spec_version, id, the producer and times, then the object's own properties (leaving out
    the empty ones), then its references: the order ``stix2`` writes them in."""
    head = {"type": kind, "spec_version": "2.1", "id": object_id}
    own = {name: value for name, value in properties.items() if value is not None}
    tail = {"external_references": references} if references is not None else {}
    return head | stamped | own | tail


class _Builder:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self._references: dict[tuple[str, str], dict[str, str]] = {}
        first = min((source.date for source in kb.sources.values()), default="2024")
        self.producer = _object(
            "identity",
            f"identity--{stable_uuid('producer')}",
            {"created": stamp(start_of(first)), "modified": stamp(start_of(first))},
            None,
            name=PRODUCER,
            description="Open knowledge base of cited profiles; this bundle is generated from its data.",
            identity_class="organization",
        )

    def objects(self) -> list[StixObject]:
        profiles = [self.profile(p) for p in self.kb.profiles.values()]
        edges = self.kb.links()
        relationships = [self.relationship(edge) for edge in edges]
        reports = self.reports(edges)
        objects = [self.producer, *profiles, *relationships, *reports]
        return sorted(objects, key=lambda o: o["id"])

    # -- common properties ---------------------------------------------------------------------

    def stamped(self, created: dt.datetime, modified: dt.datetime) -> dict[str, str]:
        return {"created_by_ref": self.producer["id"], "created": stamp(created), "modified": stamp(modified)}

    def stamped_by(self, citations: list[Citation]) -> dict[str, str]:
        """Created and modified: the dates of the earliest and the latest source cited."""
        dates = sorted({self.kb.sources[c.source].date for c in citations}, key=start_of)
        return self.stamped(start_of(dates[0]), start_of(dates[-1]))

    def references(self, citations: Iterable[Citation]) -> list[dict[str, str]]:
        unique = sorted({c.key: c for c in citations}.values(), key=lambda c: c.key)
        return [self.reference(citation) for citation in unique]

    def reference(self, citation: Citation) -> dict[str, str]:
        # One dictionary per source and locator serves every citation of it (it is only ever read).
        known = self._references.get(citation.key)
        if known is None:
            source = self.kb.sources[citation.source]
            known = _reference(source_label(source), source.id, description=citation.at or None, url=source.url)
            self._references[citation.key] = known
        return known

    # -- profiles ------------------------------------------------------------------------------

    def profile(self, profile: ProfileView) -> StixObject:
        model = profile.model
        citations = _citations(profile)
        stamped = self.stamped_by(citations)
        references = [_own_reference(profile.id, profile.path), *self.references(citations)]
        summary = plain_text(profile.summary.text)
        aliases = model.other_names
        known_as = f" Also known as: {', '.join(aliases)}." if aliases else ""
        kind = stix_type(profile)
        if kind == "intrusion-set":
            assert isinstance(model, Group)
            return _object(
                kind,
                stix_id(profile),
                stamped,
                references,
                name=model.name,
                description=f"{_capital(_kind_words(model))}. {summary}",
                aliases=aliases or None,
                first_seen=_instant_of(model.founded),
                last_seen=_instant_of(model.dissolved),
            )
        if kind == "incident":
            assert isinstance(model, Event)
            when = dates.words(model.date) + (f" to {dates.words(model.end_date)}" if model.end_date else "")
            where = model.place + (f", {model.country}" if model.country else "")
            return _object(
                kind,
                stix_id(profile),
                stamped,
                references,
                name=model.name,
                description=f"{_capital(_kind_words(model))}, {when}, {where}. {summary}{known_as}",
            )
        if isinstance(model, Person):
            return _object(
                kind,
                stix_id(profile),
                stamped,
                references,
                name=model.name,
                description=f"{summary}{known_as}",
                roles=[model.role],
                identity_class="individual",  # the role is in `roles`
            )
        assert isinstance(model, Group)
        return _object(
            kind,
            stix_id(profile),
            stamped,
            references,
            name=model.name,
            description=f"{_capital(_kind_words(model))}. {summary}{known_as}",
            identity_class="organization",
        )

    # -- relationships and reports -------------------------------------------------------------

    def relationship(self, edge: Edge) -> StixObject:
        profiles = self.kb.profiles
        words = [plain_text(edge.note)] if edge.note else []
        if edge.status or edge.by:
            words.append(f"{edge.status or 'according to'}{' by ' + edge.by if edge.by else ''}".capitalize())
        return _object(
            "relationship",
            f"relationship--{relationship_uuid(edge)}",
            self.stamped_by(edge.cite),
            self.references(edge.cite),
            relationship_type=edge.type.name,
            description=". ".join(words) if words else None,
            source_ref=stix_id(profiles[edge.subject]),
            target_ref=stix_id(profiles[edge.target]),
            start_time=_instant_of(edge.since),
            # until 2020 = up to the end of 2020: always after the start
            stop_time=instant(end_of(edge.until)) if edge.until and dates.iso(edge.until) else None,
        )

    def reports(self, edges: list[Edge]) -> list[StixObject]:
        citing: dict[str, set[str]] = defaultdict(set)
        for profile in self.kb.profiles.values():
            for citation in _citations(profile, with_edges=False):
                citing[citation.source].add(stix_id(profile))
        for edge in edges:
            for citation in edge.cite:
                citing[citation.source].add(f"relationship--{relationship_uuid(edge)}")
        reports = []
        for source_id, source in self.kb.sources.items():
            if not citing[source_id]:
                continue  # a report must refer to something; a source nothing cites has nothing to report
            published = start_of(source.date)
            by = f" By {', '.join(source.authors)}." if source.authors else ""
            references = [
                _reference(source.publisher, source_id, url=source.url),
                _own_reference(source_id, self.kb.source_path(source_id)),
            ]
            reports.append(
                _object(
                    "report",
                    f"report--{entity_uuid(source_id)}",
                    self.stamped(published, published),
                    references,
                    name=f"[{source.title}]" if source.title_is_descriptive else source.title,
                    description=f"{source.summary}{by}",
                    report_types=["threat-report"],
                    published=instant(published),
                    object_refs=sorted(citing[source_id]),
                )
            )
        return reports


def _reference(source_name: str, external_id: str, description: str | None = None, url: str | None = None) -> dict[str, str]:
    fields = {"source_name": source_name, "description": description, "url": url, "external_id": external_id}
    return {name: value for name, value in fields.items() if value}


def _own_reference(entity_id: str, path: str) -> dict[str, str]:
    return _reference(PRODUCER, entity_id, description=f"page {page_url(path)}")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _citations(profile: ProfileView, with_edges: bool = True) -> list[Citation]:
    """Every citation on a profile: summary, claims, figure values and (optionally) its relationships."""
    found = list(profile.summary.cite)
    for _, claims in profile.sections:
        for claim in claims:
            found.extend(claim.cite)
    for view in profile.figures:
        for value in view.figure.values:
            found.extend(value.cite)
    if with_edges:
        for edge in profile.edges:
            found.extend(edge.cite)
    return found


def _instant_of(date: str | None) -> str | None:
    """A STIX timestamp for a date that is one day, month or year; none for an approximate date or a
    span, which no single timestamp states truly."""
    return instant(start_of(date)) if date and dates.iso(date) else None


def _kind_words(model: Group | Event) -> str:
    """What it is in the sources' words, else the label of its type."""
    label = (GROUP_TYPE_LABEL if isinstance(model, Group) else EVENT_TYPE_LABEL)[model.type]
    return model.type_description or label.lower()
