"""The network picture: one circle per neuron in columns, weights as lines (blue positive,
orange negative, thicker for larger magnitude: TensorFlow Playground's convention), the loss at
the right, and wide layers drawn as images or strips instead of shrinking.

`Picture` lays the columns out once; the views then say, state by state, each neuron's
activation and gradient, each weight's value and gradient, and which column is being formed.
Those become attribute changes (`autograd.viz.attrs`) that view.js applies; `Picture.svg` draws
any state (the picture shown where scripts are stripped). All text is 12 px, so the view asks
for a scale of at least 10/12 (text never under 10 px on screen).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from autograd.viz.attrs import TEXT, AttrTimeline
from nn.views.png import colour, ink_on, png_data_url

__all__ = ["FONT", "MAX_CIRCLES", "MIN_TEXT_PX", "Column", "Picture", "number"]

FONT = 12  # px, every text in the picture
MIN_TEXT_PX = (
    10.1  # text is never shown under 10 px (view.js: scale >= this / FONT; 0.1 for rounding)
)
MAX_CIRCLES = 32  # a wider layer is drawn as an image or a strip
NAMED = 8  # an aggregated layer names this many of its units (largest |nudge| first)
WIDTH = 900  # px, the width the picture is laid out for (a 1,000 px output shows it at 1x)
TOP = 34  # room for the column titles
IMAGE_SIZE = 112  # px, the side an image layer is drawn at (28x28: 4 px a pixel)
FAINT = "#cbd5e1"
HALO = ' stroke="#fff" stroke-width="3" paint-order="stroke" stroke-linejoin="round"'  # over lines
INK = "#111827"
MUTED = "#4b5563"


def number(x: float | None, digits: int = 3) -> str:
    """A short reading of ``x`` for the picture (the exact value is in data-* attributes)."""
    if x is None:
        return ""
    if not math.isfinite(x):
        return str(x)
    text = f"{x:.{digits}g}"
    return "0" if text in ("-0", "0") else text


def _short(x: float | None) -> str:
    """At most 5 characters, to fit inside a circle."""
    if x is None:
        return ""
    text = f"{x:.2f}" if abs(x) < 10 else f"{x:.2g}"
    return "0" if text in ("-0.00", "0.00") else text


def repr_or_blank(x: float | None) -> str:
    """The contract's text: repr(float), or "" while not computed."""
    return "" if x is None else repr(float(x))


@dataclass
class Column:
    """One column as drawn: its units (index, name), a title, and for a wide one its shape."""

    units: list[tuple[int, str, str]]  # (index, name, role)
    title: str
    shape: tuple[int, int] | None = None  # rows, columns of an image layer
    named: tuple[int, ...] = ()  # units an aggregated column names

    @property
    def aggregated(self) -> bool:
        return len(self.units) > MAX_CIRCLES

    @property
    def data_shape(self) -> str:
        return f"{self.shape[0]}x{self.shape[1]}" if self.shape else f"{len(self.units)}"


def _radius(n: int) -> float:
    return 20.0 if n <= 6 else 13.0 if n <= 12 else 9.0


def _step(r: float) -> float:
    """Vertical distance between units of radius r (room for the nudge below a large one)."""
    return 2 * r + (24 if r >= 13 else 6)


class Picture:
    """The laid-out network; `neuron`, `wire`, `loss`, `layer` and `current` record a state."""

    def __init__(
        self,
        columns: Sequence[Column],
        wires: Sequence[tuple[str, tuple[int, int], tuple[int, int]]],  # key, source, target
        *,
        loss: bool,
        weight_scale: float,
        grad_scales: Sequence[float],
        timeline: AttrTimeline | None = None,
        grads: bool = True,
        outputs: Sequence[tuple[int, int]] = (),
    ) -> None:
        self.columns = list(columns)
        self.has_loss = loss
        self.grads = grads  # False: no gradients are ever shown (no gradient pictures)
        self.outputs = list(outputs)  # the units the loss reads (dashed lines to it)
        self.weight_scale = weight_scale or 1.0
        self.grad_scales = [g or 1.0 for g in grad_scales]
        self.t = timeline if timeline is not None else AttrTimeline()
        self.pos: dict[tuple[int, int], tuple[float, float, float]] = {}  # (col, i) -> x, y, r
        self.blocks: dict[int, tuple[float, float, float, float]] = {}  # col -> x, y, w, h
        self._lay_out()
        self.el_neuron: dict[tuple[int, int], dict[str, int]] = {}
        self.el_col: dict[int, int] = {c: self.t.element() for c in range(len(self.columns))}
        for c, col in enumerate(self.columns):
            shown = col.named if col.aggregated else [i for i, _, _ in col.units]
            for i in shown:
                parts = ["g", "circle", "act", "nudge", "gtext"]
                self.el_neuron[c, i] = {p: self.t.element() for p in parts}
        self.wires = [
            (key, src, dst)
            for key, src, dst in wires
            if not self.columns[src[0]].aggregated and not self.columns[dst[0]].aggregated
        ]
        self.el_wire = {key: self.t.element() for key, _, _ in self.wires}
        self.el_loss = {p: self.t.element() for p in ("g", "value")}
        self.el_images = {
            c: (self.t.element(), self.t.element())
            for c, col in enumerate(self.columns)
            if col.aggregated
        }
        self.details: dict[tuple[int, int], int] = {}
        self.current_column: list[int] = []  # per state

    # ------------------------------------------------------------ layout

    def _slot(self, col: Column) -> float:
        return 170.0 if col.aggregated else 2 * _radius(len(col.units)) + 80

    def _lay_out(self) -> None:
        slots = [self._slot(c) for c in self.columns] + ([90.0] if self.has_loss else [])
        gap = max(10.0, (WIDTH - sum(slots)) / max(1, len(slots)))
        heights = []
        for col in self.columns:
            if col.aggregated:
                heights.append(self._block_height(col))
            else:
                r = _radius(len(col.units))
                groups = len({role for _, _, role in col.units})
                heights.append(len(col.units) * _step(r) + 12 * (groups - 1))
        inner = max([*heights, 60.0])
        self.height = TOP + inner + 16
        x = gap / 2
        self.xs: list[float] = []
        for c, col in enumerate(self.columns):
            cx = x + slots[c] / 2 - (20 if not col.aggregated else 0)
            self.xs.append(cx)
            top = TOP + (inner - heights[c]) / 2
            if col.aggregated:
                self.blocks[c] = (cx - 75, top, 150, heights[c])
            else:
                r = _radius(len(col.units))
                step = _step(r)
                y = top + step / 2
                role = col.units[0][2] if col.units else ""
                for i, _, unit_role in col.units:
                    if unit_role != role:
                        y += 12
                        role = unit_role
                    self.pos[c, i] = (cx, y, r)
                    y += step
            x += slots[c] + gap
        self.loss_xy = (x + 25, TOP + inner / 2)
        self.width = max(WIDTH, x + 70 if self.has_loss else x - gap / 2)

    @staticmethod
    def _pixel(col: Column) -> float:
        assert col.shape is not None
        return max(1.0, IMAGE_SIZE / max(col.shape))

    def _block_height(self, col: Column) -> float:
        if col.shape:
            images = 2 if self.grads else 1
            return images * (col.shape[0] * self._pixel(col) + 20) + NAMED * 15 + 8
        return 240 + 20 + NAMED * 15 + 8

    def _image_boxes(self, c: int) -> tuple[tuple[float, float, float, float], ...]:
        """The activation and gradient pictures' boxes (x, y, w, h) of aggregated column c."""
        x, y, w, _ = self.blocks[c]
        col = self.columns[c]
        if col.shape:
            rows, cols = col.shape
            iw, ih = cols * self._pixel(col), rows * self._pixel(col)
            left = x + (w - iw) / 2
            return (left, y + 16, iw, ih), (left, y + 16 + ih + 20, iw, ih)
        return (x + w / 2 - 34, y + 16, 24, 240), (x + w / 2 + 10, y + 16, 24, 240)

    def image_boxes(self, c: int) -> tuple[tuple[float, float, float, float], ...]:
        """Where aggregated column c's pictures are drawn (x, y, w, h): its activations, and
        its gradients when the view shows any."""
        boxes = self._image_boxes(c)
        return boxes if self.grads else boxes[:1]

    def _list_top(self, c: int) -> float:
        act, grad = self._image_boxes(c)
        boxes = [act, grad] if self.grads else [act]
        return max(b[1] + b[3] for b in boxes) + 18

    def unit_anchor(self, c: int, i: int, side: str) -> tuple[float, float]:
        """Where a line meets unit i of column c (its circle, or its aggregated block)."""
        if (c, i) in self.pos:
            x, y, r = self.pos[c, i]
            return (x + r if side == "out" else x - r, y)
        x, _, w, _ = self.blocks[c]
        act = self._image_boxes(c)[0]
        return (x + w - 20 if side == "out" else x + 20, act[1] + act[3] / 2)

    # ------------------------------------------------------------ states

    def neuron(
        self, state: int, c: int, i: int, act: float | None, grad: float | None, *, name: str
    ) -> None:
        """Unit i of column c in ``state``: its activation and dL/d(activation) (None: not yet)."""
        els = self.el_neuron.get((c, i))
        if els is None:
            return
        t = self.t
        t.set(state, els["g"], "data-activation", repr_or_blank(act))
        t.set(state, els["g"], "data-grad", repr_or_blank(grad))
        t.set(state, els["circle"], "fill", "#f3f4f6" if act is None else colour(math.tanh(act)))
        gscale = self.grad_scales[c]
        if (c, i) in self.pos:
            x, y, r = self.pos[c, i]
            if r >= 20:
                t.set(state, els["act"], TEXT, _short(act))  # inside the circle: readable on it
                t.set(state, els["act"], "fill", INK if act is None else ink_on(math.tanh(act)))
            shown = r >= 13 and len(self.columns[c].units) <= 12
            t.set(state, els["gtext"], TEXT, number(grad, 2) if shown and grad is not None else "")
            below = y + r + 9 if r >= 13 else y
            t.set(
                state,
                els["nudge"],
                "d",
                _arrow(x - 14 if r >= 13 else x + r + 8, below, grad, gscale, 8 if r > 9 else 7),
            )
        else:
            if grad is not None:
                text = f"{name}: dL/d {number(grad, 2)}"
            else:
                text = name if act is None else f"{name} = {number(act, 2)}"
            t.set(state, els["act"], TEXT, text)
            t.set(state, els["nudge"], "d", "")
        t.set(state, els["nudge"], "fill", "#16a34a" if (grad or 0) < 0 else "#dc2626")

    def wire(
        self, state: int, key: str, value: float, grad: float | None, hot: bool | None
    ) -> None:
        """A weight line in ``state``: its value, dL/dw (None: not yet), whether it is in use."""
        el = self.el_wire.get(key)
        if el is None:
            return
        t = self.t
        t.set(state, el, "data-value", repr(float(value)))
        t.set(state, el, "data-grad", repr_or_blank(grad))
        t.set(state, el, "stroke", colour(value, 1e-12) if value else FAINT)
        width = 0.5 + 4.0 * min(1.0, abs(value) / self.weight_scale)
        t.set(state, el, "stroke-width", f"{width:.2f}")
        t.set(state, el, "stroke-opacity", "0.95" if hot else "0.25" if hot is False else "0.6")

    def loss(self, state: int, value: float | None, grad: float | None) -> None:
        t = self.t
        t.set(state, self.el_loss["g"], "data-value", repr_or_blank(value))
        t.set(state, self.el_loss["g"], "data-grad", repr_or_blank(grad))
        t.set(state, self.el_loss["value"], TEXT, number(value, 4))

    def layer(
        self, state: int, c: int, acts: Sequence[float] | None, grads: Sequence[float] | None
    ) -> None:
        """An aggregated column's two pictures in ``state`` (None: not yet computed)."""
        col = self.columns[c]
        rows, cols = col.shape if col.shape else (len(col.units), 1)
        for el, values in zip(self.el_images[c], (acts, grads), strict=True):
            if values is None:
                self.t.set(state, el, "visibility", "hidden")
                continue
            scale = max((abs(v) for v in values), default=0.0) or 1.0
            self.t.set(state, el, "href", png_data_url(values, cols, rows, scale))
            self.t.set(state, el, "visibility", "visible")

    def current(self, state: int, column: int | None) -> None:
        """Which column ``state`` is about (highlighted, and brought into view), if any."""
        for c, el in self.el_col.items():
            self.t.set(state, el, "fill", "#fef9c3" if c == column else "none")
        self.current_column.append(-1 if column is None else column)

    def column_boxes(self) -> list[list[float]]:
        """Each column's box [centre x, centre y, width, height] for view.js to scroll to: its
        title row, so a picture taller than the stage keeps its top in view."""
        return [[self.xs[c], TOP / 2, self._slot(col), TOP] for c, col in enumerate(self.columns)]

    def view_data(
        self, texts: Sequence[Sequence[str]], *, interval: int, height: float
    ) -> dict[str, Any]:
        """What view.js needs to show every state of this picture: its size, the step texts, the
        column to bring into view, the text floor and the attribute timeline."""
        n = len(texts)
        return {
            "states": n,
            "start": 0,
            "interval": interval,
            "width": self.width,
            "height": height,
            "changes": [],
            "phases": [],
            "current": self.current_column,
            "hot": [[] for _ in range(n)],
            "texts": texts,
            "boxes": self.column_boxes(),
            "gradSlot": [],
            "nodes": [],
            "rowSlots": [],
            "minFont": FONT,  # every text in the picture is 12 px ...
            "minTextPx": MIN_TEXT_PX,  # ... and never shown under 10 px
            **self.t.data(),
        }

    # ------------------------------------------------------------ SVG

    def svg(self, state: int, label: str, extra: str = "", extra_height: float = 0.0) -> str:
        """The picture in ``state``; ``extra`` (SVG) is drawn in ``extra_height`` px below it."""
        v = self.t.at(state)
        height = self.height + extra_height
        a = self.t.attributes
        txt = self.t.text
        out = [
            f'<svg class="cr-graph cr-network" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {self.width:.0f} {height:.0f}" width="{self.width:.0f}" '
            f'height="{height:.0f}" style="max-width:100%;height:auto" role="img" '
            f'aria-label="{_esc(label)}" font-family="system-ui, sans-serif" '
            f'font-size="{FONT}" text-anchor="middle" fill="{INK}">'
        ]
        for c, col in enumerate(self.columns):
            slot = self._slot(col)
            out.append(
                f'<rect class="cr-colbg" x="{self.xs[c] - slot / 2 + (20 if not col.aggregated else 0) - 6:.1f}" '
                f'y="4" width="{slot - 8:.1f}" height="{self.height - 8:.1f}" rx="8"'
                f"{a(self.el_col[c], v)}/>"
                f'<text x="{self.xs[c]:.1f}" y="20" fill="{MUTED}">{_esc(col.title)}</text>'
            )
        for c, col in enumerate(self.columns):  # lines to and from aggregated blocks: faint
            if c + 1 < len(self.columns) and (col.aggregated or self.columns[c + 1].aggregated):
                nxt = self.columns[c + 1]
                src = [i for i, _, _ in col.units] if not col.aggregated else [col.units[0][0]]
                dst = [i for i, _, _ in nxt.units] if not nxt.aggregated else [nxt.units[0][0]]
                for i in src:
                    for j in dst:
                        x1, y1 = self.unit_anchor(c, i, "out")
                        x2, y2 = self.unit_anchor(c + 1, j, "in")
                        out.append(
                            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                            f'stroke="{FAINT}" stroke-width="1"/>'
                        )
        for key, (sc, si), (dc, di) in self.wires:
            x1, y1 = self.unit_anchor(sc, si, "out")
            x2, y2 = self.unit_anchor(dc, di, "in")
            out.append(
                f'<line data-weight="{key}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
                f'y2="{y2:.1f}"{a(self.el_wire[key], v)}/>'
            )
        if self.has_loss:
            lx, ly = self.loss_xy
            for c, i in self.outputs:
                if (c, i) in self.pos:
                    x, y, r = self.pos[c, i]
                    out.append(
                        f'<line x1="{x + r:.1f}" y1="{y:.1f}" x2="{lx - 34:.1f}" y2="{ly:.1f}" '
                        f'stroke="{MUTED}" stroke-width="1" stroke-dasharray="3 3"/>'
                    )
        for c, col in enumerate(self.columns):
            if col.aggregated:
                out.append(self._block_svg(c, v))
        for (c, i), (x, y, r) in self.pos.items():
            els = self.el_neuron[c, i]
            name = next(n for k, n, _ in self.columns[c].units if k == i)
            details = self.details.get((c, i))
            opens = f' data-details="{details}"' if details is not None else ""
            out.append(
                f'<g class="cr-neuron" data-neuron="{c}:{i}" aria-label="{_esc(name)}"{opens}'
                f"{a(els['g'], v)}><title>{_esc(name)}</title>"
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" stroke="{MUTED}" '
                f'stroke-width="1.2"{a(els["circle"], v)}/>'
                f'<text x="{x:.1f}" y="{y + 4:.1f}"{a(els["act"], v)}>{txt(els["act"], v)}</text>'
                f'<path stroke="#fff" stroke-width="0.8"{a(els["nudge"], v)}/>'
                f'<text x="{x - 5:.1f}" y="{y + r + 13:.1f}" text-anchor="start" '
                f'fill="{MUTED}"{HALO}{a(els["gtext"], v)}>{txt(els["gtext"], v)}</text></g>'
            )
        if self.has_loss:
            lx, ly = self.loss_xy
            out.append(
                f'<g data-loss-node=""{a(self.el_loss["g"], v)}>'
                f'<rect x="{lx - 34:.1f}" y="{ly - 22:.1f}" width="68" height="44" rx="8" '
                f'fill="#fee2e2" stroke="{MUTED}"/>'
                f'<text x="{lx:.1f}" y="{ly - 5:.1f}" font-weight="bold">loss</text>'
                f'<text x="{lx:.1f}" y="{ly + 12:.1f}"{a(self.el_loss["value"], v)}>'
                f"{txt(self.el_loss['value'], v)}</text></g>"
            )
        out.append(extra)
        out.append("</svg>")
        return "".join(out)

    def _block_svg(self, c: int, v: dict[int, dict[str, str]]) -> str:
        col = self.columns[c]
        a, txt = self.t.attributes, self.t.text
        (ax, ay, aw, ah), (gx, gy, gw, gh) = self._image_boxes(c)
        act_el, grad_el = self.el_images[c]
        what = f"{col.shape[0]}×{col.shape[1]}" if col.shape else f"{len(col.units)} units"
        parts = [
            f'<g class="cr-layer" data-layer="{c}" data-shape="{col.data_shape}">',
            f'<rect x="{ax - 1:.1f}" y="{ay - 1:.1f}" width="{aw + 2:.1f}" height="{ah + 2:.1f}" '
            f'fill="#f3f4f6" stroke="{MUTED}"/>',
            f'<image x="{ax:.1f}" y="{ay:.1f}" width="{aw:.1f}" height="{ah:.1f}" '
            f'preserveAspectRatio="none" style="image-rendering:pixelated"{a(act_el, v)}/>',
            f'<text x="{ax + aw / 2:.1f}" y="{ay - 4:.1f}" fill="{MUTED}">{what}</text>',
        ]
        if self.grads:
            parts += [
                f'<rect x="{gx - 1:.1f}" y="{gy - 1:.1f}" width="{gw + 2:.1f}" '
                f'height="{gh + 2:.1f}" fill="#f3f4f6" stroke="{MUTED}"/>',
                f'<image x="{gx:.1f}" y="{gy:.1f}" width="{gw:.1f}" height="{gh:.1f}" '
                f'preserveAspectRatio="none" style="image-rendering:pixelated"{a(grad_el, v)}/>',
            ]
            if col.shape:
                what_grad = "dL/dx" if c == 0 else "dL/da"
                parts.append(
                    f'<text x="{gx + gw / 2:.1f}" y="{gy - 4:.1f}" fill="{MUTED}">{what_grad}</text>'
                )
        top = self._list_top(c)
        x0 = self.blocks[c][0]
        for k, i in enumerate(col.named):
            els = self.el_neuron[c, i]
            name = next(n for j, n, _ in col.units if j == i)
            parts.append(
                f'<g class="cr-neuron" data-neuron="{c}:{i}" aria-label="{_esc(name)}"'
                f'{a(els["g"], v)}><circle cx="{x0 + 6:.1f}" cy="{top + k * 15 - 4:.1f}" '
                f'r="5" stroke="{MUTED}"{a(els["circle"], v)}/>'
                f'<text x="{x0 + 16:.1f}" y="{top + k * 15:.1f}" text-anchor="start"'
                f"{a(els['act'], v)}>{txt(els['act'], v)}</text>"
                f"<path{a(els['nudge'], v)}/><text{a(els['gtext'], v)}></text></g>"
            )
        parts.append("</g>")
        return "".join(parts)


def _arrow(x: float, y: float, grad: float | None, scale: float, size: float) -> str:
    """The desired nudge, -dL/da: a triangle up (increase the activation) or down, sized by
    |dL/da| against the column's largest."""
    if grad is None or not math.isfinite(grad) or grad == 0:
        return ""
    h = size * (0.35 + 0.65 * min(1.0, abs(grad) / scale))
    up = grad < 0
    tip = y - h if up else y + h
    base = y + h * 0.6 if up else y - h * 0.6
    return f"M{x - h * 0.8:.1f},{base:.1f}L{x + h * 0.8:.1f},{base:.1f}L{x:.1f},{tip:.1f}Z"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)
