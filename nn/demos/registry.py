"""The demos behind ``chainrule demo NAME``: each trains a network and reports what it reached.

A demo is a function taking `DemoOptions` and returning a `DemoResult`, registered with the
`demo` decorator; the command line lists every registered demo. To add one::

    @demo("name", "one line for --help")
    def name_demo(options: DemoOptions) -> DemoResult: ...

A demo defined in another module registers when that module is imported: `nn.demos`
imports each one. Demos never draw themselves: they return chart makers, which the command line
writes as SVG files, and page writers (HTML views).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nn import data as datasets
from nn import plots
from nn.charts import Chart
from nn.layers import MLP
from nn.optim import SGD, Adam, cosine_lr
from nn.scoring import loss_and_accuracy
from nn.train import History, Trainer
from nn.views import training_view

__all__ = ["DEMOS", "Demo", "DemoOptions", "DemoResult", "demo"]


@dataclass(frozen=True)
class DemoOptions:
    """What the command line passes to a demo; ``epochs=None`` means the demo's own default."""

    epochs: int | None = None
    seed: int = 0
    progress: bool = True


@dataclass
class DemoResult:
    """What a demo reached: lines to print, its training history, its pictures (file name
    -> a function returning an `nn.charts.Chart`) and its pages (file name -> a function that
    writes the page at the path it is given)."""

    summary: list[str]
    history: History
    figures: Mapping[str, Callable[[], Chart]] = field(default_factory=dict)
    pages: dict[str, Callable[[Path], Path]] = field(default_factory=dict)


@dataclass(frozen=True)
class Demo:
    name: str
    help: str
    run: Callable[[DemoOptions], DemoResult]


DEMOS: dict[str, Demo] = {}
"""Every registered demo by name, in registration order."""


def demo(name: str, help: str) -> Callable[[Callable[[DemoOptions], DemoResult]], Any]:  # noqa: A002
    """Register the decorated function as ``chainrule demo <name>``."""

    def register(run: Callable[[DemoOptions], DemoResult]) -> Callable[[DemoOptions], DemoResult]:
        if name in DEMOS:
            raise ValueError(f"a demo named {name!r} is already registered")
        DEMOS[name] = Demo(name, help, run)
        return run

    return register


def _loss_curve(history: History) -> Callable[[], Chart]:
    return lambda: plots.plot_history(history)


@demo("xor", "XOR with a 2-4-1 tanh/sigmoid net, plain SGD (lr 0.1), up to 10,000 epochs")
def xor_demo(options: DemoOptions) -> DemoResult:
    data = datasets.xor()
    model = MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", seed=options.seed)
    trainer = Trainer(
        model,
        "mse",
        SGD(model.parameters(), lr=0.1),
        batch_size=None,
        shuffle=False,
        progress=options.progress,
        update_every=100,
    )
    history = trainer.fit(
        data, options.epochs or 10_000, callback=lambda _, h: h["loss"][-1] < 0.005
    )
    _, acc = loss_and_accuracy(model, data, "mse")
    lines = [f"{x[0]:.0f} xor {x[1]:.0f} = {y}: net says {model(x)[0].data:.3f}" for x, y in data]
    lines.append(f"after {len(history['loss'])} epochs: accuracy {acc:.0%} (4 cases)")
    return DemoResult(lines, history, {"xor-loss.svg": _loss_curve(history)})


@demo("moons", "two moons, 100 points: a 2-16-16-1 relu net, hinge loss, Adam, 100 steps")
def moons_demo(options: DemoOptions) -> DemoResult:
    data = datasets.moons(100, noise=0.1, seed=options.seed)
    model = MLP(2, [16, 16, 1], activation="relu", seed=options.seed)
    trainer = Trainer(
        model,
        "hinge",
        Adam(model.parameters(), lr=0.05),
        batch_size=None,
        progress=options.progress,
        update_every=5,
    )
    history = trainer.fit(data, options.epochs or 100)
    _, acc = loss_and_accuracy(model, data, "hinge")
    lines = [f"after {len(history['loss'])} full-batch steps: training accuracy {acc:.0%}"]
    figures = {
        "moons-loss.svg": _loss_curve(history),
        "moons-boundary.svg": lambda: plots.plot_decision_boundary(
            model, data, loss="hinge", title=f"two moons: {acc:.0%} of 100 points right"
        ),
    }
    return DemoResult(lines, history, figures)


@demo("digits", "8x8 handwritten digits (1,500 train / 297 held out): 64-16-16-10, Adam")
def digits_demo(options: DemoOptions) -> DemoResult:
    train, test = datasets.split(datasets.digits(), 297, seed=0)
    model = MLP(64, [16, 16, 10], activation="tanh", seed=options.seed)
    epochs = options.epochs or 10
    trainer = Trainer(
        model,
        "cross_entropy",
        Adam(model.parameters(), lr=0.01),
        batch_size=32,
        seed=options.seed,
        progress=options.progress,
        lr_schedule=cosine_lr(0.01, epochs),
        snapshot_every=5,  # for the training view: about 100 snapshots in 10 epochs
    )
    history = trainer.fit(train, epochs, test=test)
    lines = [
        f"training accuracy {history['accuracy'][-1]:.1%} (during the last epoch)",
        f"held-out accuracy {history['test_accuracy'][-1]:.1%} on {len(test)} images",
    ]
    figures = {
        "digits-loss.svg": _loss_curve(history),
        "digits-first-layer.svg": lambda: plots.plot_first_layer(model),
    }
    pages = {
        "digits-training.html": lambda path: training_view(model, history, test).save_html(path)
    }
    return DemoResult(lines, history, figures, pages)
