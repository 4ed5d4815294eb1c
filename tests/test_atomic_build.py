"""A build that is killed, or that fails in any way, leaves the previous site whole and no process
behind (generator/mkdocs_adapter/atomic.py, generator/mkdocs_adapter/cores.py).

The kill tests run real ``mkdocs build`` processes on a synthetic knowledge base large enough for the
build to fork its helper (the conversion), and stop each at a different point that the test waits for
(a state it can see, never a time): while the pipeline runs, while the child works, while MkDocs
writes pages, and near the end.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ENV, FIXTURE_KB, ROOT, copy_project, mkdocs_build
from test_bad_inputs import snapshot

from generator.mkdocs_adapter.cores import second_core

sys.path.insert(0, str(ROOT))
from bench.synth import make_knowledge_base  # noqa: E402

LIMIT = 300.0  # seconds: generous, for a busy machine; the tests wait for states, not for time


def wait_until(what: str, check: Callable[[], object], process: subprocess.Popen[bytes] | None = None) -> object:
    deadline = time.monotonic() + LIMIT
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        if process is not None and process.poll() is not None:
            pytest.fail(f"the build ended (exit {process.returncode}) before {what}")
        time.sleep(0.02)
    pytest.fail(f"no {what} within {LIMIT:.0f} s")


def processes() -> dict[int, tuple[int, str]]:
    """Every process: pid -> (parent pid, state letter)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        found[int(entry)] = (int(fields[1]), fields[0])
    return found


def descendants(root: int) -> set[int]:
    table = processes()
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, (parent, _) in table.items() if parent in frontier} - found
        found |= frontier
    return found


def running(pids: set[int]) -> set[int]:
    table = processes()
    return {pid for pid in pids if pid in table and table[pid][1] not in "ZX"}  # a zombie has ended


def files_below(folder: Path) -> int:
    return sum(len(names) for _, _, names in os.walk(folder))


def pages_below(folder: Path) -> int:
    return sum(name.endswith(".html") for _, _, names in os.walk(folder) for name in names)


def siblings(site: Path, role: str) -> list[Path]:
    return sorted(site.parent.glob(f".{site.name}.{role}-*"))


@pytest.fixture(scope="module")
def large_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[bytes, int]], int]:
    """A knowledge base past the two-core thresholds, with a good build in site/."""
    project = tmp_path_factory.mktemp("large")
    copy_project(project, FIXTURE_KB)
    for folder in ("data", "briefs"):
        shutil.rmtree(project / folder)
    make_knowledge_base(project, 450)
    result = mkdocs_build(project, project / "site")
    assert result.code == 0, result.err
    return project, snapshot(project / "site"), pages_below(project / "site")


POINTS = {
    "children at work": lambda build, site, pages: descendants(build.pid),
    "pages being written": lambda build, site, pages: any(files_below(b) > 50 for b in siblings(site, "building")),
    "pipeline running": lambda build, site, pages: siblings(site, "building"),  # made before the pipeline runs
    # Counted in pages, which the theme writes one by one: the search index is written only after
    # the last page, in a burst that ends with the swap (a kill then may come after it).
    "nearly done": lambda build, site, pages: any(pages_below(b) > 0.9 * pages for b in siblings(site, "building")),
}


@pytest.mark.parametrize(
    ("point", "sent"),
    [
        ("children at work", signal.SIGTERM),
        ("pages being written", signal.SIGKILL),
        ("pipeline running", signal.SIGTERM),
        ("nearly done", signal.SIGKILL),
    ],
    ids=lambda value: value.name if isinstance(value, signal.Signals) else value.replace(" ", "-"),
)
def test_a_killed_build_leaves_the_previous_site_whole_and_no_process(
    large_project: tuple[Path, dict[str, tuple[bytes, int]], int], point: str, sent: signal.Signals
) -> None:
    if point == "children at work" and not second_core():
        pytest.skip("this machine gives the build no second core, so it forks no helper")
    project, before, pages = large_project
    site = project / "site"
    build = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=project,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seen: set[int] = set()

    def reached() -> bool:
        seen.update(descendants(build.pid))  # every helper it forked, to look for after the kill
        return bool(POINTS[point](build, site, pages))

    try:
        wait_until(point, reached, build)
        seen.update(descendants(build.pid))
        build.send_signal(sent)
        build.wait(timeout=LIMIT)
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
    assert build.returncode == -sent
    wait_until("end of every helper process", lambda: not running(seen))
    assert snapshot(site) == before


def test_the_next_build_clears_what_killed_builds_left(large_project: tuple[Path, dict[str, tuple[bytes, int]], int]) -> None:
    project, _, _ = large_project
    site = project / "site"
    stale = site.with_name(f".{site.name}.building-999999999-1")  # no such process
    (stale / "groups").mkdir(parents=True, exist_ok=True)
    result = mkdocs_build(project, site)
    assert result.code == 0, result.err
    assert [p.name for p in project.iterdir() if p.name.startswith(".site.")] == []


# -- failures inside a build -----------------------------------------------------------------------

CRASHING_HOOK = """
import os, signal

def on_{event}(*args, **kwargs):
    {action}
"""


@pytest.mark.parametrize(
    ("event", "action"),
    [
        ("page_content", "raise RecursionError('maximum recursion depth exceeded')"),
        ("post_page", "raise OSError(36, 'File name too long')"),
        ("env", "raise ValueError('a plugin failed')"),
        ("post_build", "raise RuntimeError('a plugin failed at the end')"),
        ("page_markdown", "os.kill(os.getpid(), signal.SIGKILL)"),
    ],
)
def test_a_failure_in_any_event_keeps_the_previous_site(fixture_project: Path, event: str, action: str) -> None:
    site = fixture_project / "site"
    assert mkdocs_build(fixture_project, site).code == 0
    before = snapshot(site)
    (fixture_project / "crash.py").write_text(CRASHING_HOOK.format(event=event, action=action), encoding="utf-8")
    config = fixture_project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - crash.py\n", encoding="utf-8")
    result = mkdocs_build(fixture_project, site)
    assert result.code != 0
    assert snapshot(site) == before
    if "SIGKILL" not in action:  # a failed build cleans up after itself; a killed one, the next build
        assert [p.name for p in fixture_project.iterdir() if p.name.startswith(".site.")] == []


def test_a_strict_warning_keeps_the_previous_site(fixture_project: Path) -> None:
    site = fixture_project / "site"
    assert mkdocs_build(fixture_project, site).code == 0
    before = snapshot(site)
    page = fixture_project / "site_src" / "methodology.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n\n[gone](no-such-page.md)\n", encoding="utf-8")
    result = mkdocs_build(fixture_project, site)
    assert result.code == 1 and "Aborted with 1 warnings in strict mode!" in result.out + result.err
    assert snapshot(site) == before


def test_a_forked_child_ends_with_its_parent(tmp_path: Path) -> None:
    """The parent is killed (no clean-up of any kind runs); its child, busy waiting for ever, must end."""
    if not second_core():
        pytest.skip("fork is not available here")
    script = textwrap.dedent(
        """
        import sys, threading
        from generator.mkdocs_adapter.cores import Forked
        child = Forked(threading.Event().wait)
        print(child.pid, flush=True)
        threading.Event().wait()
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=ENV, stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert running({child}) == {child}
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=LIMIT)
    finally:
        if parent.poll() is None:
            parent.kill()
    wait_until("end of the orphaned child", lambda: not running({child}))
