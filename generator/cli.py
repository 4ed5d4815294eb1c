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
    rendered = build(project)
    pages = rendered.all()  # Markdown pages, plus graph.json and redirect pages: a complete docs folder part
    out = Path(args.out).resolve()
    # Write beside the target, then swap: a failed run never leaves a half-written folder.
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    for path, markdown in pages.items():
        target = staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown, encoding="utf-8")
    if out.exists():
        old = out.with_name(f".{out.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
        staging.rename(out)
        shutil.rmtree(old)
    else:
        staging.rename(out)
    print(f"wrote {len(rendered.pages)} pages to {out}")
    return 0


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
