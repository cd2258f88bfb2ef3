"""Walking the graph: topological order, backward, step-by-step backward, and gradient hooks.

Backward has two paths that give the same gradients:
- the fast path (no hooks anywhere): gradients are summed straight into each node's ``.grad``;
- the general path (hooks registered, a graph of gradients requested, or anomaly detection on):
  `gradients` sums this call's gradients in a dict, so hooks see and may replace a node's whole
  gradient, and `backward` only then writes them to ``.grad``. `autograd.grad` uses the dict
  without writing anything.
Both order the graph with an explicit stack, never recursion. `backward_steps` does the same
work one node at a time, with the arithmetic of whichever path `backward` would take.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from autograd.mode import MODE
from autograd.value import Value, as_constant

__all__ = [
    "BackwardStep",
    "Edge",
    "Hook",
    "backward",
    "backward_steps",
    "gradients",
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
    if create_graph or _hooks.live or MODE.anomaly:
        _store(gradients(root, seed, create_graph), create_graph)
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

    Running every step leaves exactly the gradients `backward` leaves, hooks and
    `autograd.detect_anomaly` included: a node's hooks run at the start of its step, on its
    complete gradient, and the step's ``upstream`` is what they return; leaves' hooks run once
    the last step is done (exhaust the iterator), on this call's gradient. Nodes are updated as
    you go, so a drawing between steps shows partial sums, and an error midway (a hook, an
    anomaly) leaves the steps done so far. ``root`` and ``grad`` are checked at the call.
    """
    seed = _seed(root, grad)
    return _steps(root, seed)


def _steps(root: Value, seed: float) -> Iterator[BackwardStep]:
    # Hooks or anomaly mode: backward would take the general path, so mirror its arithmetic.
    general = bool(_hooks.live) or MODE.anomaly
    if not root.parents:
        root.grad = _added(root.grad, _finish(root, seed, False)) if general else root.grad + seed
        return
    check = MODE.anomaly
    if check:
        from autograd.anomaly import check_contribution
    order = _depth_first(root, skip_leaves=True)
    for node in order:
        node.grad = 0.0
    root.grad = seed
    leaves: dict[Value, list[float]] = {}  # general path: leaf -> [grad before, this call's sum]
    for index, node in enumerate(reversed(order)):
        upstream = node.grad
        if general:
            upstream = node.grad = _finish(node, upstream, False)
        edges = []
        for slot, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            if check:
                check_contribution(node, slot, local, upstream)
            before = parent.grad
            contribution = local * upstream
            parent.grad += contribution
            if general and not parent.parents:
                sums = leaves.setdefault(parent, [before, 0.0])
                sums[1] += contribution
            edges.append(Edge(parent, local, contribution, before, parent.grad))
        yield BackwardStep(index, node, upstream, tuple(edges))
    for leaf, (before, total) in leaves.items():  # as `gradients` and `_store` finish leaves
        leaf.grad = _added(before, _finish(leaf, total, False))


# ---------------------------------------------------------------- hooks and the general path


class _HookRegistry:
    """Counts live hooks so that backward takes the general path only when one exists."""

    __slots__ = ("live",)

    def __init__(self) -> None:
        self.live = 0


_hooks = _HookRegistry()


class NodeExtras:
    """Rarely used per-node data, kept out of `Value` so that ordinary nodes stay small.

    - ``hooks``: see `register_hook`.
    - ``created_at``: "file:line in function" of the forward call, recorded under
      `autograd.detect_anomaly` only.
    - ``dot_pairs``: for a ``dot`` node, how many of its weights multiply an input that is also
      a Value. Its parents are laid out as those k weights, then their k inputs in the same
      order, then every operand whose partner is a constant (the bias last). Higher-order
      gradients need the pairing (d/dw_i = x_i); first-order backward never reads it.
    - ``shared``: True for the read-only instances `dot_layout` hands out, one per pair count,
      so that recording a dot node's layout allocates nothing. `_extras` copies one before a
      hook or a creation site is added to it.
    """

    __slots__ = ("created_at", "dot_pairs", "hooks", "shared")

    def __init__(self, dot_pairs: int = 0, shared: bool = False) -> None:
        self.hooks: list[Hook] = []
        self.created_at: str | None = None
        self.dot_pairs = dot_pairs
        self.shared = shared

    def __del__(self) -> None:
        # A node freed with hooks still registered: they can never run again. Clear the list
        # too, so that a remove() called afterwards does not count them off a second time.
        # Extras without hooks touch no global (it may be gone if this runs at interpreter exit).
        if self.hooks:
            _hooks.live -= len(self.hooks)
            self.hooks.clear()


_DOT_LAYOUTS: dict[int, NodeExtras] = {}


def dot_layout(pairs: int) -> NodeExtras:
    """Shared, read-only extras for a dot node whose first ``pairs`` weights have Value inputs."""
    layout = _DOT_LAYOUTS.get(pairs)
    if layout is None:
        layout = NodeExtras(pairs, shared=True)
        if pairs <= 4096:
            _DOT_LAYOUTS[pairs] = layout
    return layout


def set_dot_pairs(node: Value, layout: NodeExtras | None) -> None:
    """Record a new dot node's pairing, given as the shared `dot_layout` of its pair count
    (None when no weight has a Value input: nothing to record)."""
    if layout is not None and node.parents:  # no parents under no_grad
        extra = node._extra
        if extra is None:
            node._extra = layout
        else:  # the node's own extras, made by detect_anomaly
            extra.dot_pairs = layout.dot_pairs


def _extras(node: Value) -> NodeExtras:
    """The node's own, writable extras (created, or copied from a shared layout, on demand)."""
    extra = node._extra
    if extra is None or extra.shared:
        own = NodeExtras(extra.dot_pairs if extra is not None else 0)
        node._extra = own
        return own
    return extra  # type: ignore[no-any-return]


def register_hook(node: Value, hook: Hook) -> Callable[[], None]:
    """See `Value.register_hook`."""
    if not callable(hook):
        raise TypeError(f"register_hook expects a callable, got {type(hook).__name__}")
    hooks = _extras(node).hooks
    hooks.append(hook)
    _hooks.live += 1

    removed = False

    def remove() -> None:
        nonlocal removed
        if not removed and hook in hooks:  # not in it once the node is freed (see __del__)
            hooks.remove(hook)
            _hooks.live -= 1
        removed = True

    return remove


def _finish(node: Value, incoming: Any, create_graph: bool) -> Any:
    """A node's whole gradient for this call, from what its children sent it, after hooks.

    Children send floats, already summed; under ``create_graph`` they send (local derivative,
    gradient) pairs, multiplied and summed here as one fused dot node.
    """
    if create_graph:
        from autograd.higher import sum_of_products

        grad = sum_of_products(incoming)
    else:
        grad = incoming
    extra = node._extra
    if extra is not None and extra.hooks:
        if create_graph and not isinstance(grad, Value):
            grad = Value(grad)  # under create_graph, hooks always see a Value
        for hook in list(extra.hooks):  # a hook may remove itself
            replaced = hook(grad)
            if replaced is not None:
                grad = _replacement(hook, node, replaced, create_graph)
    if MODE.anomaly:
        from autograd.anomaly import check_gradient

        check_gradient(node, grad)
    return grad


def _replacement(hook: Hook, node: Value, replaced: object, create_graph: bool) -> Any:
    """What a hook returned, as a gradient: a float (or, under create_graph, also a Value).

    Anything else is a TypeError raised before backward writes a single ``.grad``: a Value in a
    first-order pass would quietly turn every gradient after it into a graph node.
    """
    if create_graph and isinstance(replaced, Value):
        return replaced
    number = as_constant(replaced)
    if number is not None:
        return number
    name = getattr(hook, "__qualname__", type(hook).__name__)
    where = repr(node.label) if node.label else f"a {node.op or 'leaf'!r} node"
    expected = "a real number or a Value" if create_graph else "a real number or None"
    hint = "" if create_graph else " (gradients are Values only with create_graph=True)"
    raise TypeError(
        f"hook {name} on {where} returned {type(replaced).__name__}: expected {expected}{hint}"
    )


def gradients(root: Value, seed: Any = 1.0, create_graph: bool = False) -> dict[Value, Any]:
    """d(root)/d(node) for every node ``root`` depends on, from this call alone: ``.grad`` is
    neither read nor written.

    Nodes are visited in reverse topological order, so each node's contributions are all in
    (and its hooks run on the total) before it passes its gradient on. Floats are summed in
    the fast path's order, so both paths give the same numbers (except that a leaf's earlier
    ``.grad`` is added to this call's sum at the end, not term by term). With ``create_graph`` the
    local derivatives are built as Values (`autograd.higher.local_grads_as_values`) and each
    node's gradient, the sum over its children of local derivative times the child's gradient,
    is one fused dot node, so the gradients can be differentiated again; gradients that do not
    depend on any node stay floats.
    """
    if create_graph:
        from autograd.higher import local_grads_as_values
    check = MODE.anomaly
    if check:
        from autograd.anomaly import check_contribution
    incoming: dict[Value, Any] = {root: [(1.0, seed)] if create_graph else seed}
    grads: dict[Value, Any] = {}
    order = _depth_first(root, skip_leaves=True) if root.parents else []
    for node in reversed(order):
        grad = grads[node] = _finish(node, incoming.pop(node), create_graph)
        if create_graph:
            local_grads: tuple[Any, ...] = local_grads_as_values(node)
        else:
            local_grads = node.local_grads
        if check:
            for index, local in enumerate(local_grads):
                check_contribution(node, index, local, grad)
        if create_graph:
            for parent, local in zip(node.parents, local_grads, strict=True):
                pairs = incoming.get(parent)
                if pairs is None:
                    incoming[parent] = [(local, grad)]
                else:
                    pairs.append((local, grad))
        else:
            for parent, local in zip(node.parents, local_grads, strict=True):
                incoming[parent] = incoming.get(parent, 0.0) + local * grad
    for leaf, sent in incoming.items():  # every node still waiting is a leaf
        grads[leaf] = _finish(leaf, sent, create_graph)
    return grads


def _store(grads: dict[Value, Any], create_graph: bool) -> None:
    """Write one call's gradients: intermediates take theirs, leaves add theirs to ``.grad``."""
    for node, grad in grads.items():
        if create_graph and not isinstance(grad, Value):
            grad = Value(grad)  # a constant gradient: a leaf, so every .grad is a Value
        node.grad = _added(node.grad, grad) if not node.parents else grad


def _added(before: Any, grad: Any) -> Any:
    """A leaf's new ``.grad``: ``before + grad``, or ``grad`` itself onto a fresh 0.0 (so that a
    Value gradient under create_graph is stored as is, not as a new ``0.0 + grad`` node)."""
    return grad if type(before) is float and before == 0.0 else before + grad
