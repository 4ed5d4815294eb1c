"""What a page tells readers, search engines and reference managers about itself: its description,
where it stands in the site (section, breadcrumb, the other profiles of its kind), the schema.org
object it is about, and how to cite it (CSL-JSON, BibTeX, RIS).

Engine-neutral: the render stage puts the page's part into its front matter (``kb:``) and writes the
citation files; the theme (site_src/overrides) turns the front matter into the breadcrumb, the left
column and the <head> tags. Nothing here walks the whole knowledge base per page: the sections are
sorted once per build (``Sections``), and each page takes a window of them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import json
import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

from ..model import dates
from ..model.entities import Event, Group, Person
from ..stages.resolve import KnowledgeBase, ProfileView, plain_text
from .indexes import stated

SITE_NAME = "Khorasan Brief"
LICENCE = {
    "id": "CC-BY-4.0",
    "name": "CC BY 4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
SECTION_TITLE = {"group": "Groups", "person": "People", "event": "Events", "source": "Sources", "brief": "Briefs"}
SECTION_INDEX = {"group": "groups/index.md", "person": "people/index.md", "event": "events/index.md", "source": "sources/index.md", "brief": "briefs/index.md"}
# Up to this many profiles of a kind, the left column lists them all; beyond, the WINDOW nearest by
# name on each side (a page's own work stays the same however large the knowledge base grows).
LIST_ALL = 40
WINDOW = 12
DESCRIPTION_LENGTH = 160

_SPACE = re.compile(r"\s+")


def describe(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """One line for <meta name="description">: the text, cut at a word within ``limit`` characters."""
    flat = _SPACE.sub(" ", text).strip()
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


@dataclass(frozen=True)
class Entry:
    name: str
    url: str  # from the site root


class Sections:
    """Each kind's pages sorted by name, once per build, for every page's left column."""

    def __init__(self, kb: KnowledgeBase, url_of: Any):
        self.url_of = url_of
        self.entries: dict[str, list[Entry]] = {}
        self.keys: dict[str, list[tuple[str, str]]] = {}
        by_kind: dict[str, list[tuple[str, str, str]]] = {}
        for profile in kb.profiles.values():
            by_kind.setdefault(profile.kind, []).append((profile.model.name, profile.id, profile.path))
        for source_id, source in kb.sources.items():
            title = f"[{source.title}]" if source.title_is_descriptive else source.title
            by_kind.setdefault("source", []).append((title, source_id, kb.source_path(source_id)))
        for brief in kb.briefs.values():
            by_kind.setdefault("brief", []).append((brief.meta.title, brief.slug, brief.path))
        for kind, items in by_kind.items():
            items.sort(key=lambda item: (item[0].casefold(), item[1]))
            self.keys[kind] = [(name.casefold(), item_id) for name, item_id, _ in items]
            self.entries[kind] = [Entry(name, url_of(path)) for name, _, path in items]

    def around(self, kind: str, name: str, item_id: str) -> dict[str, Any]:
        """The section of a page and the pages of its kind to list beside it (all, or a window)."""
        entries = self.entries.get(kind, [])
        at = bisect.bisect_left(self.keys.get(kind, []), (name.casefold(), item_id))
        start, end = (0, len(entries)) if len(entries) <= LIST_ALL else (max(0, at - WINDOW), at + WINDOW + 1)
        return {
            "title": SECTION_TITLE[kind],
            "url": self.url_of(SECTION_INDEX[kind]),
            "total": len(entries),
            "items": [[entry.name, entry.url] for entry in entries[start:end]],
            "current": entries[at].url if at < len(entries) else "",
        }


def about(profile: ProfileView) -> dict[str, Any]:
    """The schema.org object a profile page is about: an Organization, a Person or an Event."""
    model = profile.model
    thing: dict[str, Any] = {"@type": {"group": "Organization", "person": "Person", "event": "Event"}[profile.kind]}
    thing["name"] = model.name
    if model.other_names:
        thing["alternateName"] = model.other_names
    thing["description"] = describe(plain_text(profile.summary.text), 500)
    if isinstance(model, Group):
        _put(thing, foundingDate=dates.iso(model.founded), dissolutionDate=dates.iso(model.dissolved))
        if model.areas:
            thing["areaServed"] = list(model.areas)
    elif isinstance(model, Person):
        _put(thing, birthDate=dates.iso(model.born), deathDate=dates.iso(model.died), jobTitle=model.role)
        if model.nationality:
            thing["nationality"] = {"@type": "Country", "name": model.nationality}
    elif isinstance(model, Event):
        _put(thing, startDate=dates.iso(model.date), endDate=dates.iso(model.end_date))
        place = stated(model.place)
        if place or model.country:
            location: dict[str, Any] = {"@type": "Place", "name": place or model.country}
            if model.country:
                location["address"] = {"@type": "PostalAddress", "addressCountry": model.country}
            thing["location"] = location
    return thing


def _put(thing: dict[str, Any], **values: str | None) -> None:
    thing.update({key: value for key, value in values.items() if value})


def page_meta(
    kind: str, title: str, file: str, sections: Sections, item_id: str, updated: dt.date | None, description: str, about_thing: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The front matter's ``kb:`` value for one page: what the theme needs for the breadcrumb, the
    left column, the edit link and the <head> tags. (The render stage writes it as one line of YAML,
    a plain string in the page's context, so that the preview's render cache signs it.)"""
    meta: dict[str, Any] = {
        "kind": kind,
        "title": title,
        "description": description,
        "file": file,
        "section": sections.around(kind, title, item_id),
        "updated": updated.isoformat() if updated else None,
        "licence": LICENCE["name"],
        "licence_url": LICENCE["url"],
    }
    if about_thing:
        meta["about"] = about_thing
    return meta


# -- citations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Citable:
    """What a citation of one page says: title, site, the date it last changed, its address."""

    key: str  # the file stem of its downloads and the BibTeX key: the profile id
    title: str
    url: str | None  # absolute, when the site's address is known
    updated: dt.date | None
    site: str = SITE_NAME

    def text(self) -> str:
        """The citation as one line for the page: Khorasan Brief, "ISIS-K", last updated 1 May 2024, URL."""
        parts = [f"{self.site}, “{self.title}”"]
        if self.updated:
            parts.append(f"last updated {self.updated.day} {self.updated:%B %Y}")
        if self.url:
            parts.append(self.url)
        return ", ".join(parts) + f". {LICENCE['name']}."

    def csl(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "id": self.key,
            "type": "webpage",
            "title": self.title,
            "container-title": self.site,
            "publisher": self.site,
            "author": [{"literal": f"{self.site} contributors"}],
            "license": LICENCE["title"],
        }
        if self.updated:
            item["issued"] = {"date-parts": [[self.updated.year, self.updated.month, self.updated.day]]}
        if self.url:
            item["URL"] = self.url
        return item

    def csl_json(self) -> str:
        return json.dumps([self.csl()], ensure_ascii=False, indent=2) + "\n"

    def bibtex(self) -> str:
        """A @misc entry (biblatex reads it as @online). pybtex writes it, turning the text into LaTeX
        as it goes (latexcodec: "&" -> "\\&", "%" -> "\\%"); what latexcodec leaves as it is becomes a
        command that prints it (a backslash would start a command of the title's own, braces, which
        BibTeX counts even when escaped, would unbalance the field); line breaks and other controls
        become one space (a blank line ends a paragraph in LaTeX). The title keeps its capitals in a
        pair of braces; the address is written percent-encoded, as biblatex reads it verbatim."""
        from pybtex.database import BibliographyData
        from pybtex.database import Entry as BibEntry

        def text(value: str) -> str:
            return _BIBTEX_SPECIAL.sub(lambda match: _BIBTEX_COMMANDS[match.group()], one_line(value))

        fields = {
            "title": "{" + text(self.title) + "}",
            "author": "{" + text(f"{self.site} contributors") + "}",
            "howpublished": text(self.site),
            "note": text(f"Licensed {LICENCE['name']}"),
        }
        if self.updated:
            fields |= {"year": str(self.updated.year), "month": f"{self.updated:%b}".lower(), "date": self.updated.isoformat()}
        if self.url:
            fields["url"] = encoded_url(self.url)
        # The writer itself, not to_string("bibtex"): that looks the writer up among the installed
        # packages' entry points on every call.
        return _bibtex_writer().to_string(BibliographyData({self.key: BibEntry("misc", fields)}))

    def ris(self) -> str:
        """RIS is a file of lines, each "TAG  - value": every value is made one line (a line break in
        a title would start a record of its own), and the address percent-encoded."""
        import rispy

        entry: dict[str, Any] = {
            "type_of_reference": "ELEC",
            "title": one_line(self.title),
            "authors": [one_line(f"{self.site} contributors")],
            "publisher": one_line(self.site),
            "secondary_title": one_line(self.site),
            "notes": [f"Licensed {LICENCE['name']}"],
        }
        if self.updated:
            entry["date"] = f"{self.updated:%Y/%m/%d}"
            entry["year"] = str(self.updated.year)
        if self.url:
            entry["urls"] = [encoded_url(self.url)]
        return rispy.dumps([entry])

    def files(self) -> dict[str, str]:
        """The downloads, by path inside the site."""
        return dict(_downloads(self))


@functools.lru_cache(maxsize=1 << 14)
def _downloads(citable: Citable) -> tuple[tuple[str, str], ...]:
    """Kept while the process lives: under ``mkdocs serve`` a rebuild makes again only the downloads of
    a page whose title, address or date changed (pybtex takes half a millisecond for one)."""
    return (
        (f"{CITE_DIR}/{citable.key}.bib", citable.bibtex()),
        (f"{CITE_DIR}/{citable.key}.ris", citable.ris()),
        (f"{CITE_DIR}/{citable.key}.json", citable.csl_json()),
    )


CITE_DIR = "cite"


@functools.cache
def _bibtex_writer() -> Any:
    from pybtex.database.output.bibtex import Writer

    class VerbatimUrl(Writer):  # type: ignore[misc]
        """pybtex turns every field into LaTeX; biblatex reads ``url`` verbatim ("%20" stays, where
        "\\%20" would be a backslash too)."""

        def _write_field(self, stream: Any, type: str, value: str) -> None:
            if type == "url":
                stream.write(f",\n    {type} = {self.quote(value)}")
            else:
                super()._write_field(stream, type, value)

    return VerbatimUrl()


# What latexcodec leaves for us: braces (BibTeX counts them even when escaped), "$" (math mode), the
# backslash (a command) and "^" (a superscript in math mode, an error outside it).
_BIBTEX_COMMANDS = {"{": "\\textbraceleft{}", "}": "\\textbraceright{}", "$": "\\$", "\\": "\\textbackslash{}", "^": "\\textasciicircum{}"}
_BIBTEX_SPECIAL = re.compile(r"[{}$\\^]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# RFC 3986's characters (reserved, unreserved, and "%" of the encodings already made): nothing else
# stands unencoded in an address written into a citation file.
_URL_SAFE = "!#$&'()*+,/:;=?@[]~-._%"


def one_line(text: str) -> str:
    """Text for a line-based citation format: line breaks and other control characters as one space."""
    return " ".join(_CONTROL.sub(" ", text).split())


def encoded_url(url: str) -> str:
    """An address with every character RFC 3986 does not allow in one percent-encoded: spaces, quotes,
    braces, backslashes, controls, letters outside ASCII (as UTF-8), and a "%" that does not start an
    encoding already made. Encoding twice changes nothing."""
    return urllib.parse.quote(_LONE_PERCENT.sub("%25", url), safe=_URL_SAFE)


_LONE_PERCENT = re.compile("%(?![0-9A-Fa-f]{2})")
