"""nn.plots for recurrent nets: gradient norms per time step and loss curves, as SVG."""

from __future__ import annotations

import pytest

from nn.plots import plot_grad_norms, plot_loss_curves
from tests.nn.svg_reading import by_class, parse, polylines, reader, texts


def test_grad_norms_one_line_per_run_on_a_log_scale_zeros_left_out():
    chart = plot_grad_norms({"tanh": [1e-6, 1e-3, 1.0], "truncated": [0.0, 0.5, 1.0]})
    root = parse(chart)
    assert chart.log_y and [t.text for t in texts(root, "legend")] == ["tanh", "truncated"]
    tanh, truncated = polylines(root)
    read_x, read_y = reader(root, "x"), reader(root, log=True)
    assert [read_x(x) for x, _ in tanh] == pytest.approx([0, 1, 2], abs=1e-2)
    assert [read_y(y) for _, y in tanh] == pytest.approx([1e-6, 1e-3, 1.0], rel=1e-3)
    assert [read_x(x) for x, _ in truncated] == pytest.approx([1, 2], abs=1e-2)  # no step 0
    assert {"time step t", "||dLoss/dh_t||", "gradient norm per step"} <= {
        t.text for t in texts(root)
    }


def test_grad_norms_of_one_run_and_bad_input():
    root = parse(plot_grad_norms([0.1, 0.2]))
    assert len(polylines(root)) == 1 and texts(root, "legend") == []
    with pytest.raises(ValueError, match="nothing to plot"):
        plot_grad_norms([])


def test_loss_curves_smooth_over_a_window_and_draw_references():
    chart = plot_loss_curves({"a": [4.0, 2.0, 6.0, 0.0]}, smooth=2, references={"baseline": 3.0})
    root = parse(chart)
    (line,) = polylines(root)
    read_x, read_y = reader(root, "x"), reader(root, log=True)
    assert [read_x(x) for x, _ in line] == pytest.approx([2, 3, 4], abs=1e-2)
    assert [read_y(y) for _, y in line] == pytest.approx([3.0, 4.0, 3.0], rel=1e-3)
    (reference,) = by_class(root, "hline")
    assert read_y(float(reference.get("y1"))) == pytest.approx(3.0, rel=1e-3)
    assert [t.text for t in texts(root, "legend")] == ["a", "baseline (3)"]
    with pytest.raises(ValueError, match="smooth"):
        plot_loss_curves([1.0], smooth=0)
