"""Helpers for tests that read the built site in a real browser: Debian's Chromium, driven by Playwright.

Nothing here downloads a browser: Playwright is pointed at /usr/bin/chromium. Sites are served by
the standard library's http.server on 127.0.0.1, the way a reader would open a plain folder.
"""

from __future__ import annotations

import functools
import http.server
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


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve a built site folder; yields its base URL, http://127.0.0.1:<port>/."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
