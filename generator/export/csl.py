"""The sources as a CSL-JSON bibliography, for Zotero, Pandoc (--citeproc) and other reference managers.

Each item's id is the source id, so ``[@usip-mir-2024]`` in a Pandoc document cites what the site
cites. Authors are written as literal names: splitting a name into given and family parts is a
guess that goes wrong for many of the names in these sources.
"""

from __future__ import annotations

from typing import Any

from ..model.entities import Source
from ..stages.resolve import KnowledgeBase
from .common import json_bytes, parts

# Our source kinds -> CSL item types. News outlets' pieces are newspaper articles; analysis pieces
# in online magazines are magazine articles; the rest have a CSL type of their own.
CSL_TYPE = {
    "news": "article-newspaper",
    "opinion": "article-newspaper",
    "explainer": "article-newspaper",
    "analysis": "article-magazine",
    "interview": "interview",
    "report": "report",
    "official": "document",
}


def csl_json(kb: KnowledgeBase) -> bytes:
    items = [csl_item(source) for source in kb.sources.values()]
    return json_bytes(items)


def csl_item(source: Source) -> dict[str, Any]:
    kind = CSL_TYPE[source.kind]
    # A title of our own is bracketed, as the site shows it and as style guides mark a description.
    title = f"[{source.title}]" if source.title_is_descriptive else source.title
    item: dict[str, Any] = {"id": source.id, "type": kind, "title": title, "genre": source.kind}
    if source.authors:
        item["author"] = [{"literal": name} for name in source.authors]
    # Articles appear in a periodical (container); other items have a publisher.
    item["container-title" if kind.startswith("article") else "publisher"] = source.publisher
    item["issued"] = {"date-parts": [parts(source.date)]}
    if source.url:
        item["URL"] = source.url
    item["abstract"] = source.summary
    if source.notes:
        item["note"] = source.notes
    return item
