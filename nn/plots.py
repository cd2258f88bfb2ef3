"""Pictures of training: loss and accuracy curves, decision boundaries, first-layer weights,
an RNN's gradient norm per time step, a gradient's components by size, and loss curves for
several learning rates.

Each function returns a chart from `nn.charts` (SVG in pure Python, so it draws the same on
CPython and in the browser): the last value of a notebook cell shows it, ``.save("x.svg")``
writes it. Several charts side by side: ``nn.charts.grid([a, b, c])``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import autograd
from nn import charts
from nn.checks import check_count
from nn.data import Dataset
from nn.module import Module
from nn.objectives import Objective, as_objective
from nn.train import History

__all__ = [
    "plot_decision_boundary",
    "plot_first_layer",
    "plot_grad_norms",
    "plot_gradient_components",
    "plot_history",
    "plot_learning_rates",
    "plot_loss_curves",
]


def _check_history(history: object) -> History:
    if not isinstance(history, Mapping):
        raise TypeError(f"plot_history: expected a History dict, got {type(history).__name__}")
    for key in ("loss", "accuracy"):
        if not isinstance(history.get(key), list):
            raise ValueError(f"plot_history: the history has no {key!r} list")
    return history  # type: ignore[return-value]


def plot_history(
    history: History | Mapping[str, History], *, label: str | None = None
) -> charts.Grid:
    """Loss (left, log scale) and accuracy (right) per epoch; test curves dashed when present.

    Give several runs as ``{label: history}`` (e.g. full-batch against mini-batch training) to
    overlay them, each in its own colour.
    """
    if (
        isinstance(history, Mapping)
        and history
        and all(isinstance(v, Mapping) for v in history.values())
    ):
        runs = {str(k): _check_history(v) for k, v in history.items()}
    else:
        runs = {label or "": _check_history(history)}
    everything = [v for h in runs.values() for v in [*h["loss"], *(h.get("test_loss") or [])]]
    log = len(everything) > 1 and min(everything) > 0
    loss = charts.Panel(title="loss", xlabel="epoch", ylabel="loss", log_y=log, width=440)
    acc = charts.Panel(title="accuracy", xlabel="epoch", ylabel="accuracy", ylim=(0, 1), width=440)
    for i, (name, h) in enumerate(runs.items()):
        color = charts.PALETTE[i % len(charts.PALETTE)]
        prefix = f"{name} " if name else ""
        epochs = list(range(1, len(h["loss"]) + 1))
        for panel, key in ((loss, "loss"), (acc, "accuracy")):
            panel.line(h[key], epochs, name=f"{prefix}train", color=color)
            test = h.get(f"test_{key}")
            if test:
                panel.line(
                    test, epochs[: len(test)], name=f"{prefix}test", color=color, dash="dashed"
                )
    return charts.grid([loss, acc])


def _linspace(low: float, high: float, n: int) -> list[float]:
    return [low + (high - low) * i / (n - 1) for i in range(n)]


def plot_decision_boundary(
    model: Module,
    data: Dataset,
    *,
    loss: str | Objective = "cross_entropy",
    resolution: int = 80,
    title: str | None = None,
    names: Sequence[str] | None = None,
    width: float = 420,
    height: float = 360,
) -> charts.Panel:
    """The class a 2-input classifier predicts at every point of a grid around ``data`` (pale
    regions, the borders between them drawn), with the data on top and a legend of the class
    ``names`` (default "class 0", ...). ``loss`` names the prediction rule, as in
    `nn.evaluate`."""
    if data.n_features != 2:
        raise ValueError(f"plot_decision_boundary needs 2-D data, got {data.n_features} features")
    resolution = check_count("resolution", resolution, least=2)
    predict = as_objective(loss).predict
    xs0 = [x[0] for x in data.xs]
    xs1 = [x[1] for x in data.xs]
    pad0 = 0.1 * (max(xs0) - min(xs0)) + 0.1
    pad1 = 0.1 * (max(xs1) - min(xs1)) + 0.1
    g0 = _linspace(min(xs0) - pad0, max(xs0) + pad0, resolution)
    g1 = _linspace(min(xs1) - pad1, max(xs1) + pad1, resolution)
    with autograd.no_grad():
        grid = [[predict([v.data for v in model([a, b])]) for a in g0] for b in g1]
    n_classes = max(data.n_classes, max(max(row) for row in grid) + 1)
    shown = list(names) if names is not None else [f"class {k}" for k in range(n_classes)]
    panel = charts.Panel(
        title=title, xlabel="feature 0", ylabel="feature 1", width=width, height=height
    )
    panel.classes(grid, xs=g0, ys=g1, names=shown)
    return panel.points_by_class(xs0, xs1, data.ys, names=shown, legend=False)


def plot_first_layer(
    model: Module, *, shape: tuple[int, int] = (8, 8), columns: int = 8
) -> charts.ImageGrid:
    """Each first-layer neuron's weights as an image (red positive, blue negative, white 0; a
    colorbar gives the scale): what that neuron looks for in an input image of ``shape``."""
    layers = getattr(model, "layers", None)
    first = layers[0] if layers else model
    neurons = getattr(first, "neurons", None)
    if not neurons:
        raise ValueError(f"plot_first_layer needs an MLP or a Layer, got {type(model).__name__}")
    rows, cols = shape
    if len(neurons[0].w) != rows * cols:
        raise ValueError(
            f"plot_first_layer: neurons have {len(neurons[0].w)} weights, not {rows}x{cols}"
        )
    images = [[w.data for w in n.w] for n in neurons]
    limit = max(abs(v) for image in images for v in image) or 1.0
    return charts.image_grid(
        images,
        shape=shape,
        captions=[f"neuron {i}" for i in range(len(images))],
        columns=columns,
        colormap="diverging",
        vmin=-limit,
        vmax=limit,
        colorbar="weight",
    )


def _runs(
    curves: Sequence[float] | Mapping[str, Sequence[float]], who: str
) -> dict[str, list[float]]:
    if isinstance(curves, Mapping):
        runs = {str(k): [float(v) for v in vs] for k, vs in curves.items()}
    else:
        runs = {"": [float(v) for v in curves]}
    if not runs or any(not v for v in runs.values()):
        raise ValueError(f"{who}: nothing to plot (give a list of numbers or a dict of lists)")
    return runs


def plot_grad_norms(
    norms: Sequence[float] | Mapping[str, Sequence[float]], *, title: str | None = None
) -> charts.Panel:
    """||dLoss/dh_t|| against the time step t (e.g. from `nn.RNN.grad_norms_per_step`), one
    line per run when given a dict {label: norms}, on a log scale: vanishing gradients fall
    steeply going back in time, exploding ones climb. Steps no gradient reached (norm 0, e.g.
    behind a truncation) are left out, as a log scale cannot show 0."""
    runs = _runs(norms, "plot_grad_norms")
    panel = charts.Panel(
        title=title or "gradient norm per step",
        xlabel="time step t",
        ylabel="||dLoss/dh_t||",
        log_y=True,
        width=560,
    )
    for label, values in runs.items():
        panel.line(values, name=label or None, marker="dot")
    return panel


def plot_loss_curves(
    curves: Sequence[float] | Mapping[str, Sequence[float]],
    *,
    smooth: int = 1,
    references: Mapping[str, float] | None = None,
    xlabel: str = "update",
    title: str | None = None,
) -> charts.Panel:
    """Loss per update for one run or several ({label: losses}), each averaged over a sliding
    window of ``smooth`` updates (single-sequence losses are noisy), with dotted horizontal
    ``references`` ({label: level}, e.g. a baseline) and a log scale."""
    runs = _runs(curves, "plot_loss_curves")
    smooth = check_count("smooth", smooth)
    panel = charts.Panel(title=title, xlabel=xlabel, ylabel="loss", log_y=True, width=560)
    for label, values in runs.items():
        window = min(smooth, len(values))
        running = [
            math.fsum(values[i - window : i]) / window for i in range(window, len(values) + 1)
        ]
        panel.line(running, list(range(window, len(values) + 1)), name=label or None)
    for i, (label, level) in enumerate((references or {}).items()):
        dash = ("dotted", "dashdot", "dashed")[i % 3]
        panel.hline(level, name=f"{label} ({level:.3g})", dash=dash)
    return panel


def plot_gradient_components(
    grads: Sequence[float],
    *,
    highlight: Mapping[str, float] | None = None,
    title: str | None = None,
) -> charts.Panel:
    """A gradient's components sorted by size, largest first, on log-log axes: how few of them
    the cost is most sensitive to. ``highlight`` ({label: component}) marks chosen components
    (e.g. two weights to nudge) at their rank. Components equal to 0 are left out."""
    sizes = sorted((abs(float(g)) for g in grads), reverse=True)
    if not sizes:
        raise ValueError("plot_gradient_components: the gradient has no components")
    if not all(math.isfinite(s) for s in sizes):
        raise ValueError("plot_gradient_components: the gradient has a nan or inf component")
    panel = charts.Panel(
        title=title or f"{len(sizes):,} gradient components, sorted by size",
        xlabel="rank (largest first)",
        ylabel="|dC/dparameter|",
        log_x=True,
        log_y=True,
        width=560,
    )
    panel.line(sizes, list(range(1, len(sizes) + 1)), name="|component|")
    for i, (label, value) in enumerate((highlight or {}).items()):
        size = abs(float(value))
        rank = 1 + sum(1 for s in sizes if s > size)
        panel.points(
            [rank],
            [size],
            name=f"{label}: {size:.3g} (rank {rank:,})",
            color=charts.PALETTE[1 + i % (len(charts.PALETTE) - 1)],
            size=9,
        )
    return panel


def plot_learning_rates(
    curves: Mapping[str, Sequence[float]], *, xlabel: str = "step", title: str | None = None
) -> charts.Grid:
    """One panel per learning rate ({label: losses}), side by side, each on its own log scale so
    a crawl, a good run and a blow-up can all be read. A run whose loss became inf or nan is
    drawn up to its last finite value and marked there with a red x."""
    runs = _runs(curves, "plot_learning_rates")
    panels = []
    for i, (label, values) in enumerate(runs.items()):
        bad = next((k for k, v in enumerate(values) if not math.isfinite(v)), None)
        finite = values if bad is None else values[:bad]
        panel = charts.Panel(
            title=label,
            xlabel=xlabel,
            ylabel="loss" if i == 0 else None,
            log_y=bool(finite) and min(finite) > 0,
            width=300,
            height=280,
        )
        panel.line(finite or [math.nan], list(range(len(finite))) or [0])
        if bad is not None:
            last = (max(bad - 1, 0), finite[-1] if finite else 1.0)
            panel.points(
                [last[0]],
                [last[1]],
                name=f"loss {values[bad]} at step {bad}",
                color=charts.PALETTE[1],
                marker="x",
                size=11,
            )
        panels.append(panel)
    return charts.grid(panels, title=title)
