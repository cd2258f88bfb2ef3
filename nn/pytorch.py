"""chainrule models as PyTorch modules computing the same numbers, and back (imports torch: reach it
through `nn.to_torch` and `nn.from_torch`, which say how to install it when it is missing).

A module from `to_torch` works in float64 and its ``parameters()``, each flattened, run through the
model's ``parameters()`` one to one and in order, so weights and gradients compare directly:

- a chainrule layer's neurons are the rows of one ``[W | b]`` parameter (`NeuronLinear`, a torch
  ``Linear`` whose ``weight`` and ``bias`` are views of it): row j is neuron j's weights, then its
  bias, the order chainrule keeps them in;
- torch's recurrent blocks add two biases, ``bias_ih + bias_hh``, where chainrule has one ``b``:
  the exported block learns ``bias_ih`` as ``b`` and holds ``bias_hh`` at zero as a buffer, so it
  runs torch's own cell with chainrule's parameters.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

import torch
import torch.nn.functional as F
from torch import Tensor
from torch import nn as tnn
from torch.nn.utils import parameters_to_vector, vector_to_parameters

from nn.attention import (
    GPT,
    MLP_RATIO,
    RMS_EPS,
    CausalSelfAttention,
    Embedding,
    FeedForward,
    TransformerBlock,
)
from nn.checks import check_count
from nn.layers import MLP, Layer, Neuron, make_rng
from nn.module import Module
from nn.recurrent import RNN, LSTMCell, RNNCell, SequenceModel
from nn.sampling import check_temperature, sample_index

__all__ = [
    "DTYPE",
    "AttentionModule",
    "BlockModule",
    "FeedForwardModule",
    "GPTModule",
    "LayerModule",
    "MLPModule",
    "NeuronLinear",
    "NeuronModule",
    "RecurrentModule",
    "SequenceModule",
    "from_torch",
    "to_torch",
]

DTYPE = torch.float64
"""chainrule computes in Python floats, which are float64."""

TORCH_ACTIVATIONS: dict[str | None, type[Any] | None] = {
    "tanh": tnn.Tanh,
    "relu": tnn.ReLU,
    "sigmoid": tnn.Sigmoid,
    None: None,
}
"""chainrule's activation names (`nn.layers.ACTIVATIONS`) and torch's module for each."""

ACTIVATION_NAMES = {cls: name for name, cls in TORCH_ACTIVATIONS.items() if cls is not None}

SEQUENTIAL_RULE = (
    "a Sequential maps when it holds Linear layers with biases, each followed by at most one of "
    "Tanh, ReLU or Sigmoid, the same one after every hidden layer"
)


# ---------------------------------------------------------------- neurons, layers, MLPs


class NeuronLinear(tnn.Linear):  # type: ignore[misc]
    """``x W^T + b``, a torch ``Linear`` whose one parameter ``weight_bias`` holds row j =
    neuron j's weights then its bias (chainrule's order). ``weight`` and ``bias`` are views of
    it, so their gradients arrive in ``weight_bias.grad``."""

    def __init__(self, nin: int, nout: int) -> None:
        tnn.Module.__init__(self)  # not Linear's, which would make weight and bias parameters
        self.in_features, self.out_features = nin, nout
        self.weight_bias = tnn.Parameter(torch.zeros(nout, nin + 1, dtype=DTYPE))

    @property
    def weight(self) -> Tensor:
        return self.weight_bias[:, :-1]

    @property
    def bias(self) -> Tensor:
        return self.weight_bias[:, -1]


def _dense(nin: int, nout: int, activation: str | None) -> list[Any]:
    """A layer's torch modules: its `NeuronLinear`, then its activation if it has one."""
    act = TORCH_ACTIVATIONS[activation]
    return [NeuronLinear(nin, nout)] + ([] if act is None else [act()])


class LayerModule(tnn.Sequential):  # type: ignore[misc]
    """chainrule's `Layer`: (batch, nin) -> (batch, nout)."""

    def __init__(self, nin: int, nout: int, activation: str | None) -> None:
        super().__init__(*_dense(nin, nout, activation))


class NeuronModule(LayerModule):
    """chainrule's `Neuron`: (batch, nin) -> (batch,), one number per row as the Neuron gives
    one Value per input."""

    def __init__(self, nin: int, activation: str | None) -> None:
        super().__init__(nin, 1, activation)

    def forward(self, x: Tensor) -> Tensor:
        return super().forward(x).squeeze(-1)


class MLPModule(tnn.Sequential):  # type: ignore[misc]
    """chainrule's `MLP`: Linear, activation, Linear, ... as one Sequential, (batch, nin) ->
    (batch, nout). ``activation`` is kept for the way back (a one-layer MLP never shows it)."""

    def __init__(
        self, nin: int, nouts: Sequence[int], activation: str | None, output: str | None
    ) -> None:
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        super().__init__(
            *[
                module
                for i in range(len(nouts))
                for module in _dense(sizes[i], sizes[i + 1], output if i == last else activation)
            ]
        )
        self.activation = activation


# ---------------------------------------------------------------- recurrent nets


def _one_bias(block: Any, name: str) -> Any:
    """``block`` with its parameter ``name`` (a second bias) replaced by a zero buffer."""
    zeros = torch.zeros_like(getattr(block, name)).detach()
    delattr(block, name)
    block.register_buffer(name, zeros)  # torch's RNN and LSTM re-read their weights each call
    return block


def _cell(model: RNNCell | LSTMCell) -> Any:
    """torch's RNNCell (tanh) or LSTMCell with chainrule's one bias."""
    if isinstance(model, LSTMCell):
        return _one_bias(tnn.LSTMCell(model.nin, model.nhidden, dtype=DTYPE), "bias_hh")
    return _one_bias(tnn.RNNCell(model.nin, model.nhidden, dtype=DTYPE), "bias_hh")


State: TypeAlias = Tensor | tuple[Tensor, Tensor]


class RecurrentModule(tnn.Module):  # type: ignore[misc]
    """chainrule's `RNN`: torch's RNN (tanh) or LSTM over one sequence (seq_len, nin), or a batch
    (seq_len, batch, nin), giving every step's hidden vector. With ``bptt_steps`` k the state is
    detached every k steps (truncated BPTT, as chainrule does)."""

    def __init__(self, nin: int, nhidden: int, cell: str, bptt_steps: int | None) -> None:
        super().__init__()
        self.cell = cell
        self.bptt_steps = bptt_steps
        block = tnn.LSTM if cell == "lstm" else tnn.RNN
        self.rnn = _one_bias(block(nin, nhidden, dtype=DTYPE), "bias_hh_l0")

    def forward(self, xs: Tensor, h0: State | None = None) -> Tensor:
        """Every step's hidden vector: (seq_len, nhidden) or (seq_len, batch, nhidden)."""
        return self.run(xs, h0)[0]

    def run(self, xs: Tensor, h0: State | None = None) -> tuple[Tensor, State]:
        """(every step's hidden vector, the last state): h, or (h, c) for an LSTM, as chainrule's
        `RNN` returns them; ``h0`` is such a state (zeros if None)."""
        if not len(xs):
            raise ValueError("RecurrentModule: the sequence is empty (no step to run)")
        state: Any = None if h0 is None else _map_state(h0, lambda t: t.unsqueeze(0))
        k = self.bptt_steps or len(xs)
        outputs = []
        for start in range(0, len(xs), k):
            if start:
                state = _map_state(state, Tensor.detach)
            out, state = self.rnn(xs[start : start + k], state)
            outputs.append(out)
        return torch.cat(outputs), _map_state(state, lambda t: t.squeeze(0))


def _map_state(state: Any, f: Callable[[Tensor], Tensor]) -> Any:
    return tuple(map(f, state)) if isinstance(state, tuple) else f(state)


class SequenceModule(tnn.Module):  # type: ignore[misc]
    """chainrule's `SequenceModel`: the RNN, then the readout layer on every step, (seq_len, nin)
    -> (seq_len, nout)."""

    def __init__(
        self,
        nin: int,
        nhidden: int,
        nout: int,
        cell: str,
        bptt_steps: int | None,
        activation: str | None,
    ) -> None:
        super().__init__()
        self.rnn = RecurrentModule(nin, nhidden, cell, bptt_steps)
        self.readout = LayerModule(nhidden, nout, activation)

    def forward(self, xs: Tensor, h0: State | None = None) -> Tensor:
        return self.readout(self.rnn(xs, h0))


# ---------------------------------------------------------------- attention and the GPT


def _linear(nin: int, nout: int) -> Any:
    """A bias-free Linear: chainrule's attention matrices have no biases."""
    return tnn.Linear(nin, nout, bias=False, dtype=DTYPE)


class AttentionModule(tnn.Module):  # type: ignore[misc]
    """chainrule's `CausalSelfAttention`: (T, dim) or (batch, T, dim) -> the same shape."""

    def __init__(self, dim: int, n_head: int) -> None:
        super().__init__()
        self.n_head = n_head
        self.wq = _linear(dim, dim)
        self.wk = _linear(dim, dim)
        self.wv = _linear(dim, dim)
        self.wo = _linear(dim, dim)

    def forward(self, x: Tensor) -> Tensor:
        *lead, t, dim = x.shape

        def heads(y: Tensor) -> Tensor:  # (..., T, dim) -> (..., head, T, head_dim)
            return y.view(*lead, t, self.n_head, dim // self.n_head).transpose(-3, -2)

        q, k, v = heads(self.wq(x)), heads(self.wk(x)), heads(self.wv(x))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.wo(y.transpose(-3, -2).reshape(*lead, t, dim))


class FeedForwardModule(tnn.Module):  # type: ignore[misc]
    """chainrule's `FeedForward`: ``fc2(relu(fc1(x)))``."""

    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.fc1 = _linear(dim, hidden)
        self.fc2 = _linear(hidden, dim)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc2(F.relu(self.fc1(x)))


def _rmsnorm(dim: int) -> Any:
    return tnn.RMSNorm(dim, eps=RMS_EPS, elementwise_affine=False)


class BlockModule(tnn.Module):  # type: ignore[misc]
    """chainrule's `TransformerBlock`: ``x + attn(rmsnorm(x))``, then ``x + mlp(rmsnorm(x))``."""

    def __init__(self, dim: int, n_head: int) -> None:
        super().__init__()
        self.attn_norm = _rmsnorm(dim)
        self.attn = AttentionModule(dim, n_head)
        self.mlp_norm = _rmsnorm(dim)
        self.mlp = FeedForwardModule(dim, MLP_RATIO * dim)

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.attn(self.attn_norm(x))
        return x + self.mlp(self.mlp_norm(x))


class GPTModule(tnn.Module):  # type: ignore[misc]
    """chainrule's `GPT`: token ids (T,) or (batch, T) -> logits (..., T, vocab_size)."""

    def __init__(
        self, vocab_size: int, block_size: int, n_embd: int, n_head: int, n_layer: int
    ) -> None:
        super().__init__()
        self.block_size = block_size
        self.n_head = n_head
        self.wte = tnn.Embedding(vocab_size, n_embd, dtype=DTYPE)
        self.wpe = tnn.Embedding(block_size, n_embd, dtype=DTYPE)
        self.embed_norm = _rmsnorm(n_embd)
        self.blocks = tnn.ModuleList(BlockModule(n_embd, n_head) for _ in range(n_layer))
        self.lm_head = _linear(n_embd, vocab_size)

    def forward(self, tokens: Tensor | Sequence[int]) -> Tensor:
        tokens = torch.as_tensor(tokens)
        t = tokens.shape[-1]
        if not 0 < t <= self.block_size:
            raise ValueError(f"{t} tokens do not fit in block_size {self.block_size} (1 or more)")
        x = self.embed_norm(self.wte(tokens) + self.wpe(torch.arange(t)))
        for block in self.blocks:
            x = block(x)
        return self.lm_head(x)

    def generate(
        self,
        prompt: Sequence[int],
        n: int,
        temperature: float = 1.0,
        seed: int | None = None,
        *,
        stop: int | None = None,
    ) -> list[int]:
        """As chainrule's `GPT.generate`: ``n`` tokens after ``prompt``, each drawn with
        ``random.Random(seed).choices`` from ``softmax(logits / temperature)``, ending early
        after ``stop``; the same seed draws the same tokens from the same logits."""
        n = check_count("n", n, least=0)
        temperature = check_temperature(temperature)
        tokens = list(prompt)
        if not tokens or len(tokens) + max(n - 1, 0) > self.block_size:
            raise ValueError(
                f"{len(tokens)} tokens and {n} more to generate do not fit in block_size "
                f"{self.block_size}"
            )
        gen: random.Random = make_rng(seed)
        out: list[int] = []
        with torch.no_grad():
            while len(out) < n:
                logits = self(tokens + out)[-1]
                out.append(sample_index(logits.tolist(), temperature, gen))
                if out[-1] == stop:
                    break
        return out


# ---------------------------------------------------------------- chainrule -> torch

BUILDERS: dict[type[Module], Callable[[Any], Any]] = {
    Neuron: lambda m: NeuronModule(m.nin, m.activation),
    Layer: lambda m: LayerModule(m.nin, m.nout, m.activation),
    MLP: lambda m: MLPModule(m.nin, m.nouts, m.activation, m.output_activation),
    RNNCell: _cell,
    LSTMCell: _cell,
    RNN: lambda m: RecurrentModule(m.nin, m.nhidden, m.config()["cell"], m.bptt_steps),
    SequenceModel: lambda m: SequenceModule(**m.config()),
    Embedding: lambda m: tnn.Embedding(m.num, m.dim, dtype=DTYPE),
    CausalSelfAttention: lambda m: AttentionModule(m.dim, m.n_head),
    FeedForward: lambda m: FeedForwardModule(m.dim, m.hidden),
    TransformerBlock: lambda m: BlockModule(m.attn.dim, m.attn.n_head),
    GPT: lambda m: GPTModule(**m.config()),
}
"""How each chainrule model class becomes a torch module (weights are copied afterwards)."""


def to_torch(model: Module) -> Any:
    """A float64 torch module computing what ``model`` computes, with its weights copied; its
    flattened ``parameters()`` are the model's ``parameters()`` in order."""
    build = BUILDERS.get(type(model))
    if build is None:
        raise TypeError(
            f"to_torch: {type(model).__name__} has no PyTorch counterpart (these map: "
            f"{', '.join(cls.__name__ for cls in BUILDERS)})"
        )
    for activation in _activations(model):
        if activation not in TORCH_ACTIVATIONS:
            raise ValueError(
                f"to_torch: {model!r}: activation {activation!r} has no PyTorch module"
            )
    module = build(model)
    values = [p.data for p in model.parameters()]
    count = sum(p.numel() for p in module.parameters())
    if count != len(values):  # a model changed after it was built
        raise ValueError(
            f"to_torch: {model!r} holds {len(values)} parameters, its architecture {count}"
        )
    vector_to_parameters(torch.tensor(values, dtype=DTYPE), module.parameters())
    return module


def _activations(model: Module) -> list[str | None]:
    names = [getattr(model, "activation", None), getattr(model, "output_activation", None)]
    readout = getattr(model, "readout", None)
    return names + ([] if readout is None else [readout.activation])


# ---------------------------------------------------------------- torch -> chainrule


def from_torch(module: Any) -> Module:
    """The chainrule model with ``module``'s weights: for the modules `to_torch` makes, a plain
    ``torch.nn.Sequential`` of Linear layers and Tanh/ReLU/Sigmoid (an `MLP`), a ``Linear`` (a
    `Layer`), an ``Embedding``, and torch's tanh ``RNNCell``/``RNN`` and ``LSTMCell``/``LSTM``
    with one layer (their two biases become chainrule's one, summed). ValueError naming the
    layer for what does not map."""
    if not isinstance(module, tnn.Module):
        raise TypeError(f"from_torch expects a torch.nn.Module, got {type(module).__name__}")
    convert = CONVERTERS.get(type(module))
    if convert is None:
        raise TypeError(
            f"from_torch: {type(module).__name__} has no chainrule counterpart (these map: "
            f"{', '.join(cls.__name__ for cls in CONVERTERS)}; {SEQUENTIAL_RULE})"
        )
    model, values = convert(module)
    for p, v in zip(model.parameters(), values, strict=True):
        p.data = v
    return model


Converted = tuple[Module, list[float]]
"""A chainrule model (weights not yet set) and its parameters' values in order."""


def _floats(tensor: Tensor, where: str) -> list[float]:
    """A tensor's numbers, flattened, as Python floats; ValueError on nan or inf."""
    t = tensor.detach().cpu().to(DTYPE)
    if not bool(torch.isfinite(t).all()):
        raise ValueError(f"from_torch: {where} holds nan or inf")
    values: list[float] = t.flatten().tolist()
    return values


def _neuron_rows(linear: Any, where: str) -> list[float]:
    """A Linear's weights in chainrule's order: row j's weights, then bias j, for each j."""
    if linear.bias is None:
        raise ValueError(
            f"from_torch: {where} ({linear}) has no bias; chainrule's neurons always have one"
        )
    weight = _floats(linear.weight, f"{where}.weight")
    bias = _floats(linear.bias, f"{where}.bias")
    n = linear.in_features
    return [v for j, b in enumerate(bias) for v in (*weight[j * n : (j + 1) * n], b)]


def _dense_layers(seq: Any, owner: str) -> list[tuple[Any, str | None, str]]:
    """(Linear, the activation after it, its name) for each Linear of ``seq``, checked."""
    layers: list[tuple[Any, str | None, str]] = []
    activated = False
    for name, child in seq.named_children():
        where = f"{owner} layer {name} ({child})"
        if isinstance(child, tnn.Linear):
            if layers and child.in_features != layers[-1][0].out_features:
                raise ValueError(
                    f"from_torch: {where} takes {child.in_features} inputs but the layer before "
                    f"gives {layers[-1][0].out_features}"
                )
            layers.append((child, None, name))
            activated = False
        elif type(child) in ACTIVATION_NAMES and layers and not activated:
            linear, _, linear_name = layers[-1]
            layers[-1] = (linear, ACTIVATION_NAMES[type(child)], linear_name)
            activated = True
        else:
            raise ValueError(f"from_torch: {where} has no chainrule counterpart: {SEQUENTIAL_RULE}")
    if not layers:
        raise ValueError(f"from_torch: {owner} holds no Linear layer: {SEQUENTIAL_RULE}")
    first = layers[0][1]
    for _, act, name in layers[1:-1]:
        if act != first:
            raise ValueError(
                f"from_torch: {owner} layer {name} is followed by {act}, layer {layers[0][2]} by "
                f"{first}; chainrule's MLP has one activation for every hidden layer"
            )
    return layers


def _from_sequential(seq: Any) -> Converted:
    owner = type(seq).__name__
    layers = _dense_layers(seq, owner)
    values = [
        v for linear, _, name in layers for v in _neuron_rows(linear, f"{owner} layer {name}")
    ]
    nin = layers[0][0].in_features
    nouts = [linear.out_features for linear, _, _ in layers]
    output = layers[-1][1]
    if type(seq) in (LayerModule, NeuronModule):
        width = 1 if type(seq) is NeuronModule else nouts[0]
        if len(layers) > 1 or nouts[0] != width:
            raise ValueError(f"from_torch: {owner} must hold one Linear of {width} outputs")
        if type(seq) is NeuronModule:
            return Neuron(nin, output), values
        return Layer(nin, width, output), values
    hidden = layers[0][1] if len(layers) > 1 else getattr(seq, "activation", "tanh")
    return MLP(nin, nouts, hidden, output), values


def _from_linear(linear: Any) -> Converted:
    layer = Layer(linear.in_features, linear.out_features, None)
    return layer, _neuron_rows(linear, type(linear).__name__)


def _recurrent_values(block: Any, suffix: str, where: str) -> list[float]:
    """A torch recurrent block's weights as chainrule's cell holds them: w_ih, w_hh, then one
    bias, bias_ih + bias_hh (bias_hh is a zero buffer in what `to_torch` makes)."""
    if getattr(block, "bias_ih" + suffix, None) is None:
        raise ValueError(f"from_torch: {where} has no biases; chainrule's cells always have one")
    if getattr(block, "nonlinearity", "tanh") != "tanh":
        raise ValueError(f"from_torch: {where} uses {block.nonlinearity}; chainrule's RNN is tanh")
    bias = getattr(block, "bias_ih" + suffix) + getattr(block, "bias_hh" + suffix)
    return [
        *_floats(getattr(block, "weight_ih" + suffix), f"{where}.weight_ih{suffix}"),
        *_floats(getattr(block, "weight_hh" + suffix), f"{where}.weight_hh{suffix}"),
        *_floats(bias, f"{where}'s biases"),
    ]


def _from_cell(cell: Any) -> Converted:
    kind = LSTMCell if isinstance(cell, tnn.LSTMCell) else RNNCell
    values = _recurrent_values(cell, "", type(cell).__name__)
    return kind(cell.input_size, cell.hidden_size), values


def _check_one_layer(block: Any, where: str) -> None:
    for what, wrong in (
        ("layers", block.num_layers != 1),
        ("directions", block.bidirectional),
        ("a projection", getattr(block, "proj_size", 0)),
    ):
        if wrong:
            raise ValueError(
                f"from_torch: {where} ({block}) has more {what} than chainrule's RNN "
                "(one layer, one direction, no projection)"
            )


def _from_rnn(
    block: Any, bptt_steps: int | None = None, where: str = ""
) -> tuple[RNN, list[float]]:
    where = where or type(block).__name__
    _check_one_layer(block, where)
    cell = "lstm" if isinstance(block, tnn.LSTM) else "rnn"
    values = _recurrent_values(block, "_l0", where)
    return RNN(block.input_size, block.hidden_size, cell, bptt_steps), values


def _from_recurrent(module: RecurrentModule) -> Converted:
    return _from_rnn(module.rnn, module.bptt_steps, "RecurrentModule.rnn")


def _from_sequence(module: SequenceModule) -> Converted:
    rnn, values = _from_rnn(module.rnn.rnn, module.rnn.bptt_steps, "SequenceModule.rnn.rnn")
    layers = _dense_layers(module.readout, "SequenceModule.readout")
    (readout, activation, _), *more = layers
    if more or readout.in_features != rnn.nhidden:
        raise ValueError(
            f"from_torch: SequenceModule.readout must be one layer of {rnn.nhidden} inputs"
        )
    model = SequenceModel(
        rnn.nin, rnn.nhidden, readout.out_features, rnn.config()["cell"], rnn.bptt_steps, activation
    )
    return model, values + _neuron_rows(readout, "SequenceModule.readout")


def _from_embedding(emb: Any) -> Converted:
    for option in ("padding_idx", "max_norm"):
        if getattr(emb, option) is not None:
            raise ValueError(f"from_torch: {emb} sets {option}, which chainrule's Embedding lacks")
    if emb.scale_grad_by_freq:
        raise ValueError(f"from_torch: {emb} scales gradients by frequency; chainrule does not")
    return Embedding(emb.num_embeddings, emb.embedding_dim), _floats(emb.weight, "Embedding")


def _same_layout(module: Any, model: Module) -> Converted:
    """``model`` (built from ``module``'s sizes) with ``module``'s weights, once every parameter
    has been checked to have the name and shape `to_torch` would give it."""
    owner = type(module).__name__
    expected = [(n, tuple(p.shape)) for n, p in to_torch(model).named_parameters()]
    got = [(n, tuple(p.shape)) for n, p in module.named_parameters()]
    for (name, shape), want in zip(got, expected):
        if (name, shape) != want:
            raise ValueError(
                f"from_torch: {owner}.{name} has shape {shape}; {model!r} needs {want[0]} "
                f"of shape {want[1]}"
            )
    if len(got) != len(expected):
        raise ValueError(
            f"from_torch: {owner} has {len(got)} parameters; {model!r} needs {len(expected)}"
        )
    return model, _floats(parameters_to_vector(module.parameters()), owner)


def _from_gpt(module: GPTModule) -> Converted:
    vocab, n_embd = module.wte.weight.shape
    model = GPT(vocab, module.block_size, n_embd, module.n_head, len(module.blocks))
    return _same_layout(module, model)


CONVERTERS: dict[type[Any], Callable[[Any], Converted]] = {
    tnn.Sequential: _from_sequential,
    MLPModule: _from_sequential,
    LayerModule: _from_sequential,
    NeuronModule: _from_sequential,
    tnn.Linear: _from_linear,
    NeuronLinear: _from_linear,
    tnn.RNNCell: _from_cell,
    tnn.LSTMCell: _from_cell,
    tnn.RNN: _from_rnn,
    tnn.LSTM: _from_rnn,
    RecurrentModule: _from_recurrent,
    SequenceModule: _from_sequence,
    tnn.Embedding: _from_embedding,
    AttentionModule: lambda m: _same_layout(m, CausalSelfAttention(m.wq.in_features, m.n_head)),
    FeedForwardModule: lambda m: _same_layout(
        m, FeedForward(m.fc1.in_features, m.fc1.out_features)
    ),
    BlockModule: lambda m: _same_layout(m, TransformerBlock(m.attn.wq.in_features, m.attn.n_head)),
    GPTModule: _from_gpt,
}
"""How each torch module class becomes a chainrule model (exact classes: a subclass may compute
something else)."""
