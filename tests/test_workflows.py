"""The GitHub Actions workflows: valid workflow files whose commands really do what they claim."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, run

WORKFLOWS = ROOT / ".github" / "workflows"


def workflow(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(data: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return data["jobs"][job]["steps"]


def command(data: dict[str, Any], job: str, starts: str) -> list[str]:
    """The one `run:` of a job that starts with the given words, as an argument list for this Python."""
    found = [s["run"] for s in steps(data, job) if "run" in s and s["run"].startswith(starts)]
    assert len(found) == 1, f"{job} should run `{starts} ...` once, found {found}"
    args = shlex.split(found[0])
    if args[0] == "python":
        return [sys.executable, *args[1:]]
    if args[0] == "mkdocs":
        return [sys.executable, "-m", "mkdocs", *args[1:]]
    return args


def test_workflow_files_match_githubs_schema() -> None:
    pytest.importorskip("check_jsonschema", reason="check-jsonschema (test extra) carries GitHub's workflow schema")
    files = sorted(str(path) for path in WORKFLOWS.glob("*.yml"))
    assert [Path(f).name for f in files] == ["deploy.yml", "validate.yml"]
    result = run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", *files], ROOT)
    assert result.code == 0, result.out + result.err


def test_validate_runs_on_every_pull_request_and_checks_everything() -> None:
    data = workflow("validate.yml")
    assert "pull_request" in data["on"]
    assert data.get("permissions") == {"contents": "read"}
    assert command(data, "validate", "python -m generator validate")[-2:] == ["--format", "github"]
    assert command(data, "validate", "python -m pytest")
    assert "--strict" in command(data, "validate", "mkdocs build")
    install = command(data, "validate", "python -m pip install")
    assert install[-1] == ".[test]"


def test_validate_step_annotates_a_broken_project(fixture_project: Path) -> None:
    validate = command(workflow("validate.yml"), "validate", "python -m generator validate")
    assert run(validate, fixture_project).code == 0
    red = fixture_project / "data" / "groups" / "red-front.yaml"
    red.write_text(red.read_text(encoding="utf-8").replace("type: militant-group", "typ: militant-group"))
    line = red.read_text(encoding="utf-8").splitlines().index("typ: militant-group") + 1
    result = run(validate, fixture_project)
    assert result.code == 1
    expected = f"::error file=data/groups/red-front.yaml,line={line},col=1::unknown key 'typ'; did you mean 'type'?"
    assert expected in result.err.splitlines()


def test_deploy_builds_main_and_publishes_the_built_folder(fixture_project: Path) -> None:
    data = workflow("deploy.yml")
    assert data["on"]["push"]["branches"] == ["main"]
    build, deploy = data["jobs"]["build"], data["jobs"]["deploy"]
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert "pages" not in data.get("permissions", {}), "only the deploy job may write to Pages"

    # The build step writes the folder the upload step publishes, exports included.
    result = run(command(data, "build", "mkdocs build"), fixture_project)
    assert result.code == 0, result.err
    published = fixture_project / upload["with"]["path"]
    assert (published / "index.html").is_file() and (published / "exports" / "all.json").is_file()


def test_deploy_checks_out_the_whole_history_and_publishes_at_its_own_address() -> None:
    # "Last updated" and each profile's changes come from git: a checkout of one commit would date
    # every file by the newest commit (the build would then show no dates at all).
    build = workflow("deploy.yml")["jobs"]["build"]
    checkout = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    pages = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/configure-pages@"))
    make = next(s for s in build["steps"] if s.get("run", "").startswith("mkdocs build"))
    assert build["steps"].index(pages) < build["steps"].index(make)
    assert make["env"]["KB_SITE_URL"] == "${{ steps.%s.outputs.base_url }}/" % pages["id"]
    assert make["env"]["KB_REPO_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    assert make["env"]["KB_EDIT_URI"].endswith("/site_src/")
