"""A GPT the size of microgpt learning first names, one name per step: the training loop, the
per-name loss and sampling (the `gpt` demo, notebook 07 and the benchmark share them).

Each step reads one name wrapped in boundary tokens, ``.emma.``, and is scored on predicting every
next character.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import autograd
from autograd import Value
from autograd.collector import rare_gc_passes
from nn import data as datasets
from nn.attention import GPT
from nn.data import CharVocab
from nn.losses import cross_entropy
from nn.optim import Adam
from nn.progress import Progress

__all__ = [
    "GPTConfig",
    "NameWriter",
    "NamesRun",
    "mean_loss",
    "name_loss",
    "sample_names",
    "train_names",
]


@dataclass(frozen=True)
class GPTConfig:
    """microgpt's sizes and optimiser settings: the learning rate falls linearly to 0."""

    n_embd: int = 16
    n_head: int = 4
    n_layer: int = 1
    block_size: int = 16
    steps: int = 1000
    lr: float = 0.01
    betas: tuple[float, float] = (0.85, 0.99)


@dataclass
class NamesRun:
    """A trained model, its vocabulary, the loss of every step and the names it never saw."""

    model: GPT
    vocab: CharVocab
    losses: list[float]
    unseen: list[str] = field(default_factory=list)


def name_loss(model: GPT, tokens: Sequence[int]) -> Value:
    """Mean cross-entropy of predicting each next token of one encoded name (cut to the
    model's block size)."""
    n = min(model.block_size, len(tokens) - 1)
    logits = model(tokens[:n])
    losses = [cross_entropy(z, y) for z, y in zip(logits, tokens[1 : n + 1])]
    return autograd.sum(losses) * (1.0 / n)


@rare_gc_passes()
def train_names(
    config: GPTConfig = GPTConfig(),
    *,
    names: Sequence[str] | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> NamesRun:
    """Train a fresh GPT for ``config.steps`` steps of Adam, one shuffled name per step."""
    words = list(datasets.names() if names is None else names)
    random.Random(seed).shuffle(words)
    vocab = CharVocab(words)
    model = GPT(
        len(vocab), config.block_size, config.n_embd, config.n_head, config.n_layer, seed=seed
    )
    params = model.parameters()
    opt = Adam(params, lr=config.lr, betas=config.betas)
    losses = []
    for step in range(config.steps):
        loss = name_loss(model, vocab.encode(words[step % len(words)]))
        for p in params:
            p.grad = 0.0
        loss.backward()
        opt.lr = config.lr * (1.0 - step / config.steps)
        opt.step()
        losses.append(loss.data)
        if progress is not None:
            progress(step, loss.data)
    return NamesRun(model, vocab, losses, words[config.steps :])


class NameWriter(Protocol):
    """What `sample_names` samples from: a `GPT`, or the PyTorch module `nn.to_torch` makes of
    one (the same seed writes the same names)."""

    block_size: int

    def generate(
        self,
        prompt: Sequence[int],
        n: int,
        temperature: float = 1.0,
        seed: int | None = None,
        *,
        stop: int | None = None,
    ) -> list[int]: ...


def sample_names(
    model: NameWriter, vocab: CharVocab, n: int, *, temperature: float = 0.5, seed: int = 0
) -> list[str]:
    """``n`` names sampled from the model, each started and ended by the boundary token."""
    gen = random.Random(seed)
    out = []
    for _ in range(n):
        tokens = model.generate(
            [vocab.boundary],
            model.block_size,
            temperature,
            seed=gen.randrange(2**32),
            stop=vocab.boundary,
        )
        out.append(vocab.decode(tokens))
    return out


def mean_loss(model: GPT, vocab: CharVocab, words: Sequence[str]) -> float:
    """The average per-name loss over ``words``, without building a graph."""
    with autograd.no_grad():
        return math.fsum(name_loss(model, vocab.encode(w)).data for w in words) / len(words)
