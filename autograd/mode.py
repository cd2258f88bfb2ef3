"""Grad mode: whether ops record the graph. `no_grad()` turns recording off for a block.

Modes belong to a thread, as in PyTorch: a block in one thread never changes what another
thread records, and every new thread starts recording with anomaly detection off.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable, Generator
from types import TracebackType
from typing import Any, Literal, TypeVar, cast

__all__ = [
    "MODES",
    "ModeSwitch",
    "Switches",
    "enable_grad",
    "is_grad_enabled",
    "no_grad",
    "set_grad_enabled",
]

Switch = Literal["record", "anomaly"]
F = TypeVar("F", bound=Callable[..., Any])


class ThreadModes(threading.local):
    """One thread's modes: each thread sees its own attributes, set to these defaults the first
    time that thread reads one."""

    def __init__(self) -> None:
        self.record = True  # False under no_grad(): new nodes get no parents
        self.anomaly = False  # True under detect_anomaly(): ops check for nan and inf


class Switches:
    """The switches every op reads: ``plain`` for all threads, ``record`` and ``anomaly`` for
    the calling thread.

    ``plain`` is True while no thread has changed a mode: every op of every thread then records
    without checks, after one attribute read. While it is False, an op reads its own thread's
    ``record`` and ``anomaly`` (slower, and only then). A thread that ends inside a mode (a
    switch entered by hand and never left) keeps ``plain`` False: slower, still correct.
    """

    __slots__ = ("_changed", "_lock", "_threads", "all_default")

    def __init__(self) -> None:
        self.all_default = True
        self._threads = ThreadModes()
        self._changed = 0  # how many threads are not in the default modes
        self._lock = threading.Lock()

    @property
    def record(self) -> bool:
        """Whether ops in this thread record the graph."""
        return self._threads.record

    @property
    def anomaly(self) -> bool:
        """Whether ops and backward in this thread check for nan and inf."""
        return self._threads.anomaly

    def set(self, *, record: bool | None = None, anomaly: bool | None = None) -> None:
        """Change this thread's modes, and ``plain`` with them (always set modes here)."""
        mine = self._threads
        with self._lock:
            was_default = mine.record and not mine.anomaly
            if record is not None:
                mine.record = record
            if anomaly is not None:
                mine.anomaly = anomaly
            is_default = mine.record and not mine.anomaly
            self._changed += int(was_default) - int(is_default)
            self.all_default = self._changed == 0


MODES = Switches()


def is_grad_enabled() -> bool:
    """True when ops record parents and local derivatives in this thread (the default)."""
    return MODES.record


class ModeSwitch:
    """Set one switch of the calling thread's `MODES` for a ``with`` block or a decorated
    function, then restore it.

    Decorating a generator function sets the switch while the generator runs (each step from
    resuming it to its next ``yield``), not while the code consuming it runs, as in PyTorch.
    """

    def __init__(self, switch: Switch, value: bool) -> None:
        self._switch: Switch = switch
        self._value = value
        self._saved = threading.local()  # this thread's stack of values to restore

    def _stack(self) -> list[bool]:
        stack: list[bool] | None = getattr(self._saved, "stack", None)
        if stack is None:
            stack = self._saved.stack = []
        return stack

    def __enter__(self) -> None:
        self._stack().append(getattr(MODES, self._switch))
        MODES.set(**{self._switch: self._value})

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        stack = self._stack()
        if stack:  # empty if entered in another thread (a generator finalized here): not ours
            MODES.set(**{self._switch: stack.pop()})

    def _again(self) -> ModeSwitch:
        """A new switch with the same setting: each call of a decorated function uses its own."""
        return ModeSwitch(self._switch, self._value)

    def __call__(self, func: F) -> F:
        """Use as a decorator: ``@no_grad()`` sets the switch around each call of ``func``."""
        if inspect.isgeneratorfunction(func):

            @functools.wraps(func)
            def generator(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
                return (yield from self._again()._drive(func(*args, **kwargs)))

            return cast(F, generator)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self._again():
                return func(*args, **kwargs)

        return cast(F, wrapper)

    def _drive(self, steps: Generator[Any, Any, Any]) -> Generator[Any, Any, Any]:
        """Run each step of ``steps`` under this switch; pass values, throws and close through."""
        try:
            with self:
                item = next(steps)
            while True:
                try:
                    sent = yield item
                except GeneratorExit:
                    with self:
                        steps.close()
                    raise
                except BaseException as error:  # thrown in by the consumer: pass it on
                    with self:
                        item = steps.throw(error)
                else:
                    with self:
                        item = steps.send(sent)
        except StopIteration as stop:
            return stop.value


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
