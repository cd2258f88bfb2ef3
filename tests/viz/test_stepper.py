"""Step-through: the replay's states against snapshots taken while backward_steps runs, the text
of each step (worked out by hand), the view's timeline as data, and that looking changes no grad.
The page itself is driven in a real browser in test_views_browser.py."""

from __future__ import annotations

import inspect
import io
import json
import math
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, print_steps, step_through
from autograd.testing import expressions, reals
from autograd.viz import StepThrough, replay_backward
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
    assert replay.grads_at(len(replay)) == {  # the last state: as after backward
        v: by_position[v].grad for v in order
    }
    assert all(v.grad == 0.0 for v in order)  # and nothing changed


def test_replay_restores_every_grad_and_its_last_state_is_backwards():
    v = neuron()
    v["x"].grad = 5.0  # a leaf holding a grad: backward would accumulate onto it
    before = {k: node.grad for k, node in v.items()}
    replay = replay_backward(v["out"])
    replay.grads_at(0)
    replay.draw(1)
    replay.describe(2)
    assert {k: node.grad for k, node in v.items()} == before
    reference = neuron()
    reference["x"].grad = 5.0
    reference["out"].backward()
    last = replay.grads_at(len(replay))
    assert {k: last[node] for k, node in v.items()} == {
        k: node.grad for k, node in reference.items()
    }


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
    replay = replay_backward(v["L"])
    # dL/dd = f = -2, hooked to -20; then e and c get -20, a gets b * -20 = 60 (+ 0.5 by its
    # hook, run after the last step, onto the 1 it held), b gets a * -20 = -40.
    assert replay.grads_at(2)[v["d"]] == -20.0 == replay.steps[1].upstream
    assert replay.grads_at(3)[v["a"]] == 61.5
    assert v["a"].grad == 1.0  # restored
    v["L"].backward()
    for remove in removes:
        remove()
    assert replay.grads_at(3) == {node: node.grad for node in v.values()}
    assert replay.grads_at(3)[v["b"]] == -40.0


def test_leaves_start_from_what_they_held():
    v = expression()
    v["a"].grad = 10.0
    replay = replay_backward(v["L"])
    assert replay.initial[v["a"]] == 10.0
    assert replay.grads_at(3)[v["a"]] == 16.0
    assert v["a"].grad == 10.0


def test_a_leaf_root_has_no_steps():
    x = Value(3.0, "x")
    replay = replay_backward(x)
    assert len(replay) == 0 and x.grad == 0.0
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
    "Backward starts: out.grad = 1 (dout/dout = 1).",
    "Every other non-leaf grad starts at 0; leaves keep their grad and accumulate.",
    "Step 1 of 3: out = tanh(n)",
    "out.grad = 1 is complete (every use of out is done): it is the upstream for its operands.",
    "  n: local 0.42 × upstream 1 = 0.42;  n.grad = 0 + 0.42 = 0.42",
    "Step 2 of 3: n = xw + x",
    "n.grad = 0.42 is complete (every use of n is done): it is the upstream for its operands.",
    "  xw: local 1 × upstream 0.42 = 0.42;  xw.grad = 0 + 0.42 = 0.42",
    "  x: local 1 × upstream 0.42 = 0.42;  x.grad = 0 + 0.42 = 0.42  (use 1 of 2)",
    "Step 3 of 3: xw = x × w",
    "xw.grad = 0.42 is complete (every use of xw is done): it is the upstream for its operands.",
    "  x: local -0.5 × upstream 0.42 = -0.21;  x.grad = 0.42 + (-0.21) = 0.21  (use 2 of 2)",
    "  w: local 2 × upstream 0.42 = 0.84;  w.grad = 0 + 0.84 = 0.84",  # 0.8399 would be false
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
    assert lines[2] == "Step 1 of 1: out = w0 × 1 + w1 × 2 + w2 × 3 + … 2 more terms"
    assert lines[4].startswith("  w0: local 1 × upstream 1 = 1;")
    assert lines[6] == "  … and 3 more operands"


def test_the_page_escapes_labels():
    v = expression()
    v["a"].label = "<a>"
    page = step_through(v["L"])._repr_html_()
    assert 'data-node="&lt;a&gt;"' in page and ">data 2<" in page
    assert "<a>" not in page.split('class="cr-data"')[0]  # the SVG and text: escaped
    v["b"].label = "</script>"
    page = step_through(v["L"])._repr_html_()
    assert page.count("</script>") == 2  # the JSON and the code: a label cannot close either


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


# ---------------------------------------------------------------- the view's timeline


def test_the_timeline_is_forward_then_seed_then_backward():
    v = expression()
    view = step_through(v["L"])
    assert isinstance(view, StepThrough)
    doc = view.view_document()
    names = [doc.plan.values[i].label for i in doc.current]
    # Forward: every node in topological order; then the seed (about L); then L, d, e.
    order = [n.label for n in autograd.topological_order(v["L"])]
    assert names == [*order, "L", "L", "d", "e"]
    assert view.states == doc.states == 7 + 1 + 3
    assert doc.texts[order.index("e")][0] == "Forward 3 of 7: e = a × b = 2 × (-3) = -6"
    assert doc.texts[order.index("e")][2:] == ["  de/da = -3", "  de/db = 2"]
    assert doc.texts[7][0] == "Backward starts: L.grad = 1 (dL/dL = 1)."
    backward_only = step_through(v["L"], forward=False).view_document()
    assert [backward_only.plan.values[i].label for i in backward_only.current] == ["L"] * 2 + [
        "d",
        "e",
    ]


def test_the_page_shows_each_state_as_its_own_numbers():
    v = expression()
    doc = step_through(v["L"]).view_document()
    a = doc.plan.index[v["a"]]
    grad_slot = doc.slot_of_row[a][doc.row_kinds[a].index("grad")]
    data_slot = doc.slot_of_row[doc.plan.index[v["e"]]][1]
    texts = [doc.snapshot(k)[0] for k in range(doc.states)]
    assert [t[data_slot] for t in texts[:3]] == ["data ?", "data ?", "data -6"]
    assert [t[grad_slot] for t in texts[7:]] == ["grad 0", "grad 0", "grad 0", "grad 6"]
    page = step_through(v["L"], start=10)._repr_html_()
    assert 'data-state="10" data-states="11"' in page
    assert len(re.findall(r'<g [^>]*data-current="true"', page)) == 1
    data = json.loads(page.split('class="cr-data">')[1].split("</script>")[0])
    for label in ("Previous step", "Next step", "Play", "State"):  # inserted by the script
        assert f'aria-label="{label}"' in data["bar"]
        assert f'aria-label="{label}"' not in page.replace(data["bar"].replace("/", "\\/"), "")


def test_looking_changes_no_grad(tmp_path):
    """README's "See it": afterwards x.grad is still the true gradient."""
    v = neuron()
    v["out"].backward()
    true = {k: node.grad for k, node in v.items()}
    step_through(v["out"]).save_html(tmp_path / "steps.html")
    print_steps(v["out"], file=io.StringIO())
    draw_graph_ = autograd.draw_graph(v["out"], show_local=True)
    draw_graph_._repr_html_()
    draw_graph_.save_html(tmp_path / "graph.html")
    assert {k: node.grad for k, node in v.items()} == true
    assert true["x"] == pytest.approx(0.21, abs=0.005)


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


def test_print_steps_has_the_size_guard_and_is_linear():
    x = Value(0.5, "x")
    y = x
    for _ in range(3000):
        y = y * 1.0001
    with pytest.raises(autograd.viz.GraphTooLargeError, match="max_nodes=500"):
        print_steps(y)
    out = io.StringIO()
    print_steps(y, file=out, max_nodes=10_000)
    assert out.getvalue().count("Step ") == 3000
    assert x.grad == 0.0


def test_the_options_checked_up_front_are_exactly_the_drawing_options():
    from autograd.viz.draw import render_plan
    from autograd.viz.replay import BackwardReplay
    from autograd.viz.stepper import DRAW_OPTIONS

    def defaults(function, skip):
        params = inspect.signature(function).parameters.values()
        return {p.name: p.default for p in params if p.name not in skip and p.kind != p.VAR_KEYWORD}

    drawn = {
        **defaults(BackwardReplay.draw, {"self", "k"}),
        **defaults(render_plan, {"root", "style"}),
    }
    assert drawn == DRAW_OPTIONS


def test_the_readme_see_it_example_leaves_the_true_gradient(tmp_path, monkeypatch):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = next(
        b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "step_through(" in b
    )
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace, namespace)
    x, w = namespace["x"], namespace["w"]
    reference_x, reference_w = Value(2.0), Value(-0.5)
    (reference_x * reference_w + reference_x).tanh().backward()
    assert (x.grad, w.grad) == (reference_x.grad, reference_w.grad)
    assert round(x.grad, 2) == 0.21
    assert (tmp_path / "steps.html").exists()


def test_the_nudge_readout_predicts_with_the_gradient_and_measures_by_evaluate():
    v = neuron()  # out = tanh(x*w + x) = tanh(x * (1 + w)) = tanh(x / 2) for w = -0.5
    doc = step_through(v["out"]).view_document()
    info = doc.infos[doc.plan.index[v["x"]]]
    slope = 0.5 * (1 - math.tanh(1.0) ** 2)  # d/dx tanh(x/2) at x = 2
    assert [h for h, _, _ in info.nudges] == [0.001, 0.01, 0.1, 1.0]
    for h, predicted, actual in info.nudges:
        assert predicted == pytest.approx(slope * h, rel=1e-12)
        assert actual == pytest.approx(math.tanh((2 + h) / 2) - math.tanh(1.0), rel=1e-12)
    assert info.nudges[0][2] == pytest.approx(info.nudges[0][1], rel=1e-3)  # small h: linear
    assert info.nudges[-1][2] < 0.8 * info.nudges[-1][1]  # h = 1: tanh bends away
    assert doc.infos[doc.plan.index[v["n"]]].nudges == []  # only leaves are nudged
    assert all(node.grad == 0.0 for node in v.values())


def test_a_nudge_outside_the_domain_is_undefined_and_inf_survives_json():
    x = Value(-0.5, "x")
    out = (x * -1.0).log()  # log(-x): x + 1 leaves the domain
    page = step_through(out)._repr_html_()
    assert "undefined" in (Path(autograd.viz.__file__).parent / "view.js").read_text()
    doc = step_through(out).view_document()
    rows = doc.infos[doc.plan.index[x]].nudges
    assert rows[-1][2] is None and rows[0][2] is not None
    big = Value(1000.0, "big").exp()  # inf data: JSON has no inf, the page still parses
    assert '"data":"Infinity"' in autograd.draw_graph(big)._repr_html_()
    assert "NaN" not in page.split('class="cr-data">')[1].split("</script>")[0]


@pytest.mark.parametrize("caller", [step_through, print_steps])
def test_the_size_error_names_its_caller_and_only_options_it_accepts(caller):
    weights = [[Value(0.1 * (i - j), f"w{i}_{j}") for j in range(8)] for i in range(8)]
    loss = autograd.sum(h.tanh() for h in autograd.dots(weights, [0.5] * 8))
    with pytest.raises(autograd.viz.GraphTooLargeError) as info:
        caller(loss, max_nodes=50)
    message = str(info.value)
    assert message.startswith(f"{caller.__name__}: this graph has ")
    assert "draw_graph" not in message
    assert "depth=" not in message
    assert "max_nodes=" in message and "a smaller input" in message
    if caller is step_through:  # summary=True is suggested, and accepted
        assert "summary=True (one box per dot node/neuron: " in message
        assert caller(loss, summary=True).states < caller(loss).states
    else:
        assert "summary=" not in message
        with pytest.raises(TypeError):  # what it does not suggest, it indeed rejects
            caller(loss, summary=True)


def test_a_dots_constants_are_in_the_step_text():
    w1, w2, b = Value(1.0, "w1"), Value(2.0, "w2"), Value(0.3, "b")
    y = autograd.dot([w1, w2], [0.5, -1.0], bias=b)
    y.label = "y"
    out = io.StringIO()
    print_steps(y, file=out)
    assert "Step 1 of 1: y = w1 × 0.5 + w2 × (-1) + b × 1" in out.getvalue().splitlines()
    x = Value(3.0, "x")
    z = autograd.dot([w1, w2, 0.5], [x, 0.25, 2.0])  # a pair of nodes, a constant, a number pair
    z.label = "z"
    replay = replay_backward(z)
    assert replay.forward_lines(len(replay.order) - 1)[0].endswith(
        "z = w1 × x + w2 × 0.25 + 1 = 1 × 3 + 2 × 0.25 + 1 = 4.5"
    )


def last_digit_half_unit(text: str) -> float:
    """Half a unit in the last digit shown: 0.005 for "0.84", 0.5 for "2", 5e-06 for "1.5e-05"."""
    mantissa, _, exponent = text.partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 0.5 * 10.0 ** (int(exponent or 0) - decimals)


def holds(result: float, shown: str) -> bool:
    """The displayed equation ... = shown holds, taking each number as displayed."""
    return abs(result - float(shown)) <= last_digit_half_unit(shown) * (1 + 1e-9) + 1e-300


BACKWARD_LINE = re.compile(
    r"local (\S+) × upstream \(?([^ )]+)\)? = (\S+);  .+\.grad = (\S+) \+ \(?([^ )]+)\)? = (\S+)"
)
NUMBER = r"(-?\d[\d.]*(?:e[+-]?\d+)?)"
FORWARD_LINE = re.compile(rf"= {NUMBER} ([×+/-]) \(?{NUMBER}\)? = {NUMBER}$")


@given(
    expr=expressions(n_inputs=2, max_ops=6), xs=st.lists(reals(-2.0, 2.0), min_size=2, max_size=2)
)
def test_every_displayed_equation_holds_as_displayed(expr, xs):
    # "1 / 2 = 0.4999" and "2 × 0.42 = 0.8399" read false: the text shows more digits (or the
    # result with fewer) until each equation is true of the numbers as the reader sees them.
    out = expr(*(Value(x) for x in xs))
    if not out.parents or not all(math.isfinite(v.data) for v in autograd.topological_order(out)):
        return
    replay = replay_backward(out)
    for k in range(len(replay) + 1):
        for line in replay.lines(k):
            m = BACKWARD_LINE.search(line)
            if m:
                local, up, c, before, c2, after = m.groups()
                assert c == c2
                if all(math.isfinite(float(t)) for t in m.groups()):
                    assert holds(float(local) * float(up), c), line
                    assert holds(float(before) + float(c), after), line
    for i in range(len(replay.order)):
        m = FORWARD_LINE.search(replay.forward_lines(i)[0])
        if m and all(math.isfinite(float(t)) for t in (m[1], m[3], m[4])):
            a, op, b, result = float(m[1]), m[2], float(m[3]), m[4]
            value = {"×": a * b, "+": a + b, "-": a - b, "/": a / b if b else math.inf}[op]
            assert holds(value, result), replay.forward_lines(i)[0]


def test_a_sum_never_hides_a_term_behind_its_rounding():
    # 1 + 0.0003355 + 1 = 2.0003355: at 4 digits the result reads "2", as if the small term were
    # not there; the result gets the digits that show it.
    a, b, c = Value(1.0, "a"), Value(0.0003355, "b"), Value(1.0, "c")
    total = autograd.sum([a, b, c])
    total.label = "s"
    assert replay_backward(total).forward_lines(3)[0].endswith("= sum(1, 0.0003355, 1) = 2.0003")
    y = a + 0.0003355
    y.label = "y"
    assert replay_backward(y).forward_lines(1)[0].endswith("= 1 + 0.0003355 = 1.0003")
    big = a + 2.5  # nothing hidden: the usual 4 digits
    big.label = "big"
    assert replay_backward(big).forward_lines(1)[0].endswith("= 1 + 2.5 = 3.5")
