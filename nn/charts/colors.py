"""Colours: a palette for series and classes that reads on light and dark backgrounds, and
colour maps for heat maps and images."""

from __future__ import annotations

import math

__all__ = ["COLORMAPS", "PALETTE", "color_at", "series_color"]

PALETTE = (
    "#4477aa",  # blue
    "#ee6677",  # red
    "#228833",  # green
    "#ccbb44",  # yellow
    "#66ccee",  # cyan
    "#aa3377",  # purple
    "#ee8833",  # orange
    "#999999",  # grey
)
"""Paul Tol's "bright" scheme (plus orange): distinct for colour-blind readers, mid-tones that
show on white and on black."""

COLORMAPS: dict[str, tuple[str, ...]] = {
    # Sequential, dark purple to yellow (viridis's end points and a few stops between).
    "viridis": ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"),
    # Diverging: negative blue, 0 white, positive red.
    "diverging": ("#2166ac", "#92c5de", "#f7f7f7", "#f4a582", "#b2182b"),
    # Ink on paper: 0 white, 1 black (how the digits are drawn).
    "gray": ("#ffffff", "#000000"),
    # Light to dark grey-blue, for contour-like backgrounds under lines.
    "greys": ("#f0f0f0", "#525252"),
}
"""Colour maps by name, each a list of evenly spaced stops from 0 to 1."""


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return int(hex_color[1:3], 16), int(hex_color[3:5], 16), int(hex_color[5:7], 16)


def color_at(colormap: str, fraction: float, levels: int = 64) -> str:
    """The colour at ``fraction`` (clamped to [0, 1], rounded to one of ``levels`` steps so equal
    neighbours merge) along ``colormap``."""
    stops = COLORMAPS.get(colormap)
    if stops is None:
        raise ValueError(f"unknown colour map {colormap!r}; known: {', '.join(COLORMAPS)}")
    if math.isnan(fraction):
        raise ValueError("a colour map cannot show nan")
    f = round(min(max(fraction, 0.0), 1.0) * (levels - 1)) / (levels - 1)
    where = f * (len(stops) - 1)
    i = min(int(where), len(stops) - 2)
    a, b = _rgb(stops[i]), _rgb(stops[i + 1])
    t = where - i
    r, g, bl = (round(x + (y - x) * t) for x, y in zip(a, b))
    return f"#{r:02x}{g:02x}{bl:02x}"


def series_color(index: int) -> str:
    """The palette colour for the ``index``-th series or class (cycling)."""
    return PALETTE[index % len(PALETTE)]
