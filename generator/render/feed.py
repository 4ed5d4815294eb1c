"""The "What changed" feed: the newest commits that changed the data, as an Atom 1.0 document
(RFC 4287), so that a reader's feed reader tells them when the knowledge base changes.

Written with the standard library's ElementTree (which escapes every text and attribute), not a
feed library: an Atom document of this shape is a dozen elements. ElementTree writes any character it
is given, and XML 1.0 cannot hold most control characters: every text loses those first (``_text``),
so that no commit message or file name can make the feed unreadable. Deterministic: every date comes
from a commit, so the same history gives the same bytes; a commit whose date git cannot give as one
(the year 11476) is left out, since an entry must have one. Links are absolute when the site's address
is known (mkdocs.yml site_url), else relative to the feed, which RFC 4287 allows.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable

from ..stages.history import History
from .publish import LICENCE

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 30
FEED_FILE = "changes.xml"  # at the site root
# Never change: entry ids are derived from it and the commit, so a reader sees each change once.
_NAMESPACE = uuid.UUID("0b6a9c0e-54f5-4c0b-a8a6-1d8c7e6f9a11")
_EPOCH = "1970-01-01T00:00:00+00:00"  # "updated" of a feed with no entries (Atom requires the element)


def atom_feed(history: History, files: dict[str, tuple[str, str]], href: Callable[[str], str], site_url: str | None, site_name: str) -> str:
    """``files``: data file -> (name, page path) of the profile or source it holds; ``href``: a page
    path -> its address in the feed (absolute when ``site_url`` is known)."""
    ET.register_namespace("", ATOM)

    feed = ET.Element(f"{{{ATOM}}}feed")
    commits = [change for change in history.commits(FEED_ENTRIES) if change.time]
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
        _text(entry, "title", change.subject)
        _text(entry, "updated", change.time)
        lines = []
        first_page = None
        for item in change.files:
            name, page = files.get(item.file, (item.file, None))
            first_page = first_page or page
            lines.append(f"{name}: {', '.join(item.fields) or 'changed'}")
        if change.more:
            lines.append(f"and {change.more} more file{'s' if change.more != 1 else ''}")
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=href(first_page) if first_page else href("changes.md"))
        _text(entry, "summary", "; ".join(lines))
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = _XML_ILLEGAL.sub("", text)
    return element


# What XML 1.0 cannot hold (its Char production): controls but tab and line breaks, surrogates, U+FFFE/F.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
