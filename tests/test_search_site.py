"""Search on real builds: the pages name the site's worker, Material's index is a stub that no page
parsing fed, and every name of every profile is an entry that finds it, kept as written.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import material
import yaml
from conftest import ROOT, Site, mkdocs_build, run
from search_files import SearchFiles

from generator.export.search_index import name_key
from generator.model.names import spoken_name

MATERIAL_BASE = Path(material.__file__).parent / "templates" / "base.html"


OVERRIDE = ROOT / "site_src" / "overrides" / "main.html"


_CONFIG_BLOCK = re.compile(r"\{% block config %\}(.*?)\{% endblock %\}", re.DOTALL)


_WORKER_LINE = re.compile(r'^\s*"search": "[^"]*" \| url,$', re.MULTILINE)


def test_the_config_block_is_materials_with_only_the_worker_changed() -> None:
    """site_src/overrides/main.html copies Material's block to change one address: an upgrade of
    Material that changes the block shows here, not as a search that quietly breaks."""
    (theirs,) = _CONFIG_BLOCK.findall(MATERIAL_BASE.read_text(encoding="utf-8"))
    (ours,) = _CONFIG_BLOCK.findall(OVERRIDE.read_text(encoding="utf-8"))
    assert _WORKER_LINE.findall(ours) == ['          "search": "assets/kb-search.js" | url,']
    assert _WORKER_LINE.sub("", ours).strip() == _WORKER_LINE.sub("", theirs).strip()


def config_of(page: str) -> dict[str, object]:
    return json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', page, re.DOTALL)[1])  # type: ignore[index]


def test_every_page_starts_the_sites_worker(site: Site, published_site: Site) -> None:
    for path in ["", "groups/isis-k/", "briefs/", "sources/"]:
        page = site.page(path)
        worker = (site.root / path / config_of(page)["search"]).resolve()  # type: ignore[operator]
        assert worker == (site.root / "assets" / "kb-search.js").resolve()
        assert worker.is_file()
    # The 404 page is served at any address: it names the worker from the site's root (here a sub-path).
    missing = (published_site.root / "404.html").read_text(encoding="utf-8")
    assert config_of(missing)["search"] == "/khorasan-brief/assets/kb-search.js"


def test_materials_index_is_a_stub(site: Site) -> None:
    stub = site.root / "search" / "search_index.json"
    assert stub.stat().st_size < 1024
    data = json.loads(stub.read_text(encoding="utf-8"))
    assert data["docs"] == [] and set(data["config"]) >= {"lang", "separator", "pipeline"}


def test_every_name_of_every_real_profile_finds_it_first(site: Site) -> None:
    """By construction: each name and alias is an entry of the index for its profile's page (and for
    no other profile), which the worker puts before any ranking by weights."""
    index = SearchFiles(site.root)
    graph = json.loads((site.root / "graph.json").read_text(encoding="utf-8"))
    assert len(graph["nodes"]) >= 50
    for node in graph["nodes"]:
        for name in [node["label"], *node["aliases"]]:
            named = index.pages_named(name)
            assert named.get(node["url"]) == 2, (name, named)
            assert [url for url, kind in named.items() if kind == 2] == [node["url"]], (name, named)


def test_no_two_real_profiles_share_a_spelling_unless_they_share_the_name(site: Site) -> None:
    """Issue 27, section 4: a name in another spelling finds one profile. Every name of every profile
    (unconfirmed ones too: search shows them) is looked up by its spelling key in the built index."""
    index = SearchFiles(site.root)
    graph = json.loads((site.root / "graph.json").read_text(encoding="utf-8"))
    # Every name search knows for each profile: its page's fragment lists them, unconfirmed ones labelled.
    known = {node["url"]: [spoken_name(label) for label in index.fragment(node["url"])["n"]] for node in graph["nodes"]}
    names: dict[str, set[str]] = {}  # name key -> the profiles of that name
    for url, labels in known.items():
        for name in labels:
            names.setdefault(name_key(name), set()).add(url)
    checked = 0
    for node in graph["nodes"]:
        for name in known[node["url"]]:
            spelled = index.pages_spelled(name)
            profiles = {url for url, kind in spelled.items() if kind == 2}
            assert node["url"] in profiles, (name, spelled)
            others = profiles - {node["url"]}
            # Another profile comes to the same key only under a name of the same words.
            assert all(url in names[name_key(name)] for url in others), (name, others)
            checked += 1
    assert checked >= 80


def test_every_page_of_the_site_is_in_the_index(site: Site) -> None:
    index = SearchFiles(site.root)
    pages = {
        path.parent.relative_to(site.root).as_posix() + "/" for path in site.root.rglob("index.html") if b'http-equiv="refresh"' not in path.read_bytes()[:2048]
    }
    assert set(index.urls) == {"" if url == "./" else url for url in pages}
    for url in ["", "groups/isis-k/", "briefs/", "timeline/", "about/"]:
        assert index.fragment(url)["s"][0][0] == ""  # a page's own part comes first


# Material's parser of a page's HTML for its index, made to fail: a build that reads no page for it passes.
NO_PARSING = """
import sys
import material.plugins.search.plugin as search
from mkdocs.commands.build import build
from mkdocs.config import load_config
def refuse(self, data):
    raise AssertionError("Material's search parser was used")
search.Parser.feed = refuse
build(load_config("mkdocs.yml", site_dir=sys.argv[1], strict=True))
"""


def test_no_page_is_parsed_for_materials_index(fixture_project: Path, tmp_path: Path) -> None:
    done = run([sys.executable, "-c", NO_PARSING, str(tmp_path / "site")], fixture_project)
    assert done.code == 0, done.err[-2000:]
    assert SearchFiles(tmp_path / "site").urls


def test_a_page_excluded_from_search_is_not_in_the_index(fixture_project: Path, tmp_path: Path) -> None:
    (fixture_project / "site_src" / "hidden.md").write_text("---\nsearch:\n  exclude: true\n---\n\n# Hidden\n\nZebrafish.\n", encoding="utf-8")
    (fixture_project / "site_src" / "boosted.md").write_text("---\nsearch:\n  boost: 3\n---\n\n# Boosted\n\nZebrafish.\n", encoding="utf-8")
    done = mkdocs_build(fixture_project, tmp_path / "site")
    assert done.code == 0, done.err
    index = SearchFiles(tmp_path / "site")
    assert "hidden/" not in index.urls and "boosted/" in index.urls
    postings = index.shard_of("zebrafish")["t"]["zebrafish"]
    assert len(postings) == 2  # one page: the boosted one


def test_no_file_of_the_index_is_large(site: Site) -> None:
    """A query fetches a few of them: none may be large (fragments cut long lists; shards are split)."""
    files = [path for path in (site.root / "search" / "kb").rglob("*.json")]
    assert len(files) > 100
    assert [path.name for path in files if path.stat().st_size > 40_000] == []


def test_without_materials_search_plugin_no_index_is_made(fixture_project: Path, tmp_path: Path) -> None:
    config = fixture_project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\n  - search\n" in text
    config.write_text(text.replace("\n  - search\n", "\n"), encoding="utf-8")
    done = mkdocs_build(fixture_project, tmp_path / "site")
    assert done.code == 0, done.err
    assert not (tmp_path / "site" / "search").exists()  # no search box on the pages: nobody would read one
    assert 'class="md-search"' not in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_a_profiles_names_are_entries_of_the_search_index(fixture_site: Site) -> None:
    index = SearchFiles(fixture_site.root)
    for url, names in {"groups/red-front/": ["Red Front", "RF", "Front Rouge"], "people/jo-leader/": ["Jo Leader", "Abu Test"]}.items():
        assert index.fragment(url)["n"] == names  # shown under the result, as Material shows tags
        for name in names:
            assert index.pages_named(name) == {url: 2}
    assert index.fragment("timeline/")["n"] == []
    assert index.pages_named("Timeline") == {"timeline/": 1}  # a page's title: found first, after names
    stub = json.loads((fixture_site.root / "search/search_index.json").read_text())
    assert stub["docs"] == [] and stub["config"]["separator"]  # Material's highlighting reads the configuration


def test_search_keeps_names_as_written(fixture_project: Path, tmp_path: Path) -> None:
    path = fixture_project / "data/groups/blue-league.yaml"
    data = yaml.safe_load(path.read_text())
    data["aliases"] = [{"name": "Bold <3 & Co > it", "cite": ["beta-news"]}]  # passes validation (no tag), yet every character needs escaping
    path.write_text(yaml.safe_dump(data))
    assert mkdocs_build(fixture_project, tmp_path / "site").code == 0
    index = SearchFiles(tmp_path / "site")
    assert index.fragment("groups/blue-league/")["n"] == ["Blue League", "Bold <3 & Co > it"]  # text: the worker escapes it
    assert index.pages_named("bold 3 co it") == {"groups/blue-league/": 2}


def test_search_leaves_out_each_profiles_cite_and_changes_boilerplate(published_site: Site) -> None:
    """Issue 26: results listed every page's "Cite this page" and "Changes" as matches."""
    files = SearchFiles(published_site.root)
    for url in ("groups/isis-k/", "people/sanaullah-ghafari/", "events/crocus-city-hall-attack/"):
        headings = [section[1] for section in files.fragment(url)["s"]]
        assert "Cite this page" not in headings and "Changes" not in headings, (url, headings)
        assert "Relationships" in headings  # the page's own sections are still there
    html = published_site.page("groups/isis-k")
    assert 'id="cite-this-page"' in html and 'id="changes"' in html  # still on the page, and in its contents
