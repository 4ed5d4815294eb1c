"""Reading a built site's search index (generator/export/search_index.py) the way the worker reads it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.export.search_index import FOLDER, name_key, shard_file, spelling_entries


class SearchFiles:
    def __init__(self, site: Path) -> None:
        self.root = site / FOLDER
        self.meta = self.read("meta.json")
        self.urls = [row[0] for block in range(-(-self.meta["pages"] // self.meta["block"])) for row in self.read(f"p/{block}.json")]

    def read(self, path: str) -> Any:
        return json.loads((self.root / path).read_text(encoding="utf-8"))

    def number(self, url: str) -> int:
        return self.urls.index(url)

    def fragment(self, url: str) -> dict[str, Any]:
        return self.read(f"f/{self.number(url)}.json")

    def shard_of(self, entry: str) -> dict[str, dict[str, list[int]]]:
        """The shard the worker reads for an entry: the one with the longest key it starts with."""
        key = max((k for k in self.meta["shards"] if entry.startswith(k)), key=len)
        return self.read(f"s/{shard_file(key)}.json")

    def pages_named(self, name: str) -> dict[str, int]:
        """URL -> 2 (a profile's name or alias) or 1 (a page's title) for the pages of this name."""
        flat = self.shard_of(name_key(name))["n"].get(name_key(name), [])
        return {self.urls[flat[i]]: flat[i + 1] for i in range(0, len(flat), 2)}

    def pages_spelled(self, name: str) -> dict[str, int]:
        """URL -> 2, 1 or 0 for the pages with an entry of this name's spelling key (its whole name's)."""
        entries = spelling_entries(name)
        if not entries:
            return {}
        flat = self.shard_of(entries[0])["n"].get(entries[0], [])
        return {self.urls[flat[i]]: flat[i + 1] for i in range(0, len(flat), 2)}
