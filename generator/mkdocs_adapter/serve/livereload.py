"""Live reload under ``mkdocs serve`` without inline script, so that the preview keeps the published
site's Content-Security-Policy (generator/mkdocs_adapter/csp.py) instead of allowing 'unsafe-inline'.

MkDocs's server adds an inline script to every page it serves, with the build's number and a request
number written into it: no hash can name it, so a strict policy would block it. Here the server adds
``<script src=".../khorasan-livereload.js" data-epoch=... data-request=...>`` instead, and that file
(generated into the preview only) does what MkDocs's inline script does: it asks the server whether
a newer build exists, waiting on its long poll, and reloads the page when one does.

Where the server is not the one this knows (no ``_inject_js_into_html``), nothing is replaced: the
preview then keeps MkDocs's own inline script and the relaxed policy (``inline_script_replaced``).
"""

from __future__ import annotations

import time

from mkdocs.livereload import LiveReloadServer

SCRIPT_PATH = "assets/khorasan-livereload.js"

SCRIPT = """\
// Live reload for `mkdocs serve` (generator/mkdocs_adapter/serve/livereload.py): the build this page
// comes from and the request that served it are read from this script's own tag.
(function () {
  "use strict";
  var tag = document.currentScript;
  var epoch = parseFloat(tag.dataset.epoch);
  var request = tag.dataset.request;
  var pending, retry;

  function poll() {
    pending = new XMLHttpRequest();
    pending.onloadend = function () {
      if (parseFloat(this.responseText) > epoch) {
        location.reload();
      } else {
        retry = setTimeout(poll, this.status === 200 ? 0 : 3000);
      }
    };
    pending.open("GET", "/livereload/" + epoch + "/" + request);
    pending.send();
  }

  function stop() {
    if (pending) { pending.abort(); }
    if (retry) { clearTimeout(retry); }
    pending = retry = undefined;
  }

  window.addEventListener("load", function () {
    if (document.visibilityState === "visible") { poll(); }
  });
  window.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { poll(); } else { stop(); }
  });
  window.addEventListener("beforeunload", stop);
})();
"""


def inline_script_replaced() -> bool:
    """True where this MkDocs's server injects its script in the way ``serve_without_inline_script``
    replaces (MkDocs 1.6 and ProperDocs)."""
    return callable(getattr(LiveReloadServer, "_inject_js_into_html", None))


def serve_without_inline_script(server: LiveReloadServer) -> None:
    """Have ``server`` add a script tag that loads SCRIPT_PATH instead of its inline script."""
    source = f"{server.mount_path}{SCRIPT_PATH}"

    def inject(content: bytes, epoch: int) -> bytes:
        try:
            body_end = content.rindex(b"</body>")
        except ValueError:
            body_end = len(content)
        request = round(time.monotonic() * 1000)
        tag = f'<script src="{source}" data-epoch="{epoch}" data-request="{request}"></script>'.encode()
        return content[:body_end] + tag + content[body_end:]

    server._inject_js_into_html = inject  # type: ignore[method-assign]  # MkDocs offers no hook for its script
