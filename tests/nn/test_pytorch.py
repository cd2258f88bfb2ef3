"""nn.to_torch and nn.from_torch: for every model kind PyTorch computes the same outputs, loss and
gradient of every parameter (float64, relative 1e-10) across sizes; round trips are exact; what
does not map is an error naming the layer. Without PyTorch these tests are listed as not run (in
CI, where CI=true, that is a failure)."""

from __future__ import annotations

import itertools
import math
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Value, testing
from nn.attention import FeedForward, TransformerBlock
from nn.interop import torch_missing
from tests.needs import TORCH

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = F = None  # type: ignore[assignment]

REL = 1e-10
FEW = settings(max_examples=25)  # each example builds a model in both engines: keep them few
ACTIVATIONS = st.sampled_from(["tanh", "relu", "sigmoid", None])


@pytest.fixture(scope="module")
def needs_torch() -> None:
    why = torch_missing()
    if why is not None:
        TORCH.unavailable("torch is not installed")


# ---------------------------------------------------------------- comparing the two engines


def assert_close(got: Sequence[float], want: Sequence[float], what: str) -> None:
    """Equal to relative 1e-10 entry by entry; an entry that cancels to near 0 is compared
    relative to the largest entry (its rounding error is the size of that one's)."""
    assert len(got) == len(want), f"{what}: {len(got)} numbers, expected {len(want)}"
    scale = max((abs(w) for w in want), default=0.0)
    for i, (g, w) in enumerate(zip(got, want)):
        assert abs(g - w) <= REL * max(abs(w), 1e-3 * scale), f"{what}[{i}]: {g!r} != {w!r}"


def flat(tensor: Any) -> list[float]:
    return tensor.detach().flatten().tolist()


def torch_grads(module: Any) -> list[float]:
    return [g for p in module.parameters() for g in flat(p.grad)]


def assert_same_gradients(model: nn.Module, module: Any) -> None:
    """Every parameter's gradient, the torch module's in the model's order."""
    assert_close(torch_grads(module), [p.grad for p in model.parameters()], "gradient")


def tensor(rows: Any) -> Any:
    return torch.tensor(rows, dtype=torch.float64)


def weighted_sum(outputs: Sequence[Sequence[Value]], coefficients: Sequence[float]) -> Value:
    """sum_ij c_ij * out_ij (the c_ij read row by row): a loss giving every output its own
    upstream gradient."""
    values = [v for row in outputs for v in row]
    return autograd.dot(values, list(coefficients[: len(values)]))


def torch_weighted_sum(out: Any, coefficients: Sequence[float]) -> Any:
    values = out.flatten()
    return (values * tensor(coefficients[: values.numel()])).sum()


def rows(data: st.DataObject, n: int, width: int) -> list[list[float]]:
    return [data.draw(testing.points(width), label="row") for _ in range(n)]


SIZES = st.integers(1, 4)
SEEDS = st.integers(0, 2**16)


# ---------------------------------------------------------------- neurons, layers, MLPs


@FEW
@given(nin=SIZES, nouts=st.lists(SIZES, min_size=1, max_size=3), hidden=ACTIVATIONS,
       output=ACTIVATIONS, batch=st.integers(1, 3), seed=SEEDS, data=st.data())  # fmt: skip
def test_an_mlp_computes_the_same_outputs_loss_and_gradients(
    needs_torch, nin, nouts, hidden, output, batch, seed, data
):
    model = nn.MLP(nin, nouts, hidden, output, seed=seed)
    module = nn.to_torch(model)
    xs = rows(data, batch, nin)
    outs = [model(x) for x in xs]
    out = module(tensor(xs))
    assert tuple(out.shape) == (batch, nouts[-1])
    assert_close(flat(out), [v.data for row in outs for v in row], "outputs")
    if nouts[-1] >= 2:  # classes: the loss PyTorch users train with
        ys = data.draw(st.lists(st.integers(0, nouts[-1] - 1), min_size=batch, max_size=batch))
        loss = nn.batch_mean(nn.cross_entropy, outs, ys)
        torch_loss = F.cross_entropy(out, torch.tensor(ys))
    else:
        targets = data.draw(testing.points(batch))
        loss = nn.batch_mean(nn.mse_loss, outs, [[t] for t in targets])
        torch_loss = F.mse_loss(out, tensor(targets).unsqueeze(1))
    assert_close([torch_loss.item()], [loss.data], "loss")
    loss.backward()
    torch_loss.backward()
    assert_same_gradients(model, module)


@FEW
@given(nin=SIZES, nout=SIZES, activation=ACTIVATIONS, batch=st.integers(1, 3), seed=SEEDS,
       data=st.data())  # fmt: skip
def test_a_layer_and_a_neuron_compute_the_same_outputs_and_gradients(
    needs_torch, nin, nout, activation, batch, seed, data
):
    xs = rows(data, batch, nin)
    coefficients = data.draw(testing.points(batch * nout))
    layer = nn.Layer(nin, nout, activation, seed=seed)
    neuron = nn.Neuron(nin, activation, seed=seed)
    for model, outs, shape in (
        (layer, [layer(x) for x in xs], (batch, nout)),
        (neuron, [[neuron(x)] for x in xs], (batch,)),  # a Neuron gives one number per row
    ):
        module = nn.to_torch(model)
        out = module(tensor(xs))
        assert tuple(out.shape) == shape
        assert_close(flat(out), [v.data for row in outs for v in row], "outputs")
        weighted_sum(outs, coefficients).backward()
        torch_weighted_sum(out, coefficients).backward()
        assert_same_gradients(model, module)


def test_a_layer_exports_as_a_torch_linear_whose_rows_are_the_neurons(needs_torch):
    layer = nn.Layer(3, 2, "relu", seed=0)
    linear, relu = nn.to_torch(layer)
    assert isinstance(linear, torch.nn.Linear) and isinstance(relu, torch.nn.ReLU)
    for j, neuron in enumerate(layer.neurons):
        assert linear.weight[j].tolist() == [w.data for w in neuron.w]
        assert linear.bias[j].item() == neuron.b.data
    assert [n for n, _ in linear.named_parameters()] == ["weight_bias"]


# ---------------------------------------------------------------- recurrent nets


@FEW
@given(cell=st.sampled_from(["rnn", "lstm"]), nin=SIZES, nhidden=SIZES, seed=SEEDS,
       data=st.data())  # fmt: skip
def test_a_cell_computes_the_same_step_and_gradients(needs_torch, cell, nin, nhidden, seed, data):
    model = (nn.LSTMCell if cell == "lstm" else nn.RNNCell)(nin, nhidden, seed=seed)
    module = nn.to_torch(model)
    x, h, c = (data.draw(testing.points(n)) for n in (nin, nhidden, nhidden))
    coefficients = data.draw(testing.points(2 * nhidden))
    if cell == "lstm":
        assert isinstance(module, torch.nn.LSTMCell)
        outs = list(model(x, (h, c)))
        out = torch.stack(module(tensor(x), (tensor(h), tensor(c))))
    else:
        assert isinstance(module, torch.nn.RNNCell)
        outs = [model(x, h)]
        out = module(tensor(x), tensor(h))
    assert_close(flat(out), [v.data for row in outs for v in row], "next state")
    weighted_sum(outs, coefficients).backward()
    torch_weighted_sum(out, coefficients).backward()
    assert_same_gradients(model, module)


@FEW
@given(cell=st.sampled_from(["rnn", "lstm"]), nin=SIZES, nhidden=SIZES, steps=st.integers(1, 5),
       bptt=st.sampled_from([None, 1, 2]), seed=SEEDS, data=st.data())  # fmt: skip
def test_an_rnn_computes_the_same_steps_and_bptt_gradients(
    needs_torch, cell, nin, nhidden, steps, bptt, seed, data
):
    model = nn.RNN(nin, nhidden, cell, bptt, seed=seed)
    module = nn.to_torch(model)
    xs = rows(data, steps, nin)
    coefficients = data.draw(testing.points(steps * nhidden))
    outs, _ = model(xs)
    out = module(tensor(xs))
    assert tuple(out.shape) == (steps, nhidden)
    assert_close(flat(out), [v.data for row in outs for v in row], "hidden vectors")
    weighted_sum(outs, coefficients).backward()
    torch_weighted_sum(out, coefficients).backward()
    assert_same_gradients(model, module)


@FEW
@given(cell=st.sampled_from(["rnn", "lstm"]), nin=SIZES, nhidden=SIZES,
       nout=st.integers(2, 4), steps=st.integers(1, 4), activation=ACTIVATIONS, seed=SEEDS,
       data=st.data())  # fmt: skip
def test_a_sequence_model_computes_the_same_outputs_loss_and_gradients(
    needs_torch, cell, nin, nhidden, nout, steps, activation, seed, data
):
    model = nn.SequenceModel(nin, nhidden, nout, cell, activation=activation, seed=seed)
    module = nn.to_torch(model)
    xs = rows(data, steps, nin)
    ys = data.draw(st.lists(st.integers(0, nout - 1), min_size=steps, max_size=steps))
    outs, _ = model(xs)
    out = module(tensor(xs))
    assert tuple(out.shape) == (steps, nout)
    assert_close(flat(out), [v.data for row in outs for v in row], "outputs")
    loss = nn.batch_mean(nn.cross_entropy, outs, ys)
    torch_loss = F.cross_entropy(out, torch.tensor(ys))
    assert_close([torch_loss.item()], [loss.data], "loss")
    loss.backward()
    torch_loss.backward()
    assert_same_gradients(model, module)


def test_an_rnn_module_also_runs_from_a_given_state_and_returns_the_last(needs_torch):
    model = nn.RNN(2, 3, "lstm", seed=4)
    module = nn.to_torch(model)
    xs = [[0.5, -1.0], [0.25, 2.0], [1.5, 0.0]]
    h0 = ([0.1, -0.2, 0.3], [1.0, 0.5, -0.5])
    outs, (h, c) = model(xs, h0)
    out, (th, tc) = module.run(tensor(xs), tuple(map(tensor, h0)))
    assert_close(flat(out), [v.data for row in outs for v in row], "hidden vectors")
    assert_close(flat(th) + flat(tc), [v.data for v in h + c], "last state")


# ---------------------------------------------------------------- embeddings, attention, GPT


@FEW
@given(num=SIZES, dim=SIZES, seed=SEEDS, data=st.data())
def test_an_embedding_looks_up_the_same_rows(needs_torch, num, dim, seed, data):
    model = nn.Embedding(num, dim, seed=seed)
    module = nn.to_torch(model)
    assert isinstance(module, torch.nn.Embedding)
    ids = data.draw(st.lists(st.integers(0, num - 1), min_size=1, max_size=4))
    coefficients = data.draw(testing.points(len(ids) * dim))
    outs = [model(i) for i in ids]
    out = module(torch.tensor(ids))
    assert_close(flat(out), [v.data for row in outs for v in row], "rows")
    weighted_sum(outs, coefficients).backward()
    torch_weighted_sum(out, coefficients).backward()
    assert_same_gradients(model, module)


@FEW
@given(n_head=st.integers(1, 3), head_dim=st.integers(1, 3), steps=st.integers(1, 4),
       seed=SEEDS, data=st.data())  # fmt: skip
def test_attention_computes_the_same_outputs_and_gradients(
    needs_torch, n_head, head_dim, steps, seed, data
):
    dim = n_head * head_dim
    model = nn.CausalSelfAttention(dim, n_head, seed=seed)
    module = nn.to_torch(model)
    xs = rows(data, steps, dim)
    coefficients = data.draw(testing.points(steps * dim))
    outs = model([[Value(v) for v in x] for x in xs])
    out = module(tensor(xs))
    assert tuple(out.shape) == (steps, dim)
    assert_close(flat(out), [v.data for row in outs for v in row], "outputs")
    weighted_sum(outs, coefficients).backward()
    torch_weighted_sum(out, coefficients).backward()
    assert_same_gradients(model, module)


@FEW
@given(vocab=st.integers(2, 6), block=st.integers(2, 5), n_head=st.integers(1, 2),
       head_dim=st.integers(1, 3), n_layer=st.integers(1, 2), seed=SEEDS,
       data=st.data())  # fmt: skip
def test_a_gpt_computes_the_same_logits_loss_and_gradients(
    needs_torch, vocab, block, n_head, head_dim, n_layer, seed, data
):
    model = nn.GPT(vocab, block, n_head * head_dim, n_head, n_layer, seed=seed)
    module = nn.to_torch(model)
    tokens = data.draw(st.lists(st.integers(0, vocab - 1), min_size=2, max_size=block + 1))
    inputs, targets = tokens[:-1], tokens[1:]
    logits = model(inputs)
    out = module(torch.tensor(inputs))
    assert tuple(out.shape) == (len(inputs), vocab)
    assert_close(flat(out), [v.data for row in logits for v in row], "logits")
    loss = nn.batch_mean(nn.cross_entropy, logits, targets)
    torch_loss = F.cross_entropy(out, torch.tensor(targets))
    assert_close([torch_loss.item()], [loss.data], "loss")
    loss.backward()
    torch_loss.backward()
    assert_same_gradients(model, module)


def test_a_gpt_module_takes_a_batch_of_sequences(needs_torch):
    model = nn.GPT(5, 4, 4, 2, 1, seed=3)
    module = nn.to_torch(model)
    batch = [[0, 1, 2], [4, 3, 3]]
    out = module(torch.tensor(batch))
    assert tuple(out.shape) == (2, 3, 5)
    for logits, tokens in zip(out, batch):
        assert_close(flat(logits), [v.data for row in model(tokens) for v in row], "logits")


def test_a_gpt_module_samples_the_same_tokens_for_the_same_seed(needs_torch):
    model = nn.GPT(6, 8, 4, 2, 1, seed=1)
    module = nn.to_torch(model)
    for seed in range(5):
        want = model.generate([0], 7, temperature=0.8, seed=seed, stop=0)
        assert module.generate([0], 7, temperature=0.8, seed=seed, stop=0) == want
    with pytest.raises(ValueError, match="block_size 8"):
        module.generate([0, 1], 8)
    with pytest.raises(ValueError, match="block_size 8"):
        module(torch.zeros(9, dtype=torch.long))


# ---------------------------------------------------------------- round trips


def every_kind() -> Iterator[nn.Module]:
    yield nn.Neuron(3, "sigmoid", seed=1)
    yield nn.Layer(3, 4, "relu", seed=2)
    yield nn.MLP(3, [4, 5, 2], "relu", "sigmoid", seed=3)
    yield nn.MLP(2, [3], "relu", seed=4)  # one layer: the hidden activation is never seen
    yield nn.RNNCell(2, 3, seed=5)
    yield nn.LSTMCell(2, 3, seed=6)
    yield nn.RNN(2, 3, "lstm", bptt_steps=2, seed=7)
    yield nn.SequenceModel(2, 3, 4, "rnn", activation="tanh", seed=8)
    yield nn.Embedding(5, 3, seed=9)
    yield nn.CausalSelfAttention(4, 2, seed=10)
    yield FeedForward(3, 5, seed=11)
    yield TransformerBlock(4, 2, seed=12)
    yield nn.GPT(7, 6, 4, 2, 2, seed=13)


def model_id(model: object) -> str:
    """A test id that is the same in every process (no memory address), for pytest-xdist."""
    text = repr(model)
    return type(model).__name__ if " object at 0x" in text else text


@pytest.mark.parametrize("model", list(every_kind()), ids=model_id)
def test_chainrule_to_torch_and_back_gives_identical_weights(needs_torch, model):
    module = nn.to_torch(model)
    weights = [p.data for p in model.parameters()]
    assert [v for p in module.parameters() for v in flat(p)] == weights  # one to one, in order
    assert all(p.dtype == torch.float64 for p in module.parameters())
    back = nn.from_torch(module)
    assert type(back) is type(model)
    assert back.config() == model.config()
    assert [p.data for p in back.parameters()] == weights


@FEW
@given(widths=st.lists(SIZES, min_size=2, max_size=4), activation=ACTIVATIONS,
       output=ACTIVATIONS, seed=SEEDS, data=st.data())  # fmt: skip
def test_a_plain_torch_sequential_becomes_an_mlp_with_the_same_gradients(
    needs_torch, widths, activation, output, seed, data
):
    torch.manual_seed(seed)
    kinds = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid}
    layers: list[Any] = []
    for i, (nin, nout) in enumerate(itertools.pairwise(widths)):
        layers.append(torch.nn.Linear(nin, nout, dtype=torch.float64))
        act = output if i == len(widths) - 2 else activation
        if act is not None:
            layers.append(kinds[act]())
    seq = torch.nn.Sequential(*layers)
    model = nn.from_torch(seq)
    assert isinstance(model, nn.MLP)
    assert (model.nin, model.nouts, model.output_activation) == (widths[0], widths[1:], output)
    xs = rows(data, 2, widths[0])
    coefficients = data.draw(testing.points(2 * widths[-1]))
    outs = [model(x) for x in xs]
    out = seq(tensor(xs))
    assert_close(flat(out), [v.data for row in outs for v in row], "outputs")
    weighted_sum(outs, coefficients).backward()
    torch_weighted_sum(out, coefficients).backward()
    linears = [m for m in seq if isinstance(m, torch.nn.Linear)]
    want = [  # torch keeps W then b; chainrule neuron by neuron: row j, then b_j
        g
        for lin in linears
        for row, b in zip(lin.weight.grad.tolist(), lin.bias.grad.tolist())
        for g in (*row, b)
    ]
    assert_close([p.grad for p in model.parameters()], want, "gradient")
    again = nn.to_torch(model)
    assert_close(flat(again(tensor(xs))), flat(out), "outputs after the round trip")


def test_plain_torch_cells_and_rnns_map_with_their_two_biases_summed(needs_torch):
    torch.manual_seed(0)
    for block, kind in (
        (torch.nn.RNNCell(2, 3, dtype=torch.float64), nn.RNNCell),
        (torch.nn.LSTMCell(2, 3, dtype=torch.float64), nn.LSTMCell),
        (torch.nn.RNN(2, 3, dtype=torch.float64), nn.RNN),
        (torch.nn.LSTM(2, 3, batch_first=True, dtype=torch.float64), nn.RNN),
    ):
        model = nn.from_torch(block)
        assert type(model) is kind
        suffix = "_l0" if kind is nn.RNN else ""
        biases = getattr(block, "bias_ih" + suffix) + getattr(block, "bias_hh" + suffix)
        cell = model.cell if isinstance(model, nn.RNN) else model
        assert [v.data for v in cell.b] == biases.tolist()
        assert [v.data for row in cell.w_hh for v in row] == flat(
            getattr(block, "weight_hh" + suffix)
        )
    x = [0.5, -1.5]
    lstm = torch.nn.LSTMCell(2, 3, dtype=torch.float64)
    h, c = nn.from_torch(lstm)(x, ([0.0] * 3, [0.0] * 3))
    th, tc = lstm(tensor(x))
    assert_close(flat(th) + flat(tc), [v.data for v in h + c], "next state")


# ---------------------------------------------------------------- what does not map


def test_to_torch_names_what_has_no_counterpart(needs_torch):
    class Custom(nn.MLP):
        pass

    with pytest.raises(TypeError, match="Custom has no PyTorch counterpart"):
        nn.to_torch(Custom(2, [2]))
    with pytest.raises(TypeError, match="list has no PyTorch counterpart"):
        nn.to_torch([Value(1.0)])  # type: ignore[arg-type]


NOT_MAPPING = {  # what from_torch is given -> what its error must say
    "dropout": (lambda t: t.Sequential(t.Linear(2, 3), t.Dropout(0.5), t.Linear(3, 1)),
                r"layer 1 \(Dropout\(p=0.5, inplace=False\)\) has no chainrule counterpart"),
    "gelu": (lambda t: t.Sequential(t.Linear(2, 3), t.GELU()), r"layer 1 \(GELU"),
    "activation first": (lambda t: t.Sequential(t.Tanh(), t.Linear(2, 3)), r"layer 0 \(Tanh\(\)\)"),
    "two activations": (lambda t: t.Sequential(t.Linear(2, 3), t.Tanh(), t.ReLU()),
                        r"layer 2 \(ReLU\(\)\)"),
    "widths": (lambda t: t.Sequential(t.Linear(2, 3), t.Linear(4, 1)),
               "layer 1 .* takes 4 inputs but the layer before gives 3"),
    "no bias": (lambda t: t.Sequential(t.Linear(2, 3, bias=False)),
                r"layer 0 \(Linear.*\) has no bias"),
    "mixed activations": (lambda t: t.Sequential(t.Linear(2, 3), t.Tanh(), t.Linear(3, 3),
                                                 t.ReLU(), t.Linear(3, 1)),
                          "layer 2 is followed by relu, layer 0 by tanh"),
    "empty": (lambda t: t.Sequential(), "holds no Linear layer"),
    "relu rnn": (lambda t: t.RNNCell(2, 3, nonlinearity="relu"),
                 "uses relu; chainrule's RNN is tanh"),
    "two-layer lstm": (lambda t: t.LSTM(2, 3, num_layers=2), "has more layers than chainrule's"),
    "gru": (lambda t: t.GRU(2, 3), "GRU has no chainrule counterpart"),
    "padding": (lambda t: t.Embedding(4, 2, padding_idx=0), "sets padding_idx"),
    "conv": (lambda t: t.Conv1d(1, 1, 2), "Conv1d has no chainrule counterpart"),
}  # fmt: skip


@pytest.mark.parametrize("case", NOT_MAPPING)
def test_from_torch_names_the_layer_that_does_not_map(needs_torch, case):
    build, message = NOT_MAPPING[case]
    module = build(torch.nn)
    with pytest.raises((ValueError, TypeError), match=message):
        nn.from_torch(module)


def test_from_torch_refuses_a_changed_module_and_bad_weights(needs_torch):
    module = nn.to_torch(nn.GPT(5, 4, 4, 2, 1, seed=0))
    module.blocks[0].mlp.fc1 = torch.nn.Linear(4, 8, bias=False, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"blocks.0.mlp.fc1.weight has shape \(8, 4\)"):
        nn.from_torch(module)
    layer = torch.nn.Linear(2, 2)
    with torch.no_grad():
        layer.weight[1, 0] = math.nan
    with pytest.raises(ValueError, match=r"Linear\.weight holds nan or inf"):
        nn.from_torch(layer)
    with pytest.raises(TypeError, match=r"expects a torch\.nn\.Module, got MLP"):
        nn.from_torch(nn.MLP(2, [2]))
    layer = nn.to_torch(nn.Layer(2, 3, seed=0))
    layer.append(torch.nn.Linear(3, 1))
    with pytest.raises(ValueError, match="LayerModule must hold one Linear of 3 outputs"):
        nn.from_torch(layer)
    with pytest.raises(ValueError, match="the sequence is empty"):
        nn.to_torch(nn.RNN(2, 3, seed=0))(torch.zeros(0, 2, dtype=torch.float64))


def test_without_torch_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now fails, as if missing
    for call in (nn.to_torch, nn.from_torch):
        with pytest.raises(ImportError, match=r"pip install 'chainrule\[torch\]'"):
            call(nn.MLP(2, [2]))
    assert "pip install 'chainrule[torch]'" in (torch_missing() or "")


@pytest.mark.slow
def test_the_benchmark_times_both_engines_on_the_same_work(needs_torch):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run(
        [sys.executable, "benchmarks/pytorch.py", "--repeats", "1"],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "| digits epoch (47 steps of 32) |" in out and "| GPT step on 'isabella' |" in out


# ---------------------------------------------------------------- losses against PyTorch's

SATURATED = st.sampled_from([0.0, 1e-300, 1e-40, 1e-13, 5e-13, 1.0 - 1e-13, 1.0 - 1e-16, 1.0])
"""Probabilities where PyTorch's clamps act: p (1 - p) < 1e-12, or a log below -100."""


@given(p=st.one_of(SATURATED, testing.reals(0.0, 1.0)), y=testing.reals(0.0, 1.0))
def test_binary_cross_entropy_is_pytorch_s_value_and_gradient(needs_torch, p, y):
    leaf = Value(p)
    loss = nn.binary_cross_entropy(leaf, y)
    loss.backward()
    t = torch.tensor(p, dtype=torch.float64, requires_grad=True)
    want = F.binary_cross_entropy(t, torch.tensor(y, dtype=torch.float64))
    want.backward()
    assert loss.data == pytest.approx(want.item(), rel=1e-12, abs=1e-300)
    if p * (1.0 - p) < 1e-12:  # one node carrying PyTorch's clamped gradient: to the last bit
        assert leaf.grad == t.grad.item()
    else:  # the chain rule through log nodes: the same derivative, rounded its own way
        assert leaf.grad == pytest.approx(t.grad.item(), rel=1e-10)
