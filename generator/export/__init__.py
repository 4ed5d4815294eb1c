"""Stage 4b, export: the resolved knowledge base -> open data files published with the site (and, in
search_index.py, the site's split search index, made from the pages' HTML).

Fed by the same KnowledgeBase as the pages (no second reading of the YAML). Every file is
deterministic: the same data gives the same bytes, so consumers can diff one release with the next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..stages.resolve import KnowledgeBase
from .csl import csl_json
from .stix import stix_bundle
from .tables import csv_tables, knowledge_json

EXPORT_DIR = "exports"


def export_files(kb: KnowledgeBase) -> dict[str, str]:
    """Every export as {path inside the site: text}, all under exports/."""
    return {path: data.decode("utf-8") for path, data in each_export(kb)}


def each_export(kb: KnowledgeBase) -> Iterator[tuple[str, bytes]]:
    """The exports one at a time, in UTF-8, in the order of their paths: a writer that takes them one
    by one holds only the largest."""
    makers: dict[str, Callable[[], bytes]] = {
        "all.json": lambda: knowledge_json(kb),
        "stix-bundle.json": lambda: stix_bundle(kb),
        "sources.csl.json": lambda: csl_json(kb),
    }
    tables = csv_tables(kb)  # small beside the JSON files; one pass over the profiles makes them all
    for name in sorted({**makers, **tables}):
        yield f"{EXPORT_DIR}/{name}", tables.pop(name).encode("utf-8") if name in tables else makers[name]()
