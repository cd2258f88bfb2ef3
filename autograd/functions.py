"""Elementary functions that take a float or a Value: the vocabulary derivatives are written in.

On a number each returns a float (IEEE results where the math has no number: ``exp`` overflows
to inf, ``sin(inf)`` is nan); on a Value it returns the Value's op (``x.exp()``), a new node.
So a derivative such as ``sigmoid(x)`` gives floats in the forward pass and a graph under
``create_graph``. Domain errors (``log(0)``, ``log1p(-1)``, ``sqrt(-1)``) and numbers beyond
float range (``exp(10**400)``) are ValueErrors naming the function; an int result is a float.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Protocol, TypeVar, overload

__all__ = [
    "exp",
    "log",
    "log1p",
    "tanh",
    "sigmoid",
    "relu",
    "sqrt",
    "sin",
    "cos",
    "abs",
    "power",
]


class Differentiable(Protocol):
    """What these functions need of a non-number: the op methods `autograd.Value` has."""

    def exp(self) -> Any: ...
    def log(self) -> Any: ...
    def log1p(self) -> Any: ...
    def tanh(self) -> Any: ...
    def sigmoid(self) -> Any: ...
    def relu(self) -> Any: ...
    def sqrt(self) -> Any: ...
    def sin(self) -> Any: ...
    def cos(self) -> Any: ...
    def __abs__(self) -> Any: ...
    def __pow__(self, exponent: float) -> Any: ...


V = TypeVar("V", bound=Differentiable)


def _number(x: object, name: str) -> float | None:
    """``x`` as a float if it is a real number, None if it is a node; ValueError naming the
    function ``name`` for a number beyond float range (``10**400``), even where the answer
    would be finite (``log``): the rule `autograd.Value` follows."""
    if type(x) is float:
        return x
    if not isinstance(x, numbers.Real):
        return None
    try:
        return float(x)
    except OverflowError:
        text = repr(x)
        if len(text) > 40:
            text = f"{text[:20]}...({len(text)} characters)"
        raise ValueError(
            f"{name}: the {type(x).__name__} {text} is too large for a float"
        ) from None


@overload
def exp(x: float) -> float: ...
@overload
def exp(x: V) -> V: ...
def exp(x: Any) -> Any:
    """e ** x; overflows to inf past x = 709.78 (IEEE)."""
    a = x if type(x) is float else _number(x, "exp")
    if a is None:
        return x.exp()
    try:
        return math.exp(a)
    except OverflowError:
        return math.inf


@overload
def log(x: float) -> float: ...
@overload
def log(x: V) -> V: ...
def log(x: Any) -> Any:
    """Natural log; ValueError for x <= 0 (a nan stays nan)."""
    a = x if type(x) is float else _number(x, "log")
    if a is None:
        return x.log()
    if a <= 0.0:
        raise ValueError(f"log: the operand must be > 0, got {a!r}")
    return math.log(a)


@overload
def log1p(x: float) -> float: ...
@overload
def log1p(x: V) -> V: ...
def log1p(x: Any) -> Any:
    """log(1 + x), exact for tiny x where forming 1 + x first would round (log1p(-1e-9) is not
    log(1 - 1e-9)); ValueError for x <= -1 (a nan stays nan)."""
    a = x if type(x) is float else _number(x, "log1p")
    if a is None:
        return x.log1p()
    if a <= -1.0:
        raise ValueError(f"log1p: the operand must be > -1, got {a!r}")
    return math.log1p(a)


@overload
def tanh(x: float) -> float: ...
@overload
def tanh(x: V) -> V: ...
def tanh(x: Any) -> Any:
    """Hyperbolic tangent."""
    a = x if type(x) is float else _number(x, "tanh")
    return x.tanh() if a is None else math.tanh(a)


@overload
def sigmoid(x: float) -> float: ...
@overload
def sigmoid(x: V) -> V: ...
def sigmoid(x: Any) -> Any:
    """1 / (1 + e**-x), exponentiating only a non-positive number, so no overflow at |x| = 1000."""
    a = x if type(x) is float else _number(x, "sigmoid")
    if a is None:
        return x.sigmoid()
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


@overload
def relu(x: float) -> float: ...
@overload
def relu(x: V) -> V: ...
def relu(x: Any) -> Any:
    """max(0, x); relu(nan) is nan, not a silent 0."""
    a = x if type(x) is float else _number(x, "relu")
    if a is None:
        return x.relu()
    return 0.0 if a <= 0.0 else a


@overload
def sqrt(x: float) -> float: ...
@overload
def sqrt(x: V) -> V: ...
def sqrt(x: Any) -> Any:
    """Square root; ValueError for x < 0."""
    a = x if type(x) is float else _number(x, "sqrt")
    if a is None:
        return x.sqrt()
    if a < 0.0:
        raise ValueError(f"sqrt: the operand must be >= 0, got {a!r}")
    return math.sqrt(a)


@overload
def sin(x: float) -> float: ...
@overload
def sin(x: V) -> V: ...
def sin(x: Any) -> Any:
    """Sine (radians); nan for an infinite x, as IEEE says."""
    a = x if type(x) is float else _number(x, "sin")
    if a is None:
        return x.sin()
    return math.sin(a) if a - a == 0.0 else math.nan


@overload
def cos(x: float) -> float: ...
@overload
def cos(x: V) -> V: ...
def cos(x: Any) -> Any:
    """Cosine (radians); nan for an infinite x, as IEEE says."""
    a = x if type(x) is float else _number(x, "cos")
    if a is None:
        return x.cos()
    return math.cos(a) if a - a == 0.0 else math.nan


_builtin_abs = abs


@overload
def abs(x: float) -> float: ...
@overload
def abs(x: V) -> V: ...
def abs(x: Any) -> Any:
    """|x|."""
    a = x if type(x) is float else _number(x, "abs")
    return x.__abs__() if a is None else _builtin_abs(a)


@overload
def power(x: float, exponent: float) -> float: ...
@overload
def power(x: V, exponent: float) -> V: ...
@overload
def power(x: Any, exponent: Any) -> Any: ...
def power(x: Any, exponent: Any) -> Any:
    """x ** exponent; on numbers ``±inf`` where a float power overflows or has a pole at 0."""
    a = x if type(x) is float else _number(x, "power")
    b = _number(exponent, "power")
    if a is None or b is None:
        return x**exponent
    exponent = b
    try:
        return a**exponent
    except OverflowError:
        # Negative only for a negative base to an odd integer power: (-1e200) ** 3 is -inf.
        return -math.inf if a < 0.0 and exponent % 2.0 == 1.0 else math.inf
    except ZeroDivisionError:  # 0 ** negative: a pole
        return math.inf
