"""chainrule against other engines on scalars: the same MLP step in each, beside the no-graph baseline.

Run with any interpreter: ``python benchmarks/competitors.py``. Engines that are not installed
are listed as such; install them in a scratch virtualenv (never in the project's), e.g.
``pip install micrograd torch``. Each engine builds the same 2-16-16-1 network, one scalar
per weight, and takes the same SGD step on an MSE loss over 100 points; ratios are against the
hand-derived no-graph baseline measured in the same run. The hidden activation is ReLU, the one
activation every engine here has (PyPI's micrograd 0.1.0 has no tanh).
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine import LR, ChainruleMLP, NoGraphMLP, init_weights, make_data
from timing import median_time

Step = Callable[[list[list[float]], list[float]], float]


def micrograd_step() -> Step:
    """Karpathy's micrograd: closures per node, constants become nodes."""
    from micrograd.engine import Value

    layers = [
        ([[Value(w) for w in row] for row in rows], [Value(b) for b in bs])
        for rows, bs in init_weights()
    ]
    params = [p for rows, bs in layers for row in rows for p in row] + [
        b for _, bs in layers for b in bs
    ]

    def forward(x: list) -> Value:
        for li, (rows, bs) in enumerate(layers):
            z = [sum((w * xi for w, xi in zip(row, x)), b) for row, b in zip(rows, bs)]
            x = z if li == len(layers) - 1 else [v.relu() for v in z]
        return x[0]

    def step(xs: list[list[float]], ys: list[float]) -> float:
        loss = sum((forward(x) - y) ** 2 for x, y in zip(xs, ys)) * (1.0 / len(xs))
        for p in params:
            p.grad = 0
        loss.backward()
        for p in params:
            p.data -= LR * p.grad
        return loss.data

    return step


def torch_step() -> Step:
    """PyTorch with one 0-d tensor per weight (a compiled engine used on scalars)."""
    import torch

    torch.set_num_threads(1)
    layers = [
        (
            [
                [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in row]
                for row in rows
            ],
            [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in bs],
        )
        for rows, bs in init_weights()
    ]
    params = [p for rows, bs in layers for row in rows for p in row] + [
        b for _, bs in layers for b in bs
    ]

    def forward(x: list) -> torch.Tensor:
        for li, (rows, bs) in enumerate(layers):
            z = [sum((w * xi for w, xi in zip(row, x)), b) for row, b in zip(rows, bs)]
            x = z if li == len(layers) - 1 else [torch.relu(v) for v in z]
        return x[0]

    def step(xs: list[list[float]], ys: list[float]) -> float:
        loss = sum((forward(x) - y) ** 2 for x, y in zip(xs, ys)) / len(xs)
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad
        return loss.detach().item()

    return step


def micrograd_cpp_step() -> Step:
    """micrograd-cpp-engine from PyPI: a C++ core behind pybind11, one 1-element tensor per weight."""
    import micrograd
    from micrograd import optim

    layers = [
        (
            [[micrograd.tensor([w], requires_grad=True) for w in row] for row in rows],
            [micrograd.tensor([b], requires_grad=True) for b in bs],
        )
        for rows, bs in init_weights()
    ]
    params = [p for rows, bs in layers for row in rows for p in row] + [
        b for _, bs in layers for b in bs
    ]
    sgd = optim.SGD(params, LR)

    def forward(x: list) -> object:
        inputs = [micrograd.tensor([xi]) for xi in x]
        for li, (rows, bs) in enumerate(layers):
            z = []
            for row, b in zip(rows, bs):
                total = b
                for w, xi in zip(row, inputs):
                    total = total + w * xi
                z.append(total)
            inputs = z if li == len(layers) - 1 else [v.relu() for v in z]
        return inputs[0]

    def step(xs: list[list[float]], ys: list[float]) -> float:
        loss = None
        for x, y in zip(xs, ys):
            d = forward(x) - micrograd.tensor([y])
            loss = d * d if loss is None else loss + d * d
        loss = loss * micrograd.tensor([1.0 / len(xs)])
        sgd.zero_grad()
        loss.backward()
        sgd.step()
        return loss.tolist()[0]

    return step


ENGINES: dict[str, Callable[[], Step]] = {
    "chainrule": lambda: ChainruleMLP("relu").step,
    "micrograd (PyPI micrograd)": micrograd_step,
    "PyTorch, 0-d tensors": torch_step,
    "micrograd-cpp-engine (C++)": micrograd_cpp_step,
}


def main() -> None:
    xs, ys = make_data()
    gc.enable()
    repeats = 5

    def seconds(step: Step, runs: int) -> float:
        return median_time(lambda: [step(xs, ys) for _ in range(3)], runs) / 3

    baseline = seconds(NoGraphMLP("relu").step, repeats)
    print(
        f"Python {sys.version.split()[0]}; ReLU MLP 2-16-16-1 step, batch 100, medians of {repeats}"
    )
    print(f"{'engine':<30} {'step':>10} {'vs no-graph':>12}")
    print(f"{'no-graph baseline':<30} {baseline * 1e3:>8.2f} ms {1.0:>11.2f}x")
    for name, make in ENGINES.items():
        try:
            step = make()
        except ImportError:
            print(f"{name:<30} {'not installed':>10}")
            continue
        runs = repeats if name == "chainrule" else 3
        t = seconds(step, runs)
        print(f"{name:<30} {t * 1e3:>8.2f} ms {t / baseline:>11.1f}x")
    print_memory()


def chain_bytes_per_op(leaf: Callable[[float], Any], n: int = 20_000) -> float:
    """Memory held by the graph of ``y = y * 0.999 + 0.001`` repeated n times, per op."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    y = leaf(0.5)
    for _ in range(n):
        y = y * 0.999 + 0.001
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del y
    return used / (2 * n)


def print_memory() -> None:
    """Bytes per op for the engines written in Python (tracemalloc cannot see C++ heaps)."""
    from autograd import Value

    print("\nbytes per op, chain of y = y * 0.999 + 0.001 (Python engines only)")
    print(f"{'chainrule':<30} {chain_bytes_per_op(Value):>8.0f} B")
    try:
        from micrograd.engine import Value as MicrogradValue
    except ImportError:
        print(f"{'micrograd (PyPI micrograd)':<30} {'not installed':>10}")
        return
    print(f"{'micrograd (PyPI micrograd)':<30} {chain_bytes_per_op(MicrogradValue):>8.0f} B")


if __name__ == "__main__":
    main()
