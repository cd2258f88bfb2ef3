"""The nudge readout: for a leaf x, "nudge x by h: predicted change grad × h, actual change".

The derivative comes from `autograd.grad` (no ``.grad`` is touched) and the actual change from
`autograd.evaluate`, which recomputes the recorded graph with x + h without running the user's
code. A small h agrees with the prediction; a large one shows where the linear guess breaks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd.evaluation import evaluate
from autograd.higher import grad
from autograd.value import Value

__all__ = ["MAX_LEAVES", "NUDGES", "nudge_table"]

NUDGES = (0.001, 0.01, 0.1, 1.0)
MAX_LEAVES = 64
"""Leaves beyond this many get no readout (each costs four evaluations of the whole graph)."""

Row = tuple[float, float, float | None]  # h, predicted change, actual change (None: undefined)


def nudge_table(root: Value, leaves: Iterable[Value]) -> dict[Value, list[Row]]:
    """For each leaf (the first `MAX_LEAVES`): the predicted and actual change of ``root``."""
    chosen = [v for v in leaves if not v.parents][:MAX_LEAVES]
    if not chosen or not math.isfinite(root.data):
        return {}
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
