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
    "created_at_of",
    "hooks_of",
    "own_extras",
    "register_hook",
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
    - ``label``: the node's display name (`Value.label`); most nodes have none.
    """

    __slots__ = ("created_at", "hooks", "label")

    def __init__(self) -> None:
        self.hooks: list[Hook] = []
        self.created_at: str | None = None
        self.label = ""

    def __getstate__(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a copy or an unpickled node's extras; hooks among them put backward on watch."""
        for name, value in state.items():
            setattr(self, name, value)
        if self.hooks:
            HOOK_WATCH.seen = True


def own_extras(node: Value) -> NodeExtras:
    """The node's own, writable extras (created on demand)."""
    extra: NodeExtras | None = node.extras
    if extra is None:
        extra = node.extras = NodeExtras()
    return extra


def created_at_of(node: Value) -> str | None:
    """Where the node was made ("file:line in function"), if `autograd.detect_anomaly` noted it."""
    extra: NodeExtras | None = node.extras
    return extra.created_at if extra is not None else None


def hooks_of(node: Value) -> list[Hook]:
    """The node's hooks, in the order they were registered (empty if none)."""
    extra: NodeExtras | None = node.extras
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
