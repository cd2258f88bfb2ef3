"""Gradient hooks and the other rarely used per-node data (`NodeExtras`).

A node's hooks live on the node, nowhere else: backward reads them from the nodes it walks, so
there is no count to keep in step, and a copied or unpickled node keeps its hooks. Until the
first hook appears in the process (`HOOK_WATCH`), backward does not look at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from autograd.value import Value

__all__ = [
    "HOOK_WATCH",
    "Hook",
    "HookWatch",
    "NodeExtras",
    "RemovableHook",
    "dot_layout",
    "hooks_of",
    "own_extras",
    "register_hook",
    "set_dot_pairs",
]

Hook = Callable[[Any], Any]
"""Called with a node's gradient during backward; a non-None return value replaces it."""


class HookWatch:
    """Whether any node in this process may have hooks: ``seen`` turns True when a hook is
    registered, or a node with hooks is copied or unpickled, and never turns back (so nothing
    has to be counted, or uncounted when a node goes). Until then backward, whose fast path
    has no hooks to run, does not look for them."""

    __slots__ = ("seen",)

    def __init__(self) -> None:
        self.seen = False


HOOK_WATCH = HookWatch()


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
      so that recording a dot node's layout allocates nothing. `own_extras` copies one before a
      hook or a creation site is added to it.
    """

    __slots__ = ("created_at", "dot_pairs", "hooks", "shared")

    def __init__(self, dot_pairs: int = 0, shared: bool = False) -> None:
        self.hooks: list[Hook] = []
        self.created_at: str | None = None
        self.dot_pairs = dot_pairs
        self.shared = shared

    def __getstate__(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a copy or an unpickled node's extras; hooks among them put backward on watch."""
        for name, value in state.items():
            setattr(self, name, value)
        if self.hooks:
            HOOK_WATCH.seen = True


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


def own_extras(node: Value) -> NodeExtras:
    """The node's own, writable extras (created, or copied from a shared layout, on demand)."""
    extra: NodeExtras | None = node._extra
    if extra is None or extra.shared:
        own = NodeExtras(extra.dot_pairs if extra is not None else 0)
        node._extra = own
        return own
    return extra


def hooks_of(node: Value) -> list[Hook]:
    """The node's hooks, in the order they were registered (empty if none)."""
    extra: NodeExtras | None = node._extra
    return extra.hooks if extra is not None else []


class RemovableHook:
    """What `register_hook` returns: call it to remove the hook (again: nothing happens)."""

    __slots__ = ("hook", "hooks")

    def __init__(self, hooks: list[Hook], hook: Hook) -> None:
        self.hooks: list[Hook] | None = hooks
        self.hook = hook

    def __call__(self) -> None:
        hooks, self.hooks = self.hooks, None
        if hooks is not None:
            hooks.remove(self.hook)  # one entry, even if the same function was added twice


def register_hook(node: Value, hook: Hook) -> RemovableHook:
    """See `Value.register_hook`."""
    if not callable(hook):
        raise TypeError(f"register_hook expects a callable, got {type(hook).__name__}")
    hooks = own_extras(node).hooks
    hooks.append(hook)
    HOOK_WATCH.seen = True
    return RemovableHook(hooks, hook)
