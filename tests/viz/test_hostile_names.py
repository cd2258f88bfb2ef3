"""Whatever a user names is data: labels and op names that look like HTML, DOT or script, a
user op called "dot", a forward that raises, lone surrogates, and graphs far over the size
limit. Each test here failed before its fix (issue 20, items 3, 4, 5, 6, 10 and 11)."""

from __future__ import annotations

import io
import re

import pytest

import autograd
from autograd import Value
from autograd.viz import GraphTooLargeError


def script_json(page: str) -> str:
    return page.split('class="cr-data">')[1].split("</script>")[0]


def test_the_inline_json_holds_no_angle_bracket_or_ampersand():
    a, b = Value(1.0, "<!--"), Value(2.0, "<script>")
    op = autograd.define_op("<!--<script>&", lambda x: x, lambda x, out: (1.0,))
    out = op(a * b)
    out.label = "</script><b>&amp;"
    for view in (autograd.draw_graph(out), autograd.step_through(out)):
        data = script_json(view._repr_html_())
        assert not set(data) & set("<>&"), data[:200]
        assert "\\u003c!--" in data and "\\u003cscript\\u003e" in data


def test_an_op_name_starting_with_a_bracket_is_plain_text_in_dot():
    x = Value(1.0, "x")
    attack = autograd.define_op(
        '<x> URL="javascript:alert(1)" target=_self tooltip=<y>', lambda a: a, lambda a, out: (1.0,)
    )
    svg = autograd.draw_graph(attack(x)).pipe("svg").decode()
    assert "<a " not in svg and "xlink:href" not in svg  # no link: the name is the ellipse's text
    assert "&lt;x&gt; URL=&quot;javascript:alert(1)&quot;" in svg
    bold = autograd.define_op("<b>x</b>", lambda a: a, lambda a, out: (1.0,))
    svg = autograd.draw_graph(bold(x)).pipe("svg").decode()  # was a Graphviz syntax error
    assert "&lt;b&gt;x&lt;/b&gt;" in svg


def test_cluster_names_and_backslashes_are_plain_text_in_dot():
    x = Value(1.0, "<i>t1</i>/x")
    y = x * 2
    y.label = "<i>t1</i>/y"
    drawing = autograd.draw_graph(y, cluster="label")
    svg = drawing.pipe("svg").decode()
    assert "&lt;i&gt;t1&lt;/i&gt;" in svg
    slash = autograd.define_op("a\\lb\\N", lambda a: a, lambda a, out: (1.0,))
    svg = autograd.draw_graph(slash(x)).pipe("svg").decode()
    assert "a\\lb\\N" in svg  # shown as typed, not a line break and the node's name
    view = autograd.step_through(y, cluster="label")._repr_html_()
    assert "&lt;i&gt;t1&lt;/i&gt;" in view


def test_a_user_op_named_dot_is_not_the_fused_dot():
    times = autograd.define_op("dot", lambda a, b: a * b, lambda a, b, out: (b, a))
    x, w = Value(2.0, "x"), Value(3.0, "w")
    y = times(x, w)
    y.backward()
    autograd.draw_graph(y, summary=True)._repr_html_()
    autograd.step_through(y)._repr_html_()
    autograd.print_steps(y, file=io.StringIO())
    assert autograd.viz.replay_backward(y).expression(y) == "dot(x, w)"


def test_views_never_run_a_user_forward():
    calls: list[float] = []

    def forward(a: float) -> float:
        calls.append(a)
        if a != 2.0:
            raise RuntimeError("only defined at 2")
        return a * a

    square = autograd.define_op("picky", forward, lambda a, out: (2 * a,))
    x = Value(2.0, "x")
    y = square(x)
    calls.clear()
    autograd.draw_graph(y)._repr_html_()  # raised RuntimeError, after 4 calls
    autograd.step_through(y)._repr_html_()
    assert calls == []
    assert x.grad == 0.0


@pytest.mark.parametrize("label", ["a\ud800", "\udfff", "ok\ud83d"])
def test_a_lone_surrogate_in_a_label_can_be_saved_piped_and_shown(label, tmp_path):
    x = Value(1.0, label)
    op = autograd.define_op(label, lambda a: a, lambda a, out: (1.0,))
    y = op(x * 2)
    y.label = label
    for view in (autograd.draw_graph(y), autograd.step_through(y)):
        view._repr_html_().encode("utf-8")
        page = view.save_html(tmp_path / "page.html").read_text(encoding="utf-8")
        assert "\ufffd" in page
    autograd.draw_graph(y).pipe("svg")
    autograd.draw_graph(y, cluster=lambda node: label).pipe("svg")


def long_chain(n: int) -> Value:
    v = Value(0.5, "x")
    for _ in range(n):
        v = v * 1.0
    return v


def test_a_huge_graph_is_refused_without_building_its_plan(monkeypatch):
    # No clock: a million-node chain is refused without the full plan (the walk of the whole
    # graph) ever being made; the count stops at 10,000 nodes.
    from autograd.viz import plan

    built: list[object] = []
    original = plan.make_plan
    monkeypatch.setattr(plan, "make_plan", lambda *a, **k: built.append(a) or original(*a, **k))
    chain = long_chain(10**6)
    for call in (autograd.draw_graph, autograd.print_steps, autograd.step_through):
        with pytest.raises(GraphTooLargeError, match=re.escape("more than 10,000 nodes")):
            call(chain)
    assert built == []


def test_step_through_does_work_linear_in_fan_out(monkeypatch):
    # A node used n times has n states that rewrite its "+=" row: each must format a bounded
    # number of terms (it formatted every term so far: quadratic, 11.7 s at n = 4,000).
    from autograd.viz import style

    calls = [0]
    original = style.fmt

    def counting(*args, **kwargs):
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(style, "fmt", counting)

    def per_use(n: int) -> float:
        x = Value(0.5, "x")
        out = autograd.sum(x * float(i) for i in range(n))
        calls[0] = 0
        autograd.step_through(out, max_nodes=10**5)
        return calls[0] / n

    assert per_use(2000) < 1.5 * per_use(200)  # quadratic: about 10x
