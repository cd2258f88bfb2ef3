"""Backward one node at a time: a replay you can scrub, a Jupyter widget, and a text mode.

`backward_steps` performs backward step by step and mutates grads as it goes, so it cannot run
in reverse. A `BackwardReplay` runs it once, keeps every step (each edge records the parent's
grad before and after), and rebuilds the grads of any state ``k`` from those records without
touching the graph again. The widget and the text mode are two views of a replay:

- `step_through(root)`: a Play button and a slider (linked with ``widgets.link``) over the
  states, the graph with the current node and the edges it updates in red, and the chain-rule
  arithmetic of that step. Needs ipywidgets (``pip install 'chainrule[notebooks]'``).
- `print_steps(root)`: the same arithmetic as plain text, for any front end.

Either way backward really runs, once: afterwards the grads are those of ``root.backward()``
(leaves accumulate onto what they held, as always). State 0 is the seed, state ``k`` is after
``k`` steps; there is one step per non-leaf node, in reverse topological order.
"""

from __future__ import annotations

import html
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from autograd.graph import BackwardStep, backward_steps, topological_order
from autograd.value import Value
from autograd.viz.draw import (
    GraphDrawing,
    GraphvizNotFoundError,
    _fmt,
    _signed,
    _Style,
    check_options,
    check_values,
    render_plan,
)
from autograd.viz.plan import check_size

__all__ = ["BackwardReplay", "BackwardStepper", "print_steps", "replay_backward", "step_through"]

INSTALL_WIDGETS_HINT = "pip install 'chainrule[notebooks]'"
_INFIX = {"+", "-", "*", "/", "**"}


def _as_float(x: Any) -> float:
    return x.data if isinstance(x, Value) else float(x)


@dataclass(frozen=True)
class BackwardReplay:
    """Every step of one backward pass, and the grads of every state in between.

    Attributes:
        root: the node backward started from.
        steps: what each step did (see `autograd.BackwardStep`).
        initial: each node's grad in state 0: the seed for the root, 0 for other non-leaf
            nodes, and for leaves whatever they held before (they accumulate).
        names: a display name per node: its label, or ``#i`` (its topological index).
        uses: how many times each node is an operand (more than 1: its grad is a sum).
        final: each node's grad once backward is done: the last state. It differs from the
            sums the steps recorded only where a leaf's hook replaced its gradient.
    """

    root: Value
    steps: tuple[BackwardStep, ...]
    initial: Mapping[Value, float]
    names: Mapping[Value, str]
    uses: Mapping[Value, int]
    final: Mapping[Value, float]

    def __len__(self) -> int:
        """The number of steps; the states are 0 .. len(self)."""
        return len(self.steps)

    def _check(self, k: int) -> None:
        if type(k) is not int or not 0 <= k <= len(self.steps):
            raise ValueError(f"state must be an int from 0 to {len(self.steps)}, got {k!r}")

    def grads_at(self, k: int) -> dict[Value, float]:
        """Every node's grad after ``k`` steps, rebuilt from the records (nothing is mutated)."""
        self._check(k)
        if k == len(self.steps):
            return dict(self.final)
        grads = dict(self.initial)
        for step in self.steps[:k]:
            grads[step.node] = _as_float(step.upstream)  # after the node's hooks, if any
            for edge in step.edges:
                grads[edge.parent] = _as_float(edge.grad_after)
        return grads

    def step_at(self, k: int) -> BackwardStep | None:
        """The step that led to state ``k`` (None for state 0, the seed)."""
        self._check(k)
        return self.steps[k - 1] if k else None

    def describe(self, k: int, *, max_edges: int | None = None) -> str:
        """The chain-rule arithmetic of the step that led to state ``k``, as text."""
        return "\n".join(self._lines(k, max_edges))

    def describe_html(self, k: int, *, max_edges: int | None = 12) -> str:
        """`describe` as an HTML block for the widget."""
        lines = [html.escape(line) for line in self._lines(k, max_edges)]
        lines[0] = f"<b>{lines[0]}</b>"
        body = "<br>".join(lines)
        style = "font-family: monospace; white-space: pre; line-height: 1.4"
        return f'<div style="{style}">{body}</div>'

    def _lines(self, k: int, max_edges: int | None) -> list[str]:
        step = self.step_at(k)
        n = len(self.steps)
        name = self.names
        root = name[self.root]
        seed = _fmt(self.initial[self.root])
        if step is None:
            if not n:
                return [
                    f"{root} is a leaf: backward just adds the seed {seed} to its grad.",
                ]
            why = f"d{root}/d{root} = 1" if seed == "1" else "the seed passed to backward"
            return [
                f"State 0 of {n}: {root}.grad = {seed} ({why}).",
                "Every other non-leaf grad starts at 0; leaves keep their grad and accumulate.",
            ]
        node = step.node
        lines = [
            f"Step {k} of {n}: {name[node]} = {self._expression(node)}",
            f"{name[node]}.grad = {_fmt(step.upstream)} is complete (every use of {name[node]} "
            "is done): it is the upstream for its operands.",
        ]
        done = self._contributions_before(k - 1)
        edges = step.edges if max_edges is None else step.edges[:max_edges]
        for edge in edges:
            parent = name[edge.parent]
            done[edge.parent] = done.get(edge.parent, 0) + 1
            line = (
                f"  {parent}: local {_fmt(edge.local_grad)} × upstream {_signed(step.upstream)}"
                f" = {_fmt(edge.contribution)};  {parent}.grad = {_fmt(edge.grad_before)}"
                f" + {_signed(edge.contribution)} = {_fmt(edge.grad_after)}"
            )
            total = self.uses.get(edge.parent, 1)
            if total > 1:
                line += f"  (use {done[edge.parent]} of {total})"
            lines.append(line)
        if len(edges) < len(step.edges):
            lines.append(f"  … and {len(step.edges) - len(edges)} more operands")
        if k == n:
            lines.append("Done: every grad is final, as after backward().")
        return lines

    def _contributions_before(self, index: int) -> dict[Value, int]:
        counts: dict[Value, int] = {}
        for step in self.steps[:index]:
            for edge in step.edges:
                counts[edge.parent] = counts.get(edge.parent, 0) + 1
        return counts

    def _expression(self, node: Value) -> str:
        args = [self.names[p] for p in node.parents]
        if node.op in _INFIX and len(args) == 2:
            return f"{args[0]} {node.op} {args[1]}"
        if len(args) > 4:
            args = [*args[:3], f"… {len(args) - 3} more"]
        return f"{node.op}({', '.join(args)})"

    def draw(
        self,
        k: int,
        *,
        show_grad: bool = True,
        show_local: bool = True,
        caption: bool = False,
        params: Iterable[Value] = (),
        digits: int = 4,
        **options: Any,
    ) -> GraphDrawing:
        """The graph in state ``k``: the current node and the edges it updated in red.

        ``caption=True`` writes the step's arithmetic under the graph (for a static picture).
        The other options are those of `autograd.draw_graph`: show_grad, show_local, params,
        digits, and rankdir, format, cluster, max_nodes.
        """
        self._check(k)
        step = self.step_at(k)
        style = _Style(
            grads=self.grads_at(k),
            processed={s.node for s in self.steps[:k]},
            prior=self.initial,
            show_grad=show_grad,
            show_local=show_local,
            highlight=() if step is None else (step.node,),
            highlight_edges=()
            if step is None
            else tuple((step.node, slot) for slot in range(len(step.node.parents))),
            params=set(params),
            names=self.names,
            digits=digits,
        )
        drawing = render_plan(self.root, style, **options)
        if caption:
            text = "".join(line.replace("\\", "\\\\") + "\\l" for line in self._lines(k, 12))
            drawing.digraph.attr(
                label=text, labelloc="b", labeljust="l", fontname="Helvetica", fontsize="11"
            )
        return drawing


def replay_backward(root: Value, grad: Any = 1.0) -> BackwardReplay:
    """Run backward from ``root`` step by step (the grads end as after ``root.backward(grad)``)
    and keep every step, so any state can be shown again."""
    if not isinstance(root, Value):
        raise TypeError(f"replay_backward expects a Value, got {type(root).__name__}")
    order = topological_order(root)
    initial = {v: (_as_float(v.grad) if not v.parents else 0.0) for v in order}
    steps = tuple(backward_steps(root, grad))  # validates grad; a leaf root gives no steps
    initial[root] = _as_float(grad if root.parents else root.grad)  # a leaf root: no steps
    names = {}
    for i, v in enumerate(order):
        names[v] = v.label or f"#{i}"
    uses: dict[Value, int] = {}
    for v in order:
        for p in v.parents:
            uses[p] = uses.get(p, 0) + 1
    final = {v: _as_float(v.grad) for v in order}
    return BackwardReplay(root, steps, initial, names, uses, final)


def print_steps(
    root: Value, grad: Any = 1.0, *, file: TextIO | None = None, max_edges: int | None = None
) -> None:
    """Run backward from ``root`` and print every step's chain-rule arithmetic (any front end)."""
    if max_edges is not None and (type(max_edges) is not int or max_edges < 0):
        raise ValueError(f"print_steps: max_edges must be None or an int >= 0, got {max_edges!r}")
    replay = replay_backward(root, grad)  # after every check: it changes the grads
    out = sys.stdout if file is None else file
    for k in range(len(replay) + 1):
        print(replay.describe(k, max_edges=max_edges), file=out)


class BackwardStepper:
    """The widget: Play and a slider over the states, the step's arithmetic, and the graph.

    ``play`` and ``slider`` are linked with ``widgets.link`` (kernel side, so it also works when
    driven from Python); ``text`` and ``graph`` are HTML widgets; ``widget`` is the whole box.
    Drawings are cached per state, so scrubbing back and forth re-renders nothing.
    """

    def __init__(
        self, replay: BackwardReplay, *, interval: int = 1200, **draw_options: Any
    ) -> None:
        widgets = _import_ipywidgets()
        self.replay = replay
        self._draw_options = draw_options
        self._svg: dict[int, str] = {}
        n = len(replay)
        self.play = widgets.Play(
            value=0, min=0, max=n, step=1, interval=interval, description="Play backward"
        )
        self.slider = widgets.IntSlider(
            value=0, min=0, max=n, step=1, description="state", continuous_update=True
        )
        self.link = widgets.link((self.play, "value"), (self.slider, "value"))
        self.text = widgets.HTML()
        self.graph = widgets.HTML()
        self.widget = widgets.VBox([widgets.HBox([self.play, self.slider]), self.text, self.graph])
        self.slider.observe(self._on_change, names="value")
        self.show(0)  # draws state 0 now, so a graph too large to draw fails here, not later

    @property
    def state(self) -> int:
        """The state on show (the slider's value)."""
        return int(self.slider.value)

    def show(self, k: int) -> None:
        """Fill the text and graph areas with state ``k`` (the slider calls this)."""
        self.text.value = self.replay.describe_html(k)
        self.graph.value = self.graph_html(k)

    def graph_html(self, k: int) -> str:
        """State ``k``'s drawing as inline SVG, or its DOT source if ``dot`` is missing."""
        if k not in self._svg:
            drawing = self.replay.draw(k, **self._draw_options)
            try:
                svg = drawing.pipe(format="svg", encoding="utf-8")
                # Without the XML prolog; scrolls sideways rather than spilling out of the cell.
                self._svg[k] = f'<div style="overflow-x: auto">{svg[svg.find("<svg") :]}</div>'
            except GraphvizNotFoundError:
                return f"<pre>{html.escape(drawing.text_fallback())}</pre>"
        return self._svg[k]

    def _on_change(self, change: Mapping[str, Any]) -> None:
        self.show(int(change["new"]))

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def _import_ipywidgets() -> Any:
    try:
        import ipywidgets  # type: ignore[import-untyped]
    except ImportError as error:
        raise ImportError(
            f"the step-through widget needs ipywidgets: {INSTALL_WIDGETS_HINT} "
            "(or use autograd.print_steps(root) for plain text)"
        ) from error
    return ipywidgets


def step_through(
    root: Value, grad: Any = 1.0, *, interval: int = 1200, **draw_options: Any
) -> BackwardStepper:
    """A widget to walk backward from ``root`` one node at a time (runs backward once).

    Press Play or drag the slider: each state shows the graph with that step's node and edges
    in red, and the arithmetic ``local × upstream = contribution`` and
    ``grad_before + contribution = grad_after`` for each operand. ``interval`` is the
    milliseconds per step when playing; ``draw_options`` go to the drawing (show_local,
    show_grad, rankdir, cluster, params, digits, max_nodes; see `autograd.draw_graph`).
    """
    if not isinstance(root, Value):
        raise TypeError(f"step_through expects a Value, got {type(root).__name__}")
    # Everything that could fail is checked before backward runs, leaving the grads untouched.
    if type(interval) is not int or interval < 1:
        raise ValueError(f"step_through: interval must be an int >= 1 (ms), got {interval!r}")
    _import_ipywidgets()
    _check_draw_options(root, draw_options)
    return BackwardStepper(replay_backward(root, grad), interval=interval, **draw_options)


_DRAW_OPTIONS = {  # the keyword arguments of BackwardReplay.draw, and their defaults
    "show_grad": True,
    "show_local": True,
    "caption": False,
    "params": (),
    "digits": 4,
    "rankdir": "LR",
    "format": "svg",
    "cluster": None,
    "max_nodes": 500,
}


def _check_draw_options(root: Value, options: Mapping[str, Any]) -> None:
    """Raise what `BackwardReplay.draw` would raise for these options, without drawing."""
    unknown = sorted(set(options) - set(_DRAW_OPTIONS))
    if unknown:
        raise TypeError(
            f"step_through: unknown drawing option(s) {', '.join(unknown)} "
            f"(known: {', '.join(_DRAW_OPTIONS)})"
        )
    given = {**_DRAW_OPTIONS, **options}
    check_options(
        root,
        given["rankdir"],
        given["max_nodes"],
        given["format"],
        given["cluster"],
        given["digits"],
    )
    check_values(given["params"], "params")
    check_size(root, given["max_nodes"])
