"""Fewer cycle-collector passes while training: graphs are freed by reference counting (they hold
no cycles), so the collector's frequent passes over tens of thousands of fresh nodes are pure cost."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["rare_gc_passes"]


class _CollectorThresholds:
    """The cycle collector's thresholds, shared by every thread: the first `rare_gc_passes` to
    enter saves and raises them, the last to leave puts them back, whatever order threads leave
    in (a thread restoring what another one had saved would leave them changed for good)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0
        self.saved = gc.get_threshold()

    def enter(self, threshold: int) -> None:
        with self.lock:
            if self.users == 0:
                self.saved = old = gc.get_threshold()
                if 0 < old[0] < threshold:
                    gc.set_threshold(threshold, *old[1:])
            self.users += 1

    def leave(self) -> None:
        with self.lock:
            self.users -= 1
            if self.users == 0:
                gc.set_threshold(*self.saved)


_THRESHOLDS = _CollectorThresholds()


@contextmanager
def rare_gc_passes(threshold: int = 10_000) -> Iterator[None]:
    """Run the cycle collector's youngest generation every ``threshold`` allocations, not 700.

    A training step allocates tens of thousands of nodes and frees them by reference counting
    (graphs hold no cycles), so the frequent collector passes over them are pure cost: about a
    quarter of a digits epoch (benchmarks/training.py). Nothing is switched off, and the old
    thresholds come back when the last thread (or nested block) using it exits.
    """
    _THRESHOLDS.enter(threshold)
    try:
        yield
    finally:
        _THRESHOLDS.leave()
