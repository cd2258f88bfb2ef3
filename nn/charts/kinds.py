"""The chart kinds the course draws, each one call: line, bar, histogram, scatter, heat map and
image grid. Each returns a `Panel` (add more layers to it) or a `Chart`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nn.charts.images import ImageGrid
from nn.charts.panel import Panel

__all__ = [
    "bar_chart",
    "heatmap",
    "histogram",
    "image_grid",
    "line_chart",
    "scatter",
]

Series = Sequence[float] | Mapping[str, Sequence[float]]


def _named(series: Series, who: str) -> dict[str, list[float]]:
    """{name: values} from one list (name "") or a dict of lists."""
    if isinstance(series, Mapping):
        runs = {str(k): list(v) for k, v in series.items()}
    else:
        runs = {"": list(series)}
    if not runs or any(len(v) == 0 for v in runs.values()):
        raise ValueError(f"{who}: nothing to plot (give a list of numbers or a dict of lists)")
    return runs


def line_chart(
    series: Series,
    *,
    x: Sequence[float] | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    log_x: bool = False,
    log_y: bool = False,
    symlog_y: float | None = None,
    ylim: tuple[float | None, float | None] = (None, None),
    markers: bool = False,
    references: Mapping[str, float] | None = None,
    points: Mapping[str, tuple[float, float]] | None = None,
    width: float = 460,
    height: float = 300,
) -> Panel:
    """One line per series (a list, or {name: list}), against ``x`` (default 0, 1, 2...), with
    dotted horizontal ``references`` ({name: level}) and marked ``points`` ({name: (x, y)},
    e.g. where a run is now). ``symlog_y=t``: y linear within ±t, logarithmic beyond."""
    runs = _named(series, "line_chart")
    panel = Panel(
        title=title,
        xlabel=xlabel,
        ylabel=ylabel,
        log_x=log_x,
        log_y=log_y,
        symlog_y=symlog_y,
        ylim=ylim,
        width=width,
        height=height,
    )
    for name, values in runs.items():
        xs = x
        if xs is not None and len(xs) != len(values):
            raise ValueError(f"line_chart: {len(xs)} x values but {len(values)} in {name!r}")
        panel.line(values, xs, name=name or None, marker="dot" if markers else None)
    for i, (name, level) in enumerate((references or {}).items()):
        panel.hline(level, name=name, dash=("dotted", "dashdot", "dashed")[i % 3])
    for i, (name, (px, py)) in enumerate((points or {}).items()):
        panel.points([px], [py], name=name, marker="star" if i == 0 else "circle", size=11)
    return panel


def bar_chart(
    values: Sequence[float] | Mapping[str, Sequence[float]],
    *,
    labels: Sequence[str] | None = None,
    colors: Sequence[str] | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    ylim: tuple[float | None, float | None] = (None, None),
    width: float = 460,
    height: float = 300,
) -> Panel:
    """Bars for one list of values or side by side for {name: values} (a legend names them),
    each group labelled by ``labels`` (default 0, 1, 2...). ``colors`` colours single-list
    bars one by one (e.g. highlight the right answer)."""
    runs = _named(values, "bar_chart")
    count = len(next(iter(runs.values())))
    if any(len(v) != count for v in runs.values()):
        raise ValueError("bar_chart: every series needs as many values")
    names = [str(v) for v in labels] if labels is not None else [str(i) for i in range(count)]
    if len(names) != count:
        raise ValueError(f"bar_chart: {count} bars but {len(names)} labels")
    panel = Panel(
        title=title,
        xlabel=xlabel,
        ylabel=ylabel,
        ylim=ylim,
        width=width,
        height=height,
        x_ticks=list(zip(range(count), names)),
    )
    k = len(runs)
    w = 0.8 / k
    for i, (name, heights) in enumerate(runs.items()):
        xs = [c - 0.4 + w * (i + 0.5) for c in range(count)]
        panel.bars(heights, xs, name=name or None, width=w, colors=colors if k == 1 else None)
    return panel


def histogram(
    groups: Sequence[float] | Mapping[str, Sequence[float]],
    *,
    bins: int = 20,
    low: float | None = None,
    high: float | None = None,
    density: bool = False,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    width: float = 460,
    height: float = 300,
) -> Panel:
    """Counts (or densities: area 1 per group) of values in ``bins`` equal bins from ``low`` to
    ``high`` (default: the data's range), groups side by side within each bin."""
    runs = _named(groups, "histogram")
    every = [v for vs in runs.values() for v in vs]
    a = min(every) if low is None else float(low)
    b = max(every) if high is None else float(high)
    if not b > a:
        b = a + 1.0
    if not isinstance(bins, int) or bins < 1:
        raise ValueError(f"histogram: bins must be a positive int, got {bins!r}")
    size = (b - a) / bins
    panel = Panel(
        title=title,
        xlabel=xlabel,
        ylabel=ylabel or ("density" if density else "count"),
        width=width,
        height=height,
        xlim=(a, b),
    )
    k = len(runs)
    for i, (name, values) in enumerate(runs.items()):
        counts = [0.0] * bins
        for v in values:
            if a <= v <= b:
                counts[min(int((v - a) / size), bins - 1)] += 1
        if density and values:
            counts = [c / (len(values) * size) for c in counts]
        xs = [a + size * (j + (i + 0.5) / k) for j in range(bins)]
        panel.bars(counts, xs, name=name or None, width=size / k * 0.92)
    return panel


def scatter(
    xs: Sequence[float],
    ys: Sequence[float],
    classes: Sequence[int] | None = None,
    *,
    names: Sequence[str] | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    width: float = 420,
    height: float = 340,
) -> Panel:
    """Points (xs[i], ys[i]), coloured by class (ints from 0) when ``classes`` are given, with a
    legend of each class's name (default "class 0", "class 1"...)."""
    if len(xs) != len(ys):
        raise ValueError(f"scatter: {len(xs)} xs but {len(ys)} ys")
    labels = [0] * len(xs) if classes is None else [int(c) for c in classes]
    if len(labels) != len(xs):
        raise ValueError(f"scatter: {len(xs)} points but {len(labels)} classes")
    panel = Panel(title=title, xlabel=xlabel, ylabel=ylabel, width=width, height=height)
    if classes is None:
        return panel.points(xs, ys, size=6)
    return panel.points_by_class(xs, ys, labels, names=names)


def heatmap(
    values: Sequence[Sequence[float | None]],
    *,
    xs: Sequence[float] | None = None,
    ys: Sequence[float] | None = None,
    x_labels: Sequence[str] | None = None,
    y_labels: Sequence[str] | None = None,
    colormap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
    colorbar: str | None = "",
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    width: float = 420,
    height: float = 340,
) -> Panel:
    """``values[row][col]`` as coloured cells with a colorbar labelled ``colorbar``. With
    ``xs``/``ys`` (cell centres) the axes are numeric, y upwards; without, row 0 is at the top
    and ``x_labels``/``y_labels`` name the columns and rows (e.g. tokens)."""
    image = xs is None and ys is None
    rows, cols = len(values), len(values[0]) if values else 0
    if not image and (x_labels is not None or y_labels is not None):
        raise ValueError("heatmap: x_labels/y_labels name the cells of a heat map without xs/ys")
    for what, labels, count in (("x_labels", x_labels, cols), ("y_labels", y_labels, rows)):
        if labels is not None and len(labels) != count:
            raise ValueError(
                f"heatmap: {count} {'columns' if what[0] == 'x' else 'rows'} but {len(labels)} {what}"
            )
    panel = Panel(
        title=title,
        xlabel=xlabel,
        ylabel=ylabel,
        width=width,
        height=height,
        y_down=image,
        x_ticks=list(zip(range(cols), map(str, x_labels))) if x_labels is not None else None,
        y_ticks=list(zip(range(rows), map(str, y_labels))) if y_labels is not None else None,
    )
    if image and x_labels is None:
        panel.x_ticks = []
    if image and y_labels is None:
        panel.y_ticks = []
    panel.heatmap(values, xs=xs, ys=ys, colormap=colormap, vmin=vmin, vmax=vmax, colorbar=colorbar)
    return panel


def image_grid(
    images: Sequence[Sequence[Any]],
    *,
    shape: tuple[int, int] | None = None,
    captions: Sequence[str] | None = None,
    columns: int = 10,
    colormap: str = "gray",
    vmin: float | None = None,
    vmax: float | None = None,
    colorbar: str | None = None,
    cell: float = 64.0,
    title: str | None = None,
) -> ImageGrid:
    """Images side by side, ``columns`` to a row, each captioned. An image is a list of rows,
    or a flat list of pixels with ``shape=(rows, cols)`` (a digit: ``shape=(8, 8)``). The
    default ``gray`` map draws 0 white and the largest value black, as ink on paper."""
    grids: list[list[list[float]]] = []
    for n, image in enumerate(images):
        if shape is None:
            grids.append([[float(v) for v in row] for row in image])
            continue
        rows, cols = shape
        flat = [float(v) for v in image]
        if len(flat) != rows * cols:
            raise ValueError(f"image_grid: image {n} has {len(flat)} pixels, not {rows}x{cols}")
        grids.append([flat[r * cols : (r + 1) * cols] for r in range(rows)])
    return ImageGrid(
        grids,
        captions=captions,
        columns=columns,
        colormap=colormap,
        vmin=vmin,
        vmax=vmax,
        colorbar=colorbar,
        cell=cell,
        title=title,
    )
