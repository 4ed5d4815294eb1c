"""Stage 3b, preflight: what the site will be made of, checked before anything is written, so that
whatever ``validate`` passes also builds, and what it refuses is a ``FILE:LINE:COL`` problem.

- Briefs: each brief page is rendered with the real template and converted with the site's own
  Markdown settings (Python-Markdown and pymdown-extensions, as mkdocs.yml sets them; site_config.py),
  and the HTML it *became* must pass the allow-list (allowlist.py). Its links must lead to pages and
  files of the site, and its anchors to headings of its own page. Before converting, shapes that the
  converter handles badly are refused: nesting past ``MAX_NESTING`` levels (a RecursionError) and
  unbalanced or deep brackets (quadratic time: 30 kB of "[" took over a minute). A brief may not
  write footnotes: its citations come only from [@source].
- Pages: an id or brief that would land on a generated page (groups/index.md) or a hand-written one
  (site_src/...), and a hand-written page where a generated page belongs.
- The docs folder: a link that leads out of it (/etc/passwd, .git/config) or round in a loop.
- The build's own folders: the site folder and the folders beside it that a build stages in
  (``.site.building-<pid>-<n>``, swap.sibling_name) are made by the build, never by the repository. A
  repository that tracks a file in any of them (a pull request could plant a staged build, to be
  swapped in or have its hidden entries carried into the site), or a site folder that is the project
  folder, holds it or lies in .git, is refused before anything is built.
- The deploy settings: site_url, repo_url and edit_uri as this environment sets them (site_config.py).
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import jinja2
import markdown

from ..export import export_files
from ..export.search_index import FOLDER as SEARCH_FOLDER
from ..model.problems import Position, Problem
from ..render.feed import FEED_FILE
from ..render.layout import Layout
from ..render.page import Page
from ..render.publish import CITE_DIR, Sections
from ..render.site import (
    CHANGES_PAGE,
    GRAPH_FILE,
    INDEX_PAGES,
    NETWORK_PAGE,
    brief_job,
    render_job,
    template_problem,
)
from ..stages.history import History
from ..stages.resolve import BriefView, EntityLink, KnowledgeBase
from ..swap import sibling_owner
from .allowlist import Checked, Finding, check_brief_page, check_html
from .site_config import CONFIG_FILE, SiteConfig, deploy_problems

MAX_NESTING = 10  # levels of lists and quotes; the real briefs use 2
# A brief is converted twice (here and by the build) at some 250 kB a second: this keeps both to about
# a second. The longest real brief has under 9,000 characters.
MAX_BRIEF = 200_000
MAX_BRACKETS = 4  # "[" open at once: [[id|label]] in a link's text is 3
# Python-Markdown's time for one paragraph grows with the square of its inline elements (1 MB of
# "*a* **b** _c_" in one paragraph took minutes); the real briefs' busiest paragraph has 60 markers.
MAX_INLINE = 500
_INLINE_MARKERS = ("`", "*", "_", "[", "]", "(", ")", "<", "&", "\\", "!")
_NEW_UNIT = re.compile(r"^\s*(?:[-*+]\s|\d{1,9}[.)]\s|\||#|>)")
_RECURSION_HEADROOM = 300  # frames a brief converted here leaves free, for the build's deeper stack

_FOOTNOTE = re.compile(r"(?<!\\)\[\^")
_MARKERS = re.compile(r"^(?: {0,3}(?:[-*+]|\d{1,9}[.)]|>)(?:[ \t]+|$))+")
_MARKER = re.compile(r"[-*+>]|\d{1,9}[.)]")


# -- pages of the site --------------------------------------------------------------------------


@functools.cache
def _export_paths() -> frozenset[str]:
    return frozenset(export_files(KnowledgeBase({}, {}, {}, {}, {})))


def fixed_pages() -> frozenset[str]:
    """The files the generator always makes, by path in the site: indexes, network, graph, changes and
    their feed, exports."""
    return frozenset([*INDEX_PAGES, NETWORK_PAGE, GRAPH_FILE, CHANGES_PAGE, FEED_FILE]) | _export_paths()


def _made_for(kb: KnowledgeBase) -> frozenset[str]:
    """The files the generator makes for each profile besides its page: its citation downloads."""
    return frozenset(f"{CITE_DIR}/{profile_id}.{extension}" for profile_id in kb.profiles for extension in ("bib", "ris", "json"))


def _own_pages(kb: KnowledgeBase) -> list[tuple[str, Position, str]]:
    """(page path, where its name is written, what it is) of every profile, source and brief."""
    found = [(p.path, kb.origins.get(p.id) or Position(p.file), f"id '{p.id}'") for p in kb.profiles.values()]
    found += [(kb.source_path(i), kb.origins.get(i) or Position(f"data/sources/{i}.yaml"), f"id '{i}'") for i in kb.sources]
    found += [(b.path, Position(b.file or b.path), f"brief file name '{b.slug}.md'") for b in kb.briefs.values()]
    return found


def _clashes(kb: KnowledgeBase, docs: dict[str, Path], docs_dir: str) -> list[Problem]:
    fixed = fixed_pages()
    problems = []
    for path, position, what in _own_pages(kb):
        if path in fixed:
            problems.append(position.problem(f"{what} would put its page at {path}, where a page of the site stands; choose another"))
        elif path in docs:
            problems.append(Position(f"{docs_dir}/{path}").problem("a hand-written page stands where a generated page belongs; remove or rename it"))
    made = fixed | _made_for(kb)
    problems += [
        Position(f"{docs_dir}/{path}").problem("a hand-written page stands where a generated page belongs; remove or rename it")
        for path in sorted(docs)
        if path in made or path.startswith(SEARCH_FOLDER + "/")
    ]
    return problems


# -- the docs folder ------------------------------------------------------------------------------


def docs_files(root: Path, docs_dir: str, problems: list[Problem]) -> dict[str, Path]:
    """Every file of the docs folder, by path inside it; links that lead out of it or in a loop are
    problems (MkDocs would copy their target into the site, or walk round for ever)."""
    folder = root / docs_dir
    if not folder.is_dir():
        return {}
    real_root = folder.resolve()
    found: dict[str, Path] = {}
    for path in _walk_links(folder, problems, root, real_root):
        found[path.relative_to(folder).as_posix()] = path
    return found


def _walk_links(folder: Path, problems: list[Problem], root: Path, real_root: Path) -> Iterator[Path]:
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            path = Path(entry.path)
            if entry.is_symlink():
                reason = _bad_link(path, real_root)
                if reason:
                    problems.append(Position(path.relative_to(root).as_posix()).problem(reason))
                    continue
            if entry.is_dir():
                yield from _walk_links(path, problems, root, real_root)
            elif entry.is_file():
                yield path


def _bad_link(path: Path, real_root: Path) -> str | None:
    try:
        target = path.resolve(strict=True)
    except (RuntimeError, OSError):  # 3.11 raises RuntimeError for a loop, later versions OSError
        return "this link leads to nothing or round in a loop; replace it with a real file"
    if not target.is_relative_to(real_root):
        return "this is a link to something outside the docs folder; the site would publish it: replace it with a real file"
    if target.is_dir() and path.parent.resolve().is_relative_to(target):
        return "this link leads back to a folder it stands in, a loop; replace it with a real folder"
    return None


# -- the build's own folders --------------------------------------------------------------------


def build_folder_problems(root: Path, site_dir: Path) -> list[Problem]:
    """The site folder ``site_dir`` and its staging siblings, where the repository at ``root`` holds
    files in them (one problem a folder, at its first file), or where the site folder would replace
    the project or its git folder."""
    root, site = Path(os.path.abspath(root)), Path(os.path.abspath(site_dir))
    if root.is_relative_to(site) or site.is_relative_to(root / ".git"):
        message = f"the site folder {site} would replace the project folder or its .git; build into a folder of its own"
        return [Position(CONFIG_FILE).problem(message + " (site_dir, or -d)")]
    found: dict[str, Problem] = {}
    for file in _tracked(root):
        folder = _own_folder(root / file, site)
        if folder is not None:
            shown = _shown(folder, root)
            what = (
                "the site folder, which each build makes anew"
                if folder == site
                else f"named as a build names the folders it builds in beside {_shown(site, root)}/"
            )
            found.setdefault(
                shown, Position(file).problem(f"the repository holds {shown}/, {what}; remove it from the repository (git rm -r --cached {shown})")
            )
    return list(found.values())


def _own_folder(path: Path, site: Path) -> Path | None:
    """The build's own folder that ``path`` lies in: the site folder or a staging sibling of it."""
    if path.is_relative_to(site):
        return site
    if path.is_relative_to(site.parent):
        first = site.parent / path.relative_to(site.parent).parts[0]
        return first if sibling_owner(first.name, site.name) is not None else None
    return None


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _tracked(root: Path) -> list[str]:
    """The files git tracks below ``root``, relative to it; none outside a checkout."""
    try:
        done = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    if done.returncode != 0:
        return []
    return [name for name in done.stdout.decode("utf-8", errors="surrogateescape").split("\0") if name]


# -- briefs -------------------------------------------------------------------------------------


def check_brief(
    root: Path,
    brief: BriefView,
    kb: KnowledgeBase,
    env: jinja2.Environment,
    site: SiteConfig,
    files: frozenset[str],
    known: dict[int, list[str]],
    sections: Sections | None = None,
) -> list[Problem]:
    """The brief's problems; ``known`` holds, by line, the messages the stages before reported on its
    file (the same cause is not reported twice). ``sections``: the knowledge base's, made once for all
    the briefs."""
    # The body as written, its [[links]] and [@citations] blanked (they are the generator's, and
    # balanced): same lines, same columns.
    body = _REFERENCE.sub(lambda match: "\0" * len(match.group()), brief.text)
    start = Position(brief.file, brief.body_line, 1)
    if len(body) > MAX_BRIEF:
        return [start.problem(f"the brief's text is {len(body):,} characters, over the limit of {MAX_BRIEF:,}; split it into several briefs")]
    problems = _footnotes(body, start)
    bounds = _source_problems(body, start)
    if bounds or len(known) > MAX_KNOWN or not _resolved(brief, kb):
        return problems + bounds  # converting text of these shapes is what must not be tried
    try:
        page_markdown = render_job(env, kb, brief_job(brief, History(), sections or Sections(kb, Layout().url)))
    except Exception as error:
        problem = template_problem(error, root)
        if problem is None:
            raise
        return [problem]
    rendered_body = Page(kb, brief.path).text(brief.body, markdown=True)
    offset = page_markdown.find(rendered_body)
    try:
        checked = _checked(page_markdown, site)
    except Exception as error:  # noqa: BLE001 - whatever the converter raises is the brief's problem
        return [start.problem(f"the Markdown converter cannot take this brief ({type(error).__name__}); simplify it")]
    findings = checked.findings + _link_findings(checked, brief.path, files)
    if not findings:
        return problems
    blocks = _BlockFindings(rendered_body.split("\n") if offset >= 0 else [], site)
    located = [(finding, _locate(brief, body.split("\n"), blocks, finding)) for finding in findings]
    return problems + [problem for finding, problem in located if not _said_already(finding, problem, known)]


def _footnotes(body: str, start: Position) -> list[Problem]:
    """Footnotes written by hand: a brief's citations come only from [@source]."""
    return [
        Position(start.file, start.line + number, match.start() + 1).problem(
            "a brief cannot write footnotes ([^...]); cite with [@source-id, locator] and the footnote is made from it"
        )
        for number, line in enumerate(body.split("\n"))
        for match in _FOOTNOTE.finditer(line)
    ]


def _said_already(finding: Finding, problem: Problem, known: dict[int, list[str]]) -> bool:
    """The text check (validate.markdown_problems) reported the same scheme or attribute on that line."""
    needle = finding.needle.lower()
    said = (f"{needle}: urls are not allowed", f"attribute list sets {needle}=")
    return any(message.lower().startswith(said) for message in known.get(problem.line, []))


def _resolved(brief: BriefView, kb: KnowledgeBase) -> bool:
    """Every [[link]] and [@citation] of the brief leads somewhere (else it is reported already)."""
    return all(token.id in kb.profiles if isinstance(token, EntityLink) else token.source in kb.sources for token in brief.body if not isinstance(token, str))


# A [[link]] or [@citation] (resolve._MARKUP): the generator's own markup inside a brief.
_REFERENCE = re.compile(r"\[\[[^\[\]\n]+?\]\]|\[@[^\[\]\n]+?\]")
MAX_KNOWN = 50  # lines with problems already, past which a brief is not converted


def _source_problems(body: str, start: Position) -> list[Problem]:
    """Nesting, and brackets or link addresses left open, where each stands: the shapes that must not
    reach the converter."""
    problems = []
    open_at: tuple[int, str] | None = None  # the first line with a bracket or address still open
    state = _Brackets()
    deep = crowded = False
    markers = 0  # inline markup characters of the paragraph so far
    lines = body.split("\n")  # as Markdown splits: not at U+2028 and the like, as str.splitlines does
    for number, line in enumerate(lines):
        here = functools.partial(Position, start.file, start.line + number)
        levels = _nesting(line)
        if levels > MAX_NESTING and not deep:  # once for each run of such lines
            problems.append(here(1).problem(f"lists or quotes nested {levels} levels deep here; at most {MAX_NESTING}"))
        deep = levels > MAX_NESTING
        if not line.strip():
            if open_at is not None:
                problems.append(Position(start.file, start.line + open_at[0], 1).problem(open_at[1]))
            open_at, state, markers, crowded = None, _Brackets(), 0, False
            continue
        if _NEW_UNIT.match(line):  # a list item, table row, heading or quote: its own inline text
            markers = 0
        markers += sum(map(line.count, _INLINE_MARKERS))
        if markers > MAX_INLINE and not crowded:
            problems.append(
                here(1).problem(
                    f"this paragraph holds more than {MAX_INLINE} characters that Markdown reads as markup "
                    f"({' '.join(_INLINE_MARKERS)}); split it into paragraphs"
                )
            )
        crowded = markers > MAX_INLINE
        was_deep = state.deepest
        state.read(line)
        if state.deepest > MAX_BRACKETS >= was_deep:
            problems.append(here(1).problem(f"brackets nested {state.deepest} deep here; at most {MAX_BRACKETS}"))
        if open_at is None and state.unclosed():
            open_at = (number, state.unclosed())
    if open_at is not None:
        problems.append(Position(start.file, start.line + open_at[0], 1).problem(open_at[1]))
    return problems


def _nesting(line: str) -> int:
    """Levels of lists and quotes a line opens: its indentation in steps of four, and its markers."""
    expanded = line.expandtabs(4)
    markers = _MARKERS.match(expanded.lstrip(" "))
    return (len(expanded) - len(expanded.lstrip(" "))) // 4 + (len(_MARKER.findall(markers.group())) if markers else 0)


_BRACKET_TOKENS = re.compile(r"\\.|`+|\]\(|[\[\]()]")


class _Brackets:
    """Brackets and link addresses open in a paragraph, escapes and code spans aside. Python-Markdown
    looks for the end of each from where it opens to the end of the paragraph, so every one left open
    costs a pass over the rest: quadratic."""

    def __init__(self) -> None:
        self.depth = self.deepest = 0
        self.address = 0  # parentheses open in a link's address: [text](...
        self.code: str | None = None

    def read(self, line: str) -> None:
        for token in _BRACKET_TOKENS.findall(line):
            if token[0] == "`":
                self.code = None if self.code == token else (token if self.code is None else self.code)
            elif self.code is not None or token[0] == "\\":
                continue
            elif token == "](":
                self.depth = max(self.depth - 1, 0)
                self.address += 1
            elif token == "[":
                self.depth += 1
                self.deepest = max(self.deepest, self.depth)
            elif token == "]":
                self.depth = max(self.depth - 1, 0)
            elif self.address and token == "(":
                self.address += 1
            elif self.address and token == ")":
                self.address -= 1

    def unclosed(self) -> str:
        if self.depth:
            return "a '[' in this paragraph is never closed; close it or write \\[ for a bracket of text"
        if self.address:
            return "a link's address '](' in this paragraph is never closed with ')'"
        return ""


@functools.lru_cache(maxsize=256)
def _checked(page_markdown: str, site: SiteConfig) -> Checked:
    """The brief page converted as the site converts it, and what the allow-list finds in it."""
    with _recursion_headroom():
        html = _converter(site).reset().convert(page_markdown)
    return check_brief_page(html)


def _converter(site: SiteConfig) -> markdown.Markdown:
    return markdown.Markdown(extensions=list(site.extensions), extension_configs=site.extension_configs)


@contextmanager
def _recursion_headroom() -> Iterator[None]:
    """Convert with less room for recursion than the build will have: what converts here converts
    there too, where MkDocs's own frames stand below the converter's."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit - _RECURSION_HEADROOM, 200))
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def _link_findings(checked: Checked, page: str, files: frozenset[str]) -> list[Finding]:
    found = []
    for _tag, value, url, (line, col) in checked.links:
        if url.scheme or url.other_host:
            continue
        what = None
        if url.path.startswith("/"):
            what = f"the link '{value}' starts at the site's root; link relative to this page (../groups/isis-k.md)"
        elif not url.path:
            if url.fragment and url.fragment not in checked.ids:
                what = f"the link '{value}' names no heading or anchor of this page"
        else:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), url.path))
            if target.startswith("..") or target not in files:
                what = f"the link '{value}' leads to no page or file of the site"
            elif url.fragment is not None and target != page:
                what = f"the link '{value}' names an anchor of another page, which cannot be checked before the build; link to the page"
        if what:
            found.append(Finding(line, col, what, value))
    return found


class _BlockFindings:
    """What each top-level block of the rendered body shows when converted alone (a block starts at
    a line that follows a blank one and is not indented): which block a finding of the whole page
    comes from. Rendered and written bodies have the same lines ([[links]] hold no line break)."""

    def __init__(self, lines: list[str], site: SiteConfig) -> None:
        self.lines, self.site = lines, site
        self.starts = [0] + [n for n in range(1, len(lines)) if lines[n][:1].strip() and not lines[n - 1].strip()]
        self._found: list[list[str]] | None = None

    def _convert_each(self) -> list[list[str]]:
        found: list[list[str]] = []
        for index, start in enumerate(self.starts):
            end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.lines)
            try:
                with _recursion_headroom():
                    html = _converter(self.site).convert("\n".join(self.lines[start:end]))
            except Exception:  # noqa: BLE001 - the whole page converted, so this cannot fail alone
                found.append([])
                continue
            checked = check_html(html, brief=True)
            found.append([f.what for f in checked.findings] + [_link_what(value) for _, value, _, _ in checked.links])
        return found

    def lines_of(self, finding: Finding) -> range | None:
        """The lines of the block the finding comes from, if one shows it."""
        if self._found is None:
            self._found = self._convert_each()
        for index, whats in enumerate(self._found):
            if finding.what in whats or _link_what(finding.needle) in whats:
                end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.lines)
                return range(self.starts[index], end)
        return None


def _link_what(value: str) -> str:
    return f"link {value}"


def _locate(brief: BriefView, source: list[str], blocks: _BlockFindings, finding: Finding) -> Problem:
    """Where in the brief's file a finding comes from: in the block that shows it alone (else in the
    whole body), the line holding its text; else the block's or the body's first line."""
    message = f"the Markdown here becomes HTML where {finding.what}"
    lines = blocks.lines_of(finding) or range(len(source))
    for number in lines:
        col = _find(source[number] if number < len(source) else "", finding.needle)
        if col is not None:
            return Position(brief.file, brief.body_line + number, col).problem(message)
    return Position(brief.file, brief.body_line + (lines.start if lines else 0), 1).problem(message)


def _find(line: str, needle: str) -> int | None:
    """Column (from 1) of ``needle`` in ``line``, whatever the case and the backslashes in between."""
    if not needle:
        return None
    kept = [(index, char) for index, char in enumerate(line) if char != "\\"]
    plain = "".join(char for _, char in kept).lower()
    at = plain.find(needle.lower())
    return kept[at][0] + 1 if at >= 0 else None


def preflight(root: Path, kb: KnowledgeBase, env: jinja2.Environment, site: SiteConfig, known: list[Problem]) -> list[Problem]:
    """Every problem of the site-to-be that the stages before did not report (``known``)."""
    lines: dict[str, dict[int, list[str]]] = {}
    for problem in known:
        lines.setdefault(problem.file, {}).setdefault(problem.line, []).append(problem.message)
    problems: list[Problem] = deploy_problems(site.deploy) + build_folder_problems(root, root / site.site_dir)
    docs = docs_files(root, site.docs_dir, problems)
    problems += _clashes(kb, docs, site.docs_dir)
    files = frozenset(docs) | fixed_pages() | frozenset(path for path, _, _ in _own_pages(kb))
    sections = Sections(kb, Layout().url) if kb.briefs else None
    for brief in kb.briefs.values():
        problems += check_brief(root, brief, kb, env, site, files, lines.get(brief.file, {}), sections)
    return problems
