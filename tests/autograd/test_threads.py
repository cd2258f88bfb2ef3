"""Stress: two models train in two threads while other threads toggle the modes; both end
exactly where they end when trained alone."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

import pytest

import autograd
import nn
from autograd import Value

pytestmark = pytest.mark.slow


def train(seed: int) -> list[float]:
    """A small classifier's loss per epoch (the run is deterministic for a given seed)."""
    train_set = nn.data.moons(60, seed=seed)
    model = nn.MLP(2, [8, 2], seed=seed)
    history = nn.fit(model, train_set, epochs=12, batch_size=20, seed=seed, progress=False)
    return history["loss"]


def toggler(switch: Callable[[], autograd.mode.ModeSwitch], stop: threading.Event) -> None:
    """Enter and leave ``switch`` as fast as possible, building a node inside each time."""
    x = Value(1.0)
    while not stop.is_set():
        with switch():
            (x * 2.0).exp()


def test_two_trainings_and_two_togglers_in_threads() -> None:
    alone = [train(1), train(2)]
    results: dict[int, list[float]] = {}
    errors: list[BaseException] = []
    stop = threading.Event()

    def run(seed: int) -> None:
        try:
            results[seed] = train(seed)
        except BaseException as error:  # reported below
            errors.append(error)

    togglers = [
        threading.Thread(target=toggler, args=(switch, stop))
        for switch in (autograd.no_grad, autograd.detect_anomaly)
    ]
    trainers = [threading.Thread(target=run, args=(seed,)) for seed in (1, 2)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often: many interleavings
    try:
        for t in togglers + trainers:
            t.start()
        for t in trainers:
            t.join()
    finally:
        stop.set()
        for t in togglers:
            t.join()
        sys.setswitchinterval(interval)
    assert errors == []
    assert [results[1], results[2]] == alone
    assert alone[0][-1] < alone[0][0] and alone[1][-1] < alone[1][0]  # they did learn
    assert autograd.is_grad_enabled() and not autograd.is_anomaly_enabled()
