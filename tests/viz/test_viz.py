"""draw_graph: what the DOT source says (labels, data, grads, edges, "+=", clusters) and how it
fails (too large, graphviz or dot missing). Expected numbers are worked out by hand."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, draw_graph
from autograd.viz import MAX_TERMS, GraphDrawing, GraphTooLargeError, GraphvizNotFoundError
from tests import dot_parse as dp
from tests.graphs import expression

GOLD, BLUE, GREEN, WHITE, RED = "#fef3c7", "#dbeafe", "#dcfce7", "#ffffff", "#dc2626"


def fill(node: dp.Node) -> str:
    return node.attrs["label"].split('BGCOLOR="')[1][:7]


def border(node: dp.Node) -> tuple[str, str]:
    label = node.attrs["label"]
    return label.split('COLOR="')[2][:7], label.split('BORDER="')[1].split('"')[0]


# ---------------------------------------------------------------- content


def test_value_boxes_show_label_data_and_grad_after_backward():
    v = expression()
    v["L"].backward()
    boxes = dp.by_label(draw_graph(v["L"]).source)
    # By hand: dL/dL=1, dL/df=d=4, dL/dd=f=-2, dL/de=dL/dc=-2, dL/da=b*(-2)=6, dL/db=a*(-2)=-4.
    expected = {
        "L": (-8, 1),
        "f": (-2, 4),
        "d": (4, -2),
        "c": (10, -2),
        "e": (-6, -2),
        "a": (2, 6),
        "b": (-3, -4),
    }
    assert set(boxes) == set(expected)
    for label, (data, grad) in expected.items():
        assert boxes[label].rows == [label, f"data {data}", f"grad {grad}"], label


def test_show_grad_false_hides_grads():
    v = expression()
    v["L"].backward()
    boxes = dp.by_label(draw_graph(v["L"], show_grad=False).source)
    assert boxes["a"].rows == ["a", "data 2"]


def test_unlabelled_nodes_show_data_only_and_numbers_are_rounded():
    x = Value(1.0)
    y = x / 3
    boxes = dp.value_boxes(draw_graph(y).source)
    assert sorted(b.rows[0] for b in boxes) == ["data 0.3333", "data 1"]
    boxes = dp.value_boxes(draw_graph(y, digits=2).source)
    assert sorted(b.rows[0] for b in boxes) == ["data 0.33", "data 1"]


def test_each_op_is_a_node_between_its_operands_and_its_result():
    v = expression()
    source = draw_graph(v["L"]).source
    ids = {label: node.id for label, node in dp.by_label(source).items()}
    ops = {n.id: n.rows[0] for n in dp.op_nodes(source)}
    assert sorted(ops.values()) == ["*", "*", "+"]
    pairs = {(e.tail, e.head) for e in dp.edges(source)}
    for result, operands, op in [("e", "ab", "*"), ("d", "ec", "+"), ("L", "df", "*")]:
        op_id = ids[result] + "op"
        assert ops[op_id] == op
        assert (op_id, ids[result]) in pairs
        for operand in operands:
            assert (ids[operand], op_id) in pairs
    assert len(pairs) == 3 + 6


def test_show_local_labels_edges_with_local_derivatives_before_backward():
    v = expression()
    source = draw_graph(v["L"], show_local=True).source
    ids = {label: node.id for label, node in dp.by_label(source).items()}
    labels = {(e.tail, e.head): e.label for e in dp.edges(source) if "label" in e.attrs}
    # d(a*b)/da = b = -3, d(a*b)/db = a = 2; d(d*f)/dd = f = -2, d(d*f)/df = d = 4.
    assert labels[(ids["a"], ids["e"] + "op")] == "local -3"
    assert labels[(ids["b"], ids["e"] + "op")] == "local 2"
    assert labels[(ids["d"], ids["L"] + "op")] == "local -2"
    assert labels[(ids["f"], ids["L"] + "op")] == "local 4"
    assert len(labels) == 6  # op -> result edges carry no label


def test_show_local_after_backward_shows_local_times_upstream():
    v = expression()
    v["L"].backward()
    source = draw_graph(v["L"], show_local=True).source
    ids = {label: node.id for label, node in dp.by_label(source).items()}
    labels = {(e.tail, e.head): e.label for e in dp.edges(source) if "label" in e.attrs}
    assert labels[(ids["a"], ids["e"] + "op")] == "local -3\n-3 × (-2) = 6"
    assert labels[(ids["b"], ids["e"] + "op")] == "local 2\n2 × (-2) = -4"
    assert labels[(ids["f"], ids["L"] + "op")] == "local 4\n4 × 1 = 4"


def test_fan_out_shows_the_sum_of_contributions():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    e = a * b
    out = e + a  # a is used twice: da = b + 1 = -3 + 1 = -2
    out.label = "out"
    before = dp.by_label(draw_graph(out).source)
    assert before["a"].rows[-1] == "+= from 2 uses"
    assert len(before["b"].rows) == 3  # used once: no "+=" row
    out.backward()
    after = dp.by_label(draw_graph(out).source)
    # Backward visits out (passes 1 to a) before e (passes b * 1 = -3 to a).
    assert after["a"].rows[2:] == ["grad -2", "= 1 + (-3)"]


def test_the_same_operand_twice_is_two_uses():
    x = Value(3.0, "x")
    y = x * x
    y.backward()
    source = draw_graph(y, show_local=True).source
    assert dp.by_label(source)["x"].rows[2:] == ["grad 6", "= 3 + 3"]
    x_edges = [e for e in dp.edges(source) if e.tail == dp.by_label(source)["x"].id]
    assert [e.label for e in x_edges] == ["local 3\n3 × 1 = 3"] * 2


def test_a_node_used_many_times_spells_out_only_the_first_terms():
    x = Value(1.0, "x")
    out = autograd.sum(x * float(k) for k in range(1, 10))  # 9 uses: dx = 1 + 2 + ... + 9
    out.backward()
    rows = dp.by_label(draw_graph(out).source)["x"].rows
    assert rows[2:] == ["grad 45", "= 9 + 8 + 7 + 6 + 5 + 4 + … (3 more)"]


def test_a_leaf_that_accumulated_over_two_backwards_shows_what_it_held_before():
    a = Value(2.0, "a")
    out = a * a
    out.backward()
    out.backward()  # a.grad: 4 + (2 + 2) = 8
    rows = dp.by_label(draw_graph(out).source)["a"].rows
    assert rows[2:] == ["grad 8", "= 4 (before) + 2 + 2"]


@given(st.lists(st.integers(0, 5), min_size=1, max_size=12), st.integers(0, 2**16))
def test_fan_out_sums_match_backward_on_random_graphs(picks, seed):
    """Every "+=" row, read back from the DOT, sums to the grad backward computed."""
    nodes = [Value(0.5 + i, f"x{i}") for i in range(3)]
    for i, pick in enumerate(picks):
        a = nodes[(pick + seed) % len(nodes)]
        b = nodes[(seed >> (i % 8)) % len(nodes)]
        nodes.append([a * b, a + b, (a * b).tanh(), a - b, a * 0.5 + b, (a + b).sin()][pick])
    root = nodes[-1]
    root.backward()
    source = draw_graph(root, digits=17).source
    uses: dict[Value, int] = {}
    for node in autograd.topological_order(root):
        for parent in node.parents:
            uses[parent] = uses.get(parent, 0) + 1
    boxes = {n.rows[0]: n for n in dp.value_boxes(source)}
    for leaf in nodes[:3]:
        if uses.get(leaf, 0) > 1:
            row = boxes[leaf.label].rows[3].removeprefix("= ")
            if uses[leaf] > MAX_TERMS:
                hidden = uses[leaf] - MAX_TERMS
                assert row.endswith(f" + … ({hidden} more)")
                assert len(row.split(" + ")) == MAX_TERMS + 1
                continue
            terms = [float(t.strip("()")) for t in row.split(" + ")]
            assert len(terms) == uses[leaf]
            assert math.isclose(math.fsum(terms), leaf.grad, rel_tol=1e-9, abs_tol=1e-12)
    n_ops = sum(1 for n in autograd.topological_order(root) if n.parents)
    assert len(dp.op_nodes(source)) == n_ops
    assert len(dp.value_boxes(source)) == len(autograd.topological_order(root))


# ---------------------------------------------------------------- looks


def test_output_leaves_parameters_and_highlights_are_distinct():
    v = expression()
    source = draw_graph(v["L"], params=[v["f"]], highlight=[v["e"]]).source
    boxes = dp.by_label(source)
    assert fill(boxes["L"]) == GOLD and border(boxes["L"])[1] == "2"
    assert fill(boxes["a"]) == fill(boxes["b"]) == fill(boxes["c"]) == BLUE
    assert fill(boxes["f"]) == GREEN
    assert fill(boxes["d"]) == WHITE
    assert border(boxes["e"]) == (RED, "3")
    assert dp.nodes(source)[boxes["e"].id + "op"].attrs["color"] == RED
    assert border(boxes["d"])[0] != RED


def test_rankdir_reaches_the_source():
    v = expression()
    assert "rankdir=TB" in draw_graph(v["L"], rankdir="TB").source


def test_labels_are_escaped():
    x = Value(1.0, "<x & y>")
    rows = dp.value_boxes(draw_graph(x * 2).source)
    assert "<x & y>" in [r.rows[0] for r in rows]


# ---------------------------------------------------------------- large graphs


def layer_graph(n_in: int = 20, n_out: int = 20) -> tuple[Value, list[Value]]:
    """A tanh layer with its loss: weights and biases are leaves, the inputs plain numbers."""
    weights = [[Value(0.01 * (i - j), f"w{i}_{j}") for j in range(n_in)] for i in range(n_out)]
    biases = [Value(0.0, f"b{i}") for i in range(n_out)]
    xs = [0.1 * j for j in range(n_in)]
    hidden = [h.tanh() for h in autograd.dots(weights, xs, biases)]
    loss = autograd.sum(h * h for h in hidden)
    loss.label = "loss"
    return loss, [w for row in weights for w in row] + biases


def test_too_many_nodes_raise_a_clear_error_with_options():
    loss, _ = layer_graph()
    with pytest.raises(GraphTooLargeError) as info:
        draw_graph(loss, max_nodes=100)
    message = str(info.value)
    # 400 weights + 20 biases + 20 dots, 20 tanh, 20 squares (3 nodes each) + sum (2): 542.
    assert "542 nodes" in message and "max_nodes=100" in message
    assert "summary=True (one box per dot node/neuron: 102 nodes)" in message
    assert "depth=" in message
    assert isinstance(info.value, ValueError)
    assert draw_graph(loss, max_nodes=542).node_count == 542


def test_summary_folds_each_dot_nodes_leaves_into_one_box():
    loss, params = layer_graph()
    loss.backward()
    source = draw_graph(loss, summary=True, max_nodes=200).source
    boxes = dp.value_boxes(source)
    labels = {b.rows[0] for b in boxes}
    assert not labels & {p.label for p in params}  # no weight or bias drawn
    dots = [b for b in boxes if b.rows[0] == "dot (21 leaf operands folded in)"]
    assert len(dots) == 20
    assert {op.rows[0] for op in dp.op_nodes(source)} == {"tanh", "*", "sum"}  # no dot ellipse
    # Each box is fed by nothing and feeds its tanh: 20 edges into tanh ellipses.
    tanh_ids = {op.id for op in dp.op_nodes(source) if op.rows[0] == "tanh"}
    dot_ids = {b.id for b in dots}
    assert {(e.tail, e.head) for e in dp.edges(source) if e.head in tanh_ids} == {
        (d, d_next + "op") for d, d_next in _feeds(source, dot_ids)
    }
    assert not any(e.head in dot_ids for e in dp.edges(source))


def _feeds(source: str, ids: set[str]) -> set[tuple[str, str]]:
    """(box, the value its op feeds into) for every edge leaving one of ``ids``."""
    return {(e.tail, e.head.removesuffix("op")) for e in dp.edges(source) if e.tail in ids}


def test_summary_keeps_non_leaf_operands_and_leaves_used_elsewhere():
    x = Value(1.0, "x")
    w = Value(2.0, "w")
    hidden = (x * 3).tanh()
    out = autograd.dot([w], [hidden]) + w  # w is also used by "+": it stays
    out.label = "out"
    boxes = dp.by_label(draw_graph(out, summary=True).source)
    assert "w" in boxes and "x" in boxes
    dot_box = next(b for label, b in boxes.items() if label.startswith("dot"))
    assert dot_box.rows[0] == "dot (1 leaf operand folded in)"
    tails = {e.tail for e in dp.edges(draw_graph(out, summary=True).source) if e.head == dot_box.id}
    assert len(tails) == 1  # the tanh result, a non-leaf operand


def test_depth_draws_only_the_last_ops_and_marks_the_cut():
    v = expression()
    only_root = dp.value_boxes(draw_graph(v["L"], depth=0).source)
    assert [b.rows for b in only_root] == [["L", "data -8", "grad 0", "(inputs not drawn)"]]
    source = draw_graph(v["L"], depth=1).source
    boxes = dp.by_label(source)
    assert set(boxes) == {"L", "d", "f"}
    assert boxes["d"].rows[-1] == "(inputs not drawn)"
    assert boxes["L"].rows[-1] != "(inputs not drawn)"
    assert "dashed" in dp.nodes(source)[boxes["d"].id + "op"].attrs["style"]
    assert set(dp.by_label(draw_graph(v["L"], depth=3).source)) == set(v)


def test_a_huge_depth_stops_when_the_graph_ends():
    # The walk used to go round depth times after running out of nodes: 10**400 never ended.
    code = (
        "from autograd import Value, draw_graph\n"
        "x = Value(2.0, 'x'); y = (x * 3).tanh(); y.label = 'y'\n"
        "assert draw_graph(y, depth=10**400).source == draw_graph(y).source\n"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        timeout=20,
        cwd=dp.__file__.rsplit("/tests/", 1)[0],
    )


# ---------------------------------------------------------------- clusters


def unrolled(steps: int = 3) -> tuple[Value, Value, Value]:
    """h_t = tanh(w * x_t + u * h_{t-1}), labelled "t<k>/..." as the RNN code does."""
    w, u = Value(0.5, "w"), Value(-1.0, "u")
    h = Value(0.1, "t0/h")
    for t in range(1, steps + 1):
        x = Value(float(t), f"t{t}/x")
        h = (w * x + u * h).tanh()
        h.label = f"t{t}/h"
    loss = h * h
    loss.label = "loss"
    return loss, w, u


def test_cluster_by_label_prefix_puts_each_step_in_its_box():
    loss, _, _ = unrolled()
    source = draw_graph(loss, cluster="label").source
    groups = dp.clusters(source)
    assert list(groups) == ["t0", "t1", "t2", "t3"]
    ids = {label: node.id for label, node in dp.by_label(source).items()}
    assert groups["t0"] == {ids["t0/h"]}
    for t in (1, 2, 3):
        # x_t, then w*x, u*h, + and tanh = h_t: a value box and an op ellipse each.
        assert {ids[f"t{t}/x"], ids[f"t{t}/h"], ids[f"t{t}/h"] + "op"} <= groups[f"t{t}"]
        assert len(groups[f"t{t}"]) == 1 + 2 * 4
    inside = set().union(*groups.values())
    assert ids["w"] not in inside and ids["u"] not in inside  # shared weights stay outside
    assert ids["loss"] not in inside


def test_clusters_come_in_numeric_order():
    loss, _, _ = unrolled(11)
    groups = dp.clusters(draw_graph(loss, cluster="label").source)
    assert list(groups) == [f"t{t}" for t in range(12)]  # t2 before t10


def test_cluster_accepts_a_function():
    loss, w, u = unrolled(2)
    source = draw_graph(loss, cluster=lambda n: "weights" if n in (w, u) else None).source
    ids = {label: node.id for label, node in dp.by_label(source).items()}
    assert dp.clusters(source) == {"weights": {ids["w"], ids["u"]}}


def test_cluster_rejects_bad_options():
    loss, _, _ = unrolled(1)
    with pytest.raises(ValueError, match="cluster must be None, 'label' or a function"):
        draw_graph(loss, cluster="time")
    with pytest.raises(TypeError, match="cluster\\(\\) must return a str or None, got 3"):
        draw_graph(loss, cluster=lambda n: 3)


# ---------------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"rankdir": "XY"}, ValueError, "rankdir must be one of"),
        ({"max_nodes": 0}, ValueError, "max_nodes must be a positive int"),
        ({"max_nodes": 2.5}, ValueError, "max_nodes must be a positive int"),
        ({"depth": -1}, ValueError, "depth must be None or an int >= 0"),
        ({"digits": 0}, ValueError, "digits must be an int from 1 to 17"),
        ({"format": "bmpx"}, ValueError, "unknown format 'bmpx'"),
        ({"highlight": [1.0]}, TypeError, "highlight must hold Values, got float"),
        ({"params": ["w"]}, TypeError, "params must hold Values, got str"),
        ({"highlight": [Value(1.0)]}, ValueError, "highlight holds 1 node"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, match):
    v = expression()
    with pytest.raises(error, match=match):
        draw_graph(v["L"], **kwargs)


def test_root_must_be_a_value():
    with pytest.raises(TypeError, match="draw_graph expects a Value, got float"):
        draw_graph(1.0)


# ---------------------------------------------------------------- rendering


def test_renders_an_html_view_svg_and_png_to_files(tmp_path):
    v = expression()
    v["L"].backward()
    drawing = draw_graph(v["L"])
    assert isinstance(drawing, GraphDrawing)
    page = drawing._repr_html_()
    assert "data-chainrule-view" in page and 'data-states="1"' in page
    assert ">grad 6<" in page and 'data-node="a"' in page
    svg = drawing.pipe(format="svg", encoding="utf-8")
    assert "<svg" in svg and "grad 6" in svg
    png = draw_graph(v["L"], format="png")
    assert png.pipe()[:8] == b"\x89PNG\r\n\x1a\n"
    path = png.render(tmp_path / "graph", cleanup=True)
    assert path.endswith("graph.png")
    assert (tmp_path / "graph.png").read_bytes()[:4] == b"\x89PNG"
    assert not (tmp_path / "graph").exists()  # cleanup: the picture only
    assert drawing.engine == "dot"  # other attributes come from the graphviz.Digraph
    assert not hasattr(drawing, "_repr_mimebundle_")  # Jupyter shows the view, nothing else
    assert repr(drawing).startswith("<GraphDrawing: 10 nodes")


def test_save_html_writes_one_self_contained_page(tmp_path):
    v = expression()
    path = draw_graph(v["L"]).save_html(tmp_path / "graph.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "chainruleView" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page
    with pytest.raises(FileNotFoundError, match="does not exist"):
        draw_graph(v["L"]).save_html(tmp_path / "no" / "graph.html")


def test_save_html_follows_a_symlink_keeps_the_mode_and_names_the_path_given(tmp_path):
    v = expression()
    target, link = tmp_path / "real.html", tmp_path / "link.html"
    target.write_text("old")
    target.chmod(0o600)
    link.symlink_to(target)
    draw_graph(v["L"]).save_html(link)
    assert link.is_symlink() and "chainruleView" in target.read_text(encoding="utf-8")
    assert target.stat().st_mode & 0o777 == 0o600
    with pytest.raises(OSError) as info:  # a folder is not a file
        draw_graph(v["L"]).save_html(tmp_path)
    assert info.value.filename == str(tmp_path) and "tmp" not in info.value.strerror
    assert sorted(os.listdir(tmp_path)) == ["link.html", "real.html"]


def test_without_any_graphviz_the_error_says_how_to_get_one(monkeypatch, tmp_path):
    from autograd.viz import layout

    v = expression()
    drawing = draw_graph(v["L"])
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no dot to run
    monkeypatch.setattr(layout.sysconfig, "get_path", lambda name: str(tmp_path))
    monkeypatch.setattr(layout.sys, "executable", str(tmp_path / "python"))
    with pytest.raises(GraphvizNotFoundError, match=r"graphviz-pure.*apt install graphviz"):
        drawing.pipe()
    with pytest.raises(GraphvizNotFoundError, match="brew install graphviz"):
        drawing._repr_html_()
    assert isinstance(GraphvizNotFoundError("x"), RuntimeError)


def test_without_the_graphviz_package_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # makes `import graphviz` fail
    v = expression()
    with pytest.raises(ImportError, match=r"pip install 'chainrule\[viz\]'"):
        draw_graph(v["L"])


def test_import_autograd_imports_neither_graphviz_nor_ipywidgets():
    code = (
        "import sys, autograd; "
        "assert callable(autograd.draw_graph) and callable(autograd.step_through); "
        "print(sorted(m for m in ('graphviz', 'ipywidgets', 'IPython') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=dp.__file__.rsplit("/tests/", 1)[0],
    )
    assert result.stdout.strip() == "[]"


def test_a_dots_constant_partners_show_on_their_edges_by_default():
    w1, w2, b = Value(1.0, "w1"), Value(2.0, "w2"), Value(0.3, "b")
    y = autograd.dot([w1, w2], [0.5, -1.0], bias=b)
    source = draw_graph(y).source
    ids = {label: box.id for label, box in dp.by_label(source).items()}
    labels = {e.tail: e.label for e in dp.edges(source) if e.tail != e.head}
    assert labels[ids["w1"]] == "× 0.5" and labels[ids["w2"]] == "× (-1)"
    assert labels[ids["b"]] == "× 1"  # a bias is added: its partner is 1
    x = Value(3.0, "x")
    z = autograd.dot([w1, w2], [x, 4.0])  # w1 × x pairs two nodes: no constant on those edges
    source = draw_graph(z, show_local=True).source
    ids = {label: box.id for label, box in dp.by_label(source).items()}
    lines = {e.tail: e.label.splitlines() for e in dp.edges(source) if e.tail in ids.values()}
    assert lines[ids["w1"]] == ["local 3"] and lines[ids["x"]] == ["local 1"]
    assert lines[ids["w2"]] == ["× 4", "local 4"]


def test_the_no_script_line_says_how_to_enable_scripts_where_the_view_is(tmp_path):
    v = expression()
    for view_object in (draw_graph(v["L"]), autograd.step_through(v["L"])):
        hint = view_object._repr_html_().split('class="cr-nojs">')[1].split("</p>")[0]
        # A notebook: JupyterLab 4 has no File > Trust Notebook; its command palette does.
        assert "trust the notebook" in hint and "command palette" in hint
        assert "Notebook 7: File &gt; Trust Notebook" in hint
        assert "in a web page exported from it, allow JavaScript" in hint  # nbconvert's HTML
        page = view_object.save_html(tmp_path / "view.html").read_text(encoding="utf-8")
        hint = page.split('class="cr-nojs">')[1].split("</p>")[0]
        assert "allow JavaScript for this file" in hint and "notebook" not in hint
