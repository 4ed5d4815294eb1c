"""Under `mkdocs serve` (which CONTRIBUTING asks reviewers to use) no brief can run script, the preview
keeps the published site's Content-Security-Policy while live reload still works, and a crash in a
rebuild does not hang the server: it goes on serving the last good build.

Real server, real browser (Debian's Chromium through Playwright); every wait is for a state.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_csp import RECORD_VIOLATIONS, directives, read_head
from test_live_preview import Server, edit, epoch, server  # noqa: F401 - the fixture is used by name

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


def open_page(browser, url: str):  # type: ignore[no-untyped-def]
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

    page = open_page(browser, server.url + "groups/red-front/")
    assert page.evaluate("window.__violations") == []
    edit(fixture_project / "data/groups/red-front.yaml", "is a fictional group", "is a reloaded group")
    # Live reload: the open page reloads by itself once the rebuild is served.
    page.get_by_text("is a reloaded group").first.wait_for(timeout=120_000)
    assert page.evaluate("window.__violations") == []

    probe_page = open_page(browser, server.url + "probe/")
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
        page = open_page(browser, server.url + url)
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
