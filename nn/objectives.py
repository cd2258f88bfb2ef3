"""What training optimises and how accuracy is read: an `Objective` per loss name, and the check
that a data set fits a model and an objective before any work starts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import autograd
from autograd import Value
from nn.data import Dataset
from nn.losses import binary_cross_entropy, cross_entropy, hinge_loss, mse_loss
from nn.module import Module

__all__ = ["OBJECTIVES", "Objective", "as_objective", "check_data_fits"]


@dataclass(frozen=True)
class Objective:
    """How a model's outputs meet a class label: the loss for one example, the predicted class
    from the outputs' values (for accuracy), and, if known, how many classes a model with n
    outputs can tell apart (labels are checked against it before training or evaluating)."""

    name: str
    loss: Callable[[list[Value], int], Value]
    predict: Callable[[list[float]], int]
    classes: Callable[[int], int] | None = None


def _argmax(outputs: list[float]) -> int:
    return max(range(len(outputs)), key=outputs.__getitem__)


def _one_output(who: str, outputs: Sequence[Any]) -> Any:
    if len(outputs) != 1:
        raise ValueError(
            f"the {who!r} loss needs a model with 1 output, this one has {len(outputs)}"
        )
    return outputs[0]


def _hinge(outputs: list[Value], y: int) -> Value:
    return hinge_loss(_one_output("hinge", outputs), 2 * y - 1)


def _mse(outputs: list[Value], y: int) -> Value:
    if len(outputs) == 1:
        return mse_loss(outputs, [float(y)])
    return mse_loss(outputs, [1.0 if i == y else 0.0 for i in range(len(outputs))])


def _bce(outputs: list[Value], y: int) -> Value:
    return binary_cross_entropy(_one_output("bce", outputs), y)


def _threshold(at: float) -> Callable[[list[float]], int]:
    def predict(outputs: list[float]) -> int:
        return int(outputs[0] > at) if len(outputs) == 1 else _argmax(outputs)

    return predict


def _one_per_output(n_outputs: int) -> int:
    return n_outputs


def _two_classes(n_outputs: int) -> int:
    return 2


def _one_hot_or_two(n_outputs: int) -> int:
    return 2 if n_outputs == 1 else n_outputs


OBJECTIVES: dict[str, Objective] = {
    "cross_entropy": Objective("cross_entropy", cross_entropy, _argmax, classes=_one_per_output),
    "hinge": Objective("hinge", _hinge, _threshold(0.0), classes=_two_classes),
    "mse": Objective("mse", _mse, _threshold(0.5), classes=_one_hot_or_two),
    "bce": Objective("bce", _bce, _threshold(0.5), classes=_two_classes),
}
"""By name: "cross_entropy" (logits, argmax), "hinge" (one score, label 1 when > 0, trained on
y = -1/+1), "mse" (one output vs the 0/1 label, or one-hot targets), "bce" (one probability)."""


def as_objective(loss: str | Objective) -> Objective:
    """The `Objective` named by ``loss`` (or ``loss`` itself); ValueError for an unknown name."""
    if isinstance(loss, Objective):
        return loss
    if isinstance(loss, str) and loss in OBJECTIVES:
        return OBJECTIVES[loss]
    raise ValueError(
        f"unknown loss {loss!r} (choose from {', '.join(OBJECTIVES)}, or an Objective)"
    )


def check_data_fits(data: object, model: Module, objective: Objective, what: str) -> Dataset:
    """``data`` if it fits ``model`` and ``objective`` (features, labels), else a clear error:
    checked up front, so a bad label in the last batch cannot stop training halfway."""
    if not isinstance(data, Dataset):
        raise TypeError(f"{what} must be an nn.data.Dataset, got {type(data).__name__}")
    if len(data) == 0:
        raise ValueError(f"{what} is empty")
    nin = getattr(model, "nin", None)
    if nin is not None and data.n_features != nin:
        raise ValueError(f"{what} has {data.n_features} features but the model takes {nin} inputs")
    if objective.classes is not None:
        with autograd.no_grad():
            outputs = model(data.xs[0])
        n_outputs = len(outputs) if isinstance(outputs, list) else 1
        limit = objective.classes(n_outputs)
        top = max(data.ys)
        if top >= limit:
            raise ValueError(
                f"{what}: label {top} (example {data.ys.index(top)}) is out of range: a model "
                f"with {n_outputs} output{'s' if n_outputs > 1 else ''} under the "
                f"{objective.name!r} loss predicts classes 0 to {limit - 1}"
            )
    return data
