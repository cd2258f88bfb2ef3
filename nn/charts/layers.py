"""What a `Panel` draws: lines, points, reference lines, bars and coloured cells. Each layer
knows the data extent it needs, how to draw itself on two scales, and its legend key."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from nn.charts.colors import series_color
from nn.charts.raster import cell_paths
from nn.charts.svg import element, line, num, rect
from nn.charts.ticks import Scale

__all__ = [
    "DASHES",
    "MARKERS",
    "Bars",
    "Cells",
    "Contours",
    "HLine",
    "Layer",
    "Line",
    "Points",
    "marker",
]

DASHES: dict[str, str | None] = {
    "solid": None,
    "dashed": "6 4",
    "dotted": "2 3",
    "dashdot": "7 3 2 3",
}
"""Line styles by name, as SVG stroke-dasharray."""

MARKERS = ("dot", "circle", "square", "x", "star")
"""Marker shapes for points and line vertices."""


def marker(kind: str, x: float, y: float, color: str, size: float) -> str:
    """A marker of ``kind`` and ``size`` px centred on (x, y); filled shapes get a thin outline
    in the text colour so they show on any background."""
    r = size / 2
    edge = {"stroke": "currentColor", "stroke-width": 0.8}
    if kind == "dot":
        return element("circle", {"cx": x, "cy": y, "r": r, "fill": color})
    if kind == "circle":
        return element("circle", {"cx": x, "cy": y, "r": r, "fill": color, **edge})
    if kind == "square":
        return rect(x - r, y - r, size, size, fill=color, stroke="currentColor", stroke_width=0.8)
    if kind == "x":
        d = (
            f"M{num(x - r)} {num(y - r)}L{num(x + r)} {num(y + r)}"
            f"M{num(x - r)} {num(y + r)}L{num(x + r)} {num(y - r)}"
        )
        return element("path", {"d": d, "stroke": color, "stroke-width": 2.2, "fill": "none"})
    if kind == "star":
        corners = []
        for i in range(10):
            radius = r * 1.3 if i % 2 == 0 else r * 0.55
            angle = math.pi / 2 + i * math.pi / 5
            corners.append(
                f"{num(x + radius * math.cos(angle))},{num(y - radius * math.sin(angle))}"
            )
        return element("polygon", {"points": " ".join(corners), "fill": color, **edge})
    raise ValueError(f"unknown marker {kind!r}; known: {', '.join(MARKERS)}")


def _stroke_key(color: str, width: float, dash: str) -> str:
    return line(-10, 0, 10, 0, stroke=color, stroke_width=width, stroke_dasharray=DASHES[dash])


def _swatch(color: str, opacity: float = 1.0) -> str:
    return rect(
        -6,
        -6,
        12,
        12,
        fill=color,
        fill_opacity=opacity if opacity < 1 else None,
        stroke="currentColor",
        stroke_width=0.6,
    )


@dataclass
class Box:
    """The plot area in px."""

    x0: float
    x1: float
    y0: float
    y1: float


class Layer:
    """Something drawn inside the axes."""

    def extent(self) -> tuple[list[float], list[float]]:
        """The x and y values the axes must cover."""
        raise NotImplementedError

    def draw(self, sx: Scale, sy: Scale, box: Box) -> str:
        """The layer's SVG on these scales."""
        raise NotImplementedError

    def legend(self) -> list[tuple[str, str]]:
        """(name, key drawn around 0, 0) for each legend entry."""
        return []


def _thin(run: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A long run whose x only grows, cut to the first, lowest, highest and last point in each
    px column: the same picture, a far smaller file."""
    if len(run) < 1000 or any(b[0] < a[0] for a, b in itertools.pairwise(run)):
        return run
    out: list[tuple[float, float]] = []
    column: list[tuple[float, float]] = []
    for p in run:
        if column and math.floor(p[0]) != math.floor(column[0][0]):
            out += _column(column)
            column = []
        column.append(p)
    return out + _column(column)


def _column(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    low, high = min(points, key=lambda p: p[1]), max(points, key=lambda p: p[1])
    keep = [points[0], low, high, points[-1]]
    return sorted(set(keep), key=points.index)


@dataclass
class Line(Layer):
    """A polyline through (xs[i], ys[i]), broken where a point cannot be shown."""

    name: str | None
    xs: list[float]
    ys: list[float]
    color: str
    dash: str = "solid"
    marker: str | None = None
    width: float = 1.8

    def extent(self) -> tuple[list[float], list[float]]:
        return self.xs, self.ys

    def draw(self, sx: Scale, sy: Scale, box: Box) -> str:
        runs: list[list[tuple[float, float]]] = [[]]
        for x, y in zip(self.xs, self.ys):
            px, py = sx.at(x), sy.at(y)
            if px is None or py is None:
                if runs[-1]:
                    runs.append([])
                continue
            runs[-1].append((px, py))
        out = []
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{num(a)},{num(b)}" for a, b in _thin(run))
                attrs: dict[str, object] = {"points": points, "fill": "none"}
                attrs.update({"stroke": self.color, "stroke-width": self.width})
                attrs.update({"stroke-linejoin": "round", "stroke-dasharray": DASHES[self.dash]})
                out.append(element("polyline", attrs))
            if self.marker or len(run) == 1:
                out += [marker(self.marker or "dot", a, b, self.color, 5) for a, b in run]
        return f'<g class="series">{"".join(out)}</g>'

    def legend(self) -> list[tuple[str, str]]:
        if not self.name:
            return []
        key = _stroke_key(self.color, self.width, self.dash)
        if self.marker:
            key += marker(self.marker, 0, 0, self.color, 6)
        return [(self.name, key)]


@dataclass
class Points(Layer):
    """Markers at (xs[i], ys[i])."""

    name: str | None
    xs: list[float]
    ys: list[float]
    color: str
    marker: str = "circle"
    size: float = 7.0

    def extent(self) -> tuple[list[float], list[float]]:
        return self.xs, self.ys

    def draw(self, sx: Scale, sy: Scale, box: Box) -> str:
        marks = []
        for x, y in zip(self.xs, self.ys):
            px, py = sx.at(x), sy.at(y)
            if px is not None and py is not None:
                marks.append(marker(self.marker, px, py, self.color, self.size))
        return f'<g class="points">{"".join(marks)}</g>'

    def legend(self) -> list[tuple[str, str]]:
        return [(self.name, marker(self.marker, 0, 0, self.color, self.size))] if self.name else []


@dataclass
class HLine(Layer):
    """A horizontal reference line across the whole plot."""

    name: str | None
    y: float
    color: str = "currentColor"
    dash: str = "dotted"

    def extent(self) -> tuple[list[float], list[float]]:
        return [], [self.y]

    def draw(self, sx: Scale, sy: Scale, box: Box) -> str:
        y = sy.at(self.y)
        if y is None:
            return ""
        dash = DASHES[self.dash]
        return line(
            box.x0,
            y,
            box.x1,
            y,
            stroke=self.color,
            stroke_width=1.4,
            stroke_dasharray=dash,
            class_="hline",
        )

    def legend(self) -> list[tuple[str, str]]:
        return [(self.name, _stroke_key(self.color, 1.4, self.dash))] if self.name else []


@dataclass
class Bars(Layer):
    """Bars of ``heights`` centred on ``xs``, ``width`` x units wide, from 0 (or the bottom of
    a log axis)."""

    name: str | None
    xs: list[float]
    heights: list[float]
    colors: list[str]
    width: float = 0.8

    def extent(self) -> tuple[list[float], list[float]]:
        half = self.width / 2
        return [v - half for v in self.xs] + [v + half for v in self.xs], [*self.heights, 0.0]

    def draw(self, sx: Scale, sy: Scale, box: Box) -> str:
        base = sy.px(sy.low) if sy.log else sy.at(0.0)  # log bars rise from the bottom
        out = []
        for x, h, color in zip(self.xs, self.heights, self.colors):
            left, right, top = sx.at(x - self.width / 2), sx.at(x + self.width / 2), sy.at(h)
            if left is None or right is None or top is None or base is None:
                continue
            out.append(rect(left, min(top, base), right - left, abs(base - top), fill=color))
        return f'<g class="bars">{"".join(out)}</g>'

    def legend(self) -> list[tuple[str, str]]:
        return [(self.name, _swatch(self.colors[0]))] if self.name else []


@dataclass
class Contours(Layer):
    """Contour lines: straight segments in data coordinates (from `contour.contour_segments`)."""

    name: str | None
    segments: list[tuple[tuple[float, float], tuple[float, float]]]
    xs: list[float]
    ys: list[float]
    color: str = "currentColor"

    def extent(self) -> tuple[list[float], list[float]]:
        return [min(self.xs), max(self.xs)], [min(self.ys), max(self.ys)]

    def draw(self, sx: Scale, sy: Scale, box: Box) -> str:
        d = []
        for (x1, y1), (x2, y2) in self.segments:
            a, b, c, e = sx.at(x1), sy.at(y1), sx.at(x2), sy.at(y2)
            if a is not None and b is not None and c is not None and e is not None:
                d.append(f"M{num(a)} {num(b)}L{num(c)} {num(e)}")
        attrs: dict[str, object] = {"d": "".join(d) or "M0 0", "fill": "none"}
        attrs.update({"stroke": self.color, "stroke-width": 0.9, "stroke-opacity": 0.55})
        return element("path", {**attrs, "class": "contours"})

    def legend(self) -> list[tuple[str, str]]:
        return [(self.name, _stroke_key(self.color, 0.9, "solid"))] if self.name else []


def _edges(centres: Sequence[float]) -> list[float]:
    """Cell edges around evenly spaced centres."""
    step = (centres[-1] - centres[0]) / (len(centres) - 1) if len(centres) > 1 else 1.0
    return [c - step / 2 for c in centres] + [centres[-1] + step / 2]


def _even(edges: list[float]) -> bool:
    """Whether the px edges are evenly spaced (a linear axis), to well under a px."""
    step = (edges[-1] - edges[0]) / (len(edges) - 1)
    return all(abs(e - (edges[0] + step * i)) < 0.01 for i, e in enumerate(edges))


def _px(scale: Scale, values: list[float]) -> list[float]:
    out = []
    for v in values:
        p = scale.at(v)
        out.append(scale.px(scale.low) if p is None else p)  # an edge below 0 on a log axis
    return out


@dataclass
class Cells(Layer):
    """Coloured cells ``colors[row][col]`` (None: blank) centred on (xs[col], ys[row]); with
    ``classes``, the borders between different classes are drawn as straight lines."""

    colors: list[list[str | None]]
    xs: list[float]
    ys: list[float]
    opacity: float = 1.0
    classes: list[list[int]] | None = None
    names: Sequence[str] = ()

    def extent(self) -> tuple[list[float], list[float]]:
        ex, ey = _edges(self.xs), _edges(self.ys)
        return [ex[0], ex[-1]], [ey[0], ey[-1]]

    def draw(self, sx: Scale, sy: Scale, box: Box) -> str:
        ex, ey = _px(sx, _edges(self.xs)), _px(sy, _edges(self.ys))
        fade = f' fill-opacity="{num(self.opacity)}"' if self.opacity < 1 else ""
        head = f'<g class="cells" shape-rendering="crispEdges"{fade}'
        if _even(ex) and _even(ey):  # cell units, scaled by the group: a third of the size
            dx, dy = (ex[-1] - ex[0]) / (len(ex) - 1), (ey[-1] - ey[0]) / (len(ey) - 1)
            place = f"translate({num(ex[0])} {num(ey[0])}) scale({dx:.6g} {dy:.6g})"
            out = f'{head} transform="{place}">{cell_paths(self.colors)}</g>'
        else:
            out = f"{head}>{cell_paths(self.colors, ex, ey)}</g>"
        if self.classes is not None:
            out += _borders(self.classes, ex, ey)
        return out

    def legend(self) -> list[tuple[str, str]]:
        if self.classes is None:
            return []
        return [(str(n), _swatch(series_color(k), 0.6)) for k, n in enumerate(self.names)]


def _borders(grid: list[list[int]], ex: list[float], ey: list[float]) -> str:
    """One path of straight segments along every cell edge where the class changes."""
    d = []
    for j, row in enumerate(grid):
        for i in range(1, len(row)):
            if row[i] != row[i - 1]:
                d.append(f"M{num(ex[i])} {num(ey[j])}V{num(ey[j + 1])}")
        if j:
            for i, c in enumerate(row):
                if c != grid[j - 1][i]:
                    d.append(f"M{num(ex[i])} {num(ey[j])}H{num(ex[i + 1])}")
    if not d:
        return ""
    attrs = {"d": "".join(d), "fill": "none", "stroke": "currentColor", "stroke-width": 1.2}
    return element("path", {**attrs, "stroke-linecap": "square", "class": "boundary"})
