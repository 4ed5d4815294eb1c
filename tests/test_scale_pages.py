"""Pages that would grow with the whole knowledge base stay bounded."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURE_KB, copy_project
from mkdocs.commands.build import build
from mkdocs.config import load_config

import generator.render.site as render


def test_the_network_page_lists_relationships_only_while_they_fit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project, FIXTURE_KB)

    def built() -> str:
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True)
        config.plugins.on_startup(command="build", dirty=False)
        build(config)  # strict: the link to the export must resolve
        return (tmp_path / "site" / "network" / "index.html").read_text(encoding="utf-8")

    small = built()
    assert "<table>" in small and "relationships.csv" not in small

    monkeypatch.setattr(render, "NETWORK_TABLE_LIMIT", 1)
    large = built()
    assert "<table>" not in large
    assert 'href="../exports/relationships.csv"' in large
    assert (tmp_path / "site" / "exports" / "relationships.csv").is_file()
