"""Every name of a profile finds it first: its names become the search tags of its page.

Material's search weighs a document's ``tags`` a thousand times its title. Tags written in front
matter would be copied onto every section of a page, and a term in the tags of many documents counts
for little (lunr weighs a term by how rare it is), so a long profile such as ISIS-K would lose to a
short page that mentions the same word once. Here, after MkDocs has written the index, a profile's
names are set on the page's own entry only. Front matter stays free for the tags plugin, should the
site ever use it.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import orjson

INDEX_FILE = Path("search") / "search_index.json"


def weigh_names(index: dict[str, Any], names: dict[str, list[str]]) -> int:
    """Set ``names[url]`` as the tags of the entry at ``url``; return how many entries were tagged.

    The search page renders tags as HTML, so each name is escaped like every other indexed text.
    """
    tagged = 0
    for doc in index.get("docs", []):
        location = doc.get("location", "")
        if location in names:
            doc["tags"] = [html.escape(name, quote=False) for name in names[location]]
            tagged += 1
    return tagged


def weigh_names_in_site(site_dir: Path, names: dict[str, list[str]]) -> int:
    """Rewrite the built site's search index; 0 when the site has none (search plugin off)."""
    path = site_dir / INDEX_FILE
    if not path.is_file():
        return 0
    index = orjson.loads(path.read_bytes())  # 50 MB at 5,000 profiles: the standard json takes seconds
    tagged = weigh_names(index, names)
    path.write_bytes(orjson.dumps(index))
    return tagged
