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

import math
import random
import sys
import time
from collections.abc import Callable
from typing import Any

from autograd.collector import rare_gc_passes
from nn.checks import check_callable, check_count, check_flag, check_int, check_real, shown
from nn.data import Dataset, batches
from nn.losses import batch_mean
from nn.module import Module
from nn.objectives import Objective, as_objective, check_data_fits
from nn.optim import Adam, Optimizer
from nn.progress import progress_bar
from nn.scoring import loss_and_accuracy

__all__ = ["History", "Trainer", "fit"]

History = dict[str, list[float]]
"""Per-epoch lists: "loss" and "accuracy" (training, over the epoch's examples as seen), "seconds"
(elapsed since the start), "test_loss"/"test_accuracy" when a test set is given, and per-step
"step_loss"."""


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
        train = check_data_fits(train, self.model, self.objective, "the training data")
        if test is not None:
            test = check_data_fits(test, self.model, self.objective, "the test data")
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
                        test_loss, test_acc = loss_and_accuracy(self.model, test, self.objective)
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
