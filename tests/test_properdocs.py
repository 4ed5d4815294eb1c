"""ProperDocs, the maintained continuation of MkDocs 1.x, builds the same site as MkDocs.

MkDocs 1.x has no maintainer and MkDocs 2 drops plugins and themes; ProperDocs reads the same
mkdocs.yml, plugins and theme. This builds the real site with `properdocs build --strict` and
compares it with the `mkdocs build --strict` of the session: the same files, byte for byte, apart
from the one line where each names itself (<meta name="generator">), and the same search entries.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from conftest import ROOT, Site, run
from search_files import SearchFiles

_GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


@pytest.fixture(scope="module")
def properdocs_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("properdocs") / "site"
    done = run([sys.executable, "-m", "properdocs", "build", "--strict", "-f", "mkdocs.yml", "-d", str(out)], ROOT)
    assert done.code == 0, done.err
    assert "ProperDocs" in (out / "index.html").read_text(encoding="utf-8")  # it was ProperDocs that built it
    return out


def files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_properdocs_builds_the_same_files(site: Site, properdocs_site: Path) -> None:
    mkdocs, properdocs = files(site.root), files(properdocs_site)
    assert sorted(properdocs) == sorted(mkdocs)
    different = [path for path in mkdocs if _GENERATOR.sub(b"", mkdocs[path]) != _GENERATOR.sub(b"", properdocs[path])]
    # sitemap.xml.gz carries the time of the build; its uncompressed twin is compared above.
    assert different in ([], ["sitemap.xml.gz"]), different[:10]


def test_properdocs_indexes_the_same_search_entries(site: Site, properdocs_site: Path) -> None:
    index = SearchFiles(site.root)
    assert len(index.urls) > 50
    assert SearchFiles(properdocs_site).meta == index.meta  # its version is a digest of every file of the index
