"""`mkdocs serve`: edits to data, briefs and templates show up by themselves; a mistake is reported as
FILE:LINE:COL while the server keeps serving the last good site, and it recovers once the file is fixed.

MkDocs 1.6 rebuilds in LiveReloadServer._build_loop: a PluginError makes build() raise Abort (a
SystemExit), which the loop prints and survives, but it then holds every page request until a rebuild
succeeds. The plugin's rebuild wrapper lets the last good build be served instead (see plugin.py).
"""

from __future__ import annotations

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
from browser import CHROMIUM, LAUNCH_ARGS, MISSING
from conftest import ENV

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
            cwd=fixture_project, env=ENV, stdout=out, stderr=subprocess.STDOUT,
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

    edit(red, "type: militant group", "typ: militant group")
    line = red.read_text(encoding="utf-8").splitlines().index("typ: militant group") + 1
    expected = f"data/groups/red-front.yaml:{line}:1: unknown key 'typ'; did you mean 'type'?"
    server.wait_for("the problem in the server output", lambda: expected in server.output())
    # The last good build is still served (only the livereload script's build number moves on).
    assert without_epoch(server.get("groups/red-front/") or "") == without_epoch(good)
    assert "Not rebuilt" in server.output()

    edit(red, "typ: militant group", "type: militant group")
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


def test_an_open_browser_tab_reloads_by_itself(server: Server, fixture_project: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip(MISSING)
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (test extra) drives the browser")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            # wait_for_function evaluates its predicate with eval(), which the site's CSP rightly refuses.
            page = browser.new_page(bypass_csp=True)
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
            browser.close()
