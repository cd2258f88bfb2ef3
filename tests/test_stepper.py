"""Step-through backward: the replay's states against snapshots taken while backward_steps runs,
the text of each step (worked out by hand), and the widget driven headless through Play.value."""

from __future__ import annotations

import inspect
import io
import sys

import pytest
import traitlets
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, print_steps, step_through
from autograd.viz import BackwardStepper, replay_backward
from tests import dot_parse as dp
from tests.graphs import expression

RED = "#dc2626"


def neuron() -> dict[str, Value]:
    """out = tanh(x*w + x) with x = 2, w = -0.5: the pre-activation n = -1 + 2 = 1.

    x is used twice (fan-out); the steps are out (tanh), n (+), xw (*).
    """
    x, w = Value(2.0, "x"), Value(-0.5, "w")
    xw = x * w
    xw.label = "xw"
    n = xw + x
    n.label = "n"
    out = n.tanh()
    out.label = "out"
    return {"x": x, "w": w, "xw": xw, "n": n, "out": out}


# ---------------------------------------------------------------- the replay


def snapshots(root: Value) -> list[dict[Value, float]]:
    """Every node's grad before the first step and after each step, read off the live graph."""
    order = autograd.topological_order(root)
    states = []
    steps = autograd.backward_steps(root)
    first = next(steps, None)  # the seed is set up when the first step runs
    if first is None:
        return [{v: v.grad for v in order}]
    for e in reversed(first.edges):  # undo the first step to see state 0
        e.parent.grad = e.grad_before
    states.append({v: v.grad for v in order})
    for e in first.edges:
        e.parent.grad = e.grad_after
    states.append({v: v.grad for v in order})
    for _ in steps:
        states.append({v: v.grad for v in order})
    return states


@given(st.lists(st.integers(0, 4), min_size=1, max_size=10), st.integers(0, 2**16))
def test_every_state_of_the_replay_matches_the_live_backward(picks, seed):
    def build() -> Value:
        nodes = [Value(0.3 + i, f"x{i}") for i in range(3)]
        for i, pick in enumerate(picks):
            a = nodes[(pick + seed) % len(nodes)]
            b = nodes[(seed >> (i % 8)) % len(nodes)]
            nodes.append([a * b, a + b, (a - b).tanh(), a * 2 + b, a.exp() * b][pick])
        return nodes[-1]

    live = build()
    expected = snapshots(live)
    root = build()
    replay = replay_backward(root)
    order = autograd.topological_order(root)
    by_position = dict(zip(order, autograd.topological_order(live), strict=True))
    assert len(replay) + 1 == len(expected)
    for k in reversed(range(len(replay) + 1)):  # scrub backwards: nothing is recomputed
        grads = replay.grads_at(k)
        assert {v: grads[v] for v in order} == {v: expected[k][by_position[v]] for v in order}
    assert [v.grad for v in order] == [by_position[v].grad for v in order]  # as after backward


def test_replay_runs_backward_once_and_scrubbing_mutates_nothing():
    v = neuron()
    replay = replay_backward(v["out"])
    final = {k: node.grad for k, node in v.items()}
    replay.grads_at(0)
    replay.draw(1)
    replay.describe(2)
    assert {k: node.grad for k, node in v.items()} == final
    reference = neuron()
    reference["out"].backward()
    assert final == {k: node.grad for k, node in reference.items()}


def test_states_hold_the_hand_computed_grads():
    v = expression()
    replay = replay_backward(v["L"])
    assert len(replay) == 3  # L, d, e: one step per non-leaf node
    names = ["L", "d", "e", "a", "b", "c", "f"]

    def grads(k):
        g = replay.grads_at(k)
        return [g[v[n]] for n in names]

    assert grads(0) == [1, 0, 0, 0, 0, 0, 0]
    assert grads(1) == [1, -2, 0, 0, 0, 0, 4]  # dL/dd = f, dL/df = d
    assert grads(2) == [1, -2, -2, 0, 0, -2, 4]
    assert grads(3) == [1, -2, -2, 6, -4, -2, 4]
    assert [s.node for s in replay.steps] == [v["L"], v["d"], v["e"]]
    assert replay.step_at(0) is None and replay.step_at(3) is replay.steps[2]


def test_hooks_show_in_the_states_and_the_last_state_is_backwards():
    v = expression()
    v["a"].grad = 1.0
    removes = [v["d"].register_hook(lambda g: g * 10.0), v["a"].register_hook(lambda g: g + 0.5)]
    try:
        replay = replay_backward(v["L"])
    finally:
        for remove in removes:
            remove()
    # dL/dd = f = -2, hooked to -20; then e and c get -20, a gets b * -20 = 60 (+ 0.5 by its
    # hook, run after the last step, onto the 1 it held), b gets a * -20 = -40.
    assert replay.grads_at(2)[v["d"]] == -20.0 == replay.steps[1].upstream
    assert replay.grads_at(3)[v["a"]] == 61.5 == v["a"].grad
    assert replay.grads_at(3) == {node: node.grad for node in v.values()}
    assert replay.grads_at(3)[v["b"]] == -40.0


def test_leaves_start_from_what_they_held():
    v = expression()
    v["a"].grad = 10.0
    replay = replay_backward(v["L"])
    assert replay.initial[v["a"]] == 10.0
    assert replay.grads_at(3)[v["a"]] == 16.0 == v["a"].grad


def test_a_leaf_root_has_no_steps():
    x = Value(3.0, "x")
    replay = replay_backward(x)
    assert len(replay) == 0 and x.grad == 1.0
    assert replay.grads_at(0) == {x: 1.0}
    assert replay.describe(0) == "x is a leaf: backward just adds the seed 1 to its grad."


def test_bad_arguments_are_named():
    v = expression()
    replay = replay_backward(v["L"])
    with pytest.raises(ValueError, match="state must be an int from 0 to 3, got 4"):
        replay.grads_at(4)
    with pytest.raises(ValueError, match="got -1"):
        replay.draw(-1)
    with pytest.raises(TypeError, match="replay_backward expects a Value, got int"):
        replay_backward(3)
    with pytest.raises(TypeError, match="step_through expects a Value, got str"):
        step_through("x")
    w = expression()
    with pytest.raises(TypeError, match="grad must be a real number"):
        replay_backward(w["L"], grad="1")
    assert w["a"].grad == 0.0


# ---------------------------------------------------------------- the text


NEURON_STEPS = [
    "State 0 of 3: out.grad = 1 (dout/dout = 1).",
    "Every other non-leaf grad starts at 0; leaves keep their grad and accumulate.",
    "Step 1 of 3: out = tanh(n)",
    "out.grad = 1 is complete (every use of out is done): it is the upstream for its operands.",
    "  n: local 0.42 × upstream 1 = 0.42;  n.grad = 0 + 0.42 = 0.42",
    "Step 2 of 3: n = xw + x",
    "n.grad = 0.42 is complete (every use of n is done): it is the upstream for its operands.",
    "  xw: local 1 × upstream 0.42 = 0.42;  xw.grad = 0 + 0.42 = 0.42",
    "  x: local 1 × upstream 0.42 = 0.42;  x.grad = 0 + 0.42 = 0.42  (use 1 of 2)",
    "Step 3 of 3: xw = x * w",
    "xw.grad = 0.42 is complete (every use of xw is done): it is the upstream for its operands.",
    "  x: local -0.5 × upstream 0.42 = -0.21;  x.grad = 0.42 + (-0.21) = 0.21  (use 2 of 2)",
    "  w: local 2 × upstream 0.42 = 0.8399;  w.grad = 0 + 0.8399 = 0.8399",
    "Done: every grad is final, as after backward().",
]


def test_print_steps_shows_the_chain_rule_arithmetic():
    v = neuron()
    out = io.StringIO()
    print_steps(v["out"], file=out)
    # tanh'(1) = 1 - tanh(1)**2 = 0.41997..., shown with 4 significant digits as 0.42
    # (2 x 0.41997 = 0.83995 shows as 0.8399).
    assert out.getvalue().splitlines() == NEURON_STEPS


def test_print_steps_goes_to_stdout_and_caps_long_nodes(capsys):
    ws = [Value(0.1 * i, f"w{i}") for i in range(5)]
    out = autograd.dot(ws, [1.0, 2.0, 3.0, 4.0, 5.0])
    out.label = "out"
    print_steps(out, max_edges=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[2] == "Step 1 of 1: out = dot(w0, w1, w2, … 2 more)"
    assert lines[4].startswith("  w0: local 1 × upstream 1 = 1;")
    assert lines[6] == "  … and 3 more operands"


def test_describe_html_escapes_and_bolds_the_headline():
    v = expression()
    v["a"].label = "<a>"
    replay = replay_backward(v["L"])
    text = replay.describe_html(3)
    assert "<b>Step 3 of 3: e = &lt;a&gt; * b</b>" in text
    assert "&lt;a&gt;: local -3 × upstream (-2) = 6;  &lt;a&gt;.grad = 0 + 6 = 6" in text


def test_unlabelled_nodes_get_short_names():
    x = Value(2.0, "x")
    out = (x * 3).tanh()
    text = replay_backward(out).describe(1)
    assert text.splitlines()[0] == "Step 1 of 2: #2 = tanh(#1)"


# ---------------------------------------------------------------- the drawings


def test_each_state_highlights_its_node_and_edges_and_shows_partial_sums():
    v = neuron()
    replay = replay_backward(v["out"])
    source = replay.draw(2).source  # after n passed its grad to xw and x
    boxes = dp.by_label(source)
    assert RED in boxes["n"].attrs["label"]
    assert all(RED not in boxes[k].attrs["label"] for k in ("out", "xw", "x", "w"))
    hot = {(e.tail, e.head) for e in dp.edges(source) if e.attrs.get("color") == RED}
    assert hot == {(boxes["xw"].id, boxes["n"].id + "op"), (boxes["x"].id, boxes["n"].id + "op")}
    # x has one of its two contributions so far; w has none (xw has not run).
    assert boxes["x"].rows[2:] == ["grad 0.42", "= 0.42 + … (1 to come)"]
    assert boxes["w"].rows[2] == "grad 0"
    labels = {(e.tail, e.head): e.label for e in dp.edges(source) if "label" in e.attrs}
    assert labels[(boxes["w"].id, boxes["xw"].id + "op")] == "local 2"  # not yet multiplied
    assert labels[(boxes["x"].id, boxes["n"].id + "op")] == "local 1\n1 × 0.42 = 0.42"
    final = dp.by_label(replay.draw(3).source)
    assert final["x"].rows[2:] == ["grad 0.21", "= 0.42 + (-0.21)"]
    start = dp.by_label(replay.draw(0).source)
    assert not any(RED in b.attrs["label"] for b in start.values())
    assert [b.rows[2] for b in start.values()] == ["grad 0"] * 4 + ["grad 1"]


def test_a_caption_writes_the_steps_arithmetic_under_the_graph():
    v = expression()
    replay = replay_backward(v["L"])
    source = replay.draw(1, caption=True).source
    caption = replay.describe(1).replace("\n", "\\l") + "\\l"
    assert f'label="{caption}"' in source
    assert "labelloc=b" in source
    assert "labelloc" not in replay.draw(1).source


def test_draw_passes_options_on():
    v = neuron()
    replay = replay_backward(v["out"])
    assert "rankdir=TB" in replay.draw(1, rankdir="TB").source
    assert "grad" not in dp.by_label(replay.draw(1, show_grad=False).source)["x"].rows[-1]
    with pytest.raises(ValueError, match="more than max_nodes=3"):
        replay.draw(1, max_nodes=3)
    v["x"].label = "t1/x"
    v["w"].label = "t1/w"
    assert list(dp.clusters(replay.draw(1, cluster="label").source)) == ["t1"]


# ---------------------------------------------------------------- the widget


def test_play_and_slider_are_linked_and_drive_the_display():
    v = expression()
    stepper = step_through(v["L"], interval=500)
    assert isinstance(stepper, BackwardStepper)
    assert isinstance(stepper.link, traitlets.link)  # widgets.link (kernel side), not jslink
    assert (stepper.play.min, stepper.play.max, stepper.slider.max) == (0, 3, 3)
    assert stepper.play.interval == 500
    assert "State 0 of 3" in stepper.text.value
    for k in (1, 2, 3):
        stepper.play.value = k  # what pressing Play does, one tick at a time
        assert stepper.slider.value == k == stepper.state
        assert f"Step {k} of 3" in stepper.text.value
        assert stepper.graph.value.startswith('<div style="overflow-x: auto"><svg')
    assert "a: local -3 × upstream (-2) = 6;  a.grad = 0 + 6 = 6" in stepper.text.value
    assert "Done: every grad is final" in stepper.text.value


def test_scrubbing_back_shows_earlier_states_without_touching_grads():
    v = expression()
    stepper = step_through(v["L"])
    final = [v[k].grad for k in "abcdefL"]
    stepper.slider.value = 3
    last_svg = stepper.graph.value
    stepper.slider.value = 1  # back
    assert stepper.play.value == 1
    assert "Step 1 of 3: L = d * f" in stepper.text.value
    # The current node (L's op) is red in the SVG; at state 1 a's grad is still 0.
    assert RED in stepper.graph.value and stepper.graph.value != last_svg
    assert ">grad 0<" in stepper.graph.value
    assert [v[k].grad for k in "abcdefL"] == final
    stepper.slider.value = 3
    assert stepper.graph.value == last_svg  # served from the cache


def test_the_widget_displays_as_a_widget():
    v = neuron()
    stepper = step_through(v["out"])
    bundle = stepper._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == stepper.widget.model_id


def test_without_dot_the_widget_shows_the_dot_source(monkeypatch, tmp_path):
    v = neuron()
    monkeypatch.setenv("PATH", str(tmp_path))
    stepper = step_through(v["out"])
    assert stepper.graph.value.startswith("<pre>Graphviz&#x27;s `dot` program was not found")
    assert "digraph autograd" in stepper.graph.value
    stepper.play.value = 1
    assert "Step 1 of 3" in stepper.text.value


def test_a_graph_too_large_to_draw_fails_before_backward_runs():
    v = neuron()
    with pytest.raises(ValueError, match="8 nodes to draw, more than max_nodes=5"):
        step_through(v["out"], max_nodes=5)
    assert all(node.grad == 0.0 for node in v.values())


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"rankdir": "XY"}, ValueError, "rankdir must be one of"),
        ({"digits": 0}, ValueError, "digits must be an int"),
        ({"cluster": "time"}, ValueError, "cluster must be None, 'label' or a function"),
        ({"format": "bmpx"}, ValueError, "unknown format"),
        ({"params": [1.0]}, TypeError, "params must hold Values"),
        ({"max_nodes": 0}, ValueError, "max_nodes must be a positive int"),
        ({"show_locals": True}, TypeError, "unknown drawing option.* show_locals"),
        ({"interval": "fast"}, ValueError, "interval must be an int"),
    ],
)
def test_bad_options_fail_before_backward_runs(options, error, match):
    v = neuron()
    with pytest.raises(error, match=match):
        step_through(v["out"], **options)
    assert all(node.grad == 0.0 for node in v.values())


def test_print_steps_checks_max_edges_before_backward_runs():
    v = neuron()
    with pytest.raises(ValueError, match="max_edges must be None or an int >= 0, got -1"):
        print_steps(v["out"], max_edges=-1)
    assert all(node.grad == 0.0 for node in v.values())


def test_without_ipywidgets_the_error_names_the_extra_and_grads_are_untouched(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    v = neuron()
    with pytest.raises(ImportError, match=r"pip install 'chainrule\[notebooks\]'.*print_steps"):
        step_through(v["out"])
    assert all(node.grad == 0.0 for node in v.values())


def test_the_options_checked_up_front_are_exactly_the_drawing_options():
    from autograd.viz.draw import render_plan
    from autograd.viz.stepper import _DRAW_OPTIONS, BackwardReplay

    def defaults(function, skip):
        params = inspect.signature(function).parameters.values()
        return {p.name: p.default for p in params if p.name not in skip and p.kind != p.VAR_KEYWORD}

    drawn = {
        **defaults(BackwardReplay.draw, {"self", "k"}),
        **defaults(render_plan, {"root", "style"}),
    }
    assert drawn == _DRAW_OPTIONS
