"""The site's settings that the checks before a build need, read from mkdocs.yml without MkDocs: where
the hand-written pages are (docs_dir, exclude_docs), how Markdown is converted (the extensions and
their settings), so that ``validate`` converts a brief exactly as the site will, where the site is
built (site_dir), and the deploy settings.

The deploy settings (site_url, repo_url, edit_uri) come from the environment (``!ENV KB_SITE_URL``
and the like) and are printed into every page, feed and citation: ``deploy_problems`` refuses, before
anything is built, an address that is not http(s), or holds quotes, spaces, control characters or
others RFC 3986 does not allow in one (letters outside ASCII are allowed, and percent-encoded where
printed), and an edit_uri that is not a relative path.

Any engine that reads mkdocs.yml (MkDocs 1.x, ProperDocs) uses these keys the same way.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..model.problems import Position, Problem, shown

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
    site_dir: str = "site"
    deploy: tuple[Setting, ...] = ()  # site_url, repo_url, edit_uri as this environment sets them

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


@dataclass(frozen=True)
class Setting:
    """A deploy setting: its key, its value here, the variables it is read from, where it is written."""

    key: str
    value: str | None
    variables: tuple[str, ...] = ()
    position: Position = Position(CONFIG_FILE)


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml as MkDocs reads it: ``!ENV`` and ``!!python/name:`` tags included."""


def _env(loader: _ConfigLoader, node: yaml.Node) -> Any:
    variables, default = _env_names(loader, node)
    return next((os.environ[name] for name in variables if name in os.environ), default)


def _env_names(loader: yaml.SafeLoader, node: yaml.Node) -> tuple[list[str], Any]:
    """The variables an !ENV value is read from, and its default."""
    names = [node.value] if isinstance(node, yaml.ScalarNode) else loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else []
    *variables, default = names if len(names) > 1 else (*names, None)
    return [str(name) for name in variables], default


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
    text = path.read_text(encoding="utf-8")
    data = yaml.load(text, Loader=_ConfigLoader) or {}
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
        site_dir=str(data.get("site_dir") or "site"),
        deploy=_deploy_settings(text, data),
    )


DEPLOY_KEYS = ("site_url", "repo_url", "edit_uri")


def _deploy_settings(text: str, data: dict[str, Any]) -> tuple[Setting, ...]:
    loader = _ConfigLoader(text)
    try:
        root = loader.get_single_node()
        written = {key.value: (key, value) for key, value in root.value if isinstance(key, yaml.ScalarNode)} if isinstance(root, yaml.MappingNode) else {}
        settings = []
        for key in DEPLOY_KEYS:
            node = written.get(key)
            if node is None:
                continue
            variables = _env_names(loader, node[1])[0] if node[1].tag == "!ENV" else []
            value = data.get(key)
            mark = node[0].start_mark
            settings.append(Setting(key, None if value is None else str(value), tuple(variables), Position(CONFIG_FILE, mark.line + 1, mark.column + 1)))
        return tuple(settings)
    finally:
        loader.dispose()


# RFC 3986: what an address may hold besides letters and digits. Letters outside ASCII are allowed too
# (an IRI) and percent-encoded where the address is printed (``encoded_url``).
_URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%\u00a0-\U0010ffff]*")
_REFUSED = re.compile(r"[\s\"'`<>\\^{}|\x00-\x1f\x7f-\x9f]")


def deploy_problems(settings: tuple[Setting, ...] | list[Setting]) -> list[Problem]:
    """What is wrong with each deploy setting as this environment sets it."""
    problems = []
    for setting in settings:
        if not setting.value:
            continue
        reason = _relative_path_problem(setting.value) if setting.key == "edit_uri" else _address_problem(setting.value)
        if reason:
            source = f"{setting.key} (from {' or '.join(setting.variables)})" if setting.variables else setting.key
            problems.append(setting.position.problem(f"{source} {reason}; read {shown(setting.value)}"))
    return problems


def _address_problem(value: str) -> str | None:
    if _REFUSED.search(value) or not _URL_CHARACTERS.fullmatch(value):
        return "must be an http(s) address without quotes, spaces or control characters"
    try:
        parts = urllib.parse.urlsplit(value)
        parts.port  # noqa: B018 - raises for a port that is not a number up to 65535
    except ValueError:
        return "must be an http(s) address: this one cannot be read as one"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "must be an http(s) address with a host, such as https://owner.github.io/khorasan-brief/"
    return None


def _relative_path_problem(value: str) -> str | None:
    if _REFUSED.search(value) or not _URL_CHARACTERS.fullmatch(value):
        return "must be a path without quotes, spaces or control characters"
    parts = urllib.parse.urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith("/") or parts.query or parts.fragment:
        return "must be a path relative to the repository's address, such as edit/main/site_src/"
    return None
