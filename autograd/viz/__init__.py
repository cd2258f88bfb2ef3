"""Presentation: drawing a graph and stepping through forward and backward. Reads graphs;
never writes to them (every ``.grad`` is as it was after any view or printout).

- `plan`: which nodes a drawing shows (whole, summary, depth, clusters, the size check);
- `style`: what each box and edge says, and the colours;
- `layout`: Graphviz, found (system ``dot``, else ``graphviz-pure``) and run;
- `draw`: the DOT drawing (`draw_graph`, ``.pipe``, ``.render``);
- `replay`: backward recorded then restored, and the states of a forward + backward timeline;
- `view` (with view.js, view.css): the one interactive front end, inline or as a saved page;
- `stepper`: `step_through` and `print_steps`;
- `nudge`: the leaves' "nudge by h" readout; `options`: the integer-option check they share.
"""

from autograd.viz.draw import MAX_TERMS, GraphDrawing, GraphvizNotFoundError, draw_graph
from autograd.viz.plan import GraphTooLargeError
from autograd.viz.replay import BackwardReplay, replay_backward
from autograd.viz.stepper import BackwardStepper, StepThrough, print_steps, step_through

__all__ = [
    "MAX_TERMS",
    "BackwardReplay",
    "BackwardStepper",
    "GraphDrawing",
    "GraphTooLargeError",
    "GraphvizNotFoundError",
    "StepThrough",
    "draw_graph",
    "print_steps",
    "replay_backward",
    "step_through",
]
