"""Grad mode: whether ops record the graph. `no_grad()` turns recording off for a block.

Modes belong to a context (PEP 567 context variables): each thread, and each asyncio task,
has its own, so a block in one never changes what another records, and every new thread
starts recording with anomaly detection off. A task starts with the modes of the code that
created it, as it starts with a copy of its context.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable, Generator
from contextvars import ContextVar, Token
from types import TracebackType
from typing import Any, Literal, TypeVar, cast

__all__ = [
    "MODES",
    "ModeSwitch",
    "Modes",
    "enable_grad",
    "is_grad_enabled",
    "no_grad",
    "set_grad_enabled",
]

Switch = Literal["record", "anomaly"]
F = TypeVar("F", bound=Callable[..., Any])

_CHANGED: set[int] = set()
"""The ids of the `Modes` objects alive that are not the defaults (in any context)."""
_LOCK = threading.RLock()  # re-entrant: a `Modes` may be freed while the lock is held


class Modes:
    """One context's modes, never changed once made: a switch sets a new one."""

    __slots__ = ("record", "anomaly")

    def __init__(self, record: bool, anomaly: bool) -> None:
        self.record = record  # False under no_grad(): new nodes get no parents
        self.anomaly = anomaly  # True under detect_anomaly(): ops check for nan and inf
        if anomaly or not record:
            with _LOCK:
                _CHANGED.add(id(self))
                MODES.all_default = False

    def __del__(self) -> None:
        if self.anomaly or not self.record:
            with _LOCK:
                _CHANGED.discard(id(self))
                MODES.all_default = not _CHANGED


DEFAULT_MODES = Modes(True, False)
_CURRENT: ContextVar[Modes] = ContextVar("chainrule_modes", default=DEFAULT_MODES)


class Switchboard:
    """The switches every op reads: ``all_default`` for every context, ``record`` and
    ``anomaly`` for the calling one.

    ``all_default`` is True while no context anywhere has a mode changed: every op then records
    without checks after that one attribute read. While it is False, an op reads its own
    context's ``record`` and ``anomaly`` (slower, and only then). It turns True again when the
    last changed modes are gone: the block left, the task or thread that held them finished.
    """

    __slots__ = ("all_default",)

    def __init__(self) -> None:
        self.all_default = True

    @property
    def record(self) -> bool:
        """Whether ops in this context record the graph."""
        return _CURRENT.get().record

    @property
    def anomaly(self) -> bool:
        """Whether ops and backward in this context check for nan and inf."""
        return _CURRENT.get().anomaly


MODES = Switchboard()


def is_grad_enabled() -> bool:
    """True when ops record parents and local derivatives in this context (the default)."""
    return _CURRENT.get().record


class ModeSwitch:
    """Set one switch of the calling context's modes for a ``with`` block or a decorated
    function, then restore it.

    Decorating a generator function sets the switch while the generator runs (each step from
    resuming it to its next ``yield``), not while the code consuming it runs, as in PyTorch. A
    generator that yields inside a ``with no_grad():`` block of its own shares its caller's
    context, so the caller stays in no_grad until the generator resumes and leaves the block
    (Python 3.11, as in PyTorch): decorate the generator function instead.
    """

    def __init__(self, switch: Switch, value: bool) -> None:
        self._switch: Switch = switch
        self._value = value
        self._tokens: dict[Modes, Token[Modes]] = {}  # per modes this switch set: how to undo

    def _turn_on(self) -> None:
        now = _CURRENT.get()
        record = self._value if self._switch == "record" else now.record
        anomaly = self._value if self._switch == "anomaly" else now.anomaly
        modes = Modes(record, anomaly)
        self._tokens[modes] = _CURRENT.set(modes)

    def _turn_off(self) -> None:
        token = self._tokens.pop(_CURRENT.get(), None)
        if token is None:  # set in another context (a generator finalized elsewhere): not ours
            return
        try:
            _CURRENT.reset(token)
        except ValueError:  # the same modes seen from a copy of the context (a task's)
            _CURRENT.set(token.old_value)

    def __enter__(self) -> None:
        self._turn_on()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._turn_off()

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


class no_grad(ModeSwitch):
    """Build no graph inside the block: results are leaves with no parents (inference, updates)."""

    def __init__(self) -> None:
        super().__init__("record", False)


class enable_grad(ModeSwitch):
    """Record the graph again inside a ``no_grad`` block."""

    def __init__(self) -> None:
        super().__init__("record", True)


class set_grad_enabled(ModeSwitch):
    """Turn graph recording on or off, as in PyTorch: at once when called (``set_grad_enabled
    (False)`` on its own turns it off until turned on again), until the end of the block when
    used with ``with``, or around each call when used as a decorator."""

    def __init__(self, mode: bool) -> None:
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled expects a bool, got {type(mode).__name__}")
        super().__init__("record", mode)
        self._turn_on()

    def __enter__(self) -> None:
        pass  # already set when made

    def __call__(self, func: F) -> F:
        self._turn_off()  # as a decorator it changes nothing until func runs
        return super().__call__(func)
