"""chainrule's nn: networks built on `autograd.Value` (neurons, layers, MLPs, recurrent nets,
a small GPT), with losses, optimizers, small data sets and a training loop."""

import importlib
from typing import TYPE_CHECKING, Any

from nn import data
from nn.attention import GPT, CausalSelfAttention, Embedding, rmsnorm
from nn.data import Dataset
from nn.layers import MLP, Layer, Neuron
from nn.losses import (
    batch_mean,
    binary_cross_entropy,
    cross_entropy,
    hinge_loss,
    log_softmax,
    mse_loss,
    softmax,
)
from nn.module import ModelFileError, Module, load
from nn.objectives import Objective
from nn.optim import SGD, Adam, clip_grad_norm
from nn.recurrent import RNN, LSTMCell, RNNCell, SequenceModel, detach_state, grad_norms
from nn.scoring import accuracy, evaluate, loss_and_accuracy
from nn.train import Trainer, fit

if TYPE_CHECKING:
    from nn.views import network_view, training_view

_VIEWS = ("network_view", "training_view")
"""Imported from `nn.views` when first used, so a program that only trains never loads the
drawing code (as `autograd` does with its views)."""


def __getattr__(name: str) -> Any:
    if name in _VIEWS or name == "views":
        views = importlib.import_module("nn.views")
        return views if name == "views" else getattr(views, name)
    raise AttributeError(f"module 'nn' has no attribute {name!r}")


__all__ = [
    "GPT",
    "MLP",
    "RNN",
    "SGD",
    "Adam",
    "CausalSelfAttention",
    "Dataset",
    "Embedding",
    "LSTMCell",
    "Layer",
    "ModelFileError",
    "Module",
    "Neuron",
    "Objective",
    "RNNCell",
    "SequenceModel",
    "Trainer",
    "accuracy",
    "batch_mean",
    "binary_cross_entropy",
    "clip_grad_norm",
    "cross_entropy",
    "data",
    "detach_state",
    "evaluate",
    "fit",
    "grad_norms",
    "hinge_loss",
    "load",
    "loss_and_accuracy",
    "log_softmax",
    "mse_loss",
    "network_view",
    "rmsnorm",
    "softmax",
    "training_view",
]
