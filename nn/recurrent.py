"""Recurrent networks: a tanh RNN cell, an LSTM cell, and `RNN`, which unrolls one over a sequence.

Unrolling makes one copy of the cell per time step, all sharing the same weight Values, so the
sequence becomes an ordinary scalar graph and ``loss.backward()`` on it *is* backpropagation
through time (BPTT): every weight's gradient is the sum of its contributions from every step.

Each gate unit's pre-activation ``W_ih x + W_hh h + b`` is one fused `autograd.dots` node over the
row ``[W_ih | W_hh]`` and the input ``x + h``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from autograd import Value, dots, is_grad_enabled
from nn.checks import check_count, is_real, ordered_items, shown
from nn.layers import Layer, make_rng
from nn.module import Module

__all__ = [
    "RNN",
    "LSTMCell",
    "RNNCell",
    "SequenceModel",
    "State",
    "detach_state",
    "grad_norms",
]

Vector = Sequence[Value | float]
"""An input or state vector: Values, or plain numbers (taken as constants)."""

State = list[Value] | tuple[list[Value], list[Value]]
"""A recurrent state: h for a tanh RNN, the pair (h, c) for an LSTM."""

CELLS = ("rnn", "lstm")


def _uniform_rows(
    rng: random.Random, nrows: int, ncols: int, bound: float, name: str
) -> list[list[Value]]:
    """Weights drawn uniformly in +-bound, labelled ``name[j,k]`` for graph drawings."""
    return [
        [Value(rng.uniform(-bound, bound), f"{name}[{j},{k}]") for k in range(ncols)]
        for j in range(nrows)
    ]


def _uniform_vector(rng: random.Random, n: int, bound: float, name: str) -> list[Value]:
    return [Value(rng.uniform(-bound, bound), f"{name}[{j}]") for j in range(n)]


def _as_list(v: object, what: str, where: str, n: int | None = None) -> list[Any]:
    """``v`` (a list, tuple, numpy row or other ordered iterable) as a list; ValueError for a
    scalar, a string, a set or a mapping, which have no order or length to speak of here."""
    items = ordered_items(v) if not isinstance(v, Value) else None
    if items is None:
        size = f"{n} numbers" if n is not None else "vectors"
        raise ValueError(f"{where}: expected {what} as a list of {size}, got {type(v).__name__}")
    return items


def _as_values(v: object, n: int, what: str, where: str) -> list[Value]:
    """``v`` as a list of n Values (numbers become constant leaves): ValueError on a wrong
    length, TypeError on an element that is not a number.

    Wrapping numbers as leaves keeps every fused node on `dots`' all-Values fast path.
    """
    items = _as_list(v, what, where, n)
    if len(items) != n:
        raise ValueError(f"{where}: expected {what} of length {n}, got length {len(items)}")
    if all(type(x) is Value for x in items):
        return items if items is not v else list(items)
    out = []
    for x in items:
        if isinstance(x, Value):
            out.append(x)
        elif is_real(x):
            out.append(Value(x))
        else:
            raise TypeError(f"{where}: {what} must hold numbers or Values, got {type(x).__name__}")
    return out


def _zeros(n: int) -> list[Value]:
    return [Value(0.0) for _ in range(n)]


def detach_state(state: State) -> State:
    """The state as new leaves with the same data: gradients stop flowing back through it.

    ``state`` is h (a list of Values) or the pair (h, c), as a tuple or a list of two lists;
    a pair comes back as a tuple, as `RNN` returns it.
    """
    parts: Any = state
    if isinstance(parts, (list, tuple)):
        if all(isinstance(v, Value) for v in parts):
            return [v.detach() for v in parts]
        if len(parts) == 2 and all(isinstance(vec, (list, tuple)) for vec in parts):
            h, c = parts
            return [v.detach() for v in h], [v.detach() for v in c]
    raise TypeError(
        f"detach_state expects h (a list of Values) or the pair (h, c), got {state!r:.60}"
    )


def grad_norms(steps: Sequence[Sequence[Value]]) -> list[float]:
    """The Euclidean norm of ``.grad`` over each vector in ``steps`` (e.g. dLoss/dh_t per t).

    TypeError unless ``steps`` is a list of lists of Values (as `RNN` returns its outputs).
    """
    vectors = [
        _as_list(vec, "a vector", "grad_norms") for vec in _as_list(steps, "steps", "grad_norms")
    ]
    norms = []
    for t, vec in enumerate(vectors):
        for v in vec:
            if not isinstance(v, Value):
                raise TypeError(
                    f"grad_norms: step {t} holds a {type(v).__name__}, not a Value "
                    "(expected a list of vectors of Values, e.g. an RNN's outputs)"
                )
        norms.append(math.hypot(*[v.grad for v in vec]))  # no overflow in squaring
    return norms


class _GatedCell(Module):
    """The weights both cells share: ``GATES`` stacked blocks of nhidden rows each, with rows
    of ``w_ih`` (nin wide), ``w_hh`` (nhidden wide) and one bias per row. Initialised uniformly
    in +-1/sqrt(nhidden), as PyTorch does."""

    GATES: ClassVar[int]

    def __init__(
        self,
        nin: int,
        nhidden: int,
        *,
        seed: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.nin = check_count("nin", nin)
        self.nhidden = check_count("nhidden", nhidden)
        self.check_size(self.config())
        r = make_rng(seed, rng)
        bound = 1.0 / math.sqrt(nhidden)
        rows = self.GATES * nhidden
        self.w_ih = _uniform_rows(r, rows, nin, bound, "w_ih")
        self.w_hh = _uniform_rows(r, rows, nhidden, bound, "w_hh")
        self.b = _uniform_vector(r, rows, bound, "b")

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "nhidden": self.nhidden}

    @classmethod
    def count_parameters(cls, config: dict[str, Any]) -> int:
        nin, nhidden = check_count("nin", config["nin"]), check_count("nhidden", config["nhidden"])
        return cls.GATES * nhidden * (nin + nhidden + 1)

    @classmethod
    def state_layout(cls, config: dict[str, Any]) -> Iterator[tuple[str, int]]:
        nin, nhidden = check_count("nin", config["nin"]), check_count("nhidden", config["nhidden"])
        rows = cls.GATES * nhidden
        yield from (("w_ih", rows * nin), ("w_hh", rows * nhidden), ("b", rows))

    def fused_rows(self) -> list[list[Value]]:
        """Row j is [W_ih[j] | W_hh[j]]: one dot against x + h gives row j's pre-activation."""
        return [a + b for a, b in zip(self.w_ih, self.w_hh, strict=True)]


class RNNCell(_GatedCell):
    """One step of an Elman RNN: h' = tanh(W_ih x + W_hh h + b).

    ``w_ih`` has nhidden rows of nin Values, ``w_hh`` nhidden rows of nhidden, ``b`` nhidden.
    Initialised uniformly in +-1/sqrt(nhidden), as PyTorch does.
    """

    GATES = 1

    def initial_state(self) -> list[Value]:
        """The zero state used when no h0 is given."""
        return _zeros(self.nhidden)

    def check_state(self, state: object, where: str = "RNNCell") -> list[Value]:
        """``state`` as a list of nhidden Values; ValueError naming what was expected."""
        return _as_values(state, self.nhidden, "a hidden state h", where)

    def step(self, rows: list[list[Value]], x: list[Value], h: list[Value]) -> list[Value]:
        """One step on checked inputs, with rows from `fused_rows` (built once per sequence)."""
        return [z.tanh() for z in dots(rows, x + h, self.b)]

    def __call__(self, x: Vector, h: Vector) -> list[Value]:
        """The next hidden state from input ``x`` (nin numbers) and hidden state ``h``."""
        xv = _as_values(x, self.nin, "an input x", "RNNCell")
        return self.step(self.fused_rows(), xv, self.check_state(h))


class LSTMCell(_GatedCell):
    """One step of an LSTM, with PyTorch's equations and gate order (i, f, g, o)::

        i = sigmoid(W_ii x + W_hi h + b_i)     f = sigmoid(W_if x + W_hf h + b_f)
        g = tanh(W_ig x + W_hg h + b_g)        o = sigmoid(W_io x + W_ho h + b_o)
        c' = f * c + i * g                     h' = o * tanh(c')

    ``w_ih`` stacks the four gates' input weights (4*nhidden rows of nin, gate by gate, as
    PyTorch's ``weight_ih``), ``w_hh`` their recurrent weights (4*nhidden rows of nhidden), ``b``
    their biases (4*nhidden: PyTorch's ``bias_ih + bias_hh``). Initialised uniformly in
    +-1/sqrt(nhidden), as PyTorch does.
    """

    GATES = 4

    def initial_state(self) -> tuple[list[Value], list[Value]]:
        """The zero state (h, c) used when no h0 is given."""
        return _zeros(self.nhidden), _zeros(self.nhidden)

    def check_state(
        self, state: object, where: str = "LSTMCell"
    ) -> tuple[list[Value], list[Value]]:
        """``state`` as a pair (h, c) of nhidden Values each; ValueError naming what was wrong."""
        if not isinstance(state, (tuple, list)) or len(state) != 2:
            pair = isinstance(state, (tuple, list))
            got = f"length {len(state)}" if pair else type(state).__name__  # type: ignore[arg-type]
            raise ValueError(f"{where}: expected the state as a pair (h, c), got {got}")
        h, c = state
        return (
            _as_values(h, self.nhidden, "a hidden state h", where),
            _as_values(c, self.nhidden, "a cell state c", where),
        )

    def step(
        self, rows: list[list[Value]], x: list[Value], state: tuple[list[Value], list[Value]]
    ) -> tuple[list[Value], list[Value]]:
        """One step on checked inputs, with rows from `fused_rows` (built once per sequence)."""
        h, c = state
        n = self.nhidden
        z = dots(rows, x + h, self.b)
        i = [v.sigmoid() for v in z[:n]]
        f = [v.sigmoid() for v in z[n : 2 * n]]
        g = [v.tanh() for v in z[2 * n : 3 * n]]
        o = [v.sigmoid() for v in z[3 * n :]]
        c_next = [fj * cj + ij * gj for fj, cj, ij, gj in zip(f, c, i, g, strict=True)]
        h_next = [oj * cj.tanh() for oj, cj in zip(o, c_next, strict=True)]
        return h_next, c_next

    def __call__(self, x: Vector, state: tuple[Vector, Vector]) -> tuple[list[Value], list[Value]]:
        """The next (h, c) from input ``x`` (nin numbers) and the state ``(h, c)``."""
        xv = _as_values(x, self.nin, "an input x", "LSTMCell")
        return self.step(self.fused_rows(), xv, self.check_state(state))


class RNN(Module):
    """A recurrent cell unrolled over a sequence; ``backward`` through its outputs is BPTT.

    ``cell="rnn"`` (tanh, `RNNCell`) or ``"lstm"`` (`LSTMCell`), at ``.cell``.
    ``bptt_steps=k`` truncates BPTT: the state carried into steps k, 2k, ... is detached, so
    gradients flow at most k steps back; ``None`` backpropagates through the whole sequence.

    Memory: after a forward pass with grad enabled, the RNN keeps its hidden vectors so that
    `grad_norms_per_step` can read their gradients after backward. That reference keeps the
    sequence's whole graph alive until the next such forward (or `clear_steps`); forwards under
    ``no_grad`` build no graph and leave the record alone.
    """

    def __init__(
        self,
        nin: int,
        nhidden: int,
        cell: str = "rnn",
        bptt_steps: int | None = None,
        *,
        seed: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")
        self.bptt_steps = None if bptt_steps is None else check_count("bptt_steps", bptt_steps)
        self.check_size({"nin": nin, "nhidden": nhidden, "cell": cell})
        self.cell: RNNCell | LSTMCell = (RNNCell if cell == "rnn" else LSTMCell)(
            nin, nhidden, seed=seed, rng=rng
        )
        self._kind = cell
        self._steps: list[list[Value]] = []  # h_t of the last forward with grad enabled
        self._cells: list[list[Value]] = []  # c_t of that forward (LSTM only)

    @property
    def nin(self) -> int:
        return self.cell.nin

    @property
    def nhidden(self) -> int:
        return self.cell.nhidden

    def config(self) -> dict[str, Any]:
        return {
            "nin": self.nin,
            "nhidden": self.nhidden,
            "cell": self._kind,
            "bptt_steps": self.bptt_steps,
        }

    @classmethod
    def count_parameters(cls, config: dict[str, Any]) -> int:
        return cls._cell_class(config).count_parameters(config)

    @classmethod
    def state_layout(cls, config: dict[str, Any]) -> Iterator[tuple[str, int]]:
        for name, n in cls._cell_class(config).state_layout(config):
            yield f"cell.{name}", n

    @staticmethod
    def _cell_class(config: dict[str, Any]) -> type[RNNCell | LSTMCell]:
        cell = config.get("cell", "rnn")
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {CELLS}, got {shown(cell)}")
        return RNNCell if cell == "rnn" else LSTMCell

    def __call__(
        self, xs: Sequence[Vector], h0: State | None = None
    ) -> tuple[list[list[Value]], State]:
        """Run over ``xs`` (a list of input vectors): (the hidden vector h_t of every step, the
        last state). ``h0`` is the initial state (zeros if None), h or (h, c) like the result."""
        cell = self.cell
        inputs = [
            _as_values(x, cell.nin, "an input vector", f"RNN: step {t}")
            for t, x in enumerate(_as_list(xs, "a sequence", "RNN"))
        ]
        state: Any = cell.initial_state() if h0 is None else cell.check_state(h0, "RNN: h0")
        rows = cell.fused_rows()
        k = self.bptt_steps
        outputs: list[list[Value]] = []
        cells: list[list[Value]] = []
        for t, x in enumerate(inputs):
            if k is not None and t and t % k == 0:
                state = detach_state(state)
            state = cell.step(rows, x, state)
            if isinstance(state, tuple):
                outputs.append(state[0])
                cells.append(state[1])
            else:
                outputs.append(state)
        if is_grad_enabled():
            self._steps, self._cells = outputs, cells
        return outputs, state

    def grad_norms_per_step(self) -> list[float]:
        """||dLoss/dh_t|| for each step t of the last forward with grad enabled, after backward.

        With truncated BPTT, a step's gradient only holds what reached it through the graph
        actually built (nothing flows back across a detached state).
        """
        return grad_norms(self._steps)

    def clear_steps(self) -> None:
        """Drop the record of the last forward, freeing its graph."""
        self._steps, self._cells = [], []

    def label_steps(self, prefix: str = "t") -> None:
        """Label the last recorded forward's states ``t0/h0``, ``t0/h1``, ... (and ``t0/c0``, ...
        for an LSTM): ``autograd.draw_graph(loss, cluster="label")`` then boxes each time step."""
        for t, h in enumerate(self._steps):
            for j, v in enumerate(h):
                v.label = f"{prefix}{t}/h{j}"
        for t, c in enumerate(self._cells):
            for j, v in enumerate(c):
                v.label = f"{prefix}{t}/c{j}"


class SequenceModel(Module):
    """An `RNN` with a `Layer` reading out every hidden vector: many-to-many (an output vector per
    step, e.g. next-character logits) or, with `last`, many-to-one (one output per sequence).

    ``activation`` is the readout's (None: linear outputs, e.g. logits or regression values).
    """

    def __init__(
        self,
        nin: int,
        nhidden: int,
        nout: int,
        cell: str = "rnn",
        bptt_steps: int | None = None,
        activation: str | None = None,
        *,
        seed: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.check_size({"nin": nin, "nhidden": nhidden, "nout": nout, "cell": cell})
        gen = make_rng(seed, rng)
        self.rnn = RNN(nin, nhidden, cell, bptt_steps, rng=gen)
        self.readout = Layer(nhidden, nout, activation, rng=gen)

    def config(self) -> dict[str, Any]:
        rnn = self.rnn.config()
        return {**rnn, "nout": self.readout.nout, "activation": self.readout.activation}

    @classmethod
    def count_parameters(cls, config: dict[str, Any]) -> int:
        readout = {"nin": config["nhidden"], "nout": config["nout"]}
        return RNN.count_parameters(config) + Layer.count_parameters(readout)

    @classmethod
    def state_layout(cls, config: dict[str, Any]) -> Iterator[tuple[str, int]]:
        for name, n in RNN.state_layout(config):
            yield f"rnn.{name}", n
        for name, n in Layer.state_layout({"nin": config["nhidden"], "nout": config["nout"]}):
            yield f"readout.{name}", n

    def __call__(
        self, xs: Sequence[Vector], h0: State | None = None
    ) -> tuple[list[list[Value]], State]:
        """(the readout of every step's hidden vector, the last state)."""
        hs, state = self.rnn(xs, h0)
        readout = self.readout.forward
        return [readout(h) for h in hs], state

    def last(self, xs: Sequence[Vector], h0: State | None = None) -> tuple[list[Value], State]:
        """(the readout of the last hidden vector only, the last state): many-to-one."""
        hs, state = self.rnn(xs, h0)
        if not hs:
            raise ValueError("SequenceModel.last: the sequence is empty (no step to read out)")
        return self.readout.forward(hs[-1]), state
