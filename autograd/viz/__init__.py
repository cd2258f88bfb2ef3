"""Presentation: drawing a graph and replaying backward. Reads graphs; never writes to them.

- `draw`: a graph as Graphviz DOT (`draw_graph`);
- `plan`: which nodes a drawing shows (whole, summary, depth, clusters, the size check);
- `stepper`: backward replayed one node at a time (`step_through`, `print_steps`).
"""

from autograd.viz.draw import MAX_TERMS, GraphDrawing, GraphvizNotFoundError, draw_graph
from autograd.viz.plan import GraphTooLargeError
from autograd.viz.stepper import BackwardStepper, print_steps, replay_backward, step_through

__all__ = [
    "MAX_TERMS",
    "BackwardStepper",
    "GraphDrawing",
    "GraphTooLargeError",
    "GraphvizNotFoundError",
    "draw_graph",
    "print_steps",
    "replay_backward",
    "step_through",
]
