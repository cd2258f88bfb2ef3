"""What thread safety costs the fast path, in one process.

1. Per op: the grad/anomaly switches as they were (one process-wide object), as they are while
   no thread is in a mode, and while another thread sits inside ``no_grad``.
2. Backward on a graph with no hooks, on a 200,000-op chain and an MLP batch's graph: the walk
   as it was (a global count of live hooks chose the path, so it read no hooks), against
   `autograd.graph.backward` before any hook exists in the process, and once one does
   somewhere (it then reads the hooks of every node it walks).

Run: ``python benchmarks/modes.py`` (stdlib only). Prints medians, and ratios against the
before-column measured in the same run.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import median_time

import autograd
import autograd.value
import nn
from autograd import Value, no_grad
from autograd.graph import backward


class ProcessWideSwitches:
    """The switches as one object shared by every thread (how modes worked before)."""

    __slots__ = ("all_default", "anomaly", "record")

    def __init__(self) -> None:
        self.record = True
        self.anomaly = False
        self.all_default = True


@contextmanager
def process_wide() -> Iterator[None]:
    ours = autograd.value.MODES
    autograd.value.MODES = ProcessWideSwitches()  # type: ignore[assignment]
    try:
        yield
    finally:
        autograd.value.MODES = ours


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


def per_op_ns(op: Callable[[Value, Value], Value], n: int) -> float:
    a, b = Value(0.5), Value(0.25)

    def run() -> None:
        for _ in range(n):
            op(a, b)

    return median_time(run, 1) / n * 1e9


def backward_without_hook_checks(root: Value) -> None:
    """The fast path as it was: the same order and loop, without looking for hooks."""
    order: list[Value] = []
    visited = {root}
    stack: list[Value | None] = [root, None]
    stack.extend(p for p in reversed(root.parents) if p.parents)
    while stack:
        node = stack.pop()
        if node is None:
            order.append(stack.pop())  # type: ignore[arg-type]
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append(node)
        stack.append(None)
        for parent in reversed(node.parents):
            if parent.parents and parent not in visited:
                stack.append(parent)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        upstream = node.grad
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * upstream


def chain_graph(n: int) -> Value:
    y = Value(0.5)
    for _ in range(n // 2):
        y = (y * 0.999).tanh()
    return y


def mlp_graph() -> Value:
    model = nn.MLP(2, [16, 16, 1])
    xs = [[i / 100, 1 - i / 50] for i in range(100)]
    return autograd.sum([(model(x)[0] - 1.0) ** 2 for x in xs])


def paired(runs: list[Callable[[], object]], repeats: int) -> list[float]:
    """Median seconds of each of ``runs``, timed back to back ``repeats`` times in turn, so that
    load from elsewhere on a shared machine falls on all of them alike (GC off meanwhile)."""
    times: list[list[float]] = [[] for _ in runs]
    gc.disable()  # a collection scanning the big graph would land on one run or the other
    try:
        for _ in range(repeats):
            for run, seen in zip(runs, times):
                seen.append(median_time(run, 1))
    finally:
        gc.enable()
    return [statistics.median(seen) for seen in times]


def backward_table(repeats: int, chain: int) -> None:
    """Columns: the walk reading no hooks; `backward` before any hook exists in the process;
    `backward` once one does (on a node of another graph), when it reads every node's."""
    graphs = [
        (f"chain of {chain:,} ops, per node", chain_graph(chain), chain),
        ("MLP batch graph, per call", mlp_graph(), 1),
    ]
    results = {}
    for name, root, _ in graphs:
        results[name] = paired(
            [
                lambda root=root: backward_without_hook_checks(root),
                lambda root=root: backward(root),
            ],
            repeats,
        )
    Value(0.0).register_hook(lambda g: None)  # turns HOOK_WATCH on for good
    for name, root, _ in graphs:
        before, watching = paired(
            [
                lambda root=root: backward_without_hook_checks(root),
                lambda root=root: backward(root),
            ],
            repeats,
        )
        results[name] = [min(results[name][0], before), results[name][1], watching]
    print(f"\nbackward, no hooks in the graph (medians of {repeats}, timed in turn)")
    print(f"{'':<36}{'before':>10}{'now':>17}{'a hook elsewhere':>24}")
    for name, _, nodes in graphs:
        unit, scale = ("ns", 1e9) if nodes > 1 else ("ms", 1e3)
        before, now, watching = (t / nodes for t in results[name])
        cells = [f"{before * scale:>7.1f} {unit}"]
        cells += [f"{t * scale:>7.1f} {unit} {t / before:>5.2f}x" for t in (now, watching)]
        print(f"{name:<36}" + "".join(f"{c:>17}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--ops", type=int, default=20_000)
    parser.add_argument("--chain", type=int, default=200_000)
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, medians of {args.repeats} runs of {args.ops:,} ops")
    names = list(SETUPS)
    print("op       " + "".join(f"{name:>34}" for name in names))
    for op_name, op in OPS.items():
        times: dict[str, list[float]] = {name: [] for name in names}
        for _ in range(args.repeats):  # every setup in turn: load from elsewhere hits all alike
            for name, setup in SETUPS.items():
                with setup():
                    times[name].append(per_op_ns(op, args.ops))
        medians = {name: statistics.median(t) for name, t in times.items()}
        base = medians[names[0]]
        cells = [f"{medians[n]:>6.0f} ns {medians[n] / base:>5.2f}x" for n in names]
        print(f"{op_name:<9}" + "".join(f"{c:>34}" for c in cells))
    backward_table(args.repeats, args.chain)


if __name__ == "__main__":
    main()
