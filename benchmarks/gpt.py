"""GPT benchmark: one training step (forward, loss, backward, Adam) of the microgpt-sized model.

Run: ``python benchmarks/gpt.py`` (needs the ``data`` extra for the full demo run). The baseline
is the same model on the same weights written the way a micrograd-style engine must write it:
every multiply and every add its own node (``sum(w * x for ...)``), timed in the same process
with chainrule's own `Value`, so the difference is the graph's shape alone. Both compute the same
gradients (checked before timing). Target: the fused model at least 8x faster per step. Then the
whole 1,000-step ``chainrule demo gpt`` training run is timed once.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import median_time

import autograd
from autograd import Value
from nn.attention import GPT
from nn.data import CharVocab
from nn.names_gpt import GPTConfig, name_loss, train_names
from nn.optim import Adam

Vector = list[Value]

# ---------------------------------------------------------------- micrograd-style baseline


def linear(rows: Sequence[Sequence[Value]], x: Sequence[Value]) -> Vector:
    return [sum(w * xi for w, xi in zip(row, x, strict=True)) for row in rows]  # type: ignore[misc]


def rmsnorm(x: Sequence[Value]) -> Vector:
    mean_square = sum(xi * xi for xi in x) / len(x)
    scale = (mean_square + 1e-5) ** -0.5
    return [xi * scale for xi in x]


def softmax(logits: Sequence[Value]) -> Vector:
    top = max(v.data for v in logits)
    exps = [(v - top).exp() for v in logits]
    total = sum(exps)
    return [e / total for e in exps]


def unfused_logits(model: GPT, tokens: Sequence[int]) -> list[Vector]:
    """The same equations as `GPT.__call__`, one node per multiply and per add."""
    n, heads = model.n_embd, model.n_head
    hd = n // heads
    keys: list[list[Vector]] = [[] for _ in model.blocks]
    values: list[list[Vector]] = [[] for _ in model.blocks]
    out = []
    for t, tok in enumerate(tokens):
        x = rmsnorm([a + b for a, b in zip(model.wte.weight[tok], model.wpe.weight[t])])
        for i, block in enumerate(model.blocks):
            a = block.attn
            h = rmsnorm(x)
            q, k, v = linear(a.wq, h), linear(a.wk, h), linear(a.wv, h)
            keys[i].append(k)
            values[i].append(v)
            concat: Vector = []
            for head in range(heads):
                cols = range(head * hd, (head + 1) * hd)
                scores = [sum(q[j] * ks[j] for j in cols) / hd**0.5 for ks in keys[i]]
                probs = softmax(scores)
                concat += [sum(p * vs[j] for p, vs in zip(probs, values[i])) for j in cols]
            x = [xi + oi for xi, oi in zip(x, linear(a.wo, concat))]
            hidden = [u.relu() for u in linear(block.mlp.fc1, rmsnorm(x))]
            x = [xi + mi for xi, mi in zip(x, linear(block.mlp.fc2, hidden))]
        out.append(linear(model.lm_head, x))
    return out


def unfused_loss(model: GPT, tokens: Sequence[int]) -> Value:
    n = min(model.block_size, len(tokens) - 1)
    logits = unfused_logits(model, tokens[:n])
    losses = [-softmax(z)[y].log() for z, y in zip(logits, tokens[1 : n + 1])]
    return sum(losses) * (1.0 / n)  # type: ignore[no-any-return]


# ---------------------------------------------------------------- one training step each


Loss = Callable[[GPT, Sequence[int]], Value]


def train_step(model: GPT, opt: Adam, loss_fn: Loss, tokens: Sequence[int]) -> Value:
    loss = loss_fn(model, tokens)
    for p in opt.params:
        p.grad = 0.0
    loss.backward()
    opt.step()
    return loss


def check_same_gradients(model: GPT, tokens: Sequence[int]) -> float:
    """Largest gradient difference between the two models; AssertionError above 1e-9, since
    the timings would then compare different work."""
    grads = []
    for loss_fn in (name_loss, unfused_loss):
        model.zero_grad()
        loss_fn(model, tokens).backward()
        grads.append([p.grad for p in model.parameters()])
    model.zero_grad()
    worst = max(abs(a - b) for a, b in zip(*grads, strict=True))
    if worst > 1e-9:
        raise AssertionError(f"fused and micrograd-style gradients disagree (by {worst:g})")
    return worst


def count_nodes(loss: Value) -> tuple[int, int]:
    """(nodes, edges) of the graph behind ``loss``."""
    nodes = autograd.topological_order(loss)
    return len(nodes), sum(len(v.parents) for v in nodes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--name", default="isabella", help="the name one step trains on")
    parser.add_argument("--demo-steps", type=int, default=1000, help="0 skips the demo run")
    args = parser.parse_args()
    config = GPTConfig()
    vocab = CharVocab("abcdefghijklmnopqrstuvwxyz")
    tokens = vocab.encode(args.name)
    model = GPT(len(vocab), config.block_size, config.n_embd, config.n_head, seed=0)
    error = check_same_gradients(model, tokens)
    gc.enable()

    results = []
    for label, loss_fn in (
        ("chainrule nn.GPT (fused dot/sum nodes)", name_loss),
        ("micrograd-style (a node per * and +)", unfused_loss),
    ):
        opt = Adam(model.parameters(), lr=config.lr, betas=config.betas)
        nodes, edges = count_nodes(loss_fn(model, tokens))
        step = lambda f=loss_fn, o=opt: train_step(model, o, f, tokens)  # noqa: E731
        step()  # warm-up
        results.append((label, median_time(step, args.repeats), nodes, edges))
    fused = results[0][1]

    print(
        f"Python {sys.version.split()[0]}: one training step on {args.name!r} "
        f"({len(tokens) - 1} positions), n_embd {config.n_embd}, {config.n_head} heads, "
        f"1 layer, medians of {args.repeats}"
    )
    width = max(len(r[0]) for r in results)
    for label, seconds, nodes, edges in results:
        print(
            f"{label.ljust(width)}  {seconds * 1e3:7.2f} ms  {seconds / fused:5.1f}x  "
            f"{nodes:>6,} nodes  {edges:>6,} edges"
        )
    ratio = results[1][1] / fused
    verdict = "met" if ratio >= 8 else "NOT met"
    print(f"fused is {ratio:.1f}x faster (target 8x: {verdict}; max |grad diff| {error:.1e})")

    if args.demo_steps:
        start = time.perf_counter()
        run = train_names(GPTConfig(steps=args.demo_steps))
        seconds = time.perf_counter() - start
        tail = run.losses[-100:]
        print(
            f"demo training, {args.demo_steps} steps of one name: {seconds:.1f} s "
            f"({seconds / args.demo_steps * 1e3:.1f} ms a step; mean loss of the last "
            f"{len(tail)} steps {sum(tail) / len(tail):.3f})"
        )


if __name__ == "__main__":
    main()
