"""Other addresses of a profile (generator/render/redirects.py): an alias or a former id leads to
the profile, never over a real page, in the site's URL style.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import Site, generator, mkdocs_build
from htmlq import article, find
from reader_kb import HAND_PAGE


def redirect_target(site: Site, url_path: str) -> dict[str, str]:
    """The three ways a redirect page points on: meta refresh, canonical link, plain link."""
    html = (site.root / url_path / "index.html").read_text(encoding="utf-8")
    refresh = find(html, "meta", **{"http-equiv": "refresh"})[0].attrs["content"]
    return {
        "refresh": re.fullmatch(r"0; url=(.+)", refresh).group(1),
        "canonical": find(html, "link", rel="canonical")[0].attrs["href"],
        "link": find(html, "a")[0].attrs["href"],
        "scripts": str(len(find(html, "script"))),
    }


@pytest.mark.parametrize(
    ("old", "profile"),
    [
        ("groups/rf", "groups/red-front"),  # alias RF
        ("groups/front-rouge", "groups/red-front"),  # alias Front Rouge
        ("people/abu-test", "people/jo-leader"),  # alias Abu Test
    ],
)
def test_alias_address_redirects_to_the_profile(fixture_site: Site, old: str, profile: str) -> None:
    target = redirect_target(fixture_site, old)
    assert target.pop("scripts") == "0", "a redirect page needs no script"
    for href in target.values():
        assert (fixture_site.root / old / href / "index.html").resolve() == (fixture_site.root / profile / "index.html")


def test_a_profile_id_gets_no_redirect_over_its_own_page(fixture_site: Site) -> None:
    assert "<article" in fixture_site.page("groups/red-front")  # the name "Red Front" has the id's slug


def test_former_id_keeps_its_old_address_and_links(reader_site: Site) -> None:
    target = redirect_target(reader_site, "groups/old-front")
    assert (reader_site.root / "groups/old-front" / target["refresh"] / "index.html").resolve() == (reader_site.root / "groups/red-front/index.html")


def test_former_id_resolves_in_links(fixture_project: Path, tmp_path: Path) -> None:
    red_front = fixture_project / "data/groups/red-front.yaml"
    red_front.write_text(red_front.read_text().replace("aliases:", "former_ids: [old-front]\naliases:", 1))
    brief = fixture_project / "briefs/test-brief.md"
    brief.write_text(brief.read_text() + "\nOnce known as [[old-front]].\n")
    result = mkdocs_build(fixture_project, tmp_path / "site")
    assert result.code == 0, result.err
    html = (tmp_path / "site/briefs/test-brief/index.html").read_text()
    assert find(html, "a", href="../../groups/red-front/")


def test_former_id_that_is_another_profiles_id_is_an_error(fixture_project: Path) -> None:
    red_front = fixture_project / "data/groups/red-front.yaml"
    red_front.write_text(red_front.read_text().replace("aliases:", "former_ids: [blue-league]\naliases:", 1))
    result = generator("validate", cwd=fixture_project)
    assert result.code == 1
    assert re.search(r"data/groups/red-front\.yaml:\d+:\d+: 'blue-league' is already a name of 'blue-league'", result.err)
    assert "Traceback" not in result.err


def test_alias_redirect_never_replaces_a_real_page(reader_site: Site) -> None:
    html = reader_site.page("groups/bl")  # Blue League's alias "BL", and a hand-written groups/bl.md
    assert HAND_PAGE in article(html).text
    assert not find(html, "meta", **{"http-equiv": "refresh"})


def test_redirects_follow_the_sites_url_style(fixture_project: Path, tmp_path: Path) -> None:
    config = fixture_project / "mkdocs.yml"
    config.write_text(config.read_text() + "\nuse_directory_urls: false\n")
    result = mkdocs_build(fixture_project, tmp_path / "site")
    assert result.code == 0, result.err
    html = (tmp_path / "site/groups/rf.html").read_text()
    assert find(html, "a")[0].attrs["href"] == "red-front.html"
    assert (tmp_path / "site/groups/red-front.html").is_file()
    nodes = json.loads((tmp_path / "site/graph.json").read_text())["nodes"]
    assert {n["url"] for n in nodes if n["id"] == "red-front"} == {"groups/red-front.html"}
