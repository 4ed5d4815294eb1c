"""``python -m bench``: build synthetic knowledge bases of N files and time the generator and MkDocs on them.

For each size: (a) ``python -m generator validate``; (b) ``mkdocs build`` with the plugin; (c) a plain
``mkdocs build`` of the Markdown that ``python -m generator render`` wrote, i.e. what MkDocs costs with
no generator. Then, on one size, the preview latency of ``mkdocs serve``; and, on the largest size's
built site in Chromium, what a reader downloads for the first view of a profile page and for a
search for one of its aliases (bench/reader.py), and Lighthouse's scores of the real knowledge base's
published site (bench/lighthouse.py; ``--lighthouse-only`` runs just that). Prints a table and writes the figures as JSON to
bench/results/ (git-ignored) so that runs can be compared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from .lighthouse import LighthouseResult, lighthouse_table, measure_lighthouse
from .measure import ROOT, SizeResult, make_project, measure_size
from .preview import PreviewResult, measure_preview
from .reader import ReaderResult, measure_reader, reader_table
from .synth import make_knowledge_base

MIB = 1024 * 1024


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.lighthouse_only:
        return _lighthouse_only(args)
    sizes = [int(size) for size in args.sizes.split(",") if size]
    keep = Path(args.keep).resolve() if args.keep else None
    work = keep or Path(tempfile.mkdtemp(prefix="khorasan-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: list[SizeResult] = []
    previews: list[PreviewResult] = []
    reader: ReaderResult | None = None
    lighthouse: LighthouseResult | None = None
    try:
        for size in sizes:
            project = _project(work, size)
            print(f"N={size}: measuring builds ...", file=sys.stderr, flush=True)
            results.append(measure_size(project, work / f"n{size}", size, _files(project), args.repeat))
        if args.reader and sizes:
            print(f"N={max(sizes)}: measuring what a reader downloads ...", file=sys.stderr, flush=True)
            reader = measure_reader(work / f"n{max(sizes)}" / "site")
        if args.reader:
            print("the published site: Lighthouse ...", file=sys.stderr, flush=True)
            lighthouse = measure_lighthouse(args.lighthouse_runs)
        if args.preview_size:
            project = _project(work, args.preview_size)
            for extra in ([()] + ([("--dirty",)] if args.dirty else [])):
                print(f"N={args.preview_size}: measuring preview {' '.join(extra)} ...", file=sys.stderr, flush=True)
                previews.append(measure_preview(project, args.preview_size, args.edits, extra))
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    report = {"machine": _machine(), "sizes": [r.as_dict() for r in results], "preview": [p.as_dict() for p in previews],
              "reader": reader.as_dict() if reader else None, "lighthouse": lighthouse.as_dict() if lighthouse else None}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(table(results, previews))
    print("\n" + targets(results, previews))
    if reader is not None:
        print("\n" + reader_table(reader, max(sizes)))
    if lighthouse is not None:
        print("\n" + lighthouse_table(lighthouse))
    print(f"\nfigures written to {path}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default="100,1000,5000", help="comma-separated N (default: 100,1000,5000)")
    parser.add_argument("--preview-size", type=int, default=1000, help="N for the preview test; 0 skips it (default: 1000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each build, best kept (default: 1)")
    parser.add_argument("--edits", type=int, default=5, help="edits of each kind in the preview test (default: 5)")
    parser.add_argument("--no-reader", dest="reader", action="store_false",
                        help="skip the browser measurement of what a reader downloads (first view, search)")
    parser.add_argument("--lighthouse-only", action="store_true", help="only run Lighthouse on the real knowledge base's published site")
    parser.add_argument("--lighthouse-runs", type=int, default=3, help="Lighthouse runs of each page, the median kept (default: 3)")
    parser.add_argument("--lighthouse-pages", metavar="WORDS",
                        help="only the pages whose label or path holds one of these comma-separated words (network,isis-k)")
    parser.add_argument("--lighthouse-site", metavar="DIR", help="a site already built as bench/lighthouse.py builds it, instead of a new build")
    parser.add_argument("--dirty", action="store_true", help="also measure the preview under `mkdocs serve --dirty`")
    parser.add_argument("--keep", metavar="DIR", help="build in DIR and keep it (default: a temporary folder)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"), help="folder for the JSON figures")
    return parser


def _lighthouse_only(args: argparse.Namespace) -> int:
    print("the published site: Lighthouse ...", file=sys.stderr, flush=True)
    words = [w.strip() for w in (args.lighthouse_pages or "").split(",") if w.strip()]
    result = measure_lighthouse(args.lighthouse_runs, Path(args.lighthouse_site) if args.lighthouse_site else None, words)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"lighthouse-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"machine": _machine(), "lighthouse": result.as_dict()}, indent=2) + "\n", encoding="utf-8")
    print(lighthouse_table(result))
    print(f"\nfigures written to {path}")
    return 0


def _project(work: Path, size: int) -> Path:
    project = work / f"n{size}" / "project"
    if not (project / "data").is_dir():
        make_project(project)
        make_knowledge_base(project, size)
    return project


def _files(project: Path) -> dict[str, int]:
    folders = {name: len(list((project / "data" / name).glob("*.yaml"))) for name in ("groups", "people", "events", "sources")}
    return {**folders, "briefs": len(list((project / "briefs").glob("*.md")))}


def _machine() -> dict[str, object]:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "mkdocs": version("mkdocs"),
        "mkdocs-material": version("mkdocs-material"),
    }


def table(results: list[SizeResult], previews: list[PreviewResult]) -> str:
    """The figures as a Markdown table (paste-able into bench/RESULTS.md)."""
    lines = [
        "| N | validate | build (b) | plain build (c) | b / c | b / c (CPU) | peak RSS b | peak PSS b (c) | site "
        "| pages (+ redirects) | mean page | largest page | search index | exports | load avg |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        site = r.site
        lines.append(
            f"| {r.size:,} | {r.validate_s:.2f} s | {r.build_s:.1f} s | {r.plain_build_s:.1f} s | {r.overhead:.3f} "
            f"| {r.overhead_cpu:.3f} | {r.build_mib:.0f} MiB | {r.build_pss_mib:.0f} ({r.plain_build_pss_mib:.0f}) MiB "
            f"| {site.site_bytes / MIB:.0f} MiB "
            f"| {site.html_pages:,} (+ {site.redirect_pages:,}) | {site.html_mean_bytes / 1024:.1f} KiB "
            f"| {site.html_max_bytes / 1024:.0f} KiB ({site.html_max_page}) | {site.search_index_bytes / MIB:.1f} MiB "
            f"| {site.exports_bytes / MIB:.0f} MiB | {r.load_average[0]:.1f} |"
        )
    for p in previews:
        medians = ", ".join(f"{kind} {value:.2f} s" for kind, value in p.medians.items())
        runs = "; ".join(f"{kind}: " + " ".join(f"{v:.2f}" for v in values) for kind, values in p.latencies.items())
        lines.append(f"\nPreview at N={p.size:,} (`{p.command}`, first build {p.startup_s:.1f} s): median {medians} ({runs})")
        if p.rebuilds_s:
            quick = sorted(p.rebuilds_s)
            lines.append(
                f"  the server's own rebuilds: median {statistics.median(quick):.2f} s, longest {quick[-1]:.2f} s, "
                f"{p.full_rebuilds} of {len(quick)} full builds; load average {p.load_average[0]:.1f}"
            )
    return "\n".join(lines)


def targets(results: list[SizeResult], previews: list[PreviewResult]) -> str:
    """The build and preview targets (issue 23, section 1) against what was measured; the reader's are
    in its own table."""
    lines = ["| target | measured | |", "|---|---|---|"]
    for r in (r for r in results if r.size in (1000, 5000)):
        ratio = r.build_s / r.plain_build_s
        measured = f"{r.build_s:.1f} s / {r.plain_build_s:.1f} s = {ratio:.2f}"
        lines.append(f"| {r.size:,} profiles: build at most 0.8 x plain MkDocs | {measured} | {_met(ratio <= 0.8)} |")
    for r in (r for r in results if r.size == 5000):
        lines.append(f"| 5,000 profiles: at most 2 GiB PSS, all processes | {r.build_pss_mib:,.0f} MiB | {_met(r.build_pss_mib <= 2048)} |")
    for p in (p for p in previews if p.size == 1000 and "--dirty" not in p.command):
        for kind, value in p.medians.items():
            lines.append(f"| preview at 1,000 < 1.0 s median ({kind}) | {value:.2f} s | {_met(value < 1.0)} |")
    return "\n".join(lines)


def _met(met: bool) -> str:
    return "met" if met else "not met"


if __name__ == "__main__":
    sys.exit(main())
