"""chainrule's autograd: a scalar reverse-mode automatic differentiation engine.

Build expressions from `Value` objects, call ``.backward()`` on the result, and read each
input's ``.grad``. Every node keeps its parents and local derivatives, so the whole chain rule
can be printed, drawn, stepped through and checked.
"""

import importlib
from typing import TYPE_CHECKING, Any

from autograd import functions
from autograd.anomaly import AnomalyError, detect_anomaly, is_anomaly_enabled
from autograd.define import define_op
from autograd.evaluation import evaluate, recompute
from autograd.fused import dot, dots, sum
from autograd.gradcheck import GradcheckError, analytic_grad, gradcheck, numerical_grad
from autograd.graph import BackwardStep, Edge, backward_steps, topological_order
from autograd.higher import grad, gradgradcheck
from autograd.mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from autograd.value import Value

if TYPE_CHECKING:
    from autograd.viz import draw_graph, print_steps, step_through

_VIEWS = ("draw_graph", "print_steps", "step_through")
"""Imported from `autograd.viz` when first used (as is ``autograd.viz`` itself), so a program
that only trains neither loads the drawing code nor keeps it for the cycle collector to scan."""


def __getattr__(name: str) -> Any:
    if name in _VIEWS or name == "viz":
        viz = importlib.import_module("autograd.viz")
        return viz if name == "viz" else getattr(viz, name)
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")


__all__ = [
    "AnomalyError",
    "BackwardStep",
    "Edge",
    "GradcheckError",
    "Value",
    "analytic_grad",
    "backward_steps",
    "define_op",
    "detect_anomaly",
    "dot",
    "dots",
    "draw_graph",
    "enable_grad",
    "evaluate",
    "functions",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "no_grad",
    "numerical_grad",
    "print_steps",
    "recompute",
    "set_grad_enabled",
    "step_through",
    "sum",
    "topological_order",
]

__version__ = "0.1.0"
