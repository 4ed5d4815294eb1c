"""Stage 2, validate: loaded documents -> typed models, every mistake turned into a positioned problem.

Pydantic does the checking; this module only translates its errors into ``FILE:LINE:COL`` messages
that say how to fix them, and checks what a single file can check about itself (id equals file name).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..model.entities import (
    MODEL_OF_KIND,
    SLUG_PATTERN,
    BriefMeta,
    Event,
    FieldError,
    Group,
    Person,
    Source,
    Strict,
    find_markup,
)
from ..model.problems import Position, Problem, shown
from .load import Document, SourceMap


@dataclass(frozen=True)
class Validated:
    """A model together with the file it came from and where its values stand."""

    model: Strict
    document: Document

    @property
    def where(self) -> SourceMap:
        return self.document.where


def validate_documents(
    documents: list[Document], validator: Callable[[Document, list[Problem]], Strict | None] | None = None
) -> tuple[list[Validated], list[Problem]]:
    """Validate every document; ``validator`` (default validate_document) may answer from a cache."""
    check = validator or validate_document
    valid: list[Validated] = []
    problems: list[Problem] = []
    for document in documents:
        model = check(document, problems)
        if model is not None:
            valid.append(Validated(model, document))
    return valid, problems


def validate_document(document: Document, problems: list[Problem]) -> Strict | None:
    if document.kind == "brief":
        # Checked whatever the front matter holds, so that every problem of a brief shows in one run.
        problems += _brief_problems(document)
    problems += _duplicate_figure_ids(document)
    model_class = MODEL_OF_KIND[document.kind]
    try:
        model = model_class.model_validate(document.data)
    except ValidationError as error:
        problems.extend(_translate(error, document.where, model_class, document.data))
        return None
    given = getattr(model, "id", document.stem)  # every kind but a brief has an id
    if given != document.stem:
        problems.append(
            document.where.value(("id",)).problem(f"id '{given}' differs from the file name; rename the file to {given}.yaml or set id: {document.stem}")
        )
        return None
    return model


def _duplicate_figure_ids(document: Document) -> list[Problem]:
    """Figure ids are anchors on the page, so unique within a profile. Checked on the raw data, so that
    it is reported even when something else in the figures is wrong too."""
    figures = document.data.get("figures")
    problems, seen = [], set()
    for index, figure in enumerate(figures if isinstance(figures, list) else []):
        figure_id = figure.get("id") if isinstance(figure, dict) else None
        if isinstance(figure_id, str) and figure_id in seen:
            problems.append(
                document.where.value(("figures", index, "id")).problem(
                    f"figures.{index}.id: another figure already has the id {shown(figure_id)}; give each its own"
                )
            )
        seen.add(figure_id)
    return problems


def _brief_problems(document: Document) -> list[Problem]:
    """What a brief can get wrong beyond its front matter: its file name, and markup in its body."""
    found = []
    if not _is_slug(document.stem):
        found.append(
            Position(document.file).problem(f"brief file name {shown(document.stem + '.md')} must be a lowercase slug such as why-isis-k-struck-russia.md")
        )
    found += markdown_problems(document.body, Position(document.file, document.body_line, 1))
    return found


# An attribute list ({: #id .class key="value" }) may name anchors and classes, not set behaviour. Found
# here in the text, so that it is reported even when the brief's front matter keeps it from being
# converted; what the Markdown becomes is checked after conversion too (preflight.py).
_ATTR_LIST = re.compile(r"\{:?[^{}\n]*\}")
_RISKY_ATTRIBUTE = re.compile(r"(?<![\w-])(on\w+|style|href|src|srcset|action|formaction)\s*=", re.IGNORECASE)


MAX_PER_LINE = 10  # problems of markup named on one line; the rest are counted


def markdown_problems(body: str, start: Position) -> list[Problem]:
    """Markup a brief's Markdown must not carry as text: raw HTML, script or data URLs, invisible
    characters, attribute lists that set event handlers or addresses, reported line by line where
    each stands. Lines are split where Markdown splits them, at line feeds only (not at U+2028 and
    the like, as str.splitlines() does)."""
    problems = []
    for number, line in enumerate(body.split("\n")):
        here = Position(start.file, start.line + number, 1)
        found = find_markup(line)
        for index, reason in found[:MAX_PER_LINE]:
            problems.append(Position(here.file, here.line, index + 1).problem(reason))
        if len(found) > MAX_PER_LINE:
            problems.append(here.problem(f"{len(found) - MAX_PER_LINE:,} more problems of markup on this line"))
        for match in _ATTR_LIST.finditer(line):
            risky = _RISKY_ATTRIBUTE.search(match.group())
            if risky:
                problems.append(
                    Position(here.file, here.line, match.start() + 1).problem(
                        f"attribute list sets {risky.group(1)}=; briefs may only add ids and classes ({{: #id .class }})"
                    )
                )
    return problems


def _is_slug(text: str) -> bool:
    return re.match(SLUG_PATTERN, text) is not None


def _all_field_names(model: type[BaseModel], seen: set[type] | None = None) -> set[str]:
    """Every key the contract knows anywhere inside a model."""
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names = set(model.model_fields)
    for info in model.model_fields.values():
        for inner in _nested_models(info.annotation):
            names |= _all_field_names(inner, seen)
    return names


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    """Models anywhere in an annotation: inside lists, unions and Annotated alike."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for argument in get_args(annotation) for model in _nested_models(argument)]


def _model_at(model: type[BaseModel], path: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model that describes the mapping at ``path``, to name the keys allowed there."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            current = next((get_args(v)[0] for v in _variants(current) if get_origin(v) is list), None)
        else:
            model_here = next(iter(_models_in(current)), None)
            if model_here is None or part not in model_here.model_fields:
                return None
            current = model_here.model_fields[part].annotation
    return next(iter(_models_in(current)), None)


def _variants(annotation: Any) -> list[Any]:
    """The annotation, what an Annotated wraps, and each member of a union, recursively."""
    found = [annotation]
    origin = get_origin(annotation)
    if origin is Annotated:
        found += _variants(get_args(annotation)[0])
    elif origin in (Union, UnionType):
        for member in get_args(annotation):
            found += _variants(member)
    return found


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    return [v for v in _variants(annotation) if isinstance(v, type) and issubclass(v, BaseModel)]


def _translate(error: ValidationError, where: SourceMap, model_class: type[BaseModel], data: Any) -> list[Problem]:
    problems = []
    for detail in error.errors(include_url=False):
        path = _data_path(detail, data)
        if any(path[: len(refused)] == refused for refused in where.refused):
            continue  # the loader already said this value could not be read
        problems.append(_problem(detail, path, where, model_class))
    return problems


def _data_path(detail: ErrorDetails, data: Any) -> tuple[str | int, ...]:
    """The error's location as a path through the YAML data. Pydantic also names union branches and
    validator functions in locations ("Citation", "function-after[...]"); following the data itself
    drops exactly those, whatever a key is called. A missing key is the one part not in the data."""
    path: list[str | int] = []
    current = data
    loc = detail["loc"]
    for index, part in enumerate(loc):
        if isinstance(current, dict) and isinstance(part, str) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        elif detail["type"] == "missing" and index == len(loc) - 1:
            pass
        else:
            continue
        path.append(part)
    return tuple(path)


def _problem(detail: ErrorDetails, path: tuple[str | int, ...], where: SourceMap, model: type[BaseModel]) -> Problem:
    kind = detail["type"]
    if kind == "extra_forbidden":
        return where.key(path).problem(_unknown_key(str(path[-1]), _model_at(model, path[:-1]) or model))
    if kind == "missing":
        parent = where.value(path[:-1])
        return parent.problem(f"missing required key '{path[-1]}'" + _where_suffix(path[:-1]))
    error = (detail.get("ctx") or {}).get("error")
    if isinstance(error, FieldError):
        # A check across keys (since/until, value/max) that is about one of them: point at that one.
        path += error.path
    name = ".".join(str(part) for part in path) or "the file"
    return where.value(path).problem(f"{name}: {_message(detail, path)}")


def _unknown_key(key: str, model: type[BaseModel]) -> str:
    allowed = sorted(model.model_fields)
    guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if guess:
        return f"unknown key {shown(key)}; did you mean '{guess[0]}'?"
    return f"unknown key {shown(key)}; remove it or use one of: {', '.join(allowed)}"


def _where_suffix(path: tuple[str | int, ...]) -> str:
    return f" in {'.'.join(str(part) for part in path)}" if path else ""


_AT_LEAST_ONE = {
    "cite": "list at least one source: a statement without a citation is not allowed",
    "values": "list at least one value: a figure is what the sources say it is",
    "claims": "list at least one claim, or remove the section",
}

_EXPECTED = {
    "string_type": "text",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "list_type": "a list",
    "model_type": "a mapping of keys",
    "dict_type": "a mapping of keys",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
}


def _message(detail: ErrorDetails, path: tuple[str | int, ...]) -> str:
    kind, context = detail["type"], detail.get("ctx") or {}
    given = detail.get("input")
    field = next((part for part in reversed(path) if isinstance(part, str)), "")
    if kind == "string_pattern_mismatch":
        if "a-z0-9" in str(context.get("pattern", "")) and detail["loc"][-1] == "source":
            return f'{shown(given)} is not a source id; a citation is "source-id, locator", e.g. "beta-news, para 2"'
        if "a-z0-9" in str(context.get("pattern", "")):
            return f"{shown(given)} is not a valid id: use lowercase letters, digits and single hyphens (e.g. isis-k)"
        if "[pP][sS]?://" in str(context.get("pattern", "")):
            return f"{shown(given)} is not an http(s) URL; only http:// and https:// links are allowed"
        return f"{shown(given)} is not in the expected form"
    if kind == "literal_error":
        return f"{shown(given)} is not allowed; use one of {context.get('expected')}"
    if kind == "too_short" and isinstance(given, list):
        return _AT_LEAST_ONE.get(field, "list at least one entry")
    if kind == "string_too_short":
        return "is empty; write the text or remove the key"
    if kind == "string_too_long":
        return f"is too long: {len(given or ''):,} characters, at most {context.get('max_length'):,}; shorten it"
    if kind == "model_type" and field == "cite":
        return f'a citation is "source-id, locator" or {{source: source-id, at: locator}}, not {_describe(given)}'
    if kind == "model_type" and len(path) >= 2 and path[-2] == "aliases" and isinstance(given, str):
        return f"a name needs the source that gives it: write {{name: {given}, cite: [source-id, para N]}}, or remove the name"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {_describe(given)}"
    return str(detail["msg"]).removeprefix("Value error, ")


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value; put text in quotes)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return str(value)
    return shown(value)


SCHEMA_FILES: dict[str, type[Strict]] = {
    "group": Group,
    "person": Person,
    "event": Event,
    "source": Source,
    "brief": BriefMeta,
}


def write_schemas(out_dir: Path) -> list[Path]:
    """Write one JSON Schema per kind, for editors (yaml-language-server) and other tools."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, model in SCHEMA_FILES.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"{kind}.schema.json"
        path = out_dir / f"{kind}.schema.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written
