"""Walking the graph: topological order, backward, and backward one step at a time.

`backward` orders the nodes (`post_order`), then, children first, adds
``local * upstream`` into each parent's ``.grad`` (`_pass_on`, the one loop of the fast path).
When a node has hooks, a graph of gradients is requested or anomaly detection is on, it takes
the general path instead: `_walk` sums this call's gradients in a dict, so hooks see and may
replace a node's whole gradient, and `backward` only then writes them to ``.grad``
(`autograd.grad` uses the dict without writing anything). `backward_steps` runs whichever path
`backward` would take, one node per step, through the same two loops.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from autograd.anomaly import check_contribution, check_gradient
from autograd.fused import dot
from autograd.hooks import HOOK_WATCH, Hook, hooks_of
from autograd.mode import MODES
from autograd.value import Value, as_constant

__all__ = [
    "BackwardStep",
    "Edge",
    "backward",
    "backward_steps",
    "gradients",
    "local_grads_as_values",
    "post_order",
    "topological_order",
]


# ---------------------------------------------------------------- the walk


def post_order(
    roots: Iterable[Value],
    skip_leaves: bool = False,
    parents_of: Callable[[Value], Sequence[Value]] | None = None,
) -> list[Value]:
    """Every node reachable from ``roots`` along ``parents`` (or ``parents_of(node)``), each
    once and after all of its parents; the roots in order, each with what it needs first.
    ``skip_leaves`` leaves out parents with no parents (backward has nothing to pass them).

    The one walk of a graph: backward's order, copies and pickles (`autograd.copying`) and
    drawing plans use it. A node goes back on the stack under a ``None`` marker before its
    parents go on top, and is emitted when the marker comes off, by which time every parent has
    been emitted. No recursion, so depth is limited by memory alone; the stack holds only nodes
    and markers, so nothing is allocated per node for the cycle collector to scan.
    """
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list[Value | None] = []
    stack.extend(reversed(list(roots)))
    push, pop, visit = stack.append, stack.pop, visited.add  # bound once: a graph has many nodes
    while stack:
        node = pop()
        if node is None:  # every parent of the node below the marker is done
            order.append(pop())  # type: ignore[arg-type]
            continue
        if node in visited:  # reached again through another child
            continue
        visit(node)
        push(node)
        push(None)
        parents = node.parents if parents_of is None else parents_of(node)
        for parent in reversed(parents):  # so the first parent comes off first
            if (parent.parents or not skip_leaves) and parent not in visited:
                push(parent)
    return order


# ---------------------------------------------------------------- create_graph's arithmetic


def local_grads_as_values(node: Value) -> tuple[Value | float, ...]:
    """d(node)/d(parent) for each parent, as Values built from the parents (floats if constant).

    The values equal ``node.local_grads``; the difference is that these carry a graph. They
    come from the node's op definition (`autograd.ops`), the same derivative the forward pass
    evaluated on floats.
    """
    return node.op.grads_as_values(node)


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
        return dot(grads, locals_)
    total = 0.0
    for local, g in pairs:
        total += local * g
    return total


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, itself included, each after all of its parents."""
    if not isinstance(root, Value):
        raise TypeError(f"topological_order expects a Value, got {type(root).__name__}")
    return post_order([root])


def _backward_order(root: Value) -> tuple[list[Value], bool]:
    """The nodes backward visits (not leaves: they pass nothing on), and whether any node of
    the graph, leaves included, has hooks (backward then takes the general path)."""
    order = post_order([root], skip_leaves=True) if root.parents else []
    return order, HOOK_WATCH.seen and _has_hooks(root, order)


def _has_hooks(root: Value, order: list[Value]) -> bool:
    """Whether ``root`` or a parent of a node in ``order`` (so any node of the graph) has hooks."""
    if hooks_of(root):
        return True
    for node in order:
        for parent in node.parents:
            if hooks_of(parent):
                return True
    return False


def _seed(root: Value, grad: object, create_graph: bool = False) -> float:
    """The checked seed of a backward call (``root`` and ``create_graph`` checked too)."""
    if not isinstance(root, Value):
        raise TypeError(f"backward expects a Value, got {type(root).__name__}")
    if not isinstance(create_graph, bool):
        raise TypeError(f"backward: create_graph must be a bool, got {type(create_graph).__name__}")
    seed = as_constant(grad)
    if seed is None:
        raise TypeError(f"backward: grad must be a real number, got {type(grad).__name__}")
    return seed


def backward(root: Value, grad: object = 1.0, *, create_graph: bool = False) -> None:
    """d(root)/d(node) into every node's ``.grad``; see `Value.backward` for the semantics."""
    seed = _seed(root, grad, create_graph)
    order, hooked = _backward_order(root)
    if create_graph or hooked or MODES.anomaly:
        _store(_gradients(root, seed, create_graph, order), create_graph)
        return
    if not order:  # a leaf: accumulate like any other leaf
        root.grad += seed
        return
    _start(root, seed, order)
    deque(_pass_on(order, stepping=False), maxlen=0)  # runs it to the end, in one go


def _pass_on(order: list[Value], stepping: bool) -> Iterator[Value]:
    """The chain rule, children first: each node adds ``local * upstream`` into its parents'
    ``.grad``. When ``stepping``, yields each node just before (`backward_steps` shows it)."""
    for node in reversed(order):
        if stepping:
            yield node
        upstream = node.grad
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * upstream


def _start(root: Value, seed: float, order: list[Value]) -> None:
    """Zero every intermediate (its grad is this call's alone) and seed the root."""
    for node in order:
        node.grad = 0.0
    root.grad = seed


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
    order, hooked = _backward_order(root)
    if hooked or MODES.anomaly:  # backward would take the general path: walk it
        yield from _general_steps(root, seed, order)
        return
    if not order:
        root.grad += seed
        return
    _start(root, seed, order)
    passes = _pass_on(order, stepping=True)
    node = next(passes)
    for index in range(len(order)):
        upstream = node.grad
        edges = []
        sums: dict[Value, float] = {}  # a parent used twice (x * x) gets two edges
        for parent, local in zip(node.parents, node.local_grads):
            before = sums.get(parent, parent.grad)
            contribution = local * upstream
            sums[parent] = after = before + contribution  # the float _pass_on will store
            edges.append(Edge(parent, local, contribution, before, after))
        step = BackwardStep(index, node, upstream, tuple(edges))
        node = next(passes, node)  # this node's pass done (and the next node ready)
        yield step


def _general_steps(root: Value, seed: float, order: list[Value]) -> Iterator[BackwardStep]:
    """The general path's `_walk`, one node per step; ``.grad`` shows each sum as it grows,
    and the leaves get exactly what `backward` stores once the walk is done."""
    grads: dict[Value, Any] = {}
    sent: list[tuple[Value, float, float]] = []
    leaves_before: dict[Value, float] = {}  # what each leaf held before this call
    if order:
        _start(root, seed, order)
    for index, node in enumerate(_walk(root, seed, False, order, grads, sent)):
        upstream = node.grad = grads[node]
        edges = []
        for parent, local, contribution in sent:
            if not parent.parents and parent not in leaves_before:
                leaves_before[parent] = parent.grad
            before = parent.grad
            parent.grad += contribution
            edges.append(Edge(parent, local, contribution, before, parent.grad))
        sent.clear()
        yield BackwardStep(index, node, upstream, tuple(edges))
    for leaf, before in leaves_before.items():
        leaf.grad = before
    _store(grads, False)


def gradients(root: Value, seed: Any = 1.0, create_graph: bool = False) -> dict[Value, Any]:
    """d(root)/d(node) for every node ``root`` depends on, from this call alone: ``.grad`` is
    neither read nor written.

    Nodes are visited in reverse topological order, so each node's contributions are all in
    (and its hooks run on the total) before it passes its gradient on. Floats are summed in
    the fast path's order, so both paths give the same numbers (except that a leaf's earlier
    ``.grad`` is added to this call's sum at the end, not term by term). With ``create_graph`` the
    local derivatives are built as Values (`local_grads_as_values`) and each
    node's gradient, the sum over its children of local derivative times the child's gradient,
    is one fused dot node, so the gradients can be differentiated again; gradients that do not
    depend on any node stay floats.
    """
    return _gradients(root, seed, create_graph, _backward_order(root)[0])


def _gradients(root: Value, seed: Any, create_graph: bool, order: list[Value]) -> dict[Value, Any]:
    grads: dict[Value, Any] = {}
    for _ in _walk(root, seed, create_graph, order, grads):
        pass
    return grads


def _walk(
    root: Value,
    seed: Any,
    create_graph: bool,
    order: list[Value],
    grads: dict[Value, Any],
    sent: list[tuple[Value, Any, Any]] | None = None,
) -> Iterator[Value]:
    """The general path, one node at a time: yields each node of ``order`` (children first)
    once its whole gradient, after hooks, is in ``grads`` and it has passed it on; then puts
    the leaves' gradients in ``grads``. With ``sent``, each (parent, local derivative,
    contribution) a node passes on is also appended there (floats only)."""
    check = MODES.anomaly
    incoming: dict[Value, Any] = {root: [(1.0, seed)] if create_graph else seed}
    for node in reversed(order):
        grad = grads[node] = _whole_gradient(node, incoming.pop(node), create_graph, check)
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
                contribution = local * grad
                incoming[parent] = incoming.get(parent, 0.0) + contribution
                if sent is not None:
                    sent.append((parent, local, contribution))
        yield node
    for leaf, total in incoming.items():  # every node still waiting is a leaf
        grads[leaf] = _whole_gradient(leaf, total, create_graph, check)


def _whole_gradient(node: Value, incoming: Any, create_graph: bool, check: bool) -> Any:
    """A node's whole gradient for this call, from what its children sent it, after hooks.

    Children send floats, already summed; under ``create_graph`` they send (local derivative,
    gradient) pairs, multiplied and summed here as one fused dot node.
    """
    grad = sum_of_products(incoming) if create_graph else incoming
    hooks = hooks_of(node)
    if hooks:
        if create_graph and not isinstance(grad, Value):
            grad = Value(grad)  # under create_graph, hooks always see a Value
        for hook in list(hooks):  # a hook may remove itself
            replaced = hook(grad)
            if replaced is not None:
                grad = _replacement(hook, node, replaced, create_graph)
    if check:
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
    where = repr(node.label) if node.label else f"a {node.op_label or 'leaf'!r} node"
    expected = "a real number or a Value" if create_graph else "a real number or None"
    hint = "" if create_graph else " (gradients are Values only with create_graph=True)"
    raise TypeError(
        f"hook {name} on {where} returned {type(replaced).__name__}: expected {expected}{hint}"
    )


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
