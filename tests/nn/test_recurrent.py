"""nn.recurrent: the cells' equations, BPTT against finite differences, truncated BPTT, grad norms
per step, long sequences, shape errors, and save/load."""

from __future__ import annotations

import itertools
import math
import random
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Value
from autograd.collector import rare_gc_passes
from nn.recurrent import LSTMCell, RNNCell, detach_state

# ---------------------------------------------------------------- float references (no graph)


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def matvec(rows: list[list[float]], v: list[float]) -> list[float]:
    return [math.fsum(w * x for w, x in zip(row, v, strict=True)) for row in rows]


def ref_rnn_step(wih, whh, b, x, h):
    """h' = tanh(W_ih x + W_hh h + b), on floats."""
    zi, zh = matvec(wih, x), matvec(whh, h)
    return [math.tanh(p + q + c) for p, q, c in zip(zi, zh, b, strict=True)]


def ref_lstm_step(wih, whh, b, x, h, c):
    """PyTorch's LSTM equations on floats, gates stacked i, f, g, o."""
    n = len(h)
    z = [p + q + r for p, q, r in zip(matvec(wih, x), matvec(whh, h), b, strict=True)]
    i = [sigmoid(v) for v in z[:n]]
    f = [sigmoid(v) for v in z[n : 2 * n]]
    g = [math.tanh(v) for v in z[2 * n : 3 * n]]
    o = [sigmoid(v) for v in z[3 * n :]]
    c2 = [fj * cj + ij * gj for fj, cj, ij, gj in zip(f, c, i, g, strict=True)]
    return [oj * math.tanh(cj) for oj, cj in zip(o, c2, strict=True)], c2


def floats(rows):
    return [[v.data for v in row] for row in rows]


def random_vector(rng: random.Random, n: int, scale: float = 1.0) -> list[float]:
    return [rng.uniform(-scale, scale) for _ in range(n)]


# ---------------------------------------------------------------- forward equations


@pytest.mark.parametrize("nin,nhidden", [(1, 1), (3, 2), (2, 5)])
def test_rnn_cell_matches_its_equation(nin, nhidden):
    cell = RNNCell(nin, nhidden, seed=3)
    assert len(cell.w_ih) == nhidden and all(len(r) == nin for r in cell.w_ih)
    assert len(cell.w_hh) == nhidden and all(len(r) == nhidden for r in cell.w_hh)
    assert len(cell.b) == nhidden
    rng = random.Random(1)
    x, h = random_vector(rng, nin, 2.0), random_vector(rng, nhidden)
    got = [v.data for v in cell(x, h)]
    want = ref_rnn_step(floats(cell.w_ih), floats(cell.w_hh), [v.data for v in cell.b], x, h)
    assert got == pytest.approx(want, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("nin,nhidden", [(1, 1), (3, 2), (2, 4)])
def test_lstm_cell_matches_pytorch_equations(nin, nhidden):
    cell = LSTMCell(nin, nhidden, seed=4)
    assert len(cell.w_ih) == 4 * nhidden and all(len(r) == nin for r in cell.w_ih)
    assert len(cell.w_hh) == 4 * nhidden and all(len(r) == nhidden for r in cell.w_hh)
    assert len(cell.b) == 4 * nhidden
    rng = random.Random(2)
    x = random_vector(rng, nin, 2.0)
    h, c = random_vector(rng, nhidden), random_vector(rng, nhidden, 2.0)
    h2, c2 = cell(x, (h, c))
    want_h, want_c = ref_lstm_step(
        floats(cell.w_ih), floats(cell.w_hh), [v.data for v in cell.b], x, h, c
    )
    assert [v.data for v in h2] == pytest.approx(want_h, rel=1e-12, abs=1e-12)
    assert [v.data for v in c2] == pytest.approx(want_c, rel=1e-12, abs=1e-12)


def test_lstm_gate_order_is_i_f_g_o():
    """Drive one gate at a time through the biases: a saturated gate shows where it sits."""
    cell = LSTMCell(1, 1, seed=0)
    for row in cell.w_ih + cell.w_hh:
        row[0].data = 0.0
    big = 30.0  # sigmoid(30) = 1 and sigmoid(-30) = 0 to double precision (within 1e-13)

    def run(i, f, g, o, c=0.5):
        for v, b in zip(cell.b, (i, f, g, o), strict=True):
            v.data = b
        h2, c2 = cell([0.0], ([0.0], [c]))
        return h2[0].data, c2[0].data

    # input gate open, forget shut, g = tanh(1): c' = tanh(1)
    assert run(big, -big, 1.0, big)[1] == pytest.approx(math.tanh(1.0))
    # forget gate open, input shut: c' = c
    assert run(-big, big, 1.0, big)[1] == pytest.approx(0.5)
    # output gate shut: h' = 0 whatever c' is
    assert run(big, big, 1.0, -big)[0] == pytest.approx(0.0, abs=1e-12)


def test_rnn_unrolls_the_cell_with_shared_weights():
    rnn = nn.RNN(2, 3, seed=5)
    rng = random.Random(3)
    xs = [random_vector(rng, 2) for _ in range(6)]
    outputs, last = rnn(xs)
    cell = rnn.cell
    h = [0.0] * 3
    for x, out in zip(xs, outputs, strict=True):
        h = ref_rnn_step(floats(cell.w_ih), floats(cell.w_hh), [v.data for v in cell.b], x, h)
        assert [v.data for v in out] == pytest.approx(h, rel=1e-12, abs=1e-12)
    assert last is outputs[-1]
    # each weight is one node shared by every step: every step's dot nodes have it as a parent
    loss = autograd.sum(outputs[-1])
    for w in (cell.w_ih[0][1], cell.w_hh[2][0], cell.b[1]):
        users = [v for v in autograd.topological_order(loss) if any(p is w for p in v.parents)]
        assert len(users) == 6 and all(v.op == "dot" for v in users)


def test_lstm_rnn_returns_h_outputs_and_the_pair_state():
    rnn = nn.RNN(1, 2, cell="lstm", seed=1)
    h0 = ([0.1, -0.2], [0.3, 0.4])
    outputs, (h, c) = rnn([[0.5], [-1.0], [2.0]], h0)
    assert len(outputs) == 3 and outputs[-1] is h
    cell = rnn.cell
    wih, whh, b = floats(cell.w_ih), floats(cell.w_hh), [v.data for v in cell.b]
    rh, rc = list(h0[0]), list(h0[1])
    for x in ([0.5], [-1.0], [2.0]):
        rh, rc = ref_lstm_step(wih, whh, b, x, rh, rc)
    assert [v.data for v in h] == pytest.approx(rh, rel=1e-12)
    assert [v.data for v in c] == pytest.approx(rc, rel=1e-12)


def test_empty_sequence_returns_the_initial_state():
    rnn = nn.RNN(2, 3, seed=0)
    outputs, h = rnn([], [1.0, 2.0, 3.0])
    assert outputs == [] and [v.data for v in h] == [1.0, 2.0, 3.0]


# ---------------------------------------------------------------- BPTT against finite differences


def cell_parameters(cell) -> list[list[Value]]:
    return [*cell.w_ih, *cell.w_hh, cell.b]


def set_cell_parameters(cell, values: list[Value]) -> None:
    """Replace the cell's weights by ``values`` (in w_ih, w_hh, b order)."""
    it = iter(values)
    cell.w_ih = [[next(it) for _ in row] for row in cell.w_ih]
    cell.w_hh = [[next(it) for _ in row] for row in cell.w_hh]
    cell.b = [next(it) for _ in cell.b]


def bptt_problem(kind: str, nin: int, nhidden: int, steps: int, seed: int):
    """A cell, a sequence, an initial state and a loss mixing every step's outputs, as a function
    of one flat list of Values (weights, then inputs, then h0 and c0) for gradcheck."""
    rng = random.Random(seed)
    cls = RNNCell if kind == "rnn" else LSTMCell
    cell = cls(nin, nhidden, seed=seed)
    for p in [v for group in cell_parameters(cell) for v in group]:
        p.data = rng.uniform(-1.2, 1.2)  # larger than the default init: a non-trivial regime
    weights = [v.data for group in cell_parameters(cell) for v in group]
    xs = [random_vector(rng, nin, 1.5) for _ in range(steps)]
    state = [rng.uniform(-0.8, 0.8) for _ in range(nhidden * (1 if kind == "rnn" else 2))]
    coef = [random_vector(rng, nhidden) for _ in range(steps)]
    rnn = nn.RNN(nin, nhidden, cell=kind)
    rnn.cell = cell

    def loss(*values: Value) -> Value:
        nw = len(weights)
        set_cell_parameters(cell, list(values[:nw]))
        flat_x = values[nw : nw + nin * steps]
        seq = [list(flat_x[t * nin : (t + 1) * nin]) for t in range(steps)]
        s = list(values[nw + nin * steps :])
        h0 = s if kind == "rnn" else (s[:nhidden], s[nhidden:])
        outputs, last = rnn(seq, h0)
        terms = [autograd.dot(a, h) for a, h in zip(coef, outputs, strict=True)]
        if kind == "lstm":
            terms.append(autograd.sum(last[1]) * 0.7)  # the cell state's path too
        return autograd.sum(terms)

    point = weights + [v for x in xs for v in x] + state
    return loss, point


@settings(max_examples=60)
@given(
    kind=st.sampled_from(["rnn", "lstm"]),
    nin=st.integers(1, 3),
    nhidden=st.integers(1, 3),
    steps=st.integers(1, 5),
    seed=st.integers(0, 10_000),
)
def test_bptt_gradients_match_central_differences(kind, nin, nhidden, steps, seed):
    loss, point = bptt_problem(kind, nin, nhidden, steps, seed)
    assert autograd.gradcheck(loss, point, eps=1e-6, atol=1e-6, rtol=1e-5)


# ---------------------------------------------------------------- truncated BPTT


def rnn_grads(rnn: nn.RNN, xs, coef) -> list[float]:
    rnn.zero_grad()
    outputs, _ = rnn(xs)
    autograd.sum([autograd.dot(a, h) for a, h in zip(coef, outputs, strict=True)]).backward()
    return [p.grad for p in rnn.parameters()]


def sequence(seed: int, steps: int, nin: int, nhidden: int):
    rng = random.Random(seed)
    xs = [random_vector(rng, nin) for _ in range(steps)]
    coef = [random_vector(rng, nhidden) for _ in range(steps)]
    return xs, coef


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
@pytest.mark.parametrize("k_extra", [0, 5])
def test_truncation_at_sequence_length_equals_full_bptt(kind, k_extra):
    xs, coef = sequence(0, 9, 2, 3)
    full = nn.RNN(2, 3, cell=kind, seed=7)
    truncated = nn.RNN(2, 3, cell=kind, bptt_steps=9 + k_extra, seed=7)
    assert rnn_grads(truncated, xs, coef) == rnn_grads(full, xs, coef)


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_truncation_changes_gradients(kind):
    xs, coef = sequence(1, 9, 2, 3)
    full = rnn_grads(nn.RNN(2, 3, cell=kind, seed=7), xs, coef)
    cut = rnn_grads(nn.RNN(2, 3, cell=kind, bptt_steps=2, seed=7), xs, coef)
    assert max(abs(a - b) for a, b in zip(full, cut, strict=True)) > 1e-3


def hand_unrolled_truncated_grads(rnn: nn.RNN, xs, coef, k: int) -> list[float]:
    """tanh RNN written out with + and * (no fused nodes, no RNN class), detaching h every k."""
    cell = rnn.cell
    for p in rnn.parameters():
        p.grad = 0.0
    h: list = [0.0] * cell.nhidden
    total: Value | float = 0.0
    for t, (x, a) in enumerate(zip(xs, coef, strict=True)):
        if t and t % k == 0:
            h = [Value(v.data) for v in h]  # a fresh leaf: the graph stops here
        new_h = []
        for j in range(cell.nhidden):
            z = cell.b[j]
            for w, xi in zip(cell.w_ih[j], x, strict=True):
                z = z + w * xi
            for w, hi in zip(cell.w_hh[j], h, strict=True):
                z = z + w * hi
            new_h.append(z.tanh())
        h = new_h
        for aj, hj in zip(a, h, strict=True):
            total = total + aj * hj
    total.backward()  # type: ignore[union-attr]
    return [p.grad for p in rnn.parameters()]


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_truncated_bptt_matches_a_hand_unrolled_detached_computation(k):
    xs, coef = sequence(2, 10, 2, 3)
    rnn = nn.RNN(2, 3, bptt_steps=k, seed=11)
    got = rnn_grads(rnn, xs, coef)
    want = hand_unrolled_truncated_grads(rnn, xs, coef, k)
    assert got == pytest.approx(want, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
@pytest.mark.parametrize("k", [2, 3])
def test_truncated_gradient_is_the_gradient_with_chunk_start_states_frozen(kind, k):
    """Finite differences of the loss with every chunk's starting state held constant (at its
    value for the current weights) give exactly the truncated-BPTT gradient."""
    nin, nhidden, steps = 2, 2, 7
    xs, coef = sequence(3, steps, nin, nhidden)
    rnn = nn.RNN(nin, nhidden, cell=kind, bptt_steps=k, seed=13)
    got = rnn_grads(rnn, xs, coef)
    params = rnn.parameters()
    cell = rnn.cell
    with autograd.no_grad():
        starts, state = {}, cell.initial_state()
        for t, x in enumerate(xs):
            if t % k == 0:
                starts[t] = detach_state(state)
            state = cell(x, state)
    base = [p.data for p in params]

    def frozen_loss(*values: Value) -> Value:
        for p, v in zip(params, values, strict=True):
            p.data = v.data
        total = 0.0
        for t0, start in starts.items():
            state = start
            for t in range(t0, min(t0 + k, steps)):
                state = cell(xs[t], state)
                h = state[0] if kind == "lstm" else state
                total += math.fsum(a * v.data for a, v in zip(coef[t], h, strict=True))
        return Value(total)

    want = autograd.numerical_grad(frozen_loss, base, eps=1e-6)
    for p, v in zip(params, base, strict=True):
        p.data = v
    assert got == pytest.approx(want, rel=1e-5, abs=1e-8)


# ---------------------------------------------------------------- gradient norms per step


def test_grad_norms_per_step_match_a_hand_derived_backward():
    """dL/dh_t = a_t + W_hh^T (dL/dh_{t+1} * (1 - h_{t+1}^2)), derived by hand on floats."""
    nin, nhidden, steps = 2, 3, 8
    xs, coef = sequence(4, steps, nin, nhidden)
    rnn = nn.RNN(nin, nhidden, seed=17)
    outputs, _ = rnn(xs)
    autograd.sum([autograd.dot(a, h) for a, h in zip(coef, outputs, strict=True)]).backward()
    whh = floats(rnn.cell.w_hh)
    hs = [[v.data for v in h] for h in outputs]
    grads = [list(coef[-1])]
    for t in range(steps - 2, -1, -1):
        delta = [g * (1 - h * h) for g, h in zip(grads[0], hs[t + 1], strict=True)]
        back = [math.fsum(whh[j][i] * delta[j] for j in range(nhidden)) for i in range(nhidden)]
        grads.insert(0, [a + b for a, b in zip(coef[t], back, strict=True)])
    want = [math.sqrt(sum(g * g for g in v)) for v in grads]
    assert rnn.grad_norms_per_step() == pytest.approx(want, rel=1e-10)


def test_grad_norms_show_truncation():
    """Only the last step's output feeds the loss: with k = 3 only steps 6..8 see a gradient."""
    rnn = nn.RNN(1, 4, bptt_steps=3, seed=0)
    outputs, _ = rnn([[0.5]] * 9)
    autograd.sum(outputs[-1]).backward()
    norms = rnn.grad_norms_per_step()
    assert len(norms) == 9
    assert norms[:6] == [0.0] * 6 and all(n > 0 for n in norms[6:])


def test_grad_norms_vanish_for_a_small_recurrent_weight():
    rnn = nn.RNN(1, 4, seed=0)
    for row in rnn.cell.w_hh:
        for w in row:
            w.data *= 0.5
    outputs, _ = rnn([[0.3]] * 30)
    autograd.sum(outputs[-1]).backward()
    norms = rnn.grad_norms_per_step()
    assert norms[0] < 1e-6 * norms[-1]
    assert all(a <= b for a, b in itertools.pairwise(norms))


def test_record_kept_across_no_grad_forwards_and_cleared_on_request():
    rnn = nn.RNN(1, 2, seed=0)
    outputs, _ = rnn([[1.0], [2.0]])
    autograd.sum(outputs[-1]).backward()
    before = rnn.grad_norms_per_step()
    with autograd.no_grad():
        rnn([[1.0]] * 5)
    assert rnn.grad_norms_per_step() == before
    rnn.clear_steps()
    assert rnn.grad_norms_per_step() == []
    assert nn.grad_norms([[Value(3.0)]]) == [0.0]


# ---------------------------------------------------------------- long sequences


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_5000_step_sequence_trains_at_the_default_recursion_limit(kind):
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)  # CPython's default
    try:
        rnn = nn.RNN(1, 3, cell=kind, seed=0)
        xs = [[math.sin(0.1 * t)] for t in range(5001)]
        losses = []
        with rare_gc_passes():  # collector passes as in a training loop (see autograd.collector)
            for _ in range(3):
                outputs, _ = rnn(xs[:-1])
                errors = [h[0] - x[0] for h, x in zip(outputs, xs[1:], strict=True)]
                loss = autograd.dot(errors, errors) / 5000
                rnn.zero_grad()
                loss.backward()
                for p in rnn.parameters():
                    p.data -= 0.5 * p.grad
                losses.append(loss.data)
        norms = rnn.grad_norms_per_step()
        del outputs, errors, loss
        rnn.clear_steps()  # frees a 5,000-step graph by reference counting, no recursion error
    finally:
        sys.setrecursionlimit(limit)
    assert len(norms) == 5000 and all(math.isfinite(n) for n in norms)
    assert all(math.isfinite(p.grad) for p in rnn.parameters())
    assert losses[-1] < losses[0]


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "call,message",
    [
        (
            lambda: RNNCell(3, 2)([1.0, 2.0], [0.0, 0.0]),
            "expected an input x of length 3, got length 2",
        ),
        (
            lambda: RNNCell(3, 2)([1.0, 2.0, 3.0], [0.0]),
            "expected a hidden state h of length 2, got length 1",
        ),
        (
            lambda: RNNCell(1, 2)(1.0, [0.0, 0.0]),
            "expected an input x as a list of 1 numbers, got float",
        ),
        (
            lambda: LSTMCell(2, 2)([1.0, 2.0], [0.0, 0.0, 0.0]),
            "expected the state as a pair (h, c), got length 3",
        ),
        (
            lambda: LSTMCell(2, 2)([1.0, 2.0], [0.0, 0.0]),
            "expected a hidden state h as a list of 2 numbers, got float",
        ),
        (
            lambda: LSTMCell(2, 2)([1.0, 2.0], ([0.0, 0.0], [0.0])),
            "expected a cell state c of length 2, got length 1",
        ),
        (
            lambda: nn.RNN(2, 2)([[1.0, 2.0], [1.0]]),
            "step 1: expected an input vector of length 2, got length 1",
        ),
        (
            lambda: nn.RNN(2, 2)([1.0, 2.0]),
            "step 0: expected an input vector as a list of 2 numbers, got float",
        ),
        (lambda: nn.RNN(2, 2)("ab"), "RNN: expected a sequence as a list of vectors, got str"),
        (
            lambda: nn.RNN(1, 2)([[1.0]], [0.0, 0.0, 0.0]),
            "h0: expected a hidden state h of length 2, got length 3",
        ),
        (
            lambda: nn.RNN(1, 2, cell="lstm")([[1.0]], [0.0, 0.0]),
            "h0: expected a hidden state h as a list",
        ),
        (lambda: nn.RNN(1, 2, cell="gru"), "cell must be one of ('rnn', 'lstm'), got 'gru'"),
        (lambda: nn.RNN(1, 2, bptt_steps=0), "bptt_steps must be a positive integer, got 0"),
        (lambda: nn.RNN(0, 2), "nin must be a positive integer, got 0"),
        (lambda: RNNCell(1, 2.5), "nhidden must be a positive integer, got 2.5"),
        (
            lambda: RNNCell(1, 2, seed=1, rng=random.Random(1)),
            "give either seed= or rng=, not both",
        ),
    ],
)
def test_bad_shapes_and_arguments_raise_value_error_naming_expected_and_got(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert message in str(info.value)


def test_unordered_collections_are_not_vectors_or_sequences():
    with pytest.raises(ValueError, match="expected an input x as a list of 2 numbers, got set"):
        RNNCell(2, 2)({1.0, 2.0}, [0.0, 0.0])
    with pytest.raises(ValueError, match="expected a sequence as a list of vectors, got set"):
        nn.RNN(1, 2)({(1.0,), (2.0,)})


def test_sizes_may_be_numpy_integers_and_are_saved_as_ints(tmp_path):
    import numpy as np

    rnn = nn.RNN(np.int64(2), np.int64(3), cell="lstm", bptt_steps=np.int64(4), seed=0)
    assert rnn.config() == {"nin": 2, "nhidden": 3, "cell": "lstm", "bptt_steps": 4}
    assert all(type(v) is int for k, v in rnn.config().items() if k != "cell")
    rnn.save(tmp_path / "rnn.json")  # json cannot write a numpy integer
    assert nn.load(tmp_path / "rnn.json").config() == rnn.config()


def test_detach_state_takes_what_rnn_takes_as_h0():
    h, c = [Value(1.0) * 2], [Value(3.0) * 2]
    for state in ((h, c), [h, c]):
        dh, dc = nn.detach_state(state)
        assert [v.data for v in dh + dc] == [2.0, 6.0] and all(v.is_leaf() for v in dh + dc)
    assert [v.data for v in nn.detach_state(h)] == [2.0]
    with pytest.raises(TypeError, match=r"detach_state expects h .* or the pair \(h, c\)"):
        nn.detach_state(5)


def test_a_vector_holding_something_other_than_numbers_is_a_type_error():
    with pytest.raises(TypeError, match="an input x must hold numbers or Values, got str"):
        RNNCell(1, 2)(["a"], [0.0, 0.0])
    with pytest.raises(TypeError, match="step 1: an input vector must hold numbers"):
        nn.RNN(1, 2)([[1.0], [None]])


def test_numpy_sequences_are_accepted():
    import numpy as np  # comes with matplotlib in the dev extra

    rnn = nn.RNN(2, 3, seed=0)
    xs = [[0.1, 0.2], [0.3, -0.4]]
    with autograd.no_grad():
        want, _ = rnn(xs)
        got, _ = rnn(np.array(xs))
        got32, _ = rnn(np.array(xs, dtype=np.float32))
    assert [[v.data for v in h] for h in got] == [[v.data for v in h] for h in want]
    flat = [v.data for h in want for v in h]
    assert [v.data for h in got32 for v in h] == pytest.approx(flat, rel=1e-6)


def test_a_bad_step_is_caught_before_any_graph_is_built():
    rnn = nn.RNN(1, 2, seed=0)
    outputs, _ = rnn([[1.0]])
    autograd.sum(outputs[-1]).backward()
    before = rnn.grad_norms_per_step()
    with pytest.raises(ValueError):
        rnn([[1.0], [2.0], [3.0, 4.0]])
    assert rnn.grad_norms_per_step() == before


# ---------------------------------------------------------------- parameters and files


@pytest.mark.parametrize("kind,count", [("rnn", 4 * (2 + 4 + 1)), ("lstm", 4 * 4 * (2 + 4 + 1))])
def test_parameters_and_state_dict(kind, count):
    rnn = nn.RNN(2, 4, cell=kind, seed=0)
    assert len(rnn.parameters()) == count
    assert list(rnn.state_dict()) == ["cell.w_ih", "cell.w_hh", "cell.b"]


def test_seeded_initialisation_is_reproducible_and_bounded():
    a, b = nn.RNN(2, 4, cell="lstm", seed=1), nn.RNN(2, 4, cell="lstm", seed=1)
    assert a.state_dict() == b.state_dict()
    assert a.state_dict() != nn.RNN(2, 4, cell="lstm", seed=2).state_dict()
    assert nn.RNN(2, 4, rng=random.Random(5)).state_dict() == nn.RNN(2, 4, seed=5).state_dict()
    bound = 0.5  # 1/sqrt(4), as PyTorch
    assert bound * 0.98 < max(abs(p.data) for p in a.parameters()) <= bound  # 112 draws


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_save_load_round_trip(tmp_path, kind):
    rnn = nn.RNN(2, 3, cell=kind, bptt_steps=4, seed=9)
    path = tmp_path / "rnn.json"
    rnn.save(path)
    loaded = nn.load(path)
    assert isinstance(loaded, nn.RNN) and loaded.config() == rnn.config()
    assert loaded.bptt_steps == 4 and type(loaded.cell) is type(rnn.cell)
    xs = [[0.1, 0.2], [0.3, -0.4], [1.0, 0.0]]
    with autograd.no_grad():
        want, _ = rnn(xs)
        got, _ = loaded(xs)
    assert [[v.data for v in h] for h in got] == [[v.data for v in h] for h in want]


def test_cells_save_and_load_on_their_own(tmp_path):
    for cell in (RNNCell(2, 3, seed=1), LSTMCell(2, 3, seed=1)):
        cell.save(tmp_path / "cell.json")
        loaded = nn.load(tmp_path / "cell.json")
        assert type(loaded) is type(cell) and loaded.state_dict() == cell.state_dict()


# ---------------------------------------------------------------- labels for drawings


def test_weights_are_labelled_by_position():
    cell = LSTMCell(2, 3, seed=0)
    assert cell.w_ih[5][1].label == "w_ih[5,1]" and cell.w_hh[11][2].label == "w_hh[11,2]"
    assert cell.b[7].label == "b[7]"


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_label_steps_gives_one_drawing_cluster_per_time_step(kind):
    rnn = nn.RNN(1, 2, cell=kind, seed=0)
    outputs, _ = rnn([[0.5], [-0.2], [0.9]])
    loss = autograd.sum(outputs[-1])
    loss.backward()
    rnn.label_steps()
    assert outputs[1][0].label == "t1/h0"
    if kind == "lstm":
        assert rnn._cells[2][1].label == "t2/c1"
    source = autograd.draw_graph(loss, cluster="label", params=rnn.parameters()).source
    assert source.count("subgraph cluster_") == 3
    assert all(f"label=t{t} " in source for t in range(3))


def test_the_recorded_graph_lives_until_the_next_forward_or_clear_steps():
    """The RNN's record of its last forward keeps that graph alive (documented); the next forward
    with grad replaces it, and clear_steps drops it, so graphs never pile up."""
    import gc

    def live_values() -> int:
        gc.collect()
        return sum(type(o) is Value for o in gc.get_objects())

    rnn = nn.RNN(1, 3, seed=0)
    xs = [[0.1 * t] for t in range(50)]
    base = live_values()
    outputs, state = rnn(xs)
    autograd.sum(state).backward()
    del outputs, state
    one_graph = live_values() - base
    assert one_graph > 50 * 3 * 2  # kept alive by the record: h and dot nodes of every step
    for _ in range(3):
        outputs, state = rnn(xs)
        del outputs, state
    assert live_values() - base == one_graph
    rnn.clear_steps()
    assert live_values() == base


@pytest.mark.parametrize("steps", ["ab", [["a"]], [[1.0, 2.0]], 3])
def test_grad_norms_names_what_it_expected(steps):
    with pytest.raises((TypeError, ValueError), match="grad_norms: "):
        nn.grad_norms(steps)
