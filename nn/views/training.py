"""`training_view`: scrub through the weight snapshots `nn.fit(..., snapshot_every=k)` kept.

One state per snapshot: the network picture with its weights as they were (line colour and
width), the neurons' activations on one example, the loss curve with the snapshot's step
marked, and for a 2-input model with data the decision boundary as a heat map. Everything is
computed from the snapshots on plain floats: the model's own parameters are never written.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from autograd import functions
from autograd.viz.view import Viewable, view_block
from nn.data import Dataset
from nn.layers import MLP
from nn.views.drawing import MUTED, Picture, number
from nn.views.network import input_shape, layout_columns, layout_wires
from nn.views.png import NEGATIVE, POSITIVE, png_data_url
from nn.views.raster import picture_png
from nn.views.unroll import unroll

__all__ = ["TrainingView", "training_view"]

GRID = 32  # heat map resolution (cells per side)
CURVE_POINTS = 400  # the loss curve is drawn through at most this many points
PANEL_H = 170.0

ACTIVATIONS = {"tanh": functions.tanh, "relu": functions.relu, "sigmoid": functions.sigmoid}


def training_view(
    model: MLP, history: dict[str, list[Any]], data: Dataset | None = None, shape: Any = None
) -> TrainingView:
    """Scrub through ``history``'s snapshots (from ``nn.fit(..., snapshot_every=k)``) of
    ``model`` (an `nn.MLP`): weights, activations on ``data``'s first example, the loss
    curve, and for 2 inputs the decision boundary over ``data``. Changes nothing."""
    return TrainingView(model, history, data, shape)


def _forward(
    layers: list[tuple[list[list[float]], list[float], str | None]], x: Sequence[float]
) -> list[list[float]]:
    """Each layer's activations on input x, in plain floats (an MLP's forward pass)."""
    out = [list(x)]
    for rows, biases, act in layers:
        f = ACTIVATIONS.get(act) if act else None
        prev = out[-1]
        z = [
            math.fsum(w * a for w, a in zip(row, prev, strict=True)) + b
            for row, b in zip(rows, biases, strict=True)
        ]
        out.append([f(v) for v in z] if f else z)
    return out


class TrainingView(Viewable):
    """The built view: one state per snapshot; display it in Jupyter or ``save_html(path)``."""

    page_title = "chainrule training"

    def __init__(
        self, model: MLP, history: dict[str, list[Any]], data: Dataset | None, shape: Any
    ) -> None:
        if not isinstance(model, MLP):
            raise TypeError(f"training_view draws an nn.MLP, got {type(model).__name__}")
        snapshots = history.get("snapshots") if isinstance(history, dict) else None
        if not snapshots:
            raise ValueError(
                "training_view needs a history with snapshots: train with "
                "nn.fit(..., snapshot_every=k)"
            )
        params = model.parameters()
        if any(len(s) != len(params) for s in snapshots):
            raise ValueError(
                f"training_view: the snapshots hold {len(snapshots[0])} numbers but the model has "
                f"{len(params)} parameters (a history of another model?)"
            )
        if data is not None and not isinstance(data, Dataset):
            raise TypeError(f"training_view: data must be an nn.Dataset, got {type(data).__name__}")
        self.steps = [int(s) for s in history.get("snapshot_step", range(len(snapshots)))]
        self.losses = [float(v) for v in history.get("snapshot_loss", [math.nan] * len(snapshots))]
        self.curve = [float(v) for v in history.get("step_loss", [])]
        x = list(data.xs[0]) if data is not None and len(data) else [0.0] * model.nin
        net = unroll(model, x)  # the structure and names only; values come from snapshots
        index = {id(p): k for k, p in enumerate(params)}
        self.layers_at = [self._layers(model, s, index) for s in snapshots]
        wires = net.wires
        slot = [index[id(w.weight)] for w in wires]
        weight_scale = max((abs(s[k]) for s in snapshots for k in slot), default=1.0)
        shape0 = input_shape(shape, model.nin)
        # a wide layer names its units most active on the example (no nudges here)
        columns = layout_columns(net, shape0, lambda u: abs(u.value.data))
        self.picture = pic = Picture(
            columns,
            layout_wires(net),
            loss=False,
            weight_scale=weight_scale,
            grad_scales=[1.0] * len(columns),
            grads=False,
        )
        self.root_el = pic.t.element()
        self.data = data
        self.heat = data is not None and model.nin == 2 and model.nouts[-1] in (1, 2)
        self.marker = pic.t.element()
        self.marker_line = pic.t.element()
        self.heat_el = pic.t.element()
        self.texts: list[list[str]] = []
        n = len(snapshots)
        for k in range(n):
            acts = _forward(self.layers_at[k], x)
            for c, col in enumerate(net.columns):
                for u in col:
                    pic.neuron(k, c, u.index, acts[c][u.index], None, name=u.name)
                if c in pic.el_images:
                    pic.layer(k, c, acts[c], None)
            snap = snapshots[k]
            for w, i in zip(wires, slot, strict=True):
                pic.wire(k, w.key, snap[i], None, None)
            pic.current(k, None)
            pic.t.set(k, self.root_el, "data-loss", repr(self.losses[k]))
            mx, _ = self._curve_xy(self.steps[k], 0.0)
            pic.t.set(k, self.marker, "cx", f"{mx:.1f}")
            pic.t.set(
                k, self.marker, "cy", f"{self._curve_xy(self.steps[k], self.losses[k])[1]:.1f}"
            )
            pic.t.set(k, self.marker_line, "x1", f"{mx:.1f}")
            pic.t.set(k, self.marker_line, "x2", f"{mx:.1f}")
            if self.heat:
                pic.t.set(k, self.heat_el, "href", self._heat(k))
            self.texts.append(
                [
                    f"Snapshot {k + 1} of {n}: the weights before step {self.steps[k]}, loss "
                    f"{number(self.losses[k], 4)} (on that step's batch).",
                    "Lines: each weight, blue positive, orange negative, thicker for larger; "
                    "circles: activations on the first example.",
                ]
            )

    @staticmethod
    def _layers(
        model: MLP, snap: Sequence[float], index: dict[int, int]
    ) -> list[tuple[list[list[float]], list[float], str | None]]:
        return [
            (
                [[snap[index[id(w)]] for w in neuron.w] for neuron in layer.neurons],
                [snap[index[id(neuron.b)]] for neuron in layer.neurons],
                layer.activation,
            )
            for layer in model.layers
        ]

    # ------------------------------------------------------------ panels under the network

    def _panel_top(self) -> float:
        return self.picture.height + 10

    def _curve_box(self) -> tuple[float, float, float, float]:
        width = self.picture.width - (PANEL_H + 60 if self.heat else 0) - 80
        return (60.0, self._panel_top() + 20, width, PANEL_H - 50)

    def _curve_xy(self, step: float, loss: float) -> tuple[float, float]:
        x0, y0, w, h = self._curve_box()
        last = max(1, len(self.curve), self.steps[-1])
        top = max([*self.curve, *self.losses, 1e-12])
        low = min([*self.curve, *self.losses, 0.0])
        y = y0 + h - (loss - low) / ((top - low) or 1.0) * h if math.isfinite(loss) else y0 + h
        return x0 + w * step / last, y

    def _heat(self, k: int) -> str:
        assert self.data is not None
        xs = [p[0] for p in self.data.xs]
        ys = [p[1] for p in self.data.xs]
        (x0, x1), (y0, y1) = self._bounds(xs), self._bounds(ys)
        values = []
        for r in range(GRID):
            py = y1 - (r + 0.5) / GRID * (y1 - y0)
            for c in range(GRID):
                px = x0 + (c + 0.5) / GRID * (x1 - x0)
                out = _forward(self.layers_at[k], [px, py])[-1]
                values.append(out[0] if len(out) == 1 else out[1] - out[0])
        return png_data_url(values, GRID, GRID, max(1e-9, max(abs(v) for v in values)))

    @staticmethod
    def _bounds(v: list[float]) -> tuple[float, float]:
        lo, hi = min(v), max(v)
        pad = 0.1 * ((hi - lo) or 1.0)
        return lo - pad, hi + pad

    def _panels(self, state: int) -> str:
        t = self.picture.t
        v = t.at(state)
        a = t.attributes
        x0, y0, w, h = self._curve_box()
        pts = self.curve
        stride = max(1, math.ceil(len(pts) / CURVE_POINTS))
        path = " ".join(
            f"{self._curve_xy(i, pts[i])[0]:.1f},{self._curve_xy(i, pts[i])[1]:.1f}"
            for i in range(0, len(pts), stride)
        )
        top = max([*self.curve, *self.losses, 1e-12])
        out = [
            f'<text x="{x0:.1f}" y="{y0 - 8:.1f}" text-anchor="start" fill="{MUTED}">'
            "loss per step (the marker: this snapshot)</text>",
            f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{w:.1f}" height="{h:.1f}" fill="none" stroke="#e5e7eb"/>',
            f'<polyline points="{path}" fill="none" stroke="#6b7280" stroke-width="1"/>'
            if path
            else "",
            f'<text x="{x0 - 6:.1f}" y="{y0 + 10:.1f}" text-anchor="end" fill="{MUTED}">{number(top, 3)}</text>',
            f'<text x="{x0 - 6:.1f}" y="{y0 + h:.1f}" text-anchor="end" fill="{MUTED}">0</text>',
            f'<text x="{x0 + w:.1f}" y="{y0 + h + 16:.1f}" text-anchor="end" fill="{MUTED}">step {max(len(pts), self.steps[-1])}</text>',
            f'<line y1="{y0:.1f}" y2="{y0 + h:.1f}" stroke="#dc2626" stroke-width="1.5"{a(self.marker_line, v)}/>',
            f'<circle r="5" fill="#dc2626"{a(self.marker, v)}/>',
        ]
        if self.heat and self.data is not None:
            hx, hy = self.picture.width - PANEL_H - 30, self._panel_top()
            size = PANEL_H - 20
            out.append(
                f'<text x="{hx + size / 2:.1f}" y="{hy + 12:.1f}" fill="{MUTED}">decision boundary</text>'
                f'<image x="{hx:.1f}" y="{hy + 18:.1f}" width="{size:.1f}" height="{size:.1f}" '
                f'preserveAspectRatio="none"{a(self.heat_el, v)}/>'
            )
            xs = [p[0] for p in self.data.xs]
            ys = [p[1] for p in self.data.xs]
            (bx0, bx1), (by0, by1) = self._bounds(xs), self._bounds(ys)
            for (px, py), label in zip(self.data.xs, self.data.ys, strict=True):
                cx = hx + (px - bx0) / (bx1 - bx0) * size
                cy = hy + 18 + (by1 - py) / (by1 - by0) * size
                fill = "#{:02x}{:02x}{:02x}".format(*(POSITIVE if label else NEGATIVE))
                out.append(
                    f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="2.5" fill="{fill}" stroke="#fff" stroke-width="0.6"/>'
                )
        return "".join(out)

    # ------------------------------------------------------------ output

    @property
    def states(self) -> int:
        return len(self.texts)

    def html(self, where: str = "notebook", *, companion: bool = False) -> str:
        """The view as one HTML block (a notebook output, or the body of a saved page)."""
        pic = self.picture
        last = self.states - 1
        extra_h = PANEL_H + 10
        svg = pic.svg(
            last,
            "training: the network at each snapshot",
            extra=self._panels(last),
            extra_height=extra_h,
        )
        data = pic.view_data(self.texts, interval=400, height=pic.height + extra_h)
        root = pic.t.attributes(self.root_el, pic.t.at(last))  # as the picture: the last state
        return view_block(
            svg,
            data,
            self.texts,
            where,
            picture=last,
            kind="training",
            root_attrs=root,
            companion=companion,
            picture_text="The picture{where} shows the network at the last of {states} snapshots.",
        )

    def picture_png(self) -> bytes:
        """The network at the last snapshot as PNG, for an untrusted notebook (matplotlib)."""
        return picture_png(self.picture, self.states - 1)

    def __repr__(self) -> str:
        return f"<TrainingView: {self.states} snapshots; display in Jupyter or .save_html(path)>"
