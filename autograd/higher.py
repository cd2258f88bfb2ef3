"""Higher-order gradients: local derivatives built as Values, so that gradients have a graph.

First-order backward multiplies floats: each node's local derivatives were computed in the
forward pass. With ``create_graph=True`` backward instead multiplies by the local derivatives
*as Values*, built here from the node's parents (and the node itself: tanh' = 1 - out**2,
exp' = out), so every gradient is itself a node that can be differentiated again. Derivatives
that are constants (x + y, x * 2.0, neg, relu, sum) stay floats and add no nodes.

Public: `grad` (functional, touches no ``.grad``) and `gradgradcheck` (second derivatives
against finite differences of the first).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Literal, overload

from autograd import graph
from autograd.check import (
    GradcheckError,
    _floats,
    analytic_grad,
    check_tolerance,
    mismatch_table,
)
from autograd.graph import gradients
from autograd.mode import enable_grad
from autograd.value import Number, Value, as_constant

__all__ = ["RULES", "grad", "gradgradcheck", "hessian", "local_grads_as_values"]

LocalGrads = tuple[Value | float, ...]
Rule = Callable[[Value], LocalGrads]


def local_grads_as_values(node: Value) -> LocalGrads:
    """d(node)/d(parent) for each parent, as Values built from the parents (floats if constant).

    The values equal ``node.local_grads``; the difference is that these carry a graph.
    NotImplementedError for an op with no rule (register one in `RULES`).
    """
    op = node.op
    rule = RULES.get(op) or _rule_with_constant(op)
    return rule(node)


# ---------------------------------------------------------------- one rule per op


def _constants(node: Value) -> LocalGrads:
    """Ops whose local derivatives do not depend on their operands: the stored floats."""
    return node.local_grads


def _mul(node: Value) -> LocalGrads:
    if len(node.parents) == 1:  # x * c or c * x: the constant c
        return node.local_grads
    a, b = node.parents
    return b, a


def _div(node: Value) -> LocalGrads:
    if len(node.parents) == 1:  # x / c: 1 / c
        return node.local_grads
    b = node.parents[1]
    inverse = 1.0 / b
    return inverse, -node * inverse  # d/db (a / b) = -a / b**2 = -(a / b) / b


def _pow(node: Value) -> LocalGrads:
    """a ** b with a Value exponent (the forward pass ensured a >= 0, and b > 0 if a == 0)."""
    a, b = node.parents
    if a.data == 0.0:
        # d/db = a**b * ln a is 0 at a = 0, and so is its derivative in a when b > 1.
        d_base = b * a ** (b - 1.0) if b.data > 1.0 else node.local_grads[0]  # 1, or inf: a pole
        return d_base, 0.0
    return b * a ** (b - 1.0), node * a.log()


def _pow_constant(node: Value) -> LocalGrads:
    """x ** c, the constant c written in the op name ("**2", "**0.5", "**-1")."""
    c = float(node.op[2:])
    (x,) = node.parents
    if c in (0.0, 1.0) or (x.data == 0.0 and c < 1.0):  # 0 or 1; or inf at a pole
        return node.local_grads
    if c == 2.0:
        return (x * 2.0,)
    return (x ** (c - 1.0) * c,)


def _constant_to_power(node: Value) -> LocalGrads:
    """c ** x, the constant base c >= 0 written in the op name ("2**")."""
    c = float(node.op[:-2])
    if c == 0.0:  # 0 ** x is 0 for every x > 0: its derivative is the constant 0
        return node.local_grads
    return (node * math.log(c),)


def _constant_over(node: Value) -> LocalGrads:
    """c / x, the constant written in the op name ("1/"): d/dx = -c / x**2 = -(c / x) / x."""
    (x,) = node.parents
    return (-node / x,)


def _sqrt(node: Value) -> LocalGrads:
    if node.data == 0.0:  # inf: the derivative has a pole at 0
        return node.local_grads
    return (0.5 / node,)


def _dot(node: Value) -> LocalGrads:
    """d/dw_i = x_i and d/dx_i = w_i; the first k parents multiply the next k (`dot_pairs`)."""
    extra = node._extra
    k = extra.dot_pairs if extra is not None else 0
    if not k:  # every operand multiplies a constant
        return node.local_grads
    parents = node.parents
    return (*parents[k : 2 * k], *parents[:k], *node.local_grads[2 * k :])


RULES: dict[str, Rule] = {
    "+": _constants,
    "-": _constants,
    "*": _mul,
    "/": _div,
    "**": _pow,
    "neg": _constants,
    "abs": _constants,
    "relu": _constants,
    "exp": lambda node: (node,),
    "log": lambda node: (1.0 / node.parents[0],),
    "tanh": lambda node: (1.0 - node * node,),
    "sigmoid": lambda node: (node * (1.0 - node),),
    "sqrt": _sqrt,
    "sin": lambda node: (node.parents[0].cos(),),
    "cos": lambda node: (-node.parents[0].sin(),),
    "sum": _constants,
    "dot": _dot,
}
"""Rules by op name. Ops with a constant in their name ("**2", "2**", "3-", "1/") are matched
by their shape in `_rule_with_constant`. A new op can add its rule here."""


def _rule_with_constant(op: str) -> Rule:
    if len(op) > 2 and op.startswith("**"):
        return _pow_constant
    if len(op) > 2 and op.endswith("**"):
        return _constant_to_power
    if len(op) > 1 and op.endswith("-"):  # c - x: -1
        return _constants
    if len(op) > 1 and op.endswith("/"):
        return _constant_over
    raise NotImplementedError(
        f"create_graph: no rule for op {op!r} (add its local derivatives as Values to "
        f"autograd.higher.RULES)"
    )


# ---------------------------------------------------------------- used by graph.gradients


def times(local: Value | float, grad: Any) -> Any:
    """``local * grad``, without the multiplications by 1.0 that would only add nodes."""
    if type(local) is float:
        if local == 1.0:
            return grad
    elif type(grad) is float and grad == 1.0:
        return local
    return local * grad


def sum_of_products(pairs: list[tuple[Any, Any]]) -> Any:
    """A node's gradient from its children's (local derivative, gradient) pairs: their
    products summed, as one fused dot node (gradients as weights, derivatives as inputs), or a
    float if every term is a constant."""
    if len(pairs) == 1:
        return times(*pairs[0])
    locals_ = [local for local, _ in pairs]
    grads = [g for _, g in pairs]
    if any(isinstance(g, Value) for g in grads) or any(isinstance(v, Value) for v in locals_):
        from autograd.fused import dot

        return dot(grads, locals_)
    total = 0.0
    for local, g in pairs:
        total += local * g
    return total


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


def hessian(f: Callable[..., Value], inputs: Sequence[Number]) -> list[list[float]]:
    """d2f/dx_i dx_j at ``inputs``: each component of the gradient (a Value) differentiated again.

    ``f`` is called as ``f(*values)`` with one Value per input, as in `gradcheck`.
    """
    leaves = [Value(x) for x in _floats(inputs, "hessian")]
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
    inputs: Sequence[Number],
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
    point = _floats(inputs, "gradgradcheck")
    check_tolerance(eps, "eps", "gradgradcheck", positive=True)
    check_tolerance(atol, "atol", "gradgradcheck")
    check_tolerance(rtol, "rtol", "gradgradcheck")
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


# create_graph in autograd.graph builds gradients with these (graph cannot import this module)
graph.local_grads_as_values = local_grads_as_values
graph.sum_of_products = sum_of_products
