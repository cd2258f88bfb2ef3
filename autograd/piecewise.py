"""The formulas of `autograd.ops` that have cases: division, powers and their derivatives.

Each takes floats (or, for derivatives, Values under ``create_graph``) and raises ValueError,
naming the op, where the math has no real answer.
"""

from __future__ import annotations

import math
from typing import Any

from autograd.functions import log, power
from autograd.op import data_of

__all__ = [
    "constant_to_power",
    "divide",
    "power_derivative",
    "power_grads",
    "power_of_node",
    "real_power",
]


def divide(a: float, b: float) -> float:
    """a / b, with a ValueError naming the op for b = 0."""
    if b == 0.0:
        raise ValueError(f"/: division by zero ({a!r} / {b!r})")
    return a / b


def real_power(a: float, b: float) -> float:
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


def power_of_node(a: float, b: float) -> float:
    """a ** b with the exponent a node: its derivative needs ln a, so a must be >= 0."""
    if a < 0.0:
        raise ValueError(
            f"**: the base must be >= 0 when the exponent is a Value (ln of the base is its "
            f"derivative), got base {a!r}"
        )
    if a == 0.0 and b <= 0.0:
        raise ValueError(f"**: 0 raised to the non-positive power {b!r}")
    return real_power(a, b)


def constant_to_power(c: float, b: float) -> float:
    """c ** b for a constant base: d/db = c ** b * ln c, so c must be >= 0."""
    if c < 0.0:
        raise ValueError(
            f"**: the constant base must be >= 0 when the exponent is a Value, got {c!r}"
        )
    return power_of_node(c, b)


def power_derivative(a: Any, b: Any) -> Any:
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


def power_grads(a: Any, b: Any, out: Any) -> tuple[Any, Any]:
    """d/da and d/db of a ** b; d/db = a ** b * ln a needs a > 0 (its limit at a = 0 is 0), and a
    negative base (allowed only with a constant integer exponent) has none: nan."""
    base = data_of(a)
    if base > 0.0:
        d_exponent = out * log(a)
    else:  # a nan exponent makes everything nan, as IEEE pow(0, nan) is nan
        d_exponent = 0.0 if base == 0.0 and data_of(out) == data_of(out) else math.nan
    return power_derivative(a, b), d_exponent
