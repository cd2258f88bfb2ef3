"""`copy.copy`, `copy.deepcopy` and `pickle` of Values, for graphs of any depth.

Python's default copies and pickles follow ``parents`` by recursion, one level per node, and
fail with RecursionError a few hundred ops deep. Here a graph is walked with an explicit stack
(`autograd.graph.post_order`):
`deep_copy` makes every node's copy first and links parents after; `reduce` writes a node as a
flat list of its intermediate ancestors in topological order, parents given by position.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from autograd.graph import post_order

if TYPE_CHECKING:
    from autograd.value import Value

__all__ = ["deep_copy", "rebuild", "reduce", "shallow_copy"]

Record = tuple[dict[str, Any], tuple[Any, ...]]
"""One node: its attributes other than ``parents``, and its parents, each a leaf Value or the
position of an earlier record."""

KEPT = ("op",)
"""Attributes a copy shares with the original: an op is a definition, not data."""


def _slots(cls: type) -> list[str]:
    return [name for klass in cls.__mro__ for name in getattr(klass, "__slots__", ())]


def _fields(node: Value) -> dict[str, Any]:
    """The node's attributes except ``parents`` (those it has: a slot may be unset)."""
    return {
        name: getattr(node, name)
        for name in _slots(type(node))
        if name != "parents" and hasattr(node, name)
    }


def _new(cls: type[Value], fields: dict[str, Any], parents: tuple[Value, ...]) -> Value:
    node = object.__new__(cls)
    node.extras = None  # first: a "label" field is stored in the extras
    for name, value in fields.items():
        setattr(node, name, value)
    node.parents = parents
    return node


def shallow_copy(node: Value) -> Value:
    """A new node with the same attributes: the same parents, the same hooks (one list), and
    extras of its own (so relabelling the copy leaves the original's label alone)."""
    fields = _fields(node)
    if fields.get("extras") is not None:
        fields["extras"] = copy.copy(fields["extras"])
    return _new(type(node), fields, node.parents)


def deep_copy(root: Value, memo: dict[int, Any]) -> Value:
    """A copy of ``root`` and everything it depends on, sharing what ``memo`` already copied
    (so nodes reached twice, in this graph or elsewhere in one `copy.deepcopy`, stay one)."""
    if id(root) in memo:
        return memo[id(root)]  # type: ignore[no-any-return]
    pending: list[tuple[Value, Value]] = []
    for node in post_order([root]):
        if id(node) not in memo:
            shell = memo[id(node)] = object.__new__(type(node))
            pending.append((node, shell))
    for node, shell in pending:
        for name, value in _fields(node).items():
            if name not in KEPT:
                value = copy.deepcopy(value, memo)
            setattr(shell, name, value)
        shell.parents = tuple(memo[id(p)] for p in node.parents)
    return memo[id(root)]  # type: ignore[no-any-return]


def reduce(root: Value) -> tuple[Any, ...]:
    """What pickle stores for ``root``: `rebuild` and the records of ``root`` and its
    intermediate ancestors, parents first. Leaves are stored as themselves, so pickle keeps one
    copy of a leaf (a model's parameter) however many graphs use it; an intermediate node is
    rebuilt once per Value pickled that depends on it."""
    order = post_order([root], skip_leaves=True)
    position = {node: i for i, node in enumerate(order)}
    records: list[Record] = [
        (_fields(node), tuple(position[p] if p.parents else p for p in node.parents))
        for node in order
    ]
    return (rebuild, (type(root), records))


def rebuild(cls: type[Value], records: list[Record]) -> Value:
    """The last node of ``records`` (see `reduce`), with every node it depends on."""
    nodes: list[Value] = []
    for fields, parents in records:
        linked = tuple(nodes[p] if type(p) is int else p for p in parents)
        nodes.append(_new(cls, fields, linked))
    return nodes[-1]
