"""Plot helpers: what they draw, and the message when matplotlib is missing."""

import math
import sys

import matplotlib
import pytest

import nn
from nn import data, plots

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


HISTORY = {
    "loss": [1.0, 0.5, 0.25],
    "accuracy": [0.5, 0.75, 1.0],
    "test_loss": [1.1, 0.6, 0.4],
    "test_accuracy": [0.4, 0.7, 0.9],
}


def test_plot_history_draws_train_and_test_curves():
    fig = plots.plot_history(HISTORY)
    loss_ax, acc_ax = fig.axes
    assert [list(line.get_ydata()) for line in loss_ax.lines] == [HISTORY["loss"],
                                                                  HISTORY["test_loss"]]  # fmt: skip
    assert [list(line.get_xdata()) for line in acc_ax.lines] == [[1, 2, 3]] * 2
    assert loss_ax.get_yscale() == "log"


def test_plot_history_overlays_runs_on_the_same_axes():
    fig = plots.plot_history({"loss": [1.0, 0.9], "accuracy": [0.1, 0.2]}, label="full batch")
    again = plots.plot_history({"loss": [1.0, 0.5], "accuracy": [0.1, 0.6]}, label="SGD",
                               axes=fig.axes)  # fmt: skip
    assert again is fig
    labels = [line.get_label() for line in fig.axes[0].lines]
    assert labels == ["full batch train", "SGD train"]


def test_plot_history_rejects_a_non_history():
    with pytest.raises(ValueError, match="no 'loss' list"):
        plots.plot_history({"accuracy": [1.0]})


def test_decision_boundary_colours_the_grid_by_predicted_class():
    d = data.moons(30, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    fig = plots.plot_decision_boundary(model, d, loss="hinge", resolution=10, title="moons")
    ax = fig.axes[0]
    assert ax.get_title() == "moons"
    assert len(ax.collections[-1].get_offsets()) == 30  # the data on top of the regions


def test_decision_boundary_needs_2d_data():
    three = data.Dataset([[0.0, 1.0, 2.0]], [0])
    with pytest.raises(ValueError, match="needs 2-D data, got 3 features"):
        plots.plot_decision_boundary(nn.MLP(3, [2], seed=0), three)


def test_first_layer_weights_as_images():
    model = nn.MLP(64, [16, 10], seed=0)
    fig = plots.plot_first_layer(model)
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 16
    first = images[3].get_array()
    assert first.shape == (8, 8)
    assert first[2][5] == model.layers[0].neurons[3].w[2 * 8 + 5].data
    with pytest.raises(ValueError, match="not 8x8"):
        plots.plot_first_layer(nn.MLP(2, [3], seed=0))


def test_missing_matplotlib_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install 'chainrule\[notebooks\]'"):
        plots.plot_history(HISTORY)


def test_gradient_components_are_drawn_sorted_by_size_with_highlights_at_their_rank():
    grads = [0.5, -2.0, 0.0, 0.125, -0.25]
    fig = plots.plot_gradient_components(grads, highlight={"w": -0.25})
    curve, marker = fig.axes[0].lines
    assert list(curve.get_xdata()) == [1, 2, 3, 4, 5]
    assert list(curve.get_ydata())[:4] == [2.0, 0.5, 0.25, 0.125]  # by |size|, largest first
    assert math.isnan(curve.get_ydata()[4])  # 0 has no place on a log scale
    assert (list(marker.get_xdata()), list(marker.get_ydata())) == ([3], [0.25])
    assert marker.get_label() == "w: 0.25 (rank 3)"
    assert fig.axes[0].get_yscale() == "log"


def test_gradient_components_reject_nothing_and_nan():
    with pytest.raises(ValueError, match="no components"):
        plots.plot_gradient_components([])
    with pytest.raises(ValueError, match="nan or inf"):
        plots.plot_gradient_components([1.0, math.nan])


def test_learning_rates_side_by_side_with_the_blow_up_marked():
    curves = {"lr 0.01": [4.0, 3.9, 3.8], "lr 0.5": [4.0, 1.0, 0.25], "lr 3": [4.0, 40.0, math.inf]}
    fig = plots.plot_learning_rates(curves)
    assert [ax.get_title() for ax in fig.axes] == list(curves)
    assert [list(ax.lines[0].get_ydata()) for ax in fig.axes] == [
        [4.0, 3.9, 3.8],
        [4.0, 1.0, 0.25],
        [4.0, 40.0],  # drawn up to the last finite loss
    ]
    assert [len(ax.lines) for ax in fig.axes] == [1, 1, 2]
    cross = fig.axes[2].lines[1]
    assert (list(cross.get_xdata()), list(cross.get_ydata())) == ([1], [40.0])
    assert cross.get_label() == "loss inf at step 2"
    assert all(ax.get_yscale() == "log" for ax in fig.axes)


def test_learning_rates_need_curves():
    with pytest.raises(ValueError, match="nothing to plot"):
        plots.plot_learning_rates({})


def test_learning_rates_draw_a_loss_that_climbs_to_the_float_limit():
    climbing = [10.0 ** (2 * k) for k in range(154)] + [math.inf]  # up to 1e306, then inf
    fig = plots.plot_learning_rates({"lr 3": climbing})
    fig.canvas.draw()  # matplotlib's own margins and log ticks would overflow here (a warning)
    ax = fig.axes[0]
    assert ax.get_ylim() == (1.0, 1e306)
    assert list(ax.get_yticks()) == [1.0, 1e100, 1e200, 1e300]
    assert ax.get_yscale() == "log"
