"""Contour lines by marching squares: where a grid of values crosses a level, as straight
segments between points interpolated along the grid's cell edges."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["Segment", "contour_levels", "contour_segments"]

Point = tuple[float, float]
Segment = tuple[Point, Point]


def contour_levels(values: Sequence[Sequence[float]], count: int) -> list[float]:
    """``count`` levels evenly spaced strictly between the grid's smallest and largest finite
    values."""
    finite = [v for row in values for v in row if math.isfinite(v)]
    if not finite:
        return []
    low, high = min(finite), max(finite)
    return [low + (high - low) * (k + 1) / (count + 1) for k in range(count)]


def contour_segments(
    values: Sequence[Sequence[float]], xs: Sequence[float], ys: Sequence[float], level: float
) -> list[Segment]:
    """The segments where ``values[row][col]`` (at (xs[col], ys[row])) crosses ``level``; a
    cell with a nan corner is skipped."""

    def cross(p: Point, q: Point, vp: float, vq: float) -> Point:
        t = (level - vp) / (vq - vp)
        return (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))

    segments: list[Segment] = []
    for j in range(len(ys) - 1):
        for i in range(len(xs) - 1):
            corners = [
                (xs[i], ys[j]),
                (xs[i + 1], ys[j]),
                (xs[i + 1], ys[j + 1]),
                (xs[i], ys[j + 1]),
            ]
            vals = [values[j][i], values[j][i + 1], values[j + 1][i + 1], values[j + 1][i]]
            if not all(math.isfinite(v) for v in vals):
                continue
            above = [v >= level for v in vals]
            if all(above) or not any(above):
                continue
            # Crossings on the edges 0-1, 1-2, 2-3, 3-0, in order around the cell.
            points = [
                cross(corners[e], corners[(e + 1) % 4], vals[e], vals[(e + 1) % 4])
                for e in range(4)
                if above[e] != above[(e + 1) % 4]
            ]
            if len(points) == 2:
                segments.append((points[0], points[1]))
            else:  # a saddle: the centre's side decides which crossings join
                centre_above = sum(vals) / 4 >= level
                if centre_above == above[0]:
                    segments += [(points[0], points[1]), (points[2], points[3])]
                else:
                    segments += [(points[3], points[0]), (points[1], points[2])]
    return segments
