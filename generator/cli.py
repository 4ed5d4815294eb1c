"""Stage 6, cli: ``python -m generator validate | render --out DIR | schema``, on the same pipeline."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from .pipeline import Project, build, check
from .problems import ProblemsFound
from .validate import write_schemas


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    project = Project(Path(args.root).resolve())
    try:
        return args.run(project, args)
    except ProblemsFound as found:
        _report(found, args.format)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    parser.add_argument("--root", default=".", help="project folder holding data/ and briefs/ (default: .)")
    parser.add_argument(
        "--format",
        choices=["text", "github"],
        default="text",
        help="how to print problems: FILE:LINE:COL lines, or GitHub Actions annotations",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check data/ and briefs/; exit 1 on any problem")
    validate.set_defaults(run=_validate)

    render = commands.add_parser("render", help="write the generated Markdown pages to a folder")
    render.add_argument("--out", required=True, help="folder to write; replaced only when rendering succeeds")
    render.set_defaults(run=_render)

    schema = commands.add_parser("schema", help="write one JSON Schema per kind of file")
    schema.add_argument("--out", default="schema", help="folder for the *.schema.json files (default: schema)")
    schema.set_defaults(run=_schema)
    return parser


def _validate(project: Project, args: argparse.Namespace) -> int:
    knowledge = check(project)
    print(
        f"ok: {len(knowledge.profiles)} profiles, {len(knowledge.sources)} sources, "
        f"{len(knowledge.briefs)} briefs"
    )
    return 0


def _render(project: Project, args: argparse.Namespace) -> int:
    out = Path(args.out).resolve()
    if project.root.is_relative_to(out) or out.is_relative_to(project.data_dir) or out.is_relative_to(project.briefs_dir):
        # The folder is replaced wholesale: never let that be the project or its sources.
        print(f"--out {out} would replace the project or its data; choose a folder of its own", file=sys.stderr)
        return 2
    if out.exists() and not out.is_dir():
        print(f"--out {out} is a file; choose a folder", file=sys.stderr)
        return 2
    pages = build(project)  # bad input raises here, before anything is written
    replace_folder(out, pages)
    print(f"wrote {len(pages)} pages to {out}")
    return 0


def replace_folder(out: Path, pages: dict[str, str]) -> None:
    """Write pages into a new folder beside ``out``, then swap it in: whatever fails, ``out`` is either
    the old folder, untouched, or the new one, complete, and no half-written folder is left behind."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for path, markdown in pages.items():
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(markdown, encoding="utf-8")
        if not out.exists():
            staging.rename(out)
            return
        old = staging.with_name(staging.name + "-old")  # unique, as the staging name is
        out.rename(old)
        try:
            staging.rename(out)
        except OSError:
            old.rename(out)
            raise
        shutil.rmtree(old)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _schema(project: Project, args: argparse.Namespace) -> int:
    out = Path(args.out)
    if not out.is_absolute():
        out = project.root / out
    for path in write_schemas(out):
        print(path)
    return 0


def _report(found: ProblemsFound, form: str) -> None:
    for problem in found.problems:
        print(problem.github_annotation() if form == "github" else str(problem), file=sys.stderr)
    count = len(found.problems)
    print(f"{count} problem{'s' if count != 1 else ''} found.", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
