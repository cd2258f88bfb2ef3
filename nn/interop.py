"""`nn.to_torch` and `nn.from_torch`: PyTorch is imported when they are called, never by
``import nn`` (the engine has no runtime dependencies and runs where torch cannot, in a browser)."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from nn.module import Module

__all__ = ["INSTALL_TORCH", "from_torch", "to_torch", "torch_missing"]

INSTALL_TORCH = "pip install 'chainrule[torch]'"
"""The install line for the PyTorch extra (torch's CPU build, pinned in pyproject.toml)."""


def torch_missing() -> str | None:
    """Why the PyTorch parts cannot run here, as one sentence with the install line; None if
    they can. Imports torch to find out."""
    try:
        import torch  # noqa: F401
    except ImportError:
        return f"PyTorch is not installed here; to run the PyTorch parts: {INSTALL_TORCH}"
    return None


def bridge() -> ModuleType:
    """`nn.pytorch`, imported now; ImportError with the install line when torch is missing."""
    try:
        import torch  # noqa: F401  (first: a torch hidden from sys.modules counts as missing)

        from nn import pytorch
    except ModuleNotFoundError as e:
        if e.name != "torch" and not (e.name or "").startswith("torch."):
            raise
        raise ImportError(f"this needs PyTorch, which is not installed: {INSTALL_TORCH}") from e
    return pytorch


def to_torch(model: Module) -> Any:
    """A PyTorch module (float64) that computes exactly what ``model`` computes, weights copied:
    its ``parameters()``, flattened, are the model's ``parameters()`` one to one and in order.
    MLPs take (batch, nin), sequence models (seq_len, nin), the GPT token ids (T,) or (B, T)."""
    return bridge().to_torch(model)


def from_torch(module: Any) -> Module:
    """The chainrule model with ``module``'s weights, for modules `to_torch` makes and plain
    ``torch.nn.Sequential`` stacks of Linear and Tanh/ReLU/Sigmoid; an error names any layer
    that does not map."""
    model: Module = bridge().from_torch(module)
    return model
