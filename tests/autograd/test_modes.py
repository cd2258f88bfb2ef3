"""Grad and anomaly modes belong to a context (a thread, an asyncio task); decorated generators
switch only while they run."""

from __future__ import annotations

import asyncio
import gc
import math
import threading
from collections.abc import Callable, Generator, Iterator
from typing import Any

import pytest

import autograd
from autograd import Value, detect_anomaly, enable_grad, no_grad, set_grad_enabled
from autograd.mode import MODES, ModeSwitch

DEFAULT = (True, False)  # (recording, anomaly detection) in a fresh thread


def state() -> tuple[bool, bool]:
    """This thread's modes, as the API reports them and as a new node shows them."""
    recording, anomaly = autograd.is_grad_enabled(), autograd.is_anomaly_enabled()
    if not recording or anomaly:
        assert (
            not MODES.all_default
        )  # the ops' fast path is off for every thread while one is changed
    x = Value(2.0)
    assert bool((x * x).parents) == recording
    if anomaly:
        with pytest.raises(autograd.AnomalyError):
            Value(1000.0).exp()
    else:
        assert Value(1000.0).exp().data == math.inf  # IEEE overflow, unchecked
    return recording, anomaly


@pytest.fixture(autouse=True)
def _main_thread_untouched() -> Iterator[None]:
    assert state() == DEFAULT
    yield
    assert state() == DEFAULT


def interleavings(counts: list[int]) -> Iterator[tuple[int, ...]]:
    """Every order of sum(counts) events in which thread i has counts[i] events, in its order."""
    yield from _orders(list(counts))


def _orders(left: list[int]) -> Iterator[tuple[int, ...]]:
    if not any(left):
        yield ()
        return
    for thread, count in enumerate(left):
        if count:
            left[thread] -= 1
            for rest in _orders(left):
                yield (thread, *rest)
            left[thread] += 1


Switches = list[tuple[Callable[[], ModeSwitch], tuple[bool, bool]]]
"""Per thread: the switch it enters, and its (recording, anomaly) modes inside."""

NO_GRAD = (no_grad, (False, False))
ANOMALY = (detect_anomaly, (True, True))


class _SetGradEnabledOnEnter(ModeSwitch):
    """``with set_grad_enabled(False):`` made at the enter (making it turns recording off)."""

    def __init__(self) -> None:
        super().__init__("record", False)
        self._made: list[set_grad_enabled] = []

    def __enter__(self) -> None:
        self._made.append(set_grad_enabled(False))

    def __exit__(self, *exc: object) -> None:
        self._made.pop().__exit__(None, None, None)


OFF = (_SetGradEnabledOnEnter, (False, False))


def run_schedule(schedule: tuple[int, ...], switches: Switches) -> list[str]:
    """Threads i = 0..n-1 each enter and then leave switches[i] in the order ``schedule``
    gives, lock-stepped with a barrier; after every event each thread checks its own modes,
    and at the end that they are the defaults. Returns the failures seen."""
    n = len(switches)
    barrier = threading.Barrier(n + 1, timeout=30)  # the threads and this one, also checked
    failures: list[str] = []

    def worker(me: int) -> None:
        try:
            steps(me)
        except Exception as error:  # reported below; the barrier is broken
            failures.append(f"thread {me}: {error!r}")
            barrier.abort()

    def steps(me: int) -> None:
        make, inside_modes = switches[me]
        switch = make()
        inside = False
        expected = DEFAULT
        for step, actor in enumerate(schedule):
            barrier.wait()
            if actor == me:
                if not inside:
                    switch.__enter__()
                    inside = True
                    expected = inside_modes
                else:
                    switch.__exit__(None, None, None)
                    inside = False
                    expected = DEFAULT
            barrier.wait()
            if state() != expected:
                failures.append(f"thread {me} after step {step} of {schedule}: {state()}")
            barrier.wait()
        if state() != DEFAULT:
            failures.append(f"thread {me} ended in {state()} after {schedule}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    try:
        for _ in schedule:
            for _ in range(3):
                barrier.wait()
            if state() != DEFAULT:
                failures.append(f"main thread changed to {state()} during {schedule}")
    except threading.BrokenBarrierError:
        failures.append(f"a thread failed during {schedule}")
    for t in threads:
        t.join()
    return failures


def test_two_threads_in_no_grad_in_every_order() -> None:
    """The issue's case (A enters, B enters, A leaves, B leaves) and the other five orders."""
    schedules = list(interleavings([2, 2]))
    assert len(schedules) == 6 and (0, 1, 0, 1) in schedules
    for schedule in schedules:
        assert run_schedule(schedule, [NO_GRAD, NO_GRAD]) == []


def test_three_threads_with_different_modes_in_every_order() -> None:
    schedules = list(interleavings([2, 2, 2]))
    assert len(schedules) == 90
    for schedule in schedules:
        assert run_schedule(schedule, [NO_GRAD, ANOMALY, OFF]) == []


def test_one_switch_object_shared_by_threads() -> None:
    """A module-level ``NO_GRAD = no_grad()`` used in ``with`` blocks from several threads."""
    one = no_grad()
    for schedule in interleavings([2, 2]):
        shared = (lambda: one, (False, False))
        assert run_schedule(schedule, [shared, shared]) == []


def test_a_new_thread_starts_with_the_defaults() -> None:
    seen: list[tuple[bool, bool]] = []
    with no_grad(), detect_anomaly():
        thread = threading.Thread(target=lambda: seen.append(state()))
        thread.start()
        thread.join()
    assert seen == [DEFAULT]


def test_decorated_function_called_from_threads_at_once() -> None:
    barrier = threading.Barrier(2)
    seen: list[bool] = []

    @no_grad()
    def predict(x: Value) -> Value:
        barrier.wait()  # both threads inside at once
        y = x * 2.0
        barrier.wait()
        return y

    def call() -> None:
        seen.append(bool(predict(Value(1.0)).parents))
        seen.append(autograd.is_grad_enabled())

    threads = [threading.Thread(target=call) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == [False, False, True, True]


# ---------------------------------------------------------------- decorated generators


def test_no_grad_on_a_generator_function_applies_while_it_runs() -> None:
    @no_grad()
    def predictions(xs: list[Value]) -> Iterator[Value]:
        for x in xs:
            yield x * 3.0

    x = Value(2.0)
    for y in predictions([x, x]):
        assert y.parents == ()  # made inside the generator: not recorded
        assert autograd.is_grad_enabled()  # the consumer's code between steps records
        assert (x * 2.0).parents == (x,)


def test_decorated_generator_send_throw_close_and_return() -> None:
    log: list[Any] = []

    @enable_grad()
    def echo() -> Generator[Any, Any, None]:
        try:
            while True:
                received = yield autograd.is_grad_enabled()
                log.append(received)
        except KeyError:
            log.append(("caught", autograd.is_grad_enabled()))
            yield "recovered"
        finally:
            log.append(("closed", autograd.is_grad_enabled()))

    with no_grad():
        gen = echo()
        assert next(gen) is True  # runs under enable_grad
        assert gen.send("a") is True and log == ["a"]
        assert not autograd.is_grad_enabled()  # ... and the consumer is back in no_grad
        assert gen.throw(KeyError("k")) == "recovered"
        gen.close()
        assert not autograd.is_grad_enabled()
    assert log == ["a", ("caught", True), ("closed", True)]

    @no_grad()
    def returns() -> Generator[int, None, int]:
        yield 1
        return 7

    def outer() -> Generator[int, None, None]:
        result = yield from returns()
        log.append(result)

    assert list(outer()) == [1] and log[-1] == 7


def test_decorated_generator_exception_restores_the_consumer_mode() -> None:
    @detect_anomaly()
    def overflow() -> Iterator[Value]:
        yield Value(1000.0).exp()

    with pytest.raises(autograd.AnomalyError):
        next(overflow())
    assert not autograd.is_anomaly_enabled()


def test_leaving_a_switch_in_another_thread_changes_neither() -> None:
    """As when a generator suspended inside ``with no_grad()`` is finalized by another thread."""
    switch = no_grad()
    entered, left = threading.Event(), threading.Event()
    seen: list[tuple[bool, bool]] = []

    def hold() -> None:
        switch.__enter__()
        entered.set()
        left.wait()
        seen.append(state())
        switch.__exit__(None, None, None)
        seen.append(state())

    thread = threading.Thread(target=hold)
    thread.start()
    entered.wait()
    switch.__exit__(None, None, None)  # not entered in this thread: nothing to restore here
    assert state() == DEFAULT
    left.set()
    thread.join()
    assert seen == [(False, False), DEFAULT]


def test_two_asyncio_tasks_in_no_grad_leave_the_thread_recording() -> None:
    async def in_no_grad() -> tuple[bool, bool]:
        with no_grad():
            await asyncio.sleep(0)  # the other task enters meanwhile, and leaves first
            inside = autograd.is_grad_enabled()
        await asyncio.sleep(0)
        return inside, autograd.is_grad_enabled()

    async def both() -> list[tuple[bool, bool]]:
        return list(await asyncio.gather(in_no_grad(), in_no_grad()))

    assert asyncio.run(both()) == [(False, True), (False, True)]
    assert state() == DEFAULT


def test_detect_anomaly_in_one_task_leaves_a_sibling_unchecked() -> None:
    async def checking(started: asyncio.Event, done: asyncio.Event) -> None:
        with detect_anomaly():
            started.set()
            await done.wait()

    async def sibling(started: asyncio.Event, done: asyncio.Event) -> float:
        await started.wait()
        try:
            return Value(1000.0).exp().data  # inf, unchecked here
        finally:
            done.set()

    async def both() -> float:
        started, done = asyncio.Event(), asyncio.Event()
        _, overflow = await asyncio.gather(checking(started, done), sibling(started, done))
        return overflow

    assert asyncio.run(both()) == math.inf
    assert state() == DEFAULT


def test_set_grad_enabled_called_alone_switches_as_in_pytorch() -> None:
    try:
        set_grad_enabled(False)
        assert state() == (False, False)
        set_grad_enabled(True)
        assert state() == DEFAULT
        with set_grad_enabled(False):
            assert state() == (False, False)
        assert state() == DEFAULT
    finally:
        set_grad_enabled(True)


def test_set_grad_enabled_as_a_decorator_changes_nothing_until_called() -> None:
    @set_grad_enabled(False)
    def inside() -> tuple[bool, bool]:
        return state()

    assert state() == DEFAULT
    assert inside() == (False, False) and state() == DEFAULT


def test_the_fast_path_comes_back_once_no_context_holds_changed_modes() -> None:
    async def spawn_in_no_grad() -> None:
        with no_grad():
            task = asyncio.create_task(asyncio.sleep(0))  # starts with no_grad, as its creator
        assert not MODES.all_default  # the task's context still holds no_grad
        await task

    with no_grad(), detect_anomaly():
        assert not MODES.all_default
    assert MODES.all_default
    asyncio.run(spawn_in_no_grad())
    gc.collect()  # the finished task and its context, freed
    assert MODES.all_default
