"""Training benchmark: seconds per digits epoch and per two-moons step, against a no-graph baseline.

Run: ``python benchmarks/training.py`` (digits needs scikit-learn, the ``data`` extra). Prints
medians; each ratio is against a hand-derived, pure-Python forward/backward/Adam on lists of
floats, measured in the same run, so the ratios mean the same on any machine.

- digits: 64-16-16-10 tanh MLP, softmax cross-entropy, mini-batches of 32, Adam; one epoch is
  1,500 training images (47 steps), as the README quotes.
- moons: 2-16-16-1 relu MLP, hinge loss, Adam, one full-batch step over 100 points.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import median_time

import autograd
import nn
from autograd.collector import rare_gc_passes
from nn import data

# ---------------------------------------------------------------- baseline: no graph at all


class NoGraphMLP:
    """The same network with forward, backward and Adam derived by hand on lists of floats."""

    def __init__(self, model: nn.MLP, activation: str, loss: str, lr: float) -> None:
        # [(rows of weights, biases)] copied from the nn model, so both start identical
        self.layers = [
            ([[w.data for w in n.w] for n in layer.neurons], [n.b.data for n in layer.neurons])
            for layer in model.layers
        ]
        self.activation = activation
        self.loss = loss
        self.lr = lr
        self.t = 0
        self.m = [([[0.0] * len(r) for r in rows], [0.0] * len(bs)) for rows, bs in self.layers]
        self.v = [([[0.0] * len(r) for r in rows], [0.0] * len(bs)) for rows, bs in self.layers]

    def _act(self, z: float) -> float:
        return math.tanh(z) if self.activation == "tanh" else max(z, 0.0)

    def _act_grad(self, a: float) -> float:
        return 1.0 - a * a if self.activation == "tanh" else float(a > 0.0)

    def step(self, xs: list[list[float]], ys: list[int]) -> float:
        grads = [([[0.0] * len(r) for r in rows], [0.0] * len(bs)) for rows, bs in self.layers]
        last = len(self.layers) - 1
        total = 0.0
        scale = 1.0 / len(xs)
        for x, y in zip(xs, ys, strict=True):
            acts = [x]
            for li, (rows, bs) in enumerate(self.layers):
                a = acts[-1]
                z = [sum(map(float.__mul__, row, a)) + b for row, b in zip(rows, bs, strict=True)]
                acts.append(z if li == last else [self._act(v) for v in z])
            out = acts[-1]
            if self.loss == "cross_entropy":
                top = max(out)
                exps = [math.exp(v - top) for v in out]
                s = sum(exps)
                total += math.log(s) - (out[y] - top)
                delta = [scale * (e / s - (i == y)) for i, e in enumerate(exps)]
            else:  # hinge on one score, label 0/1 -> -1/+1
                sign = 2 * y - 1
                margin = 1.0 - sign * out[0]
                total += max(margin, 0.0)
                delta = [scale * -sign if margin > 0.0 else 0.0]
            for li in range(last, -1, -1):
                rows, _ = self.layers[li]
                grows, gbs = grads[li]
                a = acts[li]
                below = [0.0] * len(a)
                for row, grow, j, d in zip(rows, grows, range(len(delta)), delta, strict=True):
                    gbs[j] += d
                    for k, (w, ak) in enumerate(zip(row, a, strict=True)):
                        grow[k] += d * ak
                        below[k] += d * w
                if li:
                    delta = [g * self._act_grad(h) for g, h in zip(below, a, strict=True)]
        self._adam(grads)
        return total * scale

    def _adam(self, grads: list) -> None:
        self.t += 1
        b1, b2, eps = 0.9, 0.999, 1e-8
        step = self.lr / (1 - b1**self.t)
        root2 = math.sqrt(1 - b2**self.t)
        for (rows, bs), (grows, gbs), (mrows, mbs), (vrows, vbs) in zip(
            self.layers, grads, self.m, self.v, strict=True
        ):
            for params, gs, ms, vs in [
                *zip(rows, grows, mrows, vrows, strict=True),
                (bs, gbs, mbs, vbs),
            ]:
                for k, g in enumerate(gs):
                    m = ms[k] = b1 * ms[k] + (1 - b1) * g
                    v = vs[k] = b2 * vs[k] + (1 - b2) * g * g
                    params[k] -= step * (m / (math.sqrt(v) / root2 + eps))


# ---------------------------------------------------------------- timing


def baseline_epoch(
    baseline: NoGraphMLP, train: data.Dataset, batch_size: int
) -> Callable[[], None]:
    rng = random.Random(0)

    def epoch() -> None:
        with rare_gc_passes():  # as nn.Trainer does, so both run under the same collector
            for batch in data.batches(train, batch_size, rng=rng):
                baseline.step(batch.xs, batch.ys)

    return epoch


def phases(model: nn.MLP, batch: data.Dataset, repeats: int) -> tuple[float, float, float]:
    """Median seconds of one digits step's forward (graph building), backward and Adam update."""
    optimizer = nn.Adam(model.parameters(), lr=0.01)
    fwd, bwd, upd = [], [], []
    with rare_gc_passes():
        timed_steps(model, optimizer, batch, repeats * 10, (fwd, bwd, upd))
    return statistics.median(fwd), statistics.median(bwd), statistics.median(upd)


def timed_steps(
    model: nn.MLP, optimizer: nn.Adam, batch: data.Dataset, n: int, times: tuple[list, ...]
) -> None:
    fwd, bwd, upd = times
    for _ in range(n):
        t0 = time.perf_counter()
        loss = nn.batch_mean(nn.cross_entropy, [model(x) for x in batch.xs], batch.ys)
        t1 = time.perf_counter()
        optimizer.zero_grad()
        loss.backward()
        t2 = time.perf_counter()
        optimizer.step()
        t3 = time.perf_counter()
        fwd.append(t1 - t0)
        bwd.append(t2 - t1)
        upd.append(t3 - t2)
        del loss


def check_same_work(model: nn.MLP, activation: str, loss: str, batch: data.Dataset) -> None:
    """One step of each from the same weights must give the same weights: same work timed."""
    baseline = NoGraphMLP(model, activation, loss, 0.01)
    baseline.step(batch.xs, batch.ys)
    trainer = nn.Trainer(model, loss, nn.Adam(model.parameters(), lr=0.01), batch_size=None,
                         shuffle=False, progress=False)  # fmt: skip
    trainer.step(batch)
    ours = [p.data for p in model.parameters()]
    theirs = [v for rows, bs in baseline.layers for row, b in zip(rows, bs, strict=True)
              for v in (*row, b)]  # fmt: skip
    worst = max(abs(a - b) for a, b in zip(ours, theirs, strict=True))
    if worst > 1e-9:
        raise AssertionError(f"baseline and chainrule disagree after one step (by {worst:g})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rows: list[tuple[str, str, str, str]] = []

    # digits: one epoch of 1,500 images
    train, _ = data.split(data.digits(), 297, seed=0)
    check_same_work(
        nn.MLP(64, [16, 16, 10], seed=1), "tanh", "cross_entropy", train.subset(range(32))
    )
    check_same_work(nn.MLP(2, [16, 16, 1], "relu", seed=1), "relu", "hinge", data.moons(100))
    model = nn.MLP(64, [16, 16, 10], activation="tanh", seed=0)
    base = median_time(
        baseline_epoch(NoGraphMLP(model, "tanh", "cross_entropy", 0.01), train, 32), args.repeats
    )
    trainer = nn.Trainer(model, "cross_entropy", nn.Adam(model.parameters(), lr=0.01),
                         batch_size=32, progress=False)  # fmt: skip
    ours = median_time(lambda: trainer.fit(train, 1), args.repeats)
    rows.append(("digits epoch (1,500 images,", "no-graph baseline", f"{base:.2f} s", "1.00x"))
    rows.append(("  64-16-16-10, batch 32, Adam)", "chainrule nn.Trainer", f"{ours:.2f} s",
                 f"{ours / base:.2f}x   target < 2 s"))  # fmt: skip
    fwd, bwd, upd = phases(model, train.subset(range(32)), args.repeats)
    step = fwd + bwd + upd
    for name, t in (("forward + loss", fwd), ("backward", bwd), ("Adam update", upd)):
        rows.append(("", f"  per step: {name}", f"{t * 1e3:.1f} ms", f"{t / step:.0%} of a step"))

    # moons: one full-batch step on 100 points
    moons = data.moons(100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
    baseline = NoGraphMLP(model, "relu", "hinge", 0.05)
    with rare_gc_passes():
        base = median_time(lambda: baseline.step(moons.xs, moons.ys), args.repeats * 10)
    trainer = nn.Trainer(model, "hinge", nn.Adam(model.parameters(), lr=0.05), batch_size=None,
                         progress=False)  # fmt: skip
    ours = median_time(lambda: trainer.fit(moons, 1), args.repeats * 10)
    rows.append(("moons step (100 points,", "no-graph baseline", f"{base * 1e3:.1f} ms", "1.00x"))
    rows.append(("  2-16-16-1, full batch, Adam)", "chainrule nn.Trainer", f"{ours * 1e3:.1f} ms",
                 f"{ours / base:.2f}x"))  # fmt: skip

    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    print(f"Python {sys.version.split()[0]}, medians of {args.repeats}+ runs"
          f" (autograd {autograd.__version__})")  # fmt: skip
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())


if __name__ == "__main__":
    main()
