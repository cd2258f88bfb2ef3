"""Causal self-attention and a small GPT (token and position embeddings, RMSNorm, multi-head
attention, a ReLU MLP) on scalar `Value`s.

Every matrix-vector product is one fused `dot` node per output row, every attention score one
`dot` node, every softmax one `sum` node for its denominator and every weighted sum of value
vectors one `dot` node with the attention weights as Values. A weight matrix is a list of rows,
one row per output (PyTorch's ``Linear.weight`` layout); there are no biases.

The model, for tokens ``tok_0 .. tok_{T-1}``::

    x_t = rmsnorm(wte(tok_t) + wpe(t))
    per block:  x = x + attn(rmsnorm(x));  x = x + fc2(relu(fc1(rmsnorm(x))))
    logits_t = lm_head(x_t)
"""

from __future__ import annotations

import inspect
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import autograd
from autograd import Value
from nn.checks import check_count, check_index, check_real
from nn.layers import make_rng
from nn.losses import softmax
from nn.module import Module
from nn.sampling import check_temperature, sample_index

__all__ = [
    "INIT_STD",
    "MLP_RATIO",
    "RMS_EPS",
    "CausalSelfAttention",
    "Embedding",
    "FeedForward",
    "GPT",
    "KVCache",
    "Matrix",
    "TransformerBlock",
    "rmsnorm",
]

INIT_STD = 0.08
"""Every weight starts as a draw from N(0, INIT_STD^2) (microgpt's choice for this size)."""

MLP_RATIO = 4
"""A block's MLP has MLP_RATIO times as many hidden units as the model's width (as in GPT-2)."""

RMS_EPS = 1e-5
"""What `rmsnorm` adds to the mean square before the square root (PyTorch's RMSNorm takes it too)."""

Vector = list[Value]


def _heads(name: str, dim: object, n_head: object) -> tuple[int, int]:
    """(width, heads), checked: the width splits evenly into the heads."""
    width, heads = check_count(name, dim), check_count("n_head", n_head)
    if width % heads:
        raise ValueError(f"{name} {width} must be a multiple of n_head {heads}")
    return width, heads


def _gauss_rows(rows: int, cols: int, gen: random.Random) -> list[list[Value]]:
    return [[Value(gen.gauss(0.0, INIT_STD)) for _ in range(cols)] for _ in range(rows)]


class Matrix(list[list[Value]]):
    """A weight matrix: a list of rows of Values, one row per output. Calling it on a vector is
    the matrix-vector product, one fused `dot` node per row."""

    def __call__(self, xs: Sequence[Value]) -> list[Value]:
        return autograd.dots(self, xs)

    @property
    def weight(self) -> Matrix:
        """The matrix itself (the name PyTorch's ``Linear`` gives its weights)."""
        return self

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) = (outputs, inputs)."""
        return len(self), len(self[0]) if self else 0

    @classmethod
    def gaussian(cls, rows: int, cols: int, gen: random.Random) -> Matrix:
        """``rows`` x ``cols`` weights drawn from N(0, INIT_STD^2)."""
        return cls(_gauss_rows(rows, cols, gen))


def add(xs: Sequence[Value], ys: Sequence[Value]) -> list[Value]:
    """Element-wise ``xs + ys`` (a residual connection)."""
    return [x + y for x, y in zip(xs, ys, strict=True)]


def rmsnorm(xs: Sequence[Value], eps: float = RMS_EPS) -> list[Value]:
    """``x_i / sqrt(mean(x^2) + eps)``, with no learned gain: one dot node for the sum of
    squares, then one scale shared by every element."""
    if not xs:
        raise ValueError("rmsnorm: got an empty vector")
    eps = check_real("rmsnorm: eps", eps)
    xs = list(xs)
    scale = (autograd.dot(xs, xs) * (1.0 / len(xs)) + eps) ** -0.5
    return [x * scale for x in xs]


def attention_softmax(scores: list[Value], scale: float) -> list[Value]:
    """``softmax(scores * scale)``: the scaled scores' maximum is subtracted before ``exp``, and
    the exponentials are divided by their sum (one `sum` node)."""
    scaled = [s * scale for s in scores]
    data = [s.data for s in scaled]
    if not math.isfinite(sum(data)):  # nan or inf among them: softmax names the problem
        return softmax(scaled)
    top = max(data)
    exps = [(s - top).exp() for s in scaled]
    total = autograd.sum(exps)
    return [e / total for e in exps]


class Embedding(Module):
    """A lookup table of ``num`` vectors of ``dim`` learned numbers: ``emb(i)`` is row i of
    ``emb.weight``."""

    def __init__(
        self, num: int, dim: int, seed: int | None = None, *, rng: random.Random | None = None
    ) -> None:
        self.num = check_count("num", num)
        self.dim = check_count("dim", dim)
        self.check_size(self.config())
        self.weight = _gauss_rows(self.num, self.dim, make_rng(seed, rng))

    def __call__(self, i: int) -> list[Value]:
        return list(self.weight[self.check_index(i)])

    def check_index(self, i: object, what: str = "Embedding index") -> int:
        """``i`` as a row index; TypeError for a non-integer, ValueError outside 0..num-1."""
        return check_index(what, i, self.num)

    def config(self) -> dict[str, Any]:
        return {"num": self.num, "dim": self.dim}

    @classmethod
    def count_parameters(cls, config: dict[str, Any]) -> int:
        return check_count("num", config["num"]) * check_count("dim", config["dim"])

    @classmethod
    def state_layout(cls, config: dict[str, Any]) -> Iterator[tuple[str, int]]:
        yield "weight", cls.count_parameters(config)

    def __repr__(self) -> str:
        return f"Embedding({self.num}, {self.dim})"


@dataclass
class KVCache:
    """The keys and values an attention layer has seen so far, split by head:
    ``keys[h][s]`` is head h's key vector at position s."""

    keys: list[list[Vector]] = field(default_factory=list)
    values: list[list[Vector]] = field(default_factory=list)
    columns: list[list[Vector]] = field(default_factory=list)
    """The same values by component: ``columns[h][j][s]`` is ``values[h][s][j]``, so a weighted
    sum of the value vectors is one `autograd.dots` call (filled in from ``values`` if empty)."""

    def value_columns(self, head_dim: int) -> list[list[Vector]]:
        """``columns``, first built from ``values`` if they do not match it."""
        if len(self.columns) != len(self.values) or any(
            len(cols) != head_dim or (cols and len(cols[0]) != len(vs))
            for cols, vs in zip(self.columns, self.values)
        ):
            self.columns = [[[v[j] for v in vs] for j in range(head_dim)] for vs in self.values]
        return self.columns

    def __len__(self) -> int:
        return len(self.keys[0]) if self.keys else 0


class CausalSelfAttention(Module):
    """Multi-head attention where position t looks at positions s <= t.

    Per head, ``softmax(q_t . k_s / sqrt(head_dim))`` over s <= t weighs the value vectors
    ``v_s``; the heads' outputs are concatenated in order and mixed by ``wo``. The last call's
    attention weights are kept as floats in ``attention_weights[head][t][s]``.
    """

    def __init__(
        self,
        dim: int,
        n_head: int,
        seed: int | None = None,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self.dim, self.n_head = _heads("dim", dim, n_head)
        self.check_size(self.config())
        gen = make_rng(seed, rng)
        self.wq = Matrix.gaussian(self.dim, self.dim, gen)
        self.wk = Matrix.gaussian(self.dim, self.dim, gen)
        self.wv = Matrix.gaussian(self.dim, self.dim, gen)
        self.wo = Matrix.gaussian(self.dim, self.dim, gen)
        self._weights: list[list[list[float]]] = []

    @property
    def head_dim(self) -> int:
        return self.dim // self.n_head

    @property
    def attention_weights(self) -> list[list[list[float]]]:
        """The last call's softmax weights: ``[head][t][s]`` for s <= t (rows sum to 1)."""
        return self._weights

    def __call__(self, xs: Sequence[Sequence[Value]]) -> list[list[Value]]:
        cache = self.new_cache()
        weights: list[list[list[float]]] = [[] for _ in range(self.n_head)]
        outs = []
        for x in xs:
            out, step_weights = self.step(x, cache)
            outs.append(out)
            for h, row in enumerate(step_weights):
                weights[h].append(row)
        self._weights = weights
        return outs

    def new_cache(self) -> KVCache:
        return KVCache([[] for _ in range(self.n_head)], [[] for _ in range(self.n_head)])

    def step(self, x: Sequence[Value], cache: KVCache) -> tuple[list[Value], list[list[float]]]:
        """The output at the next position: its key and value join ``cache``, its query attends
        over everything in the cache. Also returns that position's weights per head."""
        if len(x) != self.dim:
            raise ValueError(f"CausalSelfAttention expects vectors of {self.dim}, got {len(x)}")
        x = list(x)
        d, hd = self.dim, self.head_dim
        qkv = autograd.dots([*self.wq, *self.wk, *self.wv], x)
        scale = 1.0 / math.sqrt(hd)
        columns = cache.value_columns(hd)
        heads: list[Value] = []
        weights = []
        for h in range(self.n_head):
            lo, hi = h * hd, (h + 1) * hd
            keys = cache.keys[h]
            keys.append(qkv[d + lo : d + hi])
            v = qkv[2 * d + lo : 2 * d + hi]
            cache.values[h].append(v)
            for column, vj in zip(columns[h], v, strict=True):
                column.append(vj)
            probs = attention_softmax(autograd.dots(keys, qkv[lo:hi]), scale)
            heads += autograd.dots(columns[h], probs)
            weights.append([p.data for p in probs])
        return autograd.dots(self.wo, heads), weights

    def config(self) -> dict[str, Any]:
        return {"dim": self.dim, "n_head": self.n_head}

    @classmethod
    def count_parameters(cls, config: dict[str, Any]) -> int:
        dim, _ = _heads("dim", config["dim"], config["n_head"])
        return 4 * dim * dim

    @classmethod
    def state_layout(cls, config: dict[str, Any]) -> Iterator[tuple[str, int]]:
        dim, _ = _heads("dim", config["dim"], config["n_head"])
        for name in ("wq", "wk", "wv", "wo"):
            yield name, dim * dim

    def __repr__(self) -> str:
        return f"CausalSelfAttention({self.dim}, {self.n_head})"


class FeedForward(Module):
    """``fc2(relu(fc1(x)))`` with ``fc1`` (hidden x dim) and ``fc2`` (dim x hidden)."""

    def __init__(
        self,
        dim: int,
        hidden: int,
        seed: int | None = None,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self.dim = check_count("dim", dim)
        self.hidden = check_count("hidden", hidden)
        self.check_size(self.config())
        gen = make_rng(seed, rng)
        self.fc1 = Matrix.gaussian(self.hidden, self.dim, gen)
        self.fc2 = Matrix.gaussian(self.dim, self.hidden, gen)

    def __call__(self, x: Sequence[Value]) -> list[Value]:
        # A hidden unit the ReLU switches off is exactly 0: its products add exactly 0 to fc2's
        # sums and pass exactly 0 back, so fc2's dot nodes leave it out (unit, relu, weights).
        # (Only an inf or nan fc2 weight would tell: 0 * inf is nan in the full graph.)
        pre = autograd.dots(self.fc1, x)
        on = [i for i, h in enumerate(pre) if not h.data <= 0.0]  # nan stays in, as relu keeps it
        if len(on) == len(pre):
            return autograd.dots(self.fc2, [h.relu() for h in pre])
        if len(on) < 2:  # itemgetter of one index gives an item, not a tuple
            rows: list[Sequence[Value]] = [[row[i] for i in on] for row in self.fc2]
        else:
            pick = itemgetter(*on)
            rows = [pick(row) for row in self.fc2]
        return autograd.dots(rows, [pre[i].relu() for i in on])

    def config(self) -> dict[str, Any]:
        return {"dim": self.dim, "hidden": self.hidden}

    @classmethod
    def count_parameters(cls, config: dict[str, Any]) -> int:
        return 2 * check_count("dim", config["dim"]) * check_count("hidden", config["hidden"])

    @classmethod
    def state_layout(cls, config: dict[str, Any]) -> Iterator[tuple[str, int]]:
        size = check_count("dim", config["dim"]) * check_count("hidden", config["hidden"])
        yield "fc1", size
        yield "fc2", size

    def __repr__(self) -> str:
        return f"FeedForward({self.dim}, {self.hidden})"


class TransformerBlock(Module):
    """``x = x + attn(rmsnorm(x))``, then ``x = x + mlp(rmsnorm(x))`` (an MLP `MLP_RATIO` times
    as wide as the model)."""

    def __init__(
        self,
        dim: int,
        n_head: int,
        seed: int | None = None,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self.check_size({"dim": dim, "n_head": n_head})  # before either part is built
        gen = make_rng(seed, rng)
        self.attn = CausalSelfAttention(dim, n_head, rng=gen)
        self.mlp = FeedForward(dim, MLP_RATIO * self.attn.dim, rng=gen)

    def __call__(self, xs: Sequence[Sequence[Value]]) -> list[list[Value]]:
        attended = self.attn([rmsnorm(x) for x in xs])
        xs = [add(x, a) for x, a in zip(xs, attended, strict=True)]
        return [add(x, self.mlp(rmsnorm(x))) for x in xs]

    def step(self, x: Sequence[Value], cache: KVCache) -> list[Value]:
        """The block at the next position only, reading earlier positions from ``cache``."""
        x = add(x, self.attn.step(rmsnorm(x), cache)[0])
        return add(x, self.mlp(rmsnorm(x)))

    def config(self) -> dict[str, Any]:
        return {"dim": self.attn.dim, "n_head": self.attn.n_head}

    @classmethod
    def count_parameters(cls, config: dict[str, Any]) -> int:
        dim = check_count("dim", config["dim"])
        attn = CausalSelfAttention.count_parameters({"dim": dim, "n_head": config["n_head"]})
        return attn + FeedForward.count_parameters({"dim": dim, "hidden": MLP_RATIO * dim})

    @classmethod
    def state_layout(cls, config: dict[str, Any]) -> Iterator[tuple[str, int]]:
        dim = check_count("dim", config["dim"])
        for name, n in CausalSelfAttention.state_layout({"dim": dim, "n_head": config["n_head"]}):
            yield f"attn.{name}", n
        for name, n in FeedForward.state_layout({"dim": dim, "hidden": MLP_RATIO * dim}):
            yield f"mlp.{name}", n

    def __repr__(self) -> str:
        return f"TransformerBlock({self.attn.dim}, {self.attn.n_head})"


class GPT(Module):
    """A decoder-only transformer over ``vocab_size`` tokens and up to ``block_size`` positions:
    ``gpt(tokens)`` gives each position's logits for the next token."""

    def __init__(
        self,
        vocab_size: int,
        block_size: int,
        n_embd: int = 16,
        n_head: int = 4,
        n_layer: int = 1,
        seed: int | None = None,
    ) -> None:
        self.vocab_size = check_count("vocab_size", vocab_size)
        self.block_size = check_count("block_size", block_size)
        self.n_embd, self.n_head = _heads("n_embd", n_embd, n_head)
        self.n_layer = check_count("n_layer", n_layer)
        self.check_size(self.config())
        gen = make_rng(seed)
        self.wte = Embedding(self.vocab_size, self.n_embd, rng=gen)
        self.wpe = Embedding(self.block_size, self.n_embd, rng=gen)
        self.blocks = [
            TransformerBlock(self.n_embd, self.n_head, rng=gen) for _ in range(self.n_layer)
        ]
        self.lm_head = Matrix.gaussian(self.vocab_size, self.n_embd, gen)

    def check_tokens(self, tokens: object, *, extra: int = 0) -> list[int]:
        """``tokens`` as a list of ints in the vocabulary, at most ``block_size - extra`` long."""
        if isinstance(tokens, (str, bytes)) or not isinstance(tokens, Sequence):
            raise TypeError(f"GPT expects a list of token ids, got {type(tokens).__name__}")
        if not tokens:
            raise ValueError("GPT needs at least one token")
        if len(tokens) + extra > self.block_size:
            more = f" (and {extra} more to generate)" if extra else ""
            raise ValueError(
                f"{len(tokens)} tokens{more} do not fit in block_size {self.block_size}"
            )
        return [
            self.wte.check_index(tok, f"token {t} (in the vocabulary)")
            for t, tok in enumerate(tokens)
        ]

    def embed(self, token: int, position: int) -> list[Value]:
        """``rmsnorm(wte(token) + wpe(position))``: what the first block reads."""
        return rmsnorm(add(self.wte.weight[token], self.wpe.weight[position]))

    def __call__(self, tokens: Sequence[int]) -> list[list[Value]]:
        toks = self.check_tokens(tokens)
        xs = [self.embed(tok, t) for t, tok in enumerate(toks)]
        for block in self.blocks:
            xs = block(xs)
        return [autograd.dots(self.lm_head, x) for x in xs]

    def generate(
        self,
        prompt: Sequence[int],
        n: int,
        temperature: float = 1.0,
        seed: int | None = None,
        *,
        stop: int | None = None,
    ) -> list[int]:
        """``n`` new tokens sampled one at a time after ``prompt``, each drawn with
        ``random.Random(seed).choices`` from ``softmax(logits / temperature)``. Keys and values
        are cached, so each new token costs one position. With ``stop``, sampling ends early
        after that token (it is included). ValueError if prompt and tokens exceed block_size
        (the last sampled token takes no position)."""
        n = check_count("n", n, least=0)
        temperature = check_temperature(temperature)
        toks = self.check_tokens(prompt, extra=max(n - 1, 0))
        if stop is not None:
            stop = self.wte.check_index(stop, "stop token")
        gen = make_rng(seed)
        caches = [block.attn.new_cache() for block in self.blocks]
        out: list[int] = []
        with autograd.no_grad():
            for t, tok in enumerate(toks):
                logits = self.step(tok, t, caches)
            while len(out) < n:
                nxt = sample_index(logits, temperature, gen)
                out.append(nxt)
                if nxt == stop or len(out) == n:
                    break
                logits = self.step(nxt, len(toks) + len(out) - 1, caches)
        return out

    def step(self, token: int, position: int, caches: Sequence[KVCache]) -> list[Value]:
        """The logits at ``position`` for ``token``, given each block's cache of the earlier
        positions (which it extends)."""
        x = self.embed(token, position)
        for block, cache in zip(self.blocks, caches, strict=True):
            x = block.step(x, cache)
        return autograd.dots(self.lm_head, x)

    def config(self) -> dict[str, Any]:
        return {
            "vocab_size": self.vocab_size,
            "block_size": self.block_size,
            "n_embd": self.n_embd,
            "n_head": self.n_head,
            "n_layer": self.n_layer,
        }

    @classmethod
    def _sizes(cls, config: dict[str, Any]) -> tuple[int, int, int, int, int]:
        """(vocab_size, block_size, n_embd, n_head, n_layer) from ``config``, checked, with the
        constructor's own defaults for what it leaves out."""
        args = inspect.signature(cls).bind(**config)
        args.apply_defaults()
        a = args.arguments
        n_embd, n_head = _heads("n_embd", a["n_embd"], a["n_head"])
        return (
            check_count("vocab_size", a["vocab_size"]),
            check_count("block_size", a["block_size"]),
            n_embd,
            n_head,
            check_count("n_layer", a["n_layer"]),
        )

    @classmethod
    def count_parameters(cls, config: dict[str, Any]) -> int:
        vocab, block_size, n, n_head, n_layer = cls._sizes(config)
        block = TransformerBlock.count_parameters({"dim": n, "n_head": n_head})
        return (2 * vocab + block_size) * n + n_layer * block  # wte, lm_head, wpe; blocks

    @classmethod
    def state_layout(cls, config: dict[str, Any]) -> Iterator[tuple[str, int]]:
        vocab, block_size, n, n_head, n_layer = cls._sizes(config)
        yield "wte.weight", vocab * n
        yield "wpe.weight", block_size * n
        block = list(TransformerBlock.state_layout({"dim": n, "n_head": n_head}))
        for layer in range(n_layer):
            for name, size in block:
                yield f"blocks.{layer}.{name}", size
        yield "lm_head", vocab * n

    def __repr__(self) -> str:
        return (
            f"GPT(vocab_size={self.vocab_size}, block_size={self.block_size}, "
            f"n_embd={self.n_embd}, n_head={self.n_head}, n_layer={self.n_layer})"
        )
