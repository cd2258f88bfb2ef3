"""Pictures of training: loss and accuracy curves, decision boundaries, first-layer weights,
an RNN's gradient norm per time step, a gradient's components by size, and loss curves for
several learning rates.

matplotlib is imported only when a plot is made (it comes with the ``notebooks`` extra). Every
function returns the matplotlib Figure; in a notebook, assign it (``fig = plot_history(h)``) or
end the line with ``;`` so it is shown once.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import autograd
from nn.checks import check_count
from nn.data import Dataset
from nn.module import Module
from nn.objectives import Objective, as_objective
from nn.train import History

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "plot_decision_boundary",
    "plot_first_layer",
    "plot_grad_norms",
    "plot_gradient_components",
    "plot_history",
    "plot_learning_rates",
    "plot_loss_curves",
    "pyplot",
]

NOTEBOOKS_EXTRA_HINT = "pip install 'chainrule[notebooks]'"


def pyplot() -> Any:
    """matplotlib.pyplot, or an ImportError saying how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError(
            f"plotting needs matplotlib, which is not installed: {NOTEBOOKS_EXTRA_HINT}"
        ) from e
    return plt


def figure_and_axes(ax: Axes | None, figsize: tuple[float, float] = (7, 3.6)) -> tuple[Any, Axes]:
    """``ax`` and its figure, or a new figure of ``figsize`` inches with one axes."""
    if ax is None:
        return pyplot().subplots(figsize=figsize, layout="constrained")  # type: ignore[no-any-return]
    return ax.figure, ax


def plot_history(
    history: History, *, label: str | None = None, axes: list[Axes] | None = None
) -> Figure:
    """Loss (left) and accuracy (right) per epoch; test curves dashed when present.

    Pass the ``axes`` of an earlier call (``fig.axes``) to overlay another run, e.g. full-batch
    against mini-batch training, each with its ``label``.
    """
    for key in ("loss", "accuracy"):
        if not isinstance(history.get(key), list):
            raise ValueError(f"plot_history: the history has no {key!r} list")
    if axes is None:
        fig, (loss_ax, acc_ax) = pyplot().subplots(1, 2, figsize=(10, 3.8), layout="constrained")
        loss_ax.set(title="loss", xlabel="epoch")
        acc_ax.set(title="accuracy", xlabel="epoch", ylim=(0, 1.02))
    else:
        if len(axes) < 2:
            raise ValueError("plot_history: axes must hold two Axes (loss, accuracy)")
        loss_ax, acc_ax = axes[0], axes[1]
        fig = loss_ax.figure
    name = f"{label} " if label else ""
    epochs = range(1, len(history["loss"]) + 1)
    line = loss_ax.plot(epochs, history["loss"], label=f"{name}train")[0]
    acc_ax.plot(epochs, history["accuracy"], color=line.get_color(), label=f"{name}train")
    if history.get("test_loss"):
        loss_ax.plot(
            epochs, history["test_loss"], "--", color=line.get_color(), label=f"{name}test"
        )
        acc_ax.plot(
            epochs, history["test_accuracy"], "--", color=line.get_color(), label=f"{name}test"
        )
    if len(history["loss"]) > 1 and min(history["loss"]) > 0:
        loss_ax.set_yscale("log")
    for ax in (loss_ax, acc_ax):
        ax.legend(fontsize="small")
    return fig  # type: ignore[no-any-return]


def plot_decision_boundary(
    model: Module,
    data: Dataset,
    *,
    loss: str | Objective = "cross_entropy",
    resolution: int = 80,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """The class a 2-input classifier predicts at every point of a grid around ``data``, with the
    data on top. ``loss`` names the prediction rule, as in `nn.evaluate`."""
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
    plt = pyplot()
    fig, ax = figure_and_axes(ax, (5, 4.2))
    n_classes = max(data.n_classes, max(max(row) for row in grid) + 1)
    cmap = plt.get_cmap("coolwarm" if n_classes == 2 else "tab10")
    levels = [k - 0.5 for k in range(n_classes + 1)]
    ax.contourf(g0, g1, grid, levels=levels, cmap=cmap, alpha=0.35, vmin=0, vmax=n_classes - 1)
    ax.scatter(xs0, xs1, c=data.ys, cmap=cmap, vmin=0, vmax=n_classes - 1, s=18, edgecolors="k")
    ax.set(xlim=(g0[0], g0[-1]), ylim=(g1[0], g1[-1]), aspect="equal")
    if title:
        ax.set_title(title)
    return fig  # type: ignore[no-any-return]


def plot_first_layer(model: Module, *, shape: tuple[int, int] = (8, 8)) -> Figure:
    """Each first-layer neuron's weights as an image (red positive, blue negative): what that
    neuron looks for in an input image of ``shape`` pixels."""
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
    images = [[[n.w[r * cols + c].data for c in range(cols)] for r in range(rows)] for n in neurons]
    limit = max(abs(v) for image in images for row in image for v in row) or 1.0
    ncols = min(8, len(images))
    nrows = math.ceil(len(images) / ncols)
    fig, axes = pyplot().subplots(
        nrows, ncols, figsize=(1.3 * ncols, 1.4 * nrows), squeeze=False, layout="constrained"
    )
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i < len(images):
            ax.imshow(images[i], cmap="RdBu_r", vmin=-limit, vmax=limit)
            ax.set_title(f"neuron {i}", fontsize="small")
    return fig  # type: ignore[no-any-return]


def _runs(
    curves: Sequence[float] | Mapping[str, Sequence[float]], who: str
) -> dict[str, list[float]]:
    if isinstance(curves, Mapping):
        runs = {str(k): list(v) for k, v in curves.items()}
    else:
        runs = {"": list(curves)}
    if not runs or any(not v for v in runs.values()):
        raise ValueError(f"{who}: nothing to plot (give a list of numbers or a dict of lists)")
    return runs


def plot_grad_norms(
    norms: Sequence[float] | Mapping[str, Sequence[float]],
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """||dLoss/dh_t|| against the time step t (e.g. from `nn.RNN.grad_norms_per_step`), one
    line per run when given a dict {label: norms}, on a log scale: vanishing gradients fall
    steeply going back in time, exploding ones climb. Steps no gradient reached (norm 0, e.g.
    behind a truncation) are left out, as a log scale cannot show 0."""
    runs = _runs(norms, "plot_grad_norms")
    fig, ax = figure_and_axes(ax)
    for label, values in runs.items():
        shown = [v if v > 0 else math.nan for v in values]
        ax.plot(range(len(values)), shown, marker=".", label=label or None)
    ax.set_yscale("log")
    ax.set(xlabel="time step t", ylabel="||dLoss/dh_t||", title=title or "gradient norm per step")
    if any(runs):
        ax.legend(fontsize="small")
    return fig  # type: ignore[no-any-return]


def plot_loss_curves(
    curves: Sequence[float] | Mapping[str, Sequence[float]],
    *,
    smooth: int = 1,
    references: Mapping[str, float] | None = None,
    ax: Axes | None = None,
    xlabel: str = "update",
    title: str | None = None,
) -> Figure:
    """Loss per update for one run or several ({label: losses}), each averaged over a sliding
    window of ``smooth`` updates (single-sequence losses are noisy), with dotted horizontal
    ``references`` ({label: level}, e.g. a baseline) and a log scale."""
    runs = _runs(curves, "plot_loss_curves")
    smooth = check_count("smooth", smooth)
    fig, ax = figure_and_axes(ax)
    for label, values in runs.items():
        window = min(smooth, len(values))
        running = [
            math.fsum(values[i - window : i]) / window for i in range(window, len(values) + 1)
        ]
        ax.plot(range(window, len(values) + 1), running, label=label or None)
    styles = (":", "-.", "--")
    for i, (label, level) in enumerate((references or {}).items()):
        ax.axhline(level, linestyle=styles[i % 3], color="gray", label=f"{label} ({level:.3g})")
    ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel="loss", title=title or "")
    if any(runs) or references:
        ax.legend(fontsize="small")
    return fig  # type: ignore[no-any-return]


def _linspace(low: float, high: float, n: int) -> list[float]:
    return [low + (high - low) * i / (n - 1) for i in range(n)]


def plot_gradient_components(
    grads: Sequence[float],
    *,
    highlight: Mapping[str, float] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """A gradient's components sorted by size, largest first, on a log scale: how few of them
    the cost is most sensitive to. ``highlight`` ({label: component}) marks chosen components
    (e.g. two weights to nudge) at their rank. Components equal to 0 are left out."""
    sizes = sorted((abs(float(g)) for g in grads), reverse=True)
    if not sizes:
        raise ValueError("plot_gradient_components: the gradient has no components")
    if not all(math.isfinite(s) for s in sizes):
        raise ValueError("plot_gradient_components: the gradient has a nan or inf component")
    fig, ax = figure_and_axes(ax)
    ranks = range(1, len(sizes) + 1)
    ax.plot(ranks, [s if s > 0 else math.nan for s in sizes], label="|component|")
    for label, value in (highlight or {}).items():
        size = abs(float(value))
        rank = 1 + sum(1 for s in sizes if s > size)
        ax.plot([rank], [size], "o", label=f"{label}: {size:.3g} (rank {rank:,})")
    ax.set(xscale="log", yscale="log", xlabel="rank (largest first)", ylabel="|dC/dparameter|")
    ax.set_title(title or f"{len(sizes):,} gradient components, sorted by size")
    ax.legend(fontsize="small")
    return fig  # type: ignore[no-any-return]


_FLOAT_MAX = sys.float_info.max


def plot_learning_rates(
    curves: Mapping[str, Sequence[float]], *, xlabel: str = "step", title: str | None = None
) -> Figure:
    """One panel per learning rate ({label: losses}), side by side, each on its own log scale so
    a crawl, a good run and a blow-up can all be read. A run whose loss became inf or nan is
    drawn up to its last finite value and marked there with a red x."""
    runs = _runs(curves, "plot_learning_rates")
    fig, axes = pyplot().subplots(
        1, len(runs), figsize=(3.4 * len(runs), 3.2), squeeze=False, layout="constrained"
    )
    for ax, (label, values) in zip(axes.flat, runs.items()):
        bad = next((i for i, v in enumerate(values) if not math.isfinite(v)), None)
        finite = values if bad is None else values[:bad]
        ax.plot(range(len(finite)), finite)
        if bad is not None:
            where = f"loss {values[bad]} at step {bad}"
            last = (max(bad - 1, 0), finite[-1] if finite else 1.0)
            ax.plot(
                [last[0]], [last[1]], "x", color="red", markersize=10, label=where, clip_on=False
            )
            ax.legend(fontsize="small")
        if finite and min(finite) > 0:
            low = math.floor(math.log10(min(finite)))
            high = min(math.ceil(math.log10(max(finite))), math.floor(math.log10(_FLOAT_MAX)))
            if high - low <= 100:
                ax.set_yscale("log")
            else:
                # Near the float limit matplotlib's margins and tick decades overflow: set the
                # limits (before the log scale, which resets the ticks) and the ticks by hand.
                from matplotlib.ticker import FixedLocator, NullLocator

                ax.set_ylim(10.0**low, 10.0**high)
                ax.set_yscale("log")
                stride = 50 * math.ceil((high - low) / 300)
                first = stride * math.ceil(low / stride)
                ticks = [10.0**k for k in range(first, high + 1, stride)]
                ax.yaxis.set_major_locator(FixedLocator(ticks))
                ax.yaxis.set_minor_locator(NullLocator())
        ax.set(title=label, xlabel=xlabel)
    axes.flat[0].set_ylabel("loss")
    if title:
        fig.suptitle(title)
    return fig  # type: ignore[no-any-return]
