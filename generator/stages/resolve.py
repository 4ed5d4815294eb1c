"""Stage 3, resolve: typed models -> one linked knowledge base.

Here names become entities (by id or any alias), citations become sources, each relationship gains
its inverse on the other profile, and every source learns who cites it. Anything that points at
nothing is a problem at the position where it was written.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from typing import Any

from slugify import slugify

from ..model import dates, figures
from ..model.citations import Citing, short_names
from ..model.entities import (
    BriefMeta,
    Citation,
    Claim,
    Event,
    Figure,
    Group,
    Person,
    Relationship,
    Source,
    locator_problem,
)
from ..model.names import oddness, skeleton
from ..model.problems import Position, Problem
from ..model.vocabulary import FOLDER_OF_KIND, RELATIONSHIP_TYPES, RelationshipType
from .load import Loaded, SourceMap, YamlPath
from .validate import Validated

Profile = Group | Person | Event


@dataclass(frozen=True)
class EntityLink:
    id: str
    label: str


Token = str | EntityLink | Citation
# Where something was written, worked out only when a problem is reported there: positions of the
# hundreds of thousands of correct values of a large knowledge base are never needed.
At = Callable[[], Position]
RichText = tuple[Token, ...]


@dataclass(frozen=True)
class RichClaim:
    text: RichText
    cite: tuple[Citation, ...]
    status: str | None = None
    by: str | None = None


@dataclass(frozen=True)
class FigureView:
    figure: Figure
    note: RichText = ()  # the figure's note, with its [[links]] and [@citations]

    @functools.cached_property
    def differs(self) -> bool:
        """True when some two values cannot both be true (generator/model/figures.py has the rule): values
        for different dates are a series, and overlapping readings ("about 13" and 13) are compatible."""
        return figures.differs(self.figure.values)

    @functools.cached_property
    def series(self) -> bool:
        """True when the values refer to more than one period: a series over time."""
        return figures.is_series(self.figure.values)


@dataclass
class Edge:
    """A relationship as seen from one profile: ``subject --type--> target``."""

    type: RelationshipType
    subject: str
    target: str
    cite: list[Citation]
    since: str | None = None
    until: str | None = None
    status: str | None = None
    by: str | None = None
    note: RichText = ()
    declared: bool = True  # False when it is the inverse of a link written on the other profile
    ended: bool = False  # over, though the sources give no end date
    former: bool = False  # over: an end date, ``ended``, or (a leadership) its person reported dead (_link)

    @property
    def canonical(self) -> bool:
        """One of the two copies of each link (every link is on both its profiles), for what holds a
        link once (the network, STIX): the type's primary direction ("leads", not "led-by"), and for a
        symmetric type ("rival-of") the copy whose subject sorts first."""
        return self.subject < self.target if self.type.symmetric else self.type.primary

    def inverse(self) -> Edge:
        """The same link as the other profile sees it: Ghafari 'leads' ISIS-K, ISIS-K is 'led by' Ghafari."""
        return replace(
            self,
            type=RELATIONSHIP_TYPES[self.type.inverse],
            subject=self.target,
            target=self.subject,
            cite=list(self.cite),
            declared=False,
        )


@dataclass
class ProfileView:
    model: Profile
    path: str  # page path inside the site, e.g. groups/isis-k.md
    file: str  # the YAML file it was read from, project-relative, e.g. data/groups/isis-k.yaml
    summary: RichClaim
    sections: list[tuple[str, list[RichClaim]]]
    figures: list[FigureView]
    edges: list[Edge] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.model.KIND

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def sort_date(self) -> tuple[str, str]:
        """An event's place in date order: its earliest possible day (model/dates.py)."""
        return dates.parse(self.model.date).sort_key if isinstance(self.model, Event) else ("", "")

    @property
    def date_order(self) -> tuple[tuple[str, str], str]:
        """Where the profile goes in a list in date order (events by their earliest day, then by id)."""
        return self.sort_date, self.id

    @property
    def citations(self) -> list[Citation]:
        """Every citation the profile's page shows: its statements, figures, relationships (both
        sides), box facts and names."""
        found = [*self.summary.cite, *(c for _, claims in self.sections for claim in claims for c in claim.cite)]
        found += [c for view in self.figures for value in view.figure.values for c in value.cite]
        found += [c for edge in self.edges for c in edge.cite]
        facts = getattr(self.model, "facts_cite", None)
        found += [c for _, cites in (facts.items() if facts is not None else ()) for c in cites]
        found += [c for alias in self.model.aliases for c in alias.cite]
        return found


@dataclass
class BriefView:
    meta: BriefMeta
    slug: str
    path: str
    body: RichText
    file: str = ""  # briefs/<slug>.md, project-relative, for messages about the body
    body_line: int = 1  # the line of that file on which the body starts
    text: str = ""  # the body as written


@dataclass
class KnowledgeBase:
    profiles: dict[str, ProfileView]
    sources: dict[str, Source]
    briefs: dict[str, BriefView]
    cited_by: dict[str, list[Citing]]
    names: dict[str, str]  # slug of every id, name and alias -> entity id
    # Where each of those names (and each source id) was written: for messages about a clash.
    origins: dict[str, Position] = field(default_factory=dict)
    # How a footnote names each source: "Rafiq 2024" (citations.short_names).
    short: dict[str, str] = field(default_factory=dict)

    def source_path(self, source_id: str) -> str:
        return f"sources/{source_id}.md"

    def short_name(self, source_id: str) -> str:
        if not self.short:
            self.short = short_names(self.sources)
        return self.short[source_id]

    def publishers(self, cites: list[Citation]) -> list[str]:
        """Who publishes the cited sources, each once ("The Hindu"): who says what a citation gives."""
        return sorted({self.sources[c.source].publisher for c in cites if c.source in self.sources})

    def events(self) -> list[ProfileView]:
        events = [p for p in self.profiles.values() if p.kind == "event"]
        return sorted(events, key=lambda p: p.date_order)

    def links(self) -> list[Edge]:
        """Every relationship once (``Edge.canonical``), by subject, type and target."""
        edges = [edge for profile in self.profiles.values() for edge in profile.edges if edge.canonical]
        return sorted(edges, key=lambda e: (e.subject, e.type.name, e.target))


LEADERSHIP = frozenset({"led-by", "leads"})


def _leader_gone(edge: Edge, profiles: dict[str, ProfileView], killed: set[str]) -> bool:
    """Whether a leadership's person is reported dead by the knowledge base itself: a date of death
    (however vague: "no later than January 2024", from a memorial for him) or a killing. A group's
    "current" leader is never one its own pages report dead."""
    if edge.type.name not in LEADERSHIP:
        return False
    person = edge.target if edge.type.name == "led-by" else edge.subject
    return bool(getattr(profiles[person].model, "died", None)) or person in killed


def page_path(kind: str, entity_id: str) -> str:
    return f"{FOLDER_OF_KIND[kind]}/{entity_id}.md"


@functools.lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """Names match whatever their case, spacing and punctuation: 'IS-K', 'is k' and 'IS K' are one."""
    return slugify(name)


# Every name of a profile is also an address: a redirect page at <folder>/<name key>/ (redirects.py).
# A file name holds at most 255 bytes; name keys are ASCII, and this leaves room to spare.
MAX_NAME_KEY = 120
MAX_GUESSES = 100  # distinct unknown names that get a "did you mean" (see _Resolver._close)

_MARKUP = re.compile(r"\[\[(?P<link>[^\[\]|\n]+?)(?:\|(?P<label>[^\[\]\n]+?))?\]\]|\[@(?P<cite>[^\[\]\n]+?)\]")
# A hyphenated slug standing as a word of its own: what a source id pasted into prose looks like.
_SLUG_WORD = re.compile(r"(?<![\w-])[a-z0-9]+(?:-[a-z0-9]+)+(?![\w-])")
# Where the sentence before a citation starts: after a sentence end, a blank line or a list marker.
_BLOCK_MARKER = re.compile(r"^(?:[-*+]|\d+\.|#+)\s+")  # a list item or heading the sentence opens
_SPACE_BEFORE_MARK = re.compile(r"\s+([,.;:])")  # left where a citation inside the sentence was
_SENTENCE_START = re.compile(r"(?:[.!?:;]\s+|\n\s*\n|\n\s*[-*+]\s+|\n#+\s+|^)(?=[^.!?:;\s])", re.S)


# What resolving one file gave: its view (a profile or a brief) and the citations it logged.
Remembered = tuple["ProfileView | BriefView", tuple[tuple[str, "Citing"], ...]]


@dataclass
class ResolveMemo:
    """What resolving each file gave at the last build, kept by `mkdocs serve` (generator/cache.py) so
    that a rebuild resolves again only the files that changed: their links, citations and the rest.

    A file's result is kept only when resolving it found no problem, and used only for the very
    objects it was made from (a file whose bytes are unchanged keeps its model: cache.FileCache), and
    only while every name, every source id, every display name and the set of broken files are what
    they were, since links and citations resolve against those.
    """

    world: tuple[object, ...] | None = None
    kept: dict[int, tuple[object, object, Remembered]] = field(default_factory=dict)

    def get(self, model: object, where: object) -> Remembered | None:
        entry = self.kept.get(id(model))
        return entry[2] if entry is not None and entry[0] is model and entry[1] is where else None


class _Resolver:
    def __init__(self, validated: list[Validated], broken: AbstractSet[str], memo: ResolveMemo | None = None):
        self.validated = validated
        self.broken = broken
        self.memo = memo
        self.remembered: dict[int, tuple[object, object, Remembered]] = {}  # the memo of this build
        self.log: list[tuple[str, Citing]] | None = None  # the citations of the file being resolved
        self.problems: list[Problem] = []
        self.names: dict[str, str] = {}
        self.name_origin: dict[str, Position] = {}
        self.spelling: dict[str, str] = {}  # name key -> the name as first written
        self.look_alikes: dict[str, str] = {}  # name key of a skeleton -> the first name key with it
        self.kinds: dict[str, str] = {}
        self.sources: dict[str, Source] = {}
        self.cited_by: dict[str, list[Citing]] = defaultdict(list)
        self.where_of: dict[str, SourceMap] = {}
        self.display: dict[str, str] = {}  # entity id -> name
        self.guesses: dict[tuple[str, int, float], str | None] = {}
        self.profile_ids: dict[str, str] | None = None

    def run(self) -> KnowledgeBase:
        duplicates = self._register_ids()
        world = (self.names, frozenset(self.broken), frozenset(self.sources), self.display)
        memo = self.memo if self.memo is not None and self.memo.world == world else None
        profiles = {}
        briefs = {}
        for item in self.validated:
            if id(item) in duplicates:
                continue
            model = item.model
            if isinstance(model, (Group, Person, Event)):
                profiles[model.id] = self._remembered(memo, model, item.where, functools.partial(self._profile, model, item.where))
            elif isinstance(model, BriefMeta):
                brief = self._remembered(memo, model, item.document, functools.partial(self._brief, model, item))
                briefs[brief.slug] = brief
        if self.memo is not None:
            self.memo.world, self.memo.kept = world, self.remembered
        self._link(profiles)
        for source_id in self.cited_by:
            self.cited_by[source_id].sort(key=lambda c: (c.page, c.text))
        return KnowledgeBase(
            profiles=dict(sorted(profiles.items())),
            sources=dict(sorted(self.sources.items())),
            briefs=dict(sorted(briefs.items())),
            cited_by=dict(self.cited_by),
            names=self.names,
            origins=self.name_origin,
            short=short_names(self.sources),
        )

    def _remembered(self, memo: ResolveMemo | None, model: object, source: object, resolve: Callable[[], Any]) -> Any:
        """``resolve()``, or what it gave at the last build for these very objects."""
        known = memo.get(model, source) if memo is not None else None
        if known is not None:
            made, citing = known
            for source_id, place in citing:
                self.cited_by[source_id].append(place)
            if isinstance(made, ProfileView):
                assert isinstance(source, SourceMap)  # a profile is resolved from its YAML's positions
                self.where_of[made.id] = source
                made = replace(made, sections=list(made.sections), figures=list(made.figures), edges=[])
            else:
                made = replace(made)
            self.remembered[id(model)] = (model, source, known)
            return made
        problems, self.log = len(self.problems), []
        made = resolve()
        if self.memo is not None and len(self.problems) == problems:
            kept = made if not isinstance(made, ProfileView) else replace(made, edges=[])
            self.remembered[id(model)] = (model, source, (kept, tuple(self.log)))
        self.log = None
        return made

    # -- ids and names --------------------------------------------------------------------

    def _register_ids(self) -> set[int]:
        """Register every id and name; return the (object ids of the) items whose id is taken already.
        Sources go first: when a profile takes a source's id, the citations of that source still resolve
        and the one problem reported is the duplicate."""
        duplicates: set[int] = set()
        for item in sorted(self.validated, key=lambda item: not isinstance(item.model, Source)):
            model = item.model
            if not isinstance(model, (Source, Group, Person, Event)):
                continue
            if model.id in self.kinds:
                other = self.name_origin[name_key(model.id)]
                self.problems.append(item.where.value(("id",)).problem(f"id '{model.id}' is already used by {other.file}; ids are unique across all kinds"))
                duplicates.add(id(item))
                continue
            self.kinds[model.id] = model.KIND
            if isinstance(model, Source):
                self.sources[model.id] = model
                self.name_origin[name_key(model.id)] = item.where.value(("id",))
                continue
            self.display[model.id] = model.name
            self._add_name(model.id, model.id, item.where.value(("id",)))
            self._add_name(model.name, model.id, item.where.value(("name",)))
            for index, alias in enumerate(model.aliases):
                if not alias.unconfirmed:  # a name no source gives as this one's does not link to it
                    self._add_name(alias.name, model.id, item.where.value(("aliases", index, "name")))
            # A renamed profile keeps its old id as a name, so old [[links]] and URLs still find it.
            for index, former in enumerate(model.former_ids):
                self._add_name(former, model.id, item.where.value(("former_ids", index)))
        return duplicates

    def _add_name(self, name: str, entity_id: str, position: Position) -> None:
        key = name_key(name)
        if not key:
            self.problems.append(position.problem(f"name {name!r} has no letters or digits to search by"))
            return
        if len(key) > MAX_NAME_KEY:
            self.problems.append(
                position.problem(f"this name makes an address of {len(key):,} characters ({key[:20]}...), over the limit of {MAX_NAME_KEY}; shorten it")
            )
            return
        # A name key another profile has, or a name that reads as one (the same TR39 skeleton, names.py).
        look = name_key(skeleton(name))
        taken = [other for other in (key, self.look_alikes.get(look)) if other in self.names]
        other = next((other for other in taken if self.names[other] != entity_id), None)
        if other is None:
            if not taken:
                self.names[key] = entity_id
                self.name_origin[key] = position
                self.spelling[key] = name
            self.look_alikes.setdefault(look, key)
            return
        owner = self.names[other]
        first, written = self.name_origin[other], self.spelling[other]
        if other == key and oddness(name) == oddness(written):  # the same name, written in two profiles
            self.problems.append(
                position.problem(
                    f"'{name}' is already a name of '{owner}' ({first.file}:{first.line}); a name may belong to one profile only: remove it from one of them"
                )
            )
            return
        # Two spellings that read alike: one passes for the other. The problem is reported at the odder
        # spelling (letters of several scripts, digits among letters), whichever was read first.
        if oddness(written) > oddness(name):
            self.names[other], self.name_origin[other], self.spelling[other] = entity_id, position, name
            name, written, position, first, owner = written, name, first, position, entity_id
        self.problems.append(
            position.problem(
                f"'{name}' looks the same as '{written}', a name of '{owner}' ({first.file}:{first.line}), "
                "but is spelt with other characters; write it in the letters the other name uses, or remove it"
            )
        )

    # -- text ----------------------------------------------------------------------------

    def rich(self, text: str, at: At, page: str, title: str) -> RichText:
        """Split text into plain runs, entity links and citations, checking each reference."""
        tokens: list[Token] = []
        cursor = 0
        for match in _MARKUP.finditer(text):
            if match.start() > cursor:
                tokens.append(self._plain(text, cursor, match.start(), at))
            where_match: At = functools.partial(_offset_of, at, text, match.start())
            tokens.append(self._reference(match, where_match, page, title, text))
            cursor = match.end()
        if cursor < len(text):
            tokens.append(self._plain(text, cursor, len(text), at))
        return tuple(tokens)

    def _plain(self, text: str, start: int, end: int, at: At) -> str:
        """A run of plain text, checked for a source id written where a citation was meant."""
        run = text[start:end]
        if "-" in run:  # every source id in this contract has a hyphen; most runs need no search
            for match in _SLUG_WORD.finditer(run):
                if match.group() in self.sources:
                    where = _offset(at(), text, start + match.start())
                    self.problems.append(
                        where.problem(
                            f"source id '{match.group()}' in the text, where readers would see it; "
                            f"cite it as [@{match.group()}, para N] (or in cite:), or name the source in words"
                        )
                    )
        return run

    def _context(self, text: str, index: int) -> str:
        """The sentence a citation at ``text[index]`` closes, in plain words: what a source page quotes
        to show where a brief cites it."""
        before = text[:index]
        start = 0
        for match in _SENTENCE_START.finditer(before):
            start = match.end()
        sentence = _MARKUP.sub(self._words_of, before[start:]).replace("*", "")
        sentence = _BLOCK_MARKER.sub("", " ".join(sentence.split()))
        return _SPACE_BEFORE_MARK.sub(r"\1", sentence).strip(" ,;")

    def _words_of(self, match: re.Match[str]) -> str:
        """How a [[link]] reads in plain words; a [@citation] reads as nothing."""
        if match.group("link") is None:
            return ""
        name = match.group("link").strip()
        return (match.group("label") or self.display.get(name, name)).strip()  # [[id]] reads as the name

    def _reference(self, match: re.Match[str], at: At, page: str, title: str, text: str = "") -> Token:
        if match.group("cite") is not None:
            citation = Citation.parse(match.group("cite"))
            # Written inside text, so not checked as a model: its locator is checked here.
            problem = locator_problem(citation.at)
            if problem:
                self.problems.append(at().problem(problem))
            self._check_citation(citation, at, page, title, self._context(text, match.start()) if text else "")
            return citation
        name = match.group("link").strip()
        entity_id = self.names.get(name_key(name))
        if entity_id is None and name_key(name) in self.broken:
            entity_id = ""
        elif entity_id is None:
            guess = self._guess(name)
            self.problems.append(at().problem(f"[[{name}]] names no profile{guess}"))
            entity_id = ""
        label = match.group("label")
        if label is None:
            # [[abu-bakr-al-baghdadi]] reads as the profile's name; [[ISKP]] keeps the name as written.
            label = self.display.get(entity_id, name) if name == entity_id else name
        return EntityLink(entity_id, label.strip())

    def _guess(self, name: str) -> str:
        close = self._close(name_key(name), self.names)
        return f"; did you mean [[{self.names[close]}]]?" if close else "; check the id or add the alias"

    def _close(self, word: str, among: Mapping[str, object], cutoff: float = 0.7) -> str | None:
        """The closest of ``among`` to ``word`` (difflib), for a "did you mean": each word is looked
        up once, and only the first MAX_GUESSES of them, since each look-up reads every name (5,000
        unknown links took minutes on a large base)."""
        key = (word, id(among), cutoff)
        if key not in self.guesses:
            if len(self.guesses) >= MAX_GUESSES:
                return None
            close = difflib.get_close_matches(word, list(among), n=1, cutoff=cutoff)
            self.guesses[key] = close[0] if close else None
        return self.guesses[key]

    def _check_citation(self, citation: Citation, at: At, page: str, title: str, text: str) -> None:
        if citation.source in self.broken:
            return
        if citation.source not in self.sources:
            close = self._close(citation.source, self.sources, 0.6)
            hint = f"; did you mean '{close}'?" if close else "; add data/sources/<id>.yaml or fix the id"
            self.problems.append(at().problem(f"citation names unknown source '{citation.source}'{hint}"))
            return
        place = Citing(page, title, text, citation.at)
        self.cited_by[citation.source].append(place)
        if self.log is not None:
            self.log.append((citation.source, place))

    def claim(self, claim: Claim, where: SourceMap, path: YamlPath, page: str, title: str) -> RichClaim:
        text = self.rich(claim.text, lambda: where.value(path + ("text",)), page, title)
        self.cites(claim.cite, where, path, page, title, plain_text(text))
        return RichClaim(text, tuple(claim.cite), claim.status, claim.by)

    def cites(self, cites: list[Citation], where: SourceMap, path: YamlPath, page: str, title: str, text: str) -> None:
        for index, citation in enumerate(cites):
            self._check_citation(citation, functools.partial(where.value, path + ("cite", index)), page, title, text)

    # -- profiles ------------------------------------------------------------------------

    def _profile(self, model: Profile, where: SourceMap) -> ProfileView:
        page = page_path(model.KIND, model.id)
        title = model.name
        summary = self.claim(model.summary, where, ("summary",), page, title)
        sections = [
            (
                section.title,
                [self.claim(claim, where, ("sections", s, "claims", c), page, title) for c, claim in enumerate(section.claims)],
            )
            for s, section in enumerate(model.sections)
        ]
        views = []
        for f, figure in enumerate(model.figures):
            for v, value in enumerate(figure.values):
                self.cites(value.cite, where, ("figures", f, "values", v), page, title, f"{figure.label} (figure)")
                if value.note:
                    self._plain(value.note, 0, len(value.note), functools.partial(where.value, ("figures", f, "values", v, "note")))
            note = self.rich(figure.note, functools.partial(where.value, ("figures", f, "note")), page, title) if figure.note else ()
            views.append(FigureView(figure, note))
        for a, alias in enumerate(model.aliases):
            self.cites(alias.cite, where, ("aliases", a), page, title, f"{alias.name} (name)")
        facts = model.facts_cite
        for name, cites in facts.items() if facts is not None else ():
            shown_as = f"{name.replace('_', ' ').capitalize()} (summary box)"
            self.cites(cites, where, ("facts_cite", name), page, title, shown_as)
        self.where_of[model.id] = where
        if isinstance(model, Event) and model.end_date:
            self._end_known_to_sources(model, where)
        return ProfileView(model, page, where.file, summary, sections, views)

    def _end_known_to_sources(self, event: Event, where: SourceMap) -> None:
        """An end date is when an event that lasted ended, which its sources report: one that reaches
        the date the latest of them was written says "before the article", not "it ended then"."""
        cited = {c.source for c in [*event.summary.cite, *(c for s in event.sections for claim in s.claims for c in claim.cite)]}
        written = [dates.parse(self.sources[s].date).earliest or "" for s in cited if s in self.sources]
        end = dates.parse(event.end_date or "").latest
        if written and end and end >= max(written):
            self.problems.append(
                where.value(("end_date",)).problem(
                    f"end_date {event.end_date} reaches the date of the sources ({max(written)[:7]}): an end date says when an event "
                    "that lasted ended; for an event the sources place some time before they were written, write the span as "
                    f'date: "[{event.date}..{event.end_date}]" and leave end_date out'
                )
            )

    def _link(self, profiles: dict[str, ProfileView]) -> None:
        index: dict[tuple[str, str, str], Edge] = {}
        for view in profiles.values():
            for r, relationship in enumerate(view.model.relationships):
                edge = self._edge(view, ("relationships", r), relationship, profiles)
                if edge is not None:
                    _merge(index, edge)
                    _merge(index, edge.inverse())
        killed = {edge.subject for edge in index.values() if edge.type.name == "killed-in"}
        for edge in index.values():
            edge.former = bool(edge.until or edge.ended) or _leader_gone(edge, profiles, killed)
            profiles[edge.subject].edges.append(edge)
        for view in profiles.values():
            view.edges.sort(key=lambda e: (e.type.name, profiles[e.target].model.name.casefold()))

    def _edge(self, view: ProfileView, path: YamlPath, relationship: Relationship, profiles: dict[str, ProfileView]) -> Edge | None:
        where = self.where_of[view.id]
        rel = RELATIONSHIP_TYPES[relationship.type]
        if not self._check_target(view, rel, relationship.target, lambda: where.value(path + ("target",))):
            return None
        target = profiles[relationship.target]
        note = self.rich(relationship.note, lambda: where.value(path + ("note",)), view.path, view.model.name) if relationship.note else ()
        self.cites(relationship.cite, where, path, view.path, view.model.name, f"{rel.label} {target.model.name}")
        return Edge(
            rel,
            view.id,
            target.id,
            list(relationship.cite),
            relationship.since,
            relationship.until,
            relationship.status,
            relationship.by,
            note,
            ended=relationship.ended,
        )

    def _check_target(self, view: ProfileView, rel: RelationshipType, target: str, at: At) -> bool:
        kind = self.kinds.get(target)
        if target in self.broken and kind is None:
            return False
        if kind is None:
            self.problems.append(at().problem(f"relationship target '{target}' is not a profile id{self._guess_id(target)}"))
            return False
        if target == view.id:
            self.problems.append(at().problem("a profile cannot be related to itself"))
            return False
        if view.kind not in rel.subjects or kind not in rel.objects:
            self.problems.append(
                at().problem(
                    f"'{rel.name}' links {_kinds(rel.subjects)} to {_kinds(rel.objects)}, not {_kinds({view.kind})} to {_kinds({kind})}; choose another type"
                )
            )
            return False
        return True

    def _guess_id(self, target: str) -> str:
        if self.profile_ids is None:  # every id is registered by now
            self.profile_ids = {i: k for i, k in self.kinds.items() if k != "source"}
        close = self._close(target, self.profile_ids, 0.6)
        return f"; did you mean '{close}'?" if close else ""

    # -- briefs --------------------------------------------------------------------------

    def _brief(self, meta: BriefMeta, item: Validated) -> BriefView:
        document = item.document
        slug = document.stem
        path = f"briefs/{slug}.md"
        start = functools.partial(Position, document.file, document.body_line, 1)
        body = self.rich(document.body, start, path, meta.title)
        return BriefView(meta, slug, path, body, document.file, document.body_line, document.body)


def _kinds(kinds: set[str] | frozenset[str]) -> str:
    """{"group", "person"} -> "a group or person"; {"event"} -> "an event"."""
    words = " or ".join(sorted(kinds))
    return f"{'an' if words[0] in 'aeiou' else 'a'} {words}"


def _offset_of(at: At, text: str, index: int) -> Position:
    """Where text[index] stands, asked only when a problem is reported there."""
    return _offset(at(), text, index)


def _offset(position: Position, text: str, index: int) -> Position:
    """Position of text[index], given where text starts; exact for brief bodies, the line start for YAML."""
    starts = _line_starts(text)
    newlines = bisect.bisect_right(starts, index) - 1
    if newlines == 0:
        return Position(position.file, position.line, position.col + index)
    return Position(position.file, position.line + newlines, index - starts[newlines] + 1)


@functools.lru_cache(maxsize=8)
def _line_starts(text: str) -> list[int]:
    """Where each line of ``text`` starts: found once per text, not once per problem in it."""
    return [0] + [match.end() for match in re.finditer("\n", text)]


def plain_text(text: RichText) -> str:
    """Rich text as plain words: links become their labels, citations drop out."""
    return "".join(t if isinstance(t, str) else t.label if isinstance(t, EntityLink) else "" for t in text).strip()


def _merge(index: dict[tuple[str, str, str], Edge], edge: Edge) -> None:
    key = (edge.subject, edge.type.name, edge.target)
    existing = index.get(key)
    if existing is None:
        index[key] = edge
        return
    # Both profiles wrote the same link (or its inverse): one edge, every citation kept.
    existing.cite.extend(c for c in edge.cite if c not in existing.cite)
    existing.since = existing.since or edge.since
    existing.until = existing.until or edge.until
    existing.declared = existing.declared or edge.declared
    existing.ended = existing.ended or edge.ended


def unavailable_names(loaded: Loaded, validated: list[Validated]) -> set[str]:
    """Ids and names of files that did not load or validate. They have their own problems, so links
    to them (by id or by any name the file gives) are not reported again."""
    good = {item.document.stem for item in validated}
    names = {path.stem for path in loaded.files if path.stem not in good}
    for document in loaded.documents:
        if document.stem not in good:
            aliases = document.data.get("aliases")
            given = [document.data.get("name")]
            given += [a.get("name") for a in aliases if isinstance(a, dict)] if isinstance(aliases, list) else []
            names.update(name_key(name) for name in given if isinstance(name, str))
    return names


def resolve(validated: list[Validated], broken: AbstractSet[str] = frozenset(), memo: ResolveMemo | None = None) -> tuple[KnowledgeBase, list[Problem]]:
    """Link validated models. ``broken`` holds the name keys of files that failed to load or validate:
    references to them are not reported again, since their file's own problems already are. ``memo``
    (kept between the rebuilds of `mkdocs serve`) saves resolving again the files that did not change."""
    resolver = _Resolver(validated, broken, memo)
    knowledge = resolver.run()
    return knowledge, resolver.problems
