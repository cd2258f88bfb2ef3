"""Hypothesis strategies for property-testing gradients, yours and ours.

Import this module explicitly (``from autograd import testing``); it needs hypothesis, which
``import autograd`` never does. Typical use::

    from hypothesis import given
    from autograd import gradcheck, testing

    @given(testing.expressions(n_inputs=3), testing.points(3))
    def test_my_rule(f, xs):
        assert gradcheck(f, xs)

Inputs are kept inside each op's domain and a margin away from its kinks and singular points
(``abs`` and ``relu`` at 0, ``log`` and ``1/x`` near 0), where central differences cannot agree
with any one-sided derivative.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hypothesis import strategies as st

import autograd
import autograd.ops as ops
from autograd.op import Op
from autograd.value import Value

__all__ = [
    "OP_DOMAINS",
    "domain_strategies",
    "is_well_conditioned",
    "Expression",
    "expressions",
    "inputs_for",
    "points",
    "reals",
]


def reals(
    min_value: float = -5.0,
    max_value: float = 5.0,
    *,
    avoid: Sequence[float] = (),
    margin: float = 1e-2,
) -> st.SearchStrategy[float]:
    """Finite floats in [min_value, max_value], at least ``margin`` away from each point in
    ``avoid`` (kinks and singularities). ValueError if that leaves nothing to draw from.

    The avoided points must be at least ``2 * margin`` apart, so that moving a draw off one of
    them cannot move it onto another.
    """
    floats = st.floats(min_value, max_value, allow_nan=False, allow_infinity=False)
    if not avoid:
        return floats
    points = sorted(avoid)
    for a, b in itertools.pairwise(points):
        if b - a < 2 * margin:
            raise ValueError(f"reals: avoided points {a} and {b} are closer than 2 * {margin}")
    for point in points:
        if point - margin < min_value and point + margin > max_value:
            raise ValueError(
                f"reals: no float in [{min_value}, {max_value}] is {margin} away from {point}"
            )
    return floats.map(lambda x: _push_away(x, avoid, margin, min_value, max_value))


def _push_away(x: float, avoid: Sequence[float], margin: float, lo: float, hi: float) -> float:
    # Mapping (not filtering) keeps every draw useful: a point too close to a kink moves off it.
    for point in avoid:
        if abs(x - point) < margin:
            x = point + margin if x >= point and point + margin <= hi else point - margin
            if x < lo:
                x = point + margin
    return x


def points(
    n: int, min_value: float = -2.0, max_value: float = 2.0
) -> st.SearchStrategy[list[float]]:
    """A list of n finite floats: a point at which to check an n-input function."""
    return st.lists(reals(min_value, max_value), min_size=n, max_size=n)


def domain_strategies(op: Op | Callable[..., Value]) -> tuple[st.SearchStrategy[float], ...]:
    """One strategy per operand of ``op`` (an `autograd.Op`, or a function made by
    `autograd.define_op`), drawn from the domain the op's definition gives."""
    definition = getattr(op, "op", op)
    if not isinstance(definition, Op):
        raise TypeError(f"expected an op or a define_op function, got {type(op).__name__}")
    return tuple(reals(d.low, d.high, avoid=d.avoid, margin=d.margin) for d in definition.domain)


OP_DOMAINS: dict[str, tuple[st.SearchStrategy[float], ...]] = {
    name: domain_strategies(op) for name, op in ops.BUILTIN.items()
}
"""Safe operand strategies for every built-in op, by name, from the op definitions."""


def inputs_for(op: str | Op | Callable[..., Value]) -> st.SearchStrategy[list[float]]:
    """Operand values for ``op`` (a built-in op's name, an op, or a `define_op` function),
    inside its domain and off its kinks."""
    if isinstance(op, str):
        try:
            operands = OP_DOMAINS[op]
        except KeyError:
            raise ValueError(f"no domain for op {op!r}; known: {', '.join(OP_DOMAINS)}") from None
    else:
        operands = domain_strategies(op)
    return st.tuples(*operands).map(list)


# ---------------------------------------------------------------- random expression DAGs

_UNARY: dict[str, Callable[[Value], Value]] = {
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "sin": Value.sin,
    "cos": Value.cos,
    "neg": Value.__neg__,
    "square": lambda v: v**2,
    "exp(tanh)": lambda v: v.tanh().exp(),
    "log(1+x^2)": lambda v: (1 + v * v).log(),
    "sqrt(1+x^2)": lambda v: (v * v + 1).sqrt(),
    "1/(1+x^2)": lambda v: 1 / (1 + v * v),
    "2**tanh": lambda v: 2 ** v.tanh(),
}
_BINARY: dict[str, Callable[[Value, Value], Value]] = {
    "+": Value.__add__,
    "-": Value.__sub__,
    "*": Value.__mul__,
    "a/(1+b^2)": lambda a, b: a / (1 + b * b),
    "sigmoid(a)**b": lambda a, b: a.sigmoid() ** b.tanh(),
}
_CONSTANT: dict[str, Callable[[Value, float], Value]] = {
    "+c": lambda v, c: v + c,
    "c-": lambda v, c: c - v,
    "*c": lambda v, c: v * c,
    "c*": lambda v, c: c * v,
    "/c": lambda v, c: v / c,
}
# Every op keeps values bounded or grows them gently, so random programs stay finite.


@dataclass(frozen=True)
class Expression:
    """A random straight-line program over n inputs, callable as ``f(*values) -> Value``.

    Each step applies an op to earlier results (inputs included), so results are reused: the
    graph is a DAG with fan-out, not a tree. The last result is the output.
    """

    n_inputs: int
    steps: tuple[tuple[str, tuple[int, ...], float], ...]

    def __call__(self, *inputs: Value) -> Value:
        if len(inputs) != self.n_inputs:
            raise ValueError(f"expression takes {self.n_inputs} inputs, got {len(inputs)}")
        results: list[Value] = list(inputs)
        for name, args, constant in self.steps:
            operands = [results[i] for i in args]
            if name in _UNARY:
                results.append(_UNARY[name](operands[0]))
            elif name in _BINARY:
                results.append(_BINARY[name](operands[0], operands[1]))
            elif name in _CONSTANT:
                results.append(_CONSTANT[name](operands[0], constant))
            elif name == "sum":
                results.append(autograd.sum([*operands, constant]))
            else:  # "dot": the first half of the operands against the second half
                half = len(operands) // 2
                results.append(autograd.dot(operands[:half], operands[half:], constant))
        return results[-1]

    def __repr__(self) -> str:
        lines = [f"Expression over x0..x{self.n_inputs - 1}:"]
        for k, (name, args, constant) in enumerate(self.steps, start=self.n_inputs):
            operands = ", ".join(f"x{i}" for i in args)
            extra = f", c={constant:g}" if name in _CONSTANT or name in ("sum", "dot") else ""
            lines.append(f"  x{k} = {name}({operands}{extra})")
        return "\n".join(lines)


@st.composite
def expressions(draw: st.DrawFn, n_inputs: int = 2, max_ops: int = 8) -> Expression:
    """Random expression DAGs over ``n_inputs`` inputs with up to ``max_ops`` ops, sharing
    sub-expressions. Call the result on Values, or pass it to `autograd.gradcheck`."""
    if n_inputs < 1:
        raise ValueError(f"expressions needs at least one input, got n_inputs={n_inputs}")
    if max_ops < 1:
        raise ValueError(f"expressions needs max_ops >= 1, got {max_ops}")
    n_ops = draw(st.integers(1, max_ops))
    steps: list[tuple[str, tuple[int, ...], float]] = []
    for k in range(n_ops):
        available = n_inputs + k
        index = st.integers(0, available - 1)
        kind = draw(st.sampled_from(["unary", "binary", "constant", "sum", "dot"]))
        constant = draw(st.floats(-2.0, 2.0, allow_nan=False).filter(lambda c: abs(c) > 0.1))
        if kind == "unary":
            steps.append((draw(st.sampled_from(sorted(_UNARY))), (draw(index),), constant))
        elif kind == "binary":
            pair = (draw(index), draw(index))
            steps.append((draw(st.sampled_from(sorted(_BINARY))), pair, constant))
        elif kind == "constant":
            steps.append((draw(st.sampled_from(sorted(_CONSTANT))), (draw(index),), constant))
        else:
            size = draw(st.integers(1, 4))
            count = size if kind == "sum" else 2 * size
            args = tuple(draw(index) for _ in range(count))
            steps.append((kind, args, constant))
    return Expression(n_inputs, tuple(steps))


def is_well_conditioned(values: Sequence[float], limit: float = 1e6) -> bool:
    """True if every value is finite and at most ``limit`` in size (for ``assume``)."""
    return all(math.isfinite(v) and abs(v) <= limit for v in values)
