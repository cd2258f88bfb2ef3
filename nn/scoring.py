"""How well a model does on a data set, without building a graph: (mean loss, accuracy).

`evaluate` is the same function under the name `nn.evaluate` has always had (not to be confused
with `autograd`'s recomputation of a graph)."""

from __future__ import annotations

import autograd
from nn.data import Dataset
from nn.module import Module
from nn.objectives import Objective, as_objective, check_data_fits

__all__ = ["accuracy", "evaluate", "loss_and_accuracy"]


def loss_and_accuracy(
    model: Module, data: Dataset, loss: str | Objective = "cross_entropy"
) -> tuple[float, float]:
    """(mean loss, accuracy) of ``model`` on ``data``, without building a graph."""
    objective = as_objective(loss)
    data = check_data_fits(data, model, objective, "the evaluation data")
    total, correct = 0.0, 0
    with autograd.no_grad():
        for x, y in data:
            outputs = model(x)
            total += objective.loss(outputs, y).data
            correct += objective.predict([o.data for o in outputs]) == y
    return total / len(data), correct / len(data)


def accuracy(model: Module, data: Dataset, loss: str | Objective = "cross_entropy") -> float:
    """The fraction of ``data`` classified right (the prediction rule comes with the loss)."""
    return loss_and_accuracy(model, data, loss)[1]


evaluate = loss_and_accuracy
