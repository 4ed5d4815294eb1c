"""The search index under ``mkdocs serve``: brought up to date after a rebuild is served. (tests/test_serve_preview.py compares the whole served site, index
included, with a fresh build after edits.)
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURE_KB, ROOT, copy_project

from generator.export.search_index import name_key, shard_file

sys.path.insert(0, str(ROOT))
from bench.preview import fetch, serving  # noqa: E402

LIMIT = 120.0  # seconds for a state to be reached, not a wait


def served_pages_named(base: str, name: str) -> list[str] | None:
    """The URLs the served index gives for a name (as the worker finds them); None while there is none."""
    meta_text = fetch(base + "search/kb/meta.json")
    if not meta_text.startswith("{"):
        return None
    meta = json.loads(meta_text)
    key = name_key(name)
    shard_key = max((k for k in meta["shards"] if key.startswith(k)), key=len, default=None)
    if shard_key is None:
        return []
    shard = fetch(f"{base}search/kb/s/{shard_file(shard_key)}.json?v={meta['version']}")
    if not shard.startswith("{"):
        return None
    flat = json.loads(shard)["n"].get(key, [])
    urls = []
    for number in flat[::2]:
        block = json.loads(fetch(f"{base}search/kb/p/{number // meta['block']}.json?v={meta['version']}"))
        urls.append(block[number % meta["block"]][0])
    return urls


def wait_until(check, what: str):  # type: ignore[no-untyped-def]
    start = time.monotonic()
    while time.monotonic() - start < LIMIT:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"not reached within {LIMIT:.0f} s: {what}")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return copy_project(root, FIXTURE_KB)


def test_an_alias_added_while_serving_finds_its_profile(project: Path, tmp_path: Path) -> None:
    with serving(project, tmp_path / "serve.log") as base:
        assert wait_until(lambda: served_pages_named(base, "Front Rouge") == ["groups/red-front/"], "the first index")
        profile = project / "data" / "groups" / "red-front.yaml"
        text = profile.read_text(encoding="utf-8")
        assert "aliases: [RF, Front Rouge]" in text
        profile.write_text(text.replace("aliases: [RF, Front Rouge]", "aliases: [RF, Zorblat Front]"), encoding="utf-8")
        wait_until(lambda: "Zorblat Front" in fetch(base + "groups/red-front/"), "the rebuilt page")
        wait_until(lambda: served_pages_named(base, "Zorblat Front") == ["groups/red-front/"], "the new alias in the index")
        assert served_pages_named(base, "Front Rouge") == []
    log = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and "search index not updated" not in log

