"""``python -m bench.mechanisms``: each speed or memory mechanism on and off, on one synthetic knowledge
base. The build with every mechanism on is measured beside the build with one switched off
(bench/switched.py), b and the variants taking turns; the preview latency likewise for the
mechanisms that serve ``mkdocs serve``. Prints a Markdown table for bench/RESULTS.md."""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from . import preview
from .measure import ROOT, Run, make_project, plain_project, python, timed
from .switched import SWITCHES
from .synth import make_knowledge_base

PREVIEW = ["quick", "render-cache", "file-cache", "resolve-memo", "idle-collector"]
BUILD = [name for name in SWITCHES if name not in PREVIEW]
SWITCHED = str(ROOT / "bench" / "switched.py")


def build_run(project: Path, site: Path, off: str) -> Run:
    args = python(SWITCHED, off, "--", "build", "--strict", "-q", "-d", str(site))
    return timed(f"build-{off}", args, project)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mechanisms", description=__doc__)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--build", default=",".join(BUILD), help="build mechanisms to switch off, one at a time")
    parser.add_argument("--preview", default=",".join(PREVIEW), help="preview mechanisms to switch off, one at a time")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="khorasan-mechanisms-"))
    try:
        project = make_project(work / "project")
        make_knowledge_base(project, args.size)
        timed("render", python("-m", "generator", "render", "--out", str(work / "rendered")), project)
        plain = plain_project(project, work / "rendered", work / "plain")
        lines = [f"Build at N={args.size:,} (best of {args.repeat}; every mechanism on, then one off; c: plain MkDocs on the same Markdown):", "",
                 "| off | wall | CPU | peak PSS, all processes | wall vs all on | PSS vs all on | wall / c |", "|---|---:|---:|---:|---:|---:|---:|"]
        names = ["none", *filter(None, args.build.split(","))]
        runs: dict[str, list[Run]] = {name: [] for name in [*names, "plain"]}
        for _ in range(args.repeat):
            for name in names:
                print(f"build, off: {name}", file=sys.stderr, flush=True)
                runs[name].append(build_run(project, work / "site", name))
            print("plain MkDocs", file=sys.stderr, flush=True)
            runs["plain"].append(timed("plain", python("-m", "mkdocs", "build", "--strict", "-q", "-d", str(work / "plain-site")), plain))
        base, floor = _best(runs["none"]), _best(runs["plain"])
        for name in names:
            best = _best(runs[name])
            lines.append(f"| {name} | {best[0]:.2f} s | {best[1]:.1f} s | {best[2]:.0f} MiB "
                         f"| {best[0] / base[0] - 1:+.0%} | {best[2] / base[2] - 1:+.0%} | {best[0] / floor[0]:.2f} |")
        lines.append(f"| (c) plain MkDocs | {floor[0]:.2f} s | {floor[1]:.1f} s | {floor[2]:.0f} MiB | | | 1.00 |")
        print("\n".join(lines), flush=True)
        lines = []
        preview_names = ["none", *filter(None, args.preview.split(","))]
        if preview_names[1:]:
            lines += ["", f"Preview at N={args.size:,} (median of {args.edits} edits of each kind, seconds):", "",
                      "| off | summary | inverse | brief | server rebuild median | full rebuilds |", "|---|---:|---:|---:|---:|---:|"]
            print("\n".join(lines), flush=True)
        for name in preview_names if preview_names[1:] else []:
            print(f"preview, off: {name}", file=sys.stderr, flush=True)
            preview.SERVE = [SWITCHED, name, "--"]
            try:
                result = preview.measure_preview(project, args.size, args.edits)
            except Exception as error:  # noqa: BLE001 - one variant's failure is a row of the table
                print(f"| {name} | failed: {error} |", flush=True)
                continue
            medians = result.medians
            rebuild = statistics.median(result.rebuilds_s) if result.rebuilds_s else float("nan")
            print(f"| {name} | {medians.get('summary', 0):.2f} | {medians.get('inverse', 0):.2f} | {medians.get('brief', 0):.2f} "
                         f"| {rebuild:.2f} | {result.full_rebuilds} of {len(result.rebuilds_s)} |", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _best(runs: list[Run]) -> tuple[float, float, float]:
    return min(r.seconds for r in runs), min(r.cpu_seconds for r in runs), max(r.pss_mib for r in runs)


if __name__ == "__main__":
    sys.exit(main())
