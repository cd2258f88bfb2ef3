"""Which nodes a drawing shows, decided before any DOT is written (no graphviz needed).

The whole graph; or a summary, each fused ``dot`` node (a neuron) one box with its leaf
operands folded in; or only the last ``depth`` ops before the root. Also the box (cluster) each
node goes in, e.g. one per time step of an unrolled recurrent net, and the size check that
turns a drawing too large to read into `GraphTooLargeError` listing these options.
`autograd.viz.draw` turns a `Plan` into DOT.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from autograd.graph import post_order, topological_order
from autograd.ops import DOT
from autograd.value import Value

__all__ = [
    "ClusterFn",
    "GraphTooLargeError",
    "Plan",
    "check_size",
    "cluster_function",
    "count_at_most",
    "is_dot",
    "make_plan",
    "natural_key",
    "resolve_clusters",
]

ClusterFn = Callable[[Value], "str | None"]
"""``draw_graph(cluster=...)`` as a function: a node's cluster name, or None."""


COUNT_FACTOR = 10
"""The size check counts a graph exactly up to this many times ``max_nodes`` (at least
`COUNT_FLOOR`) and stops there, so refusing a huge graph takes time in proportion to the
limit, not to the graph."""
COUNT_FLOOR = 10_000


def is_dot(node: Value) -> bool:
    """True for a fused ``dot`` node: the op itself, never a user op that is named "dot"."""
    return node.op is DOT


class GraphTooLargeError(ValueError):
    """The graph has more nodes than ``max_nodes``; the message lists ways to draw less."""


@dataclass
class Plan:
    """Which nodes are drawn and how: all the DOT writer needs, computed before any DOT."""

    root: Value
    values: list[Value]  # drawn value nodes, parents before children
    index: dict[Value, int]  # drawn node -> its position in `values` (its DOT id)
    boxes: set[Value] = field(default_factory=set)  # dot nodes drawn as one box (summary)
    folded: dict[Value, int] = field(default_factory=dict)  # box -> how many leaves it folds
    truncated: set[Value] = field(default_factory=set)  # drawn, but their parents are not
    uses: dict[Value, list[tuple[Value, int]]] = field(default_factory=dict)  # drawn edges in

    def node_count(self) -> int:
        """Graphviz nodes: a box per value, and an ellipse per op (not for a summary box)."""
        ops = sum(1 for v in self.values if v.parents and v not in self.boxes)
        return len(self.values) + ops


def make_plan(root: Value, depth: int | None, summary: bool) -> Plan:
    """The whole graph, or the last ``depth`` ops; with ``summary``, dot nodes as boxes."""
    if depth is None:
        values = topological_order(root)
        truncated: set[Value] = set()
    else:
        values, truncated = _within(root, depth)
    drawn = set(values)
    boxes: set[Value] = set()
    folded: dict[Value, int] = {}
    if summary:
        boxes = {v for v in values if is_dot(v) and v not in truncated}
        used_elsewhere = {
            p for v in values if v not in boxes and v not in truncated for p in v.parents
        }
        hidden: set[Value] = set()
        for box in boxes:
            leaves = [p for p in box.parents if not p.parents]
            folded[box] = len(leaves)
            hidden.update(p for p in leaves if p not in used_elsewhere)
        hidden.discard(root)
        values = [v for v in values if v not in hidden]
        drawn = set(values)
    plan = Plan(root, values, {v: i for i, v in enumerate(values)}, boxes, folded, truncated)
    for child in reversed(values):  # backward's order, so "+=" terms read in the order added
        if child in truncated:
            continue
        for slot, parent in enumerate(child.parents):
            if parent in drawn and not (child in boxes and not parent.parents):
                plan.uses.setdefault(parent, []).append((child, slot))
    return plan


def _within(root: Value, depth: int) -> tuple[list[Value], set[Value]]:
    """Nodes at most ``depth`` ops above ``root`` (parents first), and the cut-off ones."""
    level = {root: 0}
    frontier = [root]
    d = 0
    while frontier and d < depth:  # a huge depth ends with the graph, not after depth rounds
        nxt = []
        for node in frontier:
            for parent in node.parents:
                if parent not in level:
                    level[parent] = d + 1
                    nxt.append(parent)
        frontier = nxt
        d += 1
    truncated = {v for v in level if v.parents and not all(p in level for p in v.parents)}

    # Drawn in topological order of the whole graph restricted to these nodes: walk the kept
    # nodes only (a node's kept parents come before it).
    def kept(v: Value) -> list[Value]:
        return [] if v in truncated else [p for p in reversed(v.parents) if p in level]

    return post_order(level, parents_of=kept), truncated


def resolve_clusters(plan: Plan, cluster: ClusterFn | None) -> dict[Value, str]:
    """Cluster name per drawn node: the function's answer, else inherited from its children.

    An unnamed non-leaf node joins its children's cluster when they all share one, so the ops
    that made a step's labelled result sit in that step. Leaves never inherit: a weight shared
    by every time step stays outside all of them.
    """
    if cluster is None:
        return {}
    names: dict[Value, str] = {}
    children: dict[Value, set[str | None]] = {}
    for child in plan.values:
        for parent in child.parents:
            if parent in plan.index:
                children.setdefault(parent, set())
    for node in reversed(plan.values):  # children before parents
        name = cluster(node)
        if name is not None and not isinstance(name, str):
            raise TypeError(f"draw_graph: cluster() must return a str or None, got {name!r}")
        if name is None and node.parents:
            seen = children.get(node, set())
            if len(seen) == 1:
                name = next(iter(seen))
        if name:
            names[node] = name
        if node not in plan.truncated:
            for parent in node.parents:
                if parent in children:
                    children[parent].add(names.get(node))
    return names


def natural_key(name: str) -> list[Any]:
    """Sort key putting numbers in order: t2 before t10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _label_prefix(node: Value) -> str | None:
    head, sep, _ = node.label.partition("/")
    return head if sep and head else None


def cluster_function(cluster: ClusterFn | str | None) -> ClusterFn | None:
    """The node -> cluster name function that ``draw_graph(cluster=...)`` stands for."""
    if cluster is None or callable(cluster):
        return cluster
    if cluster == "label":
        return _label_prefix
    raise ValueError(
        f"draw_graph: cluster must be None, 'label' or a function node -> str | None, "
        f"got {cluster!r}"
    )


def count_at_most(root: Value, depth: int | None, summary: bool, limit: int) -> int | None:
    """The Graphviz nodes `make_plan` would draw, or None once they certainly exceed ``limit``.

    Walks the graph breadth-first and stops as soon as a lower bound on the count passes
    ``limit``: a value box and an op ellipse per non-leaf node (one box for a ``dot`` under
    ``summary``, whose leaves may be folded in), so a huge graph is refused after about
    ``limit`` steps. Below the limit it defers to `make_plan`, which is then small.
    """
    level = {root: 0}
    frontier = [root]
    bound = 0
    steps = 0
    d = 0
    while frontier:
        nxt = []
        for node in frontier:
            if node.parents:
                bound += 1 if summary and is_dot(node) else 2
            elif node is root:
                bound += 1
            if bound > limit:
                return None
            if depth is not None and d >= depth:
                continue
            for parent in node.parents:
                steps += 1
                if steps > 4 * limit + 64:  # a node with a huge fan-in: count it exactly
                    return make_plan(root, depth, summary).node_count()
                if parent not in level:
                    level[parent] = d + 1
                    nxt.append(parent)
        frontier = nxt
        d += 1
    return make_plan(root, depth, summary).node_count()


def check_size(
    root: Value,
    max_nodes: int,
    *,
    caller: str,
    narrowing: bool | str = False,
    depth: int | None = None,
    summary: bool = False,
) -> tuple[Plan, int]:
    """The plan of a drawing and its node count; `GraphTooLargeError` if over ``max_nodes``.

    ``caller`` names the function in the message; ``narrowing`` says it accepts ``summary``
    and ``depth`` (only then are they suggested; ``"summary"``: only that one). The graph is counted exactly up to
    `COUNT_FACTOR` times ``max_nodes``, then called "more than" that: a refusal never walks
    the whole of a huge graph.
    """
    cap = max(COUNT_FACTOR * max_nodes, COUNT_FLOOR)
    count = count_at_most(root, depth, summary, cap)
    if count is None or count > max_nodes:
        raise GraphTooLargeError(
            _too_large_message(root, count, cap, max_nodes, caller, narrowing, summary, depth)
        )
    plan = make_plan(root, depth, summary)
    return plan, count


def _too_large_message(
    root: Value,
    count: int | None,
    cap: int,
    max_nodes: int,
    caller: str,
    narrowing: bool | str,
    summary: bool,
    depth: int | None,
) -> str:
    options = []
    if narrowing and not summary and _has_dot(root, cap):
        summary_count = count_at_most(root, depth, True, cap)
        told = f"{summary_count}" if summary_count is not None else f"more than {cap:,}"
        options.append(f"summary=True (one box per dot node/neuron: {told} nodes)")
    if narrowing is True:
        options.append("depth=k (only the last k ops before the root, e.g. depth=3)")
    options.append("a smaller input (one sample, fewer time steps)")
    if count is not None:
        options.append(f"max_nodes={count} (large drawings are slow to lay out and hard to read)")
    else:
        options.append("a larger max_nodes (large drawings are slow to lay out and hard to read)")
    size = f"{count}" if count is not None else f"more than {cap:,}"
    return (
        f"{caller}: this graph has {size} nodes to draw, more than max_nodes={max_nodes}. "
        "Try " + "; or ".join(options) + "."
    )


def _has_dot(root: Value, limit: int) -> bool:
    """Whether a ``dot`` node is among the first ``limit`` nodes above ``root``."""
    seen = {root}
    stack = [root]
    while stack and len(seen) <= limit:
        node = stack.pop()
        if is_dot(node):
            return True
        for parent in node.parents:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return False
