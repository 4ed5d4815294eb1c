"""Stage 4b, export: the resolved knowledge base -> open data files published with the site.

Fed by the same KnowledgeBase as the pages (no second reading of the YAML). Every file is
deterministic: the same data gives the same bytes, so consumers can diff one release with the next.
"""

from __future__ import annotations

from ..resolve import KnowledgeBase
from .csl import csl_json
from .stix import stix_bundle
from .tables import csv_tables, knowledge_json

EXPORT_DIR = "exports"


def export_files(kb: KnowledgeBase) -> dict[str, str]:
    """Every export as {path inside the site: text}, all under exports/."""
    files = {
        "all.json": knowledge_json(kb),
        "stix-bundle.json": stix_bundle(kb),
        "sources.csl.json": csl_json(kb),
        **csv_tables(kb),
    }
    return {f"{EXPORT_DIR}/{name}": text for name, text in sorted(files.items())}
