"""Stage 4, render: the resolved knowledge base -> Markdown pages, through Jinja templates.

Templates live in ``generator/templates``; a file of the same name in the project's template
override folder replaces one. Text from YAML is escaped here, once, so that no name or claim can
become markup: every ASCII punctuation character Markdown could read as markup is backslash-escaped
(with pymdownx.escapeall enabled, Markdown then prints it literally), and ``<`` and ``&`` become
entities. tests/test_escape_markdown.py checks this through the site's real Markdown settings.
"""

from __future__ import annotations

import functools
import html
import json
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .models import Citation, FigureValue, Source
from .resolve import Edge, EntityLink, KnowledgeBase, ProfileView, RichText
from .vocabulary import KIND_LABEL, QUALIFIER_WORDS

TEMPLATE_DIR = Path(__file__).parent / "templates"

_SPACE = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")  # every ASCII punctuation character
# Punctuation that means nothing to Markdown (with this site's extensions) inside a line is left as it
# is: each backslash escape costs Markdown a pattern match, and these characters fill ordinary prose.
# (":" is not among them: block parsers read raw lines, backslashes and all, and "[x\]: y" at the
# start of a line is a link reference definition.)
_PLAIN_INSIDE = ".,;?'\"()/%@$-"
# At the start of a text, where a line may begin, they can start a block ("- item", "1984. x").
_LINE_START = re.compile(r"^ ?\d*[" + re.escape(_PLAIN_INSIDE) + "]")
# `<` and `&` become entities: the parser of HTML blocks (md_in_html) reads through backslashes and
# would take an escaped "\<a" inside <div markdown> for the start of a tag.
_ESCAPED = str.maketrans(
    {
        **{c: "\\" + c for c in map(chr, range(128)) if _PUNCTUATION.fullmatch(c) and c not in _PLAIN_INSIDE},
        "<": "&lt;",
        "&": "&amp;",
    }
)
_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]


@functools.lru_cache(maxsize=1 << 16)
def escape(text: str) -> str:
    """Plain text -> Markdown that shows exactly that text, whatever characters it holds.

    Cached: names and source labels recur on thousands of pages of a large knowledge base.
    """
    flat = _SPACE.sub(" ", text)
    start = _LINE_START.match(flat)
    if start is None:
        return flat.translate(_ESCAPED)
    mark = start.end() - 1
    return flat[:mark] + "\\" + flat[mark] + flat[mark + 1 :].translate(_ESCAPED)


def html_text(text: str) -> str:
    """For places the theme prints without escaping (page titles in front matter)."""
    return html.escape(" ".join(text.split()), quote=True)


def format_date(value: str | None) -> str:
    if not value:
        return ""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    if len(parts) == 2:
        return f"{_MONTHS[parts[1] - 1]} {parts[0]}"
    return f"{parts[2]} {_MONTHS[parts[1] - 1]} {parts[0]}"


def format_number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def format_value(value: FigureValue) -> str:
    number = format_number(value.value)
    if value.max is not None:
        number = f"{number}–{format_number(value.max)}"
    words = QUALIFIER_WORDS[value.qualifier]
    return f"{words} {number}".strip()


def source_label(source: Source) -> str:
    """Publisher, authors, title, date: how a reference names its source."""
    title = f"[{source.title}]" if source.title_is_descriptive else f"“{source.title}”"
    parts = [source.publisher]
    if source.authors:
        parts.append(", ".join(source.authors))
    parts += [title, format_date(source.date)]
    return ", ".join(parts)


@dataclass
class Page:
    """Per-page rendering helpers: relative links and the page's footnote numbering."""

    kb: KnowledgeBase
    path: str
    numbers: dict[tuple[str, str], int] = field(default_factory=dict)
    notes: list[Citation] = field(default_factory=list)

    def url(self, target_path: str) -> str:
        return _relative(target_path, _folder(self.path))

    def link(self, entity_id: str, label: str | None = None) -> str:
        profile = self.kb.profiles[entity_id]
        return f"[{escape(label or profile.model.name)}]({self.url(profile.path)})"

    def source_link(self, source_id: str, label: str | None = None) -> str:
        source = self.kb.sources[source_id]
        return f"[{escape(label or source_label(source))}]({self.url(self.kb.source_path(source_id))})"

    def cite(self, citations: Iterable[Citation]) -> str:
        """Footnote references; the same source and locator cited twice on a page share one number."""
        refs = []
        for citation in citations:
            number = self.numbers.get(citation.key)
            if number is None:
                self.notes.append(citation)
                number = self.numbers[citation.key] = len(self.notes)
            refs.append(f"[^{number}]")
        return "".join(refs)

    def text(self, rich: RichText, *, markdown: bool = False) -> str:
        """Rich text -> Markdown. Plain runs are escaped unless they are an editor's Markdown (briefs)."""
        out = []
        for token in rich:
            if isinstance(token, str):
                out.append(token if markdown else escape(token))
            elif isinstance(token, EntityLink):
                out.append(self.link(token.id, token.label))
            else:
                out.append(self.cite([token]))
        return "".join(out)

    def events(self, profile: ProfileView) -> list[Edge]:
        """Links from a group or person to events, in date order; an event lists none of its own here."""
        if profile.kind == "event":
            return []
        edges = [e for e in profile.edges if self.kb.profiles[e.target].kind == "event"]
        return sorted(edges, key=lambda e: (self.kb.profiles[e.target].sort_date, e.target, e.type.name))

    def relations(self, profile: ProfileView) -> list[Edge]:
        shown = set(map(id, self.events(profile)))
        return [e for e in profile.edges if id(e) not in shown]

    def footnotes(self) -> str:
        lines = []
        for number, citation in enumerate(self.notes, start=1):
            source = self.kb.sources[citation.source]
            locator = f", {escape(citation.at)}" if citation.at else ""
            lines.append(f"[^{number}]: {self.source_link(citation.source)}{locator}.")
        return "\n".join(lines)


# The same few folders link to the same pages over and over; relpath is slow enough to matter at scale.
_relative = functools.lru_cache(maxsize=1 << 16)(posixpath.relpath)


@functools.lru_cache(maxsize=1 << 16)
def _folder(path: str) -> str:
    return posixpath.dirname(path) or "."


def make_environment(override_dirs: Iterable[Path] = ()) -> jinja2.Environment:
    loaders = [jinja2.FileSystemLoader(str(d)) for d in override_dirs if d.is_dir()]
    loaders.append(jinja2.FileSystemLoader(str(TEMPLATE_DIR)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # the output is Markdown; escaping is done by the `e` filter below
    )
    env.filters.update(
        e=escape,
        html_text=html_text,
        date=format_date,
        value=format_value,
        number=format_number,
        source_label=source_label,
        json=lambda value: json.dumps(value, ensure_ascii=False),
    )
    env.globals.update(kind_label=KIND_LABEL)
    return env


PROFILE_TEMPLATES = {"group": "group.md.j2", "person": "person.md.j2", "event": "event.md.j2"}
INDEX_PAGES = {
    "groups/index.md": "groups_index.md.j2",
    "people/index.md": "people_index.md.j2",
    "events/index.md": "events_index.md.j2",
    "sources/index.md": "sources_index.md.j2",
    "briefs/index.md": "briefs_index.md.j2",
}


@dataclass(frozen=True)
class PageJob:
    """One generated page: where it goes, its template, what the template gets, and what it is about.

    ``subject`` is ("profile", id), ("source", id) or ("brief", slug); None for the index pages.
    """

    path: str
    template: str
    context: dict[str, object]
    subject: tuple[str, str] | None = None


def site_pages(kb: KnowledgeBase) -> list[PageJob]:
    """Every page the site gets from the knowledge base, in a fixed order."""
    jobs = [
        PageJob(p.path, PROFILE_TEMPLATES[p.kind], {"profile": p, "model": p.model}, ("profile", p.id))
        for p in kb.profiles.values()
    ]
    for source_id, source in kb.sources.items():
        context = {"source": source, "citing": kb.cited_by.get(source_id, [])}
        jobs.append(PageJob(kb.source_path(source_id), "source.md.j2", context, ("source", source_id)))
    for brief in kb.briefs.values():
        jobs.append(PageJob(brief.path, "brief.md.j2", {"brief": brief}, ("brief", brief.slug)))
    jobs += [PageJob(path, template, {}) for path, template in INDEX_PAGES.items()]
    return jobs


def render_page(env: jinja2.Environment, kb: KnowledgeBase, path: str, template: str, **context: object) -> str:
    page = Page(kb, path)
    return env.get_template(template).render(kb=kb, page=page, **context)


def render_job(env: jinja2.Environment, kb: KnowledgeBase, job: PageJob) -> str:
    return render_page(env, kb, job.path, job.template, **job.context)


def render_site(kb: KnowledgeBase, env: jinja2.Environment) -> dict[str, str]:
    """Every generated page, as {path inside the site: Markdown}."""
    return {job.path: render_job(env, kb, job) for job in site_pages(kb)}
