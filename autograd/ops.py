"""The op table: for every op, its forward value and its local derivatives, on plain floats.

Each rule takes the operands' float values and returns ``(out, d_out/d_operand, ...)``. The
`Value` operators call these rules in the forward pass and store the derivatives on the new node,
so backward never recomputes them. Domain errors are raised here, with the op and the operand
named, so that an op never returns a silent nan.

IEEE behaviour (documented, tested): results that overflow become ``±inf`` (as in PyTorch)
rather than raising; derivatives that are infinite at a point (``sqrt`` at 0) are ``inf``; ``nan``
or ``inf`` operands propagate by IEEE rules (no rule turns a nan into a number, or raises a bare
"math domain error" for inf). `autograd.detect_anomaly` turns those into errors.
"""

from __future__ import annotations

import math

__all__ = [
    "BINARY",
    "UNARY",
    "add",
    "sub",
    "mul",
    "div",
    "pow_value",
    "pow_const",
    "rpow_const",
    "neg",
    "absolute",
    "exp",
    "log",
    "tanh",
    "sigmoid",
    "relu",
    "sqrt",
    "sin",
    "cos",
]

Binary = tuple[float, float, float]
Unary = tuple[float, float]


def _fmt(x: float) -> str:
    return repr(x)


# ---------------------------------------------------------------- binary: (out, d/da, d/db)


def add(a: float, b: float) -> Binary:
    return a + b, 1.0, 1.0


def sub(a: float, b: float) -> Binary:
    return a - b, 1.0, -1.0


def mul(a: float, b: float) -> Binary:
    return a * b, b, a


def div(a: float, b: float) -> Binary:
    if b == 0.0:
        raise ValueError(f"/: division by zero ({_fmt(a)} / {_fmt(b)})")
    out = a / b
    return out, 1.0 / b, -out / b


def pow_value(a: float, b: float) -> Binary:
    """``a ** b`` where the exponent is itself a graph node, so d/db = a**b * ln a needs a >= 0."""
    if a < 0.0:
        raise ValueError(
            f"**: the base must be >= 0 when the exponent is a Value (ln of the base is its "
            f"derivative), got base {_fmt(a)}"
        )
    if a == 0.0:
        if b <= 0.0:
            raise ValueError(f"**: 0 raised to the non-positive power {_fmt(b)}")
        if b != b:  # a nan exponent: nan everywhere, as IEEE pow(0, nan) is nan
            return b, b, b
        # d/db of 0**b is 0 for b > 0 (the limit of a**b * ln a as a -> 0+).
        return 0.0, _power_derivative(a, b), 0.0
    out = _checked_pow(a, b)
    return out, _power_derivative(a, b), out * math.log(a)


def pow_const(a: float, c: float) -> Unary:
    """``a ** c`` for a constant exponent c: d/da = c * a**(c-1).

    A negative base needs an integer exponent; an inf or nan exponent follows IEEE pow.
    """
    if a < 0.0 and not float(c).is_integer() and math.isfinite(c):
        raise ValueError(f"**: negative base {_fmt(a)} raised to the non-integer power {_fmt(c)}")
    if a == 0.0 and c < 0.0:
        raise ValueError(f"**: 0 raised to the negative power {_fmt(c)}")
    return _checked_pow(a, c), _power_derivative(a, c)


def rpow_const(c: float, b: float) -> Unary:
    """``c ** b`` for a constant base c: d/db = c**b * ln c, so c must be >= 0.

    A base of 0 behaves exactly as ``Value(0.0) ** b`` does (see `pow_value`).
    """
    if c < 0.0:
        raise ValueError(
            f"**: the constant base must be >= 0 when the exponent is a Value, got {_fmt(c)}"
        )
    if c == 0.0:
        out, _, d_exp = pow_value(c, b)
        return out, d_exp
    out = _checked_pow(c, b)
    return out, out * math.log(c)


def _checked_pow(a: float, b: float) -> float:
    """``a ** b``, with ``±inf`` where Python raises OverflowError (as exp and * overflow)."""
    try:
        result: float = a**b
        return result
    except OverflowError:
        # Negative only for a negative base to an odd integer power: (-1e200) ** 3 is -inf.
        return -math.inf if a < 0.0 and b % 2.0 == 1.0 else math.inf


def _power_derivative(a: float, c: float) -> float:
    """c * a**(c-1), with IEEE results where it is infinite (0 ** negative) or overflows."""
    if c == 0.0:
        return 0.0
    if a == 0.0:
        if c > 1.0:
            return 0.0
        if c < 1.0:
            return math.inf  # a pole (0 < c < 1; a negative c was refused already)
        return c  # 1 for c = 1; nan for a nan exponent
    return c * _checked_pow(a, c - 1.0)


# ---------------------------------------------------------------- unary: (out, d/dx)


def neg(x: float) -> Unary:
    return -x, -1.0


def absolute(x: float) -> Unary:
    # The subgradient at 0 is taken as 0, as PyTorch does; a nan operand gets a nan derivative.
    return abs(x), (1.0 if x > 0.0 else -1.0 if x < 0.0 else 0.0 if x == 0.0 else x)


def exp(x: float) -> Unary:
    try:
        out = math.exp(x)
    except OverflowError:
        out = math.inf
    return out, out


def log(x: float) -> Unary:
    if x <= 0.0:
        raise ValueError(f"log: the operand must be > 0, got {_fmt(x)}")
    return math.log(x), 1.0 / x


def tanh(x: float) -> Unary:
    t = math.tanh(x)
    return t, 1.0 - t * t


def sigmoid(x: float) -> Unary:
    # Only ever exponentiate a non-positive number, so no overflow at |x| = 1000.
    if x >= 0.0:
        s = 1.0 / (1.0 + math.exp(-x))
    else:
        e = math.exp(x)
        s = e / (1.0 + e)
    return s, s * (1.0 - s)


def relu(x: float) -> Unary:
    # The derivative at 0 is taken as 0, as PyTorch does.
    if x > 0.0:
        return x, 1.0
    if x <= 0.0:
        return 0.0, 0.0
    return x, x  # nan: relu(nan) is nan, not a silent 0


def sqrt(x: float) -> Unary:
    if x < 0.0:
        raise ValueError(f"sqrt: the operand must be >= 0, got {_fmt(x)}")
    out = math.sqrt(x)
    return out, (0.5 / out if out != 0.0 else math.inf)


def sin(x: float) -> Unary:
    try:
        return math.sin(x), math.cos(x)
    except ValueError:  # x is inf: IEEE says nan, where math raises a bare "math domain error"
        return math.nan, math.nan


def cos(x: float) -> Unary:
    try:
        return math.cos(x), -math.sin(x)
    except ValueError:  # x is inf (see sin)
        return math.nan, math.nan


BINARY = {"+": add, "-": sub, "*": mul, "/": div, "**": pow_value}
"""Binary ops between two Values, by the op name stored on the node."""

UNARY = {
    "neg": neg,
    "abs": absolute,
    "exp": exp,
    "log": log,
    "tanh": tanh,
    "sigmoid": sigmoid,
    "relu": relu,
    "sqrt": sqrt,
    "sin": sin,
    "cos": cos,
}
"""Unary ops, by the op name stored on the node."""
