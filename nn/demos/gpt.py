"""``chainrule demo gpt``: a GPT the size of microgpt learns first names, one name per step.

`train_names` is the training loop (the notebook and the benchmark use it too): each step reads
one name wrapped in boundary tokens, ``.emma.``, and is scored on predicting every next character.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

import autograd
from autograd import Value
from nn import data as datasets
from nn import plots
from nn.attention import GPT
from nn.attention_plots import plot_attention
from nn.data import CharVocab
from nn.demos.progress import Progress, training_progress
from nn.demos.registry import DemoOptions, DemoResult, demo
from nn.losses import cross_entropy
from nn.optim import Adam
from nn.train import rare_gc_passes

__all__ = [
    "GPTConfig",
    "NamesRun",
    "gpt_demo",
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


@rare_gc_passes()  # graphs are freed by reference counting; see nn.train
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


def sample_names(
    model: GPT, vocab: CharVocab, n: int, *, temperature: float = 0.5, seed: int = 0
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


@demo(
    "gpt",
    "a microgpt-sized GPT (n_embd 16, 4 heads, 1 layer) learns first names: 1,000 steps, "
    "one name each (--epochs sets the steps)",
)
def gpt_demo(options: DemoOptions) -> DemoResult:
    """``--epochs`` sets the number of training steps (one name each)."""
    config = GPTConfig(steps=options.epochs or GPTConfig.steps)
    with training_progress(config.steps, options.progress, loss_every=20) as callback:
        run = train_names(config, seed=options.seed, progress=callback)
    known = set(datasets.names())
    uniform = math.log(len(run.vocab))
    window = max(1, config.steps // 10)
    falling = [
        f"  steps {i + 1:>4}-{min(i + window, config.steps):>4}: "
        f"{math.fsum(run.losses[i : i + window]) / len(run.losses[i : i + window]):.3f}"
        for i in range(0, config.steps, window)
    ]
    held_out = mean_loss(run.model, run.vocab, run.unseen[:200])
    samples = sample_names(run.model, run.vocab, 10, seed=options.seed)
    example = "emma"
    tokens = run.vocab.encode(example)[:-1]
    with autograd.no_grad():
        run.model(tokens)
    weights = run.model.blocks[0].attn.attention_weights
    labels = [run.vocab.chars[t] for t in tokens]
    summary = [
        f"{len(known):,} names, {len(run.vocab)} tokens (a-z and the boundary '.'); "
        f"{len(run.model.parameters()):,} parameters; {config.steps} steps of one name",
        f"mean loss per {window} steps (uniform guessing is ln {len(run.vocab)} = {uniform:.3f}):",
        *falling,
        f"loss on 200 names it never saw: {held_out:.3f} nats/char ({held_out / uniform:.0%} "
        "of uniform)",
        "ten sampled names (temperature 0.5, + = a real census name):",
        *[f"  {'+' if s in known else ' '} {s}" for s in samples],
    ]
    figures = {
        "gpt-loss.svg": lambda: plots.plot_loss_curves(
            {"training (per name)": run.losses},
            smooth=max(1, min(50, config.steps // 5)),
            references={"uniform ln(vocab)": uniform, "held-out names": held_out},
            xlabel="step",
            title="GPT on names: cross-entropy per character",
        ),
        "gpt-attention.svg": lambda: plot_attention(
            weights, labels, title=f"attention on '.{example}', after {config.steps} steps"
        ),
    }
    return DemoResult(summary, {"loss": run.losses, "test_loss": [held_out]}, figures)
