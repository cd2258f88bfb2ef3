"""Render the README's pictures: a drawn graph and one state of the step-through.

    python examples/render_readme_images.py            # writes docs/images/*.png
    python examples/render_readme_images.py --out DIR  # somewhere else

Re-run it (``make images``) after changing how graphs are drawn, and commit the PNGs.
Needs the viz extra and Graphviz's ``dot`` program.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from autograd import Value, draw_graph
from autograd.viz import replay_backward

ROOT = Path(__file__).resolve().parent.parent
DPI = "80"  # small files; top to bottom, so GitHub shows them without shrinking


def neuron() -> Value:
    """out = tanh(x1*w1 + x2*w2 + b) + x1: a neuron with a skip connection, so x1 is used twice."""
    x1, x2 = Value(1.0, "x1"), Value(-2.0, "x2")
    w1, w2 = Value(0.5, "w1"), Value(-0.25, "w2")
    b = Value(0.1, "b")
    x1w1 = x1 * w1
    x1w1.label = "x1w1"
    x2w2 = x2 * w2
    x2w2.label = "x2w2"
    n = x1w1 + x2w2 + b
    n.label = "n"
    t = n.tanh()
    t.label = "t"
    out = t + x1
    out.label = "out"
    return out


def render(out_dir: Path) -> list[Path]:
    """Write graph.png and step_through.png into ``out_dir``; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    params = _params(neuron_root := neuron())
    neuron_root.backward()
    graph = draw_graph(neuron_root, show_local=True, params=params, format="png", rankdir="TB")
    graph.digraph.attr(dpi=DPI)

    replay_root = neuron()
    replay = replay_backward(replay_root)
    # State 3: n has just passed its grad on; x1 holds one of its two contributions so far.
    state = replay.draw(3, caption=True, params=_params(replay_root), format="png", rankdir="TB")
    state.digraph.attr(dpi=DPI)

    paths = []
    for name, drawing in [("graph", graph), ("step_through", state)]:
        path = out_dir / f"{name}.png"
        path.write_bytes(drawing.pipe())
        paths.append(path)
    return paths


def _params(root: Value) -> list[Value]:
    """The neuron's weights and bias, found by label."""
    from autograd import topological_order

    return [v for v in topological_order(root) if v.label in {"w1", "w2", "b"}]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args(argv)
    for path in render(args.out):
        print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
