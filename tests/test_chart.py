"""The series chart (generator/render/chart.py) for any series the data allows: read back from the SVG
it writes, every mark lies inside the plot area, no label covers another, a mark or an axis label,
the value axis holds zero where the values need it, and a line joins only one source's values.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import Site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Page

from generator.model.entities import FigureValue
from generator.render.chart import BOTTOM, HEIGHT, TOP, WIDTH, Box, Point, svg
from generator.render.text import format_number, format_value

SVG = "{http://www.w3.org/2000/svg}"
# An 11 px bold label (khorasan.css): at most 7 px a character, 11 px above its baseline, 3 below.
CHAR, TEXT_HEIGHT, TEXT_DEPTH = 7.0, 11, 3


def value(number: float, as_of: str, source: str = "alpha-report", **more: object) -> FigureValue:
    return FigureValue.model_validate({"value": number, "as_of": as_of, "cite": [source], **more})


def chart(values: list[FigureValue]) -> ET.Element:
    points = [Point(v, format_value(v), f"#fn:{n}", format_value(v)) for n, v in enumerate(values, 1)]
    return ET.fromstring(svg(points, format_number))


def _path_extent(d: str) -> list[tuple[float, float]]:
    """The corners of a path of M, L (absolute), l, h, v (relative) and z: what the chart's shapes use."""
    at, corners = (0.0, 0.0), []
    for command, numbers in re.findall(r"([MLlhvz])([^MLlhvz]*)", d):
        args = [float(n) for n in re.findall(r"-?[0-9.]+", numbers)]
        if command in "ML":
            at = (args[0], args[1])
        elif command == "l":
            at = (at[0] + args[0], at[1] + args[1])
        elif command == "h":
            at = (at[0] + args[0], at[1])
        elif command == "v":
            at = (at[0], at[1] + args[0])
        corners.append(at)
    return corners


def marks(root: ET.Element) -> list[tuple[float, float]]:
    """Every corner of every mark: points, range bars, arrows, lines."""
    found = []
    for point in root.iter(f"{SVG}a"):
        for shape in point:
            a = shape.attrib
            if shape.tag == f"{SVG}circle":
                x, y, r = float(a["cx"]), float(a["cy"]), float(a["r"])
                found += [(x - r, y - r), (x + r, y + r)]
            elif shape.tag == f"{SVG}rect":
                x, y = float(a["x"]), float(a["y"])
                found += [(x, y), (x + float(a["width"]), y + float(a["height"]))]
            elif shape.tag == f"{SVG}path":
                found += _path_extent(a["d"])
    for line in root.iter(f"{SVG}polyline"):
        found += [tuple(map(float, pair.split(","))) for pair in line.attrib["points"].split()]  # type: ignore[misc]
    return found


def plot_area(root: ET.Element) -> Box:
    """Between the margins the axes' labels take: the value axis's grid lines start at its left edge."""
    grid = next(line.attrib for line in root.iter(f"{SVG}line") if line.attrib["y1"] == line.attrib["y2"])
    return Box(float(grid["x1"]), TOP, float(grid["x2"]), HEIGHT - BOTTOM)


def text_box(text: ET.Element) -> Box:
    x, y, width = float(text.attrib["x"]), float(text.attrib["y"]), len(text.text or "") * CHAR
    anchor = text.attrib["text-anchor"]
    left = x - width / 2 if anchor == "middle" else x if anchor == "start" else x - width
    return Box(left, y - TEXT_HEIGHT, left + width, y + TEXT_DEPTH)


def labels(root: ET.Element, kind: str) -> list[ET.Element]:
    return [t for t in root.iter(f"{SVG}text") if t.attrib["class"] == kind]


def ticks(root: ET.Element) -> list[str]:
    return [t.text or "" for t in labels(root, "kb-chart-axis") if t.attrib["text-anchor"] == "end"]


def check_drawing(root: ET.Element) -> None:
    plot = plot_area(root)
    for x, y in marks(root):
        assert plot.left <= x <= plot.right and plot.top <= y <= plot.bottom, (x, y, plot)
    axis = [text_box(t) for t in labels(root, "kb-chart-axis")]
    placed = [text_box(t) for t in labels(root, "kb-chart-label")]
    for number, box in enumerate(placed):
        assert 0 <= box.left and box.right <= WIDTH and 0 <= box.top and box.bottom <= HEIGHT
        assert not any(box.overlaps(other) for other in axis), "a label over an axis label"
        assert not any(box.overlaps(other) for other in placed[number + 1 :]), "a label over another"


def test_the_border_fighters_range_is_not_drawn_over_the_axis() -> None:
    """The real site's chart: "2,500–3,500" was drawn over the axis label "4,000"."""
    root = chart([value(2500, "2019-02", max=3500), value(4000, "2023-02", qualifier="about")])
    check_drawing(root)
    assert [t.text for t in labels(root, "kb-chart-label")] == ["2,500–3,500", "about 4,000"]


def test_the_axis_holds_zero_where_the_values_need_it() -> None:
    assert ticks(chart([value(100, "2020"), value(6000, "2022")]))[0] == "0"
    assert "0" not in ticks(chart([value(10_000, "2020"), value(11_000, "2022")]))
    mixed = ticks(chart([value(-5, "2020"), value(10, "2022")]))
    assert mixed[0].startswith("-") and "0" in mixed
    assert ticks(chart([value(-100, "2020"), value(-6000, "2022")]))[-1] == "0"
    assert ticks(chart([value(5, "2020"), value(5, "2022")])) == ["0", "2", "4", "6"]
    assert ticks(chart([value(0, "2020"), value(0, "2022")]))[0] == "0"


def test_a_line_joins_only_the_values_of_one_source() -> None:
    apart = chart([value(1, "2020", "alpha-report"), value(2, "2021", "beta-news"), value(3, "2022", "alpha-report")])
    (line,) = apart.iter(f"{SVG}polyline")
    assert len(line.attrib["points"].split()) == 2, "only alpha-report's two values"
    assert not list(chart([value(1, "2020", "alpha-report"), value(2, "2021", "beta-news")]).iter(f"{SVG}polyline"))


def test_a_line_joins_only_the_values_of_one_estimator() -> None:
    """The border fighters chart: DefenceReport gives an estimate of unstated origin (2019) and the
    CSTO's (2023); one source quoting two estimators is two readings, not a series."""
    apart = chart([value(2500, "2019-02", max=3500), value(4000, "2023-02", qualifier="about", by="Anatoly Sidorov, CSTO Joint Staff")])
    assert not list(apart.iter(f"{SVG}polyline"))
    same = chart([value(1, "2020", by="the UN"), value(2, "2021", by="the UN")])
    assert len(list(same.iter(f"{SVG}polyline"))) == 1


def test_one_point_and_points_on_one_date_are_drawn() -> None:
    check_drawing(chart([value(7, "2020")]))
    crowded = chart([value(n, "2020-05") for n in range(1, 9)])
    check_drawing(crowded)
    assert len(list(crowded.iter(f"{SVG}a"))) == 8


_DATES = st.builds(
    lambda y, m, d: f"{y}" if m == 0 else f"{y}-{m:02d}" if d == 0 else f"{y}-{m:02d}-{d:02d}",
    st.integers(1000, 9999),
    st.integers(0, 12),
    st.integers(0, 28),
)
_NUMBERS = st.one_of(st.integers(-(10**15) + 1, 10**15 - 1).map(float), st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: round(f, 3)))


@st.composite
def _values(draw: st.DrawFn) -> FigureValue:
    low = draw(_NUMBERS)
    span = draw(st.none() | st.floats(0.001, 1e6))
    return value(
        low,
        draw(_DATES),
        draw(st.sampled_from(["alpha-report", "beta-news"])),
        max=None if span is None else round(low + span, 3) if round(low + span, 3) > low else None,
        qualifier=draw(st.sampled_from(["exact", "about", "at-least", "more-than", "at-most", "fewer-than", "nearly"])),
        category=draw(st.sampled_from([None, "Afghans", "others"])),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_values(), min_size=1, max_size=8))
def test_any_series_is_drawn_inside_its_area_without_overlaps(values: list[FigureValue]) -> None:
    check_drawing(chart(values))


def test_the_real_sites_charts_are_drawn_without_overlaps(site: Site) -> None:
    html = site.page("groups/isis-k")
    drawn = re.findall(r'<svg class="kb-chart-svg".*?</svg>', html)
    assert len(drawn) >= 2
    for one in drawn:
        root = ET.fromstring(one)
        check_drawing(root)
        assert len(labels(root, "kb-chart-label")) == len(list(root.iter(f"{SVG}a"))), "every value labelled"


# Every text of a chart as Chromium lays it out in the page's own font: its class and its box, in
# the chart's own units (getBBox: the viewBox's, whatever the width the page gives the chart).
DRAWN_TEXT = """svg => [...svg.querySelectorAll('text')].map(t => {
    const b = t.getBBox();
    return {kind: t.getAttribute('class'), text: t.textContent, box: [b.x, b.y, b.x + b.width, b.y + b.height]};
})"""


@pytest.mark.parametrize("width", [390, 1280])
def test_the_real_sites_labels_overlap_nothing_as_chromium_draws_them(page: Page, real: str, site: Site, width: int) -> None:
    """Issue 26, section 3: "2,500–3,500" was drawn over the axis label "4,000" on the border
    fighters chart. The chart places its labels by an estimate of their width (CHAR): here they are
    measured as drawn, on every page with a chart, at a phone's width and a desktop's."""
    with_charts = sorted(p.parent.relative_to(site.root).as_posix() for p in site.root.rglob("index.html") if "kb-chart-svg" in p.read_text(encoding="utf-8"))
    assert "groups/isis-k" in with_charts  # the border fighters chart is its
    page.set_viewport_size({"width": width, "height": 900})
    drawn = 0
    for url in with_charts:
        page.goto(real + url + "/")
        for chart_svg in page.locator("svg.kb-chart-svg").all():
            texts = [(t["text"], Box(*t["box"])) for t in chart_svg.evaluate(DRAWN_TEXT) if t["kind"] == "kb-chart-label"]
            axis = [(t["text"], Box(*t["box"])) for t in chart_svg.evaluate(DRAWN_TEXT) if t["kind"] == "kb-chart-axis"]
            for number, (text, box) in enumerate(texts):
                assert box.inside(Box(0, 0, WIDTH, HEIGHT)), (url, text, box)
                over = [other for other, other_box in axis + texts[number + 1 :] if box.overlaps(other_box)]
                assert not over, f"{url}: {text!r} is drawn over {over}"
                drawn += 1
    assert drawn >= 4


def test_a_chart_that_cannot_be_drawn_names_the_data_file_not_a_template(fixture_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The chart draws any series the model allows (above); were one ever to fail, the problem is the
    figure's, at its profile's file, as `generator render` reports it."""
    from conftest import generator_here

    from generator.render import chart as chart_module

    def broken(*_: object) -> str:
        raise ValueError("math domain error")

    monkeypatch.setattr(chart_module, "svg", broken)
    result = generator_here("render", "--out", str(fixture_project / "out"), cwd=fixture_project)
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.splitlines()[0] == (
        "data/groups/red-front.yaml:1:5: figure 'strength': its chart cannot be drawn (ValueError: math domain error); check its values"
    )
    assert ".j2" not in result.err
