"""Lighthouse on the published site (issue 26, section 2): performance, accessibility, best practices
and SEO of the pages readers use, measured the same way each time.

The real knowledge base is built as the deploy workflow builds it (its address under a sub-path, the
repository set, so the header's repository link is there), and served under that sub-path as GitHub
Pages serves it: text compressed with gzip, and ``Cache-Control: max-age=600``. Lighthouse (npm
``lighthouse``, run with ``npx``) drives Debian's Chromium with its default mobile emulation (a
mid-range phone, slow 4G, simulated throttling). Each page is run ``runs`` times and the run of median
performance kept, since a single run moves by a few points on a busy machine.

    python -m bench --lighthouse-only            # just this; `python -m bench` runs it with the reader figures
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .measure import ROOT
from .reader import CHROMIUM, TEXT_TYPES, serve

SITE_URL = "https://example.org/khorasan-brief/"
PREFIX = "/khorasan-brief/"
LIGHTHOUSE = "lighthouse@12"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# One page of each kind a reader opens (issue 26): label, path under the site.
PAGES = (
    ("home", ""),
    ("group (ISIS-K)", "groups/isis-k/"),
    ("person", "people/sanaullah-ghafari/"),
    ("event (Crocus City Hall)", "events/crocus-city-hall-attack/"),
    ("brief", "briefs/why-isis-k-struck-russia/"),
    ("index (events)", "events/"),
    ("timeline", "timeline/"),
    ("network", "network/"),
)
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index")


@dataclass
class PageScore:
    label: str
    path: str
    scores: dict[str, int] = field(default_factory=dict)  # category -> 0..100
    metrics: dict[str, str] = field(default_factory=dict)  # audit -> Lighthouse's display value
    bytes: int = 0  # total transfer, as Lighthouse counts it
    performance_runs: list[int] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)  # the machine's load average (1 min) as each run began
    failures: list[str] = field(default_factory=list)  # audits of best practices that failed


@dataclass
class LighthouseResult:
    pages: list[PageScore]
    runs: int
    lighthouse: str = ""
    skipped: str = ""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class _Published(http.server.SimpleHTTPRequestHandler):
    """The site under PREFIX, text gzipped when the browser accepts it, cached for 10 minutes."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def translate_path(self, path: str) -> str:
        if not path.startswith(PREFIX):
            return str(Path(self.directory) / "__not_here__")
        return super().translate_path("/" + path.removeprefix(PREFIX))

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not urlsplit(self.path).path.endswith("/"):
                return super().send_head()  # the redirect to the folder's address
            path = path / "index.html"
        if not path.is_file():
            return super().send_head()  # not found
        kind = self.guess_type(str(path))
        body = path.read_bytes()
        compress = bool(TEXT_TYPES.match(kind)) and "gzip" in self.headers.get("Accept-Encoding", "")
        if compress:
            body = gzip.compress(body, compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        if compress:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        return io.BytesIO(body)


def serve_published(site: Path) -> contextlib.AbstractContextManager[str]:
    """The site under its sub-path, gzipped and cached as GitHub Pages serves it."""
    return serve(site, _Published, PREFIX)


def build_published(out: Path) -> Path:
    """The real knowledge base, built as the deploy workflow builds it."""
    published = {"KB_SITE_URL": SITE_URL, "KB_REPO_URL": "https://github.com/example/khorasan-brief", "KB_EDIT_URI": "edit/main/site_src/"}
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **published}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)], cwd=ROOT, env=env, check=True)
    return out


def _lighthouse(url: str, report: Path) -> dict[str, object]:
    npx = shutil.which("npx")
    assert npx is not None
    command = [
        npx, "--yes", LIGHTHOUSE, url, "--quiet", "--output=json", f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}", "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]  # fmt: skip
    subprocess.run(command, env={**os.environ, "CHROME_PATH": str(CHROMIUM)}, check=True, capture_output=True, timeout=600)
    return json.loads(report.read_text(encoding="utf-8"))


def _score(label: str, path: str, reports: list[dict], loads: list[float]) -> PageScore:  # type: ignore[type-arg]
    performance = [round(r["categories"]["performance"]["score"] * 100) for r in reports]
    kept = reports[performance.index(sorted(performance)[len(performance) // 2])]
    audits = kept["audits"]
    practices = [ref["id"] for ref in kept["categories"]["best-practices"]["auditRefs"] if ref.get("weight")]
    return PageScore(
        label,
        path,
        {name: round(kept["categories"][name]["score"] * 100) for name in CATEGORIES},
        {name: audits[name].get("displayValue", "") for name in METRICS},
        int(audits["total-byte-weight"]["numericValue"]),
        performance,
        loads,
        [name for name in practices if audits[name].get("score") is not None and audits[name]["score"] < 1],
    )


def measure_lighthouse(runs: int = 3, site: Path | None = None, only: list[str] | None = None) -> LighthouseResult:
    """Every page of PAGES, or those whose label or path holds one of the words of ``only``."""
    if not CHROMIUM.exists():
        return LighthouseResult([], runs, skipped=f"{CHROMIUM} is absent")
    if shutil.which("npx") is None:
        return LighthouseResult([], runs, skipped="npx (Node.js) is absent")
    with tempfile.TemporaryDirectory(prefix="kb-lighthouse-") as work:
        built = site or build_published(Path(work) / "site")
        scores: list[PageScore] = []
        version = ""
        with serve_published(built) as base:
            for label, path in PAGES:
                if only and not any(word.casefold() in (label + " " + path).casefold() for word in only):
                    continue
                reports, loads = [], []
                for i in range(runs):
                    loads.append(round(os.getloadavg()[0], 1))
                    reports.append(_lighthouse(base + path, Path(work) / f"report-{i}.json"))
                version = str(reports[0].get("lighthouseVersion", ""))
                scores.append(_score(label, path, reports, loads))
    return LighthouseResult(scores, runs, version)


def _runs(page: PageScore) -> str:
    return ", ".join(f"{run} at load {load:g}" for run, load in zip(page.performance_runs, page.loads, strict=True))


def lighthouse_table(result: LighthouseResult) -> str:
    """The figures as a Markdown table (paste-able into bench/RESULTS.md)."""
    if result.skipped:
        return f"Lighthouse: skipped ({result.skipped})"
    lines = [
        f"Lighthouse {result.lighthouse}, mobile emulation, median of {result.runs} runs "
        "(performance of each run in brackets, with the load average as it began)",
        "",
        "| page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS | bytes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in result.pages:
        s, m = p.scores, p.metrics
        lines.append(
            f"| {p.label} | {s['performance']} ({_runs(p)}) | {s['accessibility']} | {s['best-practices']} "
            f"| {s['seo']} | {m['first-contentful-paint']} | {m['largest-contentful-paint']} | {m['total-blocking-time']} "
            f"| {m['cumulative-layout-shift']} | {p.bytes / 1024:.0f} KiB |"
        )
    failed = {name for p in result.pages for name in p.failures}
    if failed:
        lines.append(f"\nBest-practice audits failed: {', '.join(sorted(failed))}")
    lowest = min((p.scores["performance"] for p in result.pages), default=0)
    lines.append(f"\nLowest performance: {lowest} (median {statistics.median(p.scores['performance'] for p in result.pages):g})")
    return "\n".join(lines)
