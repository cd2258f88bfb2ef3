"""`define_op`: your own op, defined once like those of `autograd.ops`, and `apply_op`, which
builds one node of any op from Values and numbers."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from autograd.op import Derivative, Domain, Op, real_result
from autograd.value import Number, Value, as_constant, make_node

__all__ = ["apply_op", "define_op"]


def define_op(
    name: str,
    forward: Callable[..., float],
    derivative: Derivative,
    domain: Sequence[Domain] | None = None,
) -> Callable[..., Value]:
    """A new op, defined once: returns a function that takes Values or numbers and builds one
    node (a leaf if every operand is a number).

    ``forward(*xs)`` takes floats and returns a float. ``derivative(*xs, out)`` returns one
    local derivative per operand, written with operators and `autograd.functions` so that it
    gives floats in the forward pass and Values under ``create_graph`` (second derivatives).
    ``domain`` (one `autograd.op.Domain` per operand) is where `autograd.testing` draws
    operands; by default [-5, 5] for each of forward's parameters. The function's ``.op`` is
    the `autograd.op.Op`.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"define_op: name must be a non-empty str, got {name!r}")
    if not callable(forward) or not callable(derivative):
        raise TypeError("define_op: forward and derivative must be callable")
    op = Op(name, forward, derivative, _checked_domain(name, forward, domain))
    _check_takes(name, "derivative", derivative, op.arity + 1, "the operands and out")

    def apply(*operands: Value | Number) -> Value:
        return apply_op(op, *operands)

    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = f"The op {name!r} (made by autograd.define_op)."
    apply.op = op  # type: ignore[attr-defined]
    return apply


def _checked_domain(
    name: str, forward: Callable[..., float], domain: Sequence[Domain] | None
) -> Sequence[Domain] | None:
    """``domain``, checked: one `autograd.op.Domain` per operand forward takes."""
    if domain is None:
        return None  # Op counts forward's operands, refusing what it cannot count
    if isinstance(domain, (str, bytes)) or not isinstance(domain, Sequence):
        raise TypeError(
            f"op {name!r}: domain must be a list of Domain, got {type(domain).__name__}"
        )
    for i, d in enumerate(domain):
        if not isinstance(d, Domain):
            raise TypeError(f"op {name!r}: domain[{i}] must be a Domain, got {type(d).__name__}")
    _check_takes(name, "forward", forward, len(domain), f"{len(domain)} operands (the domain's)")
    return domain


def _check_takes(name: str, what: str, function: Callable[..., Any], n: int, meaning: str) -> None:
    """TypeError naming the op unless ``function`` can be called with n positional arguments."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return  # a builtin without a signature: found out at the first call
    try:
        signature.bind(*[0.0] * n)
    except TypeError:
        raise TypeError(
            f"op {name!r}: {what} must take {meaning} by position, but its signature is {signature}"
        ) from None


def apply_op(op: Op, *operands: Value | Number) -> Value:
    """One node of ``op`` on ``operands`` (Values or numbers; numbers become its constant), a
    leaf if none is a Value. `Value`'s operators build the same nodes, faster."""
    if len(operands) != op.arity:
        raise TypeError(f"{op.name} takes {op.arity} operands, got {len(operands)}")
    floats: list[float] = []
    parents: list[Value] = []
    constants: list[float] = []
    positions: list[int] = []
    for i, x in enumerate(operands):
        if isinstance(x, Value):
            parents.append(x)
            floats.append(x.data)
            continue
        c = as_constant(x)
        if c is None:
            kind = type(x).__name__
            raise TypeError(f"{op.name}: operand {i} must be a Value or a real number, got {kind}")
        floats.append(c)
        constants.append(c)
        positions.append(i)
    made_by = op.with_constants(tuple(positions)) if positions and parents else op
    out = real_result(made_by.forward(*floats), op.name, "forward")
    if not parents:
        return Value(out)
    local_grads = made_by.local_grads(floats, out)
    constant: Any = (
        None if not constants else constants[0] if len(constants) == 1 else tuple(constants)
    )
    return make_node(out, made_by, tuple(parents), local_grads, constant)
