"""Timed runs of the generator and MkDocs on one synthetic knowledge base, each in its own process.

Every step is a fresh process, timed on the wall clock, with its peak resident memory taken from the
kernel's accounting of that one child (``os.wait4``), so no step's memory hides another's, and the
peak of the proportional set size (PSS) of the step's whole process tree, sampled every 0.2 s from
``/proc/<pid>/smaps_rollup``: RSS counts a page shared by a forked child once per process, PSS shares it
out, so the sum is what the step's processes take together.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml
from mkdocs.utils.yaml import yaml_load

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = "khorasan-brief"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUTF8": "1"}


@dataclass(frozen=True)
class Run:
    seconds: float  # wall clock
    cpu_seconds: float  # user + system time of the process: what other load on the machine does not inflate
    peak_mib: float
    output: str
    pss_mib: float = 0.0  # peak of the PSS summed over the process and its descendants (0: not measured)


class StepFailed(RuntimeError):
    pass


def timed(label: str, args: list[str], cwd: Path) -> Run:
    """Run a command to its end; its wall time and the peak RSS of that process."""
    with open(cwd.parent / f"{label}.log", "w+", encoding="utf-8") as out:
        start = time.perf_counter()
        process = subprocess.Popen(args, cwd=cwd, env=ENV, stdout=out, stderr=subprocess.STDOUT)
        sampler = PssSampler(process.pid)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        pss = sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    if process.returncode != 0:
        raise StepFailed(f"{' '.join(args)} failed in {cwd}:\n{text[-3000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, cpu, usage.ru_maxrss / 1024, text, pss)  # ru_maxrss is in KiB on Linux


class PssSampler:
    """The peak, over samples every ``interval`` seconds, of the PSS of ``pid`` and its descendants."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid, self.interval, self.peak_kib = pid, interval, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return self.peak_kib / 1024

    def _run(self) -> None:
        while not self._done.wait(self.interval):
            self.peak_kib = max(self.peak_kib, sum(_pss_kib(pid) for pid in _tree(self.pid)))


def _tree(root: int) -> list[int]:
    """``root`` and every process below it, from the parent ids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    stat = handle.read()
            except OSError:
                continue
            parent = int(stat[stat.rindex(b")") + 2 :].split()[1])
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass  # the process ended between the listing and the read
    return 0


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def make_project(folder: Path) -> Path:
    """A project with the repository's configuration and hand-written pages; data comes from synth."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    shutil.copytree(ROOT / "site_src", folder / "site_src")
    return folder


def plain_project(project: Path, rendered: Path, folder: Path) -> Path:
    """The same site without the plugin: the generator's Markdown laid into a copy of the docs folder."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(project / "mkdocs.yml", "rb") as handle:
        config = yaml_load(handle)
    docs = folder / config.get("docs_dir", "docs")
    shutil.copytree(project / config.get("docs_dir", "docs"), docs)
    shutil.copytree(rendered, docs, dirs_exist_ok=True)
    plugins = [item for item in config.get("plugins", []) if _plugin_name(item) != PLUGIN]
    child = {"INHERIT": str(project / "mkdocs.yml"), "plugins": plugins}
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(child, sort_keys=False), encoding="utf-8")
    return folder


def _plugin_name(item: object) -> str:
    return next(iter(item)) if isinstance(item, dict) else str(item)


@dataclass(frozen=True)
class SiteFigures:
    site_bytes: int
    html_pages: int  # pages of content; the redirect stubs of other names are counted apart
    redirect_pages: int
    html_mean_bytes: float
    html_max_bytes: int
    html_max_page: str
    search_index_bytes: int  # everything under search/: what the site holds, not what a reader fetches
    exports_bytes: int


def site_figures(site: Path) -> SiteFigures:
    total, html, redirects = 0, [], 0
    for path in site.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total += size
            if path.suffix == ".html":
                if b'http-equiv="refresh"' in path.read_bytes()[:2048]:
                    redirects += 1
                else:
                    html.append((size, path.relative_to(site).as_posix()))
    largest = max(html)
    index = site / "search"
    exports = site / "exports"
    return SiteFigures(
        site_bytes=total,
        html_pages=len(html),
        redirect_pages=redirects,
        html_mean_bytes=sum(size for size, _ in html) / len(html),
        html_max_bytes=largest[0],
        html_max_page=largest[1],
        search_index_bytes=sum(p.stat().st_size for p in index.rglob("*") if p.is_file()) if index.is_dir() else 0,
        exports_bytes=sum(p.stat().st_size for p in exports.rglob("*") if p.is_file()) if exports.is_dir() else 0,
    )


def best(runs: list[Run]) -> Run:
    """The least disturbed of repeated runs: the shortest wall and CPU times, the highest memory peak."""
    return Run(min(r.seconds for r in runs), min(r.cpu_seconds for r in runs), max(r.peak_mib for r in runs), "", max(r.pss_mib for r in runs))


@dataclass(frozen=True)
class SizeResult:
    size: int
    files: dict[str, int]
    repeat: int
    validate_s: float
    validate_cpu_s: float
    validate_mib: float
    build_s: float
    build_cpu_s: float
    build_mib: float
    build_pss_mib: float  # peak PSS of the build's processes together
    render_s: float
    plain_build_s: float
    plain_build_cpu_s: float
    plain_build_mib: float
    plain_build_pss_mib: float
    overhead: float  # b / c on the wall clock
    overhead_cpu: float  # b / c on CPU time
    runs_s: dict[str, list[float]]  # every wall time, by step, in the order run
    load_average: tuple[float, float, float]  # of the machine at the end of the runs: other work skews wall times
    site: SiteFigures
    plain_site: SiteFigures

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def measure_size(project: Path, work: Path, size: int, files: dict[str, int], repeat: int = 1) -> SizeResult:
    """Time (a), (b) and (c) ``repeat`` times each, b and c taking turns so that other load on the
    machine falls on both alike; the best of each is kept."""
    for stale in ("site", "rendered", "plain", "plain-site"):  # left by an earlier run with --keep
        shutil.rmtree(work / stale, ignore_errors=True)
    rendered = work / "rendered"
    render = timed("render", python("-m", "generator", "render", "--out", str(rendered)), project)
    plain = plain_project(project, rendered, work / "plain")
    runs: dict[str, list[Run]] = {"validate": [], "build": [], "plain-build": []}
    for _ in range(repeat):
        runs["validate"].append(timed("validate", python("-m", "generator", "validate"), project))
        site = str(work / "site")
        runs["build"].append(timed("build", python("-m", "mkdocs", "build", "--strict", "-q", "-d", site), project))
        site = str(work / "plain-site")
        runs["plain-build"].append(timed("plain-build", python("-m", "mkdocs", "build", "--strict", "-q", "-d", site), plain))
    validate, build, plain_build = (best(runs[step]) for step in ("validate", "build", "plain-build"))
    return SizeResult(
        size=size,
        files=files,
        repeat=repeat,
        validate_s=validate.seconds,
        validate_cpu_s=validate.cpu_seconds,
        validate_mib=validate.peak_mib,
        build_s=build.seconds,
        build_cpu_s=build.cpu_seconds,
        build_mib=build.peak_mib,
        build_pss_mib=build.pss_mib,
        render_s=render.seconds,
        plain_build_s=plain_build.seconds,
        plain_build_cpu_s=plain_build.cpu_seconds,
        plain_build_mib=plain_build.peak_mib,
        plain_build_pss_mib=plain_build.pss_mib,
        overhead=build.seconds / plain_build.seconds,
        overhead_cpu=build.cpu_seconds / plain_build.cpu_seconds,
        runs_s={step: [r.seconds for r in done] for step, done in runs.items()},
        load_average=os.getloadavg(),
        site=site_figures(work / "site"),
        plain_site=site_figures(work / "plain-site"),
    )
