"""Drawing the graph with Graphviz: data, gradients, local derivatives and the "+=" of fan-out.

`draw_graph` turns the nodes behind a `Value` into DOT source (rendered to files by Graphviz:
``.pipe``, ``.render``) and into a one-state graph view (`autograd.viz.view`: ``_repr_html_`` in
Jupyter, ``save_html``). The Python ``graphviz`` package is imported only inside `draw_graph`,
so ``import autograd`` never needs it.

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
import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from autograd.files import write_atomically, write_bytes_atomically
from autograd.value import Value
from autograd.viz import style as st
from autograd.viz.layout import GraphvizNotFoundError, run_graphviz
from autograd.viz.nudge import Row, nudge_table
from autograd.viz.options import check_int_option
from autograd.viz.plan import (
    ClusterFn,
    GraphTooLargeError,
    Plan,
    check_size,
    cluster_function,
    natural_key,
    resolve_clusters,
)
from autograd.viz.style import MAX_TERMS, Style
from autograd.viz.view import Document, NodeInfo, Viewable

__all__ = [
    "MAX_TERMS",
    "GraphDrawing",
    "GraphTooLargeError",  # from autograd.viz.plan, which decides what is drawn
    "GraphvizNotFoundError",  # from autograd.viz.layout, which finds Graphviz
    "draw_graph",
]

INSTALL_PACKAGE_HINT = "pip install 'chainrule[viz]'"
RANKDIRS = ("LR", "RL", "TB", "BT")
FORMATS = ("svg", "png", "jpeg", "jpg", "gif", "pdf", "json", "dot", "xdot", "plain")


def _import_graphviz() -> Any:
    try:
        import graphviz  # type: ignore[import-untyped]
    except ImportError as error:
        raise ImportError(
            f"drawing graphs needs the graphviz Python package: {INSTALL_PACKAGE_HINT}"
        ) from error
    return graphviz


# ---------------------------------------------------------------- the drawing


class GraphDrawing(Viewable):
    """A drawn graph: an interactive view in Jupyter (`_repr_html_`, `save_html`), and DOT
    source that Graphviz renders to files (`pipe`, `render`).

    ``source`` is the DOT text; ``digraph`` the underlying ``graphviz.Digraph`` (every other
    attribute is looked up there). Graphviz is the system's ``dot``, else ``graphviz-pure``.
    """

    def __init__(self, digraph: Any, node_count: int, document: Document | None = None) -> None:
        self.digraph = digraph
        self.node_count = node_count
        self.document = document

    @property
    def source(self) -> str:
        """The DOT source (a lone surrogate in a label becomes U+FFFD: it can be encoded)."""
        return st.printable(str(self.digraph.source))

    @property
    def format(self) -> str:
        """The default output format of `pipe` and `render`."""
        return str(self.digraph.format)

    def pipe(self, format: str | None = None, encoding: str | None = None) -> Any:  # noqa: A002
        """The rendered graph as bytes (or str with ``encoding=``), in ``format`` or the default."""
        data = run_graphviz(self.source, format or self.format)
        return data.decode(encoding) if encoding else data

    def render(
        self,
        filename: str | os.PathLike[str],
        directory: str | os.PathLike[str] | None = None,
        *,
        format: str | None = None,  # noqa: A002 - graphviz's name
        cleanup: bool = False,
    ) -> str:
        """Save the DOT source at ``filename`` and the picture at ``filename.<format>``;
        ``cleanup=True`` keeps only the picture. Returns the picture's path."""
        path = Path(directory or "") / Path(filename)
        fmt = format or self.format
        data = self.pipe(fmt)
        if not cleanup:
            write_atomically(path, self.source)
        out = path.with_name(f"{path.name}.{fmt}")
        write_bytes_atomically(out, data)
        return str(out)

    def picture_png(self) -> bytes:
        """This drawing as PNG (the picture an untrusted notebook shows)."""
        return run_graphviz(self.source, "png")

    def view_document(self) -> Document:
        if self.document is None:
            raise ValueError("this drawing has no view (it was made for a file): use .pipe()")
        return self.document

    def __repr__(self) -> str:
        return f"<GraphDrawing: {self.node_count} nodes; .source for DOT, .render() to save>"

    def __getattr__(self, name: str) -> Any:
        # Private names (the _repr_*_ hooks Jupyter looks for) are not graphviz's to answer:
        # the Digraph's own _repr_mimebundle_ would display a second, static picture.
        if name.startswith("_") or name in ("digraph", "document"):
            raise AttributeError(name)
        return getattr(self.digraph, name)


# ---------------------------------------------------------------- how it looks


def _value_label(node: Value, plan: Plan, style: Style) -> str:
    markup = {
        "label": "<B>{}</B>",
        "name": f'<FONT COLOR="{st.MUTED}">{{}}</FONT>',
        "box": f'<FONT COLOR="{st.MUTED}" POINT-SIZE="9">{{}}</FONT>',
        "fanout": f'<FONT COLOR="{st.FANOUT}">{{}}</FONT>',
        "cut": f'<FONT COLOR="{st.MUTED}" POINT-SIZE="9">{{}}</FONT>',
    }
    rows = [
        markup.get(row.kind, "{}").format(html.escape(row.text).replace("…", "&#8230;"))
        for row in st.value_rows(node, plan, style)
    ]
    fill, border, width = st.fill_of(node, plan, style), st.BORDER, 2 if node is plan.root else 1
    if node in style.highlight:
        fill, border, width = st.FILL_HIGHLIGHT, st.RED, 3
    cells = "".join(f"<TR><TD>{row}</TD></TR>" for row in rows)
    return (
        f'<<TABLE BORDER="{width}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2" '
        f'BGCOLOR="{fill}" COLOR="{border}" STYLE="ROUNDED">{cells}</TABLE>>'
    )


def plain(graphviz: Any, text: str) -> Any:
    """A user's name (op, cluster, caption) for the graphviz package: plain text, escaped for
    DOT, never read as an HTML-like label however it starts (``<b>``, ``<x> URL=...``)."""
    return graphviz.nohtml(st.dot_escape(text))


def _edge_label(child: Value, slot: int, style: Style) -> str:
    return "\\n".join(line for line in st.edge_lines(child, slot, style) if line)


def static_style(plan: Plan, style: Style) -> Style:
    """A drawing of the graph as it is: contributions show once backward has run.

    The root's grad is the seed, so a non-zero root grad is the sign (a zero seed has no
    contributions anyway).
    """
    if style.processed is not None:
        return style
    ran = style.grad(plan.root) != 0
    return replace(style, processed=set(plan.values) if ran else set())


def _to_dot(
    plan: Plan,
    style: Style,
    *,
    rankdir: str,
    format: str,  # noqa: A002 - graphviz's name
    clusters: Mapping[Value, str],
) -> Any:
    graphviz = _import_graphviz()
    g = graphviz.Digraph("autograd", format=format)
    g.attr(rankdir=rankdir, bgcolor="white", nodesep="0.2", ranksep="0.35")
    g.attr("node", fontname="Helvetica", fontsize="11")
    g.attr("edge", fontname="Helvetica", fontsize="9", color=st.BORDER, arrowsize="0.6")
    style = static_style(plan, style)
    groups: dict[str | None, Any] = {None: g}
    subgraphs: list[Any] = []
    for name in sorted(set(clusters.values()), key=natural_key):  # t2 before t10
        sub = graphviz.Digraph(f"cluster_{len(subgraphs)}")
        sub.attr(
            label=plain(graphviz, name),
            style="rounded,filled",
            fillcolor=st.FILL_CLUSTER,
            color="#94a3b8",
        )
        sub.attr(fontname="Helvetica", fontsize="11", fontcolor=st.MUTED)
        groups[name] = sub
        subgraphs.append(sub)

    for i, node in enumerate(plan.values):
        where = groups[clusters.get(node)]
        where.node(f"v{i}", _value_label(node, plan, style), shape="plaintext", margin="0")
        if node.parents and node not in plan.boxes:
            op_style = "filled,dashed" if node in plan.truncated else "filled"
            where.node(
                f"v{i}op",
                plain(graphviz, node.op_label),
                shape="ellipse",
                style=op_style,
                fillcolor=st.FILL_OP,
                color=st.RED if node in style.highlight else st.BORDER,
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
            label = _edge_label(child, slot, style)
            if label:
                attrs["label"] = label
            if (child, slot) in hot:
                attrs.update(color=st.RED, penwidth="2.5", fontcolor=st.RED)
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
    check_int_option("draw_graph", "depth", depth, 0, optional=True)
    cluster_fn = check_options(root, rankdir, max_nodes, format, cluster, digits)
    highlight_set = check_values(highlight, "highlight")
    params_set = check_values(params, "params")
    plan, count = check_size(
        root, max_nodes, caller="draw_graph", narrowing=True, depth=depth, summary=summary
    )
    missing = [v for v in highlight_set if v not in plan.index]
    if missing:
        raise ValueError(f"draw_graph: highlight holds {len(missing)} node(s) not in the drawing")
    style = Style(
        show_grad=show_grad,
        show_local=show_local,
        highlight=highlight_set,
        params=params_set,
        digits=digits,
    )
    return _drawing(plan, count, style, rankdir, format, resolve_clusters(plan, cluster_fn))


def _drawing(
    plan: Plan,
    count: int,
    style: Style,
    rankdir: str,
    format: str,  # noqa: A002 - graphviz's name
    clusters: Mapping[Value, str],
) -> GraphDrawing:
    """The DOT drawing and the one-state view of ``plan`` in ``style``."""
    digraph = _to_dot(plan, style, rankdir=rankdir, format=format, clusters=clusters)
    names = style.names or {v: v.label or f"#{i}" for i, v in enumerate(plan.values)}
    document = Document(
        plan,
        clusters=clusters,
        rankdir=rankdir,
        show_local=style.show_local,
        params=style.params,
        names=names,
    )
    document.add_state(static_style(plan, style))
    document.static_highlight = {plan.index[v] for v in style.highlight if v in plan.index}
    static = static_style(plan, style)
    grads = {v: static.grad(v) for v in plan.values}
    document.infos = node_infos(plan, names, nudge_table(plan.root, plan.values), grads)
    return GraphDrawing(digraph, count, document)


def node_infos(
    plan: Plan,
    names: Mapping[Value, str],
    nudges: Mapping[Value, list[Row]],
    grads: Mapping[Value, float],
) -> list[NodeInfo]:
    """What clicking each drawn node shows: op, data, local derivatives, uses, nudges and
    the final grad the nudges are predicted with."""
    return [
        NodeInfo(
            names[v],
            v.op_label,
            v.data,
            [(names.get(p, "?"), float(g)) for p, g in zip(v.parents, v.local_grads)],
            len(plan.uses.get(v, ())),
            nudges.get(v, []),
            float(grads.get(v, 0.0)),
        )
        for v in plan.values
    ]


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
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    check_int_option("draw_graph", "max_nodes", max_nodes, 1)
    check_int_option("draw_graph", "digits", digits, 1, 17)
    cluster_fn = cluster_function(cluster)
    _import_graphviz()  # before any work: a missing package is the first thing to say
    if format not in FORMATS:
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
    style: Style,
    *,
    rankdir: str = "LR",
    format: str = "svg",  # noqa: A002 - graphviz's name
    cluster: ClusterFn | str | None = None,
    max_nodes: int = 500,
    summary: bool = False,
) -> GraphDrawing:
    """A drawing of the whole graph with a prepared style (one state of a replay);
    ``summary`` as in `draw_graph`."""
    cluster_fn = check_options(root, rankdir, max_nodes, format, cluster, style.digits)
    plan, count = check_size(root, max_nodes, caller="replay.draw", summary=summary)
    return _drawing(plan, count, style, rankdir, format, resolve_clusters(plan, cluster_fn))
