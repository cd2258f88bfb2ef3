"""Fused n-ary nodes: a whole sum or dot product as one node with many parents.

A neuron built from ``+`` and ``*`` makes 2n nodes; as one `dot` node it makes one, with the same
gradients. Fewer nodes is less to allocate, order and walk: this is what makes training fast.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from operator import mul
from typing import cast

from autograd.hooks import dot_layout, set_dot_pairs
from autograd.value import Number, Value, _node, as_constant

__all__ = ["sum", "dot", "dots"]

_ONES: dict[int, tuple[float, ...]] = {}


def _ones(n: int) -> tuple[float, ...]:
    """A shared tuple of n ones: the local derivatives of an n-way sum."""
    ones = _ONES.get(n)
    if ones is None:
        ones = (1.0,) * n
        if n <= 4096:
            _ONES[n] = ones
    return ones


def _operand(x: object, where: str) -> float:
    c = as_constant(x)
    if c is None:
        raise TypeError(f"{where}: expected a Value or a real number, got {type(x).__name__}")
    return c


def sum(values: Iterable[Value | Number]) -> Value:
    """The sum of ``values`` as one node; plain numbers are constants folded into its data."""
    items = list(values)
    parents = [v for v in items if isinstance(v, Value)]
    total = builtins.sum(v.data for v in parents)
    if len(parents) != len(items):
        total += builtins.sum(_operand(v, "sum") for v in items if not isinstance(v, Value))
    if not parents:
        return Value(total)
    return _node(total, "sum", tuple(parents), _ones(len(parents)))


def dot(
    ws: Sequence[Value | Number], xs: Sequence[Value | Number], bias: Value | Number | None = None
) -> Value:
    """sum(w_i * x_i) (+ bias) as one node, with every Value operand as a parent.

    d/dw_i = x_i, d/dx_i = w_i, d/dbias = 1. ValueError if the lengths differ.
    """
    return dots([ws], xs, [bias])[0]


def dots(
    rows: Sequence[Sequence[Value | Number]],
    xs: Sequence[Value | Number],
    biases: Sequence[Value | Number | None] | None = None,
) -> list[Value]:
    """One `dot` node per row of weights, all against the same inputs (a layer's forward).

    The same graph as calling `dot` per row; the inputs are read and checked once, not once
    per row, which is most of the cost of a dot product on scalars.
    """
    if biases is None:
        biases = [None] * len(rows)
    elif len(biases) != len(rows):
        raise ValueError(f"dots: {len(rows)} rows of weights but {len(biases)} biases")
    n = len(xs)
    for i, row in enumerate(rows):
        if len(row) != n:
            where = f" in row {i}" if len(rows) > 1 else ""
            raise ValueError(f"dot: {len(row)} weights but {n} inputs{where} (lengths must match)")
    x_data, x_parents = _operands(xs, "dot input")
    if not n:  # no products: only a bias, if any, which _mixed_dot handles
        x_parents = None
    layout = dot_layout(n) if x_parents else None  # weight i pairs with parent n + i
    out = []
    for row, bias in zip(rows, biases):
        if x_parents is None or not all(map(_is_value, row)) or not _is_bias_ok(bias):
            out.append(_mixed_dot(row, xs, bias, x_data))
            continue
        # The common cases: a layer's weights (nodes) against inputs that are all nodes or all
        # numbers, plus a bias node. Written out, as this is most of a network's forward pass.
        weights = cast("Sequence[Value]", row)  # checked just above
        w_data = [w.data for w in weights]
        total = builtins.sum(map(mul, w_data, x_data))
        if bias is None:
            parents = (*weights, *x_parents)
            local_grads = (*x_data, *w_data) if x_parents else x_data
        else:
            total += bias.data  # type: ignore[union-attr]  # a Value, checked above
            parents = (*weights, *x_parents, bias)  # type: ignore[arg-type]
            local_grads = (*x_data, *w_data, 1.0) if x_parents else (*x_data, 1.0)
        node = _node(total, "dot", parents, local_grads)
        set_dot_pairs(node, layout)  # higher-order gradients need the pairing; see NodeExtras
        out.append(node)
    return out


def _is_bias_ok(bias: object) -> bool:
    return bias is None or type(bias) is Value  # anything else takes the general path


def _mixed_dot(
    ws: Sequence[Value | Number],
    xs: Sequence[Value | Number],
    bias: object,
    x_data: tuple[float, ...],
) -> Value:
    """A dot node when numbers and Values are mixed among the weights, inputs or bias.

    Parents are laid out as `NodeExtras.dot_pairs` describes: the weights whose input is also a
    Value, then those inputs, then the operands whose partner is a constant, then the bias.
    """
    w_data, _ = _operands(ws, "dot weight")
    total = builtins.sum(map(mul, w_data, x_data), 0.0)
    paired_w: list[Value] = []
    paired_x: list[Value] = []
    singles: list[Value] = []
    single_grads: list[float] = []
    for w, x, wd, xd in zip(ws, xs, w_data, x_data):
        if isinstance(w, Value) and isinstance(x, Value):
            paired_w.append(w)
            paired_x.append(x)
        elif isinstance(w, Value):
            singles.append(w)
            single_grads.append(xd)
        elif isinstance(x, Value):
            singles.append(x)
            single_grads.append(wd)
    if isinstance(bias, Value):
        total += bias.data
        singles.append(bias)
        single_grads.append(1.0)
    elif bias is not None:
        total += _operand(bias, "dot bias")
    parents = (*paired_w, *paired_x, *singles)
    if not parents:
        return Value(total)
    local_grads = (*[x.data for x in paired_x], *[w.data for w in paired_w], *single_grads)
    node = _node(total, "dot", parents, local_grads)
    set_dot_pairs(node, dot_layout(len(paired_w)) if paired_w else None)
    return node


_is_value = Value.__instancecheck__
_JUST_FLOAT = {float}


def _operands(
    items: Sequence[Value | Number], where: str
) -> tuple[tuple[float, ...], tuple[Value, ...] | None]:
    """The operands' floats, and which of them are nodes: all of them, none (the empty tuple),
    or None when Values and numbers are mixed."""
    if all(map(_is_value, items)):
        values = cast("Sequence[Value]", items)
        return tuple([v.data for v in values]), tuple(values)
    if set(map(type, items)) == _JUST_FLOAT:  # a layer's inputs as plain floats (data sets)
        return tuple(cast("Sequence[float]", items)), ()
    data = tuple([v.data if isinstance(v, Value) else _operand(v, where) for v in items])
    return data, (None if any(map(_is_value, items)) else ())
