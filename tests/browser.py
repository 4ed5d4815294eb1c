"""Helpers for tests that read the built site in a real browser: Debian's Chromium, driven by Playwright.

Nothing here downloads a browser: Playwright is pointed at /usr/bin/chromium. Sites are served by
the standard library's http.server on 127.0.0.1, the way a reader would open a plain folder.
"""

from __future__ import annotations

import functools
import http.server
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the standard library's name
        pass


class _PagesHandler(_QuietHandler):
    """As GitHub Pages serves a project site: under /<prefix>/, and 404.html for anything missing."""

    prefix = "/"

    def send_head(self):  # type: ignore[no-untyped-def]
        path = self.path.split("?", 1)[0]
        if not path.startswith(self.prefix):
            return self._not_found()
        self.path = "/" + self.path[len(self.prefix):]
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


@contextmanager
def serve(root: Path, prefix: str = "") -> Iterator[str]:
    """Serve a built site folder; yields its base URL, http://127.0.0.1:<port>/. With a prefix
    ("khorasan-brief"), the site is served under that sub-path, and a missing page gets 404.html
    with status 404, as GitHub Pages serves a project's site."""
    if prefix:
        handler = functools.partial(type("Pages", (_PagesHandler,), {"prefix": f"/{prefix}/"}), directory=str(root))
    else:
        handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/" + (f"{prefix}/" if prefix else "")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
