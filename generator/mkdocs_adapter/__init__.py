"""The MkDocs adapter: a thin plugin over the engine-neutral pipeline (plugin.py), atomic builds
(atomic.py), the Content-Security-Policy's script hashes (csp.py) and the site's own search index
(search.py); build/ holds what only `mkdocs build` uses, serve/ what only `mkdocs serve` uses.
Nothing outside this package imports MkDocs or Material."""
