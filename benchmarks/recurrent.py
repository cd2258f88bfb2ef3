"""Recurrent benchmark: forward + backward (BPTT) time per time step, RNN and LSTM, hidden 16.

Run: ``python benchmarks/recurrent.py`` (stdlib only). The baseline is a tanh RNN whose forward
and BPTT are derived by hand on lists of floats (no graph at all), timed in the same run; every
ratio is against it, and every time is a median over repeats. Target: chainrule's RNN within 4x.
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import median_time

import autograd
import nn
from autograd import Value

Loss = Callable[[], float]


def make_sequence(steps: int, nin: int, nhidden: int, seed: int = 0):
    """Inputs x_t and the loss coefficients a_t: loss = sum_t a_t . h_t."""
    rng = random.Random(seed)
    xs = [[rng.uniform(-1, 1) for _ in range(nin)] for _ in range(steps)]
    coef = [[rng.uniform(-1, 1) for _ in range(nhidden)] for _ in range(steps)]
    return xs, coef


# ---------------------------------------------------------------- baseline: BPTT by hand


class NoGraphRNN:
    """h_t = tanh(W_ih x_t + W_hh h_{t-1} + b) and its exact BPTT, on floats."""

    def __init__(self, rnn: nn.RNN) -> None:
        cell = rnn.cell
        self.w_ih = [[w.data for w in row] for row in cell.w_ih]
        self.w_hh = [[w.data for w in row] for row in cell.w_hh]
        self.b = [v.data for v in cell.b]

    def forward_backward(self, xs: list[list[float]], coef: list[list[float]]) -> list[float]:
        w_ih, w_hh, b = self.w_ih, self.w_hh, self.b
        n = len(b)
        hs = [[0.0] * n]
        for x in xs:
            h = hs[-1]
            hs.append(
                [
                    math.tanh(sum(map(float.__mul__, ri, x)) + sum(map(float.__mul__, rh, h)) + bj)
                    for ri, rh, bj in zip(w_ih, w_hh, b, strict=True)
                ]
            )
        # Backward in time: dLoss/dz_t for every step, z_t being the pre-activations.
        w_hh_columns = list(zip(*w_hh, strict=True))
        dzs = []
        dh = [0.0] * n  # dLoss/dh_t arriving from step t+1
        for t in range(len(xs) - 1, -1, -1):
            dz = [(d + a) * (1.0 - v * v) for d, a, v in zip(dh, coef[t], hs[t + 1], strict=True)]
            dzs.append(dz)
            dh = [sum(map(float.__mul__, col, dz)) for col in w_hh_columns]
        dzs.reverse()
        # Each weight's gradient sums its contributions over time: dot products along t.
        dz_by_unit = list(zip(*dzs, strict=True))
        x_by_input = list(zip(*xs, strict=True))
        h_by_unit = list(zip(*hs[:-1], strict=True))
        g_ih = [sum(map(float.__mul__, dz, xk)) for dz in dz_by_unit for xk in x_by_input]
        g_hh = [sum(map(float.__mul__, dz, hk)) for dz in dz_by_unit for hk in h_by_unit]
        return g_ih + g_hh + [sum(dz) for dz in dz_by_unit]


# ---------------------------------------------------------------- chainrule


def chainrule_step(rnn: nn.RNN, xs, coef) -> None:
    rnn.zero_grad()
    outputs, _ = rnn(xs)
    autograd.sum([autograd.dot(a, h) for a, h in zip(coef, outputs, strict=True)]).backward()


def unfused_step(rnn: nn.RNN, xs, coef) -> None:
    """The same tanh RNN with W_ih x and W_hh h as separate dot nodes, then + b: 3 nodes a unit."""
    cell = rnn.cell
    rnn.zero_grad()
    h = [Value(0.0) for _ in range(cell.nhidden)]
    terms = []
    for x, a in zip(xs, coef, strict=True):
        xv = [Value(v) for v in x]
        zi = autograd.dots(cell.w_ih, xv)
        zh = autograd.dots(cell.w_hh, h)
        h = [(p + q + bj).tanh() for p, q, bj in zip(zi, zh, cell.b, strict=True)]
        terms.append(autograd.dot(a, h))
    autograd.sum(terms).backward()


def median_seconds(fn: Callable[[], object], repeats: int) -> float:
    """One warm-up call, then the shared timing rule (the median of ``repeats`` calls)."""
    fn()
    return median_time(fn, repeats)


def check_same_gradients(rnn: nn.RNN, xs, coef) -> float:
    """Largest difference between the engine's and the hand-derived gradients; AssertionError
    above 1e-9, since the timings would then compare different work."""
    chainrule_step(rnn, xs, coef)
    ours = [p.grad for p in rnn.parameters()]
    theirs = NoGraphRNN(rnn).forward_backward(xs, coef)
    worst = max(abs(a - b) for a, b in zip(ours, theirs, strict=True))
    if worst > 1e-9:
        raise AssertionError(f"baseline and chainrule gradients disagree (by {worst:g})")
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--steps", type=int, default=50, help="sequence length")
    parser.add_argument("--nin", type=int, default=4)
    parser.add_argument("--hidden", type=int, default=16)
    args = parser.parse_args()
    steps, nin, nh = args.steps, args.nin, args.hidden
    xs, coef = make_sequence(steps, nin, nh)
    gc.enable()

    rnn = nn.RNN(nin, nh, cell="rnn", seed=0)
    lstm = nn.RNN(nin, nh, cell="lstm", seed=0)
    baseline = NoGraphRNN(rnn)
    error = check_same_gradients(rnn, xs, coef)

    timings = [
        ("tanh RNN, no-graph BPTT by hand", lambda: baseline.forward_backward(xs, coef)),
        ("tanh RNN, chainrule (fused gate rows)", lambda: chainrule_step(rnn, xs, coef)),
        ("tanh RNN, chainrule unfused (x, h, +b)", lambda: unfused_step(rnn, xs, coef)),
        ("LSTM, chainrule (fused gate rows)", lambda: chainrule_step(lstm, xs, coef)),
    ]
    results = [(name, median_seconds(fn, args.repeats) / steps) for name, fn in timings]
    base = results[0][1]

    print(
        f"Python {sys.version.split()[0]}: forward + backward per time step, nin {nin}, "
        f"hidden {nh}, sequence {steps}, medians of {args.repeats} runs"
    )
    width = max(len(name) for name, _ in results)
    for name, seconds in results:
        print(f"{name.ljust(width)}  {seconds * 1e6:8.1f} us  {seconds / base:6.2f}x")
    print(f"target: chainrule's tanh RNN within 4x of the baseline (max |grad diff| {error:.1e})")


if __name__ == "__main__":
    main()
