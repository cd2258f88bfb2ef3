"""Engine benchmark: chainrule against a hand-derived, no-graph pure-Python baseline.

Run: ``python benchmarks/engine.py`` (stdlib only). Prints a table of medians; every ratio is
against a baseline measured in the same run, so the numbers mean the same on any machine. The
network timed is an `nn.MLP` (measured as fast as the same forward hand-written with `dots`).
Optional columns appear for other scalar engines that happen to be installed (micrograd, torch).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import math
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import autograd
import nn
from autograd import Value

SIZES = (2, 16, 16, 1)
BATCH = 100
LR = 0.05


def make_data(n: int = BATCH, seed: int = 0) -> tuple[list[list[float]], list[float]]:
    rng = random.Random(seed)
    xs = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(n)]
    ys = [1.0 if x0 * x1 > 0 else -1.0 for x0, x1 in xs]
    return xs, ys


def init_weights(seed: int = 1) -> list[tuple[list[list[float]], list[float]]]:
    """One (rows of weights, biases) pair per layer."""
    rng = random.Random(seed)
    layers = []
    for nin, nout in itertools.pairwise(SIZES):
        bound = 1 / math.sqrt(nin)
        rows = [[rng.uniform(-bound, bound) for _ in range(nin)] for _ in range(nout)]
        layers.append((rows, [0.0] * nout))
    return layers


# ---------------------------------------------------------------- baseline: no graph at all


class NoGraphMLP:
    """Forward and backward derived by hand on lists of floats: the floor a scalar engine chases."""

    def __init__(self, activation: str = "tanh") -> None:
        self.layers = init_weights()
        self.relu = activation == "relu"

    def step(self, xs: list[list[float]], ys: list[float]) -> float:
        grads = [([[0.0] * len(r) for r in rows], [0.0] * len(bs)) for rows, bs in self.layers]
        last = len(self.layers) - 1
        total = 0.0
        scale = 2.0 / len(xs)
        for x, y in zip(xs, ys):
            acts = [x]
            for li, (rows, bs) in enumerate(self.layers):
                a = acts[-1]
                z = [sum(map(float.__mul__, row, a)) + b for row, b in zip(rows, bs)]
                if li == last:
                    acts.append(z)
                elif self.relu:
                    acts.append([v if v > 0.0 else 0.0 for v in z])
                else:
                    acts.append([math.tanh(v) for v in z])
            pred = acts[-1][0]
            total += (pred - y) ** 2
            delta = [scale * (pred - y)]
            for li in range(last, -1, -1):
                rows, _ = self.layers[li]
                grows, gbs = grads[li]
                a = acts[li]
                below = [0.0] * len(a)
                for j, (row, grow, d) in enumerate(zip(rows, grows, delta)):
                    gbs[j] += d
                    for k, (w, ak) in enumerate(zip(row, a)):
                        grow[k] += d * ak
                        below[k] += d * w
                if li:
                    if self.relu:
                        delta = [g if h > 0.0 else 0.0 for g, h in zip(below, a)]
                    else:
                        delta = [g * (1.0 - h * h) for g, h in zip(below, a)]
        for (rows, bs), (grows, gbs) in zip(self.layers, grads):
            for row, grow in zip(rows, grows):
                for k, g in enumerate(grow):
                    row[k] -= LR * g
            for j, g in enumerate(gbs):
                bs[j] -= LR * g
        return total / len(xs)


# ---------------------------------------------------------------- chainrule


class ChainruleMLP:
    """The same network as an `nn.MLP` on Values: each neuron one fused `dot` node plus its
    activation."""

    def __init__(self, activation: str = "tanh") -> None:
        self.model = nn.MLP(
            SIZES[0], list(SIZES[1:]), activation=activation, output_activation=None
        )
        for layer, (rows, bs) in zip(self.model.layers, init_weights()):
            for neuron, row, b in zip(layer.neurons, rows, bs):
                for w, value in zip(neuron.w, row):
                    w.data = value
                neuron.b.data = b
        self.params = self.model.parameters()

    def forward(self, x: list) -> Value:
        return self.model(x)[0]

    def step(self, xs: list[list[float]], ys: list[float]) -> float:
        loss = autograd.sum([(self.forward(x) - y) ** 2 for x, y in zip(xs, ys)]) / len(xs)
        for p in self.params:
            p.grad = 0.0
        loss.backward()
        for p in self.params:
            p.data -= LR * p.grad
        return loss.data


# ---------------------------------------------------------------- timing


def median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def mlp_step_seconds(model: object, repeats: int) -> float:
    xs, ys = make_data()

    def three_steps() -> None:
        for _ in range(3):
            model.step(xs, ys)  # type: ignore[attr-defined]

    gc.enable()
    return median_time(three_steps, repeats) / 3


def chain_seconds_per_node(n: int, repeats: int) -> tuple[float, float]:
    """Forward and backward time per node of a chain of n unary/binary ops."""
    forward_times, backward_times = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        x = Value(0.5)
        y = x
        for _ in range(n // 2):
            y = (y * 0.999).tanh()
        mid = time.perf_counter()
        y.backward()
        end = time.perf_counter()
        forward_times.append((mid - start) / n)
        backward_times.append((end - mid) / n)
        del x, y
    return statistics.median(forward_times), statistics.median(backward_times)


def bytes_per_node(build: Callable[[], Value], nodes: Callable[[Value], int]) -> float:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    root = build()
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return used / nodes(root)


def chain(n: int, op: str) -> Callable[[], Value]:
    def build() -> Value:
        y = Value(0.5)
        for _ in range(n):
            y = y * 0.999 if op == "mul" else y + 0.001 if op == "add" else y.tanh()
        return y

    return build


def graph_size(root: Value) -> int:
    return len(autograd.topological_order(root))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--chain", type=int, default=200_000)
    args = parser.parse_args()

    rows: list[tuple[str, str, str, str]] = []
    baseline = mlp_step_seconds(NoGraphMLP(), args.repeats)
    ours = mlp_step_seconds(ChainruleMLP(), args.repeats)
    rows.append(
        ("MLP 2-16-16-1 step, batch 100", "no-graph baseline", f"{baseline * 1e3:.2f} ms", "1.00x")
    )
    rows.append(
        ("", "chainrule nn.MLP (dot nodes)", f"{ours * 1e3:.2f} ms", f"{ours / baseline:.2f}x")
    )
    fwd, bwd = chain_seconds_per_node(args.chain, args.repeats)
    rows.append((f"chain of {args.chain:,} ops", "forward per node", f"{fwd * 1e9:.0f} ns", ""))
    rows.append(("", "backward per node", f"{bwd * 1e9:.0f} ns", "target < 1000 ns"))
    for op in ("add", "mul", "tanh"):
        b = bytes_per_node(chain(50_000, op), graph_size)
        rows.append(
            (
                "bytes per node" if op == "add" else "",
                f"chain of '{op}'",
                f"{b:.0f} B",
                "target < 200 B",
            )
        )
    xs, ys = make_data()
    model = ChainruleMLP()

    def mlp_graph() -> Value:
        return autograd.sum([(model.forward(x) - y) ** 2 for x, y in zip(xs, ys)])

    b = bytes_per_node(mlp_graph, lambda r: len(autograd.topological_order(r)) - len(model.params))
    rows.append(("", "MLP batch graph", f"{b:.0f} B", "(dot nodes have ~33 parents)"))

    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    print(f"Python {sys.version.split()[0]}, medians of {args.repeats} runs")
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))


if __name__ == "__main__":
    main()
