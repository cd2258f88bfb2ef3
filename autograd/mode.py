"""Grad mode: whether ops record the graph. `no_grad()` turns recording off for a block."""

from __future__ import annotations

from contextlib import ContextDecorator
from types import TracebackType

__all__ = ["no_grad", "enable_grad", "is_grad_enabled", "set_grad_enabled"]


class _Mode:
    """Process-wide switches read by every op (one attribute read per op: ``plain``)."""

    __slots__ = ("anomaly", "plain", "record")

    def __init__(self) -> None:
        self.record = True  # False under no_grad(): new nodes get no parents
        self.anomaly = False  # True under detect_anomaly(): ops check for nan and inf
        self.plain = True  # record and not anomaly: the only switch the op hot path reads

    def set(self, *, record: bool | None = None, anomaly: bool | None = None) -> None:
        """Change a switch and keep ``plain`` in step with it (always set switches here)."""
        if record is not None:
            self.record = record
        if anomaly is not None:
            self.anomaly = anomaly
        self.plain = self.record and not self.anomaly


MODE = _Mode()


def is_grad_enabled() -> bool:
    """True when ops record parents and local derivatives (the default)."""
    return MODE.record


class ModeSwitch(ContextDecorator):
    """Set one switch of `MODE` for a ``with`` block or a decorated function, then restore it.

    The switch is process-wide (not per thread): build graphs from one thread at a time.
    """

    def __init__(self, switch: str, value: bool) -> None:
        self._switch = switch
        self._value = value
        self._saved: list[bool] = []

    def __enter__(self) -> None:
        self._saved.append(getattr(MODE, self._switch))
        MODE.set(**{self._switch: self._value})

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        MODE.set(**{self._switch: self._saved.pop()})


class set_grad_enabled(ModeSwitch):
    """Turn graph recording on or off for a ``with`` block or a decorated function."""

    def __init__(self, mode: bool) -> None:
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled expects a bool, got {type(mode).__name__}")
        super().__init__("record", mode)


class no_grad(set_grad_enabled):
    """Build no graph inside the block: results are leaves with no parents (inference, updates)."""

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """Record the graph again inside a ``no_grad`` block."""

    def __init__(self) -> None:
        super().__init__(True)
