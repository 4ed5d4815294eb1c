"""Helpers for tests that read the built site in a real browser: Debian's Chromium, driven by Playwright.

Nothing here downloads a browser: Playwright is pointed at /usr/bin/chromium. Sites are served by
the standard library's http.server on 127.0.0.1, the way a reader would open a plain folder.
"""

from __future__ import annotations

import functools
import http.server
import io
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING = f"{CHROMIUM} is absent: install Debian's chromium package (apt-get install chromium) to run the browser tests"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _PagesHandler(_QuietHandler):
    """As GitHub Pages serves a project site: under /<prefix>/, and 404.html for anything missing."""

    prefix = "/"

    def send_head(self):  # type: ignore[no-untyped-def]
        path = self.path.split("?", 1)[0]
        if not path.startswith(self.prefix):
            return self._not_found()
        self.path = "/" + self.path[len(self.prefix) :]
        local = Path(self.translate_path(self.path))
        if not (local.is_file() or (local.is_dir() and (local / "index.html").is_file())):
            return self._not_found()
        return super().send_head()

    def _not_found(self):  # type: ignore[no-untyped-def]
        page = Path(self.directory) / "404.html"
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that stops reading (it left the page, or had what it needed) is not an error of
        the page: it would print a traceback in the middle of the test run."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(root: Path, prefix: str = "") -> Iterator[str]:
    """Serve a built site folder; yields its base URL, http://127.0.0.1:<port>/. With a prefix
    ("khorasan-brief"), the site is served under that sub-path, and a missing page gets 404.html
    with status 404, as GitHub Pages serves a project's site."""
    if prefix:
        handler = functools.partial(type("Pages", (_PagesHandler,), {"prefix": f"/{prefix}/"}), directory=str(root))
    else:
        handler = functools.partial(_QuietHandler, directory=str(root))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/" + (f"{prefix}/" if prefix else "")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class Outside:
    """Every request a context makes that is not for the local server; each is refused."""

    def __init__(self, context: Any) -> None:
        self.requests: list[str] = []
        context.route(re.compile(r".*"), self._route)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1" or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def open_page(browser: Any, url: str, *, viewport: dict[str, int] = DESKTOP, scheme: str = "light", javascript: bool = True) -> Any:
    """A page at ``url`` in a context of its own, once the network is quiet."""
    context = browser.new_context(viewport=viewport, color_scheme=scheme, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page


def until(page: Any, condition: str, timeout: float = 20.0) -> None:
    """Wait for a state the page reaches by itself (a scroll coming to rest). The site's CSP forbids
    eval, so Playwright's wait_for_function cannot run: the condition is asked again until it holds."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(condition):
        assert time.monotonic() < deadline, f"never true: {condition}"
        page.wait_for_timeout(50)


def serious_violations(page: Any) -> list[str]:
    """What axe-core finds serious or critical on the page, once its graph (if any) is drawn: by the
    library, or the picture made at build time that the network page opens on."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    page.wait_for_load_state("networkidle")
    graph = page.locator(".kb-graph")
    if graph.count():
        expect(graph.first).to_have_attribute("data-ready", SETTLED)
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


# A graph standing still: the picture made at build time, before the reader's first use, or the
# library's picture, laid out.
SETTLED = re.compile(r"^(static|true)$")


def explore(page: Any, selector: str = ".kb-graph--full") -> None:
    """The library's picture, laid out: the network page opens on a picture made at build time, and a
    reader's first use of it (here: pointing at it) loads the library (kb-network.js, onFirstUse)."""
    from playwright.sync_api import expect

    graph = page.locator(selector).first
    expect(graph).to_have_attribute("data-ready", re.compile(r"^(static|true|false)$"))
    if graph.get_attribute("data-ready") == "static":
        graph.locator(".kb-netmap").hover()
        page.mouse.move(0, 0)  # and away again: no profile stays lit under a pointer left there
    expect(graph).to_have_attribute("data-ready", "true")


def node_ids(page: Any, selector: str) -> set[str]:
    return set(page.locator(selector).evaluate("el => el.cy.nodes().map(n => n.id())"))


def node_at(page: Any, selector: str, node_id: str) -> tuple[float, float]:
    """Where a node is on the screen, once it stands still there: the library's picture is laid out
    (data-ready), the node is in view, clear of the sticky header, and its position (the page's
    scroll and the picture's own) is the same on two animation frames running. A state, not a time."""

    graph = page.locator(selector)
    explore(page, selector)
    graph.evaluate(
        """(el, id) => {
            const node = el.cy.getElementById(id);
            if (!node.visible()) throw new Error(id + ' is not in the picture');
            el.cy.center(node);
            el.querySelector('.kb-graph-canvas').scrollIntoView({block: 'center', behavior: 'instant'});
        }""",
        node_id,
    )
    return tuple(graph.evaluate(STILL, node_id))  # type: ignore[return-value]


# Resolves with the node's place on screen once it is the same on two frames running (at most ~10 s
# of frames: a picture that never settles is a failure, reported as such).
STILL = """(el, id) => new Promise((resolve, reject) => {
    const where = () => {
        const box = el.querySelector('.kb-graph-canvas').getBoundingClientRect();
        const at = el.cy.getElementById(id).renderedPosition();
        return [box.left + at.x, box.top + at.y];
    };
    let last = where(), frames = 0;
    const check = () => requestAnimationFrame(() => requestAnimationFrame(() => {
        const now = where();
        if (now[0] === last[0] && now[1] === last[1]) return resolve(now);
        last = now;
        if (++frames > 600) return reject(new Error('the node never stood still'));
        check();
    }));
    check();
})"""


def click_node(page: Any, selector: str, node_id: str) -> None:
    x, y = node_at(page, selector, node_id)
    page.mouse.click(x, y)


def path_of(url: str) -> str:
    return urlsplit(url).path


def search(page: Any, base: str, query: str) -> list[str]:
    """Type a query into Material's search box as a reader pastes it; the paths of the results, in order."""
    from playwright.sync_api import expect

    page.goto(base)
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)  # all at once: no result list for a shorter query can appear in between
    box.press("End")  # Material reads the query on keyup
    first = page.locator(".md-search-result__list > li > a.md-search-result__link").first
    expect(first).to_be_attached()
    pages = page.locator(".md-search-result__list > li").evaluate_all("items => items.map(li => li.querySelector('a.md-search-result__link').href)")
    return [path_of(href) for href in pages]
