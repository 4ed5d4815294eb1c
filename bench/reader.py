"""What a reader downloads, measured in Chromium: the first view of a profile page, and a search for
one of its aliases, on a built site served from a plain local folder (the standard library's
http.server, as a reader would open it).

Bytes are counted per response as a server with gzip would send them: the body as Chromium received
it, compressed with gzip at level 6 (the default of Apache's mod_deflate and of Python's gzip) when
its type is text (HTML, CSS, JavaScript, JSON, SVG, XML), as-is otherwise (images, fonts, files
already compressed), plus the response headers as the server sent them. http.server itself
compresses nothing, so the raw bytes are reported too.

The search is typed into Material's search box as a reader types it (one key every 100 ms) and,
in a fresh browser, pasted at once. Its time runs from the last keystroke (keydown) to the moment the
result list shows the profile first and keeps it first until the search is done (the worker idle,
no request outstanding): a list that showed it first and then lost it does not count. Its bytes are
those of every request made from the click into the box to the end.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
TEXT_TYPES = re.compile(r"^(text/|application/(javascript|x-javascript|json|xml|atom\+xml|manifest\+json)|image/svg\+xml)")
TYPING_DELAY_MS = 100
LIMIT_MS = 120_000  # a limit for each state to be reached, not a wait

# Installed before the page's own scripts: when the last key went down, and every rendering of the
# result list after it (its time and first link), so that the page's own clock does the timing.
WATCH = """
window.__kb = {lastKey: 0, renders: []};
document.addEventListener("keydown", () => { window.__kb.lastKey = performance.now(); window.__kb.renders = []; }, true);
document.addEventListener("DOMContentLoaded", () => {
  const list = document.querySelector(".md-search-result__list");
  if (!list) return;
  new MutationObserver(() => {
    const first = list.querySelector(":scope > li a.md-search-result__link");
    window.__kb.renders.push([performance.now(), first ? first.href : ""]);
  }).observe(list, {childList: true});
});
"""


@dataclass
class Transfer:
    requests: int = 0
    raw_bytes: int = 0  # as http.server sent them (bodies and headers)
    gzip_bytes: int = 0  # as a server with gzip would send them
    by_type: dict[str, int] = field(default_factory=dict)  # gzip bytes by kind of file
    largest: list[tuple[str, int]] = field(default_factory=list)  # the five largest (path, gzip bytes)


@dataclass
class SearchFigures:
    how: str  # "typed" or "pasted"
    query: str
    first_ms: float | None  # from the last keystroke to the profile first for good; None: never first
    results: int  # result items shown
    transfer: Transfer


@dataclass
class ReaderResult:
    page: str  # the profile page's path
    first_view: Transfer
    searches: list[SearchFigures]
    skipped: str = ""  # why nothing was measured

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(root: Path, handler_class: type[http.server.SimpleHTTPRequestHandler] = _Quiet, prefix: str = "/") -> Iterator[str]:
    """A local server of ``root`` in a thread, for as long as the block runs: its address (with ``prefix``)."""
    handler = functools.partial(handler_class, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def pick_profile(site: Path) -> tuple[str, str]:
    """The most linked profile that has an alias of five letters or more: (page path, alias). Other
    pages name a profile by its aliases too, so a search for it has rivals."""
    graph = json.loads((site / "graph.json").read_text(encoding="utf-8"))
    degree: dict[str, int] = {}
    for edge in graph.get("edges", []):
        for end in (edge.get("source"), edge.get("target")):
            degree[end] = degree.get(end, 0) + 1
    candidates = [node for node in graph["nodes"] if any(len(alias) >= 5 for alias in node.get("aliases", []))]
    best = max(candidates, key=lambda node: (degree.get(node["id"], 0), node["id"]))
    alias = next(alias for alias in best["aliases"] if len(alias) >= 5)
    return urlsplit(urljoin("http://x/", best["url"])).path.lstrip("/"), alias


def gzip_size(body: bytes, content_type: str) -> int:
    return len(gzip.compress(body, 6)) if TEXT_TYPES.match(content_type) else len(body)


class Recorder:
    """Every response a browser context receives, kept until counted, and the requests still open."""

    def __init__(self, context: Any) -> None:
        self.responses: list[Any] = []
        self.open = 0
        self.changed = time.monotonic()
        context.on("response", lambda response: self.responses.append(response))
        context.on("request", lambda _: self._count(+1))
        context.on("requestfinished", lambda _: self._count(-1))
        context.on("requestfailed", lambda _: self._count(-1))

    def _count(self, step: int) -> None:
        self.open += step
        self.changed = time.monotonic()

    def settle(self, page: Any, quiet: float = 0.5) -> None:
        """Until no request has been open, and the result list has not changed, for ``quiet``
        seconds: the page and its search worker are done. (Playwright's "networkidle" is a state
        of the page's loading, reached once; it does not wait for the requests of a later search.)"""
        deadline = time.monotonic() + LIMIT_MS / 1000
        renders = -1
        while time.monotonic() < deadline:
            count = page.evaluate("window.__kb.renders.length")
            if count != renders:
                renders, self.changed = count, max(self.changed, time.monotonic())
            if self.open <= 0 and time.monotonic() - self.changed >= quiet:
                return
            page.wait_for_timeout(50)
        raise TimeoutError(f"the page was still busy after {LIMIT_MS / 1000:.0f} s")

    def mark(self) -> int:
        return len(self.responses)

    def transfer(self, since: int = 0) -> Transfer:
        total = Transfer()
        sizes: list[tuple[str, int]] = []
        for response in self.responses[since:]:
            try:
                body = response.body()
            except Exception:  # noqa: BLE001 - a redirect or an aborted request has no body
                body = b""
            headers = response.request.sizes().get("responseHeadersSize", 0)
            kind = (response.headers.get("content-type") or "").split(";")[0].strip()
            packed = gzip_size(body, kind) + max(headers, 0)
            total.requests += 1
            total.raw_bytes += len(body) + max(headers, 0)
            total.gzip_bytes += packed
            label = _label(kind, response.url)
            total.by_type[label] = total.by_type.get(label, 0) + packed
            sizes.append((urlsplit(response.url).path, packed))
        total.largest = sorted(sizes, key=lambda item: -item[1])[:5]
        return total


def _label(kind: str, url: str) -> str:
    path = urlsplit(url).path
    if "/search/" in path:
        return "search index"
    for label, test in (("html", "html"), ("css", "css"), ("js", "javascript"), ("json", "json"), ("font", "font")):
        if test in kind:
            return label
    return kind or "other"


def measure_reader(site: Path) -> ReaderResult:
    """The first view of the most linked profile, then a search for its alias, typed and pasted."""
    page, alias = pick_profile(site)
    if not CHROMIUM.exists():
        return ReaderResult(page, Transfer(), [], skipped=f"{CHROMIUM} is absent")
    from playwright.sync_api import sync_playwright

    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            first_view, typed = _view_and_search(browser, base, page, alias, typed=True)
            _, pasted = _view_and_search(browser, base, page, alias, typed=False)
        finally:
            browser.close()
    return ReaderResult(page, first_view, [typed, pasted])


def _view_and_search(browser: Any, base: str, page_path: str, alias: str, *, typed: bool) -> tuple[Transfer, SearchFigures]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.add_init_script(WATCH)
    recorder = Recorder(context)
    page = context.new_page()
    page.goto(base + page_path, wait_until="load")
    recorder.settle(page)
    first_view = recorder.transfer()
    mark = recorder.mark()
    box = page.locator("input.md-search__input")
    box.click()
    if typed:
        page.keyboard.type(alias, delay=TYPING_DELAY_MS)
    else:
        box.fill(alias)
        page.keyboard.press("End")  # Material reads the query on keyup
    recorder.settle(page)
    wanted = base + page_path
    renders = page.evaluate("window.__kb.renders")
    last_key = page.evaluate("window.__kb.lastKey")
    first_ms = _first_for_good(renders, last_key, wanted)
    results = page.locator(".md-search-result__list > li").count()
    figures = SearchFigures("typed" if typed else "pasted", alias, first_ms, results, recorder.transfer(mark))
    context.close()
    return first_view, figures


def _first_for_good(renders: list[list[Any]], last_key: float, wanted: str) -> float | None:
    """Milliseconds from the last keystroke to the rendering from which the profile stays first."""
    since = None
    for at, href in renders:
        if at < last_key:
            continue
        if urlsplit(href).path == urlsplit(wanted).path:
            since = at if since is None else since
        else:
            since = None
    return None if since is None else since - last_key


def reader_table(result: ReaderResult, size: int) -> str:
    """The figures as Markdown, against the targets of issue 18 (section 3)."""
    if result.skipped:
        return f"What a reader downloads at N={size:,}: not measured ({result.skipped})"
    view = result.first_view
    kinds = ", ".join(f"{kind} {value / 1024:.0f}" for kind, value in sorted(view.by_type.items(), key=lambda item: -item[1]))
    lines = [
        f"What a reader downloads at N={size:,} (Chromium; KB as a gzip server would send them, KB = 1,024 bytes):",
        "",
        "| | requests | transferred (gzip) | as http.server sent it | time | target |",
        "|---|---:|---:|---:|---:|---|",
        f"| first view of {result.page} | {view.requests} | {view.gzip_bytes / 1024:.0f} KB | {view.raw_bytes / 1024:.0f} KB | | < 600 KB |",
    ]
    for search in result.searches:
        shown = "never first" if search.first_ms is None else f"{search.first_ms:.0f} ms"
        lines.append(
            f'| search "{search.query}" {search.how} ({search.results} results) | {search.transfer.requests} '
            f"| {search.transfer.gzip_bytes / 1024:.0f} KB | {search.transfer.raw_bytes / 1024:.0f} KB | {shown} | first < 300 ms, < 1 MB |"
        )
    lines.append(f"\nFirst view by kind (KB): {kinds}")
    return "\n".join(lines)
