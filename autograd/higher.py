"""Higher-order gradients: local derivatives built as Values, so that gradients have a graph.

First-order backward multiplies floats: each node's local derivatives were computed in the
forward pass. With ``create_graph=True`` backward (`autograd.graph`) instead multiplies by the
local derivatives *as Values*: the op's one derivative (`autograd.ops`) called on the node's
parents and the node itself (tanh' = 1 - out**2, exp' = out), so every gradient is itself a node
that can be differentiated again. Derivatives that are constants (x + y, x * 2.0, neg, sum) stay
floats and add no nodes.

Public: `grad` (functional, touches no ``.grad``) and `gradgradcheck` (second derivatives
against finite differences of the first).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, overload

from autograd.gradcheck import (
    GradcheckError,
    analytic_grad,
    check_tolerances,
    input_point,
    mismatch_table,
)
from autograd.graph import gradients
from autograd.mode import enable_grad
from autograd.value import Number, Value, as_constant

__all__ = ["grad", "gradgradcheck", "hessian"]


# ---------------------------------------------------------------- public API


@overload
def grad(
    output: Value,
    inputs: Value | Sequence[Value],
    create_graph: bool = False,
    grad_output: Value | Number = 1.0,
    allow_unused: Literal[False] = False,
) -> list[Value]: ...


@overload
def grad(
    output: Value,
    inputs: Value | Sequence[Value],
    create_graph: bool = False,
    grad_output: Value | Number = 1.0,
    *,
    allow_unused: bool,
) -> list[Value | None]: ...


def grad(
    output: Value,
    inputs: Value | Sequence[Value],
    create_graph: bool = False,
    grad_output: Value | Number = 1.0,
    allow_unused: bool = False,
) -> list[Value] | list[Value | None]:
    """d(output)/d(input) for each of ``inputs``, as a list of Values; no ``.grad`` is touched.

    With ``create_graph=True`` each result is a node in a graph built from the inputs, so it can
    be differentiated again (second derivatives, Hessian-vector products, Newton's method);
    otherwise each is a new leaf. An input that ``output`` does not depend on is a ValueError
    naming it, as in PyTorch (usually a wiring bug); with ``allow_unused=True`` its entry is
    None instead. ``grad_output`` scales the result (the vector of a vector-Jacobian product); a
    Value there is itself part of the graph under ``create_graph``. Hooks run, as in backward.
    Under `no_grad` nothing is recorded, so even with ``create_graph`` the results are leaves.
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, got {type(output).__name__}")
    targets = [inputs] if isinstance(inputs, Value) else inputs
    if isinstance(targets, (str, bytes)) or not isinstance(targets, Sequence):
        raise TypeError(
            f"grad: inputs must be a Value or a list of Values, got {type(inputs).__name__}"
        )
    for i, x in enumerate(targets):
        if not isinstance(x, Value):
            raise TypeError(f"grad: inputs[{i}] must be a Value, got {type(x).__name__}")
    for name, flag in (("create_graph", create_graph), ("allow_unused", allow_unused)):
        if not isinstance(flag, bool):
            raise TypeError(f"grad: {name} must be a bool, got {type(flag).__name__}")
    seed: Any
    if isinstance(grad_output, Value):
        seed = grad_output if create_graph else grad_output.data
    else:
        seed = as_constant(grad_output)
        if seed is None:
            kind = type(grad_output).__name__
            raise TypeError(f"grad: grad_output must be a real number or a Value, got {kind}")
    grads = gradients(output, seed, create_graph)
    if not allow_unused:
        for i, x in enumerate(targets):
            if x not in grads:
                name = f" ({x.label!r})" if x.label else ""
                raise ValueError(
                    f"grad: inputs[{i}]{name} was not used to compute the output (pass "
                    f"allow_unused=True to get None for it)"
                )
    return [_as_value(grads[x]) if x in grads else None for x in targets]


def _as_value(g: Any) -> Value:
    return g if isinstance(g, Value) else Value(g)


def hessian(f: Callable[..., Value], inputs: Sequence[Number | Value]) -> list[list[float]]:
    """d2f/dx_i dx_j at ``inputs``: each component of the gradient (a Value) differentiated again.

    ``f`` is called as ``f(*values)`` with one Value per input, as in `gradcheck`.
    """
    leaves = [Value(x) for x in input_point(inputs, "hessian")]
    with enable_grad():  # as in analytic_grad: no_grad around the call must not zero it
        out = f(*leaves)
        if not isinstance(out, Value):
            raise TypeError(f"hessian: f must return a Value, got {type(out).__name__}")
        first = grad(out, leaves, create_graph=True, allow_unused=True)
    return [
        [0.0 if g is None else g.data for g in grad(d, leaves, allow_unused=True)]
        if d is not None
        else [0.0] * len(leaves)
        for d in first
    ]


def gradgradcheck(
    f: Callable[..., Value],
    inputs: Sequence[Number | Value],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """True if second derivatives (`grad` of `grad`) match central differences of the first
    derivatives, every d2f/dx_i dx_j within ``atol + rtol * |numeric|``; otherwise raise
    `GradcheckError` with a table per gradient component that disagrees.

    ``f`` is called as ``f(*values)`` with one Value per input, as in `gradcheck`.
    """
    point = input_point(inputs, "gradgradcheck")
    check_tolerances("gradgradcheck", eps, atol, rtol)
    analytic = hessian(f, point)
    n = len(point)
    numeric = [[0.0] * n for _ in range(n)]
    for j, x in enumerate(point):
        up = analytic_grad(f, [*point[:j], x + eps, *point[j + 1 :]])
        down = analytic_grad(f, [*point[:j], x - eps, *point[j + 1 :]])
        for i in range(n):
            numeric[i][j] = (up[i] - down[i]) / (2 * eps)
    tables = []
    for i in range(n):
        failed = [
            j
            for j in range(n)
            if not abs(analytic[i][j] - numeric[i][j]) <= atol + rtol * abs(numeric[i][j])
        ]
        if failed:
            title = f"second derivative d/dx_j (df/dx_{i})"
            tables.append(mismatch_table(point, analytic[i], numeric[i], failed, atol, rtol, title))
    if tables:
        raise GradcheckError("\n\n".join(tables))
    return True
