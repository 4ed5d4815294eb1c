"""The knowledge base as a STIX 2.1 bundle, built with the OASIS ``stix2`` library.

Mapping (STIX 2.1 has no general "event" or "militant movement" object, so the nearest fit is used):

- a group whose ``type`` names an armed movement (militant, insurgent, terrorist, ...) -> intrusion-set;
  any other group (an intelligence agency, an alliance) -> identity, class organization;
- a person -> identity, class individual (whatever side they are on: the bundle does not label people);
- an event -> incident (a stub object in 2.1: name and description);
- a relationship -> one relationship object, in one direction per pair (``leads``, not also ``led-by``),
  its vocabulary name as relationship_type;
- a source -> report, whose object_refs are the objects that cite it;
- a citation -> an external reference naming the source and the locator.

Ids are UUIDv5 of the entity ids (the same uuid as in all.json). ``created`` and ``modified`` are the
dates of the earliest and latest source an object cites, so a rebuild of the same data is identical.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable

import stix2

from ..models import Citation, Event, Group, Person
from ..render import source_label
from ..resolve import Edge, KnowledgeBase, ProfileView, plain_text
from .common import canonical_edges, end_of, entity_uuid, page_url, relationship_uuid, stable_uuid, start_of

PRODUCER = "Khorasan Brief"
# Words in a group's type that make it an intrusion-set: an armed movement rather than an institution.
ARMED = re.compile(r"\b(militant|insurgent|insurgency|terrorist|jihadist|armed group|paramilitary)\b", re.I)

StixObject = stix2.base._STIXBase


def stix_bundle(kb: KnowledgeBase) -> str:
    builder = _Builder(kb)
    objects = builder.objects()
    # The bundle's id follows its content: the same data gives the same id, changed data a new one.
    digest = hashlib.sha256("".join(o.serialize(sort_keys=True) for o in objects).encode()).hexdigest()
    bundle = stix2.v21.Bundle(objects=objects, id=f"bundle--{stable_uuid('bundle', digest)}")
    # Keys in the library's property order; pretty=True would sort them too, 100 times slower (2 s here).
    return bundle.serialize(indent=4, ensure_ascii=False) + "\n"


def stix_type(profile: ProfileView) -> str:
    model = profile.model
    if isinstance(model, Group):
        return "intrusion-set" if ARMED.search(model.type) else "identity"
    return "incident" if isinstance(model, Event) else "identity"


def stix_id(profile: ProfileView) -> str:
    return f"{stix_type(profile)}--{entity_uuid(profile.id)}"


class _Builder:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self._references: dict[tuple[str, str], stix2.v21.ExternalReference] = {}
        all_dates = [source.date for source in kb.sources.values()]
        first = min(all_dates, default="2024")
        self.producer = stix2.v21.Identity(
            id=f"identity--{stable_uuid('producer')}",
            name=PRODUCER,
            identity_class="organization",
            description="Open knowledge base of cited profiles; this bundle is generated from its data.",
            created=start_of(first),
            modified=start_of(first),
        )

    def objects(self) -> list[StixObject]:
        profiles = [self.profile(p) for p in self.kb.profiles.values()]
        edges = canonical_edges(self.kb)
        relationships = [self.relationship(edge) for edge in edges]
        reports = self.reports(edges)
        objects = [self.producer, *profiles, *relationships, *reports]
        return sorted(objects, key=lambda o: o.id)

    # -- common properties ---------------------------------------------------------------------

    def common(self, citations: list[Citation], own: list[stix2.v21.ExternalReference]) -> dict:
        dates = sorted({self.kb.sources[c.source].date for c in citations}, key=start_of)
        return {
            "created": start_of(dates[0]),
            "modified": start_of(dates[-1]),
            "created_by_ref": self.producer.id,
            "external_references": own + self.references(citations),
        }

    def references(self, citations: Iterable[Citation]) -> list[stix2.v21.ExternalReference]:
        unique = sorted({c.key: c for c in citations}.values(), key=lambda c: c.key)
        return [self.reference(citation) for citation in unique]

    def reference(self, citation: Citation) -> stix2.v21.ExternalReference:
        # STIX objects are immutable: one object per source and locator serves every citation of it
        # (building and checking one is what makes a large bundle slow).
        known = self._references.get(citation.key)
        if known is None:
            source = self.kb.sources[citation.source]
            fields = {"source_name": source_label(source), "external_id": source.id}
            if citation.at:
                fields["description"] = citation.at
            if source.url:
                fields["url"] = source.url
            known = self._references[citation.key] = stix2.v21.ExternalReference(**fields)
        return known

    def own_reference(self, entity_id: str, path: str) -> stix2.v21.ExternalReference:
        return stix2.v21.ExternalReference(
            source_name=PRODUCER, external_id=entity_id, description=f"page {page_url(path)}"
        )

    # -- profiles ------------------------------------------------------------------------------

    def profile(self, profile: ProfileView) -> StixObject:
        model = profile.model
        common = self.common(_citations(profile), [self.own_reference(profile.id, profile.path)])
        summary = plain_text(profile.summary.text)
        aliases = list(model.aliases)
        known_as = f" Also known as: {', '.join(aliases)}." if aliases else ""
        kind = stix_type(profile)
        if kind == "intrusion-set":
            assert isinstance(model, Group)
            extra = {"aliases": aliases} if aliases else {}
            if model.founded:
                extra["first_seen"] = start_of(model.founded)
            if model.dissolved:
                extra["last_seen"] = start_of(model.dissolved)
            return stix2.v21.IntrusionSet(
                id=stix_id(profile), name=model.name, description=f"{_capital(model.type)}. {summary}", **extra,
                **common,
            )
        if kind == "incident":
            assert isinstance(model, Event)
            when = model.date + (f" to {model.end_date}" if model.end_date else "")
            where = model.place + (f", {model.country}" if model.country else "")
            return stix2.v21.Incident(
                id=stix_id(profile), name=model.name,
                description=f"{_capital(model.type)}, {when}, {where}. {summary}{known_as}", **common,
            )
        if isinstance(model, Person):
            return stix2.v21.Identity(
                id=stix_id(profile), name=model.name, identity_class="individual", roles=[model.role],
                description=f"{summary}{known_as}", **common,  # the role is in `roles`
            )
        assert isinstance(model, Group)
        return stix2.v21.Identity(
            id=stix_id(profile), name=model.name, identity_class="organization",
            description=f"{_capital(model.type)}. {summary}{known_as}", **common,
        )

    # -- relationships and reports -------------------------------------------------------------

    def relationship(self, edge: Edge) -> stix2.v21.Relationship:
        profiles = self.kb.profiles
        words = [plain_text(edge.note)] if edge.note else []
        if edge.status or edge.by:
            words.append(f"{edge.status or 'according to'}{' by ' + edge.by if edge.by else ''}".capitalize())
        times = {}
        if edge.since:
            times["start_time"] = start_of(edge.since)
        if edge.until:
            times["stop_time"] = end_of(edge.until)  # until 2020 = up to the end of 2020: always after start
        return stix2.v21.Relationship(
            id=f"relationship--{relationship_uuid(edge)}",
            relationship_type=edge.type.name,
            source_ref=stix_id(profiles[edge.subject]),
            target_ref=stix_id(profiles[edge.target]),
            **({"description": ". ".join(words)} if words else {}),
            **times,
            **self.common(edge.cite, []),
        )

    def reports(self, edges: list[Edge]) -> list[stix2.v21.Report]:
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
            reference = {"source_name": source.publisher, "external_id": source_id}
            if source.url:
                reference["url"] = source.url
            by = f" By {', '.join(source.authors)}." if source.authors else ""
            reports.append(
                stix2.v21.Report(
                    id=f"report--{entity_uuid(source_id)}",
                    name=f"[{source.title}]" if source.title_is_descriptive else source.title,
                    description=f"{source.summary}{by}",
                    report_types=["threat-report"],
                    published=published,
                    object_refs=sorted(citing[source_id]),
                    created=published,
                    modified=published,
                    created_by_ref=self.producer.id,
                    external_references=[
                        stix2.v21.ExternalReference(**reference),
                        self.own_reference(source_id, self.kb.source_path(source_id)),
                    ],
                )
            )
        return reports


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

