"""chainrule's nn: networks built on `autograd.Value` (neurons, layers, MLPs, recurrent nets)."""

from nn.module import ModelFileError, Module, load
from nn.recurrent import RNN, LSTMCell, RNNCell, detach_state, grad_norms

__all__ = [
    "RNN",
    "LSTMCell",
    "ModelFileError",
    "Module",
    "RNNCell",
    "detach_state",
    "grad_norms",
    "load",
]
