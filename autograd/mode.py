"""Grad mode: whether ops record the graph. `no_grad()` turns recording off for a block."""

from __future__ import annotations

from contextlib import ContextDecorator
from types import TracebackType

__all__ = ["no_grad", "enable_grad", "is_grad_enabled", "set_grad_enabled"]


class _Mode:
    """Process-wide switches read by every op (one attribute read per op)."""

    __slots__ = ("record",)

    def __init__(self) -> None:
        self.record = True  # False under no_grad(): new nodes get no parents


MODE = _Mode()


def is_grad_enabled() -> bool:
    """True when ops record parents and local derivatives (the default)."""
    return MODE.record


class set_grad_enabled(ContextDecorator):
    """Turn graph recording on or off for a ``with`` block or a decorated function.

    The switch is process-wide (not per thread): build graphs from one thread at a time.
    """

    def __init__(self, mode: bool) -> None:
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled expects a bool, got {type(mode).__name__}")
        self._mode = mode
        self._saved: list[bool] = []

    def __enter__(self) -> None:
        self._saved.append(MODE.record)
        MODE.record = self._mode

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        MODE.record = self._saved.pop()


class no_grad(set_grad_enabled):
    """Build no graph inside the block: results are leaves with no parents (inference, updates)."""

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """Record the graph again inside a ``no_grad`` block."""

    def __init__(self) -> None:
        super().__init__(True)
