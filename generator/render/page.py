"""The helpers a template calls for one page: relative links, the page's footnotes and bibliography,
figure captions and charts, a profile's events, leaders and facts."""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model import dates, figures
from ..model.citations import CitingPage, by_source, citing_pages, locators
from ..model.entities import Alias, Citation, FigureValue, date_sort_key
from ..model.problems import Position, ProblemsFound
from ..model.vocabulary import GROUP_STATUS_LABEL
from ..stages.resolve import (
    Edge,
    FigureView,
    KnowledgeBase,
    ProfileView,
    RichClaim,
    RichText,
)
from . import chart, network_map, network_svg
from .escape import escape
from .graph import Network
from .layout import Layout
from .text import (
    attribution,
    format_date,
    format_number,
    format_period,
    format_value,
    source_label,
    unbracketed,
)


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
    layout: Layout = field(default_factory=Layout)

    def url(self, target_path: str) -> str:
        """A link to another page's Markdown file, for Markdown: MkDocs turns it into the page's URL
        (and warns when the page does not exist)."""
        return _relative(target_path, _folder(self.path))

    def href(self, target_path: str) -> str:
        """A link to another page as it is built, for raw HTML (the index tables): MkDocs rewrites
        links in Markdown only, so an ``href`` to ``x.md`` inside an HTML block would stay broken."""
        return self.layout.links_from(self.path)(self.layout.url(target_path))

    def network_picture(self, network: Network, focus: str) -> str:
        """A profile's own network as static SVG (generator/render/network_svg.py), linked as built."""
        return network_svg.svg(network.around(focus), focus, self.layout.links_from(self.path))

    def whole_network(self, network: Network) -> str:
        """The whole network as static SVG laid out at build time (generator/render/network_map.py),
        linked as built; "" when the network is too large for it and the script draws alone."""
        return network_map.svg(network, self.layout.links_from(self.path))

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
                if stop and isinstance(token, str):
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
        together = figures.agreement(values)
        if together == "agree":
            parts.append("The sources give the same value.")
        elif together == "compatible":
            parts.append(
                "The values are compatible: they can all be true (a qualifier such as “at least” allows the others), "
                "but the sources do not give the same number."
            )
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
        try:
            drawn = chart.svg(points, format_number)
        except Exception as error:  # noqa: BLE001 - what the values make of a chart is the data's problem
            message = f"figure '{view.figure.id}': its chart cannot be drawn ({type(error).__name__}: {error}); check its values"
            raise ProblemsFound([self._origin().problem(message)]) from None
        return f'<div class="kb-chart" aria-hidden="true">{drawn}</div>'

    def _origin(self) -> Position:
        """Where the profile this page shows is written (its id's line), for a problem of its data."""
        profile = next((p for p in self.kb.profiles.values() if p.path == self.path), None)
        if profile is None:
            return Position(self.path)
        return self.kb.origins.get(profile.id) or Position(profile.file)

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
        """Leadership links (``led-by`` on a group, ``leads`` on a person), current first, then former
        (``Edge.former``: an end date, ``ended``, or the person reported dead)."""
        current: list[Edge] = []
        former: list[Edge] = []
        for edge in profile.edges:
            if edge.type.name == type_name:
                (former if edge.former else current).append(edge)
        former.sort(key=lambda e: dates.parse(e.until or e.since or "9999").sort_key, reverse=True)
        return current, former

    def tenure(self, edge: Edge, current: bool) -> str:
        """A leadership period in words, for a row that already says current or former: "as of March
        2024" or "since January 2015, as of March 2024" (current: only as of the date of the sources
        that say so), "2015 – May 2016" or "from January 2015" (former)."""
        if current:
            return ", ".join(filter(None, [format_period(edge.since, None), f"as of {self.as_of(edge.cite)}"]))
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
            who = f", according to {escape(unbracketed(value.by) or '')}" if value.by else ""
            parts.append(
                f"[{escape(format_value(value))} {escape(view.figure.unit)}](#figure-strength) ({format_date(value.as_of)}{who}){self.cite(value.cite)}"
            )
        return "; ".join(parts)

    def status(self, model: object) -> str:
        """A group's status as a source gives it, with that source's date: "Active as of March 2024",
        "Defunct as of March 2024"; "" where no source says (``status`` is then absent)."""
        status = getattr(model, "status", None)
        cites = getattr(getattr(model, "facts_cite", None), "status", None)
        if not status or not cites:
            return ""
        return f"{GROUP_STATUS_LABEL[status]} as of {self.as_of(cites)}{self.cite(cites)}"

    def named_by(self, alias: Alias) -> str:
        """Who names a profile differently, in words: "The Hindu names ISIS-K's leader" reads as "Named
        by The Hindu as"."""
        publishers = self.kb.publishers(alias.cite)
        return f"Named by {escape(' and '.join(publishers))} as" if publishers else "Named as"

    def sources_date(self, profile: ProfileView) -> str:
        """How current a profile is: the date of the sources it cites ("March 2024", or "June 2023 –
        March 2024"), beside the date its file last changed."""
        # By the month (or the year a source gives alone): how current, not which day.
        found = {self.kb.sources[c.source].date[:7] for c in profile.citations if c.source in self.kb.sources}
        if not found:
            return ""
        first, last = min(found, key=date_sort_key), max(found, key=date_sort_key)
        return format_date(first) if first == last else f"{format_date(first)} – {format_date(last)}"

    def notes_date(self) -> str:
        """The date of the sources cited on the page so far, as sources_date gives a profile's: for a
        brief's printed header, asked once its body is rendered."""
        found = {self.kb.sources[c.source].date[:7] for bundle in self.notes for c in bundle if c.source in self.kb.sources}
        if not found:
            return ""
        first, last = min(found, key=date_sort_key), max(found, key=date_sort_key)
        return format_date(first) if first == last else f"{format_date(first)} – {format_date(last)}"

    def citing(self, source_id: str) -> list[CitingPage]:
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
