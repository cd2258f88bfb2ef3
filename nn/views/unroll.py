"""A model and one input laid out as columns of units joined by weighted wires (the network
picture's structure), with the graph built from the model's own parameters.

An `nn.MLP` gives one column per layer, inputs first. A tanh `nn.RNN` or `nn.SequenceModel` is
unrolled: column c holds the hidden state h(c-1) (column 0: the initial state), the input x(c)
and the readout y(c-2), so every wire joins a column to the next one, as in an MLP, and column
t+1 is the hidden state of time step t. Inside a column the units are numbered hidden state
first, then input, then readout. Nothing here writes to a parameter or a ``.grad``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import autograd
from autograd import Value
from nn.checks import is_integer, is_real, ordered_items, shown
from nn.layers import MLP, Layer
from nn.losses import cross_entropy, mse_loss
from nn.module import Module
from nn.recurrent import RNN, RNNCell, SequenceModel

__all__ = ["LOSSES", "Net", "Unit", "Wire", "unroll"]

LOSSES = ("mse", "cross_entropy")


@dataclass(eq=False)
class Unit:
    """One drawn neuron (or input): its activation Value, and for a computed unit its dot
    node (pre-activation), the wires into it and its bias."""

    column: int
    index: int
    name: str  # as the step text and the details say it: "x[0]", "a[2][3]", "h2[1]"
    role: str  # "input", "state", "hidden" or "output"
    value: Value
    z: Value | None = None
    activation: str | None = None
    wires: list[Wire] = field(default_factory=list)
    bias: Value | None = None
    bias_name: str = ""

    @property
    def key(self) -> str:
        return f"{self.column}:{self.index}"


@dataclass(eq=False)
class Wire:
    """A weight drawn as a line from ``source`` into ``target``; ``weight`` is the model's own
    parameter (an RNN's copies of one weight share it)."""

    source: Unit
    target: Unit
    weight: Value
    name: str  # "w[2][3][0]", "w_hh[1][0]"

    @property
    def key(self) -> str:
        return f"{self.target.column}:{self.target.index}:{self.source.index}"


@dataclass(eq=False)
class Net:
    """Columns of units left to right, the wires between them, the outputs and the loss."""

    columns: list[list[Unit]]
    titles: list[str]
    outputs: list[Unit]
    loss: Value | None
    loss_text: str
    kind: str  # "mlp" or "sequence"

    @property
    def units(self) -> list[Unit]:
        return [u for col in self.columns for u in col]

    @property
    def wires(self) -> list[Wire]:
        return [w for u in self.units for w in u.wires]


def unroll(model: Module, x: Any, target: Any = None, loss: str | None = None) -> Net:
    """``model`` on input ``x`` as a `Net` (with its loss when ``target`` is given)."""
    if loss is not None and loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES} or None, got {shown(loss)}")
    with autograd.enable_grad():
        if isinstance(model, MLP):
            return _mlp(model, x, target, loss)
        if isinstance(model, (SequenceModel, RNN)):
            return _sequence(model, x, target, loss)
    raise TypeError(
        f"network_view draws an nn.MLP, nn.RNN or nn.SequenceModel, got {type(model).__name__} "
        "(for any other graph use autograd.step_through)"
    )


def _numbers(x: Any, n: int, what: str) -> list[float]:
    items = ordered_items(x) if not isinstance(x, Value) else None
    if items is None:
        raise TypeError(f"network_view: {what} must be a list of {n} numbers, got {shown(x)}")
    if len(items) != n:
        raise ValueError(f"network_view: {what} must have {n} numbers, got {len(items)}")
    out = []
    for v in items:
        data = v.data if isinstance(v, Value) else v
        if not is_real(data) or not math.isfinite(float(data)):
            raise ValueError(f"network_view: {what} must hold finite numbers, got {shown(v)}")
        out.append(float(data))
    return out


def _leaves(numbers: list[float], column: int, names: list[str], role: str) -> list[Unit]:
    return [
        Unit(column, i, name, role, Value(v, name))
        for i, (v, name) in enumerate(zip(numbers, names, strict=True))
    ]


def _computed(
    layer_outputs: list[Value],
    column: int,
    first_index: int,
    names: list[str],
    role: str,
    activation: str | None,
) -> list[Unit]:
    units = []
    for j, out in enumerate(layer_outputs):
        z = out if activation is None else out.parents[0]
        units.append(Unit(column, first_index + j, names[j], role, out, z, activation))
    return units


def _wire_layer(
    targets: list[Unit], sources: list[Unit], layer: Layer, weight_name: str, bias_name: str
) -> None:
    """Wires from ``sources`` into ``targets`` with ``layer``'s weights (neuron j, input i)."""
    for j, unit in enumerate(targets):
        neuron = layer.neurons[j]
        unit.wires = [
            Wire(src, unit, w, f"{weight_name}[{j}][{i}]")
            for i, (src, w) in enumerate(zip(sources, neuron.w, strict=True))
        ]
        unit.bias, unit.bias_name = neuron.b, f"{bias_name}[{j}]"


def _mlp(model: MLP, x: Any, target: Any, loss: str | None) -> Net:
    inputs = _leaves(_numbers(x, model.nin, "x"), 0, [f"x[{i}]" for i in range(model.nin)], "input")
    columns = [inputs]
    titles = ["inputs"]
    values: list[Value] = [u.value for u in inputs]
    last = len(model.layers)
    for L, layer in enumerate(model.layers, start=1):
        outs = layer.forward(values)
        role = "output" if last == L else "hidden"
        names = [f"a[{L}][{j}]" for j in range(layer.nout)]
        units = _computed(outs, L, 0, names, role, layer.activation)
        _wire_layer(units, columns[-1], layer, f"w[{L}]", f"b[{L}]")
        columns.append(units)
        act = layer.activation or "linear"
        titles.append(f"{'output' if last == L else 'layer'} {L} ({act})")
        values = outs
    outputs = columns[-1]
    value, text = _loss([u.value for u in outputs], target, loss, "")
    return Net(columns, titles, outputs, value, text, "mlp")


def _loss(outs: list[Value], target: Any, loss: str | None, where: str) -> tuple[Value | None, str]:
    """The loss of one output vector against its target, and how the step text says it."""
    if target is None:
        if loss is not None:
            raise ValueError("network_view: loss needs a target")
        return None, ""
    if loss is None:
        loss = "cross_entropy" if is_integer(target) and len(outs) > 1 else "mse"
    if loss == "cross_entropy":
        if not is_integer(target):
            raise TypeError(
                f"network_view: a cross_entropy target{where} is a class index, got {shown(target)}"
            )
        return cross_entropy(outs, int(target)), f"cross_entropy(outputs, {int(target)})"
    targets = [target] if is_real(target) else target
    numbers = _numbers(targets, len(outs), f"the mse target{where}")
    return mse_loss(outs, numbers), f"mse(outputs, {', '.join(f'{t:g}' for t in numbers)})"


def _sequence(model: SequenceModel | RNN, xs: Any, target: Any, loss: str | None) -> Net:
    rnn = model.rnn if isinstance(model, SequenceModel) else model
    readout = model.readout if isinstance(model, SequenceModel) else None
    cell = rnn.cell
    if not isinstance(cell, RNNCell):
        raise TypeError(
            "network_view unrolls tanh RNN cells (cell='rnn'); an LSTM's gates do not fit a "
            "picture of one circle per unit: use autograd.step_through on its loss"
        )
    steps = ordered_items(xs)
    if not steps:
        raise ValueError(
            f"network_view: x must be a non-empty sequence of input vectors, got {shown(xs)}"
        )
    T, nh, nin = len(steps), cell.nhidden, cell.nin
    targets: list[Any] = []
    if target is not None:
        targets = ordered_items(target) or []
        if len(targets) != T:
            raise ValueError(
                f"network_view: a sequence model takes one target per step ({T}), got {shown(target)}"
            )
    columns: list[list[Unit]] = [[] for _ in range(T + (2 if readout else 1))]
    state = _leaves([0.0] * nh, 0, [f"h-1[{i}]" for i in range(nh)], "state")
    columns[0] += state
    rows = cell.fused_rows()
    h: list[Value] = [u.value for u in state]
    outputs: list[Unit] = []
    losses: list[Value] = []
    texts: list[str] = []
    k = rnn.bptt_steps
    for t, step in enumerate(steps):
        xt = _leaves(_numbers(step, nin, f"x[{t}]"), t, [f"x{t}[{i}]" for i in range(nin)], "input")
        for u in xt:
            u.index += nh
        columns[t] += xt
        if k is not None and t and t % k == 0:
            h = [v.detach() for v in h]
        hv = cell.step(rows, [u.value for u in xt], h)
        hidden = _computed(hv, t + 1, 0, [f"h{t}[{j}]" for j in range(nh)], "hidden", "tanh")
        sources = [u for u in columns[t] if u.role in ("state", "hidden")] + xt
        for j, unit in enumerate(hidden):
            unit.wires = [
                Wire(src, unit, cell.w_hh[j][i], f"w_hh[{j}][{i}]")
                for i, src in enumerate(sources[:nh])
            ] + [Wire(src, unit, cell.w_ih[j][i], f"w_ih[{j}][{i}]") for i, src in enumerate(xt)]
            unit.bias, unit.bias_name = cell.b[j], f"b[{j}]"
        columns[t + 1] += hidden
        h = hv
        step_outs = hidden
        if readout is not None:
            c = t + 2  # this column also holds h(c-1) while c <= T and x(c) while c < T
            first = (nh if c <= T else 0) + (nin if c < T else 0)
            ys = readout.forward(hv)
            names = [f"y{t}[{m}]" for m in range(readout.nout)]
            step_outs = _computed(ys, t + 2, first, names, "output", readout.activation)
            _wire_layer(step_outs, hidden, readout, "w_out", "b_out")
            columns[t + 2] += step_outs
        outputs += step_outs
        if targets:
            value, text = _loss([u.value for u in step_outs], targets[t], loss, f" of step {t}")
            assert value is not None
            losses.append(value)
            texts.append(text)
    for col in columns:
        col.sort(key=lambda u: u.index)
    titles = ["start"] + [f"step {t}" for t in range(T)] + (["readout"] if readout else [])
    if not losses:
        return Net(columns, titles, outputs, None, "", "sequence")
    total = autograd.sum(losses) / T if T > 1 else losses[0]
    return Net(
        columns,
        titles,
        outputs,
        total,
        f"the mean over {T} steps of {texts[0].split('(')[0]}",
        "sequence",
    )
