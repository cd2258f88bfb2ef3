"""Backward recorded once, then shown at any state: the replay behind every step-by-step view.

`replay_backward` runs `backward_steps` to the end, keeps every step (each edge records the
parent's grad before and after) and then puts every ``.grad`` back as it was: looking at
backward changes nothing. `BackwardReplay` rebuilds the grads of any state from the records,
writes each step's chain-rule arithmetic, and `fill_timeline` turns it into the states of a
view: forward (each node's value and stored local derivatives, in topological order), the seed,
then backward. State 0 of a replay is the seed; state ``k`` is after ``k`` steps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from autograd.graph import BackwardStep, backward_steps, topological_order
from autograd.op import data_of
from autograd.ops import ADD, SUB, SUM
from autograd.value import Value
from autograd.viz.draw import GraphDrawing, render_plan
from autograd.viz.nudge import built_in
from autograd.viz.options import check_int_option
from autograd.viz.plan import Plan, is_dot
from autograd.viz.style import Style, constant_factor, dot_escape, fmt, signed
from autograd.viz.view import Document

__all__ = ["BackwardReplay", "fill_timeline", "replay_backward"]

INFIX = ("+", "-", "*", "/", "**")
TIMES = {"*": "×"}  # how the text writes an op symbol: products as ×, like the edge labels
DIGITS = 4  # significant digits of the step text, more where an equation needs them


@dataclass(frozen=True)
class BackwardReplay:
    """Every step of one backward pass, and the grads of every state in between.

    Attributes:
        root: the node backward started from.
        order: every node ``root`` depends on, in topological order.
        steps: what each step did (see `autograd.BackwardStep`).
        initial: each node's grad in state 0: the seed for the root, 0 for other non-leaf
            nodes, and for leaves whatever they held before (they accumulate).
        names: a display name per node: its label, or ``#i`` (its topological index).
        uses: how many times each node is an operand (more than 1: its grad is a sum).
        use_numbers: per step, per edge: which use of its parent the edge is (1, 2, ...).
        final: each node's grad once backward is done: the last state. It differs from the
            sums the steps recorded only where a leaf's hook replaced its gradient.
    """

    root: Value
    order: tuple[Value, ...]
    steps: tuple[BackwardStep, ...]
    initial: Mapping[Value, float]
    names: Mapping[Value, str]
    uses: Mapping[Value, int]
    use_numbers: tuple[tuple[int, ...], ...]
    final: Mapping[Value, float]

    def __len__(self) -> int:
        """The number of steps; the states are 0 .. len(self)."""
        return len(self.steps)

    def _check(self, k: int) -> None:
        check_int_option("", "state", k, 0, len(self.steps))

    def grads_at(self, k: int) -> dict[Value, float]:
        """Every node's grad after ``k`` steps, rebuilt from the records (nothing is mutated)."""
        self._check(k)
        if k == len(self.steps):
            return dict(self.final)
        grads = dict(self.initial)
        for step in self.steps[:k]:
            apply_step(grads, step)
        return grads

    def step_at(self, k: int) -> BackwardStep | None:
        """The step that led to state ``k`` (None for state 0, the seed)."""
        self._check(k)
        return self.steps[k - 1] if k else None

    def describe(self, k: int, *, max_edges: int | None = None) -> str:
        """The chain-rule arithmetic of the step that led to state ``k``, as text."""
        self._check(k)
        return "\n".join(self.lines(k, max_edges))

    def lines(self, k: int, max_edges: int | None = None) -> list[str]:
        """`describe` as a list of lines."""
        step = self.step_at(k)
        n = len(self.steps)
        name = self.names
        root = name[self.root]
        seed = fmt(self.initial[self.root])
        if step is None:
            if not n:
                return [f"{root} is a leaf: backward just adds the seed {seed} to its grad."]
            why = f"d{root}/d{root} = 1" if seed == "1" else "the seed passed to backward"
            return [
                f"Backward starts: {root}.grad = {seed} ({why}).",
                "Every other non-leaf grad starts at 0; leaves keep their grad and accumulate.",
            ]
        node = step.node
        edges = step.edges if max_edges is None else step.edges[:max_edges]
        digits = [_backward_digits(edge, step.upstream) for edge in edges]  # per line
        d = max((line_d for line_d, _ in digits), default=DIGITS)
        lines = [
            f"Step {k} of {n}: {name[node]} = {self.expression(node)}",
            f"{name[node]}.grad = {fmt(step.upstream, d)} is complete (every use of "
            f"{name[node]} is done): it is the upstream for its operands.",
        ]
        for edge, use, (d, r) in zip(edges, self.use_numbers[k - 1], digits):
            parent = name[edge.parent]
            line = (
                f"  {parent}: local {fmt(edge.local_grad, d)} × upstream "
                f"{signed(step.upstream, d)} = {fmt(edge.contribution, r)};  {parent}.grad = "
                f"{fmt(edge.grad_before, d)} + {signed(edge.contribution, r)} = "
                f"{fmt(edge.grad_after, r)}"
            )
            total = self.uses.get(edge.parent, 1)
            if total > 1:
                line += f"  (use {use} of {total})"
            lines.append(line)
        if len(edges) < len(step.edges):
            lines.append(f"  … and {len(step.edges) - len(edges)} more operands")
        if k == n:
            lines.append("Done: every grad is final, as after backward().")
        return lines

    def expression(self, node: Value, values: bool = False, digits: int = DIGITS) -> str:
        """How ``node`` was computed, by name (``x × w``) or, with ``values``, by number (to
        ``digits`` significant digits; negative operands after the first in parentheses).
        Products are written ×, as everywhere in the views; constants to ``digits`` digits."""
        d = digits
        parents = node.parents
        if values:
            args = [fmt(p.data, d) if i == 0 else signed(p.data, d) for i, p in enumerate(parents)]
        else:
            args = [self.names[p] for p in parents]
        if is_dot(node):
            return _dot_expression(node, args, d)
        op = node.op_label
        symbol, _, rest = op.partition(" ")
        if op in INFIX and len(args) == 2:
            return f"{args[0]} {TIMES.get(op, op)} {args[1]}"
        constant = node.constant if isinstance(node.constant, float) else None
        if len(args) == 1 and op[:1] in "+-*/" and rest and constant is not None:  # x * 7
            return f"{args[0]} {TIMES.get(symbol, symbol)} {signed(constant, d)}"
        if len(args) == 1 and op[-1:] in "+-*/" and rest and constant is not None:  # 2 - x
            sign = op.rpartition(" ")[2]
            return f"{fmt(constant, d)} {TIMES.get(sign, sign)} {args[0]}"
        if len(args) > 4:
            args = [*args[:3], f"… {len(args) - 3} more"]
        if node.op is SUM and rest and constant is not None:  # numbers folded into a sum
            return f"sum({', '.join(args)}) + {signed(constant, d)}"
        return f"{op}({', '.join(args)})"

    def forward_lines(self, i: int, max_edges: int = 12) -> list[str]:
        """What the forward pass did at node ``order[i]``: its value and local derivatives."""
        node = self.order[i]
        name = self.names[node]
        head = f"Forward {i + 1} of {len(self.order)}: "
        if not node.parents:
            return [f"{head}{name} = {fmt(node.data)}, a leaf: its value is given."]
        d, r = _forward_digits(node)
        lines = [
            f"{head}{name} = {self.expression(node)} = {self.expression(node, True, d)}"
            f" = {fmt(node.data, r)}",
            "The op also stores its local derivatives now, for backward to multiply:",
        ]
        pairs = list(zip(node.parents, node.local_grads))
        for parent, local in pairs[:max_edges]:
            lines.append(f"  d{name}/d{self.names[parent]} = {fmt(local)}")
        if len(pairs) > max_edges:
            lines.append(f"  … and {len(pairs) - max_edges} more operands")
        return lines

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
        style = Style(
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
            from graphviz import nohtml  # type: ignore[import-untyped]  # drawn: it is there

            text = "".join(dot_escape(line) + "\\l" for line in self.lines(k, 12))
            drawing.digraph.attr(
                label=nohtml(text), labelloc="b", labeljust="l", fontname="Helvetica", fontsize="11"
            )
        return drawing


def _shown(x: Any, d: int) -> float:
    """A number as the reader sees it at ``d`` significant digits."""
    return float(fmt(x, d))


def _least_digits(holds: Callable[[int, int], bool]) -> tuple[int, int]:
    """The fewest significant digits at which a displayed equation holds: its result,
    computed from the operands as shown (``d`` digits), rounds to the result as shown (``r``
    digits: ``d``, else one fewer, as a sum or product of rounded numbers may need):
    "1 / 2 = 0.4999" does not hold, so it gets more digits. Past 17 digits, 17."""
    for d in range(DIGITS, 18):
        for r in (d, d - 1):
            try:
                if holds(d, r):
                    return d, r
            except (ArithmeticError, ValueError):
                return d, d
    return 17, 17


def _forward_digits(node: Value) -> tuple[int, int]:
    """Digits of the operands and of the result of a forward line ``name = op(operands) =
    result``; only a built-in op is recomputed (a define_op's forward is the user's code,
    never run by a view)."""
    if not built_in(node.op):
        return DIGITS, DIGITS
    return _least_digits(
        lambda d, r: (
            fmt(_recomputed(node, d), r) == fmt(node.data, r) and _every_term_shows(node, d, r)
        )
    )


def _every_term_shows(node: Value, d: int, r: int) -> bool:
    """For a sum, whether leaving out any nonzero operand changes the result as shown:
    "sum(1, 0.0003355, 1) = 2" reads false, "= 2.0003" does not."""
    if not (node.op is SUM or getattr(node.op, "base", node.op) in (ADD, SUB)):
        return True
    shown = fmt(node.data, r)
    terms = [i for i, parent in enumerate(node.parents) if parent.data != 0.0]
    if isinstance(node.constant, float) and node.constant != 0.0:
        terms.append(len(node.parents))  # the number in "x + 0.0003"
    return all(fmt(_recomputed(node, d, without=i), r) != shown for i in terms)


def _recomputed(node: Value, d: int, without: int | None = None) -> float:
    """``node``'s value from its operands and constants as the text shows them (``d`` digits),
    with operand number ``without`` (if given; the number after the parents is the constant)
    taken as 0."""
    parents = [0.0 if i == without else _shown(p.data, d) for i, p in enumerate(node.parents)]
    if is_dot(node):
        layout = node.constant
        pairs = layout.pairs if layout is not None else 0
        total = sum(w * x for w, x in zip(parents[:pairs], parents[pairs : 2 * pairs]))
        factors = node.local_grads[2 * pairs :]
        total += sum(p * _shown(f, d) for p, f in zip(parents[2 * pairs :], factors))
        return total + (_shown(layout.offset, d) if layout is not None else 0.0)
    constant = 0.0 if without == len(node.parents) else node.constant
    if isinstance(constant, float):
        constant = _shown(constant, d)
    if node.op is SUM:
        return sum(parents) + (constant if constant is not None else 0.0)
    return float(node.op.forward(*node.op.operands(parents, constant)))


def _backward_digits(edge: Any, upstream: Any) -> tuple[int, int]:
    """Digits of ``local × upstream = contribution; grad = before + contribution = after``:
    of local, upstream and before, then of contribution and after."""
    local, up = data_of(edge.local_grad), data_of(upstream)
    contribution = data_of(edge.contribution)
    before, after = data_of(edge.grad_before), data_of(edge.grad_after)
    return _least_digits(
        lambda d, r: (
            fmt(_shown(local, d) * _shown(up, d), r) == fmt(contribution, r)
            and fmt(_shown(before, d) + _shown(contribution, r), r) == fmt(after, r)
        )
    )


def apply_step(grads: dict[Value, float], step: BackwardStep) -> None:
    """Move ``grads`` from the state before ``step`` to the state after it."""
    grads[step.node] = data_of(step.upstream)  # after the node's hooks, if any
    for edge in step.edges:
        grads[edge.parent] = data_of(edge.grad_after)


def replay_backward(root: Value, grad: Any = 1.0) -> BackwardReplay:
    """Record backward from ``root`` step by step, then restore every ``.grad``: nothing changes.

    The replay's last state holds the grads ``root.backward(grad)`` would leave.
    """
    if not isinstance(root, Value):
        raise TypeError(f"replay_backward expects a Value, got {type(root).__name__}")
    order = tuple(topological_order(root))
    saved = [(v, v.grad) for v in order]
    initial = {v: (data_of(v.grad) if not v.parents else 0.0) for v in order}
    try:
        steps = tuple(backward_steps(root, grad))  # validates grad; a leaf root gives no steps
        initial[root] = data_of(grad if root.parents else root.grad)  # a leaf: seed added
        final = {v: data_of(v.grad) for v in order}
    finally:
        for v, g in saved:
            v.grad = g
    names = {v: v.label or f"#{i}" for i, v in enumerate(order)}
    uses: dict[Value, int] = {}
    for v in order:
        for p in v.parents:
            uses[p] = uses.get(p, 0) + 1
    seen: dict[Value, int] = {}
    use_numbers = []
    for step in steps:
        numbers = []
        for edge in step.edges:
            seen[edge.parent] = seen.get(edge.parent, 0) + 1
            numbers.append(seen[edge.parent])
        use_numbers.append(tuple(numbers))
    return BackwardReplay(root, order, steps, initial, names, uses, tuple(use_numbers), final)


def fill_timeline(
    document: Document,
    replay: BackwardReplay,
    *,
    forward: bool,
    show_grad: bool = True,
    show_local: bool = True,
    params: Iterable[Value] = (),
    digits: int = 4,
) -> None:
    """Add the replay's states to ``document``: forward (optional), the seed, then backward."""
    plan = document.plan
    grads = dict(replay.initial)
    processed: set[Value] = set()
    contributions: dict[Value, list[float]] = {}
    style = Style(
        contributions=contributions,
        grads=grads,
        processed=processed,
        prior=replay.initial,
        show_grad=show_grad,
        show_local=show_local,
        params=set(params),
        names=replay.names,
        digits=digits,
    )
    edges_in = document.edges_in
    if forward:
        computed: set[Value] = set()
        style.computed, style.seeded = computed, False
        for group in forward_states(replay, plan):
            computed.update(group)
            node = group[-1]
            if len(group) > 1:  # a summary: every leaf it still draws is given at once
                text = [
                    f"Forward: the {len(group)} inputs the boxes do not fold in are given; "
                    "each box is one neuron, its weights and bias inside it."
                ]
                document.add_state(style, touched=group, text=text)
                continue
            document.add_state(
                style,
                touched=(node,),
                current=node,
                hot=edges_in.get(node, ()),
                text=replay.forward_lines(replay.order.index(node)),
            )
        style.computed, style.seeded = None, True
    document.add_state(
        style,
        touched=[v for v in plan.values if v.parents or v is replay.root],
        current=replay.root,
        text=replay.lines(0, 12),
    )
    n = len(replay.steps)
    for k, step in enumerate(replay.steps, 1):
        processed.add(step.node)
        apply_step(grads, step)
        for edge in step.edges:  # in backward's order: the order of a node's "+=" terms
            contributions.setdefault(edge.parent, []).append(data_of(edge.contribution))
        touched = [step.node, *(e.parent for e in step.edges)]
        if k == n:  # a leaf's hook runs after the last step: show what backward leaves
            changed = [v for v in replay.order if grads.get(v) != replay.final[v]]
            grads.update(replay.final)
            touched += changed
        document.add_state(
            style,
            touched=touched,
            current=step.node,
            hot=edges_in.get(step.node, ()),
            text=replay.lines(k, 12),
        )


def forward_states(replay: BackwardReplay, plan: Plan) -> list[list[Value]]:
    """The nodes each forward state fills in: one node a state; in a summary (boxes for dot
    nodes, their leaves folded in) the drawn leaves in one first state, then one computed node
    a state, so no state is spent on a weight the picture does not show."""
    if not plan.boxes:
        return [[node] for node in replay.order]
    leaves = [v for v in replay.order if not v.parents]
    computed = [[v] for v in replay.order if v.parents]
    drawn = [v for v in leaves if v in plan.index]
    return ([drawn] if len(drawn) > 1 else [[v] for v in drawn]) + computed


def _dot_expression(node: Value, args: list[str], digits: int = 4) -> str:
    """A dot node as the sum it computes, constants included: ``w1 × 0.5 + w2 × (-1) + b × 1``
    (at most three terms spelled out)."""
    factors = [constant_factor(node, slot) for slot in range(len(args))]
    pairs = sum(1 for f in factors if f is None) // 2
    terms = [f"{args[i]} × {args[pairs + i]}" for i in range(pairs)]
    terms += [f"{args[i]} × {signed(f, digits)}" for i, f in enumerate(factors) if f is not None]
    offset = node.constant.offset if node.constant is not None else 0.0
    if offset:
        terms.append(signed(offset, digits))
    if len(terms) > 4:
        terms = [*terms[:3], f"… {len(terms) - 3} more terms"]
    return " + ".join(terms) if terms else "0"
