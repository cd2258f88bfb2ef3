"""SVG text building: escaping, compact numbers, elements and text labels.

Every string a user can name (titles, axis labels, legend names, tick labels) reaches the SVG
only through `escape`, so a title like ``<script>`` is shown, not run.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = [
    "FONT",
    "MIN_FONT",
    "element",
    "escape",
    "heading",
    "line",
    "num",
    "rect",
    "text",
    "text_width",
    "wrap",
]

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
"""The font stack every label uses (sans-serif, as the notebooks' own text)."""

MIN_FONT = 10.0
"""No text is drawn smaller than this many px at a chart's natural size."""


def escape(value: object) -> str:
    """``value`` as text safe inside an XML element or a double-quoted attribute."""
    return (
        str(value)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def num(value: float) -> str:
    """A coordinate with at most 2 decimals and no trailing zeros (keeps the SVG small)."""
    if not math.isfinite(value):
        raise ValueError(f"cannot place a shape at {value}")
    out = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if out in ("", "-0") else out


def element(name: str, attrs: dict[str, object], children: Iterable[str] = ()) -> str:
    """``<name attrs>children</name>``, attribute values escaped, floats rounded by `num`."""
    parts = [name]
    for key, value in attrs.items():
        if value is None:
            continue
        shown = num(value) if isinstance(value, float) else str(value)
        parts.append(f'{key}="{escape(shown)}"')
    inner = "".join(children)
    head = " ".join(parts)
    return f"<{head}>{inner}</{name}>" if inner else f"<{head}/>"


def text(
    x: float,
    y: float,
    label: str,
    *,
    size: float = 12.0,
    anchor: str = "start",
    rotate: float | None = None,
    weight: str | None = None,
    fill: str = "currentColor",
    extra: dict[str, object] | None = None,
) -> str:
    """A text label at (x, y) (baseline-centred vertically via dominant-baseline)."""
    if size < MIN_FONT:
        raise ValueError(f"text of {size} px is below the {MIN_FONT} px minimum")
    attrs: dict[str, object] = {
        "x": float(x),
        "y": float(y),
        "font-size": float(size),
        "text-anchor": anchor,
        "dominant-baseline": "central",
        "fill": fill,
        "font-weight": weight,
    }
    if rotate is not None:
        attrs["transform"] = f"rotate({num(rotate)} {num(x)} {num(y)})"
    attrs.update(extra or {})
    return element("text", attrs, [escape(label)])


def text_width(label: str, size: float = 12.0) -> float:
    """A generous estimate of ``label``'s width in px (layout needs no font metrics)."""
    return 0.6 * size * len(label)


def _attrs(extra: dict[str, object]) -> dict[str, object]:
    """Python keyword names as SVG attribute names (stroke_width -> stroke-width, class_ -> class)."""
    return {k.rstrip("_").replace("_", "-"): v for k, v in extra.items()}


def rect(x: float, y: float, width: float, height: float, **extra: object) -> str:
    """A ``<rect>`` (keyword attributes with ``_`` for ``-``)."""
    attrs: dict[str, object] = {"x": float(x), "y": float(y), "width": float(width)}
    attrs["height"] = float(height)
    return element("rect", {**attrs, **_attrs(extra)})


def line(x1: float, y1: float, x2: float, y2: float, **extra: object) -> str:
    """A ``<line>``, stroked in the text colour unless ``stroke`` says otherwise."""
    attrs: dict[str, object] = {"x1": float(x1), "y1": float(y1), "x2": float(x2)}
    attrs.update({"y2": float(y2), "stroke": "currentColor"})
    return element("line", {**attrs, **_attrs(extra)})


def wrap(label: str, size: float, width: float) -> list[str]:
    """``label`` in lines no wider than ``width`` px, broken at spaces (a word too long for a
    line is broken where it must)."""
    per_line = max(1, int(width / (0.6 * size)))
    lines: list[str] = []
    for word in label.split(" "):
        while len(word) > per_line:
            lines.append(word[:per_line])
            word = word[per_line:]
        if lines and len(lines[-1]) + 1 + len(word) <= per_line and lines[-1] != "":
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def heading(
    label: str, centre: float, top: float, width: float, size: float = 14.0
) -> tuple[str, float]:
    """A bold title centred on ``centre``, wrapped to ``width`` px, starting at ``top``: its
    SVG and the height it takes."""
    row = 1.3 * size
    lines = wrap(label, size, width)
    out = [
        text(
            centre,
            top + row * (i + 0.5),
            s,
            size=size,
            anchor="middle",
            weight="bold",
            extra={"class": "title"},
        )
        for i, s in enumerate(lines)
    ]
    return "".join(out), row * len(lines)
