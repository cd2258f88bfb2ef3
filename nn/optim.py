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
from collections.abc import Callable, Iterable
from typing import Any

from autograd import Value
from nn.checks import check_count, check_real, is_real, shown

__all__ = [
    "SGD",
    "Adam",
    "Optimizer",
    "checked_data",
    "checked_grads",
    "clip_grad_norm",
    "cosine_lr",
]


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


_FLOATS = {float}


def checked_grads(params: list[Value], who: str) -> list[float]:
    """Every parameter's ``.grad`` as a float, checked before anything is updated.

    TypeError naming the first bad one: a Value (left by ``backward(create_graph=True)``: step
    on ``.grad.data``, or backward without create_graph), None, a list, an array, a bool;
    ValueError for a number beyond float range (``10**400``).
    """
    grads = [p.grad for p in params]
    if set(map(type, grads)) == _FLOATS:  # the usual case: one pass in C, no conversions
        return grads
    for i, g in enumerate(grads):
        if isinstance(g, Value):
            raise TypeError(
                f"{who}: params[{i}].grad is a Value (from backward(create_graph=True)?); "
                "an optimizer step needs float gradients: nothing was updated"
            )
    return _floats(grads, "grad", who)


def checked_data(params: list[Value], who: str) -> list[float]:
    """Every parameter's ``.data`` as a float, checked before anything is updated: TypeError for
    one that is not a number, ValueError for one beyond float range (``p.data = 10**400``)."""
    data = [p.data for p in params]
    if set(map(type, data)) == _FLOATS:
        return data
    return _floats(data, "data", who)


def _floats(numbers: list[Any], attribute: str, who: str) -> list[float]:
    """``numbers`` (each parameter's ``attribute``) as floats: TypeError naming the first that is
    not a real number, ValueError for one beyond float range."""
    out = []
    for i, x in enumerate(numbers):
        where = f"{who}: params[{i}].{attribute} is {shown(x)}"
        if not is_real(x):
            raise TypeError(f"{where} ({type(x).__name__}), not a number: nothing was updated")
        try:
            out.append(float(x))
        except OverflowError:
            raise ValueError(f"{where}, too large for a float: nothing was updated") from None
    return out


def _ieee_divide(a: float, b: float) -> float:
    """a / b with IEEE 754's answer for b == 0 (nan for 0/0, a signed inf otherwise), as PyTorch
    computes it, where Python's ``/`` raises ZeroDivisionError."""
    if b != 0.0:
        return a / b
    if a == 0.0 or math.isnan(a):
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


class Optimizer:
    """Holds the parameters; subclasses implement `step`.

    A step is all or nothing: every gradient and every parameter's value is checked
    (`checked_grads`, `checked_data`) before anything is changed, and past that check the update is float arithmetic that cannot raise (a zero
    denominator gives IEEE's nan or inf, as in PyTorch), so a step that raises leaves the
    parameters and the optimizer exactly as they were.
    """

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        self.params = _param_list(params, type(self).__name__)
        self.lr = check_real("lr", lr)

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
        self.momentum = check_real("momentum", momentum)
        self.weight_decay = check_real("weight_decay", weight_decay)
        self.buffers: list[float] | None = None  # momentum buffers, made on the first step

    def step(self) -> None:
        lr = check_real("SGD.step: lr", self.lr)  # a schedule may have set it
        mu, wd = self.momentum, self.weight_decay
        params = self.params
        grads = checked_grads(params, "SGD.step")
        data = checked_data(params, "SGD.step")  # from here on, nothing can raise
        if wd:
            grads = [g + wd * d for d, g in zip(data, grads)]
        if mu == 0.0:
            for p, d, g in zip(params, data, grads):
                p.data = d - lr * g
            return
        if self.buffers is None:
            self.buffers = grads  # PyTorch: buf = clone(grad) on the first step
        else:
            self.buffers = [mu * b + g for b, g in zip(self.buffers, grads, strict=True)]
        for p, d, b in zip(params, data, self.buffers):
            p.data = d - lr * b


class Adam(Optimizer):
    """Adam with bias-corrected first and second moment estimates (PyTorch's formulation).

    With ``eps=0`` a parameter whose gradients have all been 0 gets nan, as in PyTorch (0/0).
    """

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
            raise ValueError(f"betas must be a pair (beta1, beta2), got {shown(betas)}")
        self.betas = (
            check_real("betas[0]", betas[0], 0.0, 1.0),
            check_real("betas[1]", betas[1], 0.0, 1.0),
        )
        self.eps = check_real("eps", eps)
        self.weight_decay = check_real("weight_decay", weight_decay)
        self.t = 0
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def step(self) -> None:
        params = self.params
        grads = checked_grads(params, "Adam.step")
        data = checked_data(params, "Adam.step")
        m, v = self.m, self.v
        if not len(m) == len(v) == len(params):
            raise ValueError(f"Adam.step: {len(params)} parameters but {len(m)} moments")
        # from here on, nothing can raise
        t = self.t + 1
        b1, b2 = self.betas
        wd, eps = self.weight_decay, self.eps
        step_size = check_real("Adam.step: lr", self.lr) / (1.0 - b1**t)
        root_correction2 = math.sqrt(1.0 - b2**t)
        c1, c2 = 1.0 - b1, 1.0 - b2
        if wd:
            grads = [g + wd * d for d, g in zip(data, grads)]
        self.t = t
        for i, p in enumerate(params):
            g = grads[i]
            mi = m[i] = b1 * m[i] + c1 * g
            vi = v[i] = b2 * v[i] + c2 * g * g
            d = math.sqrt(vi) / root_correction2 + eps  # 0 only with eps=0 and no gradient yet
            p.data = data[i] - step_size * (mi / d if d else _ieee_divide(mi, d))


def clip_grad_norm(params: Iterable[Value], max_norm: float) -> float:
    """Scale all gradients together so their L2 norm is at most ``max_norm``; return the norm
    before clipping (as torch.nn.utils.clip_grad_norm_, including its 1e-6 in the scale).
    ``max_norm=math.inf`` only measures the norm.

    The norm is computed without squaring overflow (gradients of 1e154 give a finite norm). As in
    PyTorch, an inf norm scales every gradient by 0 and a nan norm makes every gradient nan.
    """
    items = _param_list(params, "clip_grad_norm")
    limit = math.inf if max_norm == math.inf else check_real("max_norm", max_norm)
    total = math.hypot(*checked_grads(items, "clip_grad_norm"))
    scale = limit / (total + 1e-6)
    if not scale >= 1.0:  # also a nan scale, which PyTorch's clamp passes on
        for p in items:
            p.grad *= scale
    return total


def cosine_lr(lr: float, epochs: int) -> Callable[[int], float]:
    """A learning-rate schedule for `nn.train.Trainer`: ``lr`` at epoch 1, falling along half a
    cosine towards 0 at epoch ``epochs + 1`` (late small steps settle the weights)."""
    base = check_real("lr", lr)
    epochs = check_count("epochs", epochs)

    def schedule(epoch: int) -> float:
        return base * 0.5 * (1.0 + math.cos(math.pi * (epoch - 1) / epochs))

    return schedule
