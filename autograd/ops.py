"""Every op, defined once: its name, its forward on floats, its local derivatives, its domain.

A derivative is written once, with arithmetic and `autograd.functions`, as a function of the
operands and the op's output: ``tanh``'s is ``lambda x, out: (1.0 - out * out,)``. Called on
floats in the forward pass it gives the floats a node stores; called on Values under
``create_graph`` it gives Values, so gradients can be differentiated again. A derivative that is
constant (``+``, ``-``, ``neg``) is written as the tuple itself, and one whose entries are
operands or the output as a tuple of `Operand`s: ``*``'s is (Operand(1), Operand(0)), since
d(a * b)/da = b; exp's is (OUT,). Nodes then take those values without calling anything.

A node refers to its op object (``node.op``), which compares and hashes equal to its name
(``node.op == "tanh"``), and keeps any constant operand in ``node.constant``: ``x - 2`` is `SUB`
with 2 as its second operand, ``2 - x`` the same op with 2 as its first. The op object for an
op with constant operands is a `Form` of the op (made once, shared by every such node).

IEEE behaviour (documented, tested): results that overflow become ``±inf`` (as in PyTorch)
rather than raising; derivatives that are infinite at a point (``sqrt`` at 0) are ``inf``; ``nan``
or ``inf`` operands propagate by IEEE rules. Domain errors (``log(0)``, ``x / 0``) raise
ValueError naming the op. `autograd.detect_anomaly` turns non-finite results into errors.
"""

from __future__ import annotations

import inspect
import math
import operator
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import autograd.functions as functions
from autograd.functions import power

__all__ = [
    "ADD",
    "BUILTIN",
    "COS",
    "DIV",
    "DOT",
    "EXP",
    "LEAF",
    "LOG",
    "MUL",
    "NEG",
    "POW",
    "RELU",
    "SIGMOID",
    "SIN",
    "SQRT",
    "SUB",
    "SUM",
    "TANH",
    "ABS",
    "FAST_FORWARD_ERRORS",
    "Domain",
    "DotLayout",
    "Form",
    "OUT",
    "Op",
    "Operand",
    "data_of",
    "format_constant",
]

FAST_FORWARD_ERRORS = (ArithmeticError, ValueError)
"""What a C ``fast_forward`` raises where the op's ``forward`` has the last word."""

Derivative = Callable[..., tuple[Any, ...]]
"""``derivative(*operands, out)``: one local derivative per operand."""


class Domain(NamedTuple):
    """Where an operand is well-behaved, for property tests and anomaly reports: [low, high],
    kept at least ``margin`` away from each point in ``avoid`` (kinks, poles)."""

    low: float = -5.0
    high: float = 5.0
    avoid: tuple[float, ...] = ()
    margin: float = 1e-2

    def contains(self, x: float) -> bool:
        """True if x is inside the interval and away from the avoided points."""
        return self.low <= x <= self.high and all(abs(x - p) >= self.margin for p in self.avoid)


def data_of(x: Any) -> float:
    """The float inside ``x``: a Value's data, or the number itself (for derivatives that
    branch on where they are, such as sqrt's pole at 0)."""
    return x if type(x) is float else float(getattr(x, "data", x))


def format_constant(c: object) -> str:
    """How a constant is written in an op's label: 2 for 2.0, 0.5 for 0.5."""
    if isinstance(c, float) and c.is_integer() and abs(c) < 1e15:
        return str(int(c))
    return repr(c)


class Op:
    """One operation, defined once.

    Attributes:
        name: what ``node.op`` equals ("tanh", "*"); "" only for `LEAF`.
        forward: floats -> float; raises ValueError outside the op's domain.
        derivative: ``derivative(*operands, out)``, one local derivative per operand, on floats
            or Values. Given as a tuple, it is called for you: constants (``+``: (1.0, 1.0))
            and `Operand` entries, each an operand or the output (``*``: (Operand(1),
            Operand(0)), as d(a * b)/da = b; exp: (OUT,)).
        constant_grads: the tuple, when every local derivative is a constant; else None.
        picks: where every local derivative is an operand or the output, their positions
            (from 0) in ``(*operands, out)``; else None. Operators take those values without
            calling anything.
        domain: one `Domain` per operand.
        infix: True for the operators written between their operands (``x * 7``).
        piecewise_constant: True when the derivative is a constant on each piece (relu, abs):
            its own derivative is 0, so create_graph uses the stored floats and the
            derivative is only ever called on floats.
        fast_forward: ``forward`` itself, or a C function (``math.exp`` for exp) giving the
            same float wherever it returns; where it raises one of `FAST_FORWARD_ERRORS`,
            `Value`'s operators call ``forward``, which gives the IEEE result (inf) or the
            clear error. (A Python call fewer per op; `tests/test_op_objects.py` checks the
            two agree.)
    """

    __slots__ = (
        "name",
        "forward",
        "fast_forward",
        "derivative",
        "picks",
        "constant_grads",
        "domain",
        "infix",
        "piecewise_constant",
        "_forms",
    )

    def __init__(
        self,
        name: str,
        forward: Callable[..., float],
        derivative: Derivative | tuple[float | Operand, ...],
        domain: Sequence[Domain] | None = None,
        *,
        infix: bool = False,
        piecewise_constant: bool = False,
        fast: Callable[..., float] | None = None,
    ) -> None:
        if domain is None:
            domain = (Domain(),) * _arity(forward, name)
        self.name = name
        self.forward = forward
        self.fast_forward = fast or forward
        self.domain = tuple(domain)
        self.infix = infix
        self.piecewise_constant = piecewise_constant
        self._forms: dict[tuple[int, ...], Form] = {}
        self.picks: tuple[int, ...] | None = None
        self.constant_grads: tuple[float, ...] | None = None
        if callable(derivative):
            self.derivative: Derivative = derivative
        elif any(isinstance(d, Operand) for d in derivative):
            entries = tuple(d if isinstance(d, Operand) else float(d) for d in derivative)
            self.derivative = _Picked(entries)
            at = [d.index for d in entries if isinstance(d, Operand)]
            if len(at) == len(entries):  # all operands or the output (which comes after them)
                self.picks = tuple(len(entries) if i == -1 else i for i in at)
        else:
            grads = tuple(float(d) for d in derivative if not isinstance(d, Operand))
            self.derivative = _Constant(grads)
            self.constant_grads = grads

    @property
    def arity(self) -> int:
        """How many operands the op takes."""
        return len(self.domain)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Op):
            return self is other or (self.name == other.name and _base(self) is _base(other))
        return isinstance(other, str) and other == self.name

    def __hash__(self) -> int:
        return hash(self.name)

    def __bool__(self) -> bool:
        return bool(self.name)

    def __str__(self) -> str:
        return self.name

    def __format__(self, spec: str) -> str:
        return format(self.name, spec)

    def __repr__(self) -> str:
        return f"<op {self.name!r}>" if self.name else "<leaf>"

    def __copy__(self) -> Op:
        return self  # a definition, shared by every node: never copied

    def __deepcopy__(self, memo: dict[int, Any]) -> Op:
        return self

    def __reduce__(self) -> str | tuple[Any, ...]:
        """Pickled by reference: a built-in op by its name in this module."""
        for name, value in globals().items():
            if value is self:
                return name
        raise TypeError(
            f"op {self.name!r} (made by define_op) cannot be pickled: pickle the values you "
            "need (data, grad), or define the op again where the graph is loaded"
        )

    # ------------------------------------------------------------ what a node needs

    def label(self, constant: Any) -> str:
        """The op as a drawing writes it, given the node's constant ("tanh", "* 7")."""
        return self.name

    def operands(self, variables: Sequence[Any], constant: Any) -> list[Any]:
        """The op's operands in order, given a node's parents (or values for them) and its
        constant: the parents themselves here; a `Form` puts its constants back in place."""
        return list(variables)

    def local_grads(self, operands: Sequence[float], out: float) -> tuple[float, ...]:
        """d(out)/d(operand) for each operand that is a node, as floats."""
        grads = self.derivative(*operands, out)
        if len(grads) != self.arity:
            raise TypeError(
                f"op {self.name!r}: derivative returned {len(grads)} values for "
                f"{self.arity} operands"
            )
        return tuple([_as_float(d, self.name) for d in grads])

    def grads_as_values(self, node: Any) -> tuple[Any, ...]:
        """d(node)/d(parent) for each parent, written with the parents and the node itself, so
        that under create_graph they are Values (constants stay floats and add no nodes)."""
        if self.constant_grads is not None or self.piecewise_constant:
            return node.local_grads  # type: ignore[no-any-return]
        return self.derivative(*node.parents, node)

    def evaluate(self, node: Any, parent_values: Sequence[float]) -> float:
        """The node's value computed again with its parents at ``parent_values``."""
        return self.forward(*parent_values)

    def add_form(self, form: Form) -> None:
        """Give the op its own definition with constants at ``form.positions``."""
        self._forms[form.positions] = form

    def with_constants(self, positions: tuple[int, ...]) -> Form:
        """This op with constant operands at ``positions`` (made once, then shared)."""
        form = self._forms.get(positions)
        if form is None:
            form = self._forms[positions] = Form(self, positions)
        return form


class Operand:
    """In a derivative written as a tuple: the op's operand ``index`` (``Operand(1)``: the
    second), or, as `OUT`, its output."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index

    def __repr__(self) -> str:
        return "OUT" if self.index == -1 else f"Operand({self.index})"


OUT = Operand(-1)
"""The op's output, in a derivative written as a tuple: exp's is (OUT,)."""


class _Picked:
    """The derivative of an op written as a tuple of `Operand`s and constants."""

    __slots__ = ("entries",)

    def __init__(self, entries: tuple[Operand | float, ...]) -> None:
        self.entries = entries

    def __call__(self, *operands_and_out: Any) -> tuple[Any, ...]:
        return tuple(
            operands_and_out[d.index] if isinstance(d, Operand) else d for d in self.entries
        )


class _Constant:
    """The derivative of an op whose local derivatives are constants: the tuple, always."""

    __slots__ = ("grads",)

    def __init__(self, grads: tuple[float, ...]) -> None:
        self.grads = grads

    def __call__(self, *operands_and_out: Any) -> tuple[float, ...]:
        return self.grads


def _arity(forward: Callable[..., float], name: str) -> int:
    try:
        parameters = inspect.signature(forward).parameters.values()
    except (TypeError, ValueError):
        raise TypeError(f"op {name!r}: give its domain (cannot count forward's operands)") from None
    kinds = {p.kind for p in parameters}
    if inspect.Parameter.VAR_POSITIONAL in kinds:
        raise TypeError(f"op {name!r}: forward takes *args; give its domain, one per operand")
    return len(parameters)


def _as_float(d: Any, name: str) -> float:
    if type(d) is float:
        return d
    if isinstance(d, (int, float)) and not isinstance(d, bool):
        return float(d)
    try:
        return float(d)
    except (TypeError, ValueError):
        raise TypeError(
            f"op {name!r}: a derivative on floats must be a float, got {type(d).__name__}"
        ) from None


def _base(op: Op) -> Op:
    return op.base if isinstance(op, Form) else op


class Form(Op):
    """An op with some operands constant: ``x - 2`` is SUB with the constant at position 1.

    ``node.constant`` holds the constant (a tuple when there are several) and ``node.parents``
    the other operands, in order. Forward and derivative take the full operand list (the
    constants put back in place) and are the base op's, unless the base op gives the form its
    own (``x ** c`` allows a negative base, ``x ** y`` does not); of the derivatives, those of
    the non-constant operands are kept.
    """

    __slots__ = ("base", "positions", "variables")

    def __init__(
        self,
        base: Op,
        positions: tuple[int, ...],
        forward: Callable[..., float] | None = None,
        derivative: Derivative | None = None,
        fast: Callable[..., float] | None = None,
    ) -> None:
        self.base = base
        self.positions = positions
        self.variables = tuple(i for i in range(base.arity) if i not in positions)
        grads = base.constant_grads
        if derivative is not None:
            chosen: Derivative | tuple[float | Operand, ...] = derivative
        elif grads is not None:
            chosen = tuple(grads[i] for i in self.variables)
        else:
            chosen = base.derivative
        domain = tuple(base.domain[i] for i in self.variables)
        super().__init__(
            base.name,
            forward or base.forward,
            chosen,
            domain,
            infix=base.infix,
            piecewise_constant=base.piecewise_constant,
            fast=fast if forward is not None else base.fast_forward,
        )
        if derivative is None and base.picks is not None:  # positions in (*all operands, out)
            self.picks = tuple(base.picks[i] for i in self.variables)

    def operands(self, variables: Sequence[Any], constant: Any) -> list[Any]:
        """The full operand list: the variables with the constants put back in place."""
        constants = constant if len(self.positions) > 1 else (constant,)
        full: list[Any] = list(variables)
        for position, c in zip(self.positions, constants):
            full.insert(position, c)
        return full

    def label(self, constant: Any) -> str:
        constants = constant if len(self.positions) > 1 else (constant,)
        shown = [format_constant(c) for c in constants]
        if self.infix and self.base.arity == 2:
            return (
                f"{self.name} {shown[0]}" if self.positions == (1,) else f"{shown[0]} {self.name}"
            )
        args = ["·"] * self.base.arity
        for position, text in zip(self.positions, shown):
            args[position] = text
        return f"{self.name}({', '.join(args)})"

    def local_grads(self, operands: Sequence[float], out: float) -> tuple[float, ...]:
        if self.constant_grads is not None:
            return self.constant_grads
        grads = self.derivative(*operands, out)
        if len(grads) != self.base.arity:
            raise TypeError(
                f"op {self.name!r}: derivative returned {len(grads)} values for "
                f"{self.base.arity} operands"
            )
        return tuple([_as_float(grads[i], self.name) for i in self.variables])

    def grads_as_values(self, node: Any) -> tuple[Any, ...]:
        if self.constant_grads is not None or self.piecewise_constant:
            return node.local_grads  # type: ignore[no-any-return]
        grads = self.derivative(*self.operands(node.parents, node.constant), node)
        return tuple(grads[i] for i in self.variables)

    def evaluate(self, node: Any, parent_values: Sequence[float]) -> float:
        return self.forward(*self.operands(parent_values, node.constant))

    def __reduce__(self) -> tuple[Any, ...]:
        return _form_of, (self.base, self.positions)


def _form_of(base: Op, positions: tuple[int, ...]) -> Form:
    """Unpickling a `Form`: the one its base op hands out."""
    return base.with_constants(positions)


# ---------------------------------------------------------------- the arithmetic operators


def _divide(a: float, b: float) -> float:
    if b == 0.0:
        raise ValueError(f"/: division by zero ({a!r} / {b!r})")
    return a / b


def _power(a: float, b: float) -> float:
    """a ** b, refused where it is not real; ``±inf`` on overflow; inf or nan exponents follow
    IEEE pow."""
    try:
        out = a**b
    except OverflowError:
        return power(a, b)  # the signed inf
    except ZeroDivisionError:
        raise ValueError(f"**: 0 raised to the negative power {b!r}") from None
    if type(out) is complex:
        raise ValueError(f"**: negative base {a!r} raised to the non-integer power {b!r}")
    return out  # type: ignore[no-any-return]


def _power_derivative(a: Any, b: Any) -> Any:
    """d/da a ** b = b * a ** (b - 1), with its value at a = 0 (0 for b > 1, 1 for b = 1, a pole
    for b < 1). A constant exponent of 0 or 1 needs no power (and, under create_graph, adds no
    nodes); a node exponent always keeps the formula, so d/db of it is right."""
    constant = type(b) is float
    exponent = b if constant else data_of(b)
    if constant and exponent == 0.0:
        return 0.0
    if data_of(a) == 0.0 and not exponent > 1.0:
        return 1.0 if exponent == 1.0 else exponent if exponent != exponent else math.inf
    if constant and exponent == 1.0:
        return 1.0
    return b * power(a, b - 1.0)


def _power_grads(a: Any, b: Any, out: Any) -> tuple[Any, Any]:
    """d/da and d/db of a ** b; d/db = a ** b * ln a needs a > 0 (its limit at a = 0 is 0), and a
    negative base (allowed only with a constant integer exponent) has none: nan."""
    base = data_of(a)
    if base > 0.0:
        d_exponent = out * functions.log(a)
    else:  # a nan exponent makes everything nan, as IEEE pow(0, nan) is nan
        d_exponent = 0.0 if base == 0.0 and data_of(out) == data_of(out) else math.nan
    return _power_derivative(a, b), d_exponent


def _power_of_node(a: float, b: float) -> float:
    """a ** b with the exponent a node: its derivative needs ln a, so a must be >= 0."""
    if a < 0.0:
        raise ValueError(
            f"**: the base must be >= 0 when the exponent is a Value (ln of the base is its "
            f"derivative), got base {a!r}"
        )
    if a == 0.0 and b <= 0.0:
        raise ValueError(f"**: 0 raised to the non-positive power {b!r}")
    return _power(a, b)


ADD = Op("+", operator.add, (1.0, 1.0), infix=True)
SUB = Op("-", operator.sub, (1.0, -1.0), infix=True)
MUL = Op("*", operator.mul, (Operand(1), Operand(0)), infix=True)  # d/da = b, d/db = a
DIV = Op(
    "/",
    _divide,
    lambda a, b, out: (1.0 / b, -out / b),  # d/db (a / b) = -a / b**2 = -(a / b) / b
    (Domain(), Domain(avoid=(0.0,), margin=0.2)),
    infix=True,
    fast=operator.truediv,
)
POW = Op(
    "**",
    _power_of_node,
    _power_grads,
    (Domain(0.2, 4.0), Domain(-3.0, 3.0)),  # a node exponent needs a positive base
    infix=True,
)


def _constant_to_power(c: float, b: float) -> float:
    """c ** b for a constant base: d/db = c ** b * ln c, so c must be >= 0."""
    if c < 0.0:
        raise ValueError(
            f"**: the constant base must be >= 0 when the exponent is a Value, got {c!r}"
        )
    return _power_of_node(c, b)


def _constant_power_grads(a: Any, c: float, out: Any) -> tuple[Any, float]:
    """d/da of a ** c for a constant c (the square, the common case, first); d/dc is not
    needed (c is a constant): 0.0 holds its place."""
    return (a * 2.0 if c == 2.0 else _power_derivative(a, c)), 0.0


def _constant_base_grads(c: float, b: Any, out: Any) -> tuple[float, Any]:
    """d/db of c ** b for a constant c >= 0: c ** b * ln c (0 for c = 0); d/dc is not needed."""
    return 0.0, (out * math.log(c) if c else 0.0)


# x ** c, the power function: any real base where the power is real. c ** x, an exponential.
POW.add_form(Form(POW, (1,), _power, _constant_power_grads, fast=math.pow))
POW.add_form(Form(POW, (0,), _constant_to_power, _constant_base_grads))


# ---------------------------------------------------------------- functions of one operand


_ONE, _ZERO, _MINUS_ONE = (1.0,), (0.0,), (-1.0,)
"""The derivatives of relu and abs: shared tuples, so their nodes allocate none."""


def _abs_derivative(x: float, out: float) -> tuple[float]:
    # The subgradient at 0 is taken as 0, as PyTorch does; a nan operand gets a nan derivative.
    return _ONE if x > 0.0 else _MINUS_ONE if x < 0.0 else _ZERO if x == 0.0 else (x,)


def _relu(x: float) -> float:
    return x if x > 0.0 else 0.0 if x <= 0.0 else x  # relu(nan) is nan, not a silent 0


def _relu_derivative(x: float, out: float) -> tuple[float]:
    # The derivative at 0 is taken as 0, as PyTorch does; relu(nan) has a nan derivative.
    return _ONE if x > 0.0 else _ZERO if x <= 0.0 else (x,)


def _sqrt_derivative(x: Any, out: Any) -> tuple[Any]:
    return (0.5 / out if data_of(out) != 0.0 else math.inf,)  # a pole at 0


_EVERYWHERE = (Domain(),)
NEG = Op("neg", operator.neg, (-1.0,), _EVERYWHERE)
ABS = Op("abs", abs, _abs_derivative, (Domain(avoid=(0.0,)),), piecewise_constant=True)
EXP = Op("exp", functions.exp, (OUT,), (Domain(-10.0, 10.0),), fast=math.exp)
LOG = Op("log", functions.log, lambda x, out: (1.0 / x,), (Domain(0.05, 100.0),), fast=math.log)
TANH = Op("tanh", math.tanh, lambda x, out: (1.0 - out * out,), _EVERYWHERE)
SIGMOID = Op(
    "sigmoid", functions.sigmoid, lambda x, out: (out * (1.0 - out),), (Domain(-20.0, 20.0),)
)
RELU = Op("relu", _relu, _relu_derivative, (Domain(avoid=(0.0,)),), piecewise_constant=True)
SQRT = Op("sqrt", functions.sqrt, _sqrt_derivative, (Domain(0.05, 100.0),), fast=math.sqrt)
SIN = Op(
    "sin", functions.sin, lambda x, out: (functions.cos(x),), (Domain(-10.0, 10.0),), fast=math.sin
)
COS = Op(
    "cos", functions.cos, lambda x, out: (-functions.sin(x),), (Domain(-10.0, 10.0),), fast=math.cos
)


# ---------------------------------------------------------------- fused ops of many operands


class DotLayout(NamedTuple):
    """A dot node's constant: its first ``pairs`` parents are weights multiplying the next
    ``pairs`` parents; every later parent multiplies a constant (its local derivative: the
    bias's is 1); ``offset`` is the sum of the terms with no node in them."""

    pairs: int
    offset: float = 0.0


class _Sum(Op):
    """``sum``: local derivatives all 1; its constant is the sum of the plain numbers, or None."""

    __slots__ = ()

    def label(self, constant: Any) -> str:
        return self.name if constant is None else f"{self.name} + {format_constant(constant)}"

    def grads_as_values(self, node: Any) -> tuple[Any, ...]:
        return node.local_grads  # type: ignore[no-any-return]

    def evaluate(self, node: Any, parent_values: Sequence[float]) -> float:
        total = sum(parent_values)  # in the order the forward pass added them
        return total if node.constant is None else total + node.constant


class _Dot(Op):
    """``dot``: sum(w_i * x_i) (+ bias); d/dw_i = x_i, d/dx_i = w_i (see `DotLayout`)."""

    __slots__ = ()

    def label(self, constant: Any) -> str:
        offset = constant.offset if constant is not None else 0.0
        return self.name if not offset else f"{self.name} + {format_constant(offset)}"

    def grads_as_values(self, node: Any) -> tuple[Any, ...]:
        layout = node.constant
        k = layout.pairs if layout is not None else 0
        if not k:  # every operand multiplies a constant
            return node.local_grads  # type: ignore[no-any-return]
        parents = node.parents
        return (*parents[k : 2 * k], *parents[:k], *node.local_grads[2 * k :])

    def evaluate(self, node: Any, parent_values: Sequence[float]) -> float:
        layout = node.constant
        k = layout.pairs if layout is not None else 0
        total = sum(map(operator.mul, parent_values[:k], parent_values[k : 2 * k]))
        total += sum(map(operator.mul, parent_values[2 * k :], node.local_grads[2 * k :]))
        return total + layout.offset if layout is not None else total  # type: ignore[no-any-return]


def _no_forward(*operands: float) -> float:
    raise TypeError("this op is built by autograd.sum / autograd.dot, not called directly")


SUM = _Sum("sum", _no_forward, lambda *operands: (), ())
DOT = _Dot("dot", _no_forward, lambda *operands: (), ())
LEAF = Op("", _no_forward, (), ())
"""The op of a leaf (made by the user, or under no_grad): falsy, equal to ""."""

BUILTIN: dict[str, Op] = {
    op.name: op
    for op in (ADD, SUB, MUL, DIV, POW, NEG, ABS, EXP, LOG, TANH, SIGMOID, RELU, SQRT, SIN, COS)
}
"""The elementwise ops `Value`'s operators and methods are made from, by name."""
