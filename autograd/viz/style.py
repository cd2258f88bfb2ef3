"""What a drawn node and edge say, as plain text rows, and the colours that mean something.

Both pictures of a graph read from here: the DOT drawing (`autograd.viz.draw`, for ``.pipe`` and
``.render``) and the interactive view (`autograd.viz.view`). A node's rows are fixed for the
life of a view (only their text changes between states), so its layout never moves.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from autograd.value import Value
from autograd.viz.plan import Plan, is_dot

__all__ = [
    "BORDER",
    "FANOUT",
    "FILL_CLUSTER",
    "FILL_HIGHLIGHT",
    "FILL_LEAF",
    "FILL_NODE",
    "FILL_OP",
    "FILL_OUTPUT",
    "FILL_PARAM",
    "MAX_TERMS",
    "MUTED",
    "RED",
    "Row",
    "Style",
    "constant_factor",
    "dot_escape",
    "edge_lines",
    "fill_of",
    "fmt",
    "printable",
    "signed",
    "value_rows",
]

MAX_TERMS = 6
"""The most contributions a "+=" row spells out; the rest are counted."""

# Colours: one meaning each.
FILL_LEAF = "#dbeafe"  # an input (a leaf)
FILL_PARAM = "#dcfce7"  # a parameter (a leaf passed in ``params``)
FILL_NODE = "#ffffff"
FILL_OUTPUT = "#fef3c7"  # the root
FILL_HIGHLIGHT = "#fee2e2"
FILL_OP = "#f3f4f6"
FILL_CLUSTER = "#f8fafc"
BORDER = "#6b7280"
RED = "#dc2626"
FANOUT = "#c2410c"  # the "+=" row
MUTED = "#6b7280"

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with every lone surrogate (``"a\\ud800"``, which no file or page can encode)
    replaced by U+FFFD, so a label can always be saved and shown."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def dot_escape(text: str) -> str:
    """A user's name as plain text inside a quoted DOT string: backslashes doubled (no
    ``\\l`` or ``\\N`` escapes) and quotes escaped. Never an HTML-like label."""
    return printable(text).replace("\\", "\\\\").replace('"', '\\"')


UNKNOWN = "?"
"""Shown for a number the timeline has not computed yet (forward: data; before the seed: grad)."""


def fmt(x: Any, digits: int = 4) -> str:
    """A number with ``digits`` significant digits: 2, 0.5, -1.25e-05, inf."""
    if isinstance(x, Value):
        x = x.data
    x = float(x)
    if x == 0:
        return "0"
    return f"{x:.{digits}g}"


def signed(x: Any, digits: int = 4) -> str:
    """A number as a term of a sum: parentheses around negatives, ``1 + (-2)``."""
    text = fmt(x, digits)
    return f"({text})" if text.startswith("-") else text


@dataclass
class Style:
    """Everything about a picture except which nodes it holds: one state of the graph."""

    grads: Mapping[Value, Any] | None = None  # override for .grad (a replay's state)
    processed: Collection[Value] | None = None  # nodes whose backward step has run
    prior: Mapping[Value, float] | None = None  # a node's grad before this backward (leaves)
    computed: Collection[Value] | None = None  # forward: nodes whose value is known (None: all)
    seeded: bool = True  # False before backward's seed: non-leaf grads are not known yet
    show_grad: bool = True
    show_local: bool = False
    highlight: Collection[Value] = ()
    highlight_edges: Collection[tuple[Value, int]] = ()  # (child, parent slot)
    params: Collection[Value] = ()
    names: Mapping[Value, str] | None = None  # shown for unlabelled nodes (a replay's ids)
    contributions: Mapping[Value, Sequence[float]] | None = None  # per node, its "+=" terms so far
    digits: int = 4

    def grad(self, node: Value) -> float:
        g = self.grads[node] if self.grads is not None and node in self.grads else node.grad
        return g.data if isinstance(g, Value) else float(g)

    def knows_data(self, node: Value) -> bool:
        return self.computed is None or node in self.computed

    def knows_grad(self, node: Value) -> bool:
        return self.seeded or not node.parents


@dataclass(frozen=True)
class Row:
    """One row of a value box: its text and what it is (label, name, box, data, grad, fanout, cut)."""

    text: str
    kind: str


def value_rows(node: Value, plan: Plan, style: Style) -> list[Row]:
    """The rows of ``node``'s box in this state; the same kinds in every state of a view."""
    d = style.digits
    rows = []
    if node.label:
        rows.append(Row(node.label, "label"))
    elif style.names is not None and node in style.names:
        rows.append(Row(style.names[node], "name"))
    if node in plan.boxes:
        folded = plan.folded.get(node, 0)
        rows.append(
            Row(f"dot ({folded} leaf operand{'s' if folded != 1 else ''} folded in)", "box")
        )
    rows.append(Row(f"data {fmt(node.data, d) if style.knows_data(node) else UNKNOWN}", "data"))
    if style.show_grad:
        known = style.knows_grad(node)
        rows.append(Row(f"grad {fmt(style.grad(node), d) if known else UNKNOWN}", "grad"))
        uses = plan.uses.get(node, [])
        if len(uses) > 1:
            rows.append(Row(fanout_text(node, uses, style) if known else "", "fanout"))
    if node in plan.truncated:
        rows.append(Row("(inputs not drawn)", "cut"))
    return rows


def fill_of(node: Value, plan: Plan, style: Style) -> str:
    """A box's fill: gold for the root, green for parameters, blue for other leaves."""
    if node is plan.root:
        return FILL_OUTPUT
    if not node.parents:
        return FILL_PARAM if node in style.params else FILL_LEAF
    return FILL_NODE


def fanout_text(node: Value, uses: list[tuple[Value, int]], style: Style) -> str:
    """The "+=" row of a node used more than once: its grad as a sum, one term per use.

    A timeline passes each node's contributions so far (``style.contributions``), so a node
    used thousands of times costs the same per state as one used twice.
    """
    d = style.digits
    done: Sequence[float]
    if style.contributions is not None:
        done = style.contributions.get(node, ())
    else:
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
    shown = done[:MAX_TERMS]  # a node used by a whole layer: the row would outgrow the graph
    terms = [f"{fmt(prior, d)} (before)"] if prior else []
    terms += [fmt(t, d) if not terms and i == 0 else signed(t, d) for i, t in enumerate(shown)]
    hidden = len(done) - len(shown)
    text = "= " + " + ".join(terms)
    untold = [f"{hidden} more"] if hidden > 0 else []
    untold += [f"{pending} to come"] if pending else []
    if untold:
        text += f" + … ({', '.join(untold)})"
    return text


def constant_factor(child: Value, slot: int) -> float | None:
    """The constant a fused ``dot`` multiplies operand ``slot`` by (a bias's is 1), or None
    when that operand's partner is a node or ``child`` is not a dot.

    By `autograd.ops.DotLayout`, operands after the weight/input pairs each multiply a
    constant, which is therefore their local derivative.
    """
    if not is_dot(child):
        return None
    layout = child.constant
    pairs = layout.pairs if layout is not None else 0
    return float(child.local_grads[slot]) if slot >= 2 * pairs else None


def edge_lines(child: Value, slot: int, style: Style) -> tuple[str, str, str]:
    """An edge's label: the constant it is multiplied by (a dot's, always shown); with
    ``show_local``, the local derivative once known, then the chain rule once it ran."""
    factor = constant_factor(child, slot)
    d = style.digits
    times = "" if factor is None else f"× {signed(factor, d)}"
    if not style.show_local or not style.knows_data(child):
        return (times, "", "")
    local = child.local_grads[slot]
    if child not in (style.processed or ()):
        return (times, f"local {fmt(local, d)}", "")
    upstream = style.grad(child)
    return (
        times,
        f"local {fmt(local, d)}",
        f"{fmt(local, d)} × {signed(upstream, d)} = {fmt(local * upstream, d)}",
    )
