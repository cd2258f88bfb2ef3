"""`evaluate`: a recorded graph's output computed again with some leaves changed.

Each node's value is recomputed by its op's forward (`autograd.ops`) from its parents' new
values, in topological order, without building nodes or touching any ``.data`` or ``.grad``.
For an op made by `autograd.define_op` that forward is the user's function, so it runs; the
graph views (the "nudge a leaf by h" readout) therefore evaluate only graphs of built-in ops.
"""

from __future__ import annotations

from collections.abc import Mapping

from autograd.graph import topological_order
from autograd.value import Number, Value, as_constant

__all__ = ["evaluate"]


def evaluate(root: Value, changes: Mapping[Value, Number]) -> float:
    """``root``'s value with each leaf in ``changes`` set to its new value, as a float.

    Every other leaf keeps its ``.data``; a leaf that ``root`` does not depend on changes
    nothing (so all of a function's inputs may be given, used or not). A key that is not a Value, a key that is not a leaf
    (its value is determined by its parents), or a value that is not a real number is an error
    raised before anything is computed. Domain errors (``log`` of a negative) are raised as the
    op raises them. A dot node with numbers among its operands gives the same value up to the
    rounding of a different order of addition.
    """
    if not isinstance(root, Value):
        raise TypeError(f"evaluate: root must be a Value, got {type(root).__name__}")
    if not isinstance(changes, Mapping):
        raise TypeError(
            f"evaluate: changes must be a mapping {{leaf: new value}}, got {type(changes).__name__}"
        )
    values: dict[Value, float] = {}
    for leaf, new in changes.items():
        if not isinstance(leaf, Value):
            raise TypeError(
                f"evaluate: a key of changes must be a Value, got {type(leaf).__name__}"
            )
        if leaf.parents:
            name = repr(leaf.label) if leaf.label else f"a {leaf.op_label!r} node"
            raise ValueError(
                f"evaluate: {name} is not a leaf (its value comes from its parents); "
                "change the leaves it depends on instead"
            )
        number = as_constant(new)
        if number is None:
            raise TypeError(
                f"evaluate: the new value of {leaf.label or 'a leaf'!r} must be a real number, "
                f"got {type(new).__name__}"
            )
        values[leaf] = number
    for node in topological_order(root):
        if node in values:
            continue
        if not node.parents:
            values[node] = node.data
        else:
            values[node] = node.op.evaluate(node, [values[p] for p in node.parents])
    return values[root]
