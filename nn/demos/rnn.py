"""``chainrule demo rnn``: an LSTM learns our tiny grammar one character at a time, then writes.

Registered with `nn.demos.registry.demo`; the command line prints the summary and writes the
loss curve.
"""

from __future__ import annotations

from nn import plots
from nn.demos.registry import DemoOptions, DemoResult, demo
from nn.progress import training_progress
from nn.rnn_tasks import sample, train_char_model
from nn.text import WORDS, entropy_per_char, grammar_text, is_grammatical

__all__ = ["rnn_demo"]

SENTENCES = 200
CHUNK = 25


@demo("rnn", "a character-level LSTM (hidden 24) learns a tiny grammar with truncated BPTT")
def rnn_demo(options: DemoOptions) -> DemoResult:
    text = grammar_text(SENTENCES, seed=options.seed)
    epochs = options.epochs or 3
    updates = epochs * (len(text) // CHUNK)
    with training_progress(updates, options.progress, unit="update") as callback:
        result = train_char_model(
            text,
            cell="lstm",
            nhidden=24,
            chunk=CHUNK,
            updates=updates,
            lr=0.01,
            seed=options.seed,
            progress=callback,
        )
    floor = entropy_per_char()
    sampled = sample(result.model, result.vocab, 400, temperature=0.7, seed=options.seed)
    lines = [line for line in sampled.split("\n")[:-1] if line]
    words = sampled.replace(".", " ").split()
    real = sum(w in WORDS for w in words) / max(1, len(words))
    summary = [
        f"{len(text):,} characters of grammar text, {len(result.vocab)} distinct; "
        f"{updates} updates of {CHUNK} characters ({epochs} pass{'es' if epochs > 1 else ''})",
        f"held-out loss {result.test_loss:.3f} nats/char (uniform guessing "
        f"{result.uniform_loss:.3f}, the grammar's entropy {floor:.3f})",
        "sampled at temperature 0.7 (+ = a grammatical sentence):",
        *[f"  {'+' if is_grammatical(line) else ' '} {line}" for line in lines[:12]],
        f"{real:.0%} of sampled words are real words; "
        f"{sum(map(is_grammatical, lines))} of {len(lines)} lines are grammatical",
    ]
    history = {"loss": result.history}
    figures = {
        "rnn-loss.svg": lambda: plots.plot_loss_curves(
            {"training (per chunk)": result.history},
            smooth=20,
            references={"uniform ln(vocab)": result.uniform_loss, "grammar entropy": floor},
            title="character model: cross-entropy per character",
        ),
    }
    return DemoResult(summary, history, figures)
