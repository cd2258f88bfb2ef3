"""Gradient checking: analytic gradients from backward against central finite differences."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from autograd.mode import enable_grad, no_grad
from autograd.value import Number, Value, as_constant

__all__ = ["GradcheckError", "numerical_grad", "gradcheck", "analytic_grad"]

ScalarFunction = Callable[..., Value]
"""Called as ``f(*values)`` with one Value per input; returns a Value."""


class GradcheckError(AssertionError):
    """Analytic and numerical gradients disagree; the message is a table of every input."""


def input_point(inputs: Sequence[Number | Value], where: str) -> list[float]:
    """The point a check is made at, as floats (a Value stands for its ``.data``, as a tensor
    does in PyTorch's gradcheck); TypeError naming ``where`` and the bad input."""
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence):
        raise TypeError(f"{where}: inputs must be a list of numbers, got {type(inputs).__name__}")
    values = []
    for i, x in enumerate(inputs):
        c = x.data if isinstance(x, Value) else as_constant(x)
        if c is None:
            raise TypeError(f"{where}: input {i} must be a real number, got {type(x).__name__}")
        values.append(c)
    return values


def check_tolerance(value: object, name: str, where: str, *, positive: bool = False) -> None:
    """ValueError unless ``value`` is a finite real number, >= 0 (or > 0 if ``positive``)."""
    try:
        number = as_constant(value)
    except ValueError:  # an int too large for a float
        number = math.inf
    if number is None or not math.isfinite(number) or number < 0 or (positive and number == 0):
        bound = "> 0" if positive else ">= 0"
        raise ValueError(f"{where}: {name} must be a finite number {bound}, got {value!r}")


def check_tolerances(where: str, eps: object, atol: object, rtol: object) -> None:
    """The settings every gradient check takes: ``eps`` > 0, ``atol`` and ``rtol`` >= 0."""
    check_tolerance(eps, "eps", where, positive=True)
    check_tolerance(atol, "atol", where)
    check_tolerance(rtol, "rtol", where)


def _call(f: ScalarFunction, point: list[float], where: str) -> Value:
    out = f(*[Value(x) for x in point])
    if not isinstance(out, Value):
        raise TypeError(f"{where}: f must return a Value, got {type(out).__name__}")
    return out


def numerical_grad(
    f: ScalarFunction, inputs: Sequence[Number | Value], eps: float = 1e-6
) -> list[float]:
    """df/dx_i by central differences, (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)."""
    point = input_point(inputs, "numerical_grad")
    check_tolerance(eps, "eps", "numerical_grad", positive=True)
    grads = []
    with no_grad():
        for i, x in enumerate(point):
            up = _call(f, [*point[:i], x + eps, *point[i + 1 :]], "numerical_grad").data
            down = _call(f, [*point[:i], x - eps, *point[i + 1 :]], "numerical_grad").data
            grads.append((up - down) / (2 * eps))
    return grads


def analytic_grad(f: ScalarFunction, inputs: Sequence[Number | Value]) -> list[float]:
    """df/dx_i by one backward pass (graph recording on, even inside `no_grad`)."""
    point = input_point(inputs, "analytic_grad")
    leaves = [Value(x) for x in point]
    with enable_grad():  # under no_grad f would build no graph, and every gradient be 0
        out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"analytic_grad: f must return a Value, got {type(out).__name__}")
    out.backward()
    return [leaf.grad for leaf in leaves]


def gradcheck(
    f: ScalarFunction,
    inputs: Sequence[Number | Value],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """True if backward matches central differences for every input, within
    ``|analytic - numeric| <= atol + rtol * |numeric|``; otherwise raise GradcheckError."""
    point = input_point(inputs, "gradcheck")
    check_tolerances("gradcheck", eps, atol, rtol)
    analytic = analytic_grad(f, point)
    numeric = numerical_grad(f, point, eps)
    failed = [
        i
        for i, (a, n) in enumerate(zip(analytic, numeric))
        if not abs(a - n) <= atol + rtol * abs(n)
    ]
    if failed:
        raise GradcheckError(mismatch_table(point, analytic, numeric, failed, atol, rtol))
    return True


def mismatch_table(
    point: Sequence[float],
    analytic: Sequence[float],
    numeric: Sequence[float],
    failed: Sequence[int],
    atol: float,
    rtol: float,
    title: str = "gradient",
) -> str:
    """A readable table of analytic vs numeric derivatives, failing rows marked."""
    header = f"{'':2}{'input':>6} {'x':>14} {'analytic':>14} {'numeric':>14} {'abs err':>10} {'rel err':>10}"
    lines = [
        f"{title} check failed for input(s) {list(failed)} (atol={atol}, rtol={rtol}):",
        header,
    ]
    for i, (x, a, n) in enumerate(zip(point, analytic, numeric)):
        abs_err = abs(a - n)
        rel_err = abs_err / abs(n) if n != 0 else float("inf") if abs_err else 0.0
        mark = "!" if i in failed else ""
        lines.append(
            f"{mark:2}{i:>6} {x:>14.6g} {a:>14.6g} {n:>14.6g} {abs_err:>10.3g} {rel_err:>10.3g}"
        )
    return "\n".join(lines)
