"""Say no more than the sources (issue 25): what a page derives (a current leader, a status, a date
in a table, an alias, "sources agree") is shown only where a source says it, with its date. One
build of the fixture knowledge base with a profile of each kind the rules are about, read back as
HTML and as the exports."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import FIXTURE_KB, Site, copy_project, generator, mkdocs_build
from htmlq import below, box_rows, descendants, find

# A leader who died: the group's page must not call him its current leader.
OLD_CHIEF = """\
id: old-chief
name: Old Chief
role: Former leader of the Red Front
died: "[..2023]"
facts_cite:
  died: ["alpha-report, para 7"]
summary:
  text: Old Chief led the Red Front and was dead by the time the report was written.
  cite: ["alpha-report, para 7"]
relationships:
  - type: leads
    target: red-front
    since: 2012
    cite: ["alpha-report, para 7"]
"""

# An event the sources place only within a span: never one precise date anywhere.
SPAN_RAID = """\
id: span-raid
name: Span raid
type: attack
date: "[2021-08..2024-03]"
place: Test City
country: Afghanistan
summary:
  text: A fictional raid that a source dates only to some time after August 2021.
  cite: ["alpha-report, para 8"]
relationships:
  - type: carried-out-by
    target: red-front
    cite: ["alpha-report, para 8"]
"""

BLUE_STATUS = """\
status: active
facts_cite:
  status: ["beta-news"]
"""


@pytest.fixture(scope="module")
def said(tmp_path_factory: pytest.TempPathFactory) -> Site:
    project = copy_project(tmp_path_factory.mktemp("said"), FIXTURE_KB)
    (project / "data/people/old-chief.yaml").write_text(OLD_CHIEF, encoding="utf-8")
    (project / "data/events/span-raid.yaml").write_text(SPAN_RAID, encoding="utf-8")
    blue = project / "data/groups/blue-league.yaml"
    blue.write_text(blue.read_text(encoding="utf-8") + BLUE_STATUS, encoding="utf-8")
    built = mkdocs_build(project, project / "site")
    assert built.code == 0, built.err
    return Site(project / "site")


def rows_of(html: str) -> dict[str, str]:
    return {label: " ".join(cell.text.split()) for label, cell in box_rows(html).items()}


def test_a_leader_who_died_is_not_the_current_leader(said: Site) -> None:
    box = rows_of(said.page("groups/red-front"))
    assert box["Current leader"].startswith("Jo Leader (since 2020, as of March 2024)"), box
    assert "Old Chief" not in box["Current leader"] and box["Former leader"].startswith("Old Chief"), box
    index = find(said.page("groups"), "table")[0]
    red = next(row for row in descendants(index, "tr") if "Red Front" in row.text)
    cells = [" ".join(c.text.split()) for c in red.children if c.tag == "td"]
    assert "Jo Leader (as of March 2024)" in cells and not any("Old Chief" in c for c in cells), cells
    chief = rows_of(said.page("people/old-chief"))
    assert "Leads" not in chief and chief["Led"].startswith("Red Front"), chief


def test_a_status_shows_only_with_a_source_and_its_date(said: Site) -> None:
    assert "Status" not in rows_of(said.page("groups/red-front"))  # no source gives one
    blue = rows_of(said.page("groups/blue-league"))
    assert re.fullmatch(r"Active as of 25 March 2024\d+", blue["Status"]), blue  # beta-news's date
    rows = descendants(find(said.page("groups"), "table")[0], "tr")[1:]
    cells = {row.children[0].text.strip(): [" ".join(c.text.split()) for c in row.children if c.tag == "td"] for row in rows}
    assert "Active (as of 25 March 2024)" in next(v for k, v in cells.items() if k.startswith("Blue League"))
    assert "Active" not in " ".join(next(v for k, v in cells.items() if k.startswith("Red Front")))


def test_an_event_dated_to_a_span_is_never_one_precise_date(said: Site) -> None:
    page = said.page("events/span-raid")
    assert rows_of(page)["Date"].startswith("between August 2021 and March 2024")
    index = said.page("events")
    row = next(r for r in descendants(find(index, "table")[0], "tr") if "Span raid" in r.text)
    assert "between Aug 2021 and Mar 2024" in " ".join(row.text.split()) or "between August 2021 and March 2024" in " ".join(row.text.split())
    assert not [el for el in below(row) if el.tag == "time"], "a span is not a <time> of one date"
    # The timeline draws it as a span of unknown placing, not as a point or a duration.
    timeline = said.page("timeline")
    item = re.search(r'<li class="kb-timeline-item"[^>]*id="event-span-raid"[^>]*>', timeline)
    assert item and 'data-kind="unknown"' in item.group(0), item and item.group(0)
    assert 'data-start="2021-08-01"' in item.group(0) and 'data-stop="2024-03-31"' in item.group(0)
    # JSON-LD and STIX give no start date they cannot give.
    for ld in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S):
        assert "startDate" not in json.loads(ld), ld
    stix = json.loads((said.root / "exports/stix-bundle.json").read_text(encoding="utf-8"))
    (raid,) = [o for o in stix["objects"] if o.get("name") == "Span raid"]
    assert "first_seen" not in raid and "between August 2021 and March 2024" in raid["description"], raid
    table = said.root / "exports/events.csv"
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    raid_row = next(r for r in rows if r["id"] == "span-raid")
    assert (raid_row["earliest"], raid_row["latest"]) == ("2021-08-01", "2024-03-31"), raid_row


def test_compatible_figures_are_not_said_to_agree(said: Site) -> None:
    """The fixture's deaths: at least 137, more than 100 and 120 cannot all be true (120 < 137), so
    they differ; the injuries' values are compared likewise: no caption says "agree" unless equal."""
    page = said.page("events/hall-attack")
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Sources differ" in text
    assert "sources agree" not in text.casefold()


def test_an_end_date_the_sources_reach_is_refused(tmp_path: Path) -> None:
    project = copy_project(tmp_path, FIXTURE_KB)
    path = project / "data/events/hall-attack.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("date: 2024-03-22\n", "date: 2024-03-22\nend_date: 2024-03-25\n"), encoding="utf-8")
    result = generator("validate", cwd=project)
    assert result.code == 1 and "Traceback" not in result.err
    assert re.search(r"data/events/hall-attack\.yaml:\d+:\d+: end_date 2024-03-25 reaches the date of the sources", result.err), result.err


def test_a_free_text_area_is_refused_with_the_vocabulary(tmp_path: Path) -> None:
    project = copy_project(tmp_path, FIXTURE_KB)
    path = project / "data/groups/red-front.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("areas: [Afghanistan]", "areas: [Afghanistan, the hills near Test City]"), encoding="utf-8")
    result = generator("validate", cwd=project)
    assert result.code == 1 and "Traceback" not in result.err
    assert re.search(r"data/groups/red-front\.yaml:6:\d+: .*the hills near Test City", result.err), result.err
    assert "areas_description" in result.err, result.err  # the fix: the sources' own words go there
