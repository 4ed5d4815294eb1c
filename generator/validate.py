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
from typing import Any

from pydantic import BaseModel, ValidationError

from .load import Document, SourceMap
from .models import MODEL_OF_KIND, SLUG_PATTERN, BriefMeta, Event, Group, Person, Source, Strict
from .problems import Problem


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
    model_class = MODEL_OF_KIND[document.kind]
    try:
        model = model_class.model_validate(document.data)
    except ValidationError as error:
        problems.extend(_translate(error, document.where, model_class))
        return None
    if document.kind != "brief" and model.id != document.stem:  # type: ignore[attr-defined]
        problems.append(
            document.where.value(("id",)).problem(
                f"id '{model.id}' differs from the file name; "  # type: ignore[attr-defined]
                f"rename the file to {model.id}.yaml or set id: {document.stem}"  # type: ignore[attr-defined]
            )
        )
        return None
    if document.kind == "brief" and not _is_slug(document.stem):
        problems.append(
            document.where.value(()).problem(
                f"brief file name '{document.stem}' must be a lowercase slug such as why-isis-k-struck-russia.md"
            )
        )
        return None
    return model


def _is_slug(text: str) -> bool:
    return re.match(SLUG_PATTERN, text) is not None


def _all_field_names(model: type[BaseModel], seen: set[type] | None = None) -> set[str]:
    """Every key the contract knows anywhere inside a model, for 'did you mean' suggestions."""
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names = set(model.model_fields)
    for info in model.model_fields.values():
        for inner in _models_in(info.annotation):
            names |= _all_field_names(inner, seen)
    return names


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    found = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
    for argument in getattr(annotation, "__args__", ()) or ():
        found.extend(_models_in(argument))
    return found


def _translate(error: ValidationError, where: SourceMap, model_class: type[BaseModel]) -> list[Problem]:
    known = sorted(_all_field_names(model_class))
    problems = []
    for detail in error.errors(include_url=False):
        path = _clean_path(detail["loc"])
        problems.append(_problem(detail, path, where, known))
    return problems


def _clean_path(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    # Pydantic adds union branch names ("Citation", "constrained-str") to locations; they are not in the YAML.
    return tuple(part for part in loc if isinstance(part, int) or not _is_branch_name(part))


def _is_branch_name(part: str) -> bool:
    return part[:1].isupper() or "[" in part or part in {"constrained-str", "function-after"}


def _problem(detail: dict[str, Any], path: tuple[str | int, ...], where: SourceMap, known: list[str]) -> Problem:
    kind = detail["type"]
    name = ".".join(str(part) for part in path) or "the file"
    if kind == "extra_forbidden":
        key = str(path[-1])
        guess = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"; did you mean '{guess[0]}'?" if guess else "; remove it or check the spelling"
        return where.key(path).problem(f"unknown key '{key}'{hint}")
    if kind == "missing":
        parent = where.value(path[:-1])
        return parent.problem(f"missing required key '{path[-1]}'" + _where_suffix(path[:-1]))
    message = _message(detail)
    return where.value(path).problem(f"{name}: {message}")


def _where_suffix(path: tuple[str | int, ...]) -> str:
    return f" in {'.'.join(str(part) for part in path)}" if path else ""


def _message(detail: dict[str, Any]) -> str:
    kind, context = detail["type"], detail.get("ctx") or {}
    given = detail.get("input")
    if kind == "string_pattern_mismatch":
        if "a-z0-9" in str(context.get("pattern", "")):
            return f"'{given}' is not a valid id: use lowercase letters, digits and single hyphens (e.g. isis-k)"
        if "https?" in str(context.get("pattern", "")):
            return f"{json.dumps(given)} is not an http(s) URL; only http:// and https:// links are allowed"
        return f"{json.dumps(given)} is not in the expected form"
    if kind == "literal_error":
        return f"{json.dumps(given)} is not allowed; use one of {context.get('expected')}"
    if kind == "too_short" and isinstance(given, list):
        return "must list at least one entry (a claim without a citation is not allowed)"
    if kind in {"string_type", "float_type", "float_parsing", "list_type", "model_type", "bool_type", "dict_type"}:
        expected = {
            "string_type": "text",
            "float_type": "a number",
            "float_parsing": "a number",
            "list_type": "a list",
            "model_type": "a mapping of keys",
            "dict_type": "a mapping of keys",
            "bool_type": "true or false",
        }[kind]
        return f"expected {expected}, got {_describe(given)}"
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
    return json.dumps(value) if isinstance(value, str) else repr(value)


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
