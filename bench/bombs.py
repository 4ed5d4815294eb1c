"""Peak memory and time of hostile inputs: the resource cases of tests/bad_inputs, and inputs under
1 MB that once cost minutes (issue 14: 30,000 "[" in a brief, 5,000 unknown [[links]] on a base of
1,000 profiles), each through `python -m generator validate` and, where validate passes or the
point is the build, `mkdocs build --strict`.

    .venv/bin/python -m bench.bombs            # prints a table, writes bench/results/bombs.json

Each case runs in a fresh process; its peak resident memory comes from wait4()'s rusage (ru_maxrss)
and its time from the wall clock, start-up included. The valid fixture knowledge base is measured the
same way, as the reference: what a bomb costs is the difference. Measurements only, no thresholds:
tests make no timed assertions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_bad_inputs import CASES, make_project  # noqa: E402  (one way to build a case's project)

CASE_NAMES = ["billion-laughs", "deep-nesting", "too-many-values", "multi-megabyte-file", "bounded-brackets", "crash-deep-nesting"]

FRONT = "---\ntitle: A large brief\ndate: 2024-04\nsummary: A brief made by bench/bombs.py.\n---\n"
MB = 1_000_000


def _repeat(unit: str, size: int) -> str:
    return unit * max(1, (size - len(FRONT)) // len(unit))


# name -> (brief body, commands): bodies of about the size named, each of a shape the converter once
# took super-linear time or recursion on, or plain prose at the size limit.
SIZE_CASES: dict[str, tuple[str, tuple[str, ...]]] = {
    "30k unclosed [": ("[" * 30_000 + "\n", ("validate", "build")),
    "1 MB unclosed [": (_repeat("[", MB - 100) + "\n", ("validate",)),
    "1 MB [`]` pairs": (_repeat("[`]`", MB - 100) + "\n", ("validate",)),
    "1 MB [a](b without )": (_repeat("[a](b ", MB - 100) + "\n", ("validate",)),
    "1 MB <a (raw HTML)": (_repeat("<a ", MB - 100) + "\n", ("validate",)),
    "1 MB lists 12 deep": (_repeat("".join("    " * i + "- a\n" for i in range(12)) + "\n", MB - 100), ("validate",)),
    "1 MB balanced links": (_repeat("See [a link](https://example.org/x) here.\n\n", MB - 100), ("validate", "build")),
    "1 MB prose": (_repeat("The sources differ on the toll, and each figure is given as stated.\n\n", MB - 100), ("validate", "build")),
    "1 MB emphasis": (_repeat("*a* **b** _c_ ", MB - 100) + "\n", ("validate", "build")),
    "190 kB balanced links": (_repeat("See [a link](https://example.org/x) here.\n\n", 190_000), ("validate", "build")),
    "190 kB prose": (_repeat("The sources differ on the toll, and each figure is given as stated.\n\n", 190_000), ("validate", "build")),
    "190 kB tight list": (_repeat("- an item with a [link](https://example.org/x)\n", 190_000), ("validate", "build")),
}
UNKNOWN_LINKS = 5_000
BASE_PROFILES = 1_000


def measure(args: list[str], cwd: Path, limit: float = 120) -> dict[str, object]:
    """Run one process, killed after ``limit`` seconds; its exit code, wall time and peak resident memory."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        timer = threading.Timer(limit, process.kill)
        timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    if elapsed >= limit:
        last = f"killed after {limit:.0f} s"
    return {
        "exit": process.returncode,
        "seconds": round(elapsed, 3),
        "peak_mb": round(usage.ru_maxrss / 1024, 1),  # Linux reports kilobytes
        "last_line": last[:120],
    }


def main() -> int:
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        reference = next(c for c in CASES if c.name == "empty-file")
        base = Path(tmp) / "reference"
        base.mkdir()
        project = make_project(reference, base)
        (project / "data" / "groups" / "bad.yaml").unlink()  # the fixture as it is: valid
        results["valid fixture"] = measure([sys.executable, "-m", "generator", "validate"], project)
        for case in (c for c in CASES if c.name in CASE_NAMES):
            base = Path(tmp) / case.name
            base.mkdir()
            project = make_project(case, base)
            results[case.name] = measure([sys.executable, "-m", "generator", "validate"], project)
            written = [*(f.relative_to(case.folder) for f in case.overlay), *case.generate]
            results[case.name]["file_bytes"] = max((project / path).stat().st_size for path in written)
        for name, (body, commands) in SIZE_CASES.items():
            base = Path(tmp) / name.replace(" ", "-").replace("/", "-")
            base.mkdir()
            project = make_project(reference, base)
            (project / "data" / "groups" / "bad.yaml").unlink()
            brief = project / "briefs" / "large.md"
            brief.write_text(FRONT + body, encoding="utf-8")
            for command in commands:
                row = measure(_command(command, project), project)
                row["file_bytes"] = brief.stat().st_size
                results[f"{name} ({command})"] = row
        results.update(_unknown_links(Path(tmp)))
    width = max(map(len, results))
    print(f"{'case':<{width}}  file bytes  exit  seconds  peak MB  last line")
    for name, row in results.items():
        size = row.get("file_bytes", "")
        print(f"{name:<{width}}  {size:>10}  {row['exit']:>4}  {row['seconds']:>7}  {row['peak_mb']:>7}  {row['last_line']}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bombs.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def _command(command: str, project: Path) -> list[str]:
    if command == "validate":
        return [sys.executable, "-m", "generator", "validate"]
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(project / "site")]


def _unknown_links(tmp: Path) -> dict[str, dict[str, object]]:
    """5,000 [[links]] that name no profile, in one brief, on a synthetic base of 1,000 profiles."""
    from bench.synth import make_knowledge_base

    project = tmp / "unknown-links"
    project.mkdir()
    make_knowledge_base(project, BASE_PROFILES)
    brief = project / "briefs" / "unknown-links.md"
    brief.write_text(FRONT + "".join(f"See [[no such profile {i}]].\n\n" for i in range(UNKNOWN_LINKS)), encoding="utf-8")
    row = measure([sys.executable, "-m", "generator", "validate"], project)
    row["file_bytes"] = brief.stat().st_size
    return {f"{UNKNOWN_LINKS:,} unknown [[links]], {BASE_PROFILES:,} profiles (validate)": row}


if __name__ == "__main__":
    sys.exit(main())
