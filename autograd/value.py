"""`Value`: one scalar node of the graph, and the operators that build new nodes from it.

``x * y`` runs `Value.__mul__` below: it computes ``out = a * b`` and the local derivatives
``local_grads = (b, a)`` (d out/da = b, d out/db = a), the formulas of ``*``'s row in the table
of `autograd.ops` (`tools/write_operators.py` writes every operator from that table), and
`make_node` stores both. ``loss.backward()`` continues in `autograd.graph`. A node has no
closures and no references to its children, so a finished graph has no reference cycles and is
freed by reference counting alone the moment the last name for its output goes away.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

from autograd.anomaly import check_forward
from autograd.functions import cos, log, sin
from autograd.hooks import Hook, NodeExtras, own_extras, register_hook
from autograd.mode import MODES
from autograd.op import FAST_FORWARD_ERRORS, Op, data_of
from autograd.ops import (
    ABS,
    ADD,
    ADD_NUMBER,
    COS,
    DIV,
    DIV_NUMBER,
    EXP,
    LEAF,
    LOG,
    LOG1P,
    MUL,
    MUL_NUMBER,
    NEG,
    NUMBER_ADD,
    NUMBER_DIV,
    NUMBER_MUL,
    NUMBER_POW,
    NUMBER_SUB,
    POW,
    POW_NUMBER,
    RELU,
    SIGMOID,
    SIN,
    SQRT,
    SUB,
    SUB_NUMBER,
    TANH,
)
from autograd.piecewise import power_derivative

__all__ = ["Value", "Number", "as_constant", "make_node"]

Number = int | float
"""What may stand on the other side of an operator: int, float, or a numpy real scalar."""


def as_constant(x: object) -> float | None:
    """``x`` as a float if it is a real number (bool excluded), else None; a number too large
    for a float is a ValueError naming it."""
    kind = type(x)
    if kind is float:
        return x  # type: ignore[return-value]
    if kind is not int and (kind is bool or not isinstance(x, numbers.Real)):
        return None  # int, the common constant (x ** 2), skips the slower isinstance
    try:
        return float(x)  # type: ignore[arg-type]  # a numbers.Real
    except OverflowError:
        text = repr(x)
        if len(text) > 40:
            text = f"{text[:20]}...({len(text)} characters)"
        raise ValueError(f"the {kind.__name__} {text} is too large for a float") from None


_new = object.__new__


def make_node(
    data: float, op: Op, parents: tuple[Value, ...], local_grads: tuple[Any, ...], constant: Any
) -> Value:
    """The node ``op`` made: every operator ends here. While no context anywhere has changed a
    mode (no_grad, detect_anomaly), that is all: the modes cost one read."""
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.op = op
    node.parents = parents
    node.local_grads = local_grads
    node.constant = constant
    node.extras = None
    if MODES.all_default:
        return node
    return _under_changed_modes(node)


def _under_changed_modes(node: Value) -> Value:
    """A new node under the calling context's modes: under no_grad a leaf (no op, parents or
    derivatives), under detect_anomaly checked."""
    op, parents, local_grads, constant = node.op, node.parents, node.local_grads, node.constant
    if not MODES.record:
        node.op = LEAF
        node.parents = node.local_grads = ()
        node.constant = None
    if MODES.anomaly:
        check_forward(node, op, constant, parents, local_grads)
    return node


class Value:
    """A scalar in the graph: its data, its gradient, and how it was made.

    Attributes:
        data: the float value.
        grad: d(output)/d(self) after ``backward`` (0.0 at creation). Leaves accumulate over
            backward calls, as in PyTorch; an intermediate node holds its gradient from the
            latest backward through it.
        label: a name for display ("" if none), kept in ``extras``.
        op: the `autograd.op.Op` that made this node; it compares equal to its name
            (``node.op == "tanh"``) and is falsy for a leaf (`autograd.ops.LEAF`, equal to "").
        parents: the Value operands of that op (plain-number constants are not nodes).
        local_grads: d(self)/d(parent) for each parent, in the same order, as floats.
        constant: the op's constant operand (7.0 for ``x * 7`` and ``7 * x``; a tuple for a
            user op with several), a `sum`'s folded numbers, a `dot`'s `autograd.op.DotLayout`;
            None if none. ``op_label`` shows it.
        extras: None, or the rarely used per-node data (`autograd.hooks.NodeExtras`: label,
            hooks, creation site), kept apart so that ordinary nodes stay small.
    """

    __slots__ = ("data", "grad", "op", "parents", "local_grads", "constant", "extras")

    data: float
    grad: Any  # a float; a Value after backward(create_graph=True)
    op: Op
    parents: tuple[Value, ...]
    local_grads: tuple[Any, ...]
    constant: Any
    extras: NodeExtras | None

    def __init__(self, data: Number, label: str = "") -> None:
        value = as_constant(data)
        if value is None:
            hint = (
                " (use .detach() for a new leaf with its data)" if isinstance(data, Value) else ""
            )
            raise TypeError(f"Value() takes a real number, got {type(data).__name__}{hint}")
        self.data = value
        self.grad = 0.0
        self.op = LEAF
        self.parents = ()
        self.local_grads = ()
        self.constant = None
        self.extras = None
        if label:
            self.label = label
        elif not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}")

    @property
    def label(self) -> str:
        """A name for display ("" if none)."""
        return self.extras.label if self.extras is not None else ""

    @label.setter
    def label(self, label: str) -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}")
        if label or self.extras is not None:
            own_extras(self).label = label

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self.op.name!r}" if self.op else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label}{op})"

    @property
    def op_label(self) -> str:
        """The op as views write it, with its constant: "* 7" for ``x * 7``, "7 *" for
        ``7 * x``, "** 2", "tanh", "dot", "sum + 1" (numbers folded in), "" for a leaf."""
        return self.op.label(self.constant)

    # Copies, pickles and backward walk the whole graph: `autograd.copying` and `autograd.graph`
    # build on Value, so these methods import them when called (the imports back up the layers).

    def __copy__(self) -> Value:
        from autograd.copying import shallow_copy

        return shallow_copy(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        from autograd.copying import deep_copy

        return deep_copy(self, memo)

    def __reduce__(self) -> tuple[Any, ...]:
        from autograd.copying import reduce

        return reduce(self)

    def is_leaf(self) -> bool:
        """True for a node with no parents (made by the user, or under no_grad)."""
        return not self.parents

    def detach(self) -> Value:
        """A new leaf with the same data, cut off from this node's graph."""
        return Value(self.data, self.label)

    # ---------------------------------------------------------------- operators
    # Written by `make operators` (tools/write_operators.py) from the table in autograd/ops.py:
    # edit the table, not these. Each computes its op's forward and local derivatives with the
    # table's own formulas and hands them to `make_node`. A number on the other side is the
    # node's constant, not a parent: x * 7 is MUL_NUMBER (7 is b), 7 * x is NUMBER_MUL (7 is
    # a), and the node keeps the derivative for its one parent.

    def __add__(self, other: Value | Number) -> Value:
        """self + other"""
        a = self.data
        b: float | None
        local_grads: tuple[float, ...]
        if type(other) is float:  # the common constant, tested first
            b = other
        elif isinstance(other, Value):
            b = other.data
            out = a + b
            local_grads = (1.0, 1.0)
            return make_node(out, ADD, (self, other), local_grads, None)
        else:
            b = as_constant(other)
            if b is None:
                return NotImplemented
        out = a + b
        local_grads = (1.0,)
        return make_node(out, ADD_NUMBER, (self,), local_grads, b)

    def __radd__(self, other: Number) -> Value:
        """other + self, a number on the left"""
        a = other if type(other) is float else as_constant(other)
        if a is None:
            return NotImplemented
        b = self.data
        out = a + b
        local_grads = (1.0,)
        return make_node(out, NUMBER_ADD, (self,), local_grads, a)

    def __sub__(self, other: Value | Number) -> Value:
        """self - other"""
        a = self.data
        b: float | None
        local_grads: tuple[float, ...]
        if type(other) is float:  # the common constant, tested first
            b = other
        elif isinstance(other, Value):
            b = other.data
            out = a - b
            local_grads = (1.0, -1.0)
            return make_node(out, SUB, (self, other), local_grads, None)
        else:
            b = as_constant(other)
            if b is None:
                return NotImplemented
        out = a - b
        local_grads = (1.0,)
        return make_node(out, SUB_NUMBER, (self,), local_grads, b)

    def __rsub__(self, other: Number) -> Value:
        """other - self, a number on the left"""
        a = other if type(other) is float else as_constant(other)
        if a is None:
            return NotImplemented
        b = self.data
        out = a - b
        local_grads = (-1.0,)
        return make_node(out, NUMBER_SUB, (self,), local_grads, a)

    def __mul__(self, other: Value | Number) -> Value:
        """self * other"""
        a = self.data
        b: float | None
        local_grads: tuple[float, ...]
        if type(other) is float:  # the common constant, tested first
            b = other
        elif isinstance(other, Value):
            b = other.data
            out = a * b
            local_grads = (b, a)
            return make_node(out, MUL, (self, other), local_grads, None)
        else:
            b = as_constant(other)
            if b is None:
                return NotImplemented
        out = a * b
        local_grads = (b,)
        return make_node(out, MUL_NUMBER, (self,), local_grads, b)

    def __rmul__(self, other: Number) -> Value:
        """other * self, a number on the left"""
        a = other if type(other) is float else as_constant(other)
        if a is None:
            return NotImplemented
        b = self.data
        out = a * b
        local_grads = (a,)
        return make_node(out, NUMBER_MUL, (self,), local_grads, a)

    def __truediv__(self, other: Value | Number) -> Value:
        """self / other; ValueError for a zero divisor"""
        a = self.data
        b: float | None
        local_grads: tuple[float, ...]
        if type(other) is float:  # the common constant, tested first
            b = other
        elif isinstance(other, Value):
            b = other.data
            try:
                out = a / b
            except FAST_FORWARD_ERRORS:  # the op's own forward: inf, or the clear error
                out = DIV.forward(a, b)
            local_grads = (1.0 / b, -out / b)
            return make_node(out, DIV, (self, other), local_grads, None)
        else:
            b = as_constant(other)
            if b is None:
                return NotImplemented
        try:
            out = a / b
        except FAST_FORWARD_ERRORS:  # the op's own forward: inf, or the clear error
            out = DIV_NUMBER.forward(a, b)
        local_grads = (1.0 / b,)
        return make_node(out, DIV_NUMBER, (self,), local_grads, b)

    def __rtruediv__(self, other: Number) -> Value:
        """other / self, a number on the left"""
        a = other if type(other) is float else as_constant(other)
        if a is None:
            return NotImplemented
        b = self.data
        try:
            out = a / b
        except FAST_FORWARD_ERRORS:  # the op's own forward: inf, or the clear error
            out = NUMBER_DIV.forward(a, b)
        local_grads = (-out / b,)
        return make_node(out, NUMBER_DIV, (self,), local_grads, a)

    def __pow__(self, other: Value | Number) -> Value:
        """self ** other; a Value exponent needs a base >= 0 (d/db is out * ln a)"""
        a = self.data
        b: float | None
        local_grads: tuple[float, ...]
        if type(other) is float:  # the common constant, tested first
            b = other
        elif isinstance(other, Value):
            b = other.data
            out = POW.forward(a, b)
            local_grads = POW.derivative(a, b, out)
            return make_node(out, POW, (self, other), local_grads, None)
        else:
            b = as_constant(other)
            if b is None:
                return NotImplemented
        try:
            out = math.pow(a, b)
        except FAST_FORWARD_ERRORS:  # the op's own forward: inf, or the clear error
            out = POW_NUMBER.forward(a, b)
        local_grads = (2.0 * a if b == 2.0 else power_derivative(a, b),)
        return make_node(out, POW_NUMBER, (self,), local_grads, b)

    def __rpow__(self, other: Number) -> Value:
        """other ** self, a number base (>= 0) to a Value power"""
        a = other if type(other) is float else as_constant(other)
        if a is None:
            return NotImplemented
        b = self.data
        out = NUMBER_POW.forward(a, b)
        local_grads = (out * log(a) if a else 0.0,)
        return make_node(out, NUMBER_POW, (self,), local_grads, a)

    def __neg__(self) -> Value:
        """-self"""
        x = self.data
        out = -x
        local_grads = (-1.0,)
        return make_node(out, NEG, (self,), local_grads, None)

    def __abs__(self) -> Value:
        """|self|; derivative 0 at 0, as in PyTorch."""
        x = self.data
        out = abs(x)
        local_grads = (1.0,) if x > 0.0 else (-1.0,) if x < 0.0 else (0.0,) if x == 0.0 else (x,)
        return make_node(out, ABS, (self,), local_grads, None)

    def exp(self) -> Value:
        """e ** x; overflows to inf past x = 709.78 (IEEE)."""
        x = self.data
        try:
            out = math.exp(x)
        except FAST_FORWARD_ERRORS:  # the op's own forward: inf, or the clear error
            out = EXP.forward(x)
        local_grads = (out,)
        return make_node(out, EXP, (self,), local_grads, None)

    def log(self) -> Value:
        """Natural log; ValueError for x <= 0."""
        x = self.data
        try:
            out = math.log(x)
        except FAST_FORWARD_ERRORS:  # the op's own forward: inf, or the clear error
            out = LOG.forward(x)
        local_grads = (1.0 / x,)
        return make_node(out, LOG, (self,), local_grads, None)

    def log1p(self) -> Value:
        """log(1 + x), exact for tiny x; ValueError for x <= -1."""
        x = self.data
        try:
            out = math.log1p(x)
        except FAST_FORWARD_ERRORS:  # the op's own forward: inf, or the clear error
            out = LOG1P.forward(x)
        local_grads = (1.0 / (1.0 + x),)
        return make_node(out, LOG1P, (self,), local_grads, None)

    def tanh(self) -> Value:
        """Hyperbolic tangent; finite for any finite x."""
        x = self.data
        out = math.tanh(x)
        local_grads = (1.0 - out * out,)
        return make_node(out, TANH, (self,), local_grads, None)

    def sigmoid(self) -> Value:
        """1 / (1 + e**-x), computed without overflow for large |x|."""
        x = self.data
        out = SIGMOID.forward(x)
        local_grads = (out * (1.0 - out),)
        return make_node(out, SIGMOID, (self,), local_grads, None)

    def relu(self) -> Value:
        """max(0, x); derivative 0 at x = 0, as in PyTorch."""
        x = self.data
        out = x if x > 0.0 else 0.0 if x <= 0.0 else x
        local_grads = (1.0,) if x > 0.0 else (0.0,) if x <= 0.0 else (x,)
        return make_node(out, RELU, (self,), local_grads, None)

    def sqrt(self) -> Value:
        """Square root; ValueError for x < 0, derivative inf at 0."""
        x = self.data
        try:
            out = math.sqrt(x)
        except FAST_FORWARD_ERRORS:  # the op's own forward: inf, or the clear error
            out = SQRT.forward(x)
        local_grads = (0.5 / out if data_of(out) != 0.0 else math.inf,)
        return make_node(out, SQRT, (self,), local_grads, None)

    def sin(self) -> Value:
        """Sine (radians)."""
        x = self.data
        try:
            out = math.sin(x)
        except FAST_FORWARD_ERRORS:  # the op's own forward: inf, or the clear error
            out = SIN.forward(x)
        local_grads = (cos(x),)
        return make_node(out, SIN, (self,), local_grads, None)

    def cos(self) -> Value:
        """Cosine (radians)."""
        x = self.data
        try:
            out = math.cos(x)
        except FAST_FORWARD_ERRORS:  # the op's own forward: inf, or the clear error
            out = COS.forward(x)
        local_grads = (-sin(x),)
        return make_node(out, COS, (self,), local_grads, None)

    # ---------------------------------------------------------------- end of the operators

    def __pos__(self) -> Value:
        return self

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
        from autograd.graph import backward  # graph builds on Value: imported when called

        backward(self, grad, create_graph=create_graph)

    def register_hook(self, hook: Hook) -> Callable[[], None]:
        """Call ``hook(grad)`` when this node's gradient is final during backward.

        If the hook returns a number (or a Value, under ``create_graph``), that replaces the
        gradient passed on; None keeps it; anything else is a TypeError. A leaf's hook sees
        this call's gradient, and its replacement is what accumulates into ``.grad``. Returns
        a function that removes the hook.
        """
        return register_hook(self, hook)
