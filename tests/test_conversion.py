"""A large build converts part of its Markdown (generator/mkdocs_adapter/conversion.py) and builds part
of its pages in the theme (generator/mkdocs_adapter/theming.py) in a second process.

The site must be the one a single process builds, byte for byte; what the second process logs must
be reported and counted by --strict as if MkDocs had logged it; and whenever the second process's
result might differ (another plugin changed the Markdown or has page events of its own, or the
process died), the page is converted or built as MkDocs does it. The real project is small, so these
builds lower the page count from which the second process is used.
"""

from __future__ import annotations

import filecmp
import sys
from pathlib import Path

import pytest

from conftest import copy_project, run

# mode: "two" (a second process from one page on, the pipeline child sending the pages seven at a
# time), "one" (never), "all" (the second process takes
# every page), "died" (it exits before sending anything), "no-affinity" (as "two", on a Python
# without os.sched_getaffinity, as on macOS), "no-fork" (as "two", where fork is missing, as on
# Windows), "theme-warns" (as "all", and a page event warns about one page while the theme is built),
# "half-died" (as "all", and the conversion child exits after sending five pages), "generator-died"
# (the child that runs the pipeline beside the build, exports.py, exits before sending the pages),
# "search-fails" (the search index, which the theming child makes after its pages, fails there).
# Prints how many pages took the second process's conversion, then its theme.
BUILD = """
import logging, multiprocessing, os, sys
site, mode = sys.argv[1:3]
if mode == "no-affinity":
    del os.sched_getaffinity
if mode == "no-fork":
    multiprocessing.get_all_start_methods = lambda: ["spawn"]
import generator.mkdocs_adapter.conversion as conversion
import generator.mkdocs_adapter.theming as theming
from generator.mkdocs_adapter.plugin import KhorasanBriefPlugin
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
import generator.mkdocs_adapter.search as search
import generator.mkdocs_adapter.exports as exports
conversion.PARALLEL_FROM = theming.PARALLEL_FROM = search.PARALLEL_FROM = 10**9 if mode == "one" else 1
exports.PAGES_AT_ONCE = 10**9 if mode == "one" else 7  # the pipeline child sends the pages in parts
if mode == "search-fails":
    stage, parent = search._stage, os.getpid()
    def _stage(*args):
        if os.getpid() != parent:
            raise RuntimeError("no index in the theming child")
        return stage(*args)
    search._stage = _stage
if mode in ("all", "theme-warns"):
    conversion.CHILD_SHARE = theming.CHILD_SHARE = theming.CARRYING_SHARE = 1.0
if mode == "died":
    conversion._convert = theming._build_in_child = lambda *args: os._exit(3)
if mode == "half-died":
    conversion.CHILD_SHARE = 1.0
    convert = conversion._convert
    def _convert(*args):
        for count, item in enumerate(convert(*args)):
            if count == 5:
                os._exit(3)
            yield item
    conversion._convert = _convert
if mode == "generator-died":
    exports._build_then_export = lambda *args: os._exit(3)
if mode == "theme-warns":
    on_post_page = KhorasanBriefPlugin.on_post_page
    def warning(self, output, *, page, config):
        if page.file.src_uri == "methodology.md":
            logging.getLogger("mkdocs.plugins.khorasan_brief").warning("a warning while the theme built methodology.md")
        return on_post_page(self, output, page=page, config=config)
    KhorasanBriefPlugin.on_post_page = warning
logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
config = load_config("mkdocs.yml", site_dir=site, strict=True)
try:
    build(config)
except Abort as abort:
    print(abort, file=sys.stderr)
    sys.exit(1)
finally:
    print("released" if config.plugins["khorasan-brief"].release_sources else "kept")
    print(config.plugins["khorasan-brief/conversion"].taken, config.plugins["khorasan-brief/theming"].taken)
"""


def build(project: Path, mode: str) -> tuple[int, int, str]:
    """(exit code, pages that took the second process's conversion, stderr)."""
    code, converted, _, err = build_both(project, mode)
    return code, converted, err


def build_both(project: Path, mode: str) -> tuple[int, int, int, str]:
    """(exit code, pages converted by the second process, pages it built in the theme, stderr)."""
    done = run([sys.executable, "-c", BUILD, str(project / f"site-{mode}"), mode], project)
    converted, themed = done.out.split()[-2:]
    return done.code, int(converted), int(themed), done.err


def sources_released(project: Path, mode: str) -> bool:
    """Whether the build dropped each generated page's Markdown once converted (plugin.py)."""
    done = run([sys.executable, "-c", BUILD, str(project / f"site-{mode}-released"), mode], project)
    assert done.code == 0, done.err
    return done.out.split()[-3] == "released"


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
    code, converted, themed, err = build_both(project, "two")
    assert code == 0, err
    assert converted > 20 and themed > 20
    code, converted, themed, err = build_both(project, "one")
    assert (code, converted, themed) == (0, 0, 0), err
    assert same_tree(project / "site-two", project / "site-one") == []  # the search index among them


def test_what_the_second_process_logs_while_theming_is_reported_once_and_fails_strict(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    code, _, themed, err = build_both(project, "theme-warns")
    assert themed > 50  # every page, methodology.md included, was built by the second process
    assert code == 1
    assert err.count("a warning while the theme built methodology.md") == 1, err
    assert "Aborted with 1 warnings in strict mode" in err


def test_what_the_second_process_logs_is_reported_once_and_fails_strict(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    (project / "site_src" / "extra.md").write_text("# Extra\n\nSee [the missing page](missing.md).\n", encoding="utf-8")
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


def test_a_plugin_that_may_read_the_markdown_later_still_finds_it(tmp_path: Path, project: Path) -> None:
    # A build drops each page's Markdown once it is converted, but only where every plugin is known
    # not to read it afterwards; a hook might (this one writes its length into the page).
    assert sources_released(project, "two")
    hooked = with_hook(copy_project(tmp_path), (
        "def on_post_page(output, page, **kwargs):\n"
        "    return output.replace('</body>', f'<!-- markdown {len(page.markdown)} -->\\n</body>')\n"
    ))
    assert not sources_released(hooked, "two")
    html = (hooked / "site-two-released" / "groups" / "isis-k" / "index.html").read_text(encoding="utf-8")
    length = int(html.rsplit("<!-- markdown ", 1)[1].split()[0])
    assert length > 1000


def test_a_plugin_with_page_events_of_its_own_keeps_the_theme_here(tmp_path: Path) -> None:
    # Its on_page_context could count pages or gather state: in a second process that would be lost.
    project = with_hook(copy_project(tmp_path), "seen = []\ndef on_page_context(context, page, **kwargs):\n    seen.append(page)\n    return context\n")
    code, converted, themed, err = build_both(project, "all")
    assert code == 0, err
    assert (converted > 50, themed) == (True, 0)


def test_a_second_process_that_dies_leaves_the_pages_to_this_one(project: Path) -> None:
    code, taken, themed, err = build_both(project, "died")
    assert (code, taken, themed) == (0, 0, 0), err
    if not (project / "site-one").exists():
        assert build(project, "one")[0] == 0
    assert same_tree(project / "site-died", project / "site-one") == []


def test_a_conversion_child_that_dies_midway_leaves_the_rest_to_this_one(project: Path) -> None:
    code, taken, err = build(project, "half-died")
    assert (code, taken) == (0, 5), err
    if not (project / "site-one").exists():
        assert build(project, "one")[0] == 0
    assert same_tree(project / "site-half-died", project / "site-one") == []


def test_a_search_index_the_theming_child_fails_to_make_is_made_here(project: Path) -> None:
    code, _, themed, err = build_both(project, "search-fails")
    assert code == 0, err
    assert themed > 0
    if not (project / "site-one").exists():
        assert build(project, "one")[0] == 0
    assert same_tree(project / "site-search-fails", project / "site-one") == []
    assert (project / "site-search-fails" / "search" / "kb" / "meta.json").is_file()


def test_a_pipeline_child_that_dies_leaves_the_pipeline_to_this_one(project: Path) -> None:
    # Then the pages and the exports are made here, as a build without a second core makes them.
    code, _, err = build(project, "generator-died")
    assert code == 0, err
    if not (project / "site-one").exists():
        assert build(project, "one")[0] == 0
    assert same_tree(project / "site-generator-died", project / "site-one") == []
    assert (project / "site-generator-died" / "exports" / "all.json").stat().st_size > 10_000


@pytest.mark.parametrize(("mode", "second_process"), [("no-affinity", True), ("no-fork", False)])
def test_builds_where_python_lacks_what_linux_has(project: Path, mode: str, second_process: bool) -> None:
    code, taken, themed, err = build_both(project, mode)
    assert code == 0, err
    assert (taken > 0, themed > 0) == (second_process, second_process)
    if not (project / "site-one").exists():
        assert build(project, "one")[0] == 0
    assert same_tree(project / f"site-{mode}", project / "site-one") == []
