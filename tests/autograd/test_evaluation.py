"""autograd.recompute (also importable as autograd.evaluate): the recorded graph computed again from its ops, with leaves changed."""

import math

import pytest
from hypothesis import assume, given, settings

import autograd
from autograd import Value, recompute, testing


@settings(max_examples=150)
@given(f=testing.expressions(n_inputs=3, max_ops=8), xs=testing.points(3), ys=testing.points(3))
def test_recompute_equals_running_the_code_again(f, xs, ys):
    leaves = [Value(x) for x in xs]
    try:
        out = f(*leaves)
        expected = f(*[Value(y) for y in ys]).data
    except ValueError:  # a domain error at either point: nothing to compare
        assume(False)
    assume(testing.is_well_conditioned([out.data, expected]))
    before = [(v.data, v.grad) for v in autograd.topological_order(out)]
    got = recompute(out, dict(zip(leaves, ys)))
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert recompute(out, {}) == pytest.approx(out.data, rel=1e-12, abs=1e-12)
    assert [(v.data, v.grad) for v in autograd.topological_order(out)] == before  # untouched


def test_constants_and_user_ops_are_evaluated_from_their_definitions():
    softplus = autograd.define_op(
        "softplus",
        lambda x: math.log1p(math.exp(x)),
        lambda x, out: (autograd.functions.sigmoid(x),),
    )
    x, w = Value(1.5, "x"), Value(-0.5, "w")
    out = softplus(2 - x * 7 / w) ** 2 + autograd.dot([x, 2.0], [w, 3.0], 0.5)
    new_x, new_w = 0.25, 1.25
    expected = math.log1p(math.exp(2 - new_x * 7 / new_w)) ** 2 + new_x * new_w + 6.0 + 0.5
    assert recompute(out, {x: new_x, w: new_w}) == pytest.approx(expected, rel=1e-12)
    assert (x.data, w.data) == (1.5, -0.5)


def test_bad_keys_are_clear_errors():
    x = Value(2.0, "x")
    h = (x * 3).tanh()
    h.label = "h"
    out = h * x
    with pytest.raises(ValueError, match="'h' is not a leaf"):
        recompute(out, {h: 1.0})
    with pytest.raises(TypeError, match="a key of changes must be a Value, got str"):
        recompute(out, {"x": 1.0})
    with pytest.raises(TypeError, match="must be a real number, got str"):
        recompute(out, {x: "1"})
    with pytest.raises(TypeError, match="root must be a Value"):
        recompute(2.0, {})
    with pytest.raises(ValueError, match="log: the operand must be > 0"):
        recompute(x.log(), {x: -1.0})


def test_a_leaf_the_output_does_not_depend_on_changes_nothing():
    x, unused = Value(2.0, "x"), Value(5.0, "unused")
    out = x * 3
    assert recompute(out, {x: 1.0, unused: -7.0}) == 3.0
    assert recompute(out, {unused: -7.0}) == 6.0


def test_evaluate_is_another_name_for_recompute():
    assert autograd.evaluate is recompute
