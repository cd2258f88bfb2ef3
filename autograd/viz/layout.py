"""Graphviz, found and run: the system's ``dot`` if it is on PATH, else the ``graphviz-pure``
program from the `viz` extra (a self-contained port, so no OS install is needed). In the
browser (Pyodide, ``sys.platform == "emscripten"``) there are no programs: Viz.js, the same
Graphviz compiled to WebAssembly, shipped by the course site beside Pyodide's files, does it.

`run_graphviz` renders DOT source to any format; `lay_out` asks for the ``json`` layout of a
view's graph (boxes sized by the caller) and returns positions, edge curves and cluster boxes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "INSTALL_DOT_HINT",
    "GraphvizNotFoundError",
    "Laid",
    "LayoutPendingError",
    "find_graphviz",
    "lay_out",
    "run_graphviz",
]

INSTALL_DOT_HINT = (
    "pip install 'chainrule[viz]' (brings the graphviz-pure program), or install the Graphviz "
    "programs (Debian/Ubuntu: apt install graphviz; macOS: brew install graphviz; conda: conda "
    "install graphviz)"
)
PURE = "graphviz-pure"
MARGIN = 4.0  # px around the drawing, so borders are not cut
# Viz.js's ES module, which `make site` puts beside Pyodide's lock file (site/build.py).
VIZ_JS = "viz.js"
RUN_AGAIN = (
    "Graphviz (Viz.js) is still loading in this browser, which cannot wait for it inside a "
    "cell: run the cell again (once)."
)


class GraphvizNotFoundError(RuntimeError):
    """Neither Graphviz's ``dot`` nor ``graphviz-pure`` was found; the message says how to get one."""


class LayoutPendingError(RuntimeError):
    """In a browser that cannot wait inside a cell: Viz.js is loading; run the cell again."""


def find_graphviz() -> str:
    """The program to run: ``dot`` on PATH (preferred), else ``graphviz-pure``.

    graphviz-pure is looked for on PATH and next to this Python (a venv's bin, not activated).
    """
    found = shutil.which("dot") or shutil.which(PURE)
    if found:
        return found
    for folder in {sysconfig.get_path("scripts"), str(Path(sys.executable).parent)}:
        candidate = Path(folder) / (PURE + (".exe" if os.name == "nt" else ""))
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise GraphvizNotFoundError(f"no Graphviz found to lay out the graph: {INSTALL_DOT_HINT}")


def run_graphviz(source: str, format: str, program: str | None = None) -> bytes:  # noqa: A002
    """``source`` rendered by Graphviz in ``format`` (svg, png, json, ...)."""
    if sys.platform == "emscripten":
        return _render_in_browser(source, format)
    program = program or find_graphviz()
    result = subprocess.run(
        [program, f"-T{format}"], input=source.encode("utf-8"), capture_output=True, check=False
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"{Path(program).name} failed (exit {result.returncode}): {message}")
    return result.stdout


class _Browser:
    """Viz.js in Pyodide: loaded once, asynchronously; ``graphviz`` is its instance when ready."""

    graphviz: Any = None
    loading: Any = None  # the JavaScript Promise of the instance
    failure: str | None = None


def _render_in_browser(source: str, format: str) -> bytes:  # noqa: A002
    """``source`` rendered by Viz.js (Graphviz 16.1.0, as graphviz-pure) in the browser."""
    import js
    from pyodide.ffi import to_js

    viz = _viz_instance()
    options = to_js({"format": format}, dict_converter=js.Object.fromEntries)
    result = viz.render(source, options)
    if result.status != "success":
        message = "; ".join(str(e.message) for e in result.errors)
        raise RuntimeError(f"Viz.js failed to render {format}: {message}")
    return str(result.output).encode("utf-8")


def _viz_instance() -> Any:
    """Viz.js's instance, loading it the first time (from the folder of Pyodide's lock file).
    Waits for it where the browser can (JavaScript Promise Integration), else asks for a rerun."""
    import pyodide_js
    from pyodide.code import run_js
    from pyodide.ffi import can_run_sync, run_sync

    state = _Browser
    if state.graphviz is not None:
        return state.graphviz
    if state.failure is not None:
        raise GraphvizNotFoundError(state.failure)
    if state.loading is None:
        url = f"{pyodide_js.lockfileBaseUrl or ''}{VIZ_JS}"
        state.loading = run_js(f"import({json.dumps(url)}).then((module) => module.instance())")

        def loaded(instance: Any) -> None:
            state.graphviz = instance

        def failed(error: Any) -> None:
            state.failure = f"could not load Viz.js from {url} (the course site ships it): {error}"

        state.loading.then(loaded, failed)
    if not can_run_sync():
        raise LayoutPendingError(RUN_AGAIN)
    try:
        state.graphviz = run_sync(state.loading)
    except Exception as error:
        raise GraphvizNotFoundError(f"could not load Viz.js: {error}") from error
    return state.graphviz


@dataclass
class Laid:
    """A laid-out graph in SVG coordinates (y down, pixels = Graphviz points)."""

    width: float
    height: float
    nodes: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)  # cx cy w h
    edges: dict[str, tuple[str, str, tuple[float, float] | None]] = field(default_factory=dict)
    clusters: list[tuple[str, tuple[float, float, float, float]]] = field(default_factory=list)


def lay_out(source: str, program: str | None = None) -> Laid:
    """Positions of every node (by name), edge (by ``id``: SVG path, label point) and cluster."""
    data = json.loads(run_graphviz(source, "json", program))
    x0, y0, x1, y1 = (float(v) for v in data["bb"].split(","))
    m = MARGIN
    height = y1 - y0

    def point(text: str) -> tuple[float, float]:
        x, y = (float(v) for v in text.split(",")[-2:])
        return (x - x0 + m, height - (y - y0) + m)

    laid = Laid(x1 - x0 + 2 * m, height + 2 * m)
    for obj in data.get("objects", []):
        if "bb" in obj and obj.get("name", "").startswith("cluster"):
            a, b, c, d = (float(v) for v in obj["bb"].split(","))
            box = (a - x0 + m, height - (d - y0) + m, c - a, d - b)
            laid.clusters.append((obj.get("label", ""), box))
        elif "pos" in obj:
            cx, cy = point(obj["pos"])
            laid.nodes[obj["name"]] = (cx, cy, float(obj["width"]) * 72, float(obj["height"]) * 72)
    for edge in data.get("edges", []):
        line, arrow = _path(edge["pos"], point)
        laid.edges[edge["id"]] = (line, arrow, point(edge["lp"]) if "lp" in edge else None)
    return laid


def _path(pos: str, point: Callable[[str], tuple[float, float]]) -> tuple[str, str]:
    """An SVG path and its arrowhead from Graphviz's spline ``e,x,y p0 p1 ...``."""
    end = None
    points = []
    for part in pos.split():
        if part.startswith("e,"):
            end = point(part)
        elif not part.startswith("s,"):
            points.append(point(part))
    line = f"M{points[0][0]:.1f},{points[0][1]:.1f}C" + " ".join(
        f"{x:.1f},{y:.1f}" for x, y in points[1:]
    )
    if end is None:
        return line, ""
    (ax, ay), (bx, by) = points[-1], end
    dx, dy = bx - ax, by - ay
    length = (dx * dx + dy * dy) ** 0.5 or 1.0
    nx, ny = -dy / length * 3.5, dx / length * 3.5
    arrow = f"M{bx:.1f},{by:.1f}L{ax + nx:.1f},{ay + ny:.1f}L{ax - nx:.1f},{ay - ny:.1f}Z"
    return line, arrow
