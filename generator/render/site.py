"""Stage 4, render: the resolved knowledge base -> Markdown pages, through Jinja templates.

Templates live in ``generator/render/templates``; a file of the same name in the project's template
override folder replaces one. Text from YAML is escaped here, once, so that no name or claim can
become markup: every ASCII punctuation character Markdown could read as markup is backslash-escaped
(with pymdownx.escapeall enabled, Markdown then prints it literally), and ``<`` and ``&`` become
entities. tests/test_escape_markdown.py checks this through the site's real Markdown settings.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import jinja2.meta

from ..model import dates, spelling
from ..model.citations import locators, shorten
from ..model.entities import Source
from ..model.names import named_by
from ..model.problems import Problem, ProblemsFound
from ..model.vocabulary import EVENT_TYPE_LABEL, GROUP_TYPE_LABEL, KIND_LABEL
from ..stages.history import History
from ..stages.resolve import (
    BriefView,
    KnowledgeBase,
    ProfileView,
    plain_text,
)
from . import indexes
from . import map as event_map
from .card import CARD_FILE, card_png
from .changes import Names, days, profile_changes
from .escape import (
    escape,
    html_text,
    json_attribute,
    markdown_url,
    yaml_flow,
    yaml_string,
)
from .feed import FEED_FILE, atom_feed
from .graph import Network, network
from .layout import Layout
from .page import Page
from .publish import CITE_DIR, Citable, Sections, about, describe, page_meta
from .redirects import redirects
from .text import (
    according_to,
    attribution,
    format_date,
    format_number,
    format_period,
    format_value,
    format_years,
    sentence,
    source_label,
    time_element,
    undated,
)

TEMPLATE_DIR = Path(__file__).parent / "templates"


def make_environment(override_dirs: Iterable[Path] = (), bytecode_cache: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """The templates of a project: its overrides first, then the packaged ones."""
    loaders = [jinja2.FileSystemLoader(str(d)) for d in override_dirs if d.is_dir()]
    loaders.append(jinja2.FileSystemLoader(str(TEMPLATE_DIR)))
    env = jinja2.Environment(
        bytecode_cache=bytecode_cache,
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
        shorten=shorten,
        locators=locators,
        html_text=html_text,
        date=format_date,
        time=time_element,
        iso=dates.iso,
        value=format_value,
        number=format_number,
        source_label=source_label,
        json=lambda value: json.dumps(value, ensure_ascii=False),
        json_attribute=json_attribute,
        attribution=attribution,
        according_to=according_to,
        yaml_string=yaml_string,
        markdown_url=markdown_url,
        stated=indexes.stated,
        sentence=sentence,
        undated=undated,
    )
    env.globals.update(
        kind_label=KIND_LABEL,
        group_types=GROUP_TYPE_LABEL,
        event_types=EVENT_TYPE_LABEL,
        period=format_period,
        years=format_years,
        facts=indexes,
        cite_dir=CITE_DIR,
    )
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
MAP_PAGE = "map.md"
# Up to this many relationships the network page lists them all in a table (about 1 kB of page each).
NETWORK_TABLE_LIMIT = 500
GRAPH_FILE = "graph.json"  # at the site root; assets/khorasan.js finds it beside its own folder


@dataclass
class Rendered:
    """What the render stage makes, by path inside the docs folder (which is also the path in the site)."""

    pages: dict[str, str]  # Markdown pages
    files: dict[str, str | bytes]  # other generated files, copied as they are: graph.json, the sharing card
    redirects: dict[str, str]  # HTML redirect pages; MkDocs drops one where a real page stands
    names: dict[str, list[str]] = field(default_factory=dict)  # profile URL -> every name, for search
    origins: dict[str, str] = field(default_factory=dict)  # page -> the input file it shows, for messages

    def all(self) -> dict[str, str | bytes]:
        return {**self.pages, **self.files, **self.redirects}


def render_page(env: jinja2.Environment, kb: KnowledgeBase, path: str, template: str, **context: object) -> str:
    layout = context.get("layout")
    page = Page(kb, path, layout=layout if isinstance(layout, Layout) else Layout())
    return env.get_template(template).render(kb=kb, page=page, **context)


@dataclass(frozen=True)
class PageJob:
    """One generated page: where it goes, its template, what the template gets, and what it is about.

    ``given``: the template's context, or what makes it (a profile's takes some work to make, and the
    preview's render cache, generator/cache.py, asks only for those of pages whose inputs changed).
    ``subject`` is ("profile", id), ("source", id) or ("brief", slug); None for the pages that list or
    draw the whole knowledge base (indexes, timeline, network).
    """

    path: str
    template: str
    given: dict[str, object] | Callable[[], dict[str, object]]
    subject: tuple[str, str] | None = None

    @functools.cached_property
    def context(self) -> dict[str, object]:
        return self.given() if callable(self.given) else self.given


CHANGES_PAGE = "changes.md"
PROFILE_CHANGES = 5  # the newest changes a profile page lists; the "What changed" page has more


def brief_job(brief: BriefView, history: History, sections: Sections, layout: Layout | None = None) -> PageJob:
    """A brief's page; validate renders it too, to check what the editor's Markdown becomes."""
    file = f"briefs/{brief.slug}.md"
    description = describe(brief.meta.summary)
    updated = history.last_changed(file)
    context: dict[str, object] = {
        "address": (layout or Layout()).absolute(brief.path) or "",
        "site_name": (layout or Layout()).site_name,
        "updated": updated.isoformat() if updated else None,
        "brief": brief,
        "chrome": yaml_flow(page_meta("brief", brief.meta.title, file, sections, brief.slug, history.last_changed(file), description)),
        "description": description,
    }
    return PageJob(brief.path, "brief.md.j2", context, ("brief", brief.slug))


def site_pages(kb: KnowledgeBase, history: History, graph: Network, names: Names, layout: Layout | None = None) -> list[PageJob]:
    """Every Markdown page the site gets from the knowledge base, in a fixed order; ``names``: how
    changes name sources and profiles."""
    layout = layout or Layout()
    sections = Sections(kb, layout.url)

    def profile_context(p: ProfileView) -> dict[str, object]:
        updated = history.last_changed(p.file)
        changes = profile_changes(history, p.file, PROFILE_CHANGES, names)
        cite = citable(p.id, p.model.name, p.path, updated, layout)
        description = describe(plain_text(p.summary.text))
        return {
            "profile": p,
            "model": p.model,
            "updated": updated.isoformat() if updated else None,
            "network": graph,
            "layout": layout,  # the network picture's links are written as built (Page.href)
            # Plain strings, so that the preview's render cache (generator/cache.py) signs them.
            "chrome": yaml_flow(page_meta(p.kind, p.model.name, p.file, sections, p.id, updated, description, about(p))),
            "description": description,
            "cite": cite.text(),
            "history_state": history.state or "",
            # What the Changes section says, as one string, which the render cache signs: its words
            # name sources and profiles whose files this page may not otherwise draw on.
            "history_key": repr(changes),
            "changes": changes,
            "change_count": history.count_of(p.file),
            **dict(zip(("map", "map_caption"), profile_map(kb, p, layout), strict=True)),
            "address": layout.absolute(p.path) or "",
            "site_name": layout.site_name,
        }

    def source_context(source_id: str, source: Source) -> dict[str, object]:
        file = f"data/sources/{source_id}.yaml"
        title = f"[{source.title}]" if source.title_is_descriptive else source.title
        description = describe(source.summary)
        return {
            "source": source,
            "citing": kb.cited_by.get(source_id, []),
            "chrome": yaml_flow(page_meta("source", title, file, sections, source_id, history.last_changed(file), description)),
            "description": description,
        }

    jobs = [PageJob(p.path, PROFILE_TEMPLATES[p.kind], functools.partial(profile_context, p), ("profile", p.id)) for p in kb.profiles.values()]
    jobs += [PageJob(kb.source_path(i), "source.md.j2", functools.partial(source_context, i, source), ("source", i)) for i, source in kb.sources.items()]
    jobs += [brief_job(brief, history, sections, layout) for brief in kb.briefs.values()]
    # The indexes are HTML tables, whose links are written as built (Page.href): they need the layout.
    jobs += [PageJob(path, template, {"layout": layout}) for path, template in INDEX_PAGES.items()]
    jobs.append(PageJob(NETWORK_PAGE, "network.md.j2", {"network": graph, "table_limit": NETWORK_TABLE_LIMIT}))
    jobs.append(PageJob(MAP_PAGE, "map.md.j2", functools.partial(map_context, kb, layout)))
    jobs.append(PageJob(CHANGES_PAGE, "changes.md.j2", functools.partial(changes_context, kb, history, names)))
    return jobs


def changes_context(kb: KnowledgeBase, history: History, names: Names) -> dict[str, object]:
    """The "What changed" page's context: the newest commits by day, in a reader's words."""
    return {"state": history.state or "", "days": days(history, profile_files(kb), names)}


def linker(layout: Layout, page_path: str) -> event_map.Href:
    """Links from the built page ``page_path`` to other pages, for HTML that Markdown does not rewrite."""
    links = layout.links_from(page_path)
    return lambda target: links(layout.url(target))


def map_context(kb: KnowledgeBase, layout: Layout) -> dict[str, object]:
    """The map page's context: every located event on one map, and the events it cannot place."""
    return event_map.page_context(kb, linker(layout, MAP_PAGE))


def profile_map(kb: KnowledgeBase, profile: ProfileView, layout: Layout) -> tuple[str, str]:
    """An event's small map of its place, or a group's of its areas and located events (with what its
    caption says); else nothing."""
    href = linker(layout, profile.path)
    return event_map.profile_map(kb, profile, href, href(MAP_PAGE))


def citable(key: str, title: str, path: str, updated: dt.date | None, layout: Layout) -> Citable:
    return Citable(key, title, layout.absolute(path), updated, layout.site_name)


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
        if dest not in taken and dest not in out:
            out[dest] = template.render(redirect=redirect, href=layout.relative(layout.url(redirect.page), dest))
    return out


def render_site(
    kb: KnowledgeBase,
    env: jinja2.Environment,
    history: History | None = None,
    layout: Layout | None = None,
    pages_with: PageRenderer = render_pages,
    root: Path | None = None,
) -> Rendered:
    """Every generated page and file. ``history`` dates the profiles; ``layout`` says how URLs look;
    ``pages_with`` renders the Markdown pages (under ``mkdocs serve``, one that caches). With the
    project's ``root``, a template's mistake is raised as a problem at its line (ProblemsFound)."""
    try:
        return _render_site(kb, env, history or History(), layout or Layout(), pages_with)
    except ProblemsFound:
        raise  # the data's own (a chart its values cannot make): it names the data file, not a template
    except Exception as error:
        problem = template_problem(error, root) if root is not None else None
        if problem is None:
            raise
        raise ProblemsFound([problem]) from None


def _render_site(kb: KnowledgeBase, env: jinja2.Environment, history: History, layout: Layout, pages_with: PageRenderer) -> Rendered:
    layout = layout or Layout()
    graph: Network = network(kb, layout.url)
    naming = Names.of(kb)  # how the changes name sources and profiles
    pages = pages_with(env, kb, site_pages(kb, history, graph, naming, layout))
    # Compact: the file is for the browser script (and people read all.json, which holds the same).
    files: dict[str, str | bytes] = {GRAPH_FILE: json.dumps(graph.as_json(), ensure_ascii=False, separators=(",", ":")) + "\n"}
    for p in kb.profiles.values():  # "Cite this page": a BibTeX, an RIS and a CSL-JSON file per profile
        files.update(citable(p.id, p.model.name, p.path, history.last_changed(p.file), layout).files())

    def href(path: str) -> str:
        return layout.absolute(path) or layout.url(path)

    files[spelling.SCRIPT_FILE] = spelling.script()  # the spelling rules, for kb-names.js
    files[CARD_FILE] = card_png(layout.site_name, layout.site_url)  # og:image: one card for every page
    files[FEED_FILE] = atom_feed(history, profile_files(kb), naming, href, layout.site_url, layout.site_name)
    taken = {layout.dest(path) for path in pages} | set(files)
    names = {
        layout.url(p.path): [p.model.name, *p.model.other_names, *(named_by(a.name, kb.publishers(a.cite)) for a in p.model.unconfirmed_names)]
        for p in kb.profiles.values()
    }
    origins = {p.path: p.file for p in kb.profiles.values()}
    origins.update({b.path: b.file for b in kb.briefs.values()})
    origins.update({kb.source_path(i): f"data/sources/{i}.yaml" for i in kb.sources})
    return Rendered(pages, files, render_redirects(env, kb, layout, taken), names, origins)


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
