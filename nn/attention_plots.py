"""Pictures of attention: each head's softmax weights as a heatmap (query position down, the
position it reads across), matplotlib imported only when a plot is made."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from nn.plots import pyplot

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_attention"]


def plot_attention(
    weights: Sequence[Sequence[Sequence[float]]],
    labels: Sequence[str],
    *,
    title: str | None = None,
) -> Figure:
    """One heatmap per head of ``weights[head][t][s]`` (e.g. `CausalSelfAttention`'s
    ``attention_weights``), rows t and columns s labelled with ``labels`` (the tokens read).
    Cells above the diagonal, which causal attention never reads, are left blank."""
    if not weights or not weights[0]:
        raise ValueError("plot_attention: no attention weights (call the model on a sequence)")
    steps = len(weights[0])
    if len(labels) != steps:
        raise ValueError(f"plot_attention: {steps} positions but {len(labels)} labels")
    for h, head in enumerate(weights):
        if [len(row) for row in head] != list(range(1, steps + 1)):
            raise ValueError(f"plot_attention: head {h} is not causal weights[t][s <= t]")
    n = len(weights)
    cols = min(n, 4)
    rows = math.ceil(n / cols)
    side = 0.35 * steps + 1.2
    fig, axes = pyplot().subplots(
        rows, cols, figsize=(side * cols, side * rows + 0.4), squeeze=False, layout="constrained"
    )
    image = None
    for h, ax in enumerate(axes.flat):
        if h >= n:
            ax.set_axis_off()
            continue
        grid = [[*row, *[math.nan] * (steps - len(row))] for row in weights[h]]
        image = ax.imshow(grid, cmap="viridis", vmin=0.0, vmax=1.0)
        ax.set_xticks(range(steps), list(labels))
        ax.set_yticks(range(steps), list(labels))
        ax.set_title(f"head {h}", fontsize="small")
        ax.set_xlabel("attends to (s)", fontsize="small")
        if h % cols == 0:
            ax.set_ylabel("reading (t)", fontsize="small")
    fig.colorbar(image, ax=axes, shrink=0.8, label="attention weight")
    if title:
        fig.suptitle(title)
    return fig  # type: ignore[no-any-return]
