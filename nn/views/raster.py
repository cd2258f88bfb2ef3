"""The network picture as a PNG, for notebooks whose front end runs no script (an untrusted
notebook shows an image output, never inline SVG). Drawn with matplotlib, which the course's
notebooks have; without it there is no picture (RuntimeError) and the view shows alone.

It reads the same attribute values as the SVG (`Picture` and its timeline), so both pictures
say the same thing: circles filled by activation, weight lines by sign and size, the numbers.
"""

from __future__ import annotations

import base64
import io
from typing import Any

from nn.views.drawing import FONT, MUTED, Picture

__all__ = ["picture_png"]


def picture_png(picture: Picture, state: int) -> bytes:
    """``picture`` in ``state`` as PNG bytes: 96 dpi, shown at 72 (so 12 px text reads 12 px)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.image import imread
        from matplotlib.patches import Circle, FancyBboxPatch, Rectangle
    except ImportError as e:
        raise RuntimeError("the network picture needs matplotlib") from e
    values = picture.t.at(state)
    width, height = picture.width, picture.height
    fig = Figure(figsize=(width / 72, height / 72), dpi=96)
    FigureCanvasAgg(fig)
    ax: Any = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.axis("off")
    text = {"fontsize": FONT, "ha": "center", "va": "center", "family": "sans-serif"}
    for c, col in enumerate(picture.columns):
        if values.get(picture.el_col[c], {}).get("fill", "none") != "none":
            x, _, w, _ = picture.column_boxes()[c]
            ax.add_patch(
                FancyBboxPatch(
                    (x - w / 2 + 4, 4),
                    w - 8,
                    height - 8,
                    boxstyle="round,pad=0",
                    fc="#fef9c3",
                    ec="none",
                    zorder=0,
                )
            )
        ax.text(picture.xs[c], 20, col.title, color=MUTED, **text)
    for key, (sc, si), (dc, di) in picture.wires:
        attrs = values.get(picture.el_wire[key], {})
        (x1, y1), (x2, y2) = picture.unit_anchor(sc, si, "out"), picture.unit_anchor(dc, di, "in")
        ax.plot(
            [x1, x2],
            [y1, y2],
            color=attrs.get("stroke", "#cbd5e1"),
            lw=float(attrs.get("stroke-width", "1")),
            alpha=float(attrs.get("stroke-opacity", "0.6")),
            solid_capstyle="butt",
            zorder=1,
        )
    if picture.has_loss:
        lx, ly = picture.loss_xy
        for c, i in picture.outputs:
            if (c, i) in picture.pos:
                x, y, r = picture.pos[c, i]
                ax.plot([x + r, lx - 34], [y, ly], color=MUTED, lw=1, ls=(0, (3, 3)), zorder=1)
    for c, elements in picture.el_images.items():
        for el, (x, y, w, h) in zip(elements, picture.image_boxes(c), strict=False):
            attrs = values.get(el, {})
            href = attrs.get("href", "")
            ax.add_patch(Rectangle((x - 1, y - 1), w + 2, h + 2, fc="#f3f4f6", ec=MUTED, zorder=1))
            if attrs.get("visibility") == "hidden" or not href.startswith("data:image/png;"):
                continue
            image = imread(io.BytesIO(base64.b64decode(href.split(",", 1)[1])), format="png")
            extent = (x, x + w, y + h, y)
            ax.imshow(image, extent=extent, interpolation="nearest", aspect="auto", zorder=2)
    ax.set_xlim(0, width)  # imshow moves the limits
    ax.set_ylim(height, 0)
    for (c, i), (x, y, r) in picture.pos.items():
        els = picture.el_neuron[c, i]
        fill = values.get(els["circle"], {}).get("fill", "#f3f4f6")
        ax.add_patch(Circle((x, y), r, fc=fill, ec=MUTED, lw=1.2, zorder=3))
        number = values.get(els["act"], {}).get("#text", "")
        if number:
            ink = values.get(els["act"], {}).get("fill", "#111827")
            ax.text(x, y, number, color=ink, zorder=4, **text)
        nudge = values.get(els["gtext"], {}).get("#text", "")
        if nudge:
            ax.text(x - 5, y + r + 9, nudge, color=MUTED, zorder=4, **{**text, "ha": "left"})
    if picture.has_loss:
        lx, ly = picture.loss_xy
        ax.add_patch(
            FancyBboxPatch(
                (lx - 34, ly - 22), 68, 44, boxstyle="round,pad=0", fc="#fee2e2", ec=MUTED, zorder=3
            )
        )
        value = values.get(picture.el_loss["value"], {}).get("#text", "")
        ax.text(lx, ly - 8, "loss", weight="bold", zorder=4, **text)
        ax.text(lx, ly + 9, value, zorder=4, **text)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=96)
    return out.getvalue()
