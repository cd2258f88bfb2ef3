"""Views the course shows, as HTML: run on CPython by the tests and, as source text, in the
site's kernel, so the two can be compared. Imports only chainrule (it runs in Pyodide)."""

from __future__ import annotations

import json
import re
from typing import Any

from autograd import Value, draw_graph, step_through


def pictures() -> dict[str, dict[str, Any]]:
    """A drawing, a step-through and clustered RNN steps: each view's pictures (its SVG, one
    per state shown) and the data its script reads (values, local derivatives, nudges)."""
    a, b, c, f = Value(2.0, "a"), Value(-3.0, "b"), Value(10.0, "c"), Value(-2.0, "f")
    loss = (a * b + c) * f
    loss.label = "L"
    w, u, h = Value(0.5, "w"), Value(-1.0, "u"), Value(0.1, "t0/h")
    for t in (1, 2):
        h = (w * Value(float(t), f"t{t}/x") + u * h).tanh()
        h.label = f"t{t}/h"
    views = {
        "drawing": draw_graph(loss, show_local=True),
        "step-through": step_through(loss),
        "rnn": step_through(h * h, cluster="label"),
    }
    return {name: parts(view._repr_html_()) for name, view in views.items()}


def parts(html: str) -> dict[str, Any]:
    """The SVG elements of a view's HTML (its random id made fixed) and its JSON data."""
    html = re.sub(r"cr-[0-9a-f]{12}", "cr-ID", html)
    data = re.search(r'<script type="application/json" class="cr-data">(.*?)</script>', html, re.S)
    return {
        "svg": re.findall(r"<svg.*?</svg>", html, re.S),
        "data": json.loads(data.group(1)) if data else None,
    }
