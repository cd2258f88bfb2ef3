"""``python -m autograd``: build a small expression, backprop, and print every node."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from autograd import Value, topological_order


def describe(node: Value, names: dict[Value, str]) -> str:
    """One line per node: how it was made, its data and grad, and its local derivatives.

    ``names`` gives each node's name: its label, or ``#k`` (its position in topological order),
    as the graph views and `print_steps` name unlabelled nodes."""
    name = names[node]
    made = f"{node.op}({', '.join(names[p] for p in node.parents)})" if node.op else "leaf"
    local = ", ".join(f"{g:+.4f}" for g in node.local_grads)
    local = f"  d/dparents = ({local})" if local else ""
    return f"{name:>4} = {made:<16} data {node.data:+.4f}  grad {node.grad:+.4f}{local}"


def main(argv: Sequence[str] | None = None) -> None:
    """Print the example; it takes no arguments, and argparse refuses any (and answers -h)."""
    argparse.ArgumentParser(
        prog="python -m autograd",
        description="Build one tanh neuron, backpropagate, and print every node of its graph.",
    ).parse_args(argv)
    # One neuron: tanh(w1*x1 + w2*x2 + b), the example every backprop course starts from.
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    x1w1 = x1 * w1
    x1w1.label = "x1w1"
    x2w2 = x2 * w2
    x2w2.label = "x2w2"
    n = x1w1 + x2w2 + b
    n.label = "n"
    out = n.tanh()
    out.label = "out"
    out.backward()
    print("out = tanh(x1*w1 + x2*w2 + b); every node, inputs first, after out.backward():\n")
    order = topological_order(out)
    names = {v: v.label or f"#{i}" for i, v in enumerate(order)}
    for node in order:
        print(describe(node, names))
    print("\nRead a grad as: nudging that node by h moves out by about grad*h.")


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:  # e.g. `python -m autograd | head -3`: end quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # for the final flush
        sys.exit(141)
