"""`network_view`: a model's forward pass column by column, then backward column by column,
neuron by neuron, on one input.

Every number is the engine's: the model's own parameters build the graph and
`autograd.grad` reads each gradient without touching any ``.grad``. Forward states fill in each
column's activations; backward states fill in, from the output side towards the inputs, each
neuron's dL/d(activation) (its "desired nudge" is the opposite sign) and the dL/dw of the weights
into the column after it.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from typing import Any

import autograd
from autograd import Value
from autograd.viz import StepThrough, replay_backward
from autograd.viz.view import Viewable, view_block
from nn.module import Module
from nn.views.drawing import MAX_CIRCLES, NAMED, Column, Picture, number
from nn.views.raster import picture_png
from nn.views.unroll import Net, Unit, unroll

__all__ = ["NetworkView", "input_shape", "network_view"]

MAX_LINES = 6  # per-neuron lines of step text before "..."
MAX_DETAIL_TERMS = 16  # a neuron with more inputs opens a summary instead of its step-through


def _term(x: float) -> str:
    """A number as an operand in the step text: negatives in parentheses, "w × (-2)"."""
    text = number(x, 4)
    return f"({text})" if text.startswith("-") else text


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


def network_view(
    model: Module, x: Any, target: Any = None, loss: str | None = None, shape: Any = None
) -> NetworkView:
    """The network picture of ``model`` on input ``x``: forward column by column, then (with a
    ``target``) backward column by column. ``loss``: "mse" (target a number or ``nout``
    numbers) or "cross_entropy" (a class index); by default cross_entropy for an int target
    and several outputs, else mse. A sequence model (tanh `nn.RNN`, `nn.SequenceModel`) is
    unrolled over ``x`` (a list of input vectors) and takes one target per step; its loss is the
    mean over steps. ``shape=(rows, cols)`` draws the inputs as an image (784 inputs without a
    shape: 28x28). No parameter and no ``.grad`` changes."""
    return NetworkView(model, x, target, loss, shape)


def input_shape(shape: Any, n: int) -> tuple[int, int] | None:
    """The (rows, columns) an input layer of n units is drawn as, if any (784: 28x28)."""
    if shape is None:
        side = math.isqrt(n)
        return (side, side) if n > MAX_CIRCLES and side * side == n else None
    if (
        not isinstance(shape, (tuple, list))
        or len(shape) != 2
        or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in shape)
    ):
        raise ValueError(f"network_view: shape must be (rows, columns), got {shape!r}")
    if shape[0] * shape[1] != n:
        raise ValueError(f"network_view: shape {tuple(shape)} does not hold the {n} inputs")
    return (shape[0], shape[1])


def _grads(net: Net) -> dict[Value, float]:
    if net.loss is None:
        return {}
    targets = [u.value for u in net.units] + [u.z for u in net.units if u.z is not None]
    targets += [w.weight for w in net.wires] + [u.bias for u in net.units if u.bias is not None]
    unique = list(dict.fromkeys(targets))
    grads = autograd.grad(net.loss, unique, allow_unused=True)
    return {v: (0.0 if g is None else g.data) for v, g in zip(unique, grads, strict=True)}


def layout_columns(
    net: Net, shape0: tuple[int, int] | None, importance: Callable[[Unit], float]
) -> list[Column]:
    """The picture's columns: each column's units (the inputs drawn as an image of ``shape0``,
    if given); a column too wide for circles names its `NAMED` units of largest importance."""
    columns = []
    for c, col in enumerate(net.columns):
        named: tuple[int, ...] = ()
        if len(col) > MAX_CIRCLES:
            by = sorted(col, key=lambda u: -importance(u))
            named = tuple(sorted(u.index for u in by[:NAMED]))
        columns.append(
            Column(
                [(u.index, u.name, u.role) for u in col],
                net.titles[c],
                shape0 if c == 0 else None,
                named,
            )
        )
    return columns


def layout_wires(net: Net) -> list[tuple[str, tuple[int, int], tuple[int, int]]]:
    """The picture's wires: each weight's key, from (column, index) to (column, index)."""
    return [
        (w.key, (w.source.column, w.source.index), (w.target.column, w.target.index))
        for w in net.wires
    ]


class NetworkView(Viewable):
    """The built view: ``states`` states; display it in Jupyter or ``save_html(path)``."""

    page_title = "chainrule network"

    def __init__(self, model: Module, x: Any, target: Any, loss: str | None, shape: Any) -> None:
        net = unroll(model, x, target, loss)
        self.net = net
        self.grads = _grads(net)
        cols = net.columns
        shape0 = input_shape(shape, len(cols[0])) if net.kind == "mlp" else None
        if shape is not None and net.kind != "mlp":
            raise ValueError("network_view: shape= is for an MLP's inputs")
        g = self.grads
        columns = layout_columns(net, shape0, lambda u: abs(g.get(u.value, 0.0) or u.value.data))
        weight_scale = max((abs(w.weight.data) for w in net.wires), default=1.0)
        grad_scales = [max((abs(g.get(u.value, 0.0)) for u in col), default=1.0) for col in cols]
        self.picture = Picture(
            columns,
            layout_wires(net),
            loss=net.loss is not None,
            weight_scale=weight_scale,
            grad_scales=grad_scales,
            outputs=[(u.column, u.index) for u in net.outputs],
        )
        self.texts: list[list[str]] = []
        self._states()
        self._details_html: list[str] | None = None

    @property
    def details(self) -> list[str]:
        """Each drawn neuron's details, built when first shown (a Graphviz layout each)."""
        if self._details_html is None:
            self._details_html = self._details()
        return self._details_html

    # ------------------------------------------------------------ states

    def _states(self) -> None:
        net, g, pic = self.net, self.grads, self.picture
        cols = net.columns
        known_act: set[Unit] = {u for u in net.units if u.z is None}  # given: inputs, start state
        known_grad: set[Unit] = set()
        wire_grad: dict[str, float] = {}
        running: dict[Value, float] = {}  # a shared weight's sum so far (an RNN's)
        copies: dict[Value, int] = {}
        for w in net.wires:
            copies[w.weight] = copies.get(w.weight, 0) + 1
        seen: dict[Value, int] = {}

        def record(state: int, column: int | None, hot_into: int | None, lines: list[str]) -> None:
            for c, col in enumerate(cols):
                for u in col:
                    act = u.value.data if u in known_act else None
                    grad = g.get(u.value, 0.0) if u in known_grad else None
                    pic.neuron(state, c, u.index, act, grad, name=u.name)
                if columns_aggregated(c):
                    acts = [u.value.data for u in col] if col[0] in known_act else None
                    grads = [g.get(u.value, 0.0) for u in col] if col[0] in known_grad else None
                    pic.layer(state, c, acts, grads)
            for w in net.wires:
                hot = None if hot_into is None else w.target.column == hot_into
                pic.wire(state, w.key, w.weight.data, wire_grad.get(w.key), hot)
            if net.loss is not None:
                done = state >= loss_state
                pic.loss(
                    state, net.loss.data if done else None, 1.0 if state > loss_state else None
                )
            pic.current(state, column)
            self.texts.append(lines)

        def columns_aggregated(c: int) -> bool:
            return c in pic.el_images

        loss_state = len(cols)  # after the forward states 0 .. len(cols) - 1
        record(0, 0, None, self._input_lines())
        for c in range(1, len(cols)):
            computed = [u for u in cols[c] if u.z is not None]
            known_act.update(computed)
            record(c, c, c, self._forward_lines(c, computed))
        if net.loss is None:
            return
        record(loss_state, None, None, [f"The loss: {net.loss_text} = {number(net.loss.data, 6)}"])
        state = loss_state + 1
        for c in range(len(cols) - 1, -1, -1):
            known_grad.update(cols[c])
            into = [w for w in net.wires if w.target.column == c + 1]
            for w in into:
                dz = g.get(w.target.z, 0.0) if w.target.z is not None else 0.0
                seen[w.weight] = seen.get(w.weight, 0) + 1
                if seen[w.weight] == copies[w.weight]:
                    running[w.weight] = g.get(w.weight, 0.0)
                else:
                    running[w.weight] = running.get(w.weight, 0.0) + dz * w.source.value.data
            for w in net.wires:
                if w.weight in running and (w.target.column >= c + 1):
                    wire_grad[w.key] = running[w.weight]
            record(state, c, c + 1 if into else None, self._backward_lines(c, into))
            state += 1

    def _input_lines(self) -> list[str]:
        col = self.net.columns[0]
        if len(col) > MAX_LINES:
            return [f"Forward. The {len(col)} inputs are given (drawn as a picture)."]
        shown = ", ".join(f"{u.name} = {number(u.value.data, 4)}" for u in col)
        return [f"Forward. The inputs are given: {shown}"]

    def _forward_lines(self, c: int, units: list[Unit]) -> list[str]:
        title = self.net.titles[c]
        lines = [
            f"Forward, column {c} ({title}): each neuron is activation(Σ weight × input + bias)."
        ]
        for u in units[:MAX_LINES]:
            assert u.z is not None
            terms = [f"{w.name} × {_term(w.source.value.data)}" for w in u.wires]
            total = " + ".join(terms) if len(terms) <= 3 else f"the sum of {len(terms)} terms"
            z = number(u.z.data, 4)
            if u.activation:
                act = u.activation
                out = f"{act}({z}) = {number(u.value.data, 4)}"
                lines.append(f"{u.name} = {act}({total} + {u.bias_name}) = {out}")
            else:
                lines.append(f"{u.name} = {total} + {u.bias_name} = {z}")
        if len(units) > MAX_LINES:
            lines.append(f"... and {len(units) - MAX_LINES} more")
        return lines

    def _backward_lines(self, c: int, into: list[Any]) -> list[str]:
        net, g = self.net, self.grads
        col = net.columns[c]
        consumers: dict[Unit, list[Any]] = {}
        for w in net.wires:
            consumers.setdefault(w.source, []).append(w)
        lines: list[str] = []
        outputs = [u for u in col if u.role == "output"]
        if outputs:
            lines.append(
                "Backward. The loss gives each output its dL/da (the desired nudge is "
                "the opposite sign: ▲ up, ▼ down)."
            )
            for u in outputs[:MAX_LINES]:
                lines.append(f"{u.name}: dL/da = {number(g.get(u.value, 0.0), 4)}")
        inner = [u for u in col if u in consumers]
        if inner:
            nexts = {w.target for u in inner for w in consumers[u]}
            lines.append(
                f"Backward, column {c} ({net.titles[c]}): dL/da = Σ over the "
                f"{_count(len(nexts), 'neuron')} it feeds of "
                "weight × their dL/dz (dL/dz = their dL/da × their activation's slope)."
            )
            for u in inner[:MAX_LINES]:
                feeds = consumers[u]
                what = "neuron" if u.role not in ("input", "state") else "input"
                how = (
                    "weight × the nudge of the one neuron it feeds"
                    if len(feeds) == 1
                    else f"the sum over the {len(feeds)} neurons it feeds of weight × their nudge"
                )
                lines.append(
                    f"{what} {u.index} of column {c} ({u.name}): its nudge is {how}: dL/da = "
                    f"{number(g.get(u.value, 0.0), 4)}"
                )
            if len(inner) > MAX_LINES:
                lines.append(f"... and {len(inner) - MAX_LINES} more")
        if into:
            lines.append(
                f"The {_count(len(into), 'weight')} into column {c + 1}: dL/dw = dL/dz of its "
                "neuron × its input."
            )
        return lines or [f"Backward, column {c}."]

    # ------------------------------------------------------------ neuron details

    def _details(self) -> list[str]:
        """Each small-enough neuron's own step-through (its dot and activation, seeded with its
        dL/da), as HTML the front end opens on click."""
        out: list[str] = []
        for c, col in enumerate(self.net.columns):
            for u in col:
                if u.z is None or (c, u.index) not in self.picture.pos:
                    continue
                self.picture.details[c, u.index] = len(out)
                wide = len(u.wires) > MAX_DETAIL_TERMS
                out.append(self._summary_html(u) if wide else self._neuron_html(u))
        return out

    def _summary_html(self, u: Unit) -> str:
        """A neuron with too many inputs to draw term by term: its sum and its largest terms."""
        assert u.z is not None
        terms = sorted(u.wires, key=lambda w: -abs(w.weight.data * w.source.value.data))
        rows = "".join(
            f"<tr><td>{html.escape(w.name)} × {html.escape(w.source.name)}</td>"
            f"<td>{number(w.weight.data, 4)} × {number(w.source.value.data, 4)}</td>"
            f"<td>{number(w.weight.data * w.source.value.data, 4)}</td></tr>"
            for w in terms[: MAX_DETAIL_TERMS // 2]
        )
        act = u.activation or "linear"
        grad = self.grads.get(u.value) if self.net.loss is not None else None
        return (
            f"<p><b>{html.escape(u.name)}</b> = {act}(z), z = the sum of {len(u.wires)} terms "
            f"weight × input + {html.escape(u.bias_name)} = {number(u.z.data, 6)}; "
            f"{html.escape(u.name)} = {number(u.value.data, 6)}"
            + (f", dL/da = {number(grad, 6)}" if grad is not None else "")
            + f". Too many terms to draw one by one; the {MAX_DETAIL_TERMS // 2} largest |weight × input|:</p>"
            f"<table><tr><th>term</th><th>weight × input</th><th>=</th></tr>{rows}</table>"
        )

    def _neuron_html(self, u: Unit) -> str:
        xs = [Value(w.source.value.data, w.source.name) for w in u.wires]
        ws = [Value(w.weight.data, w.name) for w in u.wires]
        b = Value(u.bias.data if u.bias is not None else 0.0, u.bias_name or "b")
        z = autograd.dot(ws, xs, b)
        z.label = f"z of {u.name}"
        out = z
        if u.activation is not None:
            out = getattr(z, u.activation)()
        out.label = u.name
        seed = self.grads.get(u.value, 1.0) if self.net.loss is not None else 1.0
        heading = (
            f"<p><b>{u.name}</b>: its dot node and activation, backward seeded with its "
            f"dL/da = {number(seed, 6)} from the network</p>"
        )
        doc = StepThrough(replay_backward(out, seed), forward=True).view_document()
        last = doc.states - 1
        return heading + view_block(doc.svg(last), doc.data(), doc.texts, embedded=True)

    # ------------------------------------------------------------ output

    @property
    def states(self) -> int:
        return len(self.texts)

    def data(self) -> dict[str, Any]:
        return {
            **self.picture.view_data(self.texts, interval=1200, height=self.picture.height),
            "details": self.details,
        }

    def html(self, where: str = "notebook", *, companion: bool = False) -> str:
        """The view as one HTML block (a notebook output, or the body of a saved page)."""
        last = self.states - 1  # the picture without a script: the most complete state
        data = self.data()  # first: it marks the neurons that open details
        svg = self.picture.svg(last, "network: one circle per neuron")
        return view_block(
            svg, data, self.texts, where, picture=last, kind="network", companion=companion
        )

    def picture_png(self) -> bytes:
        """The last state as PNG, for an untrusted notebook (needs matplotlib)."""
        return picture_png(self.picture, self.states - 1)

    def __repr__(self) -> str:
        return f"<NetworkView: {self.states} states; display in Jupyter or .save_html(path)>"
