"""Stage 1, load: read data/**/*.yaml and briefs/*.md safely, remembering where every value stands.

PyYAML's composer gives every node its position; we build plain Python data from the node tree
ourselves so that each key and value keeps its line and column for later messages. Only the plain
YAML types are accepted: object tags, anchors and aliases (the "billion laughs" vector) are refused
before anything is expanded.

Hostile input is bounded before it can cost much: a file is read no further than MAX_FILE_BYTES, and
the composer stops at the first node beyond MAX_NODES or deeper than MAX_DEPTH, so neither a long
list nor a deep ``[[[[...`` nest can exhaust memory or Python's recursion limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import Position, Problem, shown
from .vocabulary import KIND_OF_FOLDER

MAX_FILE_BYTES = 1024 * 1024
# The largest real profile (about 35 kB) has under 800 values and nests 7 deep: generous headroom.
MAX_NODES = 20_000
MAX_DEPTH = 30

YamlPath = tuple[str | int, ...]

_PLAIN_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that this project refuses to compose (anchors, too many or too deep values)."""


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, refuses anchors and aliases, and bounds size and depth."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.node_count = 0
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            self._refuse(event, "YAML anchors and aliases (&name, *name) are not allowed; write the value out in full")
        self.node_count += 1
        if self.node_count > MAX_NODES:
            self._refuse(event, f"more than {MAX_NODES:,} values in one file; split it into several profiles")
        if self.depth >= MAX_DEPTH:
            self._refuse(event, f"values nested more than {MAX_DEPTH} levels deep; a profile is never this deep")
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    @staticmethod
    def _refuse(event: yaml.Event, message: str) -> None:
        raise _Refused(problem=message, problem_mark=event.start_mark)


# Dates stay text so that partial dates (2015, 2015-06) and full ones are handled alike.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class SourceMap:
    """Positions of the keys and values of one YAML document, by their path in the data."""

    file: str
    line_offset: int = 0
    keys: dict[YamlPath, Position] = field(default_factory=dict)
    values: dict[YamlPath, Position] = field(default_factory=dict)
    # Values already reported as unreadable (a refused tag): validation says nothing more about them.
    refused: set[YamlPath] = field(default_factory=set)

    def mark(self, mark: yaml.Mark) -> Position:
        return Position(self.file, mark.line + 1 + self.line_offset, mark.column + 1)

    def value(self, path: YamlPath) -> Position:
        """Position of the value at path, or of the nearest enclosing value that exists."""
        while path and path not in self.values:
            path = path[:-1]
        return self.values.get(path, Position(self.file, 1 + self.line_offset, 1))

    def key(self, path: YamlPath) -> Position:
        return self.keys.get(path) or self.value(path)


@dataclass
class Document:
    """One input file, parsed: its kind, plain data, the positions of that data, and a brief's body."""

    kind: str
    file: str  # project-relative, as shown in messages
    stem: str
    data: dict[str, Any]
    where: SourceMap
    body: str = ""
    body_line: int = 1  # line of the file on which the body starts


@dataclass
class Loaded:
    documents: list[Document]
    problems: list[Problem]
    files: list[Path]  # every file read, for the preview server to watch


def load_project(root: Path) -> Loaded:
    loaded = Loaded([], [], [])
    for path, kind in _discover(root, loaded.problems):
        loaded.files.append(path)
        document = load_file(root, path, kind, loaded.problems)
        if document is not None:
            loaded.documents.append(document)
    return loaded


def _display(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _discover(root: Path, problems: list[Problem]) -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    data = root / "data"
    if data.is_dir():
        for path in sorted(data.rglob("*")):
            if path.name.startswith(".") or (path.is_dir() and not path.is_symlink()):
                continue
            if not _inside(root, path, problems):
                continue
            kind = None if path.is_dir() else _kind_of(data, path)
            if kind is None:
                problems.append(
                    Position(_display(root, path)).problem(
                        "not a profile location: profiles are data/groups/<id>.yaml, data/people/<id>.yaml, "
                        "data/events/<id>.yaml or data/sources/<id>.yaml"
                    )
                )
            else:
                found.append((path, kind))
    briefs = root / "briefs"
    if briefs.is_dir():
        for path in sorted(briefs.glob("*.md")):
            if _inside(root, path, problems) and not path.is_dir():
                found.append((path, "brief"))
    return found


def _kind_of(data: Path, path: Path) -> str | None:
    parts = path.relative_to(data).parts
    if len(parts) != 2 or path.suffix != ".yaml":
        return None
    return KIND_OF_FOLDER.get(parts[0])


def _inside(root: Path, path: Path, problems: list[Problem]) -> bool:
    """Refuse links that lead out of the project, or to nothing, and anything that is not a plain file
    (a pipe would block the build): a pull request must not publish files from elsewhere."""
    real = path.resolve()
    if not real.is_relative_to(root.resolve()) or not real.exists():
        problem = "this is a link to something outside the project (or to nothing); replace it with a real file"
    elif not real.is_file() and not real.is_dir():
        problem = "this is not a regular file (a pipe or device?); replace it with a real file"
    else:
        return True
    problems.append(Position(_display(root, path)).problem(problem))
    return False


def load_file(root: Path, path: Path, kind: str, problems: list[Problem]) -> Document | None:
    display = _display(root, path)
    text = _read_text(path, display, problems)
    if text is None:
        return None
    body, body_line, line_offset = "", 1, 0
    if kind == "brief":
        split = _split_front_matter(text, display, problems)
        if split is None:
            return None
        text, body, body_line = split
        line_offset = 1
    where = SourceMap(display, line_offset)
    data = parse_yaml(text, where, problems)
    if data is None:
        return None
    return Document(kind, display, path.stem, data, where, body, body_line)


def _read_text(path: Path, display: str, problems: list[Problem]) -> str | None:
    with path.open("rb") as stream:
        # Read one byte past the limit rather than trusting stat(): the file may grow meanwhile.
        raw = stream.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        size = max(path.stat().st_size, len(raw))
        problems.append(
            Position(display).problem(
                f"file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}; split it into several profiles"
            )
        )
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            problems.append(Position(display).problem("file is saved as UTF-16; save it as UTF-8"))
            return None
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        col = error.start - (before.rfind(b"\n") + 1) + 1
        problems.append(
            Position(display, line, col).problem(
                f"byte 0x{raw[error.start]:02x} is not UTF-8; save the file as UTF-8"
            )
        )
        return None
    if not text.strip():
        problems.append(Position(display).problem("file is empty; a profile is a YAML mapping that starts with id:"))
        return None
    return text


def _split_front_matter(text: str, display: str, problems: list[Problem]) -> tuple[str, str, int] | None:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        problems.append(
            Position(display).problem("a brief starts with front matter: a line '---', title/date/summary, then '---'")
        )
        return None
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    problems.append(Position(display).problem("front matter is not closed: add a line '---' after it"))
    return None


def parse_yaml(text: str, where: SourceMap, problems: list[Problem]) -> dict[str, Any] | None:
    """Parse one YAML document into plain data, recording positions in ``where``."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except _Refused as error:
        problems.append(where.mark(error.problem_mark).problem(str(error.problem)))
        return None
    except yaml.MarkedYAMLError as error:
        problems.append(_yaml_problem(error, where))
        return None
    except yaml.YAMLError as error:  # errors without a mark, e.g. a reader error
        problems.append(Position(where.file).problem(f"not valid YAML: {error}"))
        return None
    finally:
        loader.dispose()
    if node is None:
        problems.append(Position(where.file).problem("file has no content; a profile is a YAML mapping"))
        return None
    builder = _Builder(loader, where, problems)
    data = builder.build(node, ())
    if not isinstance(data, dict):
        if data is not None or not builder.failed:
            problems.append(where.mark(node.start_mark).problem("the file must be a mapping of keys (id:, name:, ...), not a list or a single value"))
        return None
    return data


_HINTS = {
    "found character '\\t'": "YAML indents with spaces; replace the tab with spaces",
    "could not find expected ':'": "a key is missing its ':' or a quote is not closed",
    "found unexpected end of stream": "a quote or bracket is not closed",
    "mapping values are not allowed here": "indentation is off, or a value with ': ' needs quotes",
}


def _yaml_problem(error: yaml.MarkedYAMLError, where: SourceMap) -> Problem:
    mark = error.problem_mark or error.context_mark
    message = " ".join(part for part in (error.context, error.problem) if part)
    hint = next((hint for needle, hint in _HINTS.items() if needle in message), None)
    text = f"YAML syntax error: {message}" + (f" ({hint})" if hint else "")
    opened = error.context_mark
    if opened and mark and opened.line < mark.line and any(word in (error.context or "") for word in _OPENED):
        # An unclosed quote or bracket is noticed lines later: point at where it was opened.
        text += f"; noticed at line {where.mark(mark).line}"
        mark = opened
    position = where.mark(mark) if mark else Position(where.file, 1 + where.line_offset, 1)
    return position.problem(text)


_OPENED = ("quoted scalar", "flow sequence", "flow mapping")


def _tag_name(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


class _Builder:
    """Turns a composed node tree into dicts, lists and scalars, recording positions as it goes."""

    def __init__(self, loader: _Loader, where: SourceMap, problems: list[Problem]):
        self.loader, self.where, self.problems = loader, where, problems
        self.failed = False

    def fail(self, mark: yaml.Mark, message: str, path: YamlPath | None = None) -> None:
        self.failed = True
        if path is not None:
            self.where.refused.add(path)
        self.problems.append(self.where.mark(mark).problem(message))

    def refuse_tag(self, node: Node, path: YamlPath) -> None:
        self.fail(
            node.start_mark,
            f"YAML tag {shown(_tag_name(node.tag))} is not allowed; write plain text, numbers, lists and mappings",
            path,
        )

    def build(self, node: Node, path: YamlPath) -> Any:
        self.where.values[path] = self.where.mark(node.start_mark)
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ_TAG:
                return self.refuse_tag(node, path)
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: MappingNode, path: YamlPath) -> dict[str, Any] | None:
        if node.tag != _MAP_TAG:
            return self.refuse_tag(node, path)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != _STR_TAG:
                given = f", not {shown(key_node.value)}" if isinstance(key_node, ScalarNode) else ", not a list or mapping"
                self.fail(key_node.start_mark, f"a key must be a word such as name: or aliases:{given}")
                continue
            key = key_node.value
            if key in result:
                first = self.where.keys[path + (key,)]
                self.fail(key_node.start_mark, f"duplicate key {shown(key)} (first at line {first.line}); keep one")
                continue
            self.where.keys[path + (key,)] = self.where.mark(key_node.start_mark)
            result[key] = self.build(value_node, path + (key,))
        return result

    def _scalar(self, node: Node, path: YamlPath) -> Any:
        if node.tag not in _PLAIN_SCALAR_TAGS:
            return self.refuse_tag(node, path)
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError:  # Python refuses to convert integers of more than 4,300 digits
            return self.fail(node.start_mark, "this number is too long to read; no figure has that many digits", path)
        except yaml.YAMLError as error:
            return self.fail(node.start_mark, f"cannot read this value: {error}", path)
