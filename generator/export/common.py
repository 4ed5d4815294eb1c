"""What every export shares: stable ids, dates as instants, rich text as plain text, page URLs.

Exports must be byte-for-byte the same for the same data, so that consumers can diff releases:
ids are UUIDv5 of the entity id, and every timestamp comes from a date in the data.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterable
from typing import Any

import orjson

from ..model.entities import Citation
from ..stages.resolve import Edge, EntityLink, RichText

# Never change: every exported uuid (and every STIX id) is derived from it and the entity's id.
NAMESPACE = uuid.UUID("5fb5120c-0ee1-4daf-84df-8d5bf573a354")


@functools.lru_cache(maxsize=1 << 16)  # the same ids come back many times in one export (STIX refs)
def stable_uuid(*parts: str) -> str:
    """The same parts give the same UUID in every build; ids are slugs, so '/' cannot be ambiguous."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def entity_uuid(entity_id: str) -> str:
    """For groups, people, events and sources alike: the build keeps ids unique across all of them."""
    return stable_uuid(entity_id)


def relationship_uuid(edge: Edge) -> str:
    return stable_uuid("relationship", edge.subject, edge.type.name, edge.target)


def brief_uuid(slug: str) -> str:
    return stable_uuid("brief", slug)


def page_url(path: str) -> str:
    """Site-relative URL of a generated page: groups/isis-k.md -> groups/isis-k/ (directory URLs)."""
    stem = path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def parts(date: str) -> list[int]:
    """A partial date as [year], [year, month] or [year, month, day]."""
    return [int(p) for p in date.split("-")]


def start_of(date: str) -> dt.datetime:
    """The first instant of a partial date: 2015 -> 2015-01-01T00:00:00Z."""
    year, month, day = (parts(date) + [1, 1])[:3]
    return dt.datetime(year, month, day, tzinfo=dt.UTC)


def end_of(date: str) -> dt.datetime:
    """The first instant after a partial date: 2015 -> 2016-01-01, 2015-12 -> 2016-01-01."""
    given = parts(date)
    start = start_of(date)
    if len(given) == 3:
        return start + dt.timedelta(days=1)
    if len(given) == 2:
        return start.replace(year=start.year + (start.month == 12), month=start.month % 12 + 1)
    return start.replace(year=start.year + 1)


def mentions(text: RichText) -> list[str]:
    """Ids of the profiles a text links to, in order of first mention."""
    seen: dict[str, None] = {}
    for token in text:
        if isinstance(token, EntityLink) and token.id:
            seen.setdefault(token.id)
    return list(seen)


def inline_citations(text: RichText) -> list[Citation]:
    """Citations written inside a text ([@source, locator] in briefs), each once, in order."""
    seen: dict[tuple[str, str], Citation] = {}
    for token in text:
        if isinstance(token, Citation):
            seen.setdefault(token.key, token)
    return list(seen.values())


def cite_text(citations: Iterable[Citation]) -> str:
    """The short form editors write, for one-cell tables: "usip-mir-2024, para 6; hindu-johny-2024"."""
    return "; ".join(f"{c.source}, {c.at}" if c.at else c.source for c in citations)


def cite_json(citations: Iterable[Citation]) -> list[dict[str, str | None]]:
    return [{"source": c.source, "at": c.at} for c in citations]


# Whole floats up to here become ints; beyond it a float is not exact anyway (and orjson writes ints of
# at most 64 bits).
_EXACT = 2**53


def number(value: float) -> int | float:
    """137.0 -> 137, so that whole numbers read as whole numbers in JSON and CSV."""
    return int(value) if float(value).is_integer() and abs(value) <= _EXACT else value


def json_bytes(document: Any) -> bytes:
    """A JSON export's text in UTF-8: indented by two, keys in the order built, a final newline.

    orjson rather than the standard library: with indent, ``json`` falls back to its pure-Python
    encoder, many times slower. Bytes, as orjson makes them and the file takes them: as a str the
    text would take twice the memory (one curly quote makes every character two bytes).
    """
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
