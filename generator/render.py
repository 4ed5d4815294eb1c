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
import traceback
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import indexes
from .feed import FEED_FILE, atom_feed
from .graph import Network, network
from .history import History
from .models import Citation, FigureValue, Source
from .problems import Problem
from .publish import CITE_DIR, Citable, Sections, about, describe, page_meta
from .redirects import redirects
from .resolve import Edge, EntityLink, KnowledgeBase, ProfileView, RichClaim, RichText, plain_text
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


def json_attribute(value: object) -> str:
    """A value as JSON inside an HTML attribute (data-graph="..."), for the page's script to read."""
    return html.escape(json.dumps(value, ensure_ascii=False, separators=(",", ":")), quote=True)


def yaml_string(text: str) -> str:
    """A double-quoted YAML string for front matter, for any text. Everything outside printable ASCII
    is written as an escape: MkDocs reads front matter that fails to parse as page text, so one stray
    control character would otherwise publish the front matter, unescaped, as Markdown."""
    return '"' + "".join(_yaml_char(c) for c in text) + '"'


def yaml_flow(value: object) -> str:
    """Any JSON-like value as one line of YAML flow style, every string written by yaml_string: ASCII
    only, so that no name (a control character, a lone surrogate, a line separator) can make the
    front matter fail to parse and be published as page text."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{yaml_string(str(k))}: {yaml_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_flow(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return yaml_string(str(value))


def _yaml_char(char: str) -> str:
    if char in '"\\':
        return "\\" + char
    if " " <= char <= "~":
        return char
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def format_date(value: str | None) -> str:
    if not value:
        return ""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    if len(parts) == 2:
        return f"{_MONTHS[parts[1] - 1]} {parts[0]}"
    return f"{parts[2]} {_MONTHS[parts[1] - 1]} {parts[0]}"


def format_period(
    since: str | None, until: str | None, show: Callable[[str], str] = format_date, dash: str = " – "
) -> str:
    """When something held: "2015 – 2020", "since 2015", "until 2020", or nothing."""
    if since and until:
        return f"{show(since)}{dash}{show(until)}"
    if since:
        return f"since {show(since)}"
    return f"until {show(until)}" if until else ""


def format_years(since: str | None, until: str | None) -> str:
    """The same in whole years, for a table's narrow column: "2015–2020", "since 2015"."""
    return format_period(since, until, lambda date: date[:4], "–")


def sentence(text: str) -> str:
    """A phrase from the data as a sentence: a capital first, a full stop last."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def format_number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def format_value(value: FigureValue) -> str:
    number = format_number(value.value)
    if value.max is not None:
        number = f"{number}–{format_number(value.max)}"
    words = QUALIFIER_WORDS[value.qualifier]
    return f"{words} {number}".strip()


def attribution(item: RichClaim | Edge) -> str:
    """" *(disputed by X)*" or " *(according to X)*" after a statement that is someone's claim."""
    if not (item.status or item.by):
        return ""
    by = f" by {escape(item.by)}" if item.by else ""
    return f" *({escape(item.status or 'according to')}{by})*"


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

    def claim(self, item: RichClaim) -> str:
        """A claim's text, who says so (when not the text's own voice), and its footnote references."""
        return self.text(item.text) + attribution(item) + self.cite(item.cite)

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

    def actors(self, event: ProfileView) -> list[ProfileView]:
        """The groups and people linked to an event, by name: whom the timeline can filter it by."""
        ids = {e.target for e in event.edges if self.kb.profiles[e.target].kind != "event"}
        return sorted((self.kb.profiles[i] for i in ids), key=lambda p: (p.model.name.casefold(), p.id))

    def relations(self, profile: ProfileView) -> list[Edge]:
        shown = set(map(id, self.events(profile)))
        return [e for e in profile.edges if id(e) not in shown]

    def footnotes(self) -> str:
        lines = []
        for number, citation in enumerate(self.notes, start=1):
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
        # *.md.j2 output Markdown, escaped by the `e` filter below; *.html.j2 (redirect pages) are
        # whole HTML documents that MkDocs copies as they are, so Jinja escapes everything in them.
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
    )
    env.filters.update(
        e=escape,
        html_text=html_text,
        date=format_date,
        value=format_value,
        number=format_number,
        source_label=source_label,
        json=lambda value: json.dumps(value, ensure_ascii=False),
        json_attribute=json_attribute,
        attribution=attribution,
        yaml_string=yaml_string,
        stated=indexes.stated,
        sentence=sentence,
    )
    env.globals.update(kind_label=KIND_LABEL, period=format_period, years=format_years, facts=indexes, cite_dir=CITE_DIR)
    return env


PROFILE_TEMPLATES = {"group": "group.md.j2", "person": "person.md.j2", "event": "event.md.j2"}
INDEX_PAGES = {
    "groups/index.md": "groups_index.md.j2",
    "people/index.md": "people_index.md.j2",
    "events/index.md": "events_index.md.j2",
    "sources/index.md": "sources_index.md.j2",
    "briefs/index.md": "briefs_index.md.j2",
    "timeline.md": "timeline.md.j2",
}
NETWORK_PAGE = "network.md"
# Up to this many relationships the network page lists them all in a table (about 1 kB of page each).
NETWORK_TABLE_LIMIT = 500
GRAPH_FILE = "graph.json"  # at the site root; assets/khorasan.js finds it beside its own folder


@dataclass(frozen=True)
class Layout:
    """Where a site engine puts a page and what its URL is, for the files this stage writes outside
    Markdown (graph.json, redirect pages). The rule is MkDocs's (and every engine that reads
    mkdocs.yml): ``a/b.md`` becomes ``a/b/index.html`` at ``a/b/`` with directory URLs, else
    ``a/b.html``; an ``index.md`` stays the index of its folder. tests/test_layout.py holds it equal
    to MkDocs's own File class."""

    directory_urls: bool = True
    site_url: str | None = None  # where the site is published (https://example.org/kb/), when known
    site_name: str = "Khorasan Brief"

    def absolute(self, page_path: str) -> str | None:
        """A page's full address, when the site's is known: for citations and feeds."""
        if not self.site_url:
            return None
        return self.site_url.rstrip("/") + "/" + self.url(page_path).removeprefix("./")

    def dest(self, page_path: str) -> str:
        """The file a page becomes in the built site: groups/isis-k/index.html."""
        folder, name = posixpath.split(page_path)
        stem, extension = posixpath.splitext(name)
        if not name.endswith(_MARKDOWN_EXTENSIONS):
            return page_path
        stem = "index" if stem == "README" else stem
        if stem == "index" or not self.directory_urls:
            return posixpath.join(folder, stem + ".html")
        return posixpath.join(folder, stem, "index.html")

    def url(self, page_path: str) -> str:
        """URL of a page from the site root: groups/isis-k/ (or groups/isis-k.html)."""
        dest = self.dest(page_path)
        folder, name = posixpath.split(dest)
        if self.directory_urls and name == "index.html":
            dest = (folder or ".") + "/"
        return urllib.parse.quote(dest)

    @staticmethod
    def relative(url: str, from_dest: str) -> str:
        """``url`` (from the site root) as a link from the built file ``from_dest``."""
        link = posixpath.relpath("/" + url, "/" + posixpath.dirname(from_dest))
        return link + "/" if url.endswith("/") else link


# The extensions MkDocs reads as Markdown pages (mkdocs.utils.markdown_extensions).
_MARKDOWN_EXTENSIONS = (".markdown", ".mdown", ".mkdn", ".mkd", ".md")


@dataclass
class Rendered:
    """What the render stage makes, by path inside the docs folder (which is also the path in the site)."""

    pages: dict[str, str]  # Markdown pages
    files: dict[str, str]  # other generated files, copied as they are: graph.json
    redirects: dict[str, str]  # HTML redirect pages; MkDocs drops one where a real page stands
    names: dict[str, list[str]] = field(default_factory=dict)  # profile URL -> every name, for search

    def all(self) -> dict[str, str]:
        return {**self.pages, **self.files, **self.redirects}


def render_page(env: jinja2.Environment, kb: KnowledgeBase, path: str, template: str, **context: object) -> str:
    page = Page(kb, path)
    return env.get_template(template).render(kb=kb, page=page, **context)


@dataclass(frozen=True)
class PageJob:
    """One generated page: where it goes, its template, what the template gets, and what it is about.

    ``subject`` is ("profile", id), ("source", id) or ("brief", slug); None for the pages that list or
    draw the whole knowledge base (indexes, timeline, network).
    """

    path: str
    template: str
    context: dict[str, object]
    subject: tuple[str, str] | None = None


CHANGES_PAGE = "changes.md"
PROFILE_CHANGES = 10  # the newest changes a profile page lists; the "What changed" page has more


def site_pages(kb: KnowledgeBase, history: History, graph: Network, layout: Layout | None = None) -> list[PageJob]:
    """Every Markdown page the site gets from the knowledge base, in a fixed order."""
    layout = layout or Layout()
    sections = Sections(kb, layout.url)
    jobs = []
    for p in kb.profiles.values():
        updated = history.last_changed(p.file)
        changes = history.changes_of(p.file, PROFILE_CHANGES)
        cite = citable(p.id, p.model.name, p.path, updated, layout)
        description = describe(plain_text(p.summary.text))
        context = {
            "profile": p, "model": p.model, "updated": updated.isoformat() if updated else None, "network": graph,
            # Plain strings, so that the preview's render cache (generator/cache.py) signs them.
            "chrome": yaml_flow(page_meta(p.kind, p.model.name, p.file, sections, p.id, updated, description, about(p))),
            "description": description,
            "cite": cite.text(),
            "history_state": history.state or "",
            "history_key": f"{changes[0].sha if changes else ''}:{history.count_of(p.file)}",
            "changes": changes,
            "change_count": history.count_of(p.file),
        }
        jobs.append(PageJob(p.path, PROFILE_TEMPLATES[p.kind], context, ("profile", p.id)))
    for source_id, source in kb.sources.items():
        file = f"data/sources/{source_id}.yaml"
        title = f"[{source.title}]" if source.title_is_descriptive else source.title
        description = describe(source.summary)
        context = {
            "source": source, "citing": kb.cited_by.get(source_id, []),
            "chrome": yaml_flow(page_meta("source", title, file, sections, source_id, history.last_changed(file), description)),
            "description": description,
        }
        jobs.append(PageJob(kb.source_path(source_id), "source.md.j2", context, ("source", source_id)))
    for brief in kb.briefs.values():
        file = f"briefs/{brief.slug}.md"
        description = describe(brief.meta.summary)
        context = {
            "brief": brief,
            "chrome": yaml_flow(page_meta("brief", brief.meta.title, file, sections, brief.slug, history.last_changed(file), description)),
            "description": description,
        }
        jobs.append(PageJob(brief.path, "brief.md.j2", context, ("brief", brief.slug)))
    jobs += [PageJob(path, template, {}) for path, template in INDEX_PAGES.items()]
    jobs.append(PageJob(NETWORK_PAGE, "network.md.j2", {"network": graph, "table_limit": NETWORK_TABLE_LIMIT}))
    jobs.append(PageJob(CHANGES_PAGE, "changes.md.j2", {"history": history, "files": profile_files(kb)}))
    return jobs


def citable(key: str, title: str, path: str, updated: object, layout: Layout) -> Citable:
    return Citable(key, title, layout.absolute(path), updated, layout.site_name)  # type: ignore[arg-type]


def profile_files(kb: KnowledgeBase) -> dict[str, tuple[str, str]]:
    """Data file -> (name, page path) of what it holds, for the change list."""
    files = {p.file: (p.model.name, p.path) for p in kb.profiles.values()}
    files |= {f"data/sources/{i}.yaml": (s.title, kb.source_path(i)) for i, s in kb.sources.items()}
    return files


def render_job(env: jinja2.Environment, kb: KnowledgeBase, job: PageJob) -> str:
    return render_page(env, kb, job.path, job.template, **job.context)


PageRenderer = Callable[[jinja2.Environment, KnowledgeBase, list[PageJob]], dict[str, str]]


def render_pages(env: jinja2.Environment, kb: KnowledgeBase, jobs: list[PageJob]) -> dict[str, str]:
    return {job.path: render_job(env, kb, job) for job in jobs}


def render_redirects(env: jinja2.Environment, kb: KnowledgeBase, layout: Layout, taken: set[str]) -> dict[str, str]:
    """A redirect page at every other address of every profile, except where ``taken`` has a file."""
    template = env.get_template("redirect.html.j2")
    out: dict[str, str] = {}
    for redirect in redirects(kb):
        dest = layout.dest(redirect.old)
        if dest in taken or dest in out:
            continue
        href = layout.relative(layout.url(redirect.page), dest)
        out[dest] = template.render(redirect=redirect, href=href)
    return out


def render_site(
    kb: KnowledgeBase,
    env: jinja2.Environment,
    history: History | None = None,
    layout: Layout | None = None,
    pages_with: PageRenderer = render_pages,
) -> Rendered:
    """Every generated page and file. ``history`` dates the profiles; ``layout`` says how URLs look;
    ``pages_with`` renders the Markdown pages (the pipeline passes one that caches or uses two cores)."""
    history = history or History()
    layout = layout or Layout()
    graph: Network = network(kb, layout.url)
    pages = pages_with(env, kb, site_pages(kb, history, graph, layout))
    # Compact: the file is for the browser script (and people read all.json, which holds the same).
    files = {GRAPH_FILE: json.dumps(graph.as_json(), ensure_ascii=False, separators=(",", ":")) + "\n"}
    for p in kb.profiles.values():  # "Cite this page": a BibTeX, an RIS and a CSL-JSON file per profile
        files.update(citable(p.id, p.model.name, p.path, history.last_changed(p.file), layout).files())
    href = lambda path: layout.absolute(path) or layout.url(path)  # noqa: E731
    files[FEED_FILE] = atom_feed(history, profile_files(kb), href, layout.site_url, layout.site_name)
    taken = {layout.dest(path) for path in pages} | set(files)
    names = {layout.url(p.path): [p.model.name, *p.model.aliases] for p in kb.profiles.values()}
    return Rendered(pages, files, render_redirects(env, kb, layout, taken), names)


def template_problem(error: Exception, root: Path) -> Problem | None:
    """An error raised by a template as ``FILE:LINE:COL: message``, pointing into the template (an edited
    override or a packaged one), so that `mkdocs serve` and the CLI report it like a data problem.
    None when the error did not come from a template (a bug in the engine keeps its traceback)."""
    file: str | None = None
    line: int | None = None
    if isinstance(error, jinja2.TemplateSyntaxError):
        file, line = error.filename, error.lineno
    else:  # raised while rendering: Jinja puts the template's own lines in the traceback
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(".j2")]
        if frames:
            file, line = frames[-1].filename, frames[-1].lineno
        elif not isinstance(error, jinja2.TemplateError):
            return None
    if isinstance(error, jinja2.TemplateNotFound):
        message = f"no template named '{error.name}'"
    else:
        message = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
    shown = Path(file) if file else TEMPLATE_DIR
    if shown.is_relative_to(root):
        shown = shown.relative_to(root)
    return Problem(shown.as_posix(), line or 1, 1, f"template error: {message}")
