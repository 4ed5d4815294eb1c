"""The JSON Schemas that editors use: committed, current, and right about real and broken files."""

from __future__ import annotations

import copy
import fnmatch
import json
import re
from pathlib import Path

import jsonschema
import pytest
from conftest import FIXTURE_KB, ROOT, generator

from generator.stages.load import Document, load_project

SCHEMA_DIR = ROOT / "schema"
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(?P<path>\S+)$")


def validator(kind: str) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def documents(root: Path) -> list[Document]:
    loaded = load_project(root)
    return loaded.documents


def test_committed_schemas_equal_what_the_command_writes(tmp_path: Path) -> None:
    result = generator("schema", "--out", str(tmp_path), cwd=ROOT)
    assert result.code == 0, result.err
    written = {path.name: path.read_text(encoding="utf-8") for path in tmp_path.iterdir()}
    committed = {path.name: path.read_text(encoding="utf-8") for path in SCHEMA_DIR.iterdir()}
    assert written.keys() == committed.keys()
    stale = [name for name in written if written[name] != committed[name]]
    assert not stale, f"schema/ is out of date for {stale}: run `.venv/bin/python -m generator schema` and commit"


@pytest.mark.parametrize("root", [ROOT, FIXTURE_KB], ids=["real-data", "fixture-kb"])
def test_every_data_file_and_brief_matches_its_schema(root: Path) -> None:
    # The loader reads YAML as YAML 1.2 editors do (dates stay text), so this is what the editor checks.
    docs = documents(root)
    assert docs, f"no data under {root}"
    failures = {doc.file: [error.message for error in validator(doc.kind).iter_errors(doc.data)] for doc in docs}
    assert {file: errors for file, errors in failures.items() if errors} == {}


def _profile(stem: str) -> dict:
    doc = next(d for d in documents(FIXTURE_KB) if d.stem == stem)
    return copy.deepcopy(doc.data)


BREAKAGES = {
    "unknown key": lambda d: d.update(leader="x"),
    "misspelt relationship type": lambda d: d["relationships"][0].update(type="lead-by"),
    "claim without citation": lambda d: d["summary"].update(cite=[]),
    "citation in the wrong form": lambda d: d["summary"].update(cite=["Alpha Report para 1"]),
    "date with a day that is text": lambda d: d.update(founded="January 2015"),
    "status outside the vocabulary": lambda d: d["summary"].update(status="rumoured"),
    "figure value as text": lambda d: d["figures"][0]["values"][0].update(value="about 1000"),
    "missing type": lambda d: d.pop("type"),
    "id not a slug": lambda d: d.update(id="Red Front"),
}


@pytest.mark.parametrize("breakage", BREAKAGES, ids=list(BREAKAGES))
def test_schema_rejects_a_broken_group(breakage: str) -> None:
    group = _profile("red-front")
    assert not list(validator("group").iter_errors(group))
    BREAKAGES[breakage](group)
    assert list(validator("group").iter_errors(group)), f"schema accepted a file with {breakage}"


def test_schema_of_one_kind_rejects_another_kind() -> None:
    assert list(validator("person").iter_errors(_profile("red-front")))
    assert list(validator("event").iter_errors(_profile("jo-leader")))


def test_each_data_file_names_its_schema_on_the_first_line() -> None:
    """The modeline editors read; it must point at the schema of the file's own kind."""
    wrong = {}
    for doc in documents(ROOT):
        if doc.kind == "brief":
            continue
        path = ROOT / doc.file
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = MODELINE.match(first)
        target = (path.parent / match["path"]).resolve() if match else None
        if target != (SCHEMA_DIR / f"{doc.kind}.schema.json").resolve():
            wrong[doc.file] = first
    assert wrong == {}, "first line should be # yaml-language-server: $schema=../../schema/<kind>.schema.json"


def test_vscode_settings_map_each_data_folder_to_its_schema() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    schemas: dict[str, list[str]] = settings["yaml.schemas"]
    for doc in documents(ROOT):
        if doc.kind == "brief":
            continue
        matching = [schema for schema, globs in schemas.items() if any(fnmatch.fnmatch(doc.file, g) for g in globs)]
        assert len(matching) == 1, f"{doc.file} is matched by {matching}"
        assert (ROOT / matching[0]).resolve() == (SCHEMA_DIR / f"{doc.kind}.schema.json").resolve()
