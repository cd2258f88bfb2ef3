"""chainrule's nn: networks built on `autograd.Value` (neurons, layers, MLPs, recurrent nets)."""

from nn.module import ModelFileError, Module, load

__all__ = ["ModelFileError", "Module", "load"]
