"""`Panel`: one pair of axes holding layers (lines, points, reference lines, bars, coloured
cells), with ticks, axis labels, a title, a legend and a colorbar, drawn as SVG.

Build it up, then show it: ``p = Panel(title="loss", log_y=True); p.line(ys, name="train")``.
The axes always cover every point drawn, so nothing needs clipping.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from nn.charts.chart import Chart
from nn.charts.colorbar import Colorbar
from nn.charts.colors import color_at, series_color
from nn.charts.contour import contour_levels, contour_segments
from nn.charts.layers import (
    DASHES,
    MARKERS,
    Bars,
    Box,
    Cells,
    Contours,
    HLine,
    Layer,
    Line,
    Points,
)
from nn.charts.svg import heading, line, num, rect, text, text_width, wrap
from nn.charts.ticks import Scale, Tick

__all__ = ["Panel"]

TICK_FONT = 11.0
LABEL_FONT = 12.0
TITLE_FONT = 14.0
LEGEND_FONT = 11.0
LEGEND_ROW = 18.0


def _floats(values: Sequence[float], what: str) -> list[float]:
    try:
        return [float(v) for v in values]
    except (TypeError, ValueError) as e:
        raise TypeError(f"{what} must be a list of numbers") from e


def _check(what: str, value: str | None, known: Sequence[str]) -> None:
    if value is not None and value not in known:
        raise ValueError(f"unknown {what} {value!r}; known: {', '.join(known)}")


def _grid(values: Sequence[Sequence[object]], who: str) -> None:
    if not values or not values[0] or len({len(r) for r in values}) != 1:
        raise ValueError(f"{who}: give a non-empty list of equal-length rows")


def _spaced(scale: Scale, size: Callable[[Tick], float]) -> list[Tick]:
    """The ticks whose labels fit without touching (each needs ``size`` px along the axis),
    0 kept first, then in order: on a symlog axis ±threshold gives way to 0."""
    kept: list[tuple[float, float]] = []
    chosen = []
    for t in sorted(scale.ticks, key=lambda t: t.label != "0"):
        p, half = scale.px(t.at), size(t) / 2
        if all(abs(p - q) >= half + h for q, h in kept):
            kept.append((p, half))
            chosen.append(t)
    return sorted(chosen, key=lambda t: t.at)


@dataclass(repr=False)  # Chart's short repr: a notebook stores it beside the picture
class Panel(Chart):
    """One chart with axes. Add layers with `line`, `points`, `points_by_class`, `hline`,
    `bars`, `heatmap`, `contours` and `classes` (each returns the panel); it draws itself (Jupyter,
    ``.svg``, ``.save``).

    ``x_ticks``/``y_ticks`` ([(value, label)]) replace the automatic ticks (e.g. category
    names); ``y_down`` puts small y at the top (images, matrices); ``symlog_y`` (a threshold
    t) makes y linear within ±t and logarithmic beyond, for values of both signs growing huge."""

    title: str | None = None
    xlabel: str | None = None
    ylabel: str | None = None
    log_x: bool = False
    log_y: bool = False
    symlog_y: float | None = None
    xlim: tuple[float | None, float | None] = (None, None)
    ylim: tuple[float | None, float | None] = (None, None)
    width: float = 460.0
    height: float = 300.0
    x_ticks: Sequence[tuple[float, str]] | None = None
    y_ticks: Sequence[tuple[float, str]] | None = None
    y_down: bool = False
    layers: list[Layer] = field(default_factory=list)
    colorbar: Colorbar | None = None

    def __post_init__(self) -> None:
        if not (self.width >= 120 and self.height >= 100):
            raise ValueError(
                f"a panel needs at least 120 x 100 px, got {self.width} x {self.height}"
            )

    def _next_color(self) -> str:
        return series_color(
            sum(1 for layer in self.layers if not isinstance(layer, (HLine, Cells, Contours)))
        )

    def line(
        self,
        ys: Sequence[float],
        xs: Sequence[float] | None = None,
        *,
        name: str | None = None,
        color: str | None = None,
        dash: str = "solid",
        marker: str | None = None,
        width: float = 1.8,
    ) -> Panel:
        """A line through (xs[i], ys[i]) (xs default 0, 1, 2...), broken where a value is nan,
        inf or, on a log axis, not positive. ``dash``: one of `DASHES`; ``marker``: `MARKERS`."""
        y = _floats(ys, "line ys")
        x = [float(i) for i in range(len(y))] if xs is None else _floats(xs, "line xs")
        if len(x) != len(y):
            raise ValueError(f"line: {len(x)} xs but {len(y)} ys")
        _check("dash", dash, list(DASHES))
        _check("marker", marker, MARKERS)
        self.layers.append(Line(name, x, y, color or self._next_color(), dash, marker, width))
        return self

    def points(
        self,
        xs: Sequence[float],
        ys: Sequence[float],
        *,
        name: str | None = None,
        color: str | None = None,
        marker: str = "circle",
        size: float = 7.0,
    ) -> Panel:
        """Markers at (xs[i], ys[i]): data points, or where a run is now."""
        x, y = _floats(xs, "points xs"), _floats(ys, "points ys")
        if len(x) != len(y):
            raise ValueError(f"points: {len(x)} xs but {len(y)} ys")
        _check("marker", marker, MARKERS)
        self.layers.append(Points(name, x, y, color or self._next_color(), marker, size))
        return self

    def points_by_class(
        self,
        xs: Sequence[float],
        ys: Sequence[float],
        classes: Sequence[int],
        *,
        names: Sequence[str] | None = None,
        legend: bool = True,
        size: float = 6.0,
    ) -> Panel:
        """Points coloured by their class (ints from 0; the colours of `classes`), one legend
        entry per class named by ``names`` (default "class 0", ...) unless ``legend`` is off."""
        labels = [int(c) for c in classes]
        if not len(xs) == len(ys) == len(labels):
            raise ValueError(f"{len(xs)} xs, {len(ys)} ys and {len(labels)} classes")
        if min(labels, default=0) < 0:
            raise ValueError("class indices start at 0")
        count = max(labels, default=0) + 1
        shown = (
            [str(n) for n in names] if names is not None else [f"class {k}" for k in range(count)]
        )
        if len(shown) < count:
            raise ValueError(f"{count} classes but {len(shown)} names")
        for k in range(count):
            idx = [i for i, c in enumerate(labels) if c == k]
            if idx:
                self.layers.append(
                    Points(
                        shown[k] if legend else None,
                        _floats([xs[i] for i in idx], "points xs"),
                        _floats([ys[i] for i in idx], "points ys"),
                        series_color(k),
                        "circle",
                        size,
                    )
                )
        return self

    def hline(
        self,
        y: float,
        *,
        name: str | None = None,
        color: str = "currentColor",
        dash: str = "dotted",
    ) -> Panel:
        """A horizontal reference line across the panel at ``y`` (a baseline, a target)."""
        _check("dash", dash, list(DASHES))
        self.layers.append(HLine(name, float(y), color, dash))
        return self

    def bars(
        self,
        heights: Sequence[float],
        xs: Sequence[float] | None = None,
        *,
        name: str | None = None,
        color: str | None = None,
        colors: Sequence[str] | None = None,
        width: float = 0.8,
    ) -> Panel:
        """Bars of ``heights`` centred on ``xs`` (default 0, 1, 2...), ``width`` x units wide;
        ``colors`` gives each bar its own colour."""
        h = _floats(heights, "bar heights")
        x = [float(i) for i in range(len(h))] if xs is None else _floats(xs, "bar xs")
        if len(x) != len(h):
            raise ValueError(f"bars: {len(x)} xs but {len(h)} heights")
        if colors is not None and len(colors) != len(h):
            raise ValueError(f"bars: {len(colors)} colors for {len(h)} bars")
        shades = list(colors) if colors is not None else [color or self._next_color()] * len(h)
        self.layers.append(Bars(name, x, h, shades, width))
        return self

    def heatmap(
        self,
        values: Sequence[Sequence[float | None]],
        *,
        xs: Sequence[float] | None = None,
        ys: Sequence[float] | None = None,
        colormap: str = "viridis",
        vmin: float | None = None,
        vmax: float | None = None,
        colorbar: str | None = "",
        opacity: float = 1.0,
    ) -> Panel:
        """``values[row][col]`` as coloured cells centred on (xs[col], ys[row]) (default the
        indices; None or nan leaves a cell blank), and a colorbar labelled ``colorbar`` ("" no
        label, None no colorbar)."""
        _grid(values, "heatmap")
        grid = [[math.nan if v is None else float(v) for v in row] for row in values]
        finite = [v for row in grid for v in row if math.isfinite(v)]
        low = min(finite, default=0.0) if vmin is None else float(vmin)
        high = max(finite, default=1.0) if vmax is None else float(vmax)
        span = high - low or 1.0
        color_at(colormap, 0.0)  # an unknown name fails here, before the panel changes
        colors: list[list[str | None]] = [
            [color_at(colormap, (v - low) / span) if math.isfinite(v) else None for v in row]
            for row in grid
        ]
        x, y = self._centres(grid, xs, ys)
        self.layers.append(Cells(colors, x, y, opacity))
        if colorbar is not None:
            self.colorbar = Colorbar(colormap, low, high, colorbar or None)
        return self

    def contours(
        self,
        values: Sequence[Sequence[float]],
        *,
        xs: Sequence[float] | None = None,
        ys: Sequence[float] | None = None,
        levels: int | Sequence[float] = 10,
        name: str | None = None,
        color: str = "currentColor",
    ) -> Panel:
        """Contour lines of ``values[row][col]`` (at (xs[col], ys[row]), default the indices):
        ``levels`` evenly spaced levels, or the levels given."""
        _grid(values, "contours")
        grid = [[float(v) for v in row] for row in values]
        x, y = self._centres(grid, xs, ys)
        if isinstance(levels, int):
            if levels < 1:
                raise ValueError(f"contours: levels must be at least 1, got {levels}")
            chosen = contour_levels(grid, levels)
        else:
            chosen = _floats(levels, "contour levels")
        segments = [s for level in chosen for s in contour_segments(grid, x, y, level)]
        self.layers.append(Contours(name, segments, x, y, color))
        return self

    def classes(
        self,
        classes: Sequence[Sequence[int]],
        *,
        xs: Sequence[float] | None = None,
        ys: Sequence[float] | None = None,
        names: Sequence[str] | None = None,
        opacity: float = 0.35,
    ) -> Panel:
        """A class per cell (``classes[row][col]``, ints from 0) in pale class colours, straight
        lines along the borders between classes, and a legend of ``names``."""
        _grid(classes, "classes")
        grid = [[int(c) for c in row] for row in classes]
        if min(min(r) for r in grid) < 0:
            raise ValueError("classes: class indices start at 0")
        count = max(max(r) for r in grid) + 1
        labels = (
            [str(n) for n in names] if names is not None else [f"class {k}" for k in range(count)]
        )
        if len(labels) < count:
            raise ValueError(f"classes: {count} classes but {len(labels)} names")
        x, y = self._centres(grid, xs, ys)
        colors: list[list[str | None]] = [[series_color(c) for c in row] for row in grid]
        self.layers.append(Cells(colors, x, y, opacity, grid, labels))
        return self

    @staticmethod
    def _centres(
        grid: Sequence[Sequence[object]], xs: Sequence[float] | None, ys: Sequence[float] | None
    ) -> tuple[list[float], list[float]]:
        x = [float(i) for i in range(len(grid[0]))] if xs is None else _floats(xs, "cell xs")
        y = [float(j) for j in range(len(grid))] if ys is None else _floats(ys, "cell ys")
        if len(x) != len(grid[0]) or len(y) != len(grid):
            raise ValueError(f"{len(grid)} x {len(grid[0])} cells but {len(y)} ys and {len(x)} xs")
        return x, y

    # -- drawing ---------------------------------------------------------------------------

    def scales(self) -> tuple[Scale, Scale]:
        """The x and y scales covering every layer (pixels not yet placed)."""
        xs: list[float] = []
        ys: list[float] = []
        for layer in self.layers:
            ex, ey = layer.extent()
            xs += ex
            ys += ey
        cells = any(isinstance(layer, Cells) for layer in self.layers)
        sx = Scale.fit(xs, log=self.log_x, limits=self.xlim, nice=False)
        sy = Scale.fit(
            ys, log=self.log_y, limits=self.ylim, nice=not cells, threshold=self.symlog_y
        )
        for scale, fixed in ((sx, self.x_ticks), (sy, self.y_ticks)):
            if fixed is not None:
                placed = [(scale.to(float(v)), str(s)) for v, s in fixed]
                scale.ticks = [Tick(t, s) for t, s in placed if t is not None]
        sy.reverse = self.y_down
        return sx, sy

    def body(self) -> str:
        sx, sy = self.scales()
        _, title_h = heading(self.title or "", self.width / 2, 6, self.width - 12, TITLE_FONT)
        legend = [entry for layer in self.layers for entry in layer.legend()]
        y_tick_w = max((text_width(t.label, TICK_FONT) for t in sy.ticks), default=0.0)
        legend_w = 30 + max((text_width(n, LEGEND_FONT) for n, _ in legend), default=0.0)
        bar_w = self.colorbar.width() + 12 if self.colorbar else 0.0
        left = 10 + (22 if self.ylabel else 0) + y_tick_w + 8
        right = self.width - 14 - bar_w
        # The legend goes right of the plot, or under it when that would leave the plot narrow.
        beside = bool(legend) and right - legend_w - left >= 0.5 * (right - left)
        below = self._flow(legend, left) if legend and not beside else []
        box = Box(
            x0=left,
            x1=right - (legend_w if beside else 0),
            y0=12 + (title_h + 8 if self.title else 0),
            y1=self.height - 28 - (22 if self.xlabel else 0) - LEGEND_ROW * len(below),
        )
        if box.x1 - box.x0 < 40 or box.y1 - box.y0 < 40:
            raise ValueError(
                f"a {self.width:g} x {self.height:g} px panel is too small for its labels and "
                "legend; make it wider or taller"
            )
        sx.px_low, sx.px_high = box.x0, box.x1
        sy.px_low, sy.px_high = box.y1, box.y0
        cells = any(isinstance(layer, Cells) for layer in self.layers)
        out = [self._axes(sx, sy, box, gridlines=not cells)]
        out += [layer.draw(sx, sy, box) for layer in self.layers]
        frame = rect(
            box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0, fill="none", stroke="currentColor"
        )
        out.append(frame)
        mid_x, mid_y = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
        if self.title:  # centred over the plot, or over the panel if it would not fit so
            widest = max(
                text_width(s, TITLE_FONT) for s in wrap(self.title, TITLE_FONT, self.width - 12)
            )
            centre = mid_x if widest / 2 + 6 <= min(mid_x, self.width - mid_x) else self.width / 2
            out.append(heading(self.title, centre, 6, self.width - 12, TITLE_FONT)[0])
        if self.xlabel:
            out.append(text(mid_x, box.y1 + 36, self.xlabel, size=LABEL_FONT, anchor="middle"))
        if self.ylabel:
            out.append(text(16, mid_y, self.ylabel, size=LABEL_FONT, anchor="middle", rotate=-90))
        x = box.x1 + 14
        if self.colorbar:
            out.append(self.colorbar.draw(x, box.y0, box.y1))
            x += bar_w
        if beside:
            placed = [(x, box.y0 + 8 + LEGEND_ROW * i, n, k) for i, (n, k) in enumerate(legend)]
        else:
            top = self.height - LEGEND_ROW * len(below) + 2
            placed = [
                (ex, top + LEGEND_ROW * r, n, k) for r, row in enumerate(below) for ex, n, k in row
            ]
        for ex, ey, name, key in placed:
            out.append(f'<g transform="translate({num(ex + 12)} {num(ey)})">{key}</g>')
            out.append(text(ex + 28, ey, name, size=LEGEND_FONT, extra={"class": "legend"}))
        return "".join(out)

    def _flow(
        self, legend: list[tuple[str, str]], left: float
    ) -> list[list[tuple[float, str, str]]]:
        """Legend entries laid left to right under the plot, wrapping at the panel's edge."""
        rows: list[list[tuple[float, str, str]]] = [[]]
        x = left - 12
        for name, key in legend:
            w = 30 + text_width(name, LEGEND_FONT) + 10
            if rows[-1] and x + w > self.width - 6:
                rows.append([])
                x = left - 12
            rows[-1].append((x, name, key))
            x += w
        return rows

    @staticmethod
    def _axes(sx: Scale, sy: Scale, box: Box, *, gridlines: bool) -> str:
        out = []
        faint = {"stroke_opacity": 0.12}
        for t in _spaced(sx, lambda t: text_width(t.label, TICK_FONT) + 8):
            x = sx.px(t.at)
            if gridlines:
                out.append(line(x, box.y0, x, box.y1, **faint))
            out.append(line(x, box.y1, x, box.y1 + 4))
            out.append(
                text(
                    x,
                    box.y1 + 14,
                    t.label,
                    size=TICK_FONT,
                    anchor="middle",
                    extra={"class": "tick-x"},
                )
            )
        for t in _spaced(sy, lambda t: TICK_FONT + 3):
            y = sy.px(t.at)
            if gridlines:
                out.append(line(box.x0, y, box.x1, y, **faint))
            out.append(line(box.x0 - 4, y, box.x0, y))
            out.append(
                text(
                    box.x0 - 7, y, t.label, size=TICK_FONT, anchor="end", extra={"class": "tick-y"}
                )
            )
        return "".join(out)
