"""The site's Viz.js lays out chainrule's views exactly as graphviz-pure does on CPython (both
are Graphviz 16.1.0), so a view in the browser is the same picture. Viz.js runs here in Node,
from the file `make site` shipped; graphviz-pure is the `viz` extra's program."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograd import Value, draw_graph, step_through
from autograd.viz.layout import VIZ_JS, run_graphviz
from nn import MLP, mse_loss
from tests.graphs import expression
from tests_site.serve import SITE

VIZ = SITE / "static" / "pyodide" / VIZ_JS
# Reads a JSON list of DOT sources on stdin; writes the list of their -Tjson layouts.
RENDER = """
const viz = await (await import(process.argv[1])).instance();
let input = "";
for await (const chunk of process.stdin) input += chunk;
const out = JSON.parse(input).map((src) => viz.renderString(src, { format: "json" }));
process.stdout.write(JSON.stringify(out));
"""


def unrolled(steps: int) -> Value:
    """h_t = tanh(w*x_t + u*h_{t-1}) with each step's values labelled "t<k>/..." (clusters)."""
    w, u, h = Value(0.5, "w"), Value(-1.0, "u"), Value(0.1, "t0/h")
    for t in range(1, steps + 1):
        h = (w * Value(float(t), f"t{t}/x") + u * h).tanh()
        h.label = f"t{t}/h"
    return h * h


def sources() -> dict[str, str]:
    """The layout DOT of views the notebooks show: a drawing, a step-through, clusters, an MLP."""
    loss = expression()["L"]
    rnn = unrolled(3)
    mlp = MLP(2, [4, 1])
    net_loss = mse_loss(mlp([0.5, -1.0]), [1.0])
    net_loss.backward()
    views = {
        "expression": draw_graph(loss),
        "expression-local": draw_graph(loss, show_local=True),
        "step-through": step_through(loss),
        "rnn-clusters": draw_graph(rnn, cluster="label"),
        "rnn-step-through": step_through(rnn, cluster="label"),
        "mlp": draw_graph(net_loss),
    }
    return {name: view.view_document().layout_source() for name, view in views.items()}


def test_viz_js_lays_out_every_view_as_graphviz_pure_does() -> None:
    node = shutil.which("node")
    pure = Path(sys.executable).parent / "graphviz-pure"  # the `viz` extra's, in this venv
    if node is None or not VIZ.is_file() or not pure.is_file():
        pytest.fail(f"needs node, {VIZ} (run `make site`) and {pure} (the viz extra)")
    dots = sources()
    result = subprocess.run(
        [node, "--input-type=module", "-e", RENDER, VIZ.as_uri()],
        input=json.dumps(list(dots.values())),
        capture_output=True,
        text=True,
        check=True,
    )
    in_browser = dict(zip(dots, json.loads(result.stdout)))
    for name, dot in dots.items():
        on_cpython = run_graphviz(dot, "json", program=str(pure)).decode("utf-8")
        assert json.loads(in_browser[name]) == json.loads(on_cpython), name
