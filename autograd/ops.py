"""Every op, defined once: its name, its forward on floats, its local derivatives, its domain.

A derivative is written once, as a formula per operand in the op's operand names (``x``; ``a``
and ``b``; then ``x0``, ``x1``, ...) and its output ``out``, using arithmetic and the functions
of `autograd.functions`: tanh's is ``("1.0 - out * out",)``, ``*``'s ``("b", "a")``, since
d(a * b)/da = b. Evaluated on floats in the forward pass it gives the floats a node stores;
on Values under ``create_graph`` it gives Values, so gradients can be differentiated again. A
derivative that is constant (``+``: (1.0, 1.0)) is written as the numbers. An op may instead
give one formula for the whole tuple (relu: ``"(1.0,) if x > 0.0 else ..."``) or a function
(`autograd.define_op`'s ops, and ``x ** y``, whose derivative branches on where it is).

`autograd.value` writes `Value`'s operators from these formulas (`Op.inline_source`): the
source of ``Value.__mul__`` computes ``a * b`` and ``(b, a)`` in place, as a node written by
hand would (``inspect.getsource(Value.__mul__)`` shows it), with no call per op.

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
    "FORMULA_NAMES",
    "Domain",
    "DotLayout",
    "Form",
    "InlineSource",
    "Op",
    "data_of",
    "format_constant",
    "operand_names",
]

FAST_FORWARD_ERRORS = (ArithmeticError, ValueError)
"""What a ``fast`` forward raises where the op's ``forward`` has the last word."""

Derivative = Callable[..., tuple[Any, ...]]
"""``derivative(*operands, out)``: one local derivative per operand."""

Formulas = tuple[float | str, ...] | str
"""A derivative written as formulas: one per operand (a number or an expression), or one
expression for the whole tuple."""


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


def operand_names(arity: int) -> tuple[str, ...]:
    """How formulas name an op's operands: x for one, a and b for two, x0, x1, ... beyond."""
    return {1: ("x",), 2: ("a", "b")}.get(arity) or tuple(f"x{i}" for i in range(arity))


FORMULA_NAMES: dict[str, Any] = {name: getattr(functions, name) for name in functions.__all__}
"""What a formula may use besides its operands, ``out`` and Python's builtins: the functions
of `autograd.functions` (each takes a float or a Value), ``inf``, ``data_of`` and the helpers
this module adds below."""
FORMULA_NAMES.update(inf=math.inf, data_of=data_of)


def compile_formula(names: Sequence[str], expression: str) -> Callable[..., Any]:
    """``lambda <names>: <expression>``, evaluated with `FORMULA_NAMES`."""
    function: Callable[..., Any] = eval(f"lambda {', '.join(names)}: {expression}", FORMULA_NAMES)
    return function


class InlineSource(NamedTuple):
    """An op written as source, for `Op.inline_source`."""

    forward: str  # an expression for the output, in the operand names
    local_grads: str  # an expression for the tuple of local derivatives, which may use out
    operands: str  # the operand names, "a, b"
    names: dict[str, Any]  # the functions the expressions call, by the names they use


class Op:
    """One operation, defined once.

    Attributes:
        name: what ``node.op`` equals ("tanh", "*"); "" only for `LEAF`.
        forward: floats -> float; raises ValueError outside the op's domain. Given as a
            formula (``"a + b"``), it is compiled.
        fast_forward: ``forward`` itself, or a faster formula or C function (``math.exp``,
            ``"a / b"``) giving the same float wherever it returns; where it raises one of
            `FAST_FORWARD_ERRORS`, `Value`'s operators call ``forward``, which gives the IEEE
            result (inf) or the clear error. (`tests/test_op_objects.py` checks the two agree.)
        derivative: ``derivative(*operands, out)``, one local derivative per operand, on floats
            or Values; compiled from the formulas it was given as (see the module docstring).
        constant_grads: the tuple, when every local derivative is a constant; else None.
        domain: one `Domain` per operand (of a `Form`: per operand that is a node).
        infix: True for the operators written between their operands (``x * 7``).
        piecewise_constant: True when the derivative is a constant on each piece (relu, abs):
            its own derivative is 0, so create_graph uses the stored floats and the
            derivative is only ever called on floats.
        variables: the positions of the operands that are nodes (all of them, but in a `Form`).
    """

    __slots__ = (
        "name",
        "forward",
        "fast_forward",
        "derivative",
        "constant_grads",
        "domain",
        "infix",
        "piecewise_constant",
        "variables",
        "_names",
        "_sources",
        "_forms",
    )

    def __init__(
        self,
        name: str,
        forward: Callable[..., float] | str,
        derivative: Derivative | Formulas,
        domain: Sequence[Domain] | None = None,
        *,
        infix: bool = False,
        piecewise_constant: bool = False,
        fast: Callable[..., float] | str | None = None,
    ) -> None:
        if domain is None:
            if isinstance(forward, str):
                raise TypeError(f"op {name!r}: a forward given as a formula needs the domain")
            domain = (Domain(),) * _arity(forward, name)
        self.name = name
        self.domain = tuple(domain)
        self.variables = tuple(range(len(self.domain)))
        self.infix = infix
        self.piecewise_constant = piecewise_constant
        self._forms: dict[tuple[int, ...], Form] = {}
        self._names = names = operand_names(len(self.domain))
        self.forward = compile_formula(names, forward) if isinstance(forward, str) else forward
        self.fast_forward = self.forward
        if fast is None:
            fast = forward
        elif isinstance(fast, str):
            self.fast_forward = compile_formula(names, fast)
        else:
            self.fast_forward = fast
        self.constant_grads: tuple[float, ...] | None = None
        if isinstance(derivative, tuple) and len(derivative) != len(names):
            raise TypeError(f"op {name!r}: {len(derivative)} derivatives for {len(names)} operands")
        if callable(derivative):
            self.derivative: Derivative = derivative
            formulas: tuple[str, ...] | str | None = None
        elif isinstance(derivative, str):
            formulas = derivative
        elif all(isinstance(d, (int, float)) for d in derivative):
            self.constant_grads = tuple(float(d) for d in derivative)
            formulas = repr(self.constant_grads)
        else:
            formulas = tuple(d if isinstance(d, str) else repr(float(d)) for d in derivative)
        if formulas is not None:
            whole = formulas if isinstance(formulas, str) else _tuple_source(formulas)
            self.derivative = compile_formula((*names, "out"), whole)
        # What `inline_source` writes: the forward and the derivative as source, or None where
        # they are functions to call.
        self._sources: tuple[str | None, tuple[str, ...] | str | None] = (
            fast if isinstance(fast, str) else None,
            formulas,
        )

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
        """d(out)/d(operand) for each operand that is a node, as floats (``operands``: all of
        them, constants included)."""
        if self.constant_grads is not None:
            return self.constant_grads
        grads = self.derivative(*operands, out)
        if len(grads) != len(self._names):
            raise TypeError(
                f"op {self.name!r}: derivative returned {len(grads)} values for "
                f"{len(self._names)} operands"
            )
        return tuple([_as_float(grads[i], self.name) for i in self.variables])

    def grads_as_values(self, node: Any) -> tuple[Any, ...]:
        """d(node)/d(parent) for each parent, written with the parents and the node itself, so
        that under create_graph they are Values (constants stay floats and add no nodes)."""
        if self.constant_grads is not None or self.piecewise_constant:
            return node.local_grads  # type: ignore[no-any-return]
        grads = self.derivative(*self.operands(node.parents, node.constant), node)
        return tuple([grads[i] for i in self.variables])

    def evaluate(self, node: Any, parent_values: Sequence[float]) -> float:
        """The node's value computed again with its parents at ``parent_values``."""
        return self.forward(*self.operands(parent_values, node.constant))

    def inline_source(self, role: str) -> InlineSource:
        """This op's forward and local derivatives as Python expressions in its operand names
        (``"a * b"`` and ``"(b, a)"`` for `MUL`; a `Form` keeps the derivatives of its
        variables), for the operators `autograd.value` writes; functions it must call are
        named ``<role>_forward`` and ``<role>_derivative``."""
        fast, formulas = self._sources
        arguments = ", ".join(self._names)
        used: dict[str, Any] = {}
        if fast is None:
            fast = f"{role}_forward({arguments})"
            used[f"{role}_forward"] = self.fast_forward
        if formulas is None:
            whole = f"{role}_derivative({arguments}, out)"
            used[f"{role}_derivative"] = self.derivative
        elif isinstance(formulas, str):
            whole = f"({formulas})"
        else:
            whole = ""
        if self.constant_grads is not None:
            grads = repr(self.constant_grads)
        elif whole and len(self.variables) == len(self._names):
            grads = whole
        elif whole:
            grads = _tuple_source([f"{whole}[{i}]" for i in self.variables])
        else:
            assert isinstance(formulas, tuple)
            grads = _tuple_source([formulas[i] for i in self.variables])
        return InlineSource(fast, grads, arguments, used)

    def add_form(self, form: Form) -> None:
        """Give the op its own definition with constants at ``form.positions``."""
        self._forms[form.positions] = form

    def with_constants(self, positions: tuple[int, ...]) -> Form:
        """This op with constant operands at ``positions`` (made once, then shared)."""
        form = self._forms.get(positions)
        if form is None:
            form = self._forms[positions] = Form(self, positions)
        return form


def _tuple_source(items: Sequence[str]) -> str:
    """Source for a tuple of these expressions: "(b, a)", "(out,)"."""
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


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
    the non-constant operands (``variables``) are kept.
    """

    __slots__ = ("base", "positions")

    def __init__(
        self,
        base: Op,
        positions: tuple[int, ...],
        forward: Callable[..., float] | None = None,
        derivative: Derivative | Formulas | None = None,
        fast: Callable[..., float] | str | None = None,
    ) -> None:
        self.base = base
        self.positions = positions
        base_fast, base_formulas = base._sources
        super().__init__(
            base.name,
            forward or base.forward,
            derivative
            if derivative is not None
            else base.constant_grads or base_formulas or base.derivative,
            base.domain,
            infix=base.infix,
            piecewise_constant=base.piecewise_constant,
            fast=fast,
        )
        if forward is None:  # the base op's forward, its source included
            self.fast_forward = base.fast_forward
            self._sources = (base_fast, self._sources[1])
        self.variables = tuple(i for i in range(base.arity) if i not in positions)
        self.domain = tuple(base.domain[i] for i in self.variables)
        if self.constant_grads is not None:
            self.constant_grads = tuple(self.constant_grads[i] for i in self.variables)

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


FORMULA_NAMES.update(power_derivative=_power_derivative)

ADD = Op("+", "a + b", (1.0, 1.0), (Domain(), Domain()), infix=True)
SUB = Op("-", "a - b", (1.0, -1.0), (Domain(), Domain()), infix=True)
MUL = Op("*", "a * b", ("b", "a"), (Domain(), Domain()), infix=True)
DIV = Op(
    "/",
    _divide,
    ("1.0 / b", "-out / b"),  # d/db (a / b) = -a / b**2 = -(a / b) / b
    (Domain(), Domain(avoid=(0.0,), margin=0.2)),
    infix=True,
    fast="a / b",
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


# x ** c, the power function: any real base where the power is real (the square, the common
# case, first); c ** x, an exponential: d/dx = c ** x * ln c. A constant's derivative is not
# needed: 0.0 holds its place.
POW.add_form(
    Form(POW, (1,), _power, ("2.0 * a if b == 2.0 else power_derivative(a, b)", 0.0), math.pow)
)
POW.add_form(Form(POW, (0,), _constant_to_power, (0.0, "out * log(a) if a else 0.0")))


# ---------------------------------------------------------------- functions of one operand


_EVERYWHERE = (Domain(),)
NEG = Op("neg", "-x", (-1.0,), _EVERYWHERE)
ABS = Op(
    "abs",
    abs,
    # The subgradient at 0 is taken as 0, as PyTorch does; a nan operand gets a nan derivative.
    # Constant tuples: the compiler makes each once, so these nodes allocate none.
    "(1.0,) if x > 0.0 else (-1.0,) if x < 0.0 else (0.0,) if x == 0.0 else (x,)",
    (Domain(avoid=(0.0,)),),
    piecewise_constant=True,
)
EXP = Op("exp", functions.exp, ("out",), (Domain(-10.0, 10.0),), fast=math.exp)
LOG = Op("log", functions.log, ("1.0 / x",), (Domain(0.05, 100.0),), fast=math.log)
TANH = Op("tanh", math.tanh, ("1.0 - out * out",), _EVERYWHERE)
SIGMOID = Op("sigmoid", functions.sigmoid, ("out * (1.0 - out)",), (Domain(-20.0, 20.0),))
RELU = Op(
    "relu",
    "x if x > 0.0 else 0.0 if x <= 0.0 else x",  # relu(nan) is nan, not a silent 0
    "(1.0,) if x > 0.0 else (0.0,) if x <= 0.0 else (x,)",  # 0 at 0, as PyTorch takes it
    (Domain(avoid=(0.0,)),),
    piecewise_constant=True,
)
SQRT = Op(
    "sqrt",
    functions.sqrt,
    ("0.5 / out if data_of(out) != 0.0 else inf",),  # a pole at 0
    (Domain(0.05, 100.0),),
    fast=math.sqrt,
)
SIN = Op("sin", functions.sin, ("cos(x)",), (Domain(-10.0, 10.0),), fast=math.sin)
COS = Op("cos", functions.cos, ("-sin(x)",), (Domain(-10.0, 10.0),), fast=math.cos)


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
