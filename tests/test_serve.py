"""`mkdocs serve`: edits to data, briefs and templates show up by themselves and the site equals a
clean build; a mistake is reported as FILE:LINE:COL while the server keeps serving the last good
site; the search index follows; the preview keeps the published Content-Security-Policy and no brief
can run script.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ENV, FIXTURE_KB, ROOT, copy_project
from mkdocs.commands.build import build
from mkdocs.config import load_config
from test_csp import RECORD_VIOLATIONS, directives, read_head

from bench.preview import fetch, serving, wait_for  # noqa: E402
from generator.export.search_index import name_key, shard_file

sys.path.insert(0, str(ROOT))


SERVE_URL = "http://127.0.0.1:8000/"


def site_build(project: Path, site: Path, *, fresh: bool = False):  # type: ignore[no-untyped-def]
    """One build as `mkdocs serve` runs it; with fresh=True, with empty caches (a from-scratch build
    that is otherwise the same: a served site differs from `mkdocs build` by design, e.g. its CSP)."""
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    plugin = config.plugins["khorasan-brief"]  # the object MkDocs keeps from one rebuild to the next
    if fresh:
        plugin.cache = None
    config.plugins.on_startup(command="serve", dirty=False)
    config.site_url = SERVE_URL
    build(config, serve_url=SERVE_URL)
    plugin.exports.wait()  # under serve they are written after the pages; the comparison wants them
    plugin.search.wait()  # and so is the search index
    return plugin


def files_of(site: Path) -> dict[str, bytes]:
    # The gzipped sitemap carries the build time in its header; its XML twin is compared instead.
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file() and p.suffix != ".gz"}


def assert_same_as_clean_build(project: Path, served: Path, tmp_path: Path) -> None:
    clean = tmp_path / f"clean-{time.monotonic_ns()}"
    site_build(project, clean, fresh=True)
    got, expected = files_of(served), files_of(clean)
    assert sorted(got) == sorted(expected)
    assert [name for name in expected if got[name] != expected[name]] == []


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return copy_project(root, FIXTURE_KB)


def test_an_edit_shows_and_the_site_is_a_clean_build(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site_build(project, site)
    edit(project / "data/people/jo-leader.yaml", "Jo Leader is a fictional person.", "Jo Leader now leads from afar.")
    site_build(project, site)
    assert "Jo Leader now leads from afar." in (site / "people/jo-leader/index.html").read_text(encoding="utf-8")
    assert "Jo Leader now leads from afar." in (site / "sources/alpha-report/index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(project, site, tmp_path)


def test_an_inverse_relationship_follows_an_edit(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site_build(project, site)
    edit(project / "data/groups/red-front.yaml", "since: 2020", "since: 2011")
    site_build(project, site)
    assert "since 2011" in (site / "people/jo-leader/index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(project, site, tmp_path)


def test_configuration_and_theme_edits_reach_every_page(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site_build(project, site)

    edit(project / "mkdocs.yml", "site_name: Khorasan Brief", "site_name: Renamed Brief")
    site_build(project, site)
    assert "Renamed Brief" in (site / "groups/blue-league/index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(project, site, tmp_path)

    overrides = project / "site_src/overrides"
    (overrides / "main.html").write_text('{% extends "base.html" %}\n{% block footer %}Theme marker{% endblock %}\n')
    site_build(project, site)
    assert "Theme marker" in (site / "groups/blue-league/index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(project, site, tmp_path)


def test_a_failed_rebuild_then_a_fix(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site_build(project, site)
    person = project / "data/people/jo-leader.yaml"
    original = person.read_text(encoding="utf-8")
    edit(person, "role: ", "rolle: ")
    with pytest.raises(Exception):  # MkDocs turns the plugin's error into an Abort
        site_build(project, site)
    assert (site / "people/jo-leader/index.html").is_file()  # the previous site stays

    person.write_text(original.replace("fictional person", "fictional person, fixed"), encoding="utf-8")
    site_build(project, site)
    assert "fictional person, fixed" in (site / "people/jo-leader/index.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(project, site, tmp_path)


def _shows(url: str, text: str) -> bool:
    """Whether the page comes to show text (a generous limit: this checks behaviour, not speed)."""
    try:
        wait_for(url, text, time.perf_counter(), limit=120.0)
    except TimeoutError:
        return False
    return True


def test_mkdocs_serve_shows_yaml_edits(project: Path, tmp_path: Path) -> None:
    with serving(project, tmp_path / "serve.log") as base:
        assert _shows(base + "people/jo-leader/", "Jo Leader is a fictional person."), "server did not start"
        edit(project / "data/people/jo-leader.yaml", "Jo Leader is a fictional person.", "Jo Leader, edited while serving.")
        assert _shows(base + "people/jo-leader/", "Jo Leader, edited while serving.")
        # An edit on one profile reaches the other one through the inverse relationship.
        edit(project / "data/groups/red-front.yaml", "since: 2020", "since: 2012")
        assert _shows(base + "people/jo-leader/", "since 2012")
        # And the reused pages still come out whole.
        assert "Blue League" in fetch(base + "groups/blue-league/")
        # The exports follow the pages a moment later.
        assert _shows(base + "exports/all.json", "Jo Leader, edited while serving.")


STARTUP_SECONDS = 90


CHANGE_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    log: Path
    url: str

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def get(self, path: str) -> str | None:
        try:
            with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=10) as response:
                return response.read().decode("utf-8")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

    def wait_for(self, what: str, check: Callable[[], bool], seconds: float = CHANGE_SECONDS) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the server stopped while waiting for {what}:\n{self.output()}"
            if check():
                return
            time.sleep(0.25)
        pytest.fail(f"no {what} within {seconds} s; server output:\n{self.output()[-4000:]}")

    def wait_for_page(self, path: str, text: str) -> str:
        self.wait_for(f"'{text}' on /{path}", lambda: text in (self.get(path) or ""))
        return self.get(path) or ""


@pytest.fixture
def server(fixture_project: Path, tmp_path: Path) -> Iterator[Server]:
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=fixture_project,
            env=ENV,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    running = Server(process, log, f"http://127.0.0.1:{port}/")
    try:
        running.wait_for("server start", lambda: running.get("") is not None, STARTUP_SECONDS)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


LIVERELOAD_TAG = re.compile(r'data-epoch="(\d+)" data-request="(\d+)"')


def epoch(html: str) -> str:
    """The build the page was served from, as the live-reload script's tag gives it (livereload.py)."""
    match = LIVERELOAD_TAG.search(html)
    assert match, "the served page has no livereload script"
    return match.group(1)


def without_epoch(html: str) -> str:
    return LIVERELOAD_TAG.sub('data-epoch="" data-request=""', html)


def test_edits_to_data_briefs_and_templates_reload(server: Server, fixture_project: Path) -> None:
    page = server.get("groups/red-front/") or ""
    assert "is a fictional group used by the tests" in page
    first = epoch(page)

    edit(fixture_project / "data/groups/red-front.yaml", "is a fictional group", "is an invented group")
    page = server.wait_for_page("groups/red-front/", "is an invented group")
    assert epoch(page) != first
    # What an open browser tab does: its long poll on the old build returns at once with the new one.
    assert server.get(f"livereload/{first}/1") == epoch(page)

    edit(fixture_project / "briefs/test-brief.md", "is a test group", "is a group made up for tests")
    server.wait_for_page("briefs/test-brief/", "is a group made up for tests")

    override = fixture_project / "site_src/overrides/generator/groups_index.md.j2"
    override.write_text("# Groups\n\nOverridden index listing {{ kb.profiles | length }} profiles.\n", encoding="utf-8")
    server.wait_for_page("groups/", "Overridden index listing 4 profiles.")
    assert "Traceback" not in server.output()


def test_a_broken_file_is_reported_and_the_server_recovers(server: Server, fixture_project: Path) -> None:
    red = fixture_project / "data/groups/red-front.yaml"
    good = server.get("groups/red-front/") or ""
    assert "Red Front" in good

    edit(red, "type: militant-group", "typ: militant-group")
    line = red.read_text(encoding="utf-8").splitlines().index("typ: militant-group") + 1
    expected = f"data/groups/red-front.yaml:{line}:1: unknown key 'typ'; did you mean 'type'?"
    server.wait_for("the problem in the server output", lambda: expected in server.output())
    # The last good build is still served (only the livereload script's build number moves on).
    assert without_epoch(server.get("groups/red-front/") or "") == without_epoch(good)
    assert "Not rebuilt" in server.output()

    edit(red, "typ: militant-group", "type: militant-group")
    edit(red, "is a fictional group", "is a repaired group")
    server.wait_for_page("groups/red-front/", "is a repaired group")

    override = fixture_project / "site_src/overrides/generator/groups_index.md.j2"
    override.write_text("# Groups\n\n{{ kb.profiles | length }\n", encoding="utf-8")
    template_problem = "site_src/overrides/generator/groups_index.md.j2:3:1: template error:"
    server.wait_for("the template problem in the server output", lambda: template_problem in server.output())
    override.write_text("# Groups\n\nFixed template, {{ kb.profiles | length }} profiles.\n", encoding="utf-8")
    server.wait_for_page("groups/", "Fixed template, 4 profiles.")

    assert server.process.poll() is None
    assert "Traceback" not in server.output()


def test_an_open_browser_tab_reloads_by_itself(server: Server, fixture_project: Path, browser) -> None:  # type: ignore[no-untyped-def]
    # wait_for_function evaluates its predicate with eval(), which the site's CSP rightly refuses.
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(server.url + "groups/red-front/")
        assert "is a fictional group" in page.inner_text("article")
        page.evaluate("window.untouched = true")  # gone once the page has reloaded

        edit(fixture_project / "data/groups/red-front.yaml", "is a fictional group", "is a reloaded group")
        page.wait_for_function(
            "document.querySelector('article')?.innerText.includes('is a reloaded group')",
            timeout=CHANGE_SECONDS * 1000,
        )
        assert page.evaluate("window.untouched") is None
    finally:
        context.close()


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


def test_an_alias_added_while_serving_finds_its_profile(project: Path, tmp_path: Path) -> None:
    with serving(project, tmp_path / "serve.log") as base:
        assert wait_until(lambda: served_pages_named(base, "Front Rouge") == ["groups/red-front/"], "the first index")
        profile = project / "data" / "groups" / "red-front.yaml"
        text = profile.read_text(encoding="utf-8")
        assert "{name: Front Rouge, cite: [beta-news]}" in text
        profile.write_text(text.replace("{name: Front Rouge, cite: [beta-news]}", "{name: Zorblat Front, cite: [beta-news]}"), encoding="utf-8")
        wait_until(lambda: "Zorblat Front" in fetch(base + "groups/red-front/"), "the rebuilt page")
        wait_until(lambda: served_pages_named(base, "Zorblat Front") == ["groups/red-front/"], "the new alias in the index")
        assert served_pages_named(base, "Front Rouge") == []
    log = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and "search index not updated" not in log


HOSTILE_BRIEF = """---
title: A hostile brief
date: 2024-04
summary: Every way a brief might try to run script.
---
A [link](java\\script:window.__briefRan=1) and a [reference][r].

A paragraph that runs a script when clicked.
{: onclick="window.__briefRan=2" }

A paragraph split by a line separator.\u2028{: onmouseover="window.__briefRan=3" }

An ![image](https://tracker.example/p.png) and a footnote of its own.[^9]

[^9]: [Ministry](https://elsewhere.example/), para 1.

[r]: vb\\script:window.__briefRan=4
"""


PROBE = "# Probe\n\n<script>window.__probeRan = true;</script>\n"


@pytest.fixture
def probe(fixture_project: Path) -> Path:
    """A hand-written page (not held to the allow-list, as briefs are) with inline script in its content."""
    page = fixture_project / "site_src" / "probe.md"
    page.write_text(PROBE, encoding="utf-8")
    return page


def open_recording(browser, url: str):  # type: ignore[no-untyped-def]
    """A page that records its policy violations (test_csp.RECORD_VIOLATIONS), once loaded: live reload's
    long poll keeps the network busy, so not until it is quiet."""
    page = browser.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(url)
    page.wait_for_load_state("load")
    return page


def test_the_preview_keeps_the_strict_policy_and_still_reloads(probe: Path, server: Server, browser, fixture_project: Path) -> None:  # type: ignore[no-untyped-def]
    served = server.get("groups/red-front/") or ""
    policy = directives(read_head(served).policy[0])
    assert "'unsafe-inline'" not in policy["script-src"] and any(s.startswith("'sha256-") for s in policy["script-src"])
    assert not re.search(r"<script>[^<]*livereload", served)  # no inline live-reload script

    page = open_recording(browser, server.url + "groups/red-front/")
    assert page.evaluate("window.__violations") == []
    edit(fixture_project / "data/groups/red-front.yaml", "is a fictional group", "is a reloaded group")
    # Live reload: the open page reloads by itself once the rebuild is served.
    page.get_by_text("is a reloaded group").first.wait_for(timeout=120_000)
    assert page.evaluate("window.__violations") == []

    probe_page = open_recording(browser, server.url + "probe/")
    assert probe_page.evaluate("window.__probeRan === undefined")
    assert any(v.startswith("script-src") for v in probe_page.evaluate("window.__violations"))


def test_no_brief_can_run_script_under_serve(server: Server, browser, fixture_project: Path) -> None:  # type: ignore[no-untyped-def]
    good = server.get("briefs/") or ""
    (fixture_project / "briefs" / "hostile.md").write_text(HOSTILE_BRIEF, encoding="utf-8")
    server.wait_for("the problems in the server output", lambda: "briefs/hostile.md:" in server.output() and "Not rebuilt" in server.output())
    for expected in [
        "briefs/hostile.md:6:",  # the escaped javascript: link
        "briefs/hostile.md:9:1: attribute list sets onclick=",
        "briefs/hostile.md:11:",  # the line separator and the attribute list it hides
        "briefs/hostile.md:13:",  # the image from another host, the footnote
        "briefs/hostile.md:15:1: a brief cannot write footnotes",
    ]:
        assert expected in server.output(), expected
    assert server.get("briefs/hostile/") is None  # never built
    assert epoch(server.get("briefs/") or "") and "hostile" not in (server.get("briefs/") or "") and good
    for url in ["briefs/", "briefs/test-brief/", "groups/red-front/"]:
        page = open_recording(browser, server.url + url)
        for element in page.locator("p, img").all()[:40]:
            element.dispatch_event("click")
            element.dispatch_event("mouseover")
        assert page.evaluate("window.__briefRan === undefined"), url
        assert page.evaluate("window.__violations") == [], url
        page.close()


CRASH_HOOK = """
def on_page_markdown(markdown, page, **kwargs):
    if "CRASH" in markdown:
        raise RecursionError("maximum recursion depth exceeded")
    return markdown
"""


@pytest.fixture
def crashing_project(fixture_project: Path) -> Path:
    (fixture_project / "crash.py").write_text(CRASH_HOOK, encoding="utf-8")
    config = fixture_project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - crash.py\n", encoding="utf-8")
    return fixture_project


def test_a_crash_in_a_rebuild_does_not_hang_the_server(crashing_project: Path, server: Server) -> None:
    red = crashing_project / "data/groups/red-front.yaml"
    good = server.get("groups/red-front/") or ""
    edit(red, "is a fictional group", "is a CRASH group")
    server.wait_for("the crash in the server output", lambda: "The rebuild failed: RecursionError" in server.output())
    # Served at once, not held: the last good build, whole.
    page = server.get("groups/red-front/") or ""
    assert "is a fictional group" in page and "CRASH" not in page
    assert server.get("groups/blue-league/") is not None and good
    edit(red, "is a CRASH group", "is a mended group")
    server.wait_for_page("groups/red-front/", "is a mended group")
