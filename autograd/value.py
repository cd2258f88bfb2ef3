"""`Value`: one scalar node of the graph, and the operators that build new nodes from it.

A node keeps its parents and the local derivatives d(self)/d(parent) as plain tuples, computed
in the forward pass by the rules in `autograd.ops`. There are no closures and no references from
a parent to its children, so a finished graph has no reference cycles and is freed by reference
counting alone the moment the last name for its output goes away.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

from autograd import ops
from autograd.anomaly import check_forward
from autograd.copying import deep_copy, reduce, shallow_copy
from autograd.hooks import Hook, register_hook
from autograd.mode import MODE

__all__ = ["Value", "Number", "as_constant", "format_constant"]

Number = int | float
"""What may stand on the other side of an operator: int, float, or a numpy real scalar."""


def as_constant(x: object) -> float | None:
    """``x`` as a float if it is a real number (bool excluded), else None."""
    kind = type(x)
    if kind is float:
        return x  # type: ignore[return-value]
    if kind is int:
        return _to_float(x)  # type: ignore[arg-type]
    if kind is bool or not isinstance(x, numbers.Real):
        return None
    return _to_float(x)  # any other real: a Fraction, a numpy scalar, an int subclass


def _to_float(n: numbers.Real) -> float:
    """``float(n)``, with a ValueError naming the number where it is too large for a float."""
    try:
        return float(n)
    except OverflowError:
        text = repr(n)
        if len(text) > 40:
            text = f"{text[:20]}...({len(text)} characters)"
        raise ValueError(f"the {type(n).__name__} {text} is too large for a float") from None


def format_constant(c: float) -> str:
    """How a constant is written inside an op name: 2 for 2.0, 0.5 for 0.5."""
    return str(int(c)) if c.is_integer() and abs(c) < 1e15 else repr(c)


def _node(
    data: float, op: str, parents: tuple[Value, ...], local_grads: tuple[float, ...]
) -> Value:
    """A new node made by an op. Under no_grad it is a leaf: no op, parents or derivatives.

    Only ``MODE.plain`` is read on the common path (no thread has changed a mode), so anomaly
    detection costs nothing when off.
    """
    out = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._extra = None
    if MODE.plain:  # recording, anomaly detection off: every op of a training step
        out.op = op
        out.parents = parents
        out.local_grads = local_grads
    elif MODE.record:  # some thread changed a mode: under detect_anomaly(), check and note
        out.op = op
        out.parents = parents
        out.local_grads = local_grads
        if MODE.anomaly:
            _check_new_node(out, op, parents, local_grads)
    else:  # no_grad(): a leaf
        out.op = ""
        out.parents = ()
        out.local_grads = ()
        if MODE.anomaly:
            _check_new_node(out, op, parents, local_grads)
    return out


def _check_new_node(
    out: Value, op: str, parents: tuple[Value, ...], local_grads: tuple[float, ...]
) -> None:
    check_forward(out, op, parents, local_grads)


_new_value = object.__new__


def _graph_not_imported(*args: object, **kwargs: object) -> None:
    raise RuntimeError("Value.backward needs autograd.graph: import autograd")


backward_walk: Callable[..., None] = _graph_not_imported
"""What `Value.backward` runs: `autograd.graph.backward`, set by that module when it is imported
(importing `autograd` does). graph builds on this module, so this module cannot import it."""

_UNIT = (1.0,)
"""Shared by every node whose one local derivative is 1 (x + c, x - c): saves a tuple each."""


def _unary(x: Value, name: str, rule: Callable[[float], tuple[float, float]]) -> Value:
    out, derivative = rule(x.data)
    return _node(out, name, (x,), (derivative,))


def _binary(
    symbol: str, rule: Callable[[float, float], tuple[float, float, float]]
) -> tuple[Callable[[Value, Any], Value], Callable[[Value, Any], Value]]:
    """The forward and reflected operator for one binary rule (as CPython's fractions does).

    A Value on both sides makes a node with two parents; a plain number makes a node with one
    parent, the number being a constant baked into the local derivative.
    """

    def forward(self: Value, other: Any) -> Value:
        if type(other) is Value or isinstance(other, Value):
            out, d_self, d_other = rule(self.data, other.data)
            return _node(out, symbol, (self, other), (d_self, d_other))
        c = as_constant(other)
        if c is None:
            return NotImplemented  # type: ignore[no-any-return]
        out, d_self, _ = rule(self.data, c)
        return _node(out, symbol, (self,), _UNIT if d_self == 1.0 else (d_self,))

    def reflected(self: Value, other: Any) -> Value:
        c = as_constant(other)
        if c is None:
            return NotImplemented  # type: ignore[no-any-return]
        out, _, d_self = rule(c, self.data)
        name = symbol if symbol in "+*" else f"{format_constant(c)}{symbol}"
        return _node(out, name, (self,), (d_self,))

    forward.__name__ = forward.__qualname__ = f"__{rule.__name__}__"
    reflected.__name__ = reflected.__qualname__ = f"__r{rule.__name__}__"
    forward.__doc__ = f"self {symbol} other"
    reflected.__doc__ = f"other {symbol} self (a constant on the left)"
    return forward, reflected


class Value:
    """A scalar in the graph: its data, its gradient, and how it was made.

    Attributes:
        data: the float value.
        grad: d(output)/d(self) after ``backward`` (0.0 at creation). Leaves accumulate over
            backward calls, as in PyTorch; an intermediate node holds its gradient from the
            latest backward through it.
        label: a name for display ("" if none).
        op: the op that made this node ("" for a leaf).
        parents: the Value operands of that op (plain-number constants are not nodes).
        local_grads: d(self)/d(parent) for each parent, in the same order, as floats.
    """

    __slots__ = ("data", "grad", "label", "op", "parents", "local_grads", "_extra")

    data: float
    grad: Any  # a float; a Value after backward(create_graph=True)
    label: str
    op: str
    parents: tuple[Value, ...]
    local_grads: tuple[float, ...]
    _extra: Any  # None, or the rarely used per-node extras (hooks, creation site)

    def __init__(self, data: Number, label: str = "") -> None:
        value = as_constant(data)
        if value is None:
            hint = (
                " (use .detach() for a new leaf with its data)" if isinstance(data, Value) else ""
            )
            raise TypeError(f"Value() takes a real number, got {type(data).__name__}{hint}")
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}")
        self.data = value
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.parents = ()
        self.local_grads = ()
        self._extra = None

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self.op!r}" if self.op else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label}{op})"

    @property
    def op_label(self) -> str:
        """The op as views write it, with any constant operand ("" for a leaf)."""
        return self.op

    # ------------------------------------------------------------ copies and pickle, any depth

    def __copy__(self) -> Value:
        return shallow_copy(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        return deep_copy(self, memo)

    def __reduce__(self) -> tuple[Any, ...]:
        return reduce(self)

    def is_leaf(self) -> bool:
        """True for a node with no parents (made by the user, or under no_grad)."""
        return not self.parents

    def detach(self) -> Value:
        """A new leaf with the same data, cut off from this node's graph."""
        return Value(self.data, self.label)

    # ------------------------------------------------------------ arithmetic (see _binary)

    __add__, __radd__ = _binary("+", ops.add)
    __sub__, __rsub__ = _binary("-", ops.sub)
    __mul__, __rmul__ = _binary("*", ops.mul)
    __truediv__, __rtruediv__ = _binary("/", ops.div)

    def __neg__(self) -> Value:
        return _unary(self, "neg", ops.neg)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return _unary(self, "abs", ops.absolute)

    def __pow__(self, exponent: Value | Number) -> Value:
        if type(exponent) is Value or isinstance(exponent, Value):
            out, d_base, d_exp = ops.pow_value(self.data, exponent.data)
            return _node(out, "**", (self, exponent), (d_base, d_exp))
        c = as_constant(exponent)
        if c is None:
            return NotImplemented
        out, d_base = ops.pow_const(self.data, c)
        return _node(out, f"**{format_constant(c)}", (self,), (d_base,))

    def __rpow__(self, base: Number) -> Value:
        c = as_constant(base)
        if c is None:
            return NotImplemented
        out, d_exp = ops.rpow_const(c, self.data)
        return _node(out, f"{format_constant(c)}**", (self,), (d_exp,))

    # ------------------------------------------------------------ elementary functions

    def exp(self) -> Value:
        """e ** x; overflows to inf past x = 709.78 (IEEE)."""
        return _unary(self, "exp", ops.exp)

    def log(self) -> Value:
        """Natural log; ValueError for x <= 0."""
        return _unary(self, "log", ops.log)

    def tanh(self) -> Value:
        """Hyperbolic tangent; finite for any finite x."""
        return _unary(self, "tanh", ops.tanh)

    def sigmoid(self) -> Value:
        """1 / (1 + e**-x), computed without overflow for large |x|."""
        return _unary(self, "sigmoid", ops.sigmoid)

    def relu(self) -> Value:
        """max(0, x); derivative 0 at x = 0, as in PyTorch."""
        return _unary(self, "relu", ops.relu)

    def sqrt(self) -> Value:
        """Square root; ValueError for x < 0, derivative inf at 0."""
        return _unary(self, "sqrt", ops.sqrt)

    def sin(self) -> Value:
        """Sine (radians)."""
        return _unary(self, "sin", ops.sin)

    def cos(self) -> Value:
        """Cosine (radians)."""
        return _unary(self, "cos", ops.cos)

    # ------------------------------------------------------------ backward

    def backward(self, grad: Number = 1.0, *, create_graph: bool = False) -> None:
        """Apply the chain rule from this node to every node it depends on.

        Leaves accumulate into ``.grad`` across calls (call ``zero_grad`` between steps);
        intermediate nodes are reset, so they hold the gradient of this call only. The graph
        is ordered iteratively, so depth is limited by memory, not by the recursion limit.

        With ``create_graph=True`` every ``.grad`` becomes a Value in a graph of its own (local
        derivatives built as Values), so it can be differentiated again: ``x.grad.backward()``
        gives second derivatives. As in PyTorch, this makes a reference cycle (a leaf's
        ``.grad`` refers back to the leaf through its graph), so those nodes wait for the cycle
        collector: prefer ``autograd.grad(y, [x], create_graph=True)``, which stores nothing,
        or set ``.grad = 0.0`` once done.
        """
        backward_walk(self, grad, create_graph=create_graph)

    def register_hook(self, hook: Hook) -> Callable[[], None]:
        """Call ``hook(grad)`` when this node's gradient is final during backward.

        If the hook returns a number (or a Value, under ``create_graph``), that replaces the
        gradient passed on; None keeps it; anything else is a TypeError. A leaf's hook sees
        this call's gradient, and its replacement is what accumulates into ``.grad``. Returns
        a function that removes the hook.
        """
        return register_hook(self, hook)
