"""Loss functions built from `Value` ops and fused sums, so their graphs stay small.

Each takes one example's outputs (Values, or plain numbers treated as constants) and returns a
scalar `Value`. `batch_mean` averages any of them over a batch with a single sum node.

Softmax and its relatives subtract the largest logit first (log-sum-exp trick): softmax is
unchanged by a shift, so the gradients are exact, and logits of 1000 stay finite.
"""

from __future__ import annotations

import math
import numbers
from array import array
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import autograd
from autograd import Value
from nn.checks import is_integer, is_real, ordered_items, shown

__all__ = [
    "batch_mean",
    "binary_cross_entropy",
    "cross_entropy",
    "hinge_loss",
    "log_softmax",
    "mse_loss",
    "softmax",
]

_LOG_FLOOR = -100.0
"""binary_cross_entropy clamps each log at -100, as PyTorch does, so p = 0 or 1 is finite."""

_BCE_GRAD_EPSILON = array("f", [1e-12])[0]
"""binary_cross_entropy's gradient is (p - y) / max(p (1 - p), 1e-12), as PyTorch's is, with
1e-12 rounded to a float32 (9.999999960041972e-13) as ATen stores it, so that near 0 and 1 the
gradient is PyTorch's to the last bit."""


def _number(x: object, where: str) -> float:
    if not is_real(x):
        raise TypeError(f"{where}: expected a real number, got {type(x).__name__}")
    try:
        return float(x)  # type: ignore[arg-type]
    except OverflowError:
        raise ValueError(f"{where}: {shown(x)} is too large for a float") from None


def _values(xs: object, where: str) -> list[Value]:
    """``xs`` as a non-empty list of Values; plain numbers become constant leaves."""
    items = [xs] if isinstance(xs, (Value, numbers.Real)) else ordered_items(xs)
    if items is None:
        raise TypeError(f"{where}: expected a list of Values or numbers, got {type(xs).__name__}")
    out = [x if isinstance(x, Value) else Value(_number(x, where)) for x in items]
    if not out:
        raise ValueError(f"{where}: got an empty list")
    return out


def _targets(ys: object, n: int, where: str) -> list[float]:
    items = [ys] if isinstance(ys, numbers.Real) else ordered_items(ys)
    if items is None:
        raise TypeError(f"{where}: expected a list of numbers as targets, got {type(ys).__name__}")
    targets = [_number(y, f"{where} target") for y in items]
    if len(targets) != n:
        raise ValueError(f"{where}: {n} outputs but {len(targets)} targets")
    return targets


def mse_loss(preds: Sequence[Value] | Value, targets: Sequence[float] | float) -> Value:
    """Mean of (pred - target)**2 over the outputs."""
    ps = _values(preds, "mse_loss")
    ts = _targets(targets, len(ps), "mse_loss")
    errors = [p - t for p, t in zip(ps, ts, strict=True)]
    # One dot node for the sum of squares: each error is a parent twice, and the two edges'
    # contributions add up to d(e*e)/de = 2e in backward.
    return autograd.dot(errors, errors) / len(errors)


def _shifted(logits: object, where: str) -> list[Value]:
    """logits - max(logits), the max taken as a constant (softmax is shift invariant).

    A logit of -inf masks its class (probability 0); nan and +inf have no softmax: ValueError.
    """
    ls = _values(logits, where)
    data = [v.data for v in ls]
    if not math.isfinite(sum(data)):  # only then look closer (a finite sum rules out nan, inf)
        for i, x in enumerate(data):
            if math.isnan(x) or x == math.inf:
                raise ValueError(f"{where}: logits must be finite (or -inf), got {x} at index {i}")
    top = max(data)
    if top == -math.inf:
        raise ValueError(f"{where}: logits must be finite, got -inf for every class")
    return [v - top for v in ls]


def softmax(logits: Sequence[Value]) -> list[Value]:
    """exp(l_i) / sum_j exp(l_j), computed as exp(l_i - max) / sum_j exp(l_j - max)."""
    exps = [s.exp() for s in _shifted(logits, "softmax")]
    total = autograd.sum(exps)
    return [e / total for e in exps]


def log_softmax(logits: Sequence[Value]) -> list[Value]:
    """l_i - logsumexp(l), with the max subtracted inside the log-sum-exp."""
    shifted = _shifted(logits, "log_softmax")
    log_total = autograd.sum([s.exp() for s in shifted]).log()
    return [s - log_total for s in shifted]


def cross_entropy(logits: Sequence[Value], target_index: int) -> Value:
    """-log softmax(logits)[target_index] = logsumexp(l) - l_target (the softmax is never
    formed, so a confident wrong answer still gives a finite loss and gradient)."""
    shifted = _shifted(logits, "cross_entropy")
    if not is_integer(target_index):
        raise TypeError(
            f"cross_entropy: target_index must be an int, got {type(target_index).__name__}"
        )
    if not 0 <= target_index < len(shifted):
        raise ValueError(
            f"cross_entropy: target_index {shown(target_index)} out of range for {len(shifted)} logits"
        )
    log_total = autograd.sum([s.exp() for s in shifted]).log()
    return log_total - shifted[int(target_index)]


def _clamped_log(x: float) -> float:
    """max(log x, -100), with log 0 = -inf clamped too."""
    return max(math.log(x), _LOG_FLOOR) if x > 0.0 else _LOG_FLOOR


def _clamped_log1m(x: float) -> float:
    """max(log(1 - x), -100) computed as log1p(-x), as PyTorch does: exact for tiny x, where
    forming 1 - x first would round (1 - 1e-17 is 1.0, whose log is 0, not -1e-17)."""
    return max(math.log1p(-x), _LOG_FLOOR) if x < 1.0 else _LOG_FLOOR


def binary_cross_entropy(p: Value, y: float) -> Value:
    """-(y log p + (1 - y) log(1 - p)) for one probability p in [0, 1] and a target y in [0, 1].

    PyTorch's formulation, value and gradient: log(1 - p) is log1p(-p) (exact for tiny p), each
    log is clamped at -100, so a saturated sigmoid gives a large finite loss, and the gradient is
    (p - y) / max(p (1 - p), 1e-12). Where p (1 - p) >= 1e-12 that is the exact derivative, so
    the loss is built from log and log1p nodes (second derivatives work); closer to 0 or 1 it is
    one node carrying PyTorch's value and gradient.
    """
    if not isinstance(p, Value):
        p = Value(_number(p, "binary_cross_entropy"))
    target = _number(y, "binary_cross_entropy target")
    if not 0.0 <= target <= 1.0:
        raise ValueError(f"binary_cross_entropy: target must be in [0, 1], got {shown(y)}")
    x = p.data
    if not 0.0 <= x <= 1.0:
        raise ValueError(
            f"binary_cross_entropy: p must be a probability in [0, 1], got {x!r} "
            "(apply a sigmoid to a score first)"
        )
    if x * (1.0 - x) < _BCE_GRAD_EPSILON:  # where PyTorch's clamps act
        value = -(target * _clamped_log(x) + (1.0 - target) * _clamped_log1m(x))
        slope = (x - target) / _BCE_GRAD_EPSILON
        return (p - x) * slope + value  # data exactly `value`, d/dp exactly `slope`
    if target == 1.0:
        return -p.log()
    log1m = (-p).log1p()  # log(1 - p), exact for tiny p where 1 - p would round
    if target == 0.0:
        return -log1m
    return -(p.log() * target + log1m * (1.0 - target))


def hinge_loss(scores: Sequence[Value] | Value, ys: Sequence[int] | int) -> Value:
    """Mean of max(0, 1 - y * s) over the scores, each label y in {-1, +1}."""
    ss = _values(scores, "hinge_loss")
    labels = _targets(ys, len(ss), "hinge_loss")
    for y in labels:
        if y not in (-1.0, 1.0):
            raise ValueError(f"hinge_loss: labels must be -1 or +1, got {y!r}")
    margins = [(1.0 - s * y).relu() for s, y in zip(ss, labels, strict=True)]
    return margins[0] if len(margins) == 1 else autograd.sum(margins) / len(margins)


def _batch(items: object, what: str) -> list[Any]:
    listed = None if isinstance(items, Value) else ordered_items(items)
    if listed is None:
        raise TypeError(f"batch_mean: {what} must be a list, one per example, got {shown(items)}")
    return listed


def batch_mean(
    loss: Callable[[Any, Any], Value], outputs: Iterable[Any], targets: Iterable[Any]
) -> Value:
    """The mean of ``loss(output, target)`` over a batch, as one sum node and one division.

    E.g. ``batch_mean(cross_entropy, [model(x) for x in xs], ys)``. Any iterables will do.
    """
    outputs, targets = _batch(outputs, "outputs"), _batch(targets, "targets")
    if len(outputs) != len(targets):
        raise ValueError(f"batch_mean: {len(outputs)} outputs but {len(targets)} targets")
    if not outputs:
        raise ValueError("batch_mean: the batch is empty")
    losses = [loss(o, t) for o, t in zip(outputs, targets, strict=True)]
    return autograd.sum(losses) / len(losses)
