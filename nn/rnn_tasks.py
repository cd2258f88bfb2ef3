"""Three tasks that recurrent nets must learn, each with the short loop that trains it.

- `train_sine`: next-value prediction on a sine wave (many-to-many regression).
- `train_adding`: the adding problem (many-to-one): a memory task that needs BPTT, which an
  LSTM solves and a tanh RNN of the same size does not, on the same budget.
- `train_char_model`: a character-level language model on `nn.text`'s grammar, trained with
  truncated BPTT over chunks (the state is carried from chunk to chunk, detached); `sample`
  generates text from it.

Each loop is the same five lines: forward, loss, zero_grad, backward (BPTT), clip and step.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

import autograd
from autograd import Value
from autograd.collector import rare_gc_passes
from nn.checks import check_count
from nn.layers import make_rng
from nn.losses import cross_entropy, mse_loss
from nn.optim import Adam, clip_grad_norm
from nn.progress import Progress
from nn.recurrent import SequenceModel, State, detach_state
from nn.sampling import check_temperature, sample_index
from nn.text import Vocab, grammar_text

__all__ = [
    "ADDING_BASELINE_MSE",
    "AddingResult",
    "CharModelResult",
    "SineResult",
    "adding_problem",
    "char_loss",
    "sample",
    "sine_wave",
    "train_adding",
    "train_char_model",
    "train_sine",
]

# ---------------------------------------------------------------- sine wave


def sine_wave(steps: int, *, dt: float = 0.3, phase: float = 0.0) -> list[float]:
    """sin(phase + t * dt) for t = 0 .. steps - 1."""
    return [math.sin(phase + t * dt) for t in range(steps)]


@dataclass
class SineResult:
    model: SequenceModel
    history: list[float]  # training MSE per update
    mse_before: float  # on a held-out wave, before training
    mse_after: float  # on the same wave, after training


def _next_value_mse(model: SequenceModel, wave: list[float]) -> float:
    with autograd.no_grad():
        preds, _ = model([[v] for v in wave[:-1]])
        errors = [p[0].data - y for p, y in zip(preds, wave[1:], strict=True)]
        return math.fsum(e * e for e in errors) / len(errors)


@rare_gc_passes()
def train_sine(
    cell: str = "rnn",
    nhidden: int = 8,
    *,
    updates: int = 150,
    length: int = 30,
    lr: float = 0.01,
    seed: int = 0,
    progress: Progress | None = None,
) -> SineResult:
    """Predict x_{t+1} from x_1..x_t on windows of a sine wave with random phases (MSE)."""
    rng = random.Random(seed)
    model = SequenceModel(1, nhidden, 1, cell=cell, seed=seed)
    opt = Adam(model.parameters(), lr=lr)
    held_out = sine_wave(length + 1, phase=1.234)
    before = _next_value_mse(model, held_out)
    history = []
    for update in range(1, updates + 1):
        wave = sine_wave(length + 1, phase=rng.uniform(0, 2 * math.pi))
        preds, _ = model([[v] for v in wave[:-1]])
        loss = mse_loss([p[0] for p in preds], wave[1:])
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append(loss.data)
        if progress:
            progress(update, loss.data)
    return SineResult(model, history, before, _next_value_mse(model, held_out))


# ---------------------------------------------------------------- the adding problem


def adding_problem(length: int, rng: random.Random) -> tuple[list[list[float]], float]:
    """One sequence of the adding problem and its target.

    Each step is [a random number in [0, 1), a marker]; exactly two steps are marked, one in
    each half. The target, read out after the last step, is the sum of the two marked numbers:
    the net must notice and hold them across the steps in between, ignoring the rest. Always
    answering the mean, 1.0, scores an MSE of 1/6.
    """
    if length < 2:
        raise ValueError(f"adding_problem: length must be >= 2, got {length}")
    values = [rng.random() for _ in range(length)]
    first, second = rng.randrange(length // 2), rng.randrange(length // 2, length)
    xs = [[v, 1.0 if t in (first, second) else 0.0] for t, v in enumerate(values)]
    return xs, values[first] + values[second]


ADDING_BASELINE_MSE = 1.0 / 6.0
"""MSE of always answering 1.0 (the variance of a sum of two uniform numbers)."""


@dataclass
class AddingResult:
    model: SequenceModel
    history: list[float]  # training squared error per update (one sequence each)
    test_mse: float  # on 200 held-out sequences
    test_within_01: float  # fraction of held-out answers within 0.1 of the target
    baseline_mse: float = ADDING_BASELINE_MSE


@rare_gc_passes()
def train_adding(
    cell: str = "lstm",
    nhidden: int = 8,
    *,
    length: int = 10,
    updates: int = 1500,
    lr: float = 0.01,
    max_norm: float = 1.0,
    seed: int = 0,
    progress: Progress | None = None,
) -> AddingResult:
    """Train on fresh sequences of the adding problem, one per update (many-to-one)."""
    rng = random.Random(seed)
    model = SequenceModel(2, nhidden, 1, cell=cell, seed=seed)
    params = model.parameters()
    opt = Adam(params, lr=lr)
    history = []
    for update in range(1, updates + 1):
        xs, target = adding_problem(length, rng)
        y, _ = model.last(xs)
        loss = (y[0] - target) ** 2
        opt.zero_grad()
        loss.backward()
        clip_grad_norm(params, max_norm)
        opt.step()
        history.append(loss.data)
        if progress:
            progress(update, loss.data)
    test = random.Random(10_000 + seed)
    errors = []
    with autograd.no_grad():
        for _ in range(200):
            xs, target = adding_problem(length, test)
            errors.append(model.last(xs)[0][0].data - target)
    mse = math.fsum(e * e for e in errors) / len(errors)
    within = sum(abs(e) < 0.1 for e in errors) / len(errors)
    return AddingResult(model, history, mse, within)


# ---------------------------------------------------------------- character language model


@dataclass
class CharModelResult:
    model: SequenceModel
    vocab: Vocab
    history: list[float]  # mean cross-entropy per character, per update (one chunk)
    test_loss: float  # nats per character on held-out text
    uniform_loss: float  # ln(len(vocab)): a model that has learnt nothing
    grad_norms: list[list[float]] = field(default_factory=list)  # ||dL/dh_t|| of some chunks


def _check_chunk(chunk: object) -> int:
    return check_count("chunk", chunk)


def char_loss(model: SequenceModel, vocab: Vocab, text: str, chunk: int = 50) -> float:
    """Mean cross-entropy per character (nats) of predicting each next character of ``text``,
    read in ``chunk``-character pieces with the state carried from one into the next."""
    _check_chunk(chunk)
    ids = vocab.encode(text)
    if len(ids) < 2:
        raise ValueError(f"char_loss needs a text of at least 2 characters, got {len(ids)}")
    total, count = 0.0, 0
    state: State | None = None
    with autograd.no_grad():
        for start in range(0, len(ids) - 1, chunk):
            xs = [vocab.one_hot(i) for i in ids[start : start + chunk]]
            ys = ids[start + 1 : start + chunk + 1]
            logits, state = model(xs[: len(ys)], state)
            total += math.fsum(cross_entropy(z, y).data for z, y in zip(logits, ys, strict=True))
            count += len(ys)
    return total / count


@rare_gc_passes()
def train_char_model(
    text: str | None = None,
    cell: str = "rnn",
    nhidden: int = 32,
    *,
    chunk: int = 25,
    updates: int = 400,
    lr: float = 0.01,
    max_norm: float = 5.0,
    seed: int = 0,
    record_norms_every: int = 0,
    progress: Progress | None = None,
) -> CharModelResult:
    """Next-character prediction with truncated BPTT over ``chunk``-character pieces.

    The text is read in order; the hidden state is carried from one chunk into the next but
    detached, so each backward goes at most ``chunk`` steps back. ``text`` defaults to 200
    sentences of `nn.text.grammar_text`; the held-out text is 40 other sentences.
    """
    _check_chunk(chunk)
    text = grammar_text(200, seed=seed) if text is None else text
    vocab = Vocab(text)
    ids = vocab.encode(text)
    if len(ids) < chunk + 1:
        raise ValueError(f"the text is shorter than one chunk ({len(ids)} <= {chunk} characters)")
    nv = len(vocab)
    model = SequenceModel(nv, nhidden, nv, cell=cell, seed=seed)
    params = model.parameters()
    opt = Adam(params, lr=lr)
    history: list[float] = []
    norms: list[list[float]] = []
    state: State | None = None
    position = 0
    for update in range(1, updates + 1):
        if position + chunk + 1 > len(ids):  # wrap around, starting from a fresh state
            position, state = 0, None
        xs = [vocab.one_hot(i) for i in ids[position : position + chunk]]
        ys = ids[position + 1 : position + chunk + 1]
        logits, state = model(xs, state)
        loss = autograd.sum([cross_entropy(z, y) for z, y in zip(logits, ys, strict=True)]) / chunk
        opt.zero_grad()
        loss.backward()
        if record_norms_every and update % record_norms_every == 0:
            norms.append(model.rnn.grad_norms_per_step())
        clip_grad_norm(params, max_norm)
        opt.step()
        state = detach_state(state)  # keep the values, cut the graph: truncated BPTT
        position += chunk
        history.append(loss.data)
        if progress:
            progress(update, loss.data)
    model.rnn.clear_steps()  # free the last chunk's graph
    held_out = grammar_text(40, seed=seed + 1)
    return CharModelResult(
        model, vocab, history, char_loss(model, vocab, held_out), math.log(nv), norms
    )


def sample(
    model: SequenceModel,
    vocab: Vocab,
    length: int,
    *,
    prompt: str = "\n",
    temperature: float = 1.0,
    seed: int | None = None,
    rng: random.Random | None = None,
) -> str:
    """``length`` characters drawn one at a time from the model's next-character distribution,
    after reading ``prompt``. Lower temperatures pick likely characters more often. Pass
    ``seed`` or ``rng`` for the same text every time."""
    temperature = check_temperature(temperature)
    if not prompt:
        raise ValueError("sample needs a non-empty prompt to start from")
    gen = make_rng(seed, rng)
    out: list[str] = []
    with autograd.no_grad():
        logits, state = model([vocab.one_hot(i) for i in vocab.encode(prompt)])
        last: Sequence[Value] = logits[-1]
        for _ in range(length):
            i = sample_index(last, temperature, gen)
            out.append(vocab.chars[i])
            step, state = model([vocab.one_hot(i)], state)
            last = step[0]
    return "".join(out)
