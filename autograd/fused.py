"""Fused n-ary nodes: a whole sum or dot product as one node with many parents.

A neuron built from ``+`` and ``*`` makes 2n nodes; as one `dot` node it makes one, with the same
gradients. Fewer nodes is less to allocate, order and walk: this is what makes training fast.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from operator import mul
from typing import cast

from autograd.op import DotLayout
from autograd.ops import DOT, SUM
from autograd.value import Number, Value, as_constant, make_node

__all__ = ["sum", "dot", "dots"]

_SHARED_UP_TO = 64
"""Sums and dot layouts of up to this many terms share one tuple of ones / one layout (a
layer's width); longer ones get their own, so the caches stay a few kB however long the sums."""

_ONES: dict[int, tuple[float, ...]] = {}
_LAYOUTS: dict[int, DotLayout] = {}


def _ones(n: int) -> tuple[float, ...]:
    """A tuple of n ones: the local derivatives of an n-way sum (shared for short sums)."""
    ones = _ONES.get(n)
    if ones is None:
        ones = (1.0,) * n
        if n <= _SHARED_UP_TO:
            _ONES[n] = ones
    return ones


def dot_layout(pairs: int, offset: float = 0.0) -> DotLayout | None:
    """A dot node's constant: how many weight/input pairs lead its parents, and the numbers
    folded into its value (None when there is neither)."""
    if offset:
        return DotLayout(pairs, offset)
    if not pairs:
        return None
    layout = _LAYOUTS.get(pairs)
    if layout is None:
        layout = DotLayout(pairs)
        if pairs <= _SHARED_UP_TO:
            _LAYOUTS[pairs] = layout
    return layout


def _sequence(items: object, where: str, ordered: bool = True) -> None:
    """TypeError for operands given as a str/bytes (their items are characters or byte values),
    as a non-iterable, or (when ``ordered``) as a set: a dot product's pairing would be arbitrary."""
    if type(items) is list or type(items) is tuple:  # the usual case, accepted at once
        return
    kind = type(items).__name__
    if isinstance(items, (str, bytes, bytearray, memoryview)):
        raise TypeError(f"{where}: expected Values or numbers, got {kind}")
    if ordered and isinstance(items, (set, frozenset)):
        raise TypeError(f"{where}: got a {kind}, unordered: the pairing would be arbitrary")
    if not hasattr(items, "__iter__"):
        raise TypeError(f"{where}: expected an iterable of Values or numbers, got {kind}")


def _operand(x: object, where: str) -> float:
    c = as_constant(x)
    if c is None:
        raise TypeError(f"{where}: expected a Value or a real number, got {type(x).__name__}")
    return c


def sum(values: Iterable[Value | Number]) -> Value:
    """The sum of ``values`` as one node; plain numbers are added up into its constant (shown
    as "sum + c")."""
    _sequence(values, "sum", ordered=False)
    items = list(values)
    parents = [v for v in items if isinstance(v, Value)]
    total = builtins.sum(v.data for v in parents)
    constant = None
    if len(parents) != len(items):
        constant = builtins.sum(_operand(v, "sum") for v in items if not isinstance(v, Value))
        total += constant
    if not parents:
        return Value(total)
    return make_node(total, SUM, tuple(parents), _ones(len(parents)), constant)


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
    if type(rows) is not list or type(xs) is not list:  # a layer passes lists: no call
        _sequence(rows, "dots")
        _sequence(xs, "dot")
    if biases is None:
        biases = [None] * len(rows)
    elif len(biases) != len(rows):
        raise ValueError(f"dots: {len(rows)} rows of weights but {len(biases)} biases")
    n = len(xs)
    for i, row in enumerate(rows):
        if type(row) is not list:
            _sequence(row, "dot")
        if len(row) != n:
            where = f" in row {i}" if len(rows) > 1 else ""
            raise ValueError(f"dot: {len(row)} weights but {n} inputs{where} (lengths must match)")
    x_data, x_parents = _operands(xs, "dot input")
    if not n:  # no products: only a bias, if any, which _mixed_dot handles
        x_parents = None
    if x_parents is None:  # Values and numbers mixed among the inputs
        return [_mixed_dot(row, xs, bias, x_data) for row, bias in zip(rows, biases)]
    layout = dot_layout(n) if x_parents else None  # weight i pairs with parent n + i
    out = []
    for row, bias in zip(rows, biases):
        # The common cases: a layer's weights (nodes) against inputs that are all nodes or all
        # numbers, plus a bias node. Written out, as this is most of a network's forward pass;
        # reading the weights' data checks that they are all Values (anything else, a Value
        # subclass included, takes the general path).
        w_data = None
        if bias is None or type(bias) is Value:
            w_data = [w.data for w in row if type(w) is Value]
        if w_data is None or len(w_data) != n:
            out.append(_mixed_dot(row, xs, bias, x_data))
            continue
        weights: Sequence[Value] = row  # type: ignore[assignment]  # all Values: checked above
        total = builtins.sum(map(mul, w_data, x_data))
        if bias is None:
            parents = (*weights, *x_parents)
            local_grads = (*x_data, *w_data) if x_parents else x_data
        else:
            total += bias.data  # type: ignore[union-attr]  # a Value, checked above
            parents = (*weights, *x_parents, bias)  # type: ignore[arg-type]  # a Value
            local_grads = (*x_data, *w_data, 1.0) if x_parents else (*x_data, 1.0)
        out.append(make_node(total, DOT, parents, local_grads, layout))
    return out


def _mixed_dot(
    ws: Sequence[Value | Number],
    xs: Sequence[Value | Number],
    bias: object,
    x_data: tuple[float, ...],
) -> Value:
    """A dot node when numbers and Values are mixed among the weights, inputs or bias.

    Parents are laid out as `autograd.op.DotLayout` describes: the weights whose input is also
    a Value, then those inputs, then the operands whose partner is a constant, then the bias;
    the products of two numbers (and a number bias) are added up into its offset.
    """
    w_data, _ = _operands(ws, "dot weight")
    total = builtins.sum(map(mul, w_data, x_data), 0.0)
    offset = 0.0
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
        else:
            offset += wd * xd
    if isinstance(bias, Value):
        total += bias.data
        singles.append(bias)
        single_grads.append(1.0)
    elif bias is not None:
        number = _operand(bias, "dot bias")
        total += number
        offset += number
    parents = (*paired_w, *paired_x, *singles)
    if not parents:
        return Value(total)
    local_grads = (*[x.data for x in paired_x], *[w.data for w in paired_w], *single_grads)
    return make_node(total, DOT, parents, local_grads, dot_layout(len(paired_w), offset))


_is_value = Value.__instancecheck__
_JUST_FLOAT = {float}


def _operands(
    items: Sequence[Value | Number], where: str
) -> tuple[tuple[float, ...], tuple[Value, ...] | None]:
    """The operands' floats, and which of them are nodes: all of them, none (the empty tuple),
    or None when Values and numbers are mixed."""
    if all(map(_is_value, items)):
        return tuple([v.data for v in items]), tuple(items)  # type: ignore[union-attr, arg-type]
    if set(map(type, items)) == _JUST_FLOAT:  # a layer's inputs as plain floats (data sets)
        return tuple(cast("Sequence[float]", items)), ()
    data = tuple([v.data if isinstance(v, Value) else _operand(v, where) for v in items])
    return data, (None if any(map(_is_value, items)) else ())
