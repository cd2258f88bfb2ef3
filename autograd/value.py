"""`Value`: one scalar node of the graph, and the operators that build new nodes from it.

A node keeps its parents and the local derivatives d(self)/d(parent) as plain tuples, computed
in the forward pass from the op definitions in `autograd.ops`: each operator of `Value` is
written from its op's formulas (see `_BINARY`), so ``x * y`` computes ``a * b`` and ``(b, a)``
in place; ``inspect.getsource(Value.__mul__)`` shows the code. There are no closures and no
references from a parent to its children, so a finished graph has no reference cycles and is
freed by reference counting alone the moment the last name for its output goes away.
"""

from __future__ import annotations

import linecache
import numbers
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import autograd.ops as ops
from autograd.anomaly import check_forward
from autograd.copying import deep_copy, reduce, shallow_copy
from autograd.hooks import Hook, NodeExtras, own_extras, register_hook
from autograd.mode import MODE
from autograd.ops import FAST_FORWARD_ERRORS, Op

__all__ = ["Value", "Number", "apply_op", "as_constant", "define_op", "make_node"]

Number = int | float
"""What may stand on the other side of an operator: int, float, or a numpy real scalar."""


def as_constant(x: object) -> float | None:
    """``x`` as a float if it is a real number (bool excluded), else None."""
    kind = type(x)
    if kind is float:
        return x  # type: ignore[return-value]
    if kind is int:  # x ** 2, x * 3: converted here, a call fewer than _to_float
        try:
            return float(x)  # type: ignore[arg-type]
        except OverflowError:
            return _to_float(x)  # type: ignore[arg-type]  # raises, naming the number
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


def make_node(
    data: float, op: Op, parents: tuple[Value, ...], local_grads: tuple[float, ...], constant: Any
) -> Value:
    """A new node made by ``op``. Under no_grad it is a leaf: no op, parents or derivatives.

    Only ``MODE.plain`` is read on the common path, so anomaly detection costs nothing when off.
    `Value`'s operators fill in the same seven attributes themselves while ``MODE.plain`` holds
    (a call fewer per op) and call this otherwise.
    """
    out = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out._extra = None
    if MODE.plain:  # recording, anomaly detection off: every op of a training step
        out.op = op
        out.parents = parents
        out.local_grads = local_grads
        out.constant = constant
    else:
        _record_slowly(out, op, parents, local_grads, constant)
    return out


def _record_slowly(
    out: Value, op: Op, parents: tuple[Value, ...], local_grads: tuple[float, ...], constant: Any
) -> None:
    """`make_node` under no_grad or detect_anomaly."""
    if MODE.record:
        out.op = op
        out.parents = parents
        out.local_grads = local_grads
        out.constant = constant
    else:  # no_grad(): a leaf
        out.op = ops.LEAF
        out.parents = ()
        out.local_grads = ()
        out.constant = None
    if MODE.anomaly:
        check_forward(out, op, constant, parents, local_grads)


_new_value = object.__new__


def _graph_not_imported(*args: object, **kwargs: object) -> None:
    raise RuntimeError("Value.backward needs autograd.graph: import autograd")


backward_walk: Callable[..., None] = _graph_not_imported
"""What `Value.backward` runs: `autograd.graph.backward`, set by that module when it is imported
(importing `autograd` does). graph builds on this module, so this module cannot import it."""


# ---------------------------------------------------------------- the operators, written from ops

# Each operator of `Value` is written from its op's definition (`Op.inline_source`) into the
# templates below, so it computes the forward and the local derivatives in place, as a node
# written by hand would, with no call per op: ``inspect.getsource(Value.__mul__)`` shows the
# result. A number on either side is the node's constant (``x - 2``: the op's `Form` with a
# constant second operand, called ``right`` here; ``2 - x``: ``left``).

_BINARY = """\
def {method}(self, other):
    kind = type(other)
    if kind is float:  # the common constant, checked first
        b = other
    elif kind is Value or isinstance(other, Value):
        a = self.data
        b = other.data
{both}
    else:
        b = as_constant(other)
        if b is None:
            return NotImplemented
    a = self.data
{right}

def {reflected}(self, other):
    a = other if type(other) is float else as_constant(other)
    if a is None:
        return NotImplemented
    b = self.data
{left}
"""

_UNARY = """\
def {method}(self):
    x = self.data
{op}
"""

_NODE = """\
try:
    out = {forward}
    local_grads = {local_grads}
except FAST_FORWARD_ERRORS:  # the op's own forward: the IEEE result (inf), or the clear error
    out = {role}.forward({operands})
    local_grads = {role}.local_grads([{operands}], out)
if not MODE.plain:  # under no_grad or detect_anomaly, make_node decides
    return make_node(out, {role}, {parents}, local_grads, {constant})
node = new_value(Value)
node.data = out
node.grad = 0.0
node.op = {role}
node.parents = {parents}
node.local_grads = local_grads
node.constant = {constant}
node._extra = None
return node"""

_OPERATOR_NAMES: dict[str, Any] = {
    **ops.FORMULA_NAMES,
    "__name__": __name__,  # their frames belong to this module (detect_anomaly skips them)
    "FAST_FORWARD_ERRORS": FAST_FORWARD_ERRORS,
    "MODE": MODE,
    "as_constant": as_constant,
    "make_node": make_node,
    "new_value": _new_value,
}
"""The globals of the written operators: what formulas use, what every operator uses, and
each op (by its role, ``op_mul_right``); `Value` is added once the class exists."""


def _node_source(role: str, op: Op, parents: str, constant: str, indent: int) -> str:
    """The lines that make one node of ``op``: forward, local derivatives, the node."""
    inline = op.inline_source(role)
    _OPERATOR_NAMES.update(inline.names)
    _OPERATOR_NAMES[role] = op
    lines = _NODE.format(
        forward=inline.forward,
        local_grads=inline.local_grads,
        role=role,
        operands=inline.operands,
        parents=parents,
        constant=constant,
    )
    return textwrap.indent(lines, " " * indent)


def _write(source: str, name: str) -> dict[str, Any]:
    """Run ``source`` (the operators of one op) and return what it defined; the source is
    registered with linecache, so tracebacks, debuggers and inspect.getsource show it (under a
    "<...>" name, which no loader will answer with another file's lines)."""
    filename = f"<autograd.value: the operators of {name!r}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    defined: dict[str, Any] = {}
    exec(compile(source, filename, "exec"), _OPERATOR_NAMES, defined)
    return defined


def _finish(function: Callable[..., Value], method: str, doc: str) -> Callable[..., Value]:
    function.__qualname__ = f"Value.{method}"
    function.__module__ = __name__
    function.__doc__ = doc
    return function


Binary = Callable[["Value", Any], "Value"]


def _binary(op: Op, method: str) -> tuple[Binary, Binary]:
    """The operator ``method`` (``"__mul__"``) and its reflected twin for a binary op."""
    role = f"op_{method.strip('_')}"
    reflected = f"__r{method[2:]}"
    source = _BINARY.format(
        method=method,
        reflected=reflected,
        both=_node_source(role, op, "(self, other)", "None", 8),
        right=_node_source(f"{role}_right", op.with_constants((1,)), "(self,)", "b", 4),
        left=_node_source(f"{role}_left", op.with_constants((0,)), "(self,)", "a", 4),
    )
    defined = _write(source, op.name)
    return (
        _finish(defined[method], method, f"self {op.name} other"),
        _finish(defined[reflected], reflected, f"other {op.name} self (a constant on the left)"),
    )


def _unary(op: Op, doc: str, method: str = "") -> Callable[[Value], Value]:
    """The method for an op of one operand (``x.tanh()``; ``method`` if not the op's name)."""
    method = method or op.name
    role = f"op_{method.strip('_')}"
    source = _UNARY.format(method=method, op=_node_source(role, op, "(self,)", "None", 4))
    return _finish(_write(source, op.name)[method], method, doc)


class Value:
    """A scalar in the graph: its data, its gradient, and how it was made.

    Attributes:
        data: the float value.
        grad: d(output)/d(self) after ``backward`` (0.0 at creation). Leaves accumulate over
            backward calls, as in PyTorch; an intermediate node holds its gradient from the
            latest backward through it.
        label: a name for display ("" if none); kept in the node's extras (see
            `autograd.hooks.NodeExtras`), as most nodes have none.
        op: the `autograd.ops.Op` that made this node; it compares equal to its name
            (``node.op == "tanh"``) and is falsy for a leaf (`autograd.ops.LEAF`, equal to "").
        parents: the Value operands of that op (plain-number constants are not nodes).
        local_grads: d(self)/d(parent) for each parent, in the same order, as floats.
        constant: the op's constant operand (7.0 for ``x * 7`` and ``7 * x``; a tuple for a
            user op with several), a `sum`'s folded numbers, a `dot`'s `autograd.ops.DotLayout`;
            None if none. ``op_label`` shows it.
    """

    __slots__ = ("data", "grad", "op", "parents", "local_grads", "constant", "_extra")

    data: float
    grad: Any  # a float; a Value after backward(create_graph=True)
    op: Op
    parents: tuple[Value, ...]
    local_grads: tuple[float, ...]
    constant: Any
    _extra: Any  # None, or the rarely used per-node extras (hooks, creation site)

    def __init__(self, data: Number, label: str = "") -> None:
        value = as_constant(data)
        if value is None:
            hint = (
                " (use .detach() for a new leaf with its data)" if isinstance(data, Value) else ""
            )
            raise TypeError(f"Value() takes a real number, got {type(data).__name__}{hint}")
        self.data = value
        self.grad = 0.0
        self.op = ops.LEAF
        self.parents = ()
        self.local_grads = ()
        self.constant = None
        self._extra = None
        if label:
            self.label = label
        elif not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}")

    @property
    def label(self) -> str:
        """A name for display ("" if none)."""
        extra: NodeExtras | None = self._extra
        return extra.label if extra is not None else ""

    @label.setter
    def label(self, label: str) -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}")
        if label or self._extra is not None:
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

    # ------------------------------------------------------------ operators (see _binary)

    __add__, __radd__ = _binary(ops.ADD, "__add__")
    __sub__, __rsub__ = _binary(ops.SUB, "__sub__")
    __mul__, __rmul__ = _binary(ops.MUL, "__mul__")
    __truediv__, __rtruediv__ = _binary(ops.DIV, "__truediv__")
    __pow__, __rpow__ = _binary(ops.POW, "__pow__")
    __neg__ = _unary(ops.NEG, "-self", "__neg__")
    __abs__ = _unary(ops.ABS, "|self|; derivative 0 at 0, as in PyTorch.", "__abs__")

    def __pos__(self) -> Value:
        return self

    # ------------------------------------------------------------ elementary functions

    exp = _unary(ops.EXP, "e ** x; overflows to inf past x = 709.78 (IEEE).")
    log = _unary(ops.LOG, "Natural log; ValueError for x <= 0.")
    tanh = _unary(ops.TANH, "Hyperbolic tangent; finite for any finite x.")
    sigmoid = _unary(ops.SIGMOID, "1 / (1 + e**-x), computed without overflow for large |x|.")
    relu = _unary(ops.RELU, "max(0, x); derivative 0 at x = 0, as in PyTorch.")
    sqrt = _unary(ops.SQRT, "Square root; ValueError for x < 0, derivative inf at 0.")
    sin = _unary(ops.SIN, "Sine (radians).")
    cos = _unary(ops.COS, "Cosine (radians).")

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


_OPERATOR_NAMES["Value"] = Value  # the operators make Values, and take them


def define_op(
    name: str,
    forward: Callable[..., float],
    derivative: Callable[..., tuple[Any, ...]],
    domain: Sequence[ops.Domain] | None = None,
) -> Callable[..., Value]:
    """A new op, defined once: returns a function that takes Values or numbers and builds one
    node (a leaf if every operand is a number).

    ``forward(*xs)`` takes floats and returns a float. ``derivative(*xs, out)`` returns one
    local derivative per operand, written with operators and `autograd.functions` so that it
    gives floats in the forward pass and Values under ``create_graph`` (second derivatives).
    ``domain`` (one `autograd.ops.Domain` per operand) is where `autograd.testing` draws
    operands; by default [-5, 5] for each of forward's parameters. The function's ``.op`` is
    the `autograd.ops.Op`.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"define_op: name must be a non-empty str, got {name!r}")
    if not callable(forward) or not callable(derivative):
        raise TypeError("define_op: forward and derivative must be callable")
    op = Op(name, forward, derivative, domain)

    def apply(*operands: Value | Number) -> Value:
        return apply_op(op, *operands)

    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = f"The op {name!r} (made by autograd.define_op)."
    apply.op = op  # type: ignore[attr-defined]
    return apply


def apply_op(op: Op, *operands: Value | Number) -> Value:
    """One node of ``op`` on ``operands`` (Values or numbers; numbers become its constant), a
    leaf if none is a Value. The operators and methods of `Value` build the same nodes, faster."""
    if len(operands) != op.arity:
        raise TypeError(f"{op.name} takes {op.arity} operands, got {len(operands)}")
    floats: list[float] = []
    parents: list[Value] = []
    constants: list[float] = []
    positions: list[int] = []
    for i, x in enumerate(operands):
        if isinstance(x, Value):
            parents.append(x)
            floats.append(x.data)
            continue
        c = as_constant(x)
        if c is None:
            kind = type(x).__name__
            raise TypeError(f"{op.name}: operand {i} must be a Value or a real number, got {kind}")
        floats.append(c)
        constants.append(c)
        positions.append(i)
    form = op.with_constants(tuple(positions)) if positions and parents else op
    out = float(form.forward(*floats))
    if not parents:
        return Value(out)
    local_grads = form.local_grads(floats, out)
    constant = None if not constants else constants[0] if len(constants) == 1 else tuple(constants)
    return make_node(out, form, tuple(parents), local_grads, constant)
