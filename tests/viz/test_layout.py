"""Graphviz without an OS install: graphviz-pure stands in where `dot` is not on PATH, and on the
project's own drawings both give the same nodes, edges and labels."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

import autograd
from autograd import Value, draw_graph, step_through
from autograd.viz import layout
from autograd.viz.replay import replay_backward
from tests.graphs import expression
from tests.needs import DOT


def pure() -> str:
    for folder in (Path(sys.executable).parent, *map(Path, os.environ["PATH"].split(os.pathsep))):
        if (folder / "graphviz-pure").is_file():
            return str(folder / "graphviz-pure")
    pytest.fail("graphviz-pure is missing: pip install 'chainrule[viz]'")


def system_dot() -> str:
    found = shutil.which("dot")
    if found is None:
        DOT.unavailable("none on PATH to compare graphviz-pure with")
    return found


def drawings() -> dict[str, str]:
    """DOT sources of the project's own drawings: plain, after backward, a replay state,
    clusters of an unrolled RNN, and a network summary."""
    v = expression()
    v["L"].backward()
    x, w = Value(2.0, "x"), Value(-0.5, "w")
    neuron = (x * w + x).tanh()
    neuron.label = "out"
    import nn

    rnn = nn.RNN(nin=1, nhidden=2, seed=0)
    _, h = rnn([[0.5], [-0.2], [0.9]])
    rnn.label_steps()
    mlp = nn.MLP(3, [4, 1], seed=0)
    return {
        "expression": draw_graph(v["L"], show_local=True).source,
        "replay": replay_backward(neuron).draw(2).source,
        "rnn": draw_graph(autograd.sum(h), cluster="label").source,
        "mlp": draw_graph(mlp([1.0, 2.0, 3.0])[0], summary=True).source,
    }


def content(svg: str) -> tuple[list[str], list[str], list[str]]:
    """Node names, edges (tail->head) and every text in an SVG written by Graphviz."""
    groups = re.findall(r'<g id="[^"]*" class="(node|edge)">\s*<title>(.*?)</title>', svg)
    nodes = sorted(t for kind, t in groups if kind == "node")
    edges = sorted(t for kind, t in groups if kind == "edge")
    texts = sorted(re.findall(r"<text[^>]*>(.*?)</text>", svg))
    return nodes, edges, texts


@pytest.mark.parametrize("name", ["expression", "replay", "rnn", "mlp"])
def test_graphviz_pure_and_dot_draw_the_same_graph(name):
    source = drawings()[name]
    by_dot = content(layout.run_graphviz(source, "svg", system_dot()).decode())
    by_pure = content(layout.run_graphviz(source, "svg", pure()).decode())
    assert by_pure == by_dot
    assert len(by_dot[0]) > 3 and by_dot[1] and by_dot[2]


def test_without_dot_on_path_graphviz_pure_draws(monkeypatch, tmp_path):
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "graphviz-pure").symlink_to(pure())
    monkeypatch.setenv("PATH", str(folder))  # no dot anywhere on PATH
    assert layout.find_graphviz() == str(folder / "graphviz-pure")
    v = expression()
    assert draw_graph(v["L"], format="png").pipe()[:8] == b"\x89PNG\r\n\x1a\n"
    page = step_through(v["L"])._repr_html_()
    assert 'data-node="a"' in page and "<path" in page
    assert all(n.grad == 0.0 for n in v.values())


def test_system_dot_is_preferred(monkeypatch, tmp_path):
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "graphviz-pure").symlink_to(pure())
    (folder / "dot").symlink_to(system_dot())
    monkeypatch.setenv("PATH", str(folder))
    assert layout.find_graphviz() == str(folder / "dot")
