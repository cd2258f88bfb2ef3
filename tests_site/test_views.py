"""Views in the site's kernel: the same pictures as on CPython with graphviz-pure, and, where a
browser cannot wait for Viz.js inside a cell, one "run the cell again" and then the picture.

One kernel for the module; the rerun test must come first (it needs Viz.js not yet loaded)."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autograd.viz.layout import RUN_AGAIN
from tests_site import pictures
from tests_site.serve import blocking_router
from tests_site.test_site import KERNEL_READY, READY_TIMEOUT

# Runs code in the open notebook's kernel; returns its outputs: ("stream", text),
# ("error", name: message), ("result", HTML of a result or a display).
EXECUTE = """async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const outputs = [];
  const future = kernel.requestExecute({ code, store_history: false });
  future.onIOPub = (msg) => {
    const c = msg.content;
    if (msg.header.msg_type === "stream") outputs.push(["stream", c.text]);
    if (msg.header.msg_type === "error") outputs.push(["error", `${c.ename}: ${c.evalue}`]);
    if (["execute_result", "display_data"].includes(msg.header.msg_type)) {
      outputs.push(["result", c.data["text/html"] || ""]);
    }
  };
  await future.done;
  return outputs;
}"""


@pytest.fixture(scope="module")
def kernel(browser: Any, server: str) -> Iterator[Any]:
    """A function running code in a fresh site kernel (notebook 01 open, nothing run)."""
    attempts: list[str] = []
    context = browser.new_context()
    context.route("**/*", blocking_router(server, attempts))
    page = context.new_page()
    page.set_default_timeout(READY_TIMEOUT * 1000)
    page.goto(f"{server}/notebooks/index.html?path=01_values_and_the_chain_rule.ipynb")
    page.wait_for_function(
        "window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.sessionContext"
    )
    page.evaluate(KERNEL_READY)
    yield lambda code: page.evaluate(EXECUTE, code)
    context.close()
    assert attempts == [], f"requests that would leave the machine: {attempts[:5]}"


def test_without_promise_integration_a_view_asks_to_run_the_cell_again_once(kernel: Any) -> None:
    # Chromium has JavaScript Promise Integration; a browser without it is played by saying
    # "cannot wait" (pyodide.ffi.can_run_sync), which is what layout.py asks.
    setup = "import pyodide.ffi\npyodide.ffi.can_run_sync = lambda: False\nfrom autograd import Value, step_through\n"
    first = kernel(setup + "step_through(Value(2.0, 'x') * 3)")
    errors = [text for kind, text in first if kind == "error"]
    assert len(errors) == 1 and RUN_AGAIN in errors[0], first
    kernel("import asyncio\nawait asyncio.sleep(3)")  # the load the first run started ends
    again = kernel("step_through(Value(2.0, 'x') * 3)")
    assert "error" not in {kind for kind, _ in again}, again
    assert any("<svg" in html for kind, html in again if kind == "result"), again


def test_the_site_draws_the_pictures_cpython_draws_with_graphviz_pure(
    kernel: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = Path(pictures.__file__).read_text(encoding="utf-8")
    outputs = kernel(source + "\nimport json\nprint(json.dumps(pictures()))")
    assert {kind for kind, _ in outputs} == {"stream"}, outputs
    in_browser = json.loads("".join(text for _, text in outputs))
    # On CPython, graphviz-pure (no system dot on PATH): the same Graphviz as Viz.js.
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    on_cpython = pictures.pictures()
    assert in_browser.keys() == on_cpython.keys()
    for name, view in on_cpython.items():
        assert view["svg"] and in_browser[name]["svg"] == view["svg"], name
        # The numbers behind them may differ in the last bits (libm's tanh), and a nudge's
        # f(x + h) - f(x) magnifies that for small h.
        assert close(in_browser[name]["data"], view["data"]), name


def close(a: Any, b: Any) -> bool:
    """Equal JSON values, floats to 9 significant digits (views show 4)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    return bool(a == b)
