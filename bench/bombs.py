"""Peak memory and time of the hostile-input cases of tests/bad_inputs, through `python -m generator validate`.

    .venv/bin/python bench/bombs.py            # prints a table, writes bench/results/bombs.json

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

CASE_NAMES = ["billion-laughs", "deep-nesting", "too-many-values", "multi-megabyte-file"]


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
            bad = project / "data" / "groups" / "bad.yaml"
            results[case.name] = measure([sys.executable, "-m", "generator", "validate"], project)
            results[case.name]["file_bytes"] = bad.stat().st_size
    width = max(map(len, results))
    print(f"{'case':<{width}}  file bytes  exit  seconds  peak MB  last line")
    for name, row in results.items():
        size = row.get("file_bytes", "")
        print(f"{name:<{width}}  {size:>10}  {row['exit']:>4}  {row['seconds']:>7}  {row['peak_mb']:>7}  {row['last_line']}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bombs.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
