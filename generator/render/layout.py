"""Where a site engine puts a page and what its URL is (the rule every engine that reads mkdocs.yml follows)."""

from __future__ import annotations

import functools
import posixpath
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Layout:
    """Where a site engine puts a page and what its URL is, for the files this stage writes outside
    Markdown (graph.json, redirect pages). The rule is MkDocs's (and every engine that reads
    mkdocs.yml): ``a/b.md`` becomes ``a/b/index.html`` at ``a/b/`` with directory URLs, else
    ``a/b.html``; an ``index.md`` stays the index of its folder. tests/test_layout.py holds it equal
    to MkDocs's own File class."""

    directory_urls: bool = True
    site_url: str | None = None  # where the site is published (https://example.org/kb/), when known
    site_name: str = "Khorasan Brief"

    def absolute(self, page_path: str) -> str | None:
        """A page's full address, when the site's is known: for citations and feeds."""
        if not self.site_url:
            return None
        return self.site_url.rstrip("/") + "/" + self.url(page_path).removeprefix("./")

    # dest, url and relative are cached: a page's template asks for the URLs of the pages it links to,
    # and a rebuild asks again for every redirect page's.
    @functools.lru_cache(maxsize=1 << 16)  # noqa: B019 - a Layout is a small frozen value
    def dest(self, page_path: str) -> str:
        """The file a page becomes in the built site: groups/isis-k/index.html."""
        folder, name = posixpath.split(page_path)
        stem, extension = posixpath.splitext(name)
        if not name.endswith(_MARKDOWN_EXTENSIONS):
            return page_path
        stem = "index" if stem == "README" else stem
        if stem == "index" or not self.directory_urls:
            return posixpath.join(folder, stem + ".html")
        return posixpath.join(folder, stem, "index.html")

    @functools.lru_cache(maxsize=1 << 16)  # noqa: B019 - as above
    def url(self, page_path: str) -> str:
        """URL of a page from the site root: groups/isis-k/ (or groups/isis-k.html)."""
        dest = self.dest(page_path)
        folder, name = posixpath.split(dest)
        if self.directory_urls and name == "index.html":
            dest = (folder or ".") + "/"
        return urllib.parse.quote(dest)

    @staticmethod
    @functools.lru_cache(maxsize=1 << 16)
    def relative(url: str, from_dest: str) -> str:
        """``url`` (from the site root) as a link from the built file ``from_dest``."""
        link = posixpath.relpath("/" + url, "/" + posixpath.dirname(from_dest))
        return link + "/" if url.endswith("/") else link

    def links_from(self, page_path: str) -> Callable[[str], str]:
        """URLs from the site root as links from the built page ``page_path``: for HTML, whose links
        MkDocs does not rewrite (index tables, network pictures, maps)."""
        here = self.dest(page_path)
        return lambda url: self.relative(url, here)


# The extensions MkDocs reads as Markdown pages (mkdocs.utils.markdown_extensions).
_MARKDOWN_EXTENSIONS = (".markdown", ".mdown", ".mkdn", ".mkd", ".md")
