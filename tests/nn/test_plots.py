"""nn.plots: each picture of training as an SVG chart, read back as a person would (labels,
legends, where the values sit), with no plotting library."""

import math
import sys

import pytest

import nn
from nn import data, plots
from tests.nn.svg_reading import SVG, by_class, parse, pixels, polylines, reader, texts

HISTORY = {
    "loss": [1.0, 0.5, 0.25],
    "accuracy": [0.5, 0.75, 1.0],
    "test_loss": [1.1, 0.6, 0.4],
    "test_accuracy": [0.4, 0.7, 0.9],
}


def test_plot_history_draws_train_and_test_curves_where_their_values_are():
    chart = plots.plot_history(HISTORY)
    loss, acc = chart.charts
    assert (loss.title, acc.title, loss.log_y, acc.log_y) == ("loss", "accuracy", True, False)
    root = parse(loss)
    read_y, read_x = reader(root, log=True), reader(root, "x")
    train, test = polylines(root)
    assert [read_y(y) for _, y in train] == pytest.approx(HISTORY["loss"], rel=1e-3)
    assert [read_y(y) for _, y in test] == pytest.approx(HISTORY["test_loss"], rel=1e-3)
    assert [read_x(x) for x, _ in train] == pytest.approx([1, 2, 3], abs=1e-2)
    assert [t.text for t in texts(root, "legend")] == ["train", "test"]
    assert [el.get("stroke-dasharray") for el in root.iter(f"{SVG}polyline")][1]  # test dashed
    assert {t.text for t in texts(parse(acc))} >= {"epoch", "accuracy", "0.0", "1.0"}


def test_plot_history_overlays_runs_given_as_a_dict():
    runs = {
        "full batch": {"loss": [1.0, 0.9], "accuracy": [0.1, 0.2]},
        "SGD": {"loss": [1.0, 0.5], "accuracy": [0.1, 0.6]},
    }
    loss, _ = plots.plot_history(runs).charts
    root = parse(loss)
    assert [t.text for t in texts(root, "legend")] == ["full batch train", "SGD train"]
    colors = [el.get("stroke") for el in root.iter(f"{SVG}polyline")]
    assert len(set(colors)) == 2
    labelled = plots.plot_history(runs["SGD"], label="SGD").charts[0]
    assert [t.text for t in texts(parse(labelled), "legend")] == ["SGD train"]


def test_plot_history_rejects_a_non_history():
    with pytest.raises(ValueError, match="no 'loss' list"):
        plots.plot_history({"accuracy": [1.0]})
    with pytest.raises(ValueError, match="no 'accuracy' list"):
        plots.plot_history({"a": {"loss": [1.0]}})


def test_decision_boundary_colours_the_grid_by_predicted_class_with_the_data_on_top():
    d = data.moons(30, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    chart = plots.plot_decision_boundary(model, d, loss="hinge", resolution=10, title="moons")
    root = parse(chart)
    shown = [t.text for t in texts(root)]
    assert {"moons", "feature 0", "feature 1", "class 0", "class 1"} <= set(shown)
    dots = [m for g in by_class(root, "points") for m in g]
    assert len(dots) == 30
    read_x, read_y = reader(root, "x"), reader(root)
    (x0, y0), label0 = d.xs[0], d.ys[0]
    first_class = by_class(root, "points")[label0]
    assert any(
        math.isclose(read_x(float(c.get("cx"))), x0, abs_tol=0.01)
        and math.isclose(read_y(float(c.get("cy"))), y0, abs_tol=0.01)
        for c in first_class
    )


def test_decision_boundary_names_classes_and_needs_2d_data():
    d = data.xor()
    chart = plots.plot_decision_boundary(nn.MLP(2, [3, 1], seed=1), d, loss="hinge",
                                         resolution=6, names=["off", "on"])  # fmt: skip
    assert [t.text for t in texts(parse(chart), "legend")] == ["off", "on"]
    three = data.Dataset([[0.0, 1.0, 2.0]], [0])
    with pytest.raises(ValueError, match="needs 2-D data, got 3 features"):
        plots.plot_decision_boundary(nn.MLP(3, [2], seed=0), three)


def test_first_layer_weights_as_images_with_a_symmetric_colorbar():
    model = nn.MLP(64, [16, 10], seed=0)
    chart = plots.plot_first_layer(model)
    root = parse(chart)
    assert len(by_class(root, "image")) == 16
    assert [t.text for t in texts(root) if t.text.startswith("neuron")][3] == "neuron 3"
    assert chart.images[3][2][5] == model.layers[0].neurons[3].w[2 * 8 + 5].data
    for r, c in ((2, 5), (0, 0), (7, 3)):
        weight = model.layers[0].neurons[3].w[r * 8 + c].data
        fill = pixels(by_class(root, "image")[3])[r, c]
        red, blue = int(fill[1:3], 16), int(fill[5:7], 16)
        assert (red > blue) == (weight > 0), (weight, fill)  # red positive, blue negative
    assert chart.low == -chart.high  # white is 0: blue negative, red positive
    assert "weight" in [t.text for t in texts(root)]
    with pytest.raises(ValueError, match="not 8x8"):
        plots.plot_first_layer(nn.MLP(2, [3], seed=0))


def test_plots_need_no_plotting_library(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "numpy", None)
    assert parse(plots.plot_history(HISTORY)) is not None


def test_gradient_components_sorted_by_size_with_highlights_at_their_rank():
    grads = [0.5, -2.0, 0.0, 0.125, -0.25]
    chart = plots.plot_gradient_components(grads, highlight={"w": -0.25})
    root = parse(chart)
    read_x, read_y = reader(root, "x", log=True), reader(root, log=True)
    (curve,) = polylines(root)
    assert [read_x(x) for x, _ in curve] == pytest.approx([1, 2, 3, 4], rel=1e-3)  # 0 left out
    assert [read_y(y) for _, y in curve] == pytest.approx([2.0, 0.5, 0.25, 0.125], rel=1e-3)
    (mark,) = [m for g in by_class(root, "points") for m in g]
    assert read_x(float(mark.get("cx"))) == pytest.approx(3, rel=1e-3)
    assert read_y(float(mark.get("cy"))) == pytest.approx(0.25, rel=1e-3)
    assert "w: 0.25 (rank 3)" in [t.text for t in texts(root, "legend")]


def test_gradient_components_reject_nothing_and_nan():
    with pytest.raises(ValueError, match="no components"):
        plots.plot_gradient_components([])
    with pytest.raises(ValueError, match="nan or inf"):
        plots.plot_gradient_components([1.0, math.nan])


def test_learning_rates_side_by_side_with_the_blow_up_marked():
    curves = {"lr 0.01": [4.0, 3.9, 3.8], "lr 0.5": [4.0, 1.0, 0.25], "lr 3": [4.0, 40.0, math.inf]}
    chart = plots.plot_learning_rates(curves)
    assert [p.title for p in chart.charts] == list(curves)
    assert all(p.log_y for p in chart.charts)
    root = parse(chart.charts[2])
    (line,) = polylines(root)
    read_y = reader(root, log=True)
    assert [read_y(y) for _, y in line] == pytest.approx([4.0, 40.0], rel=1e-3)  # up to inf
    (cross,) = [m for g in by_class(root, "points") for m in g]
    assert cross.tag == f"{SVG}path"  # an x
    assert "loss inf at step 2" in [t.text for t in texts(root, "legend")]


def test_learning_rates_need_curves():
    with pytest.raises(ValueError, match="nothing to plot"):
        plots.plot_learning_rates({})


def test_learning_rates_draw_a_loss_that_climbs_to_the_float_limit():
    climbing = [10.0 ** (2 * k) for k in range(154)] + [math.inf]  # up to 1e306, then inf
    panel = plots.plot_learning_rates({"lr 3": climbing}).charts[0]
    labels = [t.text for t in texts(parse(panel), "tick-y")]
    assert labels == ["1", "10¹⁰⁰", "10²⁰⁰", "10³⁰⁰"]
