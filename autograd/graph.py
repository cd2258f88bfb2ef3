"""Walking the graph: topological order, backward, step-by-step backward, and gradient hooks.

Backward has two paths that give the same gradients:
- the fast path (no hooks anywhere): gradients are summed straight into each node's ``.grad``;
- the general path (hooks registered, or a graph of gradients requested): gradients for this call
  are summed in a dict first, so hooks see and may replace a node's whole gradient, and are only
  then written to ``.grad``.
Both order the graph with an explicit stack, never recursion.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from autograd.value import Value, as_constant

__all__ = [
    "BackwardStep",
    "Edge",
    "Hook",
    "backward",
    "backward_steps",
    "register_hook",
    "topological_order",
]

Hook = Callable[[Any], Any]
"""Called with a node's gradient during backward; a non-None return value replaces it."""


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, itself included, each after all of its parents."""
    if not isinstance(root, Value):
        raise TypeError(f"topological_order expects a Value, got {type(root).__name__}")
    return _depth_first(root, skip_leaves=False)


def _depth_first(root: Value, skip_leaves: bool) -> list[Value]:
    """Post-order depth-first search from ``root`` along parent links, with an explicit stack.

    A node is pushed back under a ``None`` marker before its parents go on top, and emitted
    when the marker comes off, by which time every parent has been emitted. The stack holds
    only nodes and markers: nothing is allocated per node for the cycle collector to scan,
    which keeps million-node graphs fast.
    """
    order: list[Value] = []
    visited = {root}
    stack: list[Value | None] = [root, None]
    stack.extend(p for p in reversed(root.parents) if p.parents or not skip_leaves)
    while stack:
        node = stack.pop()
        if node is None:  # all of the node below the marker's parents are done
            order.append(stack.pop())  # type: ignore[arg-type]
            continue
        if node in visited:  # reached again through another child
            continue
        visited.add(node)
        stack.append(node)
        stack.append(None)
        for parent in reversed(node.parents):  # so the first parent comes off first
            if (parent.parents or not skip_leaves) and parent not in visited:
                stack.append(parent)
    return order


def _seed(root: Value, grad: object) -> float:
    if not isinstance(root, Value):
        raise TypeError(f"backward expects a Value, got {type(root).__name__}")
    seed = as_constant(grad)
    if seed is None:
        raise TypeError(f"backward: grad must be a real number, got {type(grad).__name__}")
    return seed


def backward(root: Value, grad: object = 1.0, *, create_graph: bool = False) -> None:
    """d(root)/d(node) into every node's ``.grad``; see `Value.backward` for the semantics."""
    seed = _seed(root, grad)
    if create_graph or _hooks.live:
        _backward_general(root, seed, create_graph)
        return
    if not root.parents:  # a leaf: accumulate like any other leaf
        root.grad += seed
        return
    order = _depth_first(root, skip_leaves=True)  # leaves have nothing to pass on
    for node in order:
        node.grad = 0.0  # an intermediate's grad is this call's alone
    root.grad = seed
    for node in reversed(order):
        upstream = node.grad
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * upstream


@dataclass(frozen=True, slots=True)
class Edge:
    """One use of the chain rule: parent.grad += local_grad * upstream."""

    parent: Value
    local_grad: float
    contribution: float
    grad_before: float
    grad_after: float


@dataclass(frozen=True, slots=True)
class BackwardStep:
    """What one step of backward did: ``node`` passed ``upstream`` on to each parent."""

    index: int
    node: Value
    upstream: float
    edges: tuple[Edge, ...]


def backward_steps(root: Value, grad: object = 1.0) -> Iterator[BackwardStep]:
    """Backward one node at a time: each ``next()`` performs one step and describes it.

    The order and arithmetic are exactly those of `backward`, so running every step leaves the
    same gradients. Nodes are updated as you go, so a drawing between steps shows partial sums.
    """
    seed = _seed(root, grad)
    if not root.parents:
        root.grad += seed
        return
    order = _depth_first(root, skip_leaves=True)
    for node in order:
        node.grad = 0.0
    root.grad = seed
    for index, node in enumerate(reversed(order)):
        upstream = node.grad
        edges = []
        for parent, local in zip(node.parents, node.local_grads):
            before = parent.grad
            contribution = local * upstream
            parent.grad += contribution
            edges.append(Edge(parent, local, contribution, before, parent.grad))
        yield BackwardStep(index, node, upstream, tuple(edges))


# ---------------------------------------------------------------- hooks and the general path


class _HookRegistry:
    """Counts live hooks so that backward takes the general path only when one exists."""

    __slots__ = ("live",)

    def __init__(self) -> None:
        self.live = 0


_hooks = _HookRegistry()


class NodeExtras:
    """Rarely used per-node data, kept out of `Value` so that ordinary nodes stay small."""

    __slots__ = ("hooks", "created_at")

    def __init__(self) -> None:
        self.hooks: list[Hook] = []
        self.created_at: str | None = None

    def __del__(self) -> None:
        # A node freed with hooks still registered: they can never run again.
        _hooks.live -= len(self.hooks)


def _extras(node: Value) -> NodeExtras:
    if node._extra is None:
        node._extra = NodeExtras()
    return node._extra  # type: ignore[no-any-return]


def register_hook(node: Value, hook: Hook) -> Callable[[], None]:
    """See `Value.register_hook`."""
    if not callable(hook):
        raise TypeError(f"register_hook expects a callable, got {type(hook).__name__}")
    hooks = _extras(node).hooks
    hooks.append(hook)
    _hooks.live += 1

    def remove() -> None:
        if hook in hooks:
            hooks.remove(hook)
            _hooks.live -= 1

    return remove


def _run_hooks(node: Value, grad: Any) -> Any:
    extra = node._extra
    if extra is not None:
        for hook in extra.hooks:
            replaced = hook(grad)
            if replaced is not None:
                grad = replaced
    return grad


def _backward_general(root: Value, seed: float, create_graph: bool) -> None:
    """Backward with this call's gradients summed in a dict before they reach ``.grad``."""
    if create_graph:
        from autograd.higher import local_grads_as_values

        upstream_of: dict[Value, Any] = {root: Value(seed)}
    else:
        upstream_of = {root: seed}
    order = topological_order(root)
    for node in reversed(order):
        upstream = _run_hooks(node, upstream_of[node])
        upstream_of[node] = upstream
        if not node.parents:
            continue
        local_grads = local_grads_as_values(node) if create_graph else node.local_grads
        for parent, local in zip(node.parents, local_grads):
            contribution = local * upstream
            if parent in upstream_of:
                upstream_of[parent] = upstream_of[parent] + contribution
            else:
                upstream_of[parent] = contribution
    for node in order:
        if node.parents:
            node.grad = upstream_of[node]
        else:
            node.grad = node.grad + upstream_of[node]
