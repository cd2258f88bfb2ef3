"""chainrule against the same model in PyTorch (`nn.to_torch`): seconds per digits epoch and per
GPT training step, in the same run.

Run: ``python benchmarks/pytorch.py`` (needs the ``torch`` and ``data`` extras). Prints medians.
PyTorch runs in float64 on one thread, as chainrule runs on one core; both train from the same
weights on the same batches, and the script refuses to time them unless their weights still agree
after the first repeat (so both did the same work).

- digits: 64-16-16-10 tanh MLP, softmax cross-entropy, mini-batches of 32, Adam (lr 0.01); one
  epoch is 1,500 training images (47 steps). PyTorch takes each batch as one 32 x 64 matrix.
- gpt: one step (forward, loss, backward, Adam) of the names GPT (n_embd 16, 4 heads, 1 layer)
  on "isabella".
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import median_time

import nn
from autograd.collector import rare_gc_passes
from nn import data
from nn.data import CharVocab
from nn.interop import torch_missing
from nn.names_gpt import GPTConfig, name_loss

AGREE = 1e-9  # largest weight difference allowed after the first repeat


def weights_of(module: Any) -> list[float]:
    return [w for p in module.parameters() for w in p.detach().flatten().tolist()]


def check_same_path(model: nn.Module, module: Any, what: str) -> None:
    gap = max(abs(a - p.data) for a, p in zip(weights_of(module), model.parameters()))
    if gap > AGREE:
        raise SystemExit(f"{what}: the engines' weights differ by {gap:.1e}; not timing them")


def digits_epochs(
    torch: Any, F: Any
) -> tuple[Callable[[], None], Callable[[], None], Callable[[], None]]:
    """(a chainrule epoch, a PyTorch epoch, the check that both trained alike)."""
    train, _ = data.split(data.digits(), 297, seed=0)
    model = nn.MLP(64, [16, 16, 10], activation="tanh", seed=0)
    module = nn.to_torch(model)
    opt = nn.Adam(model.parameters(), lr=0.01)
    topt = torch.optim.Adam(module.parameters(), lr=0.01)
    ours, theirs = random.Random(0), random.Random(0)

    @rare_gc_passes()
    def chainrule_epoch() -> None:
        for batch in data.batches(train, 32, rng=ours):
            loss = nn.batch_mean(nn.cross_entropy, [model(x) for x in batch.xs], batch.ys)
            opt.zero_grad()
            loss.backward()
            opt.step()

    def torch_epoch() -> None:
        for batch in data.batches(train, 32, rng=theirs):
            x = torch.tensor(batch.xs, dtype=torch.float64)
            loss = F.cross_entropy(module(x), torch.tensor(batch.ys))
            topt.zero_grad()
            loss.backward()
            topt.step()

    return chainrule_epoch, torch_epoch, lambda: check_same_path(model, module, "digits")


def gpt_steps(
    torch: Any, F: Any
) -> tuple[Callable[[], None], Callable[[], None], Callable[[], None]]:
    """(a chainrule GPT step, a PyTorch one, the check that both trained alike)."""
    config = GPTConfig()
    vocab = CharVocab(data.names())
    model = nn.GPT(
        len(vocab), config.block_size, config.n_embd, config.n_head, config.n_layer, seed=0
    )
    module = nn.to_torch(model)
    tokens = vocab.encode("isabella")
    opt = nn.Adam(model.parameters(), lr=config.lr, betas=config.betas)
    topt = torch.optim.Adam(module.parameters(), lr=config.lr, betas=config.betas)
    inputs = torch.tensor(tokens[:-1])
    targets = torch.tensor(tokens[1:])

    @rare_gc_passes()
    def chainrule_step() -> None:
        loss = name_loss(model, tokens)
        opt.zero_grad()
        loss.backward()
        opt.step()

    def torch_step() -> None:
        loss = F.cross_entropy(module(inputs), targets)
        topt.zero_grad()
        loss.backward()
        topt.step()

    return chainrule_step, torch_step, lambda: check_same_path(model, module, "gpt")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="epochs / steps per median")
    args = parser.parse_args()
    why = torch_missing()
    if why:
        raise SystemExit(why)
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(1)
    rows = []
    for name, make, unit, repeats in (
        ("digits epoch (47 steps of 32)", digits_epochs, "s", args.repeats),
        ("GPT step on 'isabella'", gpt_steps, "ms", 4 * args.repeats),
    ):
        ours, theirs, check = make(torch, F)
        ours()
        theirs()
        check()  # after the first (warm-up) repeat: the same start, batches and updates
        scale = 1.0 if unit == "s" else 1000.0
        a = median_time(ours, repeats) * scale
        b = median_time(theirs, repeats) * scale
        rows.append((name, f"{a:.3g} {unit}", f"{b:.3g} {unit}", f"{a / b:.1f}x"))
    print(
        f"PyTorch {torch.__version__}, float64, 1 thread; medians of {args.repeats} (GPT: {4 * args.repeats})"
    )
    print("| benchmark | chainrule | PyTorch (`nn.to_torch`) | chainrule / PyTorch |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
