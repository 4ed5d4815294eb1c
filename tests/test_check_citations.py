"""check-citations: does the cited paragraph state the numbers and dates of the statement citing it?

First a table of statements and paragraphs, true and false, for what counts as the same figure
(generator/checks/quantities.py); then the command on a small project with its own archive, read as a user
reads it (messages, positions, exit codes); then the project's own knowledge base, which must pass
with --strict wherever the archived source texts are present.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ENV, ROOT
from test_engine_neutral import cli_without_mkdocs
from test_workflows import command, workflow

from generator.checks.citations import DEFAULT_ARCHIVE, paragraph_numbers
from generator.checks.quantities import Index, mentions


def unsupported(statement: str, paragraph: str) -> list[str]:
    """The mentions of the statement that the paragraph does not state."""
    index = Index(paragraph)
    return [m.shown for m in mentions(statement) if not index.has(m)]


SUPPORTED = [
    # numbers, thousands separators, decimals, units and scale words
    ("put its strength at 6,500 fighters", "ISIS-K's strength reached 6500 fighters"),
    ("some 4,000 of them", "approximately 4,000 stationed near the border"),
    ("an estimated 1.3 million migrants", "1.3 million still migrated to Russia"),
    ("1,300,000 migrants", "1.3 million still migrated"),
    ("1.3m migrants", "1.3 million still migrated"),
    ("a population that is 98 per cent Muslim", "its 98% Muslim population"),
    # numbers in words, either side
    ("killed eight people", "which killed 8 people"),
    ("killed 8 people, two of them staff", "stilled eight people, including two embassy staffers"),
    ("thirteen service members", "around 13 service members"),
    ("two dozen recruits", "24 recruits"),
    ("one hundred and thirty-seven dead", "killing at least 137 people"),
    ("well over a hundred people", "killed more than 100 people"),
    ("thousands of Tajiks", "evicting thousands of Tajiks, Hazaras"),
    ("dozens were hurt", "dozens were injured"),
    # ranges
    ("2,500 to 3,500 on that border", "there were 2,500-3,500 on the Afghan-Tajikistan border"),
    ("between 2,500 and 3,500 fighters", "2,500–3,500 fighters"),
    # years, decades, months and dates, as precise as the source or less
    ("formed in 2015", "In 2015, ISIS-K was formed"),
    ("in June 2015", "In June 2015, a few months after"),
    ("in 2015", "In June 2015, the Taliban wrote"),
    ("in June", "In June 2015, the Taliban wrote"),
    ("on 26 August 2021", "the August 26, 2021 suicide attack"),
    ("in August 2021", "the August 26, 2021 suicide attack"),
    ("the attack of 22 March", "on the night of March 22"),
    ("in the 1990s", "the brutal Chechen Wars in the 1990s"),
    ("ended in the 1990s", "a civil war, which ended in 1996"),
    ("the 9/11 attacks", "responsible for the 9/11 attacks"),
    ("in May 2016", "killed by a U.S. air strike in May 2016"),
    # what is not a figure: a lone "one", ordinals, "may" the verb
    ("one of the worst attacks", "among the deadliest attacks"),
    ("the first leader and his second-in-command", "its leader and his deputy"),
    ("Russia may try to blame Ukraine", "Putin attempted to connect the attack"),
]

UNSUPPORTED = [
    # the audit's findings, and their kind
    ("in June 2015, Mansour signed", "The letter, signed by Mullah Akhtar Mansour", ["June 2015"]),
    ("more than 1,000 Central Asian recruits", "It has recruited thousands of disgruntled Central Asians", ["1,000"]),
    ("in July 2023", "a political rally in the Bajaur tribal area last July", ["July 2023"]),
    ("in March 2024", "Then in March of this year", ["March 2024"]),
    ("on 22 March 2024", "on the night of March 22", ["22 March 2024"]),
    # a number must be the same number
    ("killed 9 people", "which killed eight people", ["9"]),
    ("6,600 fighters", "6,500 fighters", ["6,600"]),
    ("1.4 million", "1.3 million still migrated", ["1.4 million"]),
    ("130 dead", "at least 137 dead", ["130"]),
    ("thousands of recruits", "2,000 recruits", ["thousands"]),
    ("hundreds of fighters", "thousands of fighters", ["hundreds"]),
    ("two dozen recruits", "two recruits", ["two dozen"]),
    # a date no more precise than its source, and in the same year and month
    ("on 26 August 2021", "in August 2021", ["26 August 2021"]),
    ("in June 2016", "In June 2015", ["June 2016"]),
    ("in July 2015", "In June 2015", ["July 2015"]),
    ("in 2016", "In June 2015", ["2016"]),
    ("in the 1980s", "a civil war, which ended in 1996", ["1980s"]),
    ("in May", "Russia may try", ["May"]),
]


@pytest.mark.parametrize(("statement", "paragraph"), SUPPORTED)
def test_a_figure_the_paragraph_states_is_found_whatever_its_form(statement: str, paragraph: str) -> None:
    assert unsupported(statement, paragraph) == []


@pytest.mark.parametrize(("statement", "paragraph", "missing"), UNSUPPORTED)
def test_a_figure_the_paragraph_does_not_state_is_reported(statement: str, paragraph: str, missing: list[str]) -> None:
    assert unsupported(statement, paragraph) == missing


def test_mentions_are_read_as_the_figures_they_are() -> None:
    found = {m.shown: m for m in mentions("On 22 March 2024, 1.3 million, thirteen, the 1990s and thousands of them in May 2016")}
    assert (found["22 March 2024"].year, found["22 March 2024"].month, found["22 March 2024"].day) == (2024, 3, 22)
    assert found["1.3 million"].value == 1_300_000
    assert found["thirteen"].value == 13
    assert found["1990s"].kind == "decade"
    assert found["thousands"].kind == "amount"
    assert (found["May 2016"].year, found["May 2016"].month) == (2016, 5)


def test_locators_name_their_paragraphs() -> None:
    assert paragraph_numbers("para 4") == [4]
    assert paragraph_numbers("paras 2-4") == [2, 3, 4]
    assert paragraph_numbers("section 2 para 3") == [3]
    assert paragraph_numbers('para 17; derived: July 2023, from "last July" (para 3 of another text)') == [17]
    assert paragraph_numbers("answer 3") == []


# -- the command, on a small project with its own archive ----------------------------------------

SOURCE = """\
id: wire
title: A wire report
publisher: Test Wire
kind: news
date: 2024-03
archive: wire.txt
furniture: [4]
summary: A made-up source for the citation check.
"""

# Paragraphs are the non-empty lines: 1 June 2015, 2 the letter, 3 last July and 6,500, 4 an advert.
ARCHIVE_TEXT = """\
In June 2015 the Front wrote a letter.

The letter, signed by its chief, asked for one flag.
Last July a bombing killed more than 50 people; 6,500 fighters were counted in February 2023.
Advertisement: read our other stories about the year 1999.
"""

GROUP = """\
id: front
name: The Front
type: militant-group
summary:
  text: >-
    The Front wrote a letter in June 2015, which its chief signed.
  cite: ["wire, para 2"]
sections:
  - title: Events
    claims:
      - text: >-
          A bombing in July 2023 killed more than 50 people.
        derived: "July 2023, from 'last July' in an article of March 2024"
        cite: ["wire, para 3"]
      - text: >-
          A bombing in July 2023 killed more than fifty people.
        derived: "July 2023, from 'in July' in an article of March 2024"
        cite: ["wire, para 3"]
      - text: It counted 6,500 fighters in February 2023.
        cite: ["wire, para 3"]
      - text: Nothing else happened.
        cite: ["wire, para 9"]
figures:
  - id: strength
    label: Fighters
    unit: fighters
    values:
      - {value: 6500, as_of: 2024-03, cite: ["wire, para 3"]}
      - {value: 7000, as_of: 2023-02, cite: ["wire, para 3"]}
"""

BRIEF = """\
---
title: A brief
date: 2024-03
summary: A made-up brief.
---
The Front wrote in June 2015 [@wire, para 1]. A bombing in July 2023 killed more than 50 people [@wire, para 3; derived: July 2023, from "last July" in an article of March 2024].

- It counted 6,600 fighters [@wire, para 3] and wrote a letter [@wire, para 2].
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for folder, name, text in (
        ("data/sources", "wire.yaml", SOURCE),
        ("data/groups", "front.yaml", GROUP),
        ("briefs", "a-brief.md", BRIEF),
    ):
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / name).write_text(text, encoding="utf-8")
    archive = tmp_path / "shared" / "sources"  # where the default looks: ../shared/sources
    archive.mkdir(parents=True)
    (archive / "wire.txt").write_text(ARCHIVE_TEXT, encoding="utf-8")
    return root


def check_citations(project: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run the command in project, with KHORASAN_BRIEF_ARCHIVE only as ``env`` gives it."""
    environment = {k: v for k, v in ENV.items() if k != "KHORASAN_BRIEF_ARCHIVE"}
    done = subprocess.run(
        [sys.executable, "-m", "generator", "check-citations", *args],
        cwd=project,
        env={**environment, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.returncode, done.stdout, done.stderr


def position(path: Path, needle: str, nth: int = 0) -> str:
    """FILE:LINE:COL of the nth occurrence of needle, FILE relative to the project."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        column = line.find(needle)
        while column >= 0:
            if seen == nth:
                return f"{path.parent.name}/{path.name}:{number}:{column + 1}"
            seen += 1
            column = line.find(needle, column + 1)
    raise AssertionError(f"{needle!r} not in {path}")


def test_findings_point_at_the_figure_and_say_where_the_source_has_it(project: Path) -> None:
    code, out, err = check_citations(project)
    assert code == 0, err  # findings are warnings without --strict
    lines = err.splitlines()
    group = project / "data" / "groups" / "front.yaml"
    brief = project / "briefs" / "a-brief.md"
    assert f"data/{position(group, 'June 2015')}: warning: 'June 2015' is in wire para 1, not in para 2" in lines
    # A derived value is accepted; a derivation quoting what the paragraph does not say is not.
    assert not any("'July 2023'" in line for line in lines)
    derivation = position(group, "\"July 2023, from 'in July'")
    assert f"data/{derivation}: warning: derived: quotes 'in July', which is in none of the cited paragraphs (that source)" in lines
    assert not any("'fifty'" in line for line in lines)  # fifty is 50
    # A figure's value; its as_of may be the source's own date (2024-03) or stated (February 2023).
    assert (
        f"data/{position(group, '7000')}: warning: 'value: 7000' is in none of the cited paragraphs (wire para 3), nor anywhere else in that source; cite where it is said, or say how it was worked out with derived:"
        in lines
    )
    assert not any("as_of" in line or "2024-03" in line or "2023-02" in line for line in lines)
    missing = position(group, '"wire, para 9"')
    assert f"data/{missing}: warning: wire has 4 paragraphs; there is no para 9" in lines
    # In a brief each citation is checked against the text before it, at the figure's exact place.
    assert (
        f"{position(brief, '6,600')}: warning: '6,600' is in none of the cited paragraphs (wire para 3), nor anywhere else in that source; cite where it is said, or say how it was worked out with derived:"
        in lines
    )
    assert len(lines) == 5, err
    assert out == "check-citations: 11 statements checked (15 numbers and dates), 0 without an archived text; 5 findings (warnings)\n"


def test_strict_makes_findings_errors(project: Path) -> None:
    code, _, err = check_citations(project, "--strict")
    assert code == 1
    assert "warning:" not in err
    assert "front.yaml:6:33: 'June 2015' is in wire para 1, not in para 2" in err


def test_a_clean_project_passes_strict(project: Path) -> None:
    group = project / "data" / "groups" / "front.yaml"
    text = group.read_text(encoding="utf-8").replace('cite: ["wire, para 2"]', 'cite: ["wire, para 1", "wire, para 2"]', 1)
    text = text.replace("'in July'", "'last July'").replace("value: 7000", "value: 6500").replace("para 9", "para 3")
    group.write_text(text, encoding="utf-8")
    brief = project / "briefs" / "a-brief.md"
    brief.write_text(brief.read_text(encoding="utf-8").replace("6,600", "6,500"), encoding="utf-8")
    code, out, err = check_citations(project, "--strict")
    assert (code, err) == (0, "")
    assert out.endswith("; 0 findings\n")


NO_ARCHIVE = "no archive of source texts at {folder} ({looked}): cited paragraphs were not compared with what they say; give the folder with --archive DIR or $KHORASAN_BRIEF_ARCHIVE"


def test_strict_without_an_archive_fails_and_says_where_it_looked(project: Path, tmp_path: Path) -> None:
    shutil.rmtree(tmp_path / "shared")
    default = NO_ARCHIVE.format(folder=tmp_path / "shared" / "sources", looked="../shared/sources beside the project folder")
    code, out, err = check_citations(project, "--strict")
    assert code == 2, err
    assert err == f"check-citations: error: {default}, or pass --allow-no-archive to check only what needs no text\n"
    assert out.startswith("check-citations: 0 statements checked")
    code, _, err = check_citations(project, "--strict", "--format", "github")
    assert code == 2 and err.startswith("::error::no archive of source texts")
    # A folder that holds none of the texts is no archive either; it names the setting that chose it.
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = check_citations(project, "--strict", env={"KHORASAN_BRIEF_ARCHIVE": str(empty)})
    assert code == 2 and NO_ARCHIVE.format(folder=empty, looked="$KHORASAN_BRIEF_ARCHIVE") in err


def test_without_an_archive_on_purpose_one_notice_and_success(project: Path, tmp_path: Path) -> None:
    shutil.rmtree(tmp_path / "shared")
    default = NO_ARCHIVE.format(folder=tmp_path / "shared" / "sources", looked="../shared/sources beside the project folder")
    code, out, err = check_citations(project, "--strict", "--allow-no-archive")
    assert (code, err) == (0, f"check-citations: {default}\n")
    assert out.startswith("check-citations: 0 statements checked")
    code, _, err = check_citations(project, "--strict", "--allow-no-archive", "--format", "github")
    assert code == 0 and err.startswith("::notice::no archive of source texts")
    # Without --strict nothing is promised: the notice, and success.
    code, _, err = check_citations(project)
    assert (code, err) == (0, f"check-citations: {default}\n")


def test_strict_with_a_text_missing_from_the_archive_fails(project: Path, tmp_path: Path) -> None:
    source = project / "data" / "sources" / "other.yaml"
    source.write_text(SOURCE.replace("id: wire", "id: other").replace("wire.txt", "other.txt"), encoding="utf-8")
    code, _, err = check_citations(project, "--strict")
    archive = tmp_path / "shared" / "sources"
    assert code == 2
    assert f"check-citations: error: the archived text of other is not in {archive}: its citations were not compared (add it, or pass --allow-no-archive)" in err
    code, _, err = check_citations(project, "--strict", "--allow-no-archive")
    assert code == 1  # the fixture's findings, now errors; the missing text only a notice
    assert f"check-citations: the archived text of other is not in {archive}: its citations were not compared\n" in err


def test_a_citation_of_page_furniture_is_an_error_even_without_the_texts(project: Path, tmp_path: Path) -> None:
    shutil.rmtree(tmp_path / "shared")
    group = project / "data" / "groups" / "front.yaml"
    group.write_text(group.read_text(encoding="utf-8").replace('["wire, para 9"]', '["wire, para 3", "wire, para 4"]'), encoding="utf-8")
    code, _, err = check_citations(project, "--strict", "--allow-no-archive")
    assert code == 1
    assert "wire para 4 is page furniture of the archived page" in err


def test_the_archive_folder_is_a_setting(project: Path, tmp_path: Path) -> None:
    moved = tmp_path / "elsewhere"
    (tmp_path / "shared" / "sources").rename(moved)
    code, out, _ = check_citations(project, "--archive", str(moved))
    assert code == 0 and out.startswith("check-citations: 11 statements checked")
    code, out, _ = check_citations(project, env={"KHORASAN_BRIEF_ARCHIVE": str(moved)})
    assert code == 0 and out.startswith("check-citations: 11 statements checked")
    # A folder asked for by name that is not there is a mistake, not a missing archive.
    code, _, err = check_citations(project, "--archive", str(tmp_path / "nowhere"))
    assert code == 2 and "is not a folder" in err


def test_github_format_annotates_warnings_and_errors(project: Path) -> None:
    _, _, err = check_citations(project, "--format", "github")
    assert "::warning file=data/groups/front.yaml,line=6,col=33::'June 2015' is in wire para 1, not in para 2" in err.splitlines()
    _, _, err = check_citations(project, "--strict", "--format", "github")
    assert "::error file=data/groups/front.yaml,line=6,col=33::'June 2015' is in wire para 1, not in para 2" in err.splitlines()


def test_bad_data_is_reported_as_validate_reports_it(project: Path) -> None:
    group = project / "data" / "groups" / "front.yaml"
    group.write_text(group.read_text(encoding="utf-8").replace("type: militant-group", "typ: militant-group"), encoding="utf-8")
    code, _, err = check_citations(project)
    assert code == 1
    assert "data/groups/front.yaml:3:1: unknown key 'typ'; did you mean 'type'?" in err


# -- the knowledge base itself -------------------------------------------------------------------------

ARCHIVE = (ROOT / DEFAULT_ARCHIVE).resolve()


@pytest.mark.skipif(not ARCHIVE.is_dir(), reason=f"the archived source texts are not at {ARCHIVE}")
def test_the_knowledge_base_passes_strict() -> None:
    code, out, err = check_citations(ROOT, "--strict", env={})
    assert code == 0, err
    assert err == ""
    checked = int(out.split(" statements checked")[0].split()[-1])
    assert checked > 500, out
    assert " 0 without an archived text" in out


def test_the_check_runs_in_ci() -> None:
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    commands = [line.strip() for line in lines]
    # With the archived texts beside the clone, the full check; without, what needs no text.
    assert ".venv/bin/python -m generator check-citations --strict" in commands
    assert ".venv/bin/python -m generator check-citations --strict --allow-no-archive" in commands
    # The README's test command, last: the test runner's summary stays the last word.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert lines[-1] in readme and lines[-1].startswith(".venv/bin/python -m pytest")


def test_the_pull_request_workflow_runs_the_check(tmp_path: Path) -> None:
    step = command(workflow("validate.yml"), "validate", "python -m generator check-citations")
    assert step[-4:] == ["--strict", "--allow-no-archive", "--format", "github"]
    # On GitHub the archived texts are absent, on purpose: the step says so and passes.
    project = tmp_path / "clone"
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copytree(ROOT / "briefs", project / "briefs")
    environment = {k: v for k, v in ENV.items() if k != "KHORASAN_BRIEF_ARCHIVE"}
    done = subprocess.run(step, cwd=project, env=environment, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("::notice::no archive of source texts")
    # The flag is what lets it pass: the same step without it fails, saying where it looked.
    without = [arg for arg in step if arg != "--allow-no-archive"]
    done = subprocess.run(without, cwd=project, env=environment, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert done.stderr.startswith("::error::no archive of source texts at ")
    # Where the texts are (KHORASAN_BRIEF_ARCHIVE pointing at them), the same step reads them all.
    if ARCHIVE.is_dir():
        done = subprocess.run(step, cwd=project, env={**environment, "KHORASAN_BRIEF_ARCHIVE": str(ARCHIVE)}, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0 and done.stderr == "", done.stderr
        assert " 0 without an archived text" in done.stdout


def test_the_check_runs_without_mkdocs() -> None:
    code, printed = cli_without_mkdocs("check-citations", cwd=ROOT)
    assert code == 0, printed
    assert "statements checked" in printed


# -- the summary box, derived: in a citation -----------------------------------------------------------


def with_facts(project: Path, facts: str, founded: str = "2015-06") -> Path:
    """The fixture group with a founding date and the given facts_cite block (YAML lines)."""
    group = project / "data" / "groups" / "front.yaml"
    status = "status: active\n" if "  status:" in facts else ""  # a status only with its citation
    text = group.read_text(encoding="utf-8").replace("type: militant-group\n", f"type: militant-group\nfounded: {founded}\nareas: [Russia]\n{status}{facts}")
    group.write_text(text, encoding="utf-8")
    return group


def test_the_facts_of_the_summary_box_are_checked_like_statements(project: Path) -> None:
    group = with_facts(project, 'facts_cite:\n  founded: ["wire, para 2"]\n  areas: ["wire, para 3"]\n  status: ["wire, para 3"]\n')
    code, out, err = check_citations(project, "--strict")
    assert code == 1
    # The box's founding date is not in the paragraph its footnote names; the source has it in para 1.
    assert f"data/{position(group, '2015-06')}: '2015-06' is in wire para 1, not in para 2" in err.splitlines()
    assert out.startswith("check-citations: 14 statements checked (16 numbers and dates)")  # 11 + founded, areas, status


def test_a_box_fact_worked_out_says_how_in_its_citation(project: Path) -> None:
    """July 2023 is 'last July' in an article of March 2024: the derivation is written after a semicolon
    in the citation, as in a brief, and what it quotes must be in the cited paragraph."""
    derived = "wire, para 3; derived: July 2023, from 'last July' in an article of March 2024"
    group = with_facts(project, f'facts_cite:\n  founded: ["{derived}"]\n', founded="2023-07")
    _, _, err = check_citations(project, "--strict")
    assert "2023-07" not in err
    group.write_text(group.read_text(encoding="utf-8").replace("'last July'", "'in July'"), encoding="utf-8")
    _, _, err = check_citations(project, "--strict")
    at = position(group, '"wire, para 3; derived')
    assert f"data/{at}: derived: quotes 'in July', which is in none of the cited paragraphs (that source)" in err.splitlines()
    # Without the note the date is a finding: 'last July' states no year.
    group.write_text(group.read_text(encoding="utf-8").replace(derived.replace("'last July'", "'in July'"), "wire, para 3"), encoding="utf-8")
    _, _, err = check_citations(project, "--strict")
    assert f"data/{position(group, '2023-07')}: '2023-07' is in none of the cited paragraphs (wire para 3), nor anywhere else in that source; cite where it is said, or say how it was worked out with derived:" in err.splitlines()


def test_the_real_box_facts_are_checked() -> None:
    """The knowledge base's own box facts go through the check: Bajaur's date, July 2023, stands in
    its footnote's paragraph only as "last July", and the citation says how it was worked out."""
    from generator.checks.citations import _statements
    from generator.checks.citations import _validated as validated_items
    from generator.model.project import Project

    item = next(i for i in validated_items(Project(ROOT)) if i.document.file == "data/events/bajaur-rally-bombing.yaml")
    dates = [s for s in _statements(item, ROOT) if any(mention.text == "2023-07" for mention, _ in s.mentions)]
    assert len(dates) == 1, "the box's date is one statement"
    assert dates[0].derived is not None and "'last July'" in dates[0].derived
    assert [citation.source for citation, _ in dates[0].cites] == ["globely-rafiq-2024"]


# -- hedges ---------------------------------------------------------------------------------------------

HEDGED_TEXT = """\
The Front may have about 500 fighters, officials said, and may be a rival of the League.
The Front has a base in the hills. Its rivals may yet disband.
The Front was reportedly behind a bombing in May 2016.
In May 2016 a second bombing followed.
Its headquarters are reportedly in the hills.
"""

HEDGED_GROUP = """\
id: front
name: The Front
type: militant-group
summary:
  text: The Front has 500 fighters.
  cite: ["wire, para 1"]
sections:
  - title: Strength
    claims:
      - text: The Front may have about 500 fighters.
        cite: ["wire, para 1"]
      - text: The Front has a base in the hills.
        cite: ["wire, para 2"]
      - text: The Front carried out a bombing in 2016.
        cite: ["wire, para 3"]
      - text: The Front carried out a bombing in 2016.
        status: alleged
        by: officials
        cite: ["wire, para 3"]
      - text: A second bombing followed in 2016.
        cite: ["wire, para 4"]
figures:
  - id: strength
    label: Fighters
    unit: fighters
    values:
      - {value: 500, qualifier: about, as_of: 2024-03, cite: ["wire, para 1"]}
relationships:
  - type: rival-of
    target: league
    cite: ["wire, para 1"]
"""

LEAGUE = """\
id: league
name: The League
type: militant-group
summary:
  text: The League is a group.
  cite: ["wire, para 2"]
"""

HEDGED_BRIEF = """\
---
title: A brief
date: 2024-03
summary: A made-up brief.
---
The Front has 500 fighters [@wire, para 1]. Officials think it may have 500 [@wire, para 1].
"""


@pytest.fixture
def hedging(project: Path, tmp_path: Path) -> Path:
    (tmp_path / "shared" / "sources" / "wire.txt").write_text(HEDGED_TEXT, encoding="utf-8")
    (project / "data" / "sources" / "wire.yaml").write_text(SOURCE.replace("furniture: [4]\n", ""), encoding="utf-8")
    (project / "data" / "groups" / "front.yaml").write_text(HEDGED_GROUP, encoding="utf-8")
    (project / "data" / "groups" / "league.yaml").write_text(LEAGUE, encoding="utf-8")
    (project / "briefs" / "a-brief.md").write_text(HEDGED_BRIEF, encoding="utf-8")
    return project


def test_hedges_lists_statements_surer_than_their_paragraph(hedging: Path) -> None:
    code, out, err = check_citations(hedging, "--hedges", "--strict")
    assert (code, err) == (0, "")  # a report for review, not a failure
    group = hedging / "data" / "groups" / "front.yaml"
    brief = hedging / "briefs" / "a-brief.md"
    lines = out.splitlines()
    may = "wire para 1 hedges ('may' in \"The Front may have about 500 fighters, officials…\"; 'may' in \"…500 fighters, officials said, and may be a rival of the…\")"
    expected = [
        f"{position(brief, 'The Front has 500')}: hedge: {may}",
        f"data/{position(group, 'The Front has 500')}: hedge: {may}",
        f"data/{position(group, 'The Front carried out')}: hedge: wire para 3 hedges ('reportedly' in \"The Front was reportedly behind a bombing in May…\")",
        f"data/{position(group, '500, qualifier')}: hedge: {may}",
        f"data/{position(group, 'rival-of')}: hedge: {may}",
    ]
    found = [line.split(", and the statement does not")[0] for line in lines if ": hedge: " in line]
    assert found == expected, out
    assert all(line.endswith("and the statement does not: keep the source's certainty, attributed, if the hedge is about it") for line in lines if ": hedge: " in line)
    assert "check-citations --hedges: 5 statements state plainly what a cited paragraph hedges (for review; not a failure)" in lines
    # Not listed: a statement that hedges as its source does ("may"), one the page shows as an
    # allegation (status), one citing a paragraph that does not hedge ("May" the month), and one whose
    # paragraph hedges only another sentence, about something else (the rivals, not the base).
    assert not any(f"front.yaml:{position(group, 'may have about').split(':')[1]}:" in line for line in lines)
    assert len([line for line in lines if "wire para 3" in line]) == 1
    assert "wire para 4" not in out and "wire para 2" not in out


def test_hedges_are_only_listed_when_asked_for(hedging: Path) -> None:
    code, out, _ = check_citations(hedging, "--strict")
    assert code == 0 and "hedge" not in out
    code, out, err = check_citations(hedging, "--hedges", "--format", "github")
    assert code == 0
    assert "::notice file=data/groups/front.yaml,line=5,col=9::hedge: wire para 1 hedges" in out


def test_a_box_fact_is_read_for_hedges(hedging: Path) -> None:
    group = hedging / "data" / "groups" / "front.yaml"
    group.write_text(group.read_text(encoding="utf-8").replace("type: militant-group\n", 'type: militant-group\nbase: the hills\nfacts_cite:\n  base: ["wire, para 5"]\n'), encoding="utf-8")
    _, out, _ = check_citations(hedging, "--hedges")
    assert f"data/{position(group, 'the hills')}: hedge: wire para 5 hedges ('reportedly' in \"Its headquarters are reportedly in the hills.\")" in out


# -- what the checker reads, and how much ------------------------------------------------------------


def archive_named(project: Path, name: str) -> Path:
    source = project / "data" / "sources" / "wire.yaml"
    source.write_text(SOURCE.replace("archive: wire.txt", f"archive: {name!r}" if name else "archive: wire.txt"), encoding="utf-8")
    return source


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../secret.txt", "'../secret.txt' leads out of the archive folder with '..'; give the text's file name inside that folder"),
        ("texts/../../secret.txt", "'texts/../../secret.txt' leads out of the archive folder with '..'; give the text's file name inside that folder"),
        ("/etc/passwd", "'/etc/passwd' is an absolute path; give the text's file name inside the archive folder, e.g. 001_48329c039e7b20a3.txt"),
        ("C:/texts/wire.txt", "'C:/texts/wire.txt' is an absolute path; give the text's file name inside the archive folder, e.g. 001_48329c039e7b20a3.txt"),
        ("..\\secret.txt", "'..\\\\secret.txt' has a backslash; separate folders with / inside the archive folder"),
    ],
)
def test_an_archive_name_out_of_the_folder_is_refused_by_validate(project: Path, name: str, message: str) -> None:
    source = archive_named(project, name)
    for command in ("validate", "check-citations"):
        done = subprocess.run([sys.executable, "-m", "generator", command], cwd=project, env=ENV, capture_output=True, text=True, timeout=300)
        assert done.returncode == 1
        assert f"data/{position(source, repr(name)[:8])}: archive: {message}" in done.stderr.splitlines(), done.stderr


def test_an_archive_link_out_of_the_folder_is_an_error(project: Path, tmp_path: Path) -> None:
    archive = tmp_path / "shared" / "sources"
    (tmp_path / "secret.txt").write_text("In June 2015 the Front wrote a letter.\n", encoding="utf-8")
    (archive / "wire.txt").unlink()
    (archive / "wire.txt").symlink_to(tmp_path / "secret.txt")
    source = project / "data" / "sources" / "wire.yaml"
    code, out, err = check_citations(project)  # not --strict: an error all the same
    assert code == 1
    assert f"data/{position(source, 'wire.txt')}: archive: 'wire.txt' leads out of the archive folder {archive} (through a link); keep the text itself in that folder" in err.splitlines()
    assert err.splitlines()[-1] == "check-citations: 1 archived text refused (errors)"
    assert "no archive" not in err and "is not in" not in err  # refused, not missing
    assert out.startswith("check-citations: 0 statements checked")
    # A link that stays inside the folder is read.
    (archive / "kept.txt").write_text(ARCHIVE_TEXT, encoding="utf-8")
    (archive / "wire.txt").unlink()
    (archive / "wire.txt").symlink_to(archive / "kept.txt")
    code, out, _ = check_citations(project)
    assert code == 0 and out.startswith("check-citations: 11 statements checked")


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no named pipes here")
def test_an_archive_that_is_a_pipe_or_a_folder_is_not_read(project: Path, tmp_path: Path) -> None:
    import os

    archive = tmp_path / "shared" / "sources"
    (archive / "wire.txt").unlink()
    os.mkfifo(archive / "wire.txt")  # opening a pipe would wait for a writer for ever
    source = project / "data" / "sources" / "wire.yaml"
    code, _, err = check_citations(project)
    assert code == 1
    assert f"data/{position(source, 'wire.txt')}: archive: 'wire.txt' in {archive} is not a regular file (a folder, device or pipe); name the text file" in err
    (archive / "wire.txt").unlink()
    (archive / "wire.txt").mkdir()
    code, _, err = check_citations(project)
    assert code == 1 and "is not a regular file" in err


def test_an_archive_beyond_the_size_limit_is_not_read(project: Path, tmp_path: Path) -> None:
    from generator.checks.citations import MAX_TEXT_BYTES

    with open(tmp_path / "shared" / "sources" / "wire.txt", "ab") as handle:
        handle.truncate(MAX_TEXT_BYTES + 1)  # sparse: no disk space used
    code, _, err = check_citations(project)
    assert code == 1
    assert f"archive: 'wire.txt' is {MAX_TEXT_BYTES + 1:,} bytes; an archived text is read only up to {MAX_TEXT_BYTES:,} bytes" in err


def test_locator_ranges_are_bounded() -> None:
    from generator.model.entities import MAX_SPAN, locator_problem

    assert locator_problem("paras 3-7") is None
    assert locator_problem(f"paras 1-{MAX_SPAN}") is None
    assert locator_problem("paras 1-1000000000") == "'paras 1-1000000000' covers 1,000,000,000 paragraphs; a range may cover at most 100: cite the paragraphs that say it"
    assert locator_problem("paras 7-3") == "'paras 7-3' runs backwards; write the lower paragraph number first"
    assert locator_problem("para 0") == "'para 0' names paragraph 0; paragraphs count from 1 (the first non-empty line is para 1)"
    huge = "paras 5-" + "9" * 5000  # more digits than Python turns into an int
    assert locator_problem(huge) == f"'{huge[:59]}…' names a paragraph beyond any text (more than 12 digits); cite the paragraphs that say it"
    # The checker itself never expands a range beyond MAX_SPAN, whatever reaches it.
    assert len(paragraph_numbers("paras 1-1000000000")) == MAX_SPAN
    assert len(paragraph_numbers(huge)) == MAX_SPAN


def test_validate_refuses_a_huge_range_in_cite_lists_and_in_briefs(project: Path) -> None:
    group = project / "data" / "groups" / "front.yaml"
    group.write_text(group.read_text(encoding="utf-8").replace('cite: ["wire, para 2"]', 'cite: ["wire, paras 1-1000000000"]'), encoding="utf-8")
    brief = project / "briefs" / "a-brief.md"
    brief.write_text(brief.read_text(encoding="utf-8").replace("[@wire, para 2]", "[@wire, paras 9-2]"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "generator", "validate"], cwd=project, env=ENV, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    at = position(group, '"wire, paras')
    assert (
        f"data/{at}: summary.cite.0: 'paras 1-1000000000' covers 1,000,000,000 paragraphs; a range may cover at most 100: cite the paragraphs that say it"
        in lines
    ), done.stderr
    assert f"{position(brief, '[@wire, paras 9-2]')}: 'paras 9-2' runs backwards; write the lower paragraph number first" in lines, done.stderr


@pytest.mark.parametrize(
    ("text", "status", "expected"),
    [
        ("Mir says the Taliban tend to keep to Afghanistan.", None, True),
        ("Webb sees a probability that it keeps attacking.", None, True),
        ("Rafiq judges it likely.", None, True),
        ("According to reports, it helped them.", None, True),
        ("The group carried out the attack.", "claimed", True),
        ("The group carried out the attack.", "assessed", False),  # attributed, but as sure as before
        ("In May 2016 a strike killed him.", None, False),  # the month
        ("The Taliban keep to Afghanistan.", None, False),
    ],
)
def test_what_counts_as_a_statement_that_hedges(text: str, status: str | None, expected: bool) -> None:
    from generator.checks.hedges import hedged

    assert hedged(text, status) is expected


def test_what_counts_as_a_paragraph_that_hedges() -> None:
    from generator.checks.hedges import source_hedges

    words = [h.word for h in source_hedges("There is a probability that it will attack. Militants tend to stay. Perhaps not.")]
    assert words == ["a probability", "tend to", "Perhaps"]
    assert source_hedges("A U.S. air strike killed him in May 2016, and in May the group regrouped.") == []
    # With a statement, only the sentences about it count.
    paragraph = "The group may have 500 fighters. Its rivals reportedly disbanded."
    assert [h.word for h in source_hedges(paragraph, "The group has 500 fighters.")] == ["may"]
    assert [h.word for h in source_hedges(paragraph, "Its rivals disbanded in the end.")] == ["reportedly"]


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("2015", [("number", "2015")]),
        ("2015~", [("number", "2015")]),
        ("2021-08-26", [("date", "2021-08-26")]),
        ("[2021-08..2024-03]", [("date", "2021-08"), ("date", "2024-03")]),
        ("[..2024-01]", [("date", "2024-01")]),
    ],
)
def test_a_date_of_any_form_is_checked_by_the_dates_it_gives(value: str, read: list[tuple[str, str]]) -> None:
    """An EDTF span states both its ends, an open span its one end, an approximate date its year."""
    from generator.checks.quantities import date_mentions

    assert [(m.kind, m.text) for m in date_mentions(value)] == read
