"""A small training loop: batches, one fused loss per batch, backward, optimizer step, history.

The loop is what you would write by hand::

    for epoch in range(epochs):
        for batch in batches(train, batch_size, rng=rng):
            loss = batch_mean(cross_entropy, [model(x) for x in batch.xs], batch.ys)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

`Trainer` adds a progress bar (tqdm.auto, if installed: a widget in Jupyter, text elsewhere),
accuracy, and a history of per-epoch numbers as plain lists, ready to plot.
"""

from __future__ import annotations

import gc
import math
import random
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import autograd
from autograd import Value
from nn.checks import check_callable, check_count, check_flag, check_int, check_real, shown
from nn.data import Dataset, batches
from nn.losses import batch_mean, binary_cross_entropy, cross_entropy, hinge_loss, mse_loss
from nn.module import Module
from nn.optim import Adam, Optimizer

__all__ = [
    "OBJECTIVES",
    "History",
    "Objective",
    "Trainer",
    "accuracy",
    "as_objective",
    "evaluate",
    "fit",
    "progress_bar",
]

History = dict[str, list[float]]
"""Per-epoch lists: "loss" and "accuracy" (training, over the epoch's examples as seen), "seconds"
(elapsed since the start), "test_loss"/"test_accuracy" when a test set is given, and per-step
"step_loss"."""


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


def _check_data(data: object, model: Module, objective: Objective, what: str) -> Dataset:
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


def evaluate(
    model: Module, data: Dataset, loss: str | Objective = "cross_entropy"
) -> tuple[float, float]:
    """(mean loss, accuracy) of ``model`` on ``data``, without building a graph."""
    objective = as_objective(loss)
    data = _check_data(data, model, objective, "the evaluation data")
    total, correct = 0.0, 0
    with autograd.no_grad():
        for x, y in data:
            outputs = model(x)
            total += objective.loss(outputs, y).data
            correct += objective.predict([o.data for o in outputs]) == y
    return total / len(data), correct / len(data)


def accuracy(model: Module, data: Dataset, loss: str | Objective = "cross_entropy") -> float:
    """The fraction of ``data`` classified right (the prediction rule comes with the loss)."""
    return evaluate(model, data, loss)[1]


class _CollectorThresholds:
    """The cycle collector's thresholds, shared by every thread: the first `rare_gc_passes` to
    enter saves and raises them, the last to leave puts them back, whatever order threads leave
    in (a thread restoring what another one had saved would leave them changed for good)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0
        self.saved = gc.get_threshold()

    def enter(self, threshold: int) -> None:
        with self.lock:
            if self.users == 0:
                self.saved = old = gc.get_threshold()
                if 0 < old[0] < threshold:
                    gc.set_threshold(threshold, *old[1:])
            self.users += 1

    def leave(self) -> None:
        with self.lock:
            self.users -= 1
            if self.users == 0:
                gc.set_threshold(*self.saved)


_THRESHOLDS = _CollectorThresholds()


@contextmanager
def rare_gc_passes(threshold: int = 10_000) -> Iterator[None]:
    """Run the cycle collector's youngest generation every ``threshold`` allocations, not 700.

    A training step allocates tens of thousands of nodes and frees them by reference counting
    (graphs hold no cycles), so the frequent collector passes over them are pure cost: about a
    quarter of a digits epoch (benchmarks/training.py). Nothing is switched off, and the old
    thresholds come back when the last thread (or nested block) using it exits.
    """
    _THRESHOLDS.enter(threshold)
    try:
        yield
    finally:
        _THRESHOLDS.leave()


def progress_bar(total: int, enabled: bool = True, **options: Any) -> Any:
    """A `tqdm.auto` bar of ``total`` steps (a widget in Jupyter, text on stderr elsewhere), or
    None when silenced or tqdm is not installed. ``options`` go to tqdm (``unit``, ``desc``)."""
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm  # type: ignore[import-untyped]
    except ImportError:
        return None
    options = {"unit": "step", "dynamic_ncols": True, "file": sys.stderr, **options}
    return tqdm(total=total, **options)


class Trainer:
    """Trains ``model`` on a `Dataset`; `fit` may be called again to continue.

    ``optimizer`` defaults to Adam(lr=0.01). ``loss`` names an entry of `OBJECTIVES` or is an
    `Objective`. ``lr_schedule(epoch)`` (epochs count from 1), if given, sets the optimizer's
    learning rate before each epoch, e.g. `nn.optim.cosine_lr`. The progress bar shows the running
    loss and accuracy, refreshed every ``update_every`` steps; without tqdm a line per epoch is
    printed instead.
    """

    def __init__(
        self,
        model: Module,
        loss: str | Objective = "cross_entropy",
        optimizer: Optimizer | None = None,
        *,
        batch_size: int | None = 32,
        shuffle: bool = True,
        seed: int = 0,
        progress: bool = True,
        update_every: int = 10,
        lr_schedule: Callable[[int], float] | None = None,
    ) -> None:
        if not isinstance(model, Module):
            raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
        self.model = model
        self.objective = as_objective(loss)
        self.optimizer = optimizer if optimizer is not None else Adam(model.parameters(), lr=0.01)
        if not isinstance(self.optimizer, Optimizer):
            raise TypeError(
                f"optimizer must be an nn.optim optimizer, got {type(optimizer).__name__}"
            )
        self.batch_size = None if batch_size is None else check_count("batch_size", batch_size)
        self.shuffle = check_flag("shuffle", shuffle)
        self.rng = random.Random(None if seed is None else check_int("seed", seed))
        self.progress = check_flag("progress", progress)
        self.update_every = check_count("update_every", update_every)
        self.lr_schedule = check_callable("lr_schedule", lr_schedule)
        self.history: History = {"loss": [], "accuracy": [], "seconds": [], "step_loss": []}

    def step(self, batch: Dataset) -> tuple[float, int]:
        """One optimizer step on ``batch``: (its mean loss, how many it classified right)."""
        model, objective = self.model, self.objective
        outputs = [model(x) for x in batch.xs]
        loss = batch_mean(objective.loss, outputs, batch.ys)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        predict = objective.predict
        correct = sum(
            predict([o.data for o in out]) == y for out, y in zip(outputs, batch.ys, strict=True)
        )
        return loss.data, correct

    def _scheduled_lrs(self, first: int, last: int) -> list[float] | None:
        """The learning rate for each epoch from ``first`` to ``last``, each checked before
        training starts (None without a schedule)."""
        if self.lr_schedule is None:
            return None
        lrs: list[float] = []
        for epoch in range(first, last + 1):
            lr = self.lr_schedule(epoch)
            try:
                lrs.append(check_real(f"lr_schedule({epoch})", lr))
            except (TypeError, ValueError):
                raise ValueError(
                    f"lr_schedule({epoch}) gave {shown(lr)}: a learning rate is a finite number >= 0"
                ) from None
        return lrs

    def _train_epoch(self, train: Dataset, description: str, bar: Any) -> None:
        """One pass over ``train``; appends the epoch's mean loss and accuracy to the history."""
        loss_sum, correct, seen = 0.0, 0, 0
        for batch in batches(train, self.batch_size, self.shuffle, self.rng):
            loss, right = self.step(batch)
            self.history["step_loss"].append(loss)
            loss_sum += loss * len(batch)
            correct += right
            seen += len(batch)
            if bar is not None:
                if (bar.n + 1) % self.update_every == 0 or seen == len(train):
                    # refresh=False: tqdm redraws at most every 0.1 s, in update().
                    bar.set_description(description, refresh=False)
                    bar.set_postfix(
                        loss=f"{loss_sum / seen:.4f}", acc=f"{correct / seen:.1%}", refresh=False
                    )
                bar.update(1)
        self.history["loss"].append(loss_sum / seen)
        self.history["accuracy"].append(correct / seen)

    def fit(
        self,
        train: Dataset,
        epochs: int = 10,
        *,
        test: Dataset | None = None,
        callback: Callable[[int, History], bool | None] | None = None,
    ) -> History:
        """Train for ``epochs`` passes over ``train``; returns the (growing) history.

        ``callback(epoch, history)`` runs after each epoch; returning True stops training early.
        Every argument is checked before the first step.
        """
        epochs = check_count("epochs", epochs, least=0)
        check_callable("callback", callback)
        train = _check_data(train, self.model, self.objective, "the training data")
        if test is not None:
            test = _check_data(test, self.model, self.objective, "the test data")
        history = self.history
        done = len(history["loss"])
        lrs = self._scheduled_lrs(done + 1, done + epochs)
        if test is not None:
            history.setdefault("test_loss", [])
            history.setdefault("test_accuracy", [])
        size = len(train) if self.batch_size is None else self.batch_size
        steps_per_epoch = math.ceil(len(train) / size)
        bar = progress_bar(epochs * steps_per_epoch, self.progress)
        print_every = max(1, epochs // 10)  # without tqdm: about ten lines in all
        start = time.perf_counter() - (history["seconds"][-1] if history["seconds"] else 0.0)
        last = done + epochs
        try:
            with rare_gc_passes():
                for epoch in range(done + 1, last + 1):
                    if lrs is not None:
                        self.optimizer.lr = lrs[epoch - done - 1]
                    self._train_epoch(train, f"epoch {epoch}/{last}", bar)
                    if test is not None:
                        test_loss, test_acc = evaluate(self.model, test, self.objective)
                        history["test_loss"].append(test_loss)
                        history["test_accuracy"].append(test_acc)
                    history["seconds"].append(time.perf_counter() - start)
                    stop = callback is not None and bool(callback(epoch, history))
                    lines = bar is None and self.progress  # the fallback without tqdm
                    if lines and (stop or epoch == last or (epoch - done) % print_every == 0):
                        print(_epoch_line(epoch, last, history), file=sys.stderr)
                    if stop:
                        break
        finally:
            if bar is not None:
                bar.close()
        return history


def _epoch_line(epoch: int, epochs: int, history: History) -> str:
    line = (
        f"epoch {epoch}/{epochs}  loss {history['loss'][-1]:.4f}  acc {history['accuracy'][-1]:.1%}"
    )
    if history.get("test_accuracy"):
        line += f"  test acc {history['test_accuracy'][-1]:.1%}"
    return line


def fit(
    model: Module,
    train: Dataset,
    *,
    loss: str | Objective = "cross_entropy",
    optimizer: Optimizer | None = None,
    epochs: int = 10,
    batch_size: int | None = 32,
    shuffle: bool = True,
    seed: int = 0,
    test: Dataset | None = None,
    progress: bool = True,
    lr_schedule: Callable[[int], float] | None = None,
    callback: Callable[[int, History], bool | None] | None = None,
) -> History:
    """Train ``model`` on ``train`` and return its history (see `Trainer`)."""
    trainer = Trainer(
        model,
        loss,
        optimizer,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        progress=progress,
        lr_schedule=lr_schedule,
    )
    return trainer.fit(train, epochs, test=test, callback=callback)
