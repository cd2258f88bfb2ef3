"""Pictures of attention: each head's softmax weights as a heat map (query position down, the
position it reads across), drawn with `nn.charts`."""

from __future__ import annotations

from collections.abc import Sequence

from nn import charts

__all__ = ["plot_attention"]


def plot_attention(
    weights: Sequence[Sequence[Sequence[float]]],
    labels: Sequence[str],
    *,
    title: str | None = None,
    columns: int = 4,
) -> charts.Grid:
    """One heat map per head of ``weights[head][t][s]`` (e.g. `CausalSelfAttention`'s
    ``attention_weights``), rows t and columns s labelled with ``labels`` (the tokens read),
    ``columns`` heads to a row, a colorbar (0 to 1) beside each row's last head. Cells above
    the diagonal, which causal attention never reads, are left blank."""
    if not weights or not weights[0]:
        raise ValueError("plot_attention: no attention weights (call the model on a sequence)")
    steps = len(weights[0])
    if len(labels) != steps:
        raise ValueError(f"plot_attention: {steps} positions but {len(labels)} labels")
    for h, head in enumerate(weights):
        if [len(row) for row in head] != list(range(1, steps + 1)):
            raise ValueError(f"plot_attention: head {h} is not causal weights[t][s <= t]")
    n = len(weights)
    cols = min(n, columns)
    side = max(200.0, 22.0 * steps + 90)
    panels = []
    for h, head in enumerate(weights):
        last_in_row = h % cols == cols - 1 or h == n - 1
        grid = [[*row, *[None] * (steps - len(row))] for row in head]
        panels.append(
            charts.heatmap(
                grid,
                x_labels=labels,
                y_labels=labels,
                vmin=0.0,
                vmax=1.0,
                colorbar="attention weight" if last_in_row else None,
                title=f"head {h}",
                xlabel="attends to (s)",
                ylabel="reading (t)" if h % cols == 0 else None,
                width=side + (90 if last_in_row else 0),
                height=side + 20,
            )
        )
    return charts.grid(panels, columns=cols, title=title)
