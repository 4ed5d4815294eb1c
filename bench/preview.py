"""Preview latency: with ``mkdocs serve`` running, the time from saving a one-line change to a YAML file
until the server hands out the rebuilt page.

Three kinds of edit, each repeated on different files:

- ``summary``: a word of a profile's summary changes; the page of that profile is polled.
- ``inverse``: the ``since:`` year of a relationship changes; the page of its *target* is polled, where
  the relationship shows as its inverse (so the edit must reach a page other than the edited file's).
- ``brief``: a word is added to a paragraph of a brief (Markdown in briefs/); the brief's page is polled.

The page is fetched over HTTP every 20 ms. MkDocs' server holds a request while a rebuild runs, so a
page that contains the new text is the rebuilt one.

MkDocs's watcher looks at the files every 0.5 s, so a latency is the wait for its next look (0 to
0.5 s), its 0.1 s of waiting for more changes, the rebuild and the fetch. Edits made at a fixed
interval after each rebuild would all fall at the same point of the watcher's cycle (with a rebuild of
0.43 s, every one just after a look: 0.45 s of waiting each time); the pause between edits is random
(seeded, so that runs compare) to sample that cycle evenly, as an editor's saves do.
"""

from __future__ import annotations

import os
import random
import re
import signal
import socket
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .measure import ENV, python

POLL = 0.02
PAUSE = 1.0  # seconds at least between one edit's rebuilt page and the next edit; up to half a second more
TIMEOUT = 300.0
SERVE = ["-m", "mkdocs"]  # how the server is started (bench/mechanisms.py switches mechanisms off)


@dataclass
class PreviewResult:
    size: int
    command: str
    startup_s: float
    latencies: dict[str, list[float]] = field(default_factory=dict)
    rebuilds_s: list[float] = field(default_factory=list)  # each rebuild as the server timed it (its log)
    full_rebuilds: int = 0  # of those, the full builds (the rest were quick rebuilds)
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)  # of the machine at the end: other work skews the figures

    @property
    def medians(self) -> dict[str, float]:
        return {kind: statistics.median(values) for kind, values in self.latencies.items() if values}

    def as_dict(self) -> dict[str, object]:
        return {
            "size": self.size,
            "command": self.command,
            "startup_s": self.startup_s,
            "latencies_s": self.latencies,
            "median_s": self.medians,
            "rebuilds_s": self.rebuilds_s,
            "full_rebuilds": self.full_rebuilds,
            "load_average": self.load_average,
        }


@dataclass(frozen=True)
class Edit:
    path: Path  # file to change
    line: int  # index of the line to change
    new_line: str
    url: str  # page that must show the change
    token: str  # text that appears on that page once the change is in


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str:
    """The page at url, or "" while the server is not answering."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def wait_for(url: str, token: str, since: float, limit: float = TIMEOUT) -> float:
    """Seconds from ``since`` (a time.perf_counter() value) until the page at url contains token."""
    while time.perf_counter() - since < limit:
        if token in fetch(url):
            return time.perf_counter() - since
        time.sleep(POLL)
    raise TimeoutError(f"{url} did not show {token!r} within {limit:.0f} s")


def summary_edits(project: Path, count: int) -> list[Edit]:
    people = sorted((project / "data" / "people").glob("*.yaml"))
    edits = []
    for number, path in enumerate(people[:: max(1, len(people) // count)][:count]):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        index = next(i for i, line in enumerate(lines) if line.startswith("  text: "))
        token = f"Benchedit{number}x{int(time.time())}"
        new_line = lines[index].replace("  text: ", f"  text: {token} ", 1)
        edits.append(Edit(path, index, new_line, f"people/{path.stem}/", token))
    return edits


_SINCE = re.compile(r"^(\s+)since: (\d{4})$")
_TARGET = re.compile(r"^\s+target: (\S+)$")
_TO_GROUP = re.compile(r"^- type: (member-of|leads)$")  # relationships a person has with a group


def inverse_edits(project: Path, count: int) -> list[Edit]:
    """Edits of the year of a person's link to a group, in files as synth writes them:
    ``- type:``, then ``target:``, then ``since:``."""
    edits = []
    people = sorted((project / "data" / "people").glob("*.yaml"))
    for number, path in enumerate(people[1::3]):
        lines = path.read_text(encoding="utf-8").splitlines()
        for index in range(2, len(lines)):
            since, target = _SINCE.match(lines[index]), _TARGET.match(lines[index - 1])
            if since and target and _TO_GROUP.match(lines[index - 2]):
                year = 1000 + (int(time.time()) // 10 + number) % 900  # a year no synthetic profile uses, new each run
                edits.append(Edit(path, index, f"{since[1]}since: {year}\n", f"groups/{target[1]}/", f"since {year}"))
                break
        if len(edits) == count:
            break
    return edits


def brief_edits(project: Path, count: int) -> list[Edit]:
    """Edits of a paragraph of a brief, one brief after another (and again from the first when there
    are fewer briefs than edits, a later paragraph each round)."""
    briefs = sorted((project / "briefs").glob("*.md"))
    edits = []
    for number in range(count):
        path = briefs[number % len(briefs)]
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        body = lines.index("---\n", 1) + 1  # the line after the front matter
        paragraphs = [i for i in range(body, len(lines)) if lines[i][:1].isalpha()]
        index = paragraphs[(number // len(briefs)) % len(paragraphs)]
        token = f"Benchbrief{number}x{int(time.time())}"
        edits.append(Edit(path, index, f"{token} {lines[index]}", f"briefs/{path.stem}/", token))
    return edits


@contextmanager
def serving(project: Path, log: Path, *extra: str) -> Iterator[str]:
    """``mkdocs serve`` running on a free port in project, for the with block; yields its base URL."""
    port = free_port()
    with open(log, "w", encoding="utf-8") as out:
        server = subprocess.Popen(
            python(*SERVE, "serve", "-a", f"127.0.0.1:{port}", *extra),
            cwd=project, env=ENV, stdout=out, stderr=subprocess.STDOUT,
        )
        try:
            yield f"http://127.0.0.1:{port}/"
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def measure_preview(project: Path, size: int, edits: int, extra: tuple[str, ...] = ()) -> PreviewResult:
    result = PreviewResult(size, " ".join(["mkdocs serve", *extra]), 0.0)
    start = time.perf_counter()
    log = project.parent / f"serve{''.join(extra)}.log"
    pauses = random.Random(18)  # the next edit falls anywhere in the watcher's cycle (see above)
    with serving(project, log, *extra) as base:
        result.startup_s = wait_for(base, "<html", start)
        kinds = (("summary", summary_edits), ("inverse", inverse_edits), ("brief", brief_edits))
        for kind, planned in ((kind, plan(project, edits)) for kind, plan in kinds):
            result.latencies[kind] = [_apply(edit, base, PAUSE + pauses.uniform(0.0, 0.5)) for edit in planned]
    result.load_average = os.getloadavg()
    result.rebuilds_s, result.full_rebuilds = rebuild_times(log.read_text(encoding="utf-8", errors="replace"))
    return result


_QUICK = re.compile(r"Rebuilt \d+ pages? in ([\d.]+) seconds")
_FULL = re.compile(r"Documentation built in ([\d.]+) seconds")


def rebuild_times(log: str) -> tuple[list[float], int]:
    """The server's own time for each rebuild after the first build, and how many were full builds."""
    found = []
    for line in log.splitlines():
        quick, full = _QUICK.search(line), _FULL.search(line)
        if quick or full:
            found.append((float((quick or full)[1]), full is not None))  # type: ignore[index]
    rebuilds = found[1:]  # the first is the build the server starts with
    return [seconds for seconds, _ in rebuilds], sum(full for _, full in rebuilds)


def _apply(edit: Edit, base: str, pause: float) -> float:
    if edit.token in fetch(base + edit.url):
        raise RuntimeError(f"{base + edit.url} shows {edit.token!r} before the edit; the figure would mean nothing")
    lines = edit.path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[edit.line] = edit.new_line
    edit.path.write_text("".join(lines), encoding="utf-8")
    latency = wait_for(base + edit.url, edit.token, time.perf_counter())
    time.sleep(pause)  # let the server settle
    return latency
