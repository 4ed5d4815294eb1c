"""The site's settings that the checks before a build need, read from mkdocs.yml without MkDocs: where
the hand-written pages are (docs_dir, exclude_docs) and how Markdown is converted (the extensions and
their settings), so that ``validate`` converts a brief exactly as the site will.

Any engine that reads mkdocs.yml (MkDocs 1.x, ProperDocs) uses these keys the same way.
"""

from __future__ import annotations

import importlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CONFIG_FILE = "mkdocs.yml"
# MkDocs always loads these, whatever markdown_extensions lists (mkdocs/config/defaults.py).
BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")
# What the packaged templates write for (admonitions, attribute lists, footnotes, Markdown inside HTML
# blocks, every punctuation character escapable): the settings of a project without mkdocs.yml, which
# the project's own mkdocs.yml must include (tests/test_allowlist.py).
TEMPLATE_EXTENSIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("admonition", {}),
    ("attr_list", {}),
    ("footnotes", {}),
    ("md_in_html", {}),
    ("tables", {}),
    ("toc", {"permalink": True}),
    ("pymdownx.escapeall", {"hardbreak": False, "nbsp": False}),
)


@dataclass(frozen=True, eq=False)
class SiteConfig:
    docs_dir: str = "site_src"
    extensions: tuple[str, ...] = tuple(dict.fromkeys(BUILTIN_EXTENSIONS + tuple(name for name, _ in TEMPLATE_EXTENSIONS)))
    extension_configs: dict[str, dict[str, Any]] = field(default_factory=lambda: {name: dict(settings) for name, settings in TEMPLATE_EXTENSIONS if settings})
    exclude_docs: str = ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SiteConfig) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple[str, str, str]:
        return (self.docs_dir, self.markdown_key, self.exclude_docs)

    @property
    def markdown_key(self) -> str:
        """The Markdown settings as one string: what a converted page depends on besides its text."""
        return json.dumps([self.extensions, self.extension_configs], sort_keys=True, default=repr)


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml as MkDocs reads it: ``!ENV`` and ``!!python/name:`` tags included."""


def _env(loader: _ConfigLoader, node: yaml.Node) -> Any:
    names = [node.value] if isinstance(node, yaml.ScalarNode) else loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else []
    *variables, default = names if len(names) > 1 else (*names, None)
    return next((os.environ[name] for name in variables if name in os.environ), default)


def _python_name(loader: _ConfigLoader, suffix: str, node: yaml.Node) -> Any:
    module, _, name = suffix.rpartition(".")
    return getattr(importlib.import_module(module), name)


_ConfigLoader.add_constructor("!ENV", _env)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/name:", _python_name)


def read_site_config(root: Path) -> SiteConfig:
    """The settings in ``root/mkdocs.yml`` (MkDocs's defaults where it has none); without the file, what
    the packaged templates are written for."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return SiteConfig()
    with path.open(encoding="utf-8") as stream:
        data = yaml.load(stream, Loader=_ConfigLoader) or {}
    extensions, configs = list(BUILTIN_EXTENSIONS), {}
    for item in data.get("markdown_extensions") or []:
        name, settings = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        if name not in extensions:
            extensions.append(name)
        if settings:
            configs[name] = dict(settings)
    return SiteConfig(
        docs_dir=str(data.get("docs_dir", "docs")),
        extensions=tuple(extensions),
        extension_configs=configs,
        exclude_docs=str(data.get("exclude_docs") or ""),
    )
