"""The command line: the same pipeline as the MkDocs plugin, without MkDocs.

Run it as ``khorasan-brief COMMAND`` or ``python -m generator COMMAND`` (the README uses
``.venv/bin/python -m generator``). The texts below are what ``--help`` prints.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys
import tempfile
from pathlib import Path

from . import swap
from .checks.citations import (
    ARCHIVE_ENV,
    DEFAULT_ARCHIVE,
    archive_folder,
    check_citations,
)
from .model.problems import ProblemsFound, printable
from .model.project import Project
from .pipeline import build, check
from .scaffold import FILL_IN, KINDS, Refused, new_file
from .stages.validate import write_schemas


def invocation() -> str:
    """How this run was started, written so that it can be copied and run again from the same folder:
    ``khorasan-brief`` for the installed script, else this Python (``.venv/bin/python``) with -m."""
    if Path(sys.argv[0]).stem == "khorasan-brief":
        return "khorasan-brief"
    python = Path(sys.executable)
    try:
        shown = os.path.relpath(python)
    except ValueError:  # another drive (Windows)
        shown = str(python)
    return f"{shown if not shown.startswith('..') else python} -m generator"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    project = Project(Path(args.root).resolve())
    try:
        return args.run(project, args)
    except ProblemsFound as found:
        _report(found, args.format)
        return 1
    except Refused as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 1


def _options(parser: argparse.ArgumentParser, **defaults: str) -> None:
    """--root and --format, accepted before the command and after it (`validate --format github`)."""
    parser.add_argument(
        "--root",
        default=defaults.get("root", argparse.SUPPRESS),
        help="project folder holding data/ and briefs/ (default: .)",
    )
    parser.add_argument(
        "--format",
        choices=["text", "github"],
        default=defaults.get("format", argparse.SUPPRESS),
        help="how to print problems: FILE:LINE:COL lines, or GitHub Actions annotations",
    )


DESCRIPTION = """\
Check and render the Khorasan Brief knowledge base: YAML profiles in data/ and Markdown briefs in
briefs/. Problems are printed as FILE:LINE:COL: message, all of them in one run, and the exit status
is 1 when there are any. To build or preview the site itself, use mkdocs build / mkdocs serve
(or properdocs build / properdocs serve)."""

EPILOG = """\
examples:
  %(prog)s validate
      check every file; exit 1 on any problem
  %(prog)s validate --format github
      the same, as GitHub Actions annotations on a pull request
  %(prog)s new person jo-example --name "Jo Example"
      write data/people/jo-example.yaml to fill in
  %(prog)s render --out rendered
      write the generated Markdown to rendered/, to read or diff it
  %(prog)s check-citations --strict
      check that each cited paragraph states the numbers and dates cited to it
  %(prog)s check-citations --hedges
      also list, for review, statements surer than the paragraphs they cite
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=invocation(),
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _options(parser, root=".", format="text")
    # After the command the options default to "not given", so they never undo the ones before it.
    common = argparse.ArgumentParser(add_help=False)
    _options(common)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    add_command = functools.partial(commands.add_parser, parents=[common])

    validate = add_command(
        "validate",
        help="check every file in data/ and briefs/; exit 1 on any problem",
        description="Load, validate and resolve every profile, source and brief, and print every problem as FILE:LINE:COL: message. Nothing is written.",
    )
    validate.set_defaults(run=_validate)

    render = add_command(
        "render",
        help="write the generated Markdown pages and the data exports to a folder",
        description="Write what the site is made of (Markdown pages, redirect pages, graph.json and the "
        "exports/ folder) to a folder, to read or diff it. Nothing is written when there are problems.",
    )
    render.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="the folder to write the pages and files into: a new folder, or one an earlier render made, "
        "whose contents are then replaced (only once rendering has succeeded); any other folder is refused",
    )
    render.set_defaults(run=_render)

    schema = add_command(
        "schema",
        help="write the JSON Schema of each kind of file (for editors)",
        description="Write schema/<kind>.schema.json from the typed models: editors such as VS Code "
        "check YAML files against them as you type. Run it after changing generator/model/entities.py.",
    )
    schema.add_argument("--out", default="schema", help="folder for the *.schema.json files (default: schema)")
    schema.set_defaults(run=_schema)

    cite_check = add_command(
        "check-citations",
        help="check that each cited paragraph states the numbers and dates of its statement",
        description="Read the paragraphs that every statement, figure value, relationship and brief passage "
        "cites in the archived source texts, and report each number, amount, year, month or date of the "
        "statement that none of them states, with where the source does state it; the facts of each "
        "summary box (facts_cite) too. A value worked out rather than read is marked with derived: (in a "
        "citation, after a semicolon: [@source, para N; derived: how]). Findings are warnings, errors with "
        "--strict. Without the archive folder the texts cannot be read: only locators are checked, and "
        "--strict fails unless --allow-no-archive says that the texts are absent on purpose.",
    )
    cite_check.add_argument(
        "--archive",
        metavar="DIR",
        help=f"folder of the archived source texts (default: ${ARCHIVE_ENV}, else {DEFAULT_ARCHIVE.as_posix()} beside the project folder)",
    )
    cite_check.add_argument("--strict", action="store_true", help="findings are errors: exit 1 when there are any")
    cite_check.add_argument(
        "--allow-no-archive",
        action="store_true",
        help="where no archive folder (or a source's text) is found, check only what needs no text and pass; "
        "without it --strict fails there (exit 2), since nothing was compared",
    )
    cite_check.add_argument(
        "--hedges",
        action="store_true",
        help="also list each statement whose cited paragraph hedges (may, likely, reportedly, claimed ...) "
        "where the statement does not: for review, never a failure",
    )
    cite_check.set_defaults(run=_check_citations)

    new = add_command(
        "new",
        help="write a starter profile, source or brief to fill in",
        description="Write a starter file with every key explained. Lines marked FILL IN are empty on "
        "purpose: validate reports them until they are written, so nothing uncited is published.",
    )
    new.add_argument("kind", choices=KINDS, help="what to create")
    new.add_argument("id", help="lowercase slug, e.g. kabul-airport-bombing; becomes the file name")
    new.add_argument("--name", required=True, help="the profile's name (for a source or a brief: its title)")
    new.add_argument("--alias", action="append", default=[], help="another name the sources use (repeat for several)")
    new.set_defaults(run=_new)
    return parser


def _validate(project: Project, args: argparse.Namespace) -> int:
    knowledge = check(project)
    print(f"ok: {len(knowledge.profiles)} profiles, {len(knowledge.sources)} sources, {len(knowledge.briefs)} briefs")
    return 0


def _check_citations(project: Project, args: argparse.Namespace) -> int:
    folder, asked = archive_folder(project.root, args.archive)
    if asked and not folder.is_dir():
        given = "--archive" if args.archive else ARCHIVE_ENV
        print(f"{given}: {folder} is not a folder; give the folder that holds the archived source texts", file=sys.stderr)
        return 2
    report = check_citations(project, folder, hedges=args.hedges)
    github = args.format == "github"
    # --strict promises that the cited paragraphs were read: without the texts that holds only when it is
    # meant (--allow-no-archive, as on GitHub, where the texts are not in the repository).
    unread = args.strict and not args.allow_no_archive
    level = "error" if unread else "notice"
    if not report.archive_found:
        looked = "--archive" if args.archive else f"${ARCHIVE_ENV}" if asked else f"{DEFAULT_ARCHIVE.as_posix()} beside the project folder"
        fix = ", or pass --allow-no-archive to check only what needs no text" if unread else ""
        _say(
            f"no archive of source texts at {folder} ({looked}): cited paragraphs were not compared with what they say; "
            f"give the folder with --archive DIR or ${ARCHIVE_ENV}{fix}",
            github,
            level,
        )
    for source_id in report.missing_texts:
        fix = " (add it, or pass --allow-no-archive)" if unread else ""
        _say(f"the archived text of {source_id} is not in {folder}: its citations were not compared{fix}", github, level)
    for problem in report.errors:  # an archive: that leads out of the folder: an error, --strict or not
        print(problem.github_annotation() if github else str(problem), file=sys.stderr)
    severity = "error" if args.strict else "warning"
    for problem in report.problems:
        if github:
            print(problem.github_annotation(severity), file=sys.stderr)
        elif args.strict:
            print(problem, file=sys.stderr)
        else:
            print(printable(f"{problem.file}:{problem.line}:{problem.col}: warning: {problem.message}"), file=sys.stderr)
    if args.hedges:
        for problem in report.hedges:
            print(problem.github_annotation("notice") if github else str(problem))
        count = len(report.hedges)
        print(
            f"check-citations --hedges: {count} statement{'s' if count != 1 else ''} state{'s' if count == 1 else ''} plainly "
            "what a cited paragraph hedges (for review; not a failure)"
        )
    found = len(report.problems)
    print(
        f"check-citations: {report.statements} statements checked ({report.mentions} numbers and dates), "
        f"{report.unchecked} without an archived text; {found} finding{'s' if found != 1 else ''}" + (f" ({severity}s)" if found else "")
    )
    if report.errors:
        count = len(report.errors)
        print(f"check-citations: {count} archived text{'s' if count != 1 else ''} refused (errors)", file=sys.stderr)
    if unread and (not report.archive_found or report.missing_texts):
        return 2  # nothing (or not everything) was compared: --strict cannot pass
    return 1 if report.errors or (found and args.strict) else 0


def _say(message: str, github: bool, level: str = "notice") -> None:
    """A line about the run rather than a position in a file: ::notice:: (or ::error::) on GitHub."""
    prefix = "error: " if level == "error" else ""
    print(f"::{level}::{message}" if github else f"check-citations: {prefix}{message}", file=sys.stderr)


# Written into every folder that render makes: the one sign that it may replace that folder.
MARKER = ".khorasan-render"


def _render(project: Project, args: argparse.Namespace) -> int:
    out = Path(os.path.abspath(args.out))
    if project.root.is_relative_to(out) or out.is_relative_to(project.data_dir) or out.is_relative_to(project.briefs_dir):
        # The folder is replaced wholesale: never let that be the project or its sources.
        print(f"--out {out} would replace the project or its data; choose a folder of its own", file=sys.stderr)
        return 2
    # Bad input raises here, before anything is written. Markdown pages and every other generated
    # file (graph.json, redirects, exports).
    pages = build(project).all()
    refused = _not_ours(out)
    if refused:
        print(f"--out {out} {refused}", file=sys.stderr)
        return 2
    try:
        replace_folder(out, pages)
    except OSError as error:  # a name too long, no permission, a full disk: the folder is as it was
        print(f"--out {out}: cannot write there: {error.strerror or error}; nothing was changed", file=sys.stderr)
        return 2
    print(f"wrote {len(pages)} files to {out}")
    return 0


def _not_ours(out: Path) -> str | None:
    """Why render may not replace ``out`` (it may only create a folder, or replace one it made)."""
    try:
        if out.is_symlink() or (out.exists() and not out.is_dir()):
            return "is not a folder; choose a new folder"
        if out.is_dir() and not (out / MARKER).is_file():
            return f"is a folder that render did not make (it has no {MARKER} file); render only creates a folder or replaces one it made: choose a new folder"
    except OSError as error:
        return f"cannot be used: {error.strerror or error}"
    return None


def replace_folder(out: Path, pages: dict[str, str | bytes]) -> None:
    """Write pages into a new folder beside ``out``, then swap it in: whatever fails, ``out`` is either
    the old folder, untouched, or the new one, complete, and no half-written folder is left behind."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name[:50]}-", dir=out.parent))
    try:
        (staging / MARKER).write_text("made by khorasan-brief render; the next render replaces this folder\n", encoding="utf-8")
        for path, content in pages.items():
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):  # the sharing card
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        old = swap.replace_folder(staging, out, staging.with_name(staging.name + "-old"))  # unique, as staging is
        if old is not None:
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


def _new(project: Project, args: argparse.Namespace) -> int:
    path = new_file(project, args.kind, args.id, args.name, args.alias)
    shown = path.relative_to(project.root).as_posix()
    print(f"wrote {shown}: fill the lines marked {FILL_IN}, then run {invocation()} validate")
    return 0


def _report(found: ProblemsFound, form: str) -> None:
    for problem in found.problems:
        print(problem.github_annotation() if form == "github" else str(problem), file=sys.stderr)
    count = len(found.problems)
    print(f"{count} problem{'s' if count != 1 else ''} found.", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
