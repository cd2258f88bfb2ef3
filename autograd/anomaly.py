"""Anomaly mode: turn the first nan or inf, forward or backward, into an error that says where.

Our ops raise on domain errors (log(0), x / 0), but IEEE arithmetic can still make inf or nan
silently: exp(1000) overflows to inf, inf - inf is nan, sqrt's derivative is inf at 0. Inside
`detect_anomaly()` every op checks its result and records the file:line of the user's code
that called it, and backward checks every gradient it passes on. The first non-finite value
raises `AnomalyError` naming the op, the node's label, the values involved and that line.

Off by default, and free when off: ops read one switch (``MODES.all_default``) that they read anyway.
"""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING, Any

from autograd.hooks import created_at_of, hooks_of, own_extras
from autograd.mode import MODES, ModeSwitch
from autograd.op import Op, data_of

if TYPE_CHECKING:  # value calls this module's checks; here a Value is only read
    from autograd.value import Value

__all__ = ["AnomalyError", "detect_anomaly", "is_anomaly_enabled"]


class AnomalyError(FloatingPointError):
    """A value became nan or inf under `detect_anomaly` (a FloatingPointError, as numpy raises
    for invalid or overflowing float operations when told to).

    Attributes: ``op`` and ``label`` of the node at fault, and ``created_at``, the file:line of
    the forward call that made it (None if it was made outside anomaly mode).
    """

    def __init__(self, message: str, op: Op, label: str, created_at: str | None) -> None:
        super().__init__(message)
        self.op = op
        self.label = label
        self.created_at = created_at


class detect_anomaly(ModeSwitch):
    """Raise `AnomalyError` at the first nan or inf made by an op or a backward pass in the block.

    Slow (each node records where it was made): use it to find a bug, not to train. Nodes made
    before the block have no creation site; run the forward pass inside the block too. The
    switch belongs to the calling context (thread, asyncio task), like `no_grad`.
    """

    def __init__(self) -> None:
        super().__init__("anomaly", True)


def is_anomaly_enabled() -> bool:
    """True inside `detect_anomaly`."""
    return MODES.anomaly


# ---------------------------------------------------------------- checks (called only when on)


def check_forward(
    out: Value, op: Op, constant: Any, parents: tuple[Value, ...], local_grads: tuple[float, ...]
) -> None:
    """Called by every op under anomaly mode: note the call site, and raise if out is not finite."""
    site = _call_site()
    if out.parents:  # recorded (not under no_grad): keep the site for backward's errors
        own_extras(out).created_at = site
    if not math.isfinite(out.data):
        rows = [
            ("operands", _floats([p.data for p in parents], labels=parents)),
            ("local derivatives", _floats(local_grads)),
        ]
        outside = _outside_domain(op, parents)
        if outside:
            rows.append(("outside the domain", outside))
        raise AnomalyError(
            _report(
                f"op {op.label(constant)!r} produced {out.data!r} in the forward pass",
                [*rows, ("created at", site)],
            ),
            op,
            "",
            site,
        )


def check_contribution(node: Value, index: int, local: Any, grad: Any) -> None:
    """Called by backward under anomaly mode for each ``local * grad`` a node passes on."""
    contribution = data_of(local) * data_of(grad)
    if math.isfinite(contribution):
        return
    raise AnomalyError(
        _report(
            f"backward through {_describe(node)} produced {contribution!r} for operand "
            f"{index} (local derivative {data_of(local)!r} * upstream gradient {data_of(grad)!r})",
            [
                ("operands", _floats([p.data for p in node.parents], labels=node.parents)),
                ("local derivatives", _floats(node.local_grads)),
                ("upstream gradient", repr(data_of(grad))),
                ("created at", _site_of(node)),
            ],
        ),
        node.op,
        node.label,
        created_at_of(node),
    )


def check_gradient(node: Value, grad: Any) -> None:
    """Called by backward under anomaly mode with each node's whole gradient (after hooks)."""
    if math.isfinite(data_of(grad)):
        return
    hooked = " after its hooks" if hooks_of(node) else ""
    rows = [("created at", _site_of(node))] if node.parents else []
    raise AnomalyError(
        _report(f"the gradient of {_describe(node)} is {data_of(grad)!r}{hooked}", rows),
        node.op,
        node.label,
        created_at_of(node),
    )


# ---------------------------------------------------------------- formatting


_INSIDE = __name__.rpartition(".")[0] + "."
"""How the names of the package's modules begin ("autograd.")."""


def _call_site() -> str:
    """``file:line in function`` of the innermost caller outside the autograd package's own
    modules (`Value`'s operators, `make_node`, the table of ops)."""
    frame = sys._getframe(1)
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith(_INSIDE):
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}"


def _site_of(node: Value) -> str:
    return (
        created_at_of(node) or "unknown (made outside detect_anomaly: run the forward pass in it)"
    )


def _describe(node: Value) -> str:
    if not node.parents:
        return f"leaf {node.label!r}" if node.label else "an unlabelled leaf"
    label = f" labelled {node.label!r}" if node.label else " (no label)"
    return f"the {node.op_label!r} node{label}"


def _outside_domain(op: Op, parents: tuple[Value, ...]) -> str:
    """Which operands lie outside the range the op is defined to behave well in (its domain)."""
    domain = op.domain
    if len(domain) != len(parents):  # sum, dot: any operands
        return ""
    shown = [
        f"operand {i} = {p.data!r} not in [{d.low}, {d.high}]"
        for i, (p, d) in enumerate(zip(parents, domain))
        if not d.low <= p.data <= d.high
    ]
    return "; ".join(shown)


def _floats(values: Any, labels: tuple[Value, ...] = (), limit: int = 8) -> str:
    shown = []
    for i, v in enumerate(values):
        if i == limit:
            shown.append(f"... ({len(values) - limit} more)")
            break
        name = labels[i].label if i < len(labels) else ""
        shown.append(f"{name}={v!r}" if name else repr(v))
    return "[" + ", ".join(shown) + "]"


def _report(headline: str, rows: list[tuple[str, str]]) -> str:
    width = max((len(name) for name, _ in rows), default=0)
    lines = [f"detect_anomaly: {headline}"]
    lines += [f"  {name + ':':<{width + 1}} {text}" for name, text in rows]
    return "\n".join(lines)
