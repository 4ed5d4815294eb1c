"""Stage 1, load: read data/**/*.yaml and briefs/*.md safely, remembering where every value stands.

PyYAML's composer gives every node its position; we build plain Python data from the node tree
ourselves so that each key and value keeps its line and column for later messages. Only the plain
YAML types are accepted: object tags, anchors and aliases (the "billion laughs" vector) are refused
before anything is expanded.

Hostile input is bounded before it can cost much: a file is read no further than MAX_FILE_BYTES, and
the composer stops at the first node beyond MAX_NODES or deeper than MAX_DEPTH, so neither a long
list nor a deep ``[[[[...`` nest can exhaust memory or Python's recursion limit.

Speed: libyaml (PyYAML's C extension) does the work when it is installed. A file that cannot hold an
anchor, alias or tag (no ``&``, ``*`` or ``!`` in it) and has few brackets is composed by libyaml
too; the bounds are then checked while the tree is turned into data, and a file that breaks them is
read again by the checked composer, for its message. Any other file is parsed by libyaml and composed
by the checked composer in Python. A file libyaml finds anything wrong with is read again by PyYAML's
own parser, so that every message is PyYAML's.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..model.problems import Position, Problem, shown
from ..model.vocabulary import KIND_OF_FOLDER

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


class _Bounded(yaml.composer.Composer):
    """A composer that refuses anchors and aliases and bounds size and depth."""

    node_count = 0
    depth = 0

    if TYPE_CHECKING:  # what the parser and resolver beside it in a loader provide

        def peek_event(self) -> yaml.Event: ...
        def get_event(self) -> yaml.Event: ...
        def resolve(self, kind: type, value: Any, implicit: Any) -> str: ...

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            self._refuse(event, "YAML anchors and aliases (&name, *name) are not allowed; write the value out in full")
        self.node_count += 1
        if self.node_count > MAX_NODES:
            self._refuse(event, f"more than {MAX_NODES:,} values in one file; split it into several profiles")
        if self.depth >= MAX_DEPTH:
            self._refuse(event, f"values nested more than {MAX_DEPTH} levels deep; a profile is never this deep")
        if type(event) is yaml.ScalarEvent:
            # Composer.compose_node's own steps for a scalar, without those that only matter for
            # anchors and path resolvers (refused and unused here): most nodes are scalars.
            self.get_event()
            tag = event.tag
            if tag is None or tag == "!":
                tag = self.resolve(ScalarNode, event.value, event.implicit)
            return ScalarNode(tag, event.value, _mark(event.start_mark), _mark(event.end_mark), style=event.style)
        self.depth += 1
        try:
            node = super().compose_node(parent, index)
            assert node is not None  # a collection event always composes to a node
            return node
        finally:
            self.depth -= 1

    @staticmethod
    def _refuse(event: yaml.Event, message: str) -> None:
        raise _Refused(problem=message, problem_mark=_mark(event.start_mark))


def _mark(mark: object) -> yaml.Mark | None:
    """libyaml's marks have the fields of PyYAML's: the same to every reader of them."""
    return cast("yaml.Mark | None", mark)


class _Loader(_Bounded, yaml.SafeLoader):
    """SafeLoader that keeps dates as text, refuses anchors and aliases, and bounds size and depth."""


try:  # libyaml, when PyYAML was built with it (every wheel is)
    import yaml.cyaml

    _CParser: Any = yaml.cyaml.__dict__["CParser"]  # not in the module's __all__
except (ImportError, KeyError):  # pragma: no cover
    _CParser = None


class _LibyamlLoader(_CParser or yaml.parser.Parser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):  # type: ignore[misc]  # a base chosen at import
    """libyaml scans, parses and composes; only for text that cannot hold anchors, aliases or tags
    (``_composable_in_c``), its bounds checked by the builder."""

    def __init__(self, stream: str):
        _CParser.__init__(self, stream)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        # libyaml hands every scalar to the resolver; the generic one takes detours that show at scale.
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR_TAG
        return super().resolve(kind, value, implicit)


class _FastLoader(_Bounded, _LibyamlLoader):
    """The checked composer in Python over libyaml's scanner and parser."""

    def __init__(self, stream: str):
        _LibyamlLoader.__init__(self, stream)
        yaml.composer.Composer.__init__(self)


# Only what reads the same in every YAML reader becomes a number or a yes/no value: plain decimals
# (130, -2, 2.5) and true/false. YAML 1.1, which PyYAML follows, also reads yes/no/on/off as
# booleans, 010 as 8, 0x7E8, 0b11111101000 and 2_024 as 2024, 1:30 as 90 and .inf as infinity; such
# text stays text here, so that a figure or a date written that way is refused, saying what was read,
# and a name or a locator written that way stays as written. Dates stay text too (no timestamps), so
# that partial dates (2015, 2015-06) and full ones are handled alike.
_PLAIN_RESOLVERS = (
    ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    # At most 15 digits, all that a float (which a figure is) keeps exactly; longer numbers stay text,
    # for validation to refuse rather than round.
    ("tag:yaml.org,2002:int", re.compile(r"^-?(?:0|[1-9][0-9]{0,14})$"), "-0123456789"),
    ("tag:yaml.org,2002:float", re.compile(r"^(?=-?[0-9.]{3,16}$)-?(?:0|[1-9][0-9]*)\.[0-9]+$"), "-0123456789"),
)


def _plain_resolvers() -> dict[str | None, list[tuple[str, re.Pattern[str]]]]:
    table: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items():  # null, and merge (refused later)
        table[first] = [(tag, regexp) for tag, regexp in resolvers if tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:merge")]
    for tag, regexp, firsts in _PLAIN_RESOLVERS:
        for first in firsts:
            table.setdefault(first, []).append((tag, regexp))
    return {first: found for first, found in table.items() if found}


_Loader.yaml_implicit_resolvers = _LibyamlLoader.yaml_implicit_resolvers = _plain_resolvers()
_IMPLICIT = {first: tuple(found) for first, found in _LibyamlLoader.yaml_implicit_resolvers.items() if first is not None}
assert None not in _LibyamlLoader.yaml_implicit_resolvers and not _LibyamlLoader.yaml_path_resolvers
_HAS_LIBYAML = _CParser is not None


@dataclass
class SourceMap:
    """Positions of the keys and values of one YAML document, by their path in the data.

    Marks are kept as the parser gives them and become a Position only when asked for: a large
    knowledge base has hundreds of thousands of values, and only the few with a problem are shown.
    """

    file: str
    line_offset: int = 0
    _keys: dict[YamlPath, yaml.Mark] = field(default_factory=dict, repr=False)
    _values: dict[YamlPath, yaml.Mark] = field(default_factory=dict, repr=False)
    # Values already reported as unreadable (a refused tag): validation says nothing more about them.
    refused: set[YamlPath] = field(default_factory=set)

    def mark(self, mark: yaml.Mark) -> Position:
        return Position(self.file, mark.line + 1 + self.line_offset, mark.column + 1)

    def value(self, path: YamlPath) -> Position:
        """Position of the value at path, or of the nearest enclosing value that exists."""
        while path and path not in self._values:
            path = path[:-1]
        mark = self._values.get(path)
        return self.mark(mark) if mark is not None else Position(self.file, 1 + self.line_offset, 1)

    def key(self, path: YamlPath) -> Position:
        mark = self._keys.get(path)
        return self.mark(mark) if mark is not None else self.value(path)

    def reset(self) -> None:
        self._keys.clear()
        self._values.clear()
        self.refused.clear()


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


Reader = Callable[[Path, Path, str, list[Problem]], Document | None]


def load_project(root: Path, reader: Reader | None = None) -> Loaded:
    """Every input file of the project; ``reader`` (default load_file) may answer from a cache."""
    read = reader or load_file
    loaded = Loaded([], [], [])
    for path, kind in _discover(root, loaded.problems):
        loaded.files.append(path)
        document = read(root, path, kind, loaded.problems)
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
    for folder in (data, root / "briefs"):
        if folder.is_symlink() and not folder.is_dir():
            _inside(root, folder, problems)  # a link to nothing, or round in a loop: said, not skipped
    if data.is_dir():
        # A plain file in a real folder below a data/ that is itself inside the project cannot lead out
        # of it: only the rest needs resolving, which costs a system call per part of the path.
        data_inside = data.resolve().is_relative_to(root.resolve())
        for path, entry in sorted(_walk(data), key=lambda item: item[0].parts):
            if entry.name.startswith(".") or entry.is_dir(follow_symlinks=False):
                continue
            plain = data_inside and entry.is_file(follow_symlinks=False)
            if not plain and not _inside(root, path, problems):
                continue
            kind = None if path.is_dir() else _kind_of(data, path)  # a link, followed: it leads inside
            if kind is None:
                problems.append(
                    Position(_display(root, path)).problem(
                        "not a profile location: profiles are data/groups/<id>.yaml, data/people/<id>.yaml, data/events/<id>.yaml or data/sources/<id>.yaml"
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


def _walk(folder: Path) -> list[tuple[Path, os.DirEntry[str]]]:
    """Every entry below folder, as Path.rglob("*") lists them: links to folders are listed, not entered."""
    entries = []
    with os.scandir(folder) as scan:
        for entry in scan:
            path = folder / entry.name
            entries.append((path, entry))
            if entry.is_dir(follow_symlinks=False):
                entries += _walk(path)
    return entries


def _kind_of(data: Path, path: Path) -> str | None:
    parts = path.relative_to(data).parts
    if len(parts) != 2 or path.suffix != ".yaml":
        return None
    return KIND_OF_FOLDER.get(parts[0])


def _inside(root: Path, path: Path, problems: list[Problem]) -> bool:
    """Refuse links that lead out of the project, or to nothing, and anything that is not a plain file
    (a pipe would block the build): a pull request must not publish files from elsewhere."""
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        real = None
    except (RuntimeError, OSError):  # a loop: RuntimeError in Python 3.11, OSError (ELOOP) later
        problems.append(Position(_display(root, path)).problem("this link leads round in a loop; replace it with a real file"))
        return False
    if real is None or not real.is_relative_to(root.resolve()):
        problem = "this is a link to something outside the project (or to nothing); replace it with a real file"
    elif not real.is_file() and not real.is_dir():
        problem = "this is not a regular file (a pipe or device?); replace it with a real file"
    else:
        return True
    problems.append(Position(_display(root, path)).problem(problem))
    return False


def load_file(root: Path, path: Path, kind: str, problems: list[Problem], raw: bytes | None = None) -> Document | None:
    """One file as a Document; ``raw``, when given, is its content as read_bounded read it."""
    display = _display(root, path)
    text = _read_text(path, display, problems, raw)
    if text is None:
        return None
    body, body_line, line_offset = "", 1, 0
    if kind == "brief":
        # Windows line ends are line ends: the body is Markdown, read line by line (a lone CR is not).
        split = _split_front_matter(text.replace("\r\n", "\n"), display, problems)
        if split is None:
            return None
        text, body, body_line = split
        line_offset = 1
    where = SourceMap(display, line_offset)
    data = parse_yaml(text, where, problems)
    if data is None:
        return None
    return Document(kind, display, path.stem, data, where, body, body_line)


def read_bounded(path: Path) -> bytes:
    """A file's bytes, up to one past the limit."""
    with path.open("rb") as stream:
        # Read one byte past the limit rather than trusting stat(): the file may grow meanwhile.
        return stream.read(MAX_FILE_BYTES + 1)


def _read_text(path: Path, display: str, problems: list[Problem], raw: bytes | None = None) -> str | None:
    if raw is None:
        raw = read_bounded(path)
    if len(raw) > MAX_FILE_BYTES:
        size = max(path.stat().st_size, len(raw))
        problems.append(Position(display).problem(f"file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}; split it into several profiles"))
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
        problems.append(Position(display, line, col).problem(f"byte 0x{raw[error.start]:02x} is not UTF-8; save the file as UTF-8"))
        return None
    if not text.strip():
        problems.append(Position(display).problem("file is empty; a profile is a YAML mapping that starts with id:"))
        return None
    return text


def _split_front_matter(text: str, display: str, problems: list[Problem]) -> tuple[str, str, int] | None:
    """Front matter, body and the body's first line. Lines end at "\n" only, as the brief's checks
    count them (str.splitlines would also end one at a stray control character)."""
    lines = text.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    if not lines or lines[0].strip() != "---":
        problems.append(Position(display).problem("a brief starts with front matter: a line '---', title/date/summary, then '---'"))
        return None
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    problems.append(Position(display).problem("front matter is not closed: add a line '---' after it"))
    return None


def parse_yaml(text: str, where: SourceMap, problems: list[Problem], checked: bool = False) -> dict[str, Any] | None:
    """Parse one YAML document into plain data, recording positions in ``where``."""
    loader, node = _compose(text, checked)
    if isinstance(node, _Refused):
        problems.append((where.mark(node.problem_mark) if node.problem_mark else Position(where.file)).problem(str(node.problem)))
        return None
    if isinstance(node, yaml.reader.ReaderError):
        before = text[: node.position]
        line, col = before.count("\n") + 1, node.position - (before.rfind("\n") + 1) + 1
        problems.append(Position(where.file, line + where.line_offset, col).problem(f"character #x{node.character:04x} is not allowed in YAML; remove it"))
        return None
    if isinstance(node, yaml.MarkedYAMLError):
        problems.append(_yaml_problem(node, where))
        return None
    if isinstance(node, yaml.YAMLError):  # other errors without a mark
        problems.append(Position(where.file).problem(f"not valid YAML: {node}"))
        return None
    if node is None:
        problems.append(Position(where.file).problem("file has no content; a profile is a YAML mapping"))
        return None
    assert loader is not None
    builder = _Builder(loader, where, problems, bounded=not isinstance(loader, _Bounded))
    reported = len(problems)
    try:
        data = builder.build(node, ())
    except _OutOfBounds:  # composed by libyaml, but too large or deep: the checked composer says why
        del problems[reported:]
        where.reset()
        return parse_yaml(text, where, problems, checked=True)
    if not isinstance(data, dict):
        if data is not None or not builder.failed:
            problems.append(where.mark(node.start_mark).problem("the file must be a mapping of keys (id:, name:, ...), not a list or a single value"))
        return None
    return data


def _compose(text: str, checked: bool = False) -> tuple[yaml.constructor.BaseConstructor | None, Node | yaml.YAMLError | None]:
    """The node tree of one document, or the error that stopped it.

    libyaml's parser serves files it finds nothing wrong with; any file it stops at, and any file
    holding a character PyYAML's reader refuses, is read again by PyYAML's own parser, so that
    refusals and messages are exactly PyYAML's. ``checked``: compose in Python, with the bounds.
    """
    if _HAS_LIBYAML and not _NON_PRINTABLE.search(text):
        fast = (_FastLoader if checked or not _composable_in_c(text) else _LibyamlLoader)(text)
        try:
            return fast, fast.get_single_node()
        except yaml.YAMLError:
            pass  # read it again below, for PyYAML's message
        finally:
            fast.dispose()
    try:
        loader = _Loader(text)  # its reader refuses control characters already here
    except yaml.YAMLError as error:
        return None, error
    try:
        return loader, loader.get_single_node()
    except yaml.YAMLError as error:
        return loader, error
    finally:
        loader.dispose()


_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_ANCHOR_ALIAS_OR_TAG = re.compile(r"[&*!]")
# libyaml composes recursively in C, where a deep nest overflows the stack and kills the process
# ("- - - ... x" on one line nests 200,000 deep in 400 kB). Every list or mapping opens with an entry
# "- ", a key "? " or "key:", a "[" or a "{" (each "-" or "?" followed by a space or a line break),
# so their count bounds the depth. At 300-400 bytes of C stack a level, 500 fit a 256 kB thread.
_MAX_OPENERS_IN_C = 500  # the synthetic profiles have up to about 200; the largest real one 919
_OPENERS = ("- ", "-\n", "? ", "?\n", ":", "[", "{")  # str.count is ten times faster than a regex here
_OTHER_SPACE = re.compile("[\t\r\x85\u2028\u2029]")  # tabs and YAML 1.1's other line breaks: not counted


def _composable_in_c(text: str) -> bool:
    """Text in which YAML cannot hold an anchor, alias or tag, nor nest deep."""
    if _ANCHOR_ALIAS_OR_TAG.search(text) or _OTHER_SPACE.search(text):
        return False
    return sum(map(text.count, _OPENERS)) + text.endswith(("-", "?")) <= _MAX_OPENERS_IN_C


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


class _OutOfBounds(Exception):
    """A tree composed by libyaml has more values than MAX_NODES or nests deeper than MAX_DEPTH."""


class _Builder:
    """Turns a composed node tree into dicts, lists and scalars, recording positions as it goes.

    ``bounded``: the tree was composed without the checked composer, so check its bounds here."""

    def __init__(self, loader: yaml.constructor.BaseConstructor, where: SourceMap, problems: list[Problem], bounded: bool = False):
        self.loader, self.where, self.problems = loader, where, problems
        self.failed = False
        self.bounded = bounded
        self.nodes = 0

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

    def count(self, depth: int) -> None:
        """The checked composer's bounds, counted the same way: every node, keys included."""
        self.nodes += 1
        if self.nodes > MAX_NODES or depth >= MAX_DEPTH:
            raise _OutOfBounds

    def build(self, node: Node, path: YamlPath) -> Any:
        if self.bounded:
            self.count(len(path))
        self.where._values[path] = node.start_mark
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ_TAG:
                self.refuse_tag(node, path)
                return None
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: MappingNode, path: YamlPath) -> dict[str, Any] | None:
        if node.tag != _MAP_TAG:
            self.refuse_tag(node, path)
            return None
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if self.bounded:
                self.count(len(path) + 1)
            if not isinstance(key_node, ScalarNode) or key_node.tag != _STR_TAG:
                given = f", not {shown(key_node.value)}" if isinstance(key_node, ScalarNode) else ", not a list or mapping"
                self.fail(key_node.start_mark, f"a key must be a word such as name: or aliases:{given}")
                continue
            key = key_node.value
            if key in result:
                first = self.where.key(path + (key,))
                self.fail(key_node.start_mark, f"duplicate key {shown(key)} (first at line {first.line}); keep one")
                continue
            self.where._keys[path + (key,)] = key_node.start_mark
            result[key] = self.build(value_node, path + (key,))
        return result

    def _scalar(self, node: Node, path: YamlPath) -> Any:
        if node.tag not in _PLAIN_SCALAR_TAGS:
            self.refuse_tag(node, path)
            return None
        if node.tag == _STR_TAG:
            return node.value  # what the constructor returns for text, without its bookkeeping
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError:  # Python refuses to convert integers of more than 4,300 digits
            return self.fail(node.start_mark, "this number is too long to read; no figure has that many digits", path)
        except yaml.YAMLError as error:
            return self.fail(node.start_mark, f"cannot read this value: {error}", path)
