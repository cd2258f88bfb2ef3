"""What thread-local grad and anomaly modes cost an op, in one process: the switches as they
were (one process-wide object), as they are while no thread is in a mode, and while another
thread sits inside ``no_grad``.

Run: ``python benchmarks/modes.py`` (stdlib only). Prints medians in ns per op, and ratios
against the process-wide switches.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import median_time

import autograd.value
from autograd import Value, no_grad


class ProcessWideSwitches:
    """The switches as one object shared by every thread (how modes worked before)."""

    __slots__ = ("anomaly", "plain", "record")

    def __init__(self) -> None:
        self.record = True
        self.anomaly = False
        self.plain = True


@contextmanager
def process_wide() -> Iterator[None]:
    ours = autograd.value.MODE
    autograd.value.MODE = ProcessWideSwitches()  # type: ignore[assignment]
    try:
        yield
    finally:
        autograd.value.MODE = ours


@contextmanager
def per_thread() -> Iterator[None]:
    yield


@contextmanager
def another_thread_in_no_grad() -> Iterator[None]:
    entered, leave = threading.Event(), threading.Event()

    def hold() -> None:
        with no_grad():
            entered.set()
            leave.wait()

    thread = threading.Thread(target=hold)
    thread.start()
    entered.wait()
    try:
        yield
    finally:
        leave.set()
        thread.join()


SETUPS = {
    "process-wide": process_wide,
    "per-thread": per_thread,
    "per-thread, another in no_grad": another_thread_in_no_grad,
}

OPS: dict[str, Callable[[Value, Value], Value]] = {
    "a + b": lambda a, b: a + b,
    "a * b": lambda a, b: a * b,
    "a * 3.0": lambda a, b: a * 3.0,
    "tanh(a)": lambda a, b: a.tanh(),
}


def per_op_ns(op: Callable[[Value, Value], Value], n: int, repeats: int) -> float:
    a, b = Value(0.5), Value(0.25)

    def run() -> None:
        for _ in range(n):
            op(a, b)

    return median_time(run, repeats) / n * 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--ops", type=int, default=20_000)
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, medians of {args.repeats} runs of {args.ops:,} ops")
    names = list(SETUPS)
    print("op       " + "".join(f"{name:>34}" for name in names))
    for op_name, op in OPS.items():
        best: dict[str, float] = {}
        for _ in range(2):  # alternate, so that drift on a shared machine hits every setup alike
            for name, setup in SETUPS.items():
                with setup():
                    t = per_op_ns(op, args.ops, args.repeats)
                best[name] = min(t, best.get(name, t))
        base = best[names[0]]
        cells = [f"{best[n]:>6.0f} ns {best[n] / base:>5.2f}x" for n in names]
        print(f"{op_name:<9}" + "".join(f"{c:>34}" for c in cells))


if __name__ == "__main__":
    main()
