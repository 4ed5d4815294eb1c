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
import jinja2.meta

from . import chart, figures, indexes
from .citations import by_source, citing_pages, locators, shorten
from .feed import FEED_FILE, atom_feed
from .graph import Network, network
from .history import History
from .models import Citation, FigureValue, Person, Source, date_sort_key
from .problems import Problem
from .publish import CITE_DIR, Citable, Sections, about, describe, page_meta
from .redirects import Redirect, redirects
from .resolve import BriefView, Edge, EntityLink, FigureView, KnowledgeBase, ProfileView, RichClaim, RichText, plain_text
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


@functools.lru_cache(maxsize=1 << 16)
def yaml_string(text: str) -> str:
    """A double-quoted YAML string for front matter, for any text. Everything outside printable ASCII
    is written as an escape: MkDocs reads front matter that fails to parse as page text, so one stray
    control character would otherwise publish the front matter, unescaped, as Markdown.

    Cached: a page's left column lists some 25 names of its kind, each on 25 pages."""
    return '"' + _YAML_ESCAPED.sub(_yaml_escape, text) + '"'


def yaml_flow(value: object) -> str:
    """Any JSON-like value as one line of YAML flow style, every string written by yaml_string: ASCII
    only, so that no name (a control character, a lone surrogate, a line separator) can make the
    front matter fail to parse and be published as page text."""
    if isinstance(value, str):  # first: most values are (a page's chrome holds some hundred)
        return yaml_string(str(value))
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


_YAML_ESCAPED = re.compile(r'[^ -~]|["\\]')  # outside printable ASCII, or a quote or backslash


def _yaml_escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in '"\\':
        return "\\" + char
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


# Characters a URL never holds unencoded (RFC 3986) that Markdown would read inside <...>: a code span,
# an escape, link brackets, a table's cell separator. Percent-encoding them leaves the address as it is.
_URL_ENCODED = str.maketrans({c: f"%{ord(c):02X}" for c in "`\\[]|{}^"})


def markdown_url(url: str) -> str:
    """An http(s) URL as an autolink (<https://...>) that shows and leads to exactly that address,
    inside a table too."""
    return "<" + url.translate(_URL_ENCODED) + ">"


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


def attribution(item: RichClaim | Edge | FigureValue) -> str:
    """" *(claimed by X)*", " *(according to X)*" or " *(reported)*" after a statement that is someone's claim."""
    words = attribution_words(item.status, item.by)
    return f" *({escape(words)})*" if words else ""


def attribution_words(status: str | None, by: str | None) -> str:
    """Who says it and how, in words. ``by`` is who makes the claim: a claim that is "reported",
    "claimed", "assessed" or "alleged" is that by them; one that is "disputed" or "denied" is theirs
    and contested, so it reads "according to X; disputed", never "disputed by X"."""
    if not by:
        return status or ""
    if status in (None, "disputed", "denied"):
        return f"according to {by}" + (f"; {status}" if status else "")
    return f"{status} by {by}"


def according_to(value: FigureValue) -> str:
    """Who gave a number, for the "According to" column: "Russian authorities (claimed)"."""
    if value.by and value.status:
        return f"{escape(value.by)} ({value.status})"
    return escape(value.by or value.status or "")


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
    """Per-page rendering helpers: relative links, and the page's notes.

    A statement gets one footnote marker, whatever number of sources it cites: its note lists them
    in the short form ("Rafiq 2024, para 6; Johny 2024, paras 2, 6"), each linking to the page's one
    full entry for that source. The same citations on two statements share one note.
    """

    kb: KnowledgeBase
    path: str
    numbers: dict[tuple[tuple[str, str], ...], int] = field(default_factory=dict)
    notes: list[tuple[Citation, ...]] = field(default_factory=list)

    def url(self, target_path: str) -> str:
        return _relative(target_path, _folder(self.path))

    def link(self, entity_id: str, label: str | None = None) -> str:
        profile = self.kb.profiles[entity_id]
        return f"[{escape(label or profile.model.name)}]({self.url(profile.path)})"

    def source_link(self, source_id: str, label: str | None = None) -> str:
        source = self.kb.sources[source_id]
        return f"[{escape(label or source_label(source))}]({self.url(self.kb.source_path(source_id))})"

    def note(self, citations: Iterable[Citation]) -> int:
        """The number of the note for these citations (0 for none), made on first use."""
        bundle = tuple({c.key: c for c in citations}.values())
        if not bundle:
            return 0
        key = tuple(c.key for c in bundle)
        number = self.numbers.get(key)
        if number is None:
            self.notes.append(bundle)
            number = self.numbers[key] = len(self.notes)
        return number

    def cite(self, citations: Iterable[Citation]) -> str:
        """The footnote marker of a statement's citations ("" for none)."""
        number = self.note(citations)
        return f"[^{number}]" if number else ""

    def claim(self, item: RichClaim) -> str:
        """A claim's text, who says so (when not the text's own voice), and its footnote marker."""
        return self.text(item.text) + attribution(item) + self.cite(item.cite)

    def text(self, rich: RichText, *, markdown: bool = False) -> str:
        """Rich text -> Markdown. Plain runs are escaped unless they are an editor's Markdown (briefs).

        Citations written side by side ("... Moscow [@a] [@b].") become one marker, set right after the
        word, or after the full stop that ends the sentence ("Moscow.¹"); the space an editor leaves
        before a citation is not printed."""
        out: list[str] = []
        bundle: list[Citation] = []
        gap = ""  # spaces after a citation, printed only if no citation follows them
        for token in rich:
            if isinstance(token, Citation):
                bundle.append(token)
                gap = ""
                continue
            if bundle and isinstance(token, str) and not token.strip(" \t"):
                gap = token
                continue
            if bundle:
                if out:
                    out[-1] = out[-1].rstrip(" \t")
                stop = _STOP.match(token) if isinstance(token, str) and not gap else None
                if stop:
                    out.append(stop.group())
                    token = token[stop.end() :]
                out.append(self.cite(bundle) + gap)
                bundle, gap = [], ""
            if isinstance(token, str):
                out.append(token if markdown else escape(token))
            else:
                out.append(self.link(token.id, token.label))
        if bundle:
            if out:
                out[-1] = out[-1].rstrip(" \t")
            out.append(self.cite(bundle) + gap)
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

    # -- notes and sources ---------------------------------------------------------------------

    def footnotes(self) -> str:
        """The page's notes in the short form, then one full entry per source cited on the page."""
        if not self.notes:
            return ""
        lines = []
        for number, bundle in enumerate(self.notes, start=1):
            cited = by_source(bundle)
            short = "; ".join(self._short(source_id, ats) for source_id, ats in cited)
            full = "".join(f'<span class="kb-fullref">{self.reference(source_id)}</span>' for source_id, _ in cited)
            lines.append(f"[^{number}]: {short}.{full}")
        return "\n".join([*lines, "", FOOTNOTES_HERE, "", "### Sources", "", self.bibliography()])

    def _short(self, source_id: str, ats: list[str | None]) -> str:
        where = locators(ats)
        name = escape(self.kb.short_name(source_id))
        return f"[{name}](#ref-{source_id})" + (f", {escape(where)}" if where else "")

    def reference(self, source_id: str, *, title_link: bool = False) -> str:
        """The full reference: "Rafiq, Arif. March 2024. [Title]. Globely News (analysis)."."""
        source = self.kb.sources[source_id]
        title = escape(source.title)
        title = f"\\[{title}\\]" if source.title_is_descriptive else f"“{title}”"
        if title_link:
            title = f"[{title}]({self.url(self.kb.source_path(source_id))})"
        if source.authors:
            first, *others = source.authors
            names = first.split()
            who = f"{names[-1]}, {' '.join(names[:-1])}" if len(names) > 1 else first
            if others:
                who += ", " + ", ".join(others[:-1]) + (", and " if len(others) > 1 else " and ") + others[-1]
            tail = f"{escape(source.publisher)} ({source.kind})"
        else:
            who = source.publisher
            tail = f"{source.kind.capitalize()}; the author is not named"
        stop = "" if source.title.endswith(("?", "!", ".")) else "."
        return f"{escape(who.rstrip('.'))}. {format_date(source.date)}. {title}{stop} {tail}."

    def bibliography(self) -> str:
        """One entry per source cited on the page, by short name, with every place cited here."""
        cited: dict[str, list[str | None]] = {}
        for bundle in self.notes:
            for citation in bundle:
                cited.setdefault(citation.source, []).append(citation.at)
        entries = []
        for source_id in sorted(cited, key=lambda i: (self.kb.short_name(i).casefold(), i)):
            where = locators(cited[source_id])
            here = f" Cited here: {escape(where)}." if where else ""
            entries.append(
                f'<p class="kb-ref" id="ref-{source_id}" markdown>'
                f"**{escape(self.kb.short_name(source_id))}**: {self.reference(source_id, title_link=True)}{here}</p>"
            )
        return '<div class="kb-bibliography" markdown>\n' + "\n".join(entries) + "\n</div>"

    def value_sources(self, value: FigureValue) -> str:
        """Whose number it is, in words: "[Globely News, Arif Rafiq](source page), para 3" for each source,
        then the value's one footnote marker."""
        parts = []
        for source_id, ats in by_source(value.cite):
            source = self.kb.sources[source_id]
            label = ", ".join([source.publisher, *source.authors])
            where = locators(ats)
            parts.append(self.source_link(source_id, label) + (f", {escape(where)}" if where else ""))
        return "; ".join(parts) + self.cite(value.cite)

    # -- figures -------------------------------------------------------------------------------

    def values(self, view: FigureView) -> list[FigureValue]:
        """A figure's values as its table lists them: by category, then by date."""
        order = figures.categories(view.figure.values)
        return sorted(figures.in_date_order(view.figure.values), key=lambda v: order.index(v.category))

    def caption(self, view: FigureView) -> str:
        """What the values of a figure say together, in a sentence or two under its heading."""
        values = view.figure.values
        parts = [f"Unit: {escape(view.figure.unit)}."]
        if view.differs:
            found = figures.conflicts(values)
            first, second = figures.in_date_order(found[0])
            more = len(found) - 1
            parts.append(
                f'<span class="kb-differs">Sources differ</span> {escape(format_value(first))} and '
                f"{escape(format_value(second))} cannot both be true"
                + (f" (and {more} more pair{'s' if more > 1 else ''} of values)" if more else "")
                + "; every value is shown, none is preferred."
            )
        if view.series:
            dates = len({v.as_of for v in values})
            parts.append(f"Values at {dates} dates, earliest first: values for different dates are a series over time, never a disagreement.")
        elif len(values) > 1 and not view.differs:
            parts.append("The values overlap (a qualifier such as “at least” allows the others), so the sources agree.")
        return " ".join(parts)

    def chart(self, view: FigureView) -> str:
        """The series chart of a figure whose values span several dates (else "")."""
        if not view.series:
            return ""
        unit = view.figure.unit
        points = [
            chart.Point(
                value,
                format_value(value),
                f"#fn:{self.note(value.cite)}",
                f"{format_value(value)} {unit}, {format_date(value.as_of)}" + (f" ({value.category})" if value.category else ""),
            )
            for value in self.values(view)
        ]
        return f'<div class="kb-chart" aria-hidden="true">{chart.svg(points, format_number)}</div>'

    def span(self, values: list[FigureValue]) -> str:
        """A compact reading of values for one thing: "more than 100 to at least 137", by category."""
        parts = []
        for category in figures.categories(values):
            group = figures.latest([v for v in values if v.category == category])
            low, high = figures.span(group)
            text = format_value(low) if low is high else f"{format_value(low)} to {format_value(high)}"
            parts.append((f"{category}: " if category else "") + text)
        return escape("; ".join(parts))

    def toll(self, event_id: str) -> str:
        """An event's deaths for a table of events: the sourced range, marked where sources differ."""
        view = next((f for f in self.kb.profiles[event_id].figures if f.figure.id == "deaths"), None)
        if view is None:
            return ""
        differs = ' <span class="kb-differs">Sources differ</span>' if view.differs else ""
        target = self.url(self.kb.profiles[event_id].path)
        return f"[{self.span(list(view.figure.values))}]({target}#figure-deaths){differs}"

    def event_rows(self, profile: ProfileView) -> list[EventRow]:
        """A group's or person's events, one row per event (carried out and claimed together), in date
        order, each with its toll."""
        rows: dict[str, EventRow] = {}
        for edge in self.events(profile):
            row = rows.get(edge.target)
            if row is None:
                row = rows[edge.target] = EventRow(self.kb.profiles[edge.target], [], self.toll(edge.target))
            row.edges.append(edge)
        return list(rows.values())

    # -- the summary box -----------------------------------------------------------------------

    def fact(self, model: object, name: str) -> str:
        """The footnote marker of one fact of the summary box (its citations in ``facts_cite``)."""
        facts = getattr(model, "facts_cite", None)
        return self.cite(getattr(facts, name, None) or ())

    def as_of(self, citations: Iterable[Citation]) -> str:
        """The date of the latest source among these citations: how current "current" is."""
        dates = [self.kb.sources[c.source].date for c in citations if c.source in self.kb.sources]
        return format_date(max(dates, key=date_sort_key)) if dates else ""

    def leaders(self, profile: ProfileView, type_name: str = "led-by") -> tuple[list[Edge], list[Edge]]:
        """Leadership links (``led-by`` on a group, ``leads`` on a person), current first, then former:
        a link is former when it has an end date, is marked ``ended``, or its person has died."""
        current, former = [], []
        for edge in profile.edges:
            if edge.type.name != type_name:
                continue
            person = self.kb.profiles[edge.target if type_name == "led-by" else edge.subject].model
            over = edge.until or edge.ended or (isinstance(person, Person) and person.died)
            (former if over else current).append(edge)
        former.sort(key=lambda e: date_sort_key(e.until or e.since or "9999"), reverse=True)
        return current, former

    def tenure(self, edge: Edge, current: bool) -> str:
        """A leadership period in words, for a row that already says current or former: "since
        January 2015" or "as of March 2024" (current), "2015 – May 2016" or "from January 2015" (former)."""
        if current:
            return format_period(edge.since, edge.until) or f"as of {self.as_of(edge.cite)}"
        if edge.since and not edge.until:
            return f"from {format_date(edge.since)}"
        return format_period(edge.since, edge.until)

    def strength(self, profile: ProfileView) -> str:
        """The latest value(s) of a group's ``strength`` figure, with date and source, or ""."""
        view = next((f for f in profile.figures if f.figure.id == "strength"), None)
        if view is None:
            return ""
        parts = []
        for value in figures.latest(list(view.figure.values)):
            who = f", according to {escape(value.by)}" if value.by else ""
            parts.append(
                f"[{escape(format_value(value))} {escape(view.figure.unit)}](#figure-strength) "
                f"({format_date(value.as_of)}{who}){self.cite(value.cite)}"
            )
        return "; ".join(parts)

    def status(self, model: object) -> str:
        """ "Defunct since 2021" from ``dissolved``; "Active as of March 2024" where a source shows the
        group active (``facts_cite.active``); "" when the sources say neither."""
        dissolved = getattr(model, "dissolved", None)
        if dissolved:
            return f"Defunct since {format_date(dissolved)}{self.fact(model, 'dissolved')}"
        active = getattr(getattr(model, "facts_cite", None), "active", None)
        if active:
            return f"Active as of {self.as_of(active)}{self.cite(active)}"
        return ""

    def citing(self, source_id: str) -> list[object]:
        """The pages and statements that cite a source, for its page (citations.citing_pages)."""
        return citing_pages(self.kb.cited_by.get(source_id, []))


@dataclass
class EventRow:
    event: ProfileView
    edges: list[Edge]
    toll: str


FOOTNOTES_HERE = "///Footnotes Go Here///"
# The end of a sentence, which a note number follows ("Moscow.¹"); a comma, semicolon or colon
# follows the number instead ("Moscow¹, the capital"), so that no mark stands between word and note.
_STOP = re.compile(r"[.!?]+(?![\w.])")  # Python-Markdown's footnotes put their list here


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
        shorten=shorten,
        locators=locators,
        html_text=html_text,
        date=format_date,
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

    # dest, url and relative are cached: a page's template asks for the URLs of the pages it links to,
    # and a rebuild asks again for every redirect page's.
    @functools.lru_cache(maxsize=1 << 16)  # noqa: B019 - a Layout is a small frozen value
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

    @functools.lru_cache(maxsize=1 << 16)  # noqa: B019
    def url(self, page_path: str) -> str:
        """URL of a page from the site root: groups/isis-k/ (or groups/isis-k.html)."""
        dest = self.dest(page_path)
        folder, name = posixpath.split(dest)
        if self.directory_urls and name == "index.html":
            dest = (folder or ".") + "/"
        return urllib.parse.quote(dest)

    @staticmethod
    @functools.lru_cache(maxsize=1 << 16)
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
    origins: dict[str, str] = field(default_factory=dict)  # page -> the input file it shows, for messages

    def all(self) -> dict[str, str]:
        return {**self.pages, **self.files, **self.redirects}


def render_page(env: jinja2.Environment, kb: KnowledgeBase, path: str, template: str, **context: object) -> str:
    page = Page(kb, path)
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


def brief_job(brief: BriefView, history: History, sections: Sections) -> PageJob:
    """A brief's page; validate renders it too, to check what the editor's Markdown becomes."""
    file = f"briefs/{brief.slug}.md"
    description = describe(brief.meta.summary)
    context = {
        "brief": brief,
        "chrome": yaml_flow(page_meta("brief", brief.meta.title, file, sections, brief.slug, history.last_changed(file), description)),
        "description": description,
    }
    return PageJob(brief.path, "brief.md.j2", context, ("brief", brief.slug))


def site_pages(kb: KnowledgeBase, history: History, graph: Network, layout: Layout | None = None) -> list[PageJob]:
    """Every Markdown page the site gets from the knowledge base, in a fixed order."""
    layout = layout or Layout()
    sections = Sections(kb, layout.url)

    def profile_context(p: ProfileView) -> dict[str, object]:
        updated = history.last_changed(p.file)
        changes = history.changes_of(p.file, PROFILE_CHANGES)
        cite = citable(p.id, p.model.name, p.path, updated, layout)
        description = describe(plain_text(p.summary.text))
        return {
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

    def source_context(source_id: str, source: Source) -> dict[str, object]:
        file = f"data/sources/{source_id}.yaml"
        title = f"[{source.title}]" if source.title_is_descriptive else source.title
        description = describe(source.summary)
        return {
            "source": source, "citing": kb.cited_by.get(source_id, []),
            "chrome": yaml_flow(page_meta("source", title, file, sections, source_id, history.last_changed(file), description)),
            "description": description,
        }

    jobs = [
        PageJob(p.path, PROFILE_TEMPLATES[p.kind], functools.partial(profile_context, p), ("profile", p.id))
        for p in kb.profiles.values()
    ]
    jobs += [
        PageJob(kb.source_path(i), "source.md.j2", functools.partial(source_context, i, source), ("source", i))
        for i, source in kb.sources.items()
    ]
    jobs += [brief_job(brief, history, sections) for brief in kb.briefs.values()]
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
    name = "redirect.html.j2"
    template = env.get_template(name)
    sources = _sources(env, name)
    made = _redirect_pages(sources) if sources is not None else {}
    used: dict[tuple[Redirect, str], str] = {}
    out: dict[str, str] = {}
    for redirect in redirects(kb):
        dest = layout.dest(redirect.old)
        if dest in taken or dest in out:
            continue
        href = layout.relative(layout.url(redirect.page), dest)
        page = made.get((redirect, href))
        if page is None:
            page = template.render(redirect=redirect, href=href)
        out[dest] = used[(redirect, href)] = page
    made.clear()
    made.update(used)
    return out


@functools.lru_cache(maxsize=2)
def _redirect_pages(sources: tuple[tuple[str, str], ...]) -> dict[tuple[Redirect, str], str]:
    """The redirect pages of the last build made from templates of these sources, kept while the
    process lives: a rebuild under `mkdocs serve` makes again only those of names that changed."""
    return {}


def _sources(env: jinja2.Environment, name: str) -> tuple[tuple[str, str], ...] | None:
    """The source of template ``name`` and of every template it extends, includes or imports; None
    when one of them is named only at rendering time."""
    found: dict[str, str] = {}
    waiting = [name]
    while waiting:
        current = waiting.pop()
        if current in found or env.loader is None:
            continue
        found[current] = env.loader.get_source(env, current)[0]
        referenced = list(jinja2.meta.find_referenced_templates(env.parse(found[current])))
        if None in referenced:
            return None
        waiting += referenced  # type: ignore[arg-type]
    return tuple(sorted(found.items()))


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
