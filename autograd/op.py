"""What an op is: the `Op` class behind the table of `autograd.ops`, and its variants.

An `Op` holds a name, a forward on floats, one derivative function and a domain. The derivative
``derivative(*operands, out)`` returns one local derivative per operand, written with operators
and `autograd.functions`, so it gives floats in the forward pass and Values under
``create_graph`` (second derivatives). `OpWithConstants` is an op with some operands fixed to
numbers (``x * 7``); `SumOp` and `DotOp` are the fused ops of many operands (`autograd.fused`).
"""

from __future__ import annotations

import inspect
import numbers
import operator
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

__all__ = [
    "FAST_FORWARD_ERRORS",
    "Derivative",
    "Domain",
    "DotLayout",
    "DotOp",
    "Op",
    "OpWithConstants",
    "SumOp",
    "data_of",
    "format_constant",
]

FAST_FORWARD_ERRORS = (ArithmeticError, ValueError)
"""What a ``fast_forward`` raises where the op's ``forward`` has the last word."""

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
        name: what ``node.op`` equals ("tanh", "*"); "" only for the leaf op.
        forward: floats -> float; raises ValueError outside the op's domain.
        fast_forward: ``forward`` itself, or a faster function (``math.exp``) giving the same
            float wherever it returns; where it raises one of `FAST_FORWARD_ERRORS`, `Value`'s
            operators call ``forward``, which gives the IEEE result (inf) or the clear error.
        derivative: ``derivative(*operands, out)``, one local derivative per operand.
        constant_grads: the local derivatives when they are constants (``+``: (1.0, 1.0),
            given to the table as that tuple), shared by every node; else ().
        domain: one `Domain` per operand that is a node.
        infix: True for the operators written between their operands (``x * 7``).
        piecewise_constant: True when the derivative is a constant on each piece (``+``, relu):
            its own derivative is 0, so create_graph reuses the stored floats.
        variables: the positions of the operands that are nodes (all of them, but in an
            `OpWithConstants`).
        pickled_as: how pickle refers to a table op (set by `autograd.ops`); None otherwise.
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
        "pickled_as",
        "_with_constants",
    )

    def __init__(
        self,
        name: str,
        forward: Callable[..., float],
        derivative: Derivative | tuple[float, ...],
        domain: Sequence[Domain] | None = None,
        *,
        infix: bool = False,
        piecewise_constant: bool = False,
        fast: Callable[..., float] | None = None,
    ) -> None:
        self.name = name
        self.domain = tuple(
            (Domain(),) * operand_count(forward, name) if domain is None else domain
        )
        self.variables = tuple(range(len(self.domain)))
        self.forward = forward
        self.fast_forward = fast or forward
        self.constant_grads: tuple[float, ...] = ()
        if isinstance(derivative, tuple):
            grads = self.constant_grads = tuple(float(d) for d in derivative)
            derivative = lambda *operands: grads  # noqa: E731
        self.derivative = derivative
        self.infix = infix
        self.piecewise_constant = piecewise_constant or bool(self.constant_grads)
        self.pickled_as: tuple[Any, ...] | None = None
        self._with_constants: dict[tuple[int, ...], OpWithConstants] = {}

    @property
    def arity(self) -> int:
        """How many operands the op takes (of an `OpWithConstants`: how many are nodes)."""
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

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled by reference: a table op by its name in `autograd.ops`."""
        if self.pickled_as is None:
            raise TypeError(
                f"op {self.name!r} (made by define_op) cannot be pickled: pickle the values you "
                "need (data, grad), or define the op again where the graph is loaded"
            )
        return self.pickled_as

    # ------------------------------------------------------------ what a node needs

    def label(self, constant: Any) -> str:
        """The op as a drawing writes it, given the node's constant ("tanh", "* 7")."""
        return self.name

    def operands(self, variables: Sequence[Any], constant: Any) -> list[Any]:
        """The op's operands in order, given a node's parents (or values for them) and its
        constant: the parents themselves here; an `OpWithConstants` puts its constants back."""
        return list(variables)

    def local_grads(self, operands: Sequence[float], out: float) -> tuple[float, ...]:
        """d(out)/d(operand) for each operand that is a node, as floats (``operands``: all of
        them, constants included)."""
        if self.constant_grads:
            return self.constant_grads
        grads = self.derivative(*operands, out)
        if not isinstance(grads, (tuple, list)):
            raise TypeError(
                f"op {self.name!r}: derivative must return a tuple (one number per operand), "
                f"got {type(grads).__name__}"
            )
        if len(grads) != len(operands):
            raise TypeError(
                f"op {self.name!r}: derivative returned {len(grads)} values for "
                f"{len(operands)} operands"
            )
        return tuple([real_result(grads[i], self.name, "derivative") for i in self.variables])

    def grads_as_values(self, node: Any) -> tuple[Any, ...]:
        """d(node)/d(parent) for each parent, written with the parents and the node itself, so
        that under create_graph they are Values (constants stay floats and add no nodes)."""
        if self.piecewise_constant:
            return node.local_grads  # type: ignore[no-any-return]
        try:
            grads = self.derivative(*self.operands(node.parents, node.constant), node)
        except TypeError as error:  # math.cos(x) where x is a Value, say
            raise TypeError(
                f"op {self.name!r}: its derivative failed on Values under create_graph ({error}); "
                "write it with operators and autograd.functions, which take floats and Values"
            ) from error
        return tuple([grads[i] for i in self.variables])

    def recompute(self, node: Any, parent_values: Sequence[float]) -> float:
        """The node's value computed again with its parents at ``parent_values``."""
        return real_result(
            self.forward(*self.operands(parent_values, node.constant)), self.name, "forward"
        )

    def with_constants(self, positions: tuple[int, ...]) -> OpWithConstants:
        """This op with constant operands at ``positions`` (made once, then shared)."""
        made = self._with_constants.get(positions)
        if made is None:
            made = self._with_constants[positions] = OpWithConstants(self, positions)
        return made

    def add_with_constants(self, made: OpWithConstants) -> OpWithConstants:
        """Give the op its own definition with constants at ``made.positions``."""
        self._with_constants[made.positions] = made
        return made


def operand_count(forward: Callable[..., float], name: str) -> int:
    """How many operands ``forward`` takes: its positional parameters without a default. A
    keyword-only parameter without a default could never be given: a TypeError naming the op."""
    try:
        parameters = inspect.signature(forward).parameters.values()
    except (TypeError, ValueError):
        raise TypeError(f"op {name!r}: give its domain (cannot count forward's operands)") from None
    count = 0
    for p in parameters:
        if p.kind is p.VAR_POSITIONAL:
            raise TypeError(f"op {name!r}: forward takes *args; give its domain, one per operand")
        if p.kind is p.KEYWORD_ONLY and p.default is p.empty:
            raise TypeError(
                f"op {name!r}: forward's parameter {p.name!r} is keyword-only; operands are "
                "passed by position"
            )
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty:
            count += 1
    return count


def real_result(x: object, name: str, what: str) -> float:
    """What an op's ``what`` ("forward", "derivative") returned, as a float: an int becomes a
    float; a number beyond float range is a ValueError, and anything but a real number (a
    bool, None, a str, a complex, a Value) a TypeError, each naming the op."""
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        try:
            return float(x)
        except OverflowError:
            raise ValueError(
                f"op {name!r}: {what} returned a number too large for a float"
            ) from None
    raise TypeError(f"op {name!r}: {what} must return a real number, got {type(x).__name__}")


def _base(op: Op) -> Op:
    return op.base if isinstance(op, OpWithConstants) else op


class OpWithConstants(Op):
    """An op with some operands constant: ``x - 2`` is SUB with the constant at position 1.

    ``node.constant`` holds the constant (a tuple when there are several) and ``node.parents``
    the other operands, in order. Forward and derivative take the full operand list (the
    constants put back in place) and are the base op's, unless the table gives its own
    (``x ** c`` allows a negative base, ``x ** y`` does not); ``local_grads`` keeps the
    derivatives of the operands that are nodes (``variables``).
    """

    __slots__ = ("base", "positions")

    def __init__(
        self,
        base: Op,
        positions: tuple[int, ...],
        forward: Callable[..., float] | None = None,
        derivative: Derivative | None = None,
        fast: Callable[..., float] | None = None,
    ) -> None:
        super().__init__(
            base.name,
            forward or base.forward,
            derivative or base.derivative,
            base.domain,
            infix=base.infix,
            piecewise_constant=base.piecewise_constant,
            fast=fast or (None if forward else base.fast_forward),
        )
        self.base = base
        self.positions = positions
        self.variables = tuple(i for i in range(base.arity) if i not in positions)
        self.domain = tuple(base.domain[i] for i in self.variables)
        if base.constant_grads and derivative is None:
            self.constant_grads = tuple(base.constant_grads[i] for i in self.variables)

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
        return _with_constants_of, (self.base, self.positions)


def _with_constants_of(base: Op, positions: tuple[int, ...]) -> OpWithConstants:
    """Unpickling an `OpWithConstants`: the one its base op hands out."""
    return base.with_constants(positions)


# ---------------------------------------------------------------- fused ops of many operands


class DotLayout(NamedTuple):
    """A dot node's constant: its first ``pairs`` parents are weights multiplying the next
    ``pairs`` parents; every later parent multiplies a constant (its local derivative: the
    bias's is 1); ``offset`` is the sum of the terms with no node in them."""

    pairs: int
    offset: float = 0.0


def _no_forward(*operands: float) -> float:
    raise TypeError("this op is built by autograd.sum / autograd.dot, not called directly")


def _no_derivative(*operands: float) -> tuple[float, ...]:
    return ()


class SumOp(Op):
    """``sum``: local derivatives all 1; its constant is the sum of the plain numbers, or None."""

    __slots__ = ()

    def __init__(self, name: str) -> None:
        super().__init__(name, _no_forward, _no_derivative, (), piecewise_constant=True)

    def label(self, constant: Any) -> str:
        return self.name if constant is None else f"{self.name} + {format_constant(constant)}"

    def recompute(self, node: Any, parent_values: Sequence[float]) -> float:
        total = sum(parent_values)  # in the order the forward pass added them
        return total if node.constant is None else total + node.constant


class DotOp(Op):
    """``dot``: sum(w_i * x_i) (+ bias); d/dw_i = x_i, d/dx_i = w_i (see `DotLayout`)."""

    __slots__ = ()

    def __init__(self, name: str) -> None:
        super().__init__(name, _no_forward, _no_derivative, ())

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

    def recompute(self, node: Any, parent_values: Sequence[float]) -> float:
        layout = node.constant
        k = layout.pairs if layout is not None else 0
        total = sum(map(operator.mul, parent_values[:k], parent_values[k : 2 * k]))
        total += sum(map(operator.mul, parent_values[2 * k :], node.local_grads[2 * k :]))
        return total + layout.offset if layout is not None else total  # type: ignore[no-any-return]
