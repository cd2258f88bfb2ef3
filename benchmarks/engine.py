"""Engine benchmark: chainrule against a hand-derived, no-graph pure-Python baseline.

Also: a per-op table (each op on `Value` against `MinimalNode`, the least a node storing
local derivatives can be), second-order gradients (create_graph, Hessian-vector products)
against first-order backward, and what detect_anomaly costs when on.

Run: ``python benchmarks/engine.py`` (stdlib only). Prints a table of medians; every ratio is
against a baseline measured in the same run (taking turns with it), in CPU time, so the
numbers mean the same on any machine, busy or not. The
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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import autograd
import nn
from autograd import Value

clock = time.process_time
"""Every time here is this process's CPU time (GC included): on a machine shared with other
work, what other processes run does not count, where wall-clock medians drift by 2x."""

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
    """The same network as an `nn.MLP`: each neuron one fused `dot` node plus its activation."""

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


# ---------------------------------------------------------------- per op: a minimal node


class MinimalNode:
    """The least a node storing local derivatives can be: four slots, no checks, no modes."""

    __slots__ = ("data", "grad", "parents", "local_grads")

    def __init__(self, data: float, parents: tuple = (), local_grads: tuple = ()) -> None:
        self.data = data
        self.grad = 0.0
        self.parents = parents
        self.local_grads = local_grads

    def __add__(self, other: object) -> MinimalNode:
        if isinstance(other, MinimalNode):
            return MinimalNode(self.data + other.data, (self, other), (1.0, 1.0))
        return MinimalNode(self.data + other, (self,), (1.0,))  # type: ignore[operator]

    def __radd__(self, other: float) -> MinimalNode:
        return MinimalNode(other + self.data, (self,), (1.0,))

    def __sub__(self, other: object) -> MinimalNode:
        if isinstance(other, MinimalNode):
            return MinimalNode(self.data - other.data, (self, other), (1.0, -1.0))
        return MinimalNode(self.data - other, (self,), (1.0,))  # type: ignore[operator]

    def __rsub__(self, other: float) -> MinimalNode:
        return MinimalNode(other - self.data, (self,), (-1.0,))

    def __mul__(self, other: object) -> MinimalNode:
        if isinstance(other, MinimalNode):
            return MinimalNode(self.data * other.data, (self, other), (other.data, self.data))
        return MinimalNode(self.data * other, (self,), (other,))  # type: ignore[operator]

    def __rmul__(self, other: float) -> MinimalNode:
        return MinimalNode(other * self.data, (self,), (other,))

    def __truediv__(self, other: object) -> MinimalNode:
        if isinstance(other, MinimalNode):
            out = self.data / other.data
            return MinimalNode(out, (self, other), (1.0 / other.data, -out / other.data))
        return MinimalNode(self.data / other, (self,), (1.0 / other,))  # type: ignore[operator]

    def __rtruediv__(self, other: float) -> MinimalNode:
        out = other / self.data
        return MinimalNode(out, (self,), (-out / self.data,))

    def __pow__(self, c: float) -> MinimalNode:
        return MinimalNode(self.data**c, (self,), (c * self.data ** (c - 1.0),))

    def exp(self) -> MinimalNode:
        out = math.exp(self.data)
        return MinimalNode(out, (self,), (out,))

    def tanh(self) -> MinimalNode:
        out = math.tanh(self.data)
        return MinimalNode(out, (self,), (1.0 - out * out,))

    def relu(self) -> MinimalNode:
        x = self.data
        return MinimalNode(x, (self,), (1.0,)) if x > 0.0 else MinimalNode(0.0, (self,), (0.0,))


PER_OP: dict[str, Callable[[Any, Any], Any]] = {
    "x + y": lambda x, y: x + y,
    "x + 3": lambda x, y: x + 3.0,
    "3 + x": lambda x, y: 3.0 + x,
    "x - y": lambda x, y: x - y,
    "x - 3": lambda x, y: x - 3.0,
    "3 - x": lambda x, y: 3.0 - x,
    "x * y": lambda x, y: x * y,
    "x * 3": lambda x, y: x * 3.0,
    "3 * x": lambda x, y: 3.0 * x,
    "x / y": lambda x, y: x / y,
    "x / 3": lambda x, y: x / 3.0,
    "3 / x": lambda x, y: 3.0 / x,
    "x ** 2": lambda x, y: x**2,
    "exp": lambda x, y: x.exp(),
    "tanh": lambda x, y: x.tanh(),
    "relu": lambda x, y: x.relu(),
}
"""The ops of the per-op table, each applied to two operands (y unused by unary ops)."""


def per_op_seconds(
    kinds: tuple[type, ...], op: Callable[[Any, Any], Any], n: int, samples: int
) -> list[float]:
    """Median seconds per node for ``op`` on nodes of each class in ``kinds``. The classes take
    turns run by run, so a slow moment of the (shared) machine hits all of them alike; each
    run's n nodes stay alive until it ends, as a forward pass keeps them."""
    rng = random.Random(3)
    numbers = [(rng.uniform(0.5, 2.0), rng.uniform(0.5, 2.0)) for _ in range(n)]
    operands = [([kind(a) for a, _ in numbers], [kind(b) for _, b in numbers]) for kind in kinds]
    times: list[list[float]] = [[] for _ in kinds]
    for _ in range(samples):
        for (xs, ys), spent in zip(operands, times):
            start = clock()
            kept = list(map(op, xs, ys))
            spent.append(clock() - start)
            del kept
    return [statistics.median(spent) / n for spent in times]


def per_op_rows(repeats: int, n: int = 2_000) -> list[tuple[str, str, str, str]]:
    """Each op on chainrule's Value against `MinimalNode`, in the same process."""
    rows = []
    for name, op in PER_OP.items():
        t_min, t_ours = per_op_seconds((MinimalNode, Value), op, n, 5 * repeats)
        target = 1.35 if "**" in name else 1.25
        ratio = t_ours / t_min
        verdict = "ok" if ratio <= target else f"over {target}x"
        rows.append(
            (
                "per op, vs minimal node" if not rows else "",
                f"{name:<7} {t_min * 1e9:4.0f} ns minimal",
                f"{t_ours * 1e9:.0f} ns",
                f"{ratio:.2f}x ({verdict})",
            )
        )
    return rows


# ---------------------------------------------------------------- timing


def mlp_step_seconds(model: object, repeats: int) -> float:
    """Seconds per training step of one model (see `mlp_steps_seconds`)."""
    return mlp_steps_seconds([model], repeats)[0]


def mlp_steps_seconds(models: list[object], repeats: int) -> list[float]:
    """Seconds per training step of each model (three steps back to back, GC on), the models
    taking turns run by run so that a busy moment of the machine hits them all alike."""
    xs, ys = make_data()
    times: list[list[float]] = [[] for _ in models]
    gc.enable()
    for _ in range(repeats):
        for model, spent in zip(models, times):
            start = clock()
            for _ in range(3):
                model.step(xs, ys)  # type: ignore[attr-defined]
            spent.append((clock() - start) / 3)
    return [statistics.median(spent) for spent in times]


def chain_seconds_per_node(n: int, repeats: int) -> tuple[float, float]:
    """Forward and backward time per node of a chain of n unary/binary ops."""
    forward_times, backward_times = [], []
    for _ in range(repeats):
        start = clock()
        x = Value(0.5)
        y = x
        for _ in range(n // 2):
            y = (y * 0.999).tanh()
        mid = clock()
        y.backward()
        end = clock()
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


BYTES_TARGET = {"add": 160, "mul": 208, "tanh": 232}
"""Bytes per node (tracemalloc: bytes requested) that chains of each op must not exceed."""


def chain(n: int, op: str) -> Callable[[], Value]:
    def build() -> Value:
        y = Value(0.5)
        for _ in range(n):
            y = y * 0.999 if op == "mul" else y + 0.001 if op == "add" else y.tanh()
        return y

    return build


def graph_size(root: Value) -> int:
    return len(autograd.topological_order(root))


def mlp_loss(model: ChainruleMLP, xs: list[list[float]], ys: list[float]) -> Value:
    squares = [(model.forward(x) - y) ** 2 for x, y in zip(xs, ys, strict=True)]
    return autograd.sum(squares) / len(xs)


def second_order_seconds(repeats: int) -> tuple[float, float, float]:
    """The MLP loss's gradient by backward (floats), as Values (create_graph), and a
    Hessian-vector product from those Values; forward passes excluded."""
    model = ChainruleMLP()
    xs, ys = make_data()
    v = [random.Random(2).uniform(-1, 1) for _ in model.params]
    floats, values, hvps = [], [], []
    for _ in range(repeats):
        loss = mlp_loss(model, xs, ys)
        start = clock()
        loss.backward()
        floats.append(clock() - start)
        start = clock()
        g = autograd.grad(loss, model.params, create_graph=True)
        values.append(clock() - start)
        gv = autograd.dot(g, v)
        start = clock()
        autograd.grad(gv, model.params)
        hvps.append(clock() - start)
        del loss, g, gv
    return statistics.median(floats), statistics.median(values), statistics.median(hvps)


def anomaly_step_seconds(repeats: int) -> float:
    """The MLP step inside detect_anomaly (every op checked and its call site recorded)."""
    model = ChainruleMLP()
    with autograd.detect_anomaly():
        return mlp_step_seconds(model, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--chain", type=int, default=200_000)
    args = parser.parse_args()

    rows: list[tuple[str, str, str, str]] = per_op_rows(args.repeats)
    baseline, ours = mlp_steps_seconds([NoGraphMLP(), ChainruleMLP()], 2 * args.repeats)
    rows.append(
        ("MLP 2-16-16-1 step, batch 100", "no-graph baseline", f"{baseline * 1e3:.2f} ms", "1.00x")
    )
    ratio = ours / baseline
    verdict = "ok" if ratio <= 2.5 else "over 2.5x"
    rows.append(
        ("", "chainrule nn.MLP (dot nodes)", f"{ours * 1e3:.2f} ms", f"{ratio:.2f}x ({verdict})")
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
                f"target <= {BYTES_TARGET[op]} B",
            )
        )
    xs, ys = make_data()
    model = ChainruleMLP()

    def mlp_graph() -> Value:
        return autograd.sum([(model.forward(x) - y) ** 2 for x, y in zip(xs, ys)])

    b = bytes_per_node(mlp_graph, lambda r: len(autograd.topological_order(r)) - len(model.params))
    rows.append(("", "MLP batch graph", f"{b:.0f} B", "(dot nodes have ~33 parents)"))

    first, as_values, hvp = second_order_seconds(args.repeats)
    rows.append(("MLP loss gradient", "backward (floats)", f"{first * 1e3:.2f} ms", "1.00x"))
    for name, t in (("grad(create_graph=True)", as_values), ("Hessian-vector product", hvp)):
        rows.append(("", name, f"{t * 1e3:.2f} ms", f"{t / first:.2f}x"))
    checked = anomaly_step_seconds(max(3, args.repeats // 2))
    ratio = f"{checked / ours:.2f}x the plain step"
    rows.append(("MLP step, anomaly mode", "every op checked", f"{checked * 1e3:.2f} ms", ratio))

    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    print(f"Python {sys.version.split()[0]}, medians of {args.repeats} runs")
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))


if __name__ == "__main__":
    main()
