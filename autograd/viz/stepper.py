"""Watching backprop: `step_through` (an interactive view) and `print_steps` (text).

Both record backward once with `replay_backward` and put every ``.grad`` back afterwards, so
looking never changes a gradient. `step_through(root)` shows one timeline: the forward pass
filling in each node's value and local derivatives, the seed, then backward one node at a time
(``forward=False``: backward only). It needs no widgets: the view is HTML with its script inline
(see `autograd.viz.view`); ``save_html(path)`` writes it as a page.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any, TextIO

from autograd.value import Value
from autograd.viz.draw import check_options, check_values, node_infos
from autograd.viz.nudge import nudge_table
from autograd.viz.options import check_int_option
from autograd.viz.plan import Plan, check_size, resolve_clusters
from autograd.viz.replay import BackwardReplay, fill_timeline, forward_states, replay_backward
from autograd.viz.view import Document, Viewable

__all__ = ["DRAW_OPTIONS", "StepThrough", "print_steps", "step_through"]

DRAW_OPTIONS = {  # the keyword arguments of BackwardReplay.draw, and their defaults
    "show_grad": True,
    "show_local": True,
    "caption": False,
    "params": (),
    "digits": 4,
    "rankdir": "LR",
    "format": "svg",
    "cluster": None,
    "max_nodes": 500,
    "summary": False,
}


class StepThrough(Viewable):
    """Backward (and forward) one node at a time, in any notebook front end or saved page.

    ``replay`` holds every recorded step (``replay.describe(k)``, ``replay.draw(k)``);
    ``states`` is how many states the view steps through; ``start`` the one it opens at.
    """

    def __init__(
        self,
        replay: BackwardReplay,
        *,
        forward: bool = True,
        interval: int = 1200,
        start: int = 0,
        **draw_options: Any,
    ) -> None:
        self.replay = replay
        self.forward = forward
        self.interval = interval
        self.draw_options = {**DRAW_OPTIONS, **draw_options}
        self._built: Document | None = None
        self.states = len(forward_states(replay, self._plan())) if forward else 0
        self.states += len(replay) + 1
        check_int_option("step_through", "start", start, 0, self.states - 1)
        self.start = start

    def view_document(self) -> Document:
        if self._built is None:
            options = self.draw_options
            root = self.replay.root
            cluster_fn = check_options(
                root,
                options["rankdir"],
                options["max_nodes"],
                options["format"],
                options["cluster"],
                options["digits"],
            )
            plan = self._plan()
            document = Document(
                plan,
                clusters=resolve_clusters(plan, cluster_fn),
                rankdir=options["rankdir"],
                show_local=options["show_local"],
                interval=self.interval,
                params=check_values(options["params"], "params"),
                names=self.replay.names,
            )
            fill_timeline(
                document,
                self.replay,
                forward=self.forward,
                show_grad=options["show_grad"],
                show_local=options["show_local"],
                params=document.params,
                digits=options["digits"],
            )
            nudges = nudge_table(root, plan.values)
            document.infos = node_infos(plan, self.replay.names, nudges, self.replay.final)
            document.start = self.start
            self._built = document
        return self._built

    def _plan(self) -> Plan:
        options = self.draw_options
        plan, _ = check_size(
            self.replay.root,
            options["max_nodes"],
            caller="step_through",
            narrowing="summary",
            summary=options["summary"],
        )
        return plan

    def picture_png(self) -> bytes:
        """The end of backward as PNG (the picture an untrusted notebook shows)."""
        options = {**self.draw_options, "caption": False, "format": "png"}
        return bytes(self.replay.draw(len(self.replay), **options).pipe("png"))

    def __repr__(self) -> str:
        return (
            f"<StepThrough: {self.states} states over {len(self.replay.order)} nodes; "
            "display in Jupyter or .save_html(path)>"
        )


BackwardStepper = StepThrough  # the name of the widget this replaced


def step_through(
    root: Value,
    grad: Any = 1.0,
    *,
    interval: int = 1200,
    forward: bool = True,
    start: int = 0,
    **draw_options: Any,
) -> StepThrough:
    """A view to walk through forward and backward from ``root`` one node at a time.

    Press Play, drag the slider or use the arrow keys: forward fills in each node's value and
    the local derivatives it stores; then the seed; then each backward step shows its node and
    edges in red and the arithmetic ``local × upstream = contribution`` and
    ``grad_before + contribution = grad_after``. Click a node for its op, data, grad, local
    derivatives and uses. ``forward=False`` shows backward only. ``interval``: milliseconds per
    state when playing. ``draw_options`` go to the drawing (show_local, show_grad, rankdir,
    cluster, params, digits, max_nodes, summary; see `autograd.draw_graph`): ``summary=True``
    draws each neuron (fused dot node) as one box and spends no forward state on the weights
    folded into it. No ``.grad`` changes.
    """
    if not isinstance(root, Value):
        raise TypeError(f"step_through expects a Value, got {type(root).__name__}")
    if type(interval) is not int or interval < 1:  # worded with its unit, unlike the others
        raise ValueError(f"step_through: interval must be an int >= 1 (ms), got {interval!r}")
    if not isinstance(forward, bool):
        raise TypeError(f"step_through: forward must be True or False, got {forward!r}")
    _check_draw_options(root, draw_options)
    stepper = StepThrough(
        replay_backward(root, grad),
        forward=forward,
        interval=interval,
        start=start,
        **draw_options,
    )
    stepper.view_document()  # lay out now, so a problem shows at the call, not at display
    return stepper


def _check_draw_options(root: Value, options: Mapping[str, Any]) -> None:
    """Raise what `BackwardReplay.draw` would raise for these options, without drawing."""
    unknown = sorted(set(options) - set(DRAW_OPTIONS))
    if unknown:
        raise TypeError(
            f"step_through: unknown drawing option(s) {', '.join(unknown)} "
            f"(known: {', '.join(DRAW_OPTIONS)})"
        )
    given = {**DRAW_OPTIONS, **options}
    check_options(
        root,
        given["rankdir"],
        given["max_nodes"],
        given["format"],
        given["cluster"],
        given["digits"],
    )
    check_values(given["params"], "params")
    if not isinstance(given["summary"], bool):
        raise TypeError(f"step_through: summary must be True or False, got {given['summary']!r}")
    check_size(
        root,
        given["max_nodes"],
        caller="step_through",
        narrowing="summary",
        summary=given["summary"],
    )


def print_steps(
    root: Value,
    grad: Any = 1.0,
    *,
    file: TextIO | None = None,
    max_edges: int | None = None,
    max_nodes: int = 500,
) -> None:
    """Print every backward step's chain-rule arithmetic (any front end); no ``.grad`` changes.

    ``max_nodes`` is the same size guard as `autograd.draw_graph`'s: a larger graph raises
    `GraphTooLargeError` rather than printing pages (raise it to print anyway).
    """
    check_int_option("print_steps", "max_edges", max_edges, 0, optional=True)
    if not isinstance(root, Value):
        raise TypeError(f"print_steps expects a Value, got {type(root).__name__}")
    check_int_option("print_steps", "max_nodes", max_nodes, 1)
    check_size(root, max_nodes, caller="print_steps")
    replay = replay_backward(root, grad)
    out = sys.stdout if file is None else file
    for k in range(len(replay) + 1):
        print("\n".join(replay.lines(k, max_edges)), file=out)
