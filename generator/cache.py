"""What one build can hand to the next while ``mkdocs serve`` runs: parsed files and rendered pages.

A preview rebuild after a one-line edit should cost what the edit touches, not what the knowledge
base holds: FileCache, RenderCache and TemplateCache serve that (BuildCache says how), and none can
hand out stale data."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .model.entities import Citation, Strict
from .model.problems import Problem
from .model.project import Project
from .render.site import TEMPLATE_DIR, PageJob, PageRenderer, render_job
from .stages.load import Document, load_file, read_bounded
from .stages.resolve import (
    EntityLink,
    KnowledgeBase,
    ProfileView,
    ResolveMemo,
    RichText,
)
from .stages.validate import validate_document

Key = tuple[str, str]  # (kind, id): ("group", "isis-k"), ("source", "usip-mir-2024"), ("brief", slug)
Signature = tuple[object, ...]


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


@dataclass
class _Entry:
    digest: bytes
    kind: str
    document: Document | None
    load_problems: tuple[Problem, ...]
    validated: bool = False
    model: Strict | None = None
    validate_problems: tuple[Problem, ...] = ()


class FileCache:
    """Loaded and validated input files, reused while their bytes stay the same."""

    def __init__(self) -> None:
        self._entries: dict[Path, _Entry] = {}
        self._of_document: dict[int, _Entry] = {}
        self._seen: set[Path] = set()
        self.parsed: list[str] = []  # files parsed by the last build (the rest came from the cache)

    def reader(self) -> Callable[[Path, Path, str, list[Problem]], Document | None]:
        """``load`` for one build: the files the build before read and this one does not are forgotten
        once it has read them all (``digests`` names only the files of this build)."""
        for path in set(self._entries) - self._seen if self._seen else ():
            entry = self._entries.pop(path)
            self._of_document.pop(id(entry.document), None)
        self._seen.clear()
        self.parsed = []
        return self.load

    def load(self, root: Path, path: Path, kind: str, problems: list[Problem]) -> Document | None:
        """load.load_file, unless this file's bytes were loaded before."""
        self._seen.add(path)
        raw = read_bounded(path)
        key = digest(raw)
        entry = self._entries.get(path)
        if entry is None or entry.digest != key or entry.kind != kind:
            found: list[Problem] = []
            # Parse the very bytes that were digested: a file saved again meanwhile is caught next build.
            document = load_file(root, path, kind, found, raw=raw)
            if entry is not None:
                self._of_document.pop(id(entry.document), None)
            entry = self._entries[path] = _Entry(key, kind, document, tuple(found))
            if document is not None:
                self._of_document[id(document)] = entry
            self.parsed.append(path.name)
        problems.extend(entry.load_problems)
        return entry.document

    def validate(self, document: Document, problems: list[Problem]) -> Strict | None:
        """validate.validate_document, once per loaded document."""
        entry = self._of_document.get(id(document))
        if entry is None or entry.document is not document:  # not loaded through this cache
            return validate_document(document, problems)
        if not entry.validated:
            found: list[Problem] = []
            entry.model, entry.validate_problems, entry.validated = validate_document(document, found), tuple(found), True
        problems.extend(entry.validate_problems)
        return entry.model

    def digests(self) -> dict[Key, bytes]:
        """Digest of every loaded file, by (kind, file stem); a valid file's stem is its id."""
        return {(entry.kind, path.stem): entry.digest for path, entry in self._entries.items() if path in self._seen}


@dataclass
class RenderCache:
    """Rendered Markdown of each page, with the signature it was rendered under and the files that
    signature drew on (its dependencies)."""

    pages: dict[str, tuple[Signature, str]] = field(default_factory=dict)
    rendered: list[str] = field(default_factory=list)  # pages the last build rendered (the rest were reused)
    signed: list[str] = field(default_factory=list)  # pages whose signature the last build made again
    deps: dict[str, frozenset[Key]] = field(default_factory=dict)
    world: tuple[object, ...] | None = None  # what any page may show besides its files, at the last build
    digests: dict[Key, bytes] = field(default_factory=dict)  # every file's, at the last build
    models: dict[Key, object] = field(default_factory=dict)  # every profile's model, at the last build
    citations: dict[str, int] = field(default_factory=dict)  # how often each source is cited, at the last build

    def render(
        self,
        env: jinja2.Environment,
        kb: KnowledgeBase,
        jobs: list[PageJob],
        *,
        digests: dict[Key, bytes],
        overrides: Path,
        world: tuple[object, ...] = (),
    ) -> dict[str, str]:
        """render.render_pages, reusing each page whose signature is unchanged. ``world``: what the
        caller's contexts draw on besides the knowledge base (the layout, the history)."""
        self.rendered, self.signed = [], []
        if overrides.is_dir() and any(overrides.rglob("*.j2")):
            # A project's own templates may read anything: every page is rendered, and none is kept.
            self.pages, self.deps, self.world = {}, {}, None
            self.rendered = [job.path for job in jobs]
            return {job.path: render_job(env, kb, job) for job in jobs}
        now = (_templates_key(TEMPLATE_DIR), world, _world(kb, jobs))
        subjects = {job.path: job.subject for job in jobs if job.subject is not None}
        linked: dict[str, set[str]] = {}  # _linked of each profile, made once per build (a source asks for many)
        unchanged = self._unchanged(now, kb, digests, subjects, linked)
        pages: dict[str, str] = {}
        for job in jobs:
            cached = self.pages.get(job.path)
            if cached is not None and job.path in unchanged:
                pages[job.path] = cached[1]
                continue
            signature = None
            if job.subject is not None:
                signature, self.deps[job.path] = _signature(kb, job, digests, subjects, now[0], linked)
                self.signed.append(job.path)
                if cached is not None and cached[0] == signature:
                    pages[job.path] = cached[1]
                    continue
            markdown = pages[job.path] = render_job(env, kb, job)
            self.rendered.append(job.path)
            if signature is not None or job.path in WHOLE_PAGES:
                self.pages[job.path] = (signature or (), markdown)
        for gone in set(self.pages) - set(pages):
            del self.pages[gone]
        for gone in set(self.deps) - set(self.pages):
            del self.deps[gone]
        self.world, self.digests = now, dict(digests)
        self.models = {(view.kind, view.id): view.model for view in kb.profiles.values()}
        self.citations = _citations(kb)
        return pages

    def _unchanged(
        self,
        now: tuple[object, ...],
        kb: KnowledgeBase,
        digests: dict[Key, bytes],
        subjects: dict[str, tuple[str, str]],
        linked: dict[str, set[str]],
    ) -> set[str]:
        """Pages whose signature cannot have changed since the last build, without making it again:
        the world is the same, none of the files it drew on changed, and none of the changed files
        shows it now (a relationship added to it, a citation of it)."""
        if now != self.world:
            return set()
        changed = {key for key in digests.keys() | self.digests.keys() if digests.get(key) != self.digests.get(key)}
        reach: set[str] = set()
        paths = {subject: path for path, subject in subjects.items() if subject is not None}
        for key in changed:
            subject = _subject(kb, key)
            if subject is not None:
                keys, named = _shown(kb, subject, subjects, linked)
                shown = {_subject(kb, other) for other in keys} | {("profile", i) for i in named}
                reach |= {paths[other] for other in shown if other in paths}
        same = {page for page, deps in self.deps.items() if deps.isdisjoint(changed)} - reach
        changes = self._kinds_of_change(kb, changed)
        return same | {page for page, shows in WHOLE_PAGES.items() if page in self.pages and shows.isdisjoint(changes)}

    def _kinds_of_change(self, kb: KnowledgeBase, changed: set[Key]) -> set[str]:
        """What the changed files changed, in the terms of WHOLE_PAGES."""
        changes = {kind for kind, _ in changed if kind in ("event", "source", "brief")}
        for key in changed:
            if _subject(kb, key) == ("profile", key[1]):
                before = self.models.get(key)
                if before is None or _beyond_narrative(before, kb.profiles[key[1]].model):
                    changes.add("profile")
        if _citations(kb) != self.citations:
            changes.add("citations")
        return changes


# The pages of the whole knowledge base (render.INDEX_PAGES, the network, the changes) and what they
# show, as the kinds of change that can change them when nothing any page may show changed (see
# _world). "profile": a profile's file changed beyond its narrative (its summary and sections, which
# no index shows); "event", "source", "brief": any change to such a file (the timeline tells each
# event's summary, with its notes); "citations": how often a source is cited. A page not listed here
# is rendered every time.
WHOLE_PAGES: dict[str, frozenset[str]] = {
    "groups/index.md": frozenset({"profile"}),
    "people/index.md": frozenset({"profile"}),
    "events/index.md": frozenset({"profile"}),
    "network.md": frozenset({"profile", "source"}),
    "timeline.md": frozenset({"profile", "event", "source"}),
    "map.md": frozenset({"profile"}),  # events' places, dates, types and the groups linked to them
    "sources/index.md": frozenset({"source", "citations"}),
    "briefs/index.md": frozenset({"brief"}),
    "changes.md": frozenset({"source"}),  # a change names the sources it cites by their publisher
}
NARRATIVE = frozenset({"summary", "sections"})


def _beyond_narrative(before: object, now: object) -> bool:
    """Whether a profile's model changed in anything but its summary and sections."""
    if type(before) is not type(now):
        return True
    fields = getattr(type(now), "model_fields", {})  # a profile's model: every field it declares
    return any(getattr(before, name) != getattr(now, name) for name in fields if name not in NARRATIVE)


def _citations(kb: KnowledgeBase) -> dict[str, int]:
    return {source: len(kb.cited_by.get(source, ())) for source in kb.sources}


def _world(kb: KnowledgeBase, jobs: list[PageJob]) -> tuple[object, ...]:
    """What a page may show that no signature holds: the pages there are, and every name of every
    kind (the left column of a page lists its neighbours by name; a name can lead a link elsewhere),
    and how footnotes name the sources."""
    return (
        [job.path for job in jobs],
        kb.names,
        {i: (p.kind, p.model.name) for i, p in kb.profiles.items()},
        {i: (source.title, source.title_is_descriptive) for i, source in kb.sources.items()},
        {slug: brief.meta.title for slug, brief in kb.briefs.items()},
        kb.short,
    )


def _subject(kb: KnowledgeBase, key: Key) -> tuple[str, str] | None:
    """The page subject of the file ``key`` (its kind and stem), if it has a page."""
    kind, name = key
    if name in kb.profiles and kb.profiles[name].kind == kind:
        return ("profile", name)
    if kind == "source" and name in kb.sources:
        return ("source", name)
    if kind == "brief" and name in kb.briefs:
        return ("brief", name)
    return None


def _templates_key(folder: Path) -> tuple[tuple[str, bytes], ...]:
    """The packaged templates, by name and digest: editing one renders every page again."""
    return tuple((path.relative_to(folder).as_posix(), digest(path.read_bytes())) for path in sorted(folder.rglob("*.j2")))


def _signature(
    kb: KnowledgeBase,
    job: PageJob,
    digests: dict[Key, bytes],
    subjects: dict[str, tuple[str, str]],
    templates: object,
    linked: dict[str, set[str]],
) -> tuple[Signature, frozenset[Key]]:
    """The page's signature, and the files it draws on."""
    assert job.subject is not None
    files, named = _shown(kb, job.subject, subjects, linked)
    shown = sorted(files | {_key(kb, job.subject)})
    # Plain values in the context (a profile's date of last change) are part of it as they are.
    plain = tuple((k, v) for k, v in sorted(job.context.items()) if v is None or isinstance(v, (str, int, float)))
    # Profiles a page only names (and links to): their name and kind, which make the link, not their file.
    names = tuple((i, kb.profiles[i].kind, kb.profiles[i].model.name) for i in sorted(named) if i in kb.profiles)
    # A footnote names a source by its short name, which another source's arrival can change
    # ("Rafiq 2024" becomes "Rafiq 2024a"): the short names of the sources shown are part of it.
    shorts = tuple(kb.short_name(i) for kind, i in shown if kind == "source" and i in kb.sources)
    # A missing digest (None) still makes a valid signature: the key set itself is part of it.
    signature = (job.template, templates, plain, tuple((key, digests.get(key)) for key in shown), names, shorts)
    return signature, frozenset(shown)  # names and short names are in the world (_world)


def _key(kb: KnowledgeBase, subject: tuple[str, str]) -> Key:
    """The (kind, stem) of the file a page subject comes from."""
    kind, name = subject
    if kind == "profile":
        return (kb.profiles[name].kind, name)
    return (kind, name)


def _shown(kb: KnowledgeBase, subject: tuple[str, str], subjects: dict[str, tuple[str, str]], linked: dict[str, set[str]]) -> tuple[set[Key], set[str]]:
    """The files whose data a page shows besides its own, and the profiles it only names (see the
    module docstring)."""
    kind, name = subject
    ids: set[str] = set()
    sources: set[str] = set()
    if kind == "profile":
        view = kb.profiles[name]
        ids |= _linked(view, linked)
        texts = _texts(view)
        sources |= {token.source for text in texts for token in text if isinstance(token, Citation)}
        sources |= {citation.source for citation in view.citations}
    elif kind == "source":
        citing = {subjects[item.page] for item in kb.cited_by.get(name, []) if item.page in subjects}
        keys = {_key(kb, s) for s in citing}
        # What cites it is quoted as text that names other profiles: "Member of <target's name>" for a
        # relationship, a linked profile's name for "[[id]]" in a claim. Only their names show.
        for subject in citing:
            if subject[0] == "profile":
                ids |= _linked(kb.profiles[subject[1]], linked)
            elif subject[0] == "brief":  # a brief is quoted with its links' names
                ids |= {token.id for token in kb.briefs[subject[1]].body if isinstance(token, EntityLink)}
        return keys, ids
    elif kind == "brief":
        body = kb.briefs[name].body
        ids = {token.id for token in body if isinstance(token, EntityLink)}
        sources = {token.source for token in body if isinstance(token, Citation)}
    keys = {(kb.profiles[i].kind, i) for i in ids if i in kb.profiles}
    return keys | {("source", s) for s in sources if s in kb.sources}, set()


class TemplateCache(jinja2.BytecodeCache):
    """Compiled Jinja templates, kept in memory from one build to the next.

    Jinja stores each template's code with a checksum of its source and compiles again when the
    source differs, so an edited template is never served from here. One instance per kind of
    environment: compiled code also depends on the environment's settings.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


def _texts(view: ProfileView) -> list[RichText]:
    return [
        view.summary.text,
        *(claim.text for _, claims in view.sections for claim in claims),
        *(edge.note for edge in view.edges),
        *(figure.note for figure in view.figures),
    ]


def _linked(view: ProfileView, known: dict[str, set[str]]) -> set[str]:
    """The profiles a profile page names: the other ends of its relationships and its [[links]]."""
    ids = known.get(view.id)
    if ids is None:
        ids = known[view.id] = {edge.target for edge in view.edges} | {token.id for text in _texts(view) for token in text if isinstance(token, EntityLink)}
    return ids


@dataclass
class BuildCache:
    """Everything one build keeps for the next, for one project root.

    - ``FileCache`` keeps each input file's loaded document, its validated model and their problems,
      keyed by the file's path and a digest of its bytes. A file is read on every build (cheap) and
      parsed again only when its bytes differ.
    - ``RenderCache`` keeps each page's Markdown with the *signature* of everything the page shows: the
      digests of its own file and of every file it draws on, plus the templates. A page is rendered again
      when its signature changes. What a page draws on (``_shown``): for a profile, the profiles it links
      to or shares a relationship with and the sources it cites; for a source, the pages citing it and,
      since a cited relationship is listed by the name of its other end, the names of those ends (not
      their files: an edit to a group's text does not touch the pages of every source cited near it);
      for a brief, what it links to and cites. Index pages, which list a whole kind, are always rendered.
      Nor is every signature made again (that alone is a large part of a rebuild): only
      those of the pages that drew on a changed file and of the pages a changed file now shows itself on
      (a relationship or a citation added), unless something any page may show changed (the set of
      pages, a name, how footnotes name the sources, the templates, the layout, the history): then all.
    - ``TemplateCache`` keeps compiled Jinja templates, checked against a checksum of their source.

    Resolving (names, inverse relationships, citations) always runs on the whole knowledge base: it is
    where cross-file problems are found, and it is fast.

    The signatures cover what the packaged templates read; tests/test_incremental.py checks cached
    rebuilds against fresh ones after edits of every kind. A project that overrides templates may read
    anything from the knowledge base, so with overrides present every page is rendered every time.
    """

    root: Path
    files: FileCache = field(default_factory=FileCache)
    resolved: ResolveMemo = field(default_factory=ResolveMemo)
    pages: RenderCache = field(default_factory=RenderCache)
    templates: TemplateCache = field(default_factory=TemplateCache)

    def of(self, project: Project) -> BuildCache:
        """This cache, for the project it was made for."""
        if self.root != project.root:
            raise ValueError(f"this cache belongs to {self.root}, not {project.root}")
        return self

    def renderer(self, project: Project, world: tuple[object, ...]) -> PageRenderer:
        """render.site.render_pages, reusing every page whose inputs are unchanged. ``world``: what
        the pages' contexts draw on besides the knowledge base (the layout, the history)."""
        return functools.partial(self.pages.render, digests=self.files.digests(), overrides=project.overrides, world=world)
