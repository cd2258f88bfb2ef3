"""The nudge readout: for a leaf x, "nudge x by h: predicted change grad × h, actual change".

The derivative comes from `autograd.grad` (no ``.grad`` is touched) and the actual change from
`autograd.evaluate`, which recomputes the recorded graph with x + h. Looking at a graph never
runs the user's code: a graph holding an op made by `autograd.define_op` (whose forward is the
user's function) gets no readout. A small h agrees with the prediction; a large one shows where
the linear guess breaks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd import ops
from autograd.evaluation import evaluate
from autograd.graph import topological_order
from autograd.higher import grad
from autograd.value import Value

__all__ = ["MAX_LEAVES", "NUDGES", "built_in", "nudge_table"]

NUDGES = (0.001, 0.01, 0.1, 1.0)
MAX_LEAVES = 64
"""Leaves beyond this many get no readout (each costs four evaluations of the whole graph)."""

Row = tuple[float, float, float | None]  # h, predicted change, actual change (None: undefined)


def built_in(op: ops.Op) -> bool:
    """True for the package's own ops (their forms with constants too), whose forward is
    ours to run; False for an op made by `autograd.define_op`."""
    base = getattr(op, "base", op)
    return base is ops.SUM or base is ops.DOT or any(base is b for b in ops.BUILTIN.values())


def nudge_table(root: Value, leaves: Iterable[Value]) -> dict[Value, list[Row]]:
    """For each leaf (the first `MAX_LEAVES`): the predicted and actual change of ``root``."""
    chosen = [v for v in leaves if not v.parents][:MAX_LEAVES]
    if not chosen or not math.isfinite(root.data):
        return {}
    if not all(built_in(node.op) for node in topological_order(root) if node.parents):
        return {}  # the actual change would run a define_op's forward: the user's code
    table: dict[Value, list[Row]] = {}
    for leaf, derivative in zip(chosen, grad(root, chosen)):
        rows: list[Row] = []
        for h in NUDGES:
            try:
                actual: float | None = evaluate(root, {leaf: leaf.data + h}) - root.data
            except (ValueError, ZeroDivisionError, OverflowError):  # outside an op's domain
                actual = None
            rows.append((h, float(derivative.data) * h, actual))
        table[leaf] = rows
    return table
