"""A large build converts part of its Markdown in a second process
(generator/mkdocs_adapter/build/conversion.py).

The site must be the one a single process builds, byte for byte; what the second process logs must
be reported and counted by --strict as if MkDocs had logged it; and whenever the second process's
result might differ (another plugin changed the Markdown, or the process died), the page is converted
as MkDocs does it. The real project is small, so these builds lower the page count from which the
second process is used.
"""

from __future__ import annotations

import filecmp
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import copy_project, run

from generator.mkdocs_adapter.cores import Forked

# mode: "two" (a second process from one page on), "one" (never), "all" (the second process takes
# every page), "died" (it exits before sending anything), "half-died" (as "all", and it exits after
# sending five pages), "no-affinity" (as "two", on a Python without os.sched_getaffinity, as on
# macOS), "no-fork" (as "two", where fork is missing, as on Windows).
# Prints how many pages took the second process's conversion.
BUILD = """
import logging, multiprocessing, os, sys
site, mode = sys.argv[1:3]
if mode == "no-affinity":
    del os.sched_getaffinity
if mode == "no-fork":
    multiprocessing.get_all_start_methods = lambda: ["spawn"]
import generator.mkdocs_adapter.build.conversion as conversion
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
conversion.PARALLEL_FROM = 10**9 if mode == "one" else 1
if mode in ("all", "half-died"):
    conversion.CHILD_SHARE = 1.0
if mode == "died":
    conversion._convert = lambda *args: os._exit(3)
if mode == "half-died":
    convert = conversion._convert
    def _convert(*args):
        for count, item in enumerate(convert(*args)):
            if count == 5:
                os._exit(3)
            yield item
    conversion._convert = _convert
logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
config = load_config("mkdocs.yml", site_dir=site, strict=True)
try:
    build(config)
except Abort as abort:
    print(abort, file=sys.stderr)
    sys.exit(1)
finally:
    print(config.plugins["khorasan-brief/conversion"].taken)
"""


def build(project: Path, mode: str) -> tuple[int, int, str]:
    """(exit code, pages that took the second process's conversion, stderr)."""
    done = run([sys.executable, "-c", BUILD, str(project / f"site-{mode}"), mode], project)
    return done.code, int(done.out.split()[-1]), done.err


def same_tree(left: Path, right: Path) -> list[str]:
    """Paths that differ between two folders (missing on one side, or different bytes)."""
    compared = filecmp.dircmp(left, right)
    differ = [*compared.left_only, *compared.right_only, *compared.funny_files]
    _, mismatch, errors = filecmp.cmpfiles(left, right, compared.common_files, shallow=False)
    differ += mismatch + errors
    for name in compared.common_dirs:
        differ += [f"{name}/{path}" for path in same_tree(left / name, right / name)]
    return differ


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("project"))


def test_two_processes_build_the_site_one_builds(project: Path) -> None:
    code, converted, err = build(project, "two")
    assert code == 0, err
    assert converted > 20
    code, converted, err = build(project, "one")
    assert (code, converted) == (0, 0), err
    assert same_tree(project / "site-two", project / "site-one") == []  # the search index among them


def test_what_the_second_process_logs_is_reported_once_and_fails_strict(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    (project / "site_src" / "extra.md").write_text("---\ntitle: Extra\n---\n\nSee [the missing page](missing.md).\n", encoding="utf-8")
    code, taken, err = build(project, "all")
    assert taken > 50  # every page, this one included, was converted by the second process
    assert code == 1
    assert err.count("WARNING mkdocs.structure.pages: Doc file 'extra.md' contains a link 'missing.md'") == 1, err
    assert "Aborted with 1 warnings in strict mode" in err


def with_hook(project: Path, source: str) -> Path:
    """The project with an MkDocs hook file of this source."""
    (project / "hook.py").write_text(source, encoding="utf-8")
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("\nhooks:\n  - hook.py\n")
    return project


def test_markdown_changed_by_another_plugin_is_converted_here(tmp_path: Path) -> None:
    project = with_hook(copy_project(tmp_path), "def on_page_markdown(markdown, page, **kwargs):\n    return markdown + '\\n\\nAdded by a hook.\\n'\n")
    code, taken, err = build(project, "all")
    assert (code, taken) == (0, 0), err
    assert "Added by a hook." in (project / "site-all" / "groups" / "isis-k" / "index.html").read_text(encoding="utf-8")


def test_a_second_process_that_dies_leaves_the_pages_to_this_one(project: Path) -> None:
    code, taken, err = build(project, "died")
    assert (code, taken) == (0, 0), err
    if not (project / "site-one").exists():
        assert build(project, "one")[0] == 0
    assert same_tree(project / "site-died", project / "site-one") == []


def test_a_conversion_child_that_dies_midway_leaves_the_rest_to_this_one(project: Path) -> None:
    code, taken, err = build(project, "half-died")
    assert code == 0, err
    assert 1 <= taken <= 5  # of the five pages sent, those whose title is in their front matter
    if not (project / "site-one").exists():
        assert build(project, "one")[0] == 0
    assert same_tree(project / "site-half-died", project / "site-one") == []


@pytest.mark.parametrize(("mode", "second_process"), [("no-affinity", True), ("no-fork", False)])
def test_builds_where_python_lacks_what_linux_has(project: Path, mode: str, second_process: bool) -> None:
    code, taken, err = build(project, mode)
    assert code == 0, err
    assert (taken > 0) == second_process
    if not (project / "site-one").exists():
        assert build(project, "one")[0] == 0
    assert same_tree(project / f"site-{mode}", project / "site-one") == []


def _three_then_fail() -> Iterator[object]:
    yield 1
    yield {"two": 2}
    yield [3]
    raise RuntimeError("the parent does the rest")


def test_a_streaming_child_sends_each_item_and_ends_when_its_work_raises() -> None:
    child = Forked(_three_then_fail)
    assert list(child.items()) == [1, {"two": 2}, [3]]
    child.close()


def test_a_child_that_dies_ends_the_stream() -> None:
    def dies() -> Iterator[object]:
        yield "sent"
        os._exit(3)

    child = Forked(dies)
    assert list(child.items()) == ["sent"]
    child.close()
