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
from array import array
from collections.abc import Callable
from typing import Any

from autograd import no_grad
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

History = dict[str, list[Any]]
"""Per-epoch lists: "loss" and "accuracy" (training, over the epoch's examples as seen), "seconds"
(elapsed since the start), "test_loss"/"test_accuracy" when a test set is given, and per-step
"step_loss". With ``snapshot_every``: "snapshots" (the parameters, in ``model.parameters()``
order, as an ``array('d')``), "snapshot_step" (the step they were taken before: they are the
weights that step computed its loss with) and "snapshot_loss" (that loss; the last snapshot,
the weights after training, has the loss of the last batch)."""

MAX_SNAPSHOTS = 100
"""The most snapshots a history keeps: past it, every second one is dropped and the interval
doubles. Memory: at most 100 x 8 bytes per parameter (10.4 MB for a 784-16-16-10 MLP, 0.03 MB
for a 2-16-16-1)."""


class Trainer:
    """Trains ``model`` on a `Dataset`; `fit` may be called again to continue.

    ``optimizer`` defaults to Adam(lr=0.01). ``loss`` names an entry of `OBJECTIVES` or is an
    `Objective`. ``lr_schedule(epoch)`` (epochs count from 1), if given, sets the optimizer's
    learning rate before each epoch, e.g. `nn.optim.cosine_lr`. The progress bar shows the running
    loss and accuracy, refreshed every ``update_every`` steps; without tqdm a line per epoch is
    printed instead. ``snapshot_every=k`` keeps the weights every k steps in the history (see
    `History` and `MAX_SNAPSHOTS`), for `nn.training_view`.
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
        snapshot_every: int | None = None,
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
        self.last_batch: Dataset | None = None
        self.snapshot_every = (
            None if snapshot_every is None else check_count("snapshot_every", snapshot_every)
        )
        if self.snapshot_every is not None:
            for key in ("snapshots", "snapshot_step", "snapshot_loss"):
                self.history[key] = []

    def step(self, batch: Dataset) -> tuple[float, int]:
        """One optimizer step on ``batch``: (its mean loss, how many it classified right)."""
        model, objective = self.model, self.objective
        outputs = [model(x) for x in batch.xs]
        loss = batch_mean(objective.loss, outputs, batch.ys)
        self._snapshot(loss.data, len(self.history["step_loss"]))
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        predict = objective.predict
        correct = sum(
            predict([o.data for o in out]) == y for out, y in zip(outputs, batch.ys, strict=True)
        )
        return loss.data, correct

    def _snapshot(self, loss: float, step: int, last: bool = False) -> None:
        """Keep the parameters as they are before ``step`` (every ``snapshot_every`` steps, or
        ``last``), at most `MAX_SNAPSHOTS` of them."""
        every, history = self.snapshot_every, self.history
        if every is None or not (last or step % every == 0):
            return
        if history["snapshot_step"] and history["snapshot_step"][-1] == step:
            return  # fit called again: the end of the last run is this step's start
        if len(history["snapshots"]) >= MAX_SNAPSHOTS:
            for key in ("snapshots", "snapshot_step", "snapshot_loss"):
                history[key] = history[key][::2]
            self.snapshot_every = every * 2
            if not last and step % (every * 2):
                return
        history["snapshots"].append(array("d", [p.data for p in self.model.parameters()]))
        history["snapshot_step"].append(step)
        history["snapshot_loss"].append(loss)

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
            self.last_batch = batch
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
        batch = self.last_batch
        if self.snapshot_every is not None and epochs and batch is not None:
            with no_grad():  # the trained weights, with their loss on the last batch
                outputs = [self.model(x) for x in batch.xs]
                end_loss = batch_mean(self.objective.loss, outputs, batch.ys).data
            self._snapshot(end_loss, len(history["step_loss"]), last=True)
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
    snapshot_every: int | None = None,
) -> History:
    """Train ``model`` on ``train`` and return its history (see `Trainer`). ``snapshot_every=k``
    keeps the weights every k steps (at most `MAX_SNAPSHOTS`) for `nn.training_view`."""
    trainer = Trainer(
        model,
        loss,
        optimizer,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        progress=progress,
        lr_schedule=lr_schedule,
        snapshot_every=snapshot_every,
    )
    return trainer.fit(train, epochs, test=test, callback=callback)
