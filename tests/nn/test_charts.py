"""nn.charts: SVG that parses, says what it should (ticks, labels, legends, colorbars), puts
numbers where they belong, escapes user text, never shrinks text below 10 px, saves atomically."""

from __future__ import annotations

import itertools
import math
import os
import random
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given

from autograd.testing import reals
from nn import charts
from nn.charts.svg import text
from nn.charts.ticks import Scale
from tests.nn.svg_reading import SVG, by_class, number, parse, pixels, polylines, reader, texts

HOSTILE = "<script>alert('x')</script> & \"quotes\""


def every_kind() -> list[charts.Chart]:
    """One chart of each kind, with every option that adds text."""
    line = charts.line_chart(
        {"train": [3.0, 2.0, 1.0], "test": [3.1, 2.5, 2.0]},
        x=[1, 2, 3],
        title="t",
        xlabel="epoch",
        ylabel="loss",
        log_y=True,
        references={"base": 2.2},
        points={"now": (2, 2.0)},
        markers=True,
    )
    bars = charts.bar_chart({"a": [1, 2], "b": [2, 1]}, labels=["x", "y"], ylabel="n")
    hist = charts.histogram([0.1, 0.2, 0.9], bins=5, low=0, high=1, xlabel="p")
    dots = charts.scatter([0, 1, 2], [1, 0, 1], [0, 1, 1], names=["no", "yes"])
    heat = charts.heatmap(
        [[0, 1], [None, 0.5]],
        x_labels=["a", "b"],
        y_labels=["c", "d"],
        colorbar="weight",
        title="h",
    )
    images = charts.image_grid(
        [[0.0] * 4, [1.0] * 4],
        shape=(2, 2),
        captions=["0", "1"],
        colormap="diverging",
        colorbar="w",
    )
    return [line, bars, hist, dots, heat, images, charts.grid([line, heat], title="both")]


@pytest.mark.parametrize("chart", every_kind(), ids=lambda c: type(c).__name__)
def test_every_chart_is_svg_with_no_text_below_10_px(chart):
    root = parse(chart)
    found = texts(root)
    assert found and all(t.size >= 10 for t in found)
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert root.find(f"{SVG}title") is not None  # what a screen reader announces


def test_text_refuses_to_be_drawn_below_10_px():
    with pytest.raises(ValueError, match=r"below the 10\.0 px minimum"):
        text(0, 0, "tiny", size=9)


def test_user_text_is_escaped_everywhere():
    chart = charts.line_chart(
        {HOSTILE: [1, 2]},
        title=HOSTILE,
        xlabel=HOSTILE,
        ylabel=HOSTILE,
        references={HOSTILE: 1.5},
        points={HOSTILE: (0, 1)},
    )
    heat = charts.heatmap([[1]], x_labels=[HOSTILE], y_labels=[HOSTILE], colorbar=HOSTILE)
    images = charts.image_grid([[[0.0]]], captions=[HOSTILE], title=HOSTILE)
    for c in (chart, heat, images, charts.grid([chart], title=HOSTILE)):
        assert "<script" not in c.svg
        root = parse(c)
        assert not [el for el in root.iter() if el.tag.endswith("script")]
        shown = [t.text for t in texts(root)]
        assert HOSTILE in shown  # drawn as the very text given
    assert root.find(f"{SVG}title").text == HOSTILE


def test_a_value_sits_at_the_height_of_its_tick_label():
    root = parse(charts.line_chart([1.0, 2.0, 3.0, 4.0]))
    ticks = {number(t.text): t.y for t in texts(root, "tick-y")}
    (points,) = polylines(root)
    for value, (_, y) in zip([1.0, 2.0, 3.0, 4.0], points):
        assert y == pytest.approx(ticks[value], abs=0.01)
    xs = {number(t.text): t.x for t in texts(root, "tick-x")}
    assert [x for x, _ in points] == pytest.approx([xs[0], xs[1], xs[2], xs[3]], abs=0.01)


def test_on_a_log_axis_decades_are_evenly_spaced_and_values_sit_on_them():
    root = parse(charts.line_chart([1.0, 10.0, 100.0, 1000.0], log_y=True))
    ticks = {number(t.text): t.y for t in texts(root, "tick-y")}
    (points,) = polylines(root)
    assert [y for _, y in points] == pytest.approx([ticks[10.0**k] for k in range(4)], abs=0.01)
    gaps = [ticks[10.0**k] - ticks[10.0 ** (k + 1)] for k in range(3)]
    assert gaps == pytest.approx([gaps[0]] * 3, abs=0.02)  # coordinates have 2 decimals


def test_a_log_axis_over_less_than_a_decade_has_plain_round_ticks():
    root = parse(charts.line_chart([2.2, 2.7, 3.3], log_y=True))
    labels = [t.text for t in texts(root, "tick-y")]
    values = [number(s) for s in labels]
    assert len(values) >= 3 and all("10" not in s for s in labels)  # no "3 x 10^0"
    assert min(values) <= 2.2 and max(values) >= 3.3
    steps = {round(b - a, 9) for a, b in itertools.pairwise(values)}
    assert len(steps) == 1  # evenly stepped round numbers
    assert steps.pop() in (0.1, 0.2, 0.25, 0.5)


@given(low=reals(-300, 300), span=reals(0.0, 8.0))
def test_log_ticks_are_increasing_round_numbers_covering_the_data(low, span):
    scale = Scale.fit([10.0**low, 10.0 ** min(low + span, 307)], log=True)
    labels = [t.label for t in scale.ticks]
    values = [math.log10(number(s)) for s in labels]
    assert len(labels) >= 2 and len(set(labels)) == len(labels)
    assert values == sorted(values)
    assert values == pytest.approx([t.at for t in scale.ticks], abs=1e-6)
    assert scale.low <= low + 1e-9 and scale.high >= min(low + span, 307) - 1e-9


@given(a=reals(-1e6, 1e6), b=reals(-1e6, 1e6))
def test_linear_ticks_are_evenly_spaced_labels_of_their_values(a, b):
    scale = Scale.fit([a, b])
    values = [number(t.label) for t in scale.ticks]
    assert 2 <= len(values) <= 12
    assert values == pytest.approx([t.at for t in scale.ticks], rel=1e-6, abs=1e-9)
    fuzz = 1e-6 * (scale.high - scale.low)  # (a pixel's millionth: float rounding)
    assert scale.low <= min(a, b) + fuzz and scale.high >= max(a, b) - fuzz


def test_series_legend_and_references():
    chart = charts.line_chart({"a": [1, 2], "b": [2, 3], "c": [3, 1]}, references={"r": 2.5})
    root = parse(chart)
    assert len(polylines(root)) == 3
    assert [t.text for t in texts(root, "legend")] == ["a", "b", "c", "r"]
    (ref,) = by_class(root, "hline")
    assert ref.get("stroke-dasharray")  # dotted, unlike the series


def test_a_line_breaks_where_a_log_axis_cannot_show_a_value():
    root = parse(charts.line_chart([1.0, 2.0, 0.0, 3.0, math.nan, 4.0, 5.0], log_y=True))
    assert [len(p) for p in polylines(root)] == [2, 2]  # 3.0 stands alone, drawn as a dot


def test_bars_start_at_zero_and_reach_their_value():
    root = parse(
        charts.bar_chart([1.0, 3.0], labels=["one", "three"], colors=["#000000", "#ff0000"])
    )
    ticks = {number(t.text): t.y for t in texts(root, "tick-y")}
    bars = by_class(root, "bars")[0]
    tops = [float(r.get("y")) for r in bars]
    bottoms = [float(r.get("y")) + float(r.get("height")) for r in bars]
    assert tops == pytest.approx([ticks[1.0], ticks[3.0]], abs=0.01)
    assert bottoms == pytest.approx([ticks[0.0]] * 2, abs=0.01)
    assert [r.get("fill") for r in bars] == ["#000000", "#ff0000"]
    assert [t.text for t in texts(root, "tick-x")] == ["one", "three"]


def test_histogram_densities_integrate_to_one():
    chart = charts.histogram({"a": [0.05, 0.15, 0.15, 0.95]}, bins=10, low=0, high=1, density=True)
    heights = chart.layers[0].heights
    assert sum(h * 0.1 for h in heights) == pytest.approx(1.0)
    assert heights[1] == pytest.approx(5.0)  # two of four values in a bin of width 0.1


def test_heatmap_blank_cells_and_colorbar():
    root = parse(
        charts.heatmap(
            [[0.0, None], [0.5, 1.0]], x_labels=["a", "b"], y_labels=["a", "b"], colorbar="weight"
        )
    )
    (cells,) = by_class(root, "cells")
    assert sorted(pixels(cells)) == [(0, 0), (1, 0), (1, 1)]  # the None cell is left blank
    assert "weight" in [t.text for t in texts(root)]
    bar_ticks = [number(t.text) for t in texts(root, "tick-c")]
    assert bar_ticks[0] == 0.0 and bar_ticks[-1] == 1.0
    y_labels = texts(root, "tick-y")
    assert y_labels[0].y < y_labels[1].y  # row 0 on top, as in a matrix


def test_classes_draw_straight_borders_and_a_legend():
    panel = charts.Panel().classes([[0, 0, 1], [0, 1, 1]], names=["left", "right"])
    root = parse(panel)
    (border,) = by_class(root, "boundary")
    assert set(border.get("d")) <= set("MVH0123456789. ")  # only straight moves
    assert [t.text for t in texts(root, "legend")] == ["left", "right"]


def test_image_grid_captions_and_pixels():
    chart = charts.image_grid([[0, 1, 1, 0], [1, 0, 0, 1]], shape=(2, 2), captions=["a", "b"])
    root = parse(chart)
    assert [t.text for t in texts(root)] == ["a", "b"]
    first = pixels(by_class(root, "image")[0])
    assert first == {(0, 0): "#ffffff", (0, 1): "#000000", (1, 0): "#000000", (1, 1): "#ffffff"}
    with pytest.raises(ValueError, match="image 1 has 3 pixels, not 2x2"):
        charts.image_grid([[0, 1, 1, 0], [1, 0, 0]], shape=(2, 2))


def test_grid_places_charts_side_by_side():
    a, b = charts.line_chart([1, 2], width=300), charts.line_chart([1, 2], width=200)
    g = charts.grid([a, b, a], columns=2, title="g")
    root = parse(g)
    places = [el.get("transform") for el in root if el.tag == f"{SVG}g"]
    (title,) = texts(root, "title")
    top = float(places[0].split()[1].rstrip(")"))
    assert title.text == "g" and 0 < title.y < top
    assert places == [
        f"translate(0 {top:g})",
        f"translate(312 {top:g})",
        f"translate(0 {top + 312:g})",
    ]
    assert (g.width, g.height) == (300 + 12 + 200, top + 300 + 12 + 300)
    with pytest.raises(ValueError, match="columns must be a positive int"):
        charts.grid([a], columns=0)


def test_a_long_title_wraps_inside_the_chart():
    title = "a title far too long for a chart only two hundred pixels wide"
    root = parse(charts.line_chart([1, 2], title=title, width=200))
    lines = texts(root, "title")
    assert len(lines) > 1 and " ".join(t.text for t in lines) == title
    assert all(0.6 * 14 * len(t.text) <= 200 - 12 for t in lines)
    assert max(t.y for t in lines) < min(t.y for t in texts(root, "tick-y"))


def test_bad_input_names_what_is_wrong():
    with pytest.raises(ValueError, match="unknown dash 'wavy'"):
        charts.Panel().line([1], dash="wavy")
    with pytest.raises(ValueError, match="unknown colour map 'jet'"):
        charts.heatmap([[1]], colormap="jet")
    with pytest.raises(ValueError, match="2 x values but 3"):
        charts.line_chart([1, 2, 3], x=[1, 2])
    crowded = charts.line_chart({f"run {i}": [1] for i in range(9)}, width=130, height=100)
    with pytest.raises(ValueError, match="too small for its labels and legend"):
        _ = crowded.svg


def test_a_long_legend_goes_under_a_narrow_panel():
    root = parse(charts.line_chart({"a rather long name for a run": [1, 2]}, width=240))
    (name,) = texts(root, "legend")
    lowest_tick = max(t.y for t in texts(root, "tick-y"))
    assert name.y > lowest_tick and name.x + 0.6 * 11 * len(name.text) <= 240


def test_save_writes_the_svg_atomically(tmp_path):
    chart = charts.line_chart([1, 2])
    chart.save(tmp_path / "c.svg")
    assert (tmp_path / "c.svg").read_text() == chart.svg + "\n"
    with pytest.raises(ValueError, match=r"ending in \.svg"):
        chart.save(tmp_path / "c.png")
    assert sorted(os.listdir(tmp_path)) == ["c.svg"]


def test_notebooks_show_the_chart_inline():
    chart = charts.line_chart([1, 2])
    assert chart._repr_svg_() == chart.svg
    inline = ET.fromstring(chart._repr_html_())  # the same SVG, shrinking to a narrow notebook
    assert inline.get("style") == "max-width:100%;height:auto"
    del inline.attrib["style"]
    assert ET.tostring(inline) == ET.tostring(parse(chart))
    assert 'fill="currentColor"' in chart.svg  # text follows the page's colour
    assert "prefers-color-scheme: dark" in chart.svg  # and a saved file follows the OS's


def test_a_symlog_axis_shows_both_signs_and_zero_in_order():
    w = [0.5, -2.0, 8.0, -30.0, 120.0, -500.0, 2000.0]
    root = parse(charts.line_chart(w, symlog_y=10))
    ticks = [(number(t.text), t.y) for t in texts(root, "tick-y")]
    values = [v for v, _ in ticks]
    assert 0.0 in values and min(values) == -100 and max(values) == 1000
    assert [y for _, y in ticks] == sorted((y for _, y in ticks), reverse=True)  # up = larger
    (points,) = polylines(root)
    at = dict(ticks)
    assert points[0][1] < at[0.0] < points[1][1]  # 0.5 above the 0 tick, -2 below it
    assert points[6][1] < at[1000.0] and points[5][1] > at[-100.0]
    with pytest.raises(ValueError, match="threshold must be a positive number"):
        _ = charts.line_chart([1], symlog_y=0).svg


def test_tick_labels_never_overlap():
    for chart in (
        charts.line_chart([-12.0, 3000.0], symlog_y=10, height=140),
        charts.line_chart([1, 2], x=[0, 123456789], width=200),
    ):
        root = parse(chart)
        ys = sorted(t.y for t in texts(root, "tick-y"))
        assert all(b - a >= 11 for a, b in itertools.pairwise(ys))
        xs = texts(root, "tick-x")
        for a, b in itertools.pairwise(xs):
            assert b.x - a.x >= 0.6 * 11 * (len(a.text) + len(b.text)) / 2


def test_scatter_colours_points_by_class_with_a_legend():
    root = parse(charts.scatter([0, 1, 2, 3], [0, 1, 0, 1], [0, 1, 1, 0], names=["a", "b"]))
    groups = by_class(root, "points")
    assert [len(g) for g in groups] == [2, 2]
    assert [t.text for t in texts(root, "legend")] == ["a", "b"]
    assert len({g[0].get("fill") for g in groups}) == 2
    plain = parse(charts.scatter([0, 1], [1, 0]))
    assert texts(plain, "legend") == [] and len(by_class(plain, "points")[0]) == 2
    with pytest.raises(ValueError, match="2 classes but 1 names"):
        charts.scatter([0, 1], [0, 1], [0, 1], names=["a"])
    with pytest.raises(ValueError, match="2 columns but 3 x_labels"):
        charts.heatmap([[1, 2]], x_labels=["a", "b", "c"])


def test_a_long_noisy_line_is_thinned_to_the_same_picture():
    rng = random.Random(0)
    ys = [rng.gauss(0.0, 1.0) for _ in range(20000)]
    ys[12345] = 9.0  # one spike must survive the thinning
    root = parse(charts.line_chart(ys))
    (points,) = polylines(root)
    assert len(points) <= 4 * 460  # at most 4 points per px column
    read_y = reader(root)
    assert max(read_y(y) for _, y in points) == pytest.approx(9.0, abs=0.01)
    assert min(read_y(y) for _, y in points) == pytest.approx(min(ys), abs=0.01)
    assert [x for x, _ in points] == sorted(x for x, _ in points)


def test_contours_of_a_cone_are_circles_of_the_level_radius():
    grid = [-2 + 0.1 * i for i in range(41)]
    cone = [[math.hypot(x, y) for x in grid] for y in grid]
    panel = charts.Panel(width=400, height=400).contours(cone, xs=grid, ys=grid, levels=[1.0])
    root = parse(panel)
    (path,) = by_class(root, "contours")
    read_x, read_y = reader(root, "x"), reader(root)
    ends = [
        tuple(map(float, p.split())) for p in re.findall(r"[ML]([-\d.]+ [-\d.]+)", path.get("d"))
    ]
    radii = [math.hypot(read_x(x), read_y(y)) for x, y in ends]
    assert len(radii) > 50 and all(abs(r - 1.0) < 0.02 for r in radii)
    saddle = charts.Panel().contours([[1, 0], [0, 1]], levels=[0.5])  # two crossing diagonals
    assert by_class(parse(saddle), "contours")[0].get("d").count("M") == 2


def test_the_text_a_notebook_stores_beside_the_picture_is_short():
    big = charts.heatmap([[float(i * j) for i in range(80)] for j in range(80)], title="big")
    assert repr(big) == "<Panel 'big', 420 x 340 px>"
    assert repr(charts.grid([big, big])) == f"<Grid, {2 * 420 + 12:g} x 340 px>"
