"""``chainrule demo gpt``: a GPT the size of microgpt learns first names (`nn.names_gpt`)."""

from __future__ import annotations

import math

import autograd
from nn import data as datasets
from nn import plots
from nn.attention_plots import plot_attention
from nn.demos.registry import DemoOptions, DemoResult, demo
from nn.names_gpt import GPTConfig, mean_loss, sample_names, train_names
from nn.progress import training_progress

__all__ = ["gpt_demo"]


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
