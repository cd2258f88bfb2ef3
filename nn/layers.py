"""Neurons, layers and multi-layer perceptrons made of `Value` parameters.

A neuron is one fused `dot` node (weights, inputs and bias as its parents) followed by its
activation; a layer builds all of its neurons' dot nodes in one `autograd.dots` call. Calling a `Layer` or an `MLP` always returns a list of
Values, also when there is one output.

Initialisation is seeded and depends on the activation: Glorot/Xavier uniform (bound
sqrt(6 / (fan_in + fan_out))) for tanh, sigmoid and linear units, He/Kaiming uniform (bound
sqrt(6 / fan_in)) for relu units; biases start at 0.
"""

from __future__ import annotations

import itertools
import math
import numbers
import random
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import autograd
from autograd import Value
from nn.checks import check_count, check_int, ordered_items, shown
from nn.module import Module

__all__ = ["ACTIVATIONS", "MLP", "Layer", "Neuron", "make_rng"]

ACTIVATIONS: dict[str | None, Callable[[Value], Value] | None] = {
    "tanh": Value.tanh,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
    None: None,
}
"""The activation names a neuron accepts (None: linear, no activation node)."""

Inputs = Sequence[Value | float | int]


def make_rng(seed: int | None = None, rng: random.Random | None = None) -> random.Random:
    """The random generator to draw from: ``rng`` itself, a new one seeded with ``seed``, or an
    unseeded one when both are None. Giving both is an error (which one should win?)."""
    if rng is not None:
        if seed is not None:
            raise ValueError("give either seed= or rng=, not both")
        if not isinstance(rng, random.Random):
            raise TypeError(f"rng must be a random.Random, got {type(rng).__name__}")
        return rng
    return random.Random(None if seed is None else check_int("seed", seed))


def _check_widths(nouts: object) -> list[int]:
    if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
        raise ValueError(f"nouts must be a non-empty list of layer widths, got {shown(nouts)}")
    return [check_count("every layer width in nouts", n) for n in nouts]


def _check_activation(activation: object) -> str | None:
    if not (activation is None or isinstance(activation, str)) or activation not in ACTIVATIONS:
        names = ", ".join(repr(a) for a in ACTIVATIONS)
        raise ValueError(f"unknown activation {shown(activation)} (choose from {names})")
    return activation


def _check_inputs(who: str, x: object, nin: int) -> Inputs:
    if isinstance(x, (Value, numbers.Real)):
        raise TypeError(f"{who} expects a list of {nin} inputs, got a single {type(x).__name__}")
    items = x if isinstance(x, tuple) else ordered_items(x)  # e.g. a numpy row becomes a list
    if items is None:
        raise TypeError(f"{who} expects a list of {nin} inputs, got {type(x).__name__}")
    if len(items) != nin:
        raise ValueError(f"{who} expects {nin} inputs, got {len(items)}")
    return items


def init_bound(nin: int, nout: int, activation: str | None) -> float:
    """Half-width of the uniform initialisation: He for relu, Glorot otherwise."""
    if activation == "relu":
        return math.sqrt(6.0 / nin)
    return math.sqrt(6.0 / (nin + nout))


class Neuron(Module):
    """activation(w . x + b): one fused `dot` node with its bias, then the activation.

    ``fan_out`` only scales the Glorot initialisation (a layer passes its width; a lone neuron
    uses 1) and is not part of the saved architecture.
    """

    def __init__(
        self,
        nin: int,
        activation: str | None = "tanh",
        *,
        seed: int | None = None,
        rng: random.Random | None = None,
        fan_out: int = 1,
    ) -> None:
        self.nin = check_count("nin", nin)
        self.activation = _check_activation(activation)
        self.check_size(self.config())
        gen = make_rng(seed, rng)
        bound = init_bound(self.nin, check_count("fan_out", fan_out), self.activation)
        self.w = [Value(gen.uniform(-bound, bound)) for _ in range(self.nin)]
        self.b = Value(0.0)

    def __call__(self, x: Inputs) -> Value:
        out = autograd.dot(self.w, _check_inputs("Neuron", x, self.nin), self.b)
        act = ACTIVATIONS[self.activation]
        return out if act is None else act(out)

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "activation": self.activation}

    @classmethod
    def count_parameters(cls, config: dict[str, Any]) -> int:
        return check_count("nin", config["nin"]) + 1

    @classmethod
    def state_layout(cls, config: dict[str, Any]) -> Iterator[tuple[str, int]]:
        yield "w", check_count("nin", config["nin"])
        yield "b", 1

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons that all see the same inputs; returns their outputs as a list."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | None = "tanh",
        *,
        seed: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.nin = check_count("nin", nin)
        self.nout = check_count("nout", nout)
        self.activation = _check_activation(activation)
        self.check_size(self.config())
        gen = make_rng(seed, rng)
        self.neurons = [
            Neuron(self.nin, self.activation, rng=gen, fan_out=self.nout) for _ in range(self.nout)
        ]

    def __call__(self, x: Inputs) -> list[Value]:
        return self.forward(_check_inputs("Layer", x, self.nin))

    def forward(self, x: Inputs) -> list[Value]:
        """The layer on inputs already known to have the right length (no checks)."""
        neurons = self.neurons
        out = autograd.dots([n.w for n in neurons], x, [n.b for n in neurons])
        act = ACTIVATIONS[self.activation]
        return out if act is None else list(map(act, out))

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "nout": self.nout, "activation": self.activation}

    @classmethod
    def count_parameters(cls, config: dict[str, Any]) -> int:
        return check_count("nout", config["nout"]) * (check_count("nin", config["nin"]) + 1)

    @classmethod
    def state_layout(cls, config: dict[str, Any]) -> Iterator[tuple[str, int]]:
        neuron = list(Neuron.state_layout({"nin": config["nin"]}))
        for i in range(check_count("nout", config["nout"])):
            for name, n in neuron:
                yield f"neurons.{i}.{name}", n

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """Fully connected layers ``nin -> nouts[0] -> ... -> nouts[-1]``.

    Hidden layers use ``activation``; the last layer uses ``output_activation`` (None: linear
    outputs, e.g. logits for `cross_entropy` or scores for `hinge_loss`).
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str | None = "tanh",
        output_activation: str | None = None,
        *,
        seed: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.nin = check_count("nin", nin)
        self.nouts = _check_widths(nouts)
        self.activation = _check_activation(activation)
        self.output_activation = _check_activation(output_activation)
        self.check_size(self.config())
        gen = make_rng(seed, rng)
        sizes = [self.nin, *self.nouts]
        last = len(self.nouts) - 1
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                self.output_activation if i == last else self.activation,
                rng=gen,
            )
            for i in range(len(self.nouts))
        ]

    def __call__(self, x: Inputs) -> list[Value]:
        x = _check_inputs("MLP", x, self.nin)
        for layer in self.layers:
            x = layer.forward(x)
        return x  # type: ignore[return-value]

    def config(self) -> dict[str, Any]:
        return {
            "nin": self.nin,
            "nouts": list(self.nouts),
            "activation": self.activation,
            "output_activation": self.output_activation,
        }

    @classmethod
    def count_parameters(cls, config: dict[str, Any]) -> int:
        sizes = [check_count("nin", config["nin"]), *_check_widths(config["nouts"])]
        return sum(nout * (nin + 1) for nin, nout in itertools.pairwise(sizes))

    @classmethod
    def state_layout(cls, config: dict[str, Any]) -> Iterator[tuple[str, int]]:
        sizes = [check_count("nin", config["nin"]), *_check_widths(config["nouts"])]
        for i, (nin, nout) in enumerate(itertools.pairwise(sizes)):
            for name, n in Layer.state_layout({"nin": nin, "nout": nout}):
                yield f"layers.{i}.{name}", n

    def __repr__(self) -> str:
        return (
            f"MLP({self.nin}, {self.nouts}, activation={self.activation!r}, "
            f"output_activation={self.output_activation!r})"
        )
