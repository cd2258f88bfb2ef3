"""The progress bar the demos' training loops report to: one callback per update, the loss shown
every few updates, and the bar closed however the loop ends."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from nn.train import progress_bar

__all__ = ["Progress", "training_progress"]

Progress = Callable[[int, float], None]
"""Called after each update with (update number, that update's loss); the demos count from 0
or 1 as their loops do."""


@contextmanager
def training_progress(
    total: int, enabled: bool, *, unit: str = "step", loss_every: int = 10
) -> Iterator[Progress | None]:
    """A callback driving a `tqdm.auto` bar of ``total`` updates that shows the loss every
    ``loss_every`` updates; None when silenced or tqdm is missing."""
    bar = progress_bar(total, enabled, desc="training", unit=unit)
    if bar is None:
        yield None
        return

    def update(step: int, loss: float) -> None:
        bar.update(1)
        if step % loss_every == 0:
            bar.set_postfix(loss=f"{loss:.3f}", refresh=False)

    try:
        yield update
    finally:
        bar.close()
