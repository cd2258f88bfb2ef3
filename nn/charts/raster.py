"""Grids of coloured cells (heat maps, images) as compact SVG: one path per colour, each run of
equal cells along a row one rectangle, drawn in cell units when a group's transform can scale
them (evenly spaced cells) and in px otherwise."""

from __future__ import annotations

from collections.abc import Sequence

from nn.charts.svg import num

__all__ = ["cell_paths", "runs"]


def runs(colors: Sequence[Sequence[str | None]]) -> dict[str, list[tuple[int, int, int]]]:
    """{colour: [(row, first column, last column)]} for every run of equal colours (None:
    blank, left out), colours in order of first appearance."""
    out: dict[str, list[tuple[int, int, int]]] = {}
    for j, row in enumerate(colors):
        i = 0
        while i < len(row):
            k = i
            while k + 1 < len(row) and row[k + 1] == row[i]:
                k += 1
            color = row[i]
            if color is not None:
                out.setdefault(color, []).append((j, i, k))
            i = k + 1
    return out


def cell_paths(
    colors: Sequence[Sequence[str | None]],
    xs: Sequence[float] | None = None,
    ys: Sequence[float] | None = None,
) -> str:
    """``<path>`` elements filling the cells: in cell units (cell (row j, column i) is the unit
    square at (i, j)) without edges, or between the px edges ``xs`` (columns + 1) and ``ys``
    (rows + 1)."""
    paths = []
    for color, found in runs(colors).items():
        if xs is None or ys is None:
            d = "".join(f"M{i} {j}h{k - i + 1}v1h-{k - i + 1}z" for j, i, k in found)
        else:
            d = "".join(
                f"M{num(xs[i])} {num(ys[j])}H{num(xs[k + 1])}V{num(ys[j + 1])}H{num(xs[i])}z"
                for j, i, k in found
            )
        paths.append(f'<path fill="{color}" d="{d}"/>')
    return "".join(paths)
