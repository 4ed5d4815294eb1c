"""Content-Security-Policy hashes: let the theme's own inline scripts run, and nothing else inline.

The policy itself is written in site_src/overrides/main.html with a placeholder where the script
hashes belong. Material's templates contain a few small inline scripts (storage helpers, the colour
palette, tab restoring); their text depends on the theme version and configuration, so the plugin
hashes them from each finished page rather than keeping a list that would go stale. The page's own
content is cut out before hashing: a script that reached the content (from a hand-written page, or a
bug) gets no hash, and the browser refuses to run it.
"""

from __future__ import annotations

import base64
import hashlib
import re

PLACEHOLDER = "__KB_CSP_SCRIPT_HASHES__"
# Under ``mkdocs serve`` with a server whose inline live-reload script could not be replaced by a file
# (livereload.py): that script has a new number on every request, so no hash can name it.
SERVE_SOURCES = "'unsafe-inline'"

_SCRIPT = re.compile(r"<script\b(?P<attributes>[^>]*)>(?P<text>.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_SRC = re.compile(r"\bsrc\s*=", re.IGNORECASE)
_TYPE = re.compile(r"""\btype\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
# Script types a browser executes; anything else (application/json, ...) is a data block.
_RUNNABLE = {"", "text/javascript", "application/javascript", "module"}


def script_hashes(html: str) -> list[str]:
    """CSP sources ('sha256-...') for each inline script the browser would run, in page order."""
    hashes: list[str] = []
    for match in _SCRIPT.finditer(html):
        attributes = match.group("attributes")
        if _SRC.search(attributes) or _script_type(attributes) not in _RUNNABLE:
            continue
        # Browsers hash the text after normalising line ends, as UTF-8.
        text = match.group("text").replace("\r\n", "\n").replace("\r", "\n")
        digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
        source = f"'sha256-{digest}'"
        if source not in hashes:
            hashes.append(source)
    return hashes


def _script_type(attributes: str) -> str:
    match = _TYPE.search(attributes)
    if not match:
        return ""
    return next(group for group in match.groups() if group is not None).strip().lower()


def apply_policy(html: str, content: str = "", *, serving: bool = False) -> str:
    """Fill the policy's placeholder with the hashes of the page's inline scripts outside ``content``."""
    if PLACEHOLDER not in html:
        return html
    if serving:
        sources = SERVE_SOURCES
    else:
        chrome = html.replace(content, "", 1) if content else html
        sources = " ".join(script_hashes(chrome))
    return html.replace(PLACEHOLDER, sources, 1)  # the head comes first: content cannot take its place
