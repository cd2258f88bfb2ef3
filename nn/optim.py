"""Optimizers that update `Value` parameters in place from their ``.grad``, as PyTorch does.

The update rules are PyTorch's (torch.optim.SGD with dampening 0 and no Nesterov, torch.optim.Adam
with amsgrad off), written out per scalar:

SGD:  g = grad + weight_decay * p
      buf = g on the first step, else buf = momentum * buf + g     (only when momentum != 0)
      p -= lr * buf  (or lr * g without momentum)
Adam: t += 1;  g = grad + weight_decay * p
      m = b1 * m + (1 - b1) * g;   v = b2 * v + (1 - b2) * g * g
      p -= (lr / (1 - b1**t)) * m / (sqrt(v) / sqrt(1 - b2**t) + eps)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable

from autograd import Value

__all__ = ["SGD", "Adam", "Optimizer", "clip_grad_norm", "cosine_lr"]


def _param_list(params: Iterable[Value], who: str) -> list[Value]:
    if isinstance(params, Value):
        raise TypeError(f"{who}: params must be a list of Values (e.g. model.parameters())")
    try:
        items = list(params)
    except TypeError:
        raise TypeError(
            f"{who}: params must be a list of Values, got {type(params).__name__}"
        ) from None
    for i, p in enumerate(items):
        if not isinstance(p, Value):
            raise TypeError(f"{who}: params[{i}] is a {type(p).__name__}, not a Value")
    if not items:
        raise ValueError(f"{who}: got an empty parameter list")
    unique = {id(p): p for p in items}  # a parameter listed twice is updated once
    return list(unique.values())


def _hyper(name: str, value: object, low: float = 0.0, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    x = float(value)
    if not low <= x < high:
        bounds = f"in [{low:g}, {high:g})" if high != math.inf else f"a finite number >= {low:g}"
        raise ValueError(f"{name} must be {bounds}, got {value!r}")
    return x


class Optimizer:
    """Holds the parameters; subclasses implement `step`."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        self.params = _param_list(params, type(self).__name__)
        self.lr = _hyper("lr", lr)

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (call before each backward)."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its current ``.grad``."""
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, with PyTorch's momentum buffer when ``momentum > 0``."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        *,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _hyper("momentum", momentum)
        self.weight_decay = _hyper("weight_decay", weight_decay)
        self.buffers: list[float] | None = None  # momentum buffers, made on the first step

    def step(self) -> None:
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        params = self.params
        if mu == 0.0:
            for p in params:
                g = p.grad + wd * p.data if wd else p.grad
                p.data -= lr * g
            return
        grads = [p.grad + wd * p.data if wd else p.grad for p in params]
        if self.buffers is None:
            self.buffers = grads  # PyTorch: buf = clone(grad) on the first step
        else:
            self.buffers = [mu * b + g for b, g in zip(self.buffers, grads, strict=True)]
        for p, b in zip(params, self.buffers, strict=True):
            p.data -= lr * b


class Adam(Optimizer):
    """Adam with bias-corrected first and second moment estimates (PyTorch's formulation)."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        *,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (
            _hyper("betas[0]", betas[0], 0.0, 1.0),
            _hyper("betas[1]", betas[1], 0.0, 1.0),
        )
        self.eps = _hyper("eps", eps)
        self.weight_decay = _hyper("weight_decay", weight_decay)
        self.t = 0
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        wd, eps = self.weight_decay, self.eps
        step_size = self.lr / (1.0 - b1**self.t)
        root_correction2 = math.sqrt(1.0 - b2**self.t)
        m, v = self.m, self.v
        for i, p in enumerate(self.params):
            g = p.grad + wd * p.data if wd else p.grad
            mi = m[i] = b1 * m[i] + (1.0 - b1) * g
            vi = v[i] = b2 * v[i] + (1.0 - b2) * g * g
            p.data -= step_size * (mi / (math.sqrt(vi) / root_correction2 + eps))


def clip_grad_norm(params: Iterable[Value], max_norm: float) -> float:
    """Scale all gradients together so their L2 norm is at most ``max_norm``; return the norm
    before clipping (as torch.nn.utils.clip_grad_norm_, including its 1e-6 in the scale).
    ``max_norm=math.inf`` only measures the norm.

    The norm is computed without squaring overflow (gradients of 1e154 give a finite norm). As in
    PyTorch, an inf norm scales every gradient by 0 and a nan norm makes every gradient nan.
    """
    items = _param_list(params, "clip_grad_norm")
    limit = math.inf if max_norm == math.inf else _hyper("max_norm", max_norm)
    total = math.hypot(*[p.grad for p in items])
    scale = limit / (total + 1e-6)
    if not scale >= 1.0:  # also a nan scale, which PyTorch's clamp passes on
        for p in items:
            p.grad *= scale
    return total


def cosine_lr(lr: float, epochs: int) -> Callable[[int], float]:
    """A learning-rate schedule for `nn.train.Trainer`: ``lr`` at epoch 1, falling along half a
    cosine towards 0 at epoch ``epochs + 1`` (late small steps settle the weights)."""
    base = _hyper("lr", lr)
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")

    def schedule(epoch: int) -> float:
        return base * 0.5 * (1.0 + math.cos(math.pi * (epoch - 1) / epochs))

    return schedule
