"""`post_order`: the one walk of a graph, every node after its parents, with an explicit stack.

Backward's order, copies and pickles (`autograd.copying`) and drawing plans use it. No
recursion, so depth is limited by memory alone, and the stack holds only nodes and ``None``
markers: nothing is allocated per node for the cycle collector to scan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # nodes are only read here
    from autograd.value import Value

__all__ = ["post_order"]


def post_order(
    roots: Iterable[Value],
    skip_leaves: bool = False,
    parents_of: Callable[[Value], Sequence[Value]] | None = None,
) -> list[Value]:
    """Every node reachable from ``roots`` along ``parents`` (or ``parents_of(node)``), each
    once and after all of its parents; the roots in order, each with what it needs first.
    ``skip_leaves`` leaves out parents with no parents (backward has nothing to pass them).

    A node goes back on the stack under a ``None`` marker before its parents go on top, and is
    emitted when the marker comes off, by which time every parent has been emitted.
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
