"""The Content-Security-Policy: every page carries a strict policy that allows exactly the theme's own
inline scripts (by hash), nothing from the page content, and the site still works under it in a real
browser (Debian chromium driven by Playwright; skipped only when /usr/bin/chromium is absent)."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser import explore, serve
from conftest import FIXTURE_KB, Site, copy_project, mkdocs_build

from generator.mkdocs_adapter.csp import apply_policy

PROBE_SCRIPT = "window.__probeRan = true;"


class Head(HTMLParser):
    """The policy, inline scripts (text and type), and what precedes the policy in the document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.policy: list[str] = []
        self.before_policy: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.handlers: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "content-security-policy":
            self.policy.append(attributes.get("content") or "")
        elif not self.policy and (tag == "script" or (tag == "link" and attributes.get("rel") == "stylesheet")):
            self.before_policy.append(tag)
        self.handlers += [f"{tag} {name}" for name, _ in attrs if name.startswith("on") or name == "style"]
        if tag == "script":
            self._script, self._text = attributes, []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None


def read_head(page: str) -> Head:
    head = Head()
    head.feed(page)
    head.close()
    return head


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in policy.split(";")) if d}


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_allows_exactly_its_inline_scripts(fixture_site: Site) -> None:
    pages = html_pages(fixture_site.root)
    themed = [p for p in pages if "__config" in p.read_text(encoding="utf-8")]  # pages the theme laid out
    assert len(themed) > 10 and fixture_site.root / "404.html" in themed
    for path in pages:
        head = read_head(path.read_text(encoding="utf-8"))
        assert len(head.policy) == 1, path
        assert head.before_policy == [], path  # a meta policy governs only what follows it
        policy = directives(head.policy[0])
        assert policy["default-src"] == ["'none'"] and policy["base-uri"] == ["'none'"], path
        assert "'unsafe-inline'" not in head.policy[0] and "'unsafe-eval'" not in head.policy[0]
        assert head.handlers == [], path  # inline handlers and style attributes would be refused
        runnable = [text for attrs, text in head.scripts if "src" not in attrs and attrs.get("type") in (None, "text/javascript")]
        if path not in themed:  # a standalone page (an alias's redirect) runs no script at all
            assert runnable == [] and "script-src" not in policy, path
            continue
        assert policy["object-src"] == ["'none'"]
        assert runnable, path  # Material's inline scripts are there to be allowed
        assert sorted(policy["script-src"]) == sorted({"'self'", *map(sha256_source, runnable)}), path


def probe_project(base: Path) -> Path:
    """The fixture knowledge base plus a hand-written page whose content tries to run inline code."""
    project = copy_project(base, FIXTURE_KB)
    (project / "site_src" / "probe.md").write_text(
        "# Probe\n\n<script>" + PROBE_SCRIPT + '</script>\n\n<img src="missing.png" onerror="window.__probeRan = true">\n',
        encoding="utf-8",
    )
    return project


@pytest.fixture(scope="module")
def probe_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = probe_project(tmp_path_factory.mktemp("probe"))
    result = mkdocs_build(project, project / "site")
    assert result.code == 0, result.err
    return project / "site"


def test_a_script_in_page_content_gets_no_hash(probe_site: Path) -> None:
    page = (probe_site / "probe" / "index.html").read_text(encoding="utf-8")
    assert f"<script>{PROBE_SCRIPT}</script>" in page
    policy = read_head(page).policy[0]
    assert sha256_source(PROBE_SCRIPT) not in policy
    assert "'sha256-" in policy  # while the theme's own scripts are allowed


def test_the_relaxed_preview_policy_allows_inline_scripts_for_live_reload() -> None:
    """Where `mkdocs serve` injects its reload script inline (a server whose injection livereload.py
    cannot replace), with a new number on every request, no hash can name it: only then does the
    preview allow inline scripts (test_preview_security.py shows the strict preview of MkDocs 1.6)."""
    page = "<html><head><meta content=\"script-src 'self' __KB_CSP_SCRIPT_HASHES__\"><script>a()</script>"
    served = apply_policy(page, serving=True)
    built = apply_policy(page)
    assert "script-src 'self' 'unsafe-inline'\"" in served
    assert f"script-src 'self' {sha256_source('a()')}\"" in built


# -- in a browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(probe_site: Path) -> Iterator[str]:
    with serve(probe_site) as url:
        yield url


# Recorded from the first script of every document, before the page's own scripts run.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def open_page(browser, base: str):  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: console.append(f"page error: {error}"))
    return page, console


def test_pages_and_search_run_without_a_violation(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    page, console = open_page(browser, served)
    # The home page, a profile, the pages with their own scripts (network graph, timeline), 404.
    for url in ["", "groups/red-front/", "network/", "timeline/", "sources/", "briefs/test-brief/", "no-such-page/"]:
        page.goto(served + url)
        if url == "network/":
            explore(page)  # the graph library comes at the first use of the picture
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__violations") == [], url
    page.goto(served + "groups/red-front/")
    # Material's search: a web worker loads the index and answers as the reader types.
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("fictional", delay=30)
    page.locator(".md-search-result__item").first.wait_for(timeout=60_000)  # a limit, not a wait
    assert page.locator(".md-search-result__item").count() > 0
    assert page.evaluate("window.__violations") == []
    assert [line for line in console if "Content Security Policy" in line or "page error" in line] == []
    page.close()


def test_the_policy_blocks_inline_code_from_page_content(browser, served: str) -> None:  # type: ignore[no-untyped-def]
    """The control: the same listener does see violations, and the probe's code never runs."""
    page, console = open_page(browser, served)
    page.goto(served + "probe/")
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__violations")
    assert any(v.startswith("script-src") for v in violations), violations
    assert page.evaluate("window.__probeRan === undefined")
    assert re.search(r"Content Security Policy", " ".join(console))
    page.close()
