"""Drawing the graph with Graphviz: data, gradients, local derivatives and the "+=" of fan-out.

`draw_graph` turns the nodes behind a `Value` into DOT source and wraps it in a `GraphDrawing`,
which Jupyter displays inline and which can be rendered to a file. The Python ``graphviz``
package is imported only inside `draw_graph`, so ``import autograd`` never needs it.

Reading a drawing (left to right by default):
- a box per value: its label (bold, if any), ``data`` and ``grad``;
- a small grey ellipse per op, between the op's operands and its result;
- fill colours: blue for leaves (inputs), green for parameters (leaves passed in ``params``),
  gold with a thick border for the output (the root), red for highlighted nodes;
- a node used more than once has an orange "+=" row: its gradient is the sum of one
  contribution per use, e.g. ``grad 5 = 2 + 3``;
- with ``show_local=True`` each edge shows the local derivative d(result)/d(operand) and, once
  backward has run, the chain rule ``local × upstream = contribution``.

Unrolled recurrent nets: label each step's values ``"t<k>/<name>"`` (``"t3/h"``, ``"t3/x"``) and
pass ``cluster="label"``; every time step becomes a box, the ops that made a step's labelled
values join it, and the shared weights stay outside, so BPTT shows as a chain of copies. Any
other grouping: ``cluster=lambda node: "name" or None``.

Big graphs: more than ``max_nodes`` raises `GraphTooLargeError` naming the options:
``summary=True`` (one box per fused ``dot`` node, its weights folded in) or ``depth=k``.

Which nodes are drawn (whole, summary, depth, clusters) is decided in `autograd.viz.plan`;
this module decides how they look and talks to Graphviz.
"""

from __future__ import annotations

import html
import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from autograd.value import Value
from autograd.viz.plan import (
    ClusterFn,
    GraphTooLargeError,
    Plan,
    check_size,
    cluster_function,
    natural_key,
    resolve_clusters,
)

__all__ = [
    "GraphDrawing",
    "GraphTooLargeError",  # from autograd.viz.plan, which decides what is drawn
    "GraphvizNotFoundError",
    "draw_graph",
]

INSTALL_PACKAGE_HINT = "pip install 'chainrule[viz]'"
INSTALL_DOT_HINT = (
    "install the Graphviz programs (Debian/Ubuntu: apt install graphviz; macOS: brew install "
    "graphviz; conda: conda install graphviz; others: https://graphviz.org/download/)"
)

_RANKDIRS = ("LR", "RL", "TB", "BT")
MAX_TERMS = 6
"""The most contributions a "+=" row spells out; the rest are counted."""
_INLINE_MIMETYPES = {"svg": "image/svg+xml", "png": "image/png", "jpeg": "image/jpeg"}

# Colours: one meaning each (see the module docstring).
_FILL_LEAF = "#dbeafe"
_FILL_PARAM = "#dcfce7"
_FILL_NODE = "#ffffff"
_FILL_OUTPUT = "#fef3c7"
_FILL_HIGHLIGHT = "#fee2e2"
_FILL_OP = "#f3f4f6"
_FILL_CLUSTER = "#f8fafc"
_BORDER = "#6b7280"
_RED = "#dc2626"
_FANOUT = "#c2410c"
_MUTED = "#6b7280"


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program is not installed (or not on PATH); the message says how."""


def _import_graphviz() -> Any:
    try:
        import graphviz  # type: ignore[import-untyped]
    except ImportError as error:
        raise ImportError(
            "drawing graphs needs the graphviz Python package: "
            f"{INSTALL_PACKAGE_HINT} (and the Graphviz programs: {INSTALL_DOT_HINT})"
        ) from error
    return graphviz


# ---------------------------------------------------------------- the drawing


class GraphDrawing:
    """DOT source for a graph, shown inline in Jupyter and rendered by Graphviz's ``dot``.

    ``source`` is the DOT text; ``digraph`` the underlying ``graphviz.Digraph`` (every other
    attribute is looked up there). If ``dot`` is missing, inline display falls back to the DOT
    source with an install hint, while `pipe` and `render` raise `GraphvizNotFoundError`.
    """

    def __init__(self, digraph: Any, node_count: int) -> None:
        self.digraph = digraph
        self.node_count = node_count

    @property
    def source(self) -> str:
        """The DOT source."""
        return str(self.digraph.source)

    @property
    def format(self) -> str:
        """The default output format of `pipe`, `render` and inline display."""
        return str(self.digraph.format)

    def pipe(self, format: str | None = None, **kwargs: Any) -> Any:  # noqa: A002 - graphviz's name
        """The rendered graph as bytes (or str with ``encoding=``), in ``format`` or the default."""
        with _dot_errors():
            return self.digraph.pipe(format=format, **kwargs)

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Save the DOT source and the rendered file (see ``graphviz.Digraph.render``);
        returns the rendered file's path."""
        with _dot_errors():
            return str(self.digraph.render(*args, **kwargs))

    def text_fallback(self) -> str:
        """What is displayed instead of a picture when ``dot`` is missing."""
        return (
            "Graphviz's `dot` program was not found, so here is the graph's DOT source instead.\n"
            f"To see the picture, {INSTALL_DOT_HINT}, then re-run this cell.\n\n{self.source}"
        )

    def _repr_mimebundle_(
        self, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None, **_: Any
    ) -> dict[str, Any]:
        fmt = self.format if self.format in _INLINE_MIMETYPES else "svg"
        try:
            data = self.pipe(format=fmt, encoding="utf-8" if fmt == "svg" else None)
        except GraphvizNotFoundError:
            return {"text/plain": self.text_fallback()}
        return {_INLINE_MIMETYPES[fmt]: data}

    def __repr__(self) -> str:
        return f"<GraphDrawing: {self.node_count} nodes; .source for DOT, .render() to save>"

    def __getattr__(self, name: str) -> Any:
        if name == "digraph":  # not set yet (during unpickling or a failed __init__)
            raise AttributeError(name)
        return getattr(self.digraph, name)


class _dot_errors:
    """Turn graphviz's ExecutableNotFound into GraphvizNotFoundError with the install hint."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        graphviz = _import_graphviz()
        if exc is not None and isinstance(exc, graphviz.ExecutableNotFound):
            raise GraphvizNotFoundError(
                f"Graphviz's dot program was not found on PATH: {INSTALL_DOT_HINT}. "
                "The DOT source is still available as .source."
            ) from exc


# ---------------------------------------------------------------- how it looks


def _fmt(x: Any, digits: int = 4) -> str:
    """A number with ``digits`` significant digits: 2, 0.5, -1.25e-05, inf."""
    if isinstance(x, Value):
        x = x.data
    x = float(x)
    if x == 0:
        return "0"
    return f"{x:.{digits}g}"


def _signed(x: Any, digits: int = 4) -> str:
    """A number as a term of a sum: parentheses around negatives, ``1 + (-2)``."""
    text = _fmt(x, digits)
    return f"({text})" if text.startswith("-") else text


@dataclass
class _Style:
    """Everything about a drawing except which nodes it holds."""

    grads: Mapping[Value, Any] | None = None  # override for .grad (the stepper's snapshots)
    processed: Collection[Value] | None = None  # nodes whose backward step has run
    prior: Mapping[Value, float] | None = None  # a node's grad before this backward (leaves)
    show_grad: bool = True
    show_local: bool = False
    highlight: Collection[Value] = ()
    highlight_edges: Collection[tuple[Value, int]] = ()  # (child, parent slot)
    params: Collection[Value] = ()
    names: Mapping[Value, str] | None = None  # shown for unlabelled nodes (the stepper's ids)
    digits: int = 4

    def grad(self, node: Value) -> float:
        g = self.grads[node] if self.grads is not None and node in self.grads else node.grad
        return g.data if isinstance(g, Value) else float(g)


def _value_label(node: Value, plan: Plan, style: _Style) -> str:
    d = style.digits
    rows = []
    if node.label:
        rows.append(f"<B>{html.escape(node.label)}</B>")
    elif style.names is not None and node in style.names:
        rows.append(f'<FONT COLOR="{_MUTED}">{html.escape(style.names[node])}</FONT>')
    if node in plan.boxes:
        folded = plan.folded.get(node, 0)
        what = f"{folded} leaf operand{'s' if folded != 1 else ''} folded in"
        rows.append(f'dot <FONT COLOR="{_MUTED}" POINT-SIZE="9">({what})</FONT>')
    rows.append(f"data {_fmt(node.data, d)}")
    if style.show_grad:
        rows.append(f"grad {_fmt(style.grad(node), d)}")
        uses = plan.uses.get(node, [])
        if len(uses) > 1:
            rows.append(f'<FONT COLOR="{_FANOUT}">{_fanout_text(node, uses, style)}</FONT>')
    if node in plan.truncated:
        rows.append(f'<FONT COLOR="{_MUTED}" POINT-SIZE="9">(inputs not drawn)</FONT>')
    fill, border, width = _FILL_NODE, _BORDER, 1
    if node is plan.root:
        fill, width = _FILL_OUTPUT, 2
    elif not node.parents:
        fill = _FILL_PARAM if node in style.params else _FILL_LEAF
    if node in style.highlight:
        fill, border, width = _FILL_HIGHLIGHT, _RED, 3
    cells = "".join(f"<TR><TD>{row}</TD></TR>" for row in rows)
    return (
        f'<<TABLE BORDER="{width}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2" '
        f'BGCOLOR="{fill}" COLOR="{border}" STYLE="ROUNDED">{cells}</TABLE>>'
    )


def _fanout_text(node: Value, uses: list[tuple[Value, int]], style: _Style) -> str:
    """The "+=" row of a node used more than once: its grad as a sum, one term per use."""
    d = style.digits
    processed = style.processed or ()
    done = [c.local_grads[slot] * style.grad(c) for c, slot in uses if c in processed]
    pending = len(uses) - len(done)
    if not done:
        return f"+= from {len(uses)} uses"
    prior = style.prior.get(node, 0.0) if style.prior is not None else None
    if prior is None and not pending:  # a static drawing: what is left was accumulated before
        grad = style.grad(node)
        rest = grad - math.fsum(done)
        prior = 0.0 if abs(rest) <= 1e-12 * (1 + abs(grad)) else rest
    terms = [f"{_fmt(prior, d)} (before)"] if prior else []
    terms += [_fmt(t, d) if not terms and i == 0 else _signed(t, d) for i, t in enumerate(done)]
    hidden = len(done) - MAX_TERMS
    if hidden > 0:  # a node used by a whole layer: the row would be wider than the graph
        terms = terms[: len(terms) - hidden]
    text = "= " + " + ".join(terms)
    untold = [f"{hidden} more"] if hidden > 0 else []
    untold += [f"{pending} to come"] if pending else []
    if untold:
        text += f" + … ({', '.join(untold)})"
    return html.escape(text).replace("…", "&#8230;")


def _edge_label(child: Value, slot: int, style: _Style, ran: bool) -> str:
    d = style.digits
    local = child.local_grads[slot]
    if not ran:
        return f"local {_fmt(local, d)}"
    upstream = style.grad(child)
    arithmetic = f"{_fmt(local, d)} × {_signed(upstream, d)} = {_fmt(local * upstream, d)}"
    return f"local {_fmt(local, d)}\\n{arithmetic}"


def _to_dot(
    plan: Plan,
    style: _Style,
    *,
    rankdir: str,
    format: str,  # noqa: A002 - graphviz's name
    clusters: Mapping[Value, str],
) -> Any:
    graphviz = _import_graphviz()
    g = graphviz.Digraph("autograd", format=format)
    g.attr(rankdir=rankdir, bgcolor="white", nodesep="0.2", ranksep="0.35")
    g.attr("node", fontname="Helvetica", fontsize="11")
    g.attr("edge", fontname="Helvetica", fontsize="9", color=_BORDER, arrowsize="0.6")
    if style.processed is None:
        # A static drawing shows contributions once backward has run. The root's grad is the
        # seed, so a non-zero root grad is the sign (a zero seed has no contributions anyway).
        ran = style.grad(plan.root) != 0
        style = replace(style, processed=set(plan.values) if ran else set())

    groups: dict[str | None, Any] = {None: g}
    subgraphs: list[Any] = []
    for name in sorted(set(clusters.values()), key=natural_key):  # t2 before t10
        sub = graphviz.Digraph(f"cluster_{len(subgraphs)}")
        sub.attr(label=name, style="rounded,filled", fillcolor=_FILL_CLUSTER, color="#94a3b8")
        sub.attr(fontname="Helvetica", fontsize="11", fontcolor=_MUTED)
        groups[name] = sub
        subgraphs.append(sub)

    for i, node in enumerate(plan.values):
        where = groups[clusters.get(node)]
        where.node(f"v{i}", _value_label(node, plan, style), shape="plaintext", margin="0")
        if node.parents and node not in plan.boxes:
            op_style = "filled,dashed" if node in plan.truncated else "filled"
            where.node(
                f"v{i}op",
                node.op_label,
                shape="ellipse",
                style=op_style,
                fillcolor=_FILL_OP,
                color=_RED if node in style.highlight else _BORDER,
                penwidth="2" if node in style.highlight else "1",
                fontsize="10",
                height="0.3",
                margin="0.04,0.02",
            )
            g.edge(f"v{i}op", f"v{i}")
    for sub in subgraphs:
        g.subgraph(sub)

    hot = set(style.highlight_edges)
    for child in plan.values:
        if child in plan.truncated:
            continue
        target = f"v{plan.index[child]}" if child in plan.boxes else f"v{plan.index[child]}op"
        for slot, parent in enumerate(child.parents):
            if parent not in plan.index or (child in plan.boxes and not parent.parents):
                continue
            attrs: dict[str, str] = {}
            if style.show_local:
                attrs["label"] = _edge_label(child, slot, style, child in (style.processed or ()))
            if (child, slot) in hot:
                attrs.update(color=_RED, penwidth="2.5", fontcolor=_RED)
            g.edge(f"v{plan.index[parent]}", target, **attrs)
    return g


# ---------------------------------------------------------------- the public function


def draw_graph(
    root: Value,
    *,
    show_grad: bool = True,
    show_local: bool = False,
    highlight: Iterable[Value] = (),
    rankdir: str = "LR",
    max_nodes: int = 500,
    format: str = "svg",  # noqa: A002 - graphviz's name
    cluster: ClusterFn | str | None = None,
    summary: bool = False,
    depth: int | None = None,
    params: Iterable[Value] = (),
    digits: int = 4,
) -> GraphDrawing:
    """Draw the graph that computes ``root``: every node's data and grad, and how they combine.

    Args:
        root: the output to draw back from (gold, thick border).
        show_grad: show each node's ``.grad`` and, for a node used more than once, its grad as
            the sum of one contribution per use ("+=").
        show_local: label each edge with the local derivative d(result)/d(operand) and, once
            backward has run (the root's grad is not 0), ``local × upstream = contribution``.
        highlight: nodes to draw in red.
        rankdir: layout direction, "LR" (inputs on the left), "RL", "TB" or "BT".
        max_nodes: refuse to draw more Graphviz nodes than this (a value box and an op ellipse
            count one each): `GraphTooLargeError` says how many there are and what to try.
        format: output format of inline display (svg, png, jpeg), ``pipe`` and ``render``.
        cluster: group nodes in labelled boxes, e.g. one per time step of an unrolled RNN.
            ``"label"`` uses the label prefix before a ``/`` (``"t3/h"`` goes in box ``t3``);
            or pass a function ``node -> str | None``. Unlabelled op nodes join the box of the
            results they feed when those all share one; leaves (shared weights) never do.
        summary: draw each fused ``dot`` node (a neuron) as one box, its leaf operands
            (weights, bias, leaf inputs) folded in and not drawn: for networks.
        depth: draw only the nodes at most ``depth`` ops above ``root``; cut-off nodes say so.
        params: leaves to colour as parameters (green) rather than inputs (blue), e.g.
            ``model.parameters()``. A leaf is a parameter only if you say so: labels decide nothing.
        digits: significant digits of the numbers shown.

    Returns:
        A `GraphDrawing`: displays inline in Jupyter; ``.source``, ``.pipe()``, ``.render()``.
    """
    if depth is not None and (type(depth) is not int or depth < 0):
        raise ValueError(f"draw_graph: depth must be None or an int >= 0, got {depth!r}")
    cluster_fn = check_options(root, rankdir, max_nodes, format, cluster, digits)
    highlight_set = check_values(highlight, "highlight")
    params_set = check_values(params, "params")
    plan, count = check_size(root, max_nodes, depth=depth, summary=summary)
    missing = [v for v in highlight_set if v not in plan.index]
    if missing:
        raise ValueError(f"draw_graph: highlight holds {len(missing)} node(s) not in the drawing")
    style = _Style(
        show_grad=show_grad,
        show_local=show_local,
        highlight=highlight_set,
        params=params_set,
        digits=digits,
    )
    digraph = _to_dot(
        plan, style, rankdir=rankdir, format=format, clusters=resolve_clusters(plan, cluster_fn)
    )
    return GraphDrawing(digraph, count)


def check_options(
    root: object,
    rankdir: str,
    max_nodes: int,
    format: str,  # noqa: A002 - graphviz's name
    cluster: ClusterFn | str | None,
    digits: int,
) -> ClusterFn | None:
    """Validate the options shared by every drawing; returns the cluster function."""
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph expects a Value, got {type(root).__name__}")
    if rankdir not in _RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {_RANKDIRS}, got {rankdir!r}")
    if type(max_nodes) is not int or max_nodes < 1:
        raise ValueError(f"draw_graph: max_nodes must be a positive int, got {max_nodes!r}")
    if type(digits) is not int or not 1 <= digits <= 17:
        raise ValueError(f"draw_graph: digits must be an int from 1 to 17, got {digits!r}")
    cluster_fn = cluster_function(cluster)
    graphviz = _import_graphviz()  # before any work: a missing package is the first thing to say
    if format not in graphviz.FORMATS:
        raise ValueError(f"draw_graph: unknown format {format!r} (try 'svg' or 'png')")
    return cluster_fn


def check_values(items: Iterable[Value], name: str) -> set[Value]:
    """``highlight`` or ``params`` as a set of Values (one Value alone is accepted too)."""
    if isinstance(items, Value):
        return {items}
    out = set()
    for item in items:
        if not isinstance(item, Value):
            raise TypeError(f"draw_graph: {name} must hold Values, got {type(item).__name__}")
        out.add(item)
    return out


def render_plan(
    root: Value,
    style: _Style,
    *,
    rankdir: str = "LR",
    format: str = "svg",  # noqa: A002 - graphviz's name
    cluster: ClusterFn | str | None = None,
    max_nodes: int = 500,
) -> GraphDrawing:
    """A drawing of the whole graph with a prepared style (used by the backward stepper)."""
    cluster_fn = check_options(root, rankdir, max_nodes, format, cluster, style.digits)
    plan, count = check_size(root, max_nodes)
    clusters = resolve_clusters(plan, cluster_fn)
    return GraphDrawing(
        _to_dot(plan, style, rankdir=rankdir, format=format, clusters=clusters), count
    )
