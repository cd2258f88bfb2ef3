"""nn.plots for recurrent nets: gradient norms per time step and loss curves."""

from __future__ import annotations

import math

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from nn.plots import plot_grad_norms, plot_loss_curves


def test_grad_norms_one_line_per_run_on_a_log_scale_zeros_left_out():
    fig = plot_grad_norms({"tanh": [1e-6, 1e-3, 1.0], "truncated": [0.0, 0.5, 1.0]})
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["tanh", "truncated"]
    assert list(lines[0].get_xdata()) == [0, 1, 2]
    assert list(lines[0].get_ydata()) == [1e-6, 1e-3, 1.0]
    assert math.isnan(lines[1].get_ydata()[0])
    plt.close(fig)


def test_grad_norms_of_one_run_and_bad_input():
    fig = plot_grad_norms([0.1, 0.2])
    assert len(fig.axes[0].get_lines()) == 1 and fig.axes[0].get_legend() is None
    plt.close(fig)
    with pytest.raises(ValueError, match="nothing to plot"):
        plot_grad_norms([])


def test_loss_curves_smooth_over_a_window_and_draw_references():
    fig = plot_loss_curves({"a": [4.0, 2.0, 6.0, 0.0]}, smooth=2, references={"baseline": 3.0})
    ax = fig.axes[0]
    line = ax.get_lines()[0]
    assert list(line.get_xdata()) == [2, 3, 4]
    assert list(line.get_ydata()) == [3.0, 4.0, 3.0]
    reference = ax.get_lines()[1]
    assert list(reference.get_ydata()) == [3.0, 3.0] and reference.get_label() == "baseline (3)"
    plt.close(fig)
    with pytest.raises(ValueError, match="smooth"):
        plot_loss_curves([1.0], smooth=0)
