"""The "What changed" feed: the newest commits that changed the data, as an Atom 1.0 document
(RFC 4287), so that a reader's feed reader tells them when the knowledge base changes. Each entry
says what changed in the words of the "What changed" page (render/changes.py): its title names the
profile and the change ("ISIS-K: Added the alias Wilayat Khorasan, cited to The Hindu"), its content
lists each profile changed. A commit's own subject, written for contributors, is not shown.

Written with the standard library's ElementTree (which escapes every text and attribute), not a
feed library: an Atom document of this shape is a dozen elements. ElementTree writes any character it
is given, and XML 1.0 cannot hold most control characters: every text loses those first (``_text``),
so that no commit message or file name can make the feed unreadable. Deterministic: every date comes
from a commit, so the same history gives the same bytes; a commit whose date git cannot give as one
(the year 11476) is left out, since an entry must have one. Links are absolute when the site's address
is known (mkdocs.yml site_url), else relative to the feed, which RFC 4287 allows.
"""

from __future__ import annotations

import html
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable

from ..stages.history import History
from .changes import CommitChange, Files, Names, commit_changes, joined
from .publish import LICENCE

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 30
FEED_FILE = "changes.xml"  # at the site root
# Never change: entry ids are derived from it and the commit, so a reader sees each change once.
_NAMESPACE = uuid.UUID("0b6a9c0e-54f5-4c0b-a8a6-1d8c7e6f9a11")
_EPOCH = "1970-01-01T00:00:00+00:00"  # "updated" of a feed with no entries (Atom requires the element)


def atom_feed(history: History, files: Files, names: Names, href: Callable[[str], str], site_url: str | None, site_name: str) -> str:
    """``files``: data file -> (name, page path) of the profile or source it holds; ``names``: how a
    change names sources and profiles; ``href``: a page path -> its address in the feed (absolute when
    ``site_url`` is known)."""
    ET.register_namespace("", ATOM)

    feed = ET.Element(f"{{{ATOM}}}feed")
    commits = [change for change in commit_changes(history, files, names, FEED_ENTRIES) if change.time]
    _text(feed, "id", f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'feed:' + site_name)}")
    _text(feed, "title", f"{site_name}: what changed")
    _text(feed, "updated", commits[0].time if commits else _EPOCH)
    _text(feed, "rights", f"Text and data: {LICENCE['title']} ({LICENCE['url']})")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", f"{site_name} contributors")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=href("changes.md"))
    if site_url:
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml", href=site_url.rstrip("/") + "/" + FEED_FILE)
    for change in commits:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", f"urn:uuid:{uuid.uuid5(_NAMESPACE, change.sha)}")
        _text(entry, "title", entry_title(change))
        _text(entry, "updated", change.time)
        first_page = next((item.page for item in change.files if item.page), None)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=href(first_page) if first_page else href("changes.md"))
        _content(entry, change, href)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def entry_title(change: CommitChange) -> str:
    """ "ISIS-K: Added the alias ISKP, cited to Kyiv Post." for one profile; "Changes to ISIS-K, Afghan
    Taliban and 3 more" for several, or with what changed where it is the same in each."""
    first = change.files[0] if change.files else None
    if first is None:
        return "A change to the data"
    count = len(change.files) + change.more
    if count == 1:
        return f"{first.name}: {first.text}"
    shown = [item.name for item in change.files[: 2 if count > 3 else 3]]
    names = joined(shown) if len(shown) == count else joined([*shown, f"{count - len(shown)} more"])
    texts = {item.text for item in change.files}
    return f"{names}: {first.text}" if len(texts) == 1 and not change.more else f"Changes to {names}"


def _content(entry: ET.Element, change: CommitChange, href: Callable[[str], str]) -> None:
    """The entry's content, as HTML (RFC 4287 4.1.3.3, type "html", which feed readers show most
    widely): a list of the profiles changed, each linked, with what changed. Every text is escaped
    here for HTML, and ElementTree escapes the whole again for XML."""
    lines = []
    for item in change.files:
        name = html.escape(item.name)
        shown = f'<a href="{html.escape(href(item.page))}">{name}</a>' if item.page else f"{name} (no longer in the knowledge base)"
        lines.append(f"<li>{shown}: {html.escape(item.text)}</li>")
    if change.more:
        lines.append(f"<li>and {change.more} more {'profile or source' if change.more == 1 else 'profiles and sources'}</li>")
    _text(entry, "content", f"<ul>{''.join(lines)}</ul>").set("type", "html")


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = _clean(text)
    return element


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


# What XML 1.0 cannot hold (its Char production): controls but tab and line breaks, surrogates, U+FFFE/F.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
