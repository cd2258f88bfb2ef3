"""Progress bars for training loops: `progress_bar` (tqdm.auto if installed) and
`training_progress`, a callback per update that shows the loss and closes the bar however the
loop ends."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["Progress", "progress_bar", "training_progress"]

Progress = Callable[[int, float], None]
"""Called after each update with (update number, that update's loss); the demos count from 0
or 1 as their loops do."""


def progress_bar(total: int, enabled: bool = True, **options: Any) -> Any:
    """A `tqdm.auto` bar of ``total`` steps (a widget in Jupyter, text on stderr elsewhere), or
    None when silenced or tqdm is not installed. ``options`` go to tqdm (``unit``, ``desc``)."""
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm  # type: ignore[import-untyped]
    except ImportError:
        return None
    if sys.platform == "emscripten":  # the browser (Pyodide) has no threads for tqdm's monitor,
        tqdm.monitor_interval = 0  # so tqdm would warn at the first bar
    options = {"unit": "step", "dynamic_ncols": True, "file": sys.stderr, **options}
    return tqdm(total=total, **options)


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
