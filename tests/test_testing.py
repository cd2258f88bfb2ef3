"""The public hypothesis strategies keep to their promises."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, testing


@settings(max_examples=300)
@given(x=testing.reals(-1.0, 1.0, avoid=(0.0, 0.5), margin=0.1))
def test_reals_stay_in_range_and_off_the_avoided_points(x):
    assert -1.0 <= x <= 1.0
    assert abs(x) >= 0.1 - 1e-12 and abs(x - 0.5) >= 0.1 - 1e-12


@pytest.mark.parametrize("op", sorted(testing.OP_DOMAINS))
@settings(max_examples=50)
@given(data=st.data())
def test_op_inputs_are_inside_the_ops_domain(op, data):
    operands = data.draw(testing.inputs_for(op))
    assert all(math.isfinite(x) for x in operands)


def test_unknown_op_is_a_clear_error():
    with pytest.raises(ValueError, match="no domain for op 'nope'"):
        testing.inputs_for("nope")


@settings(max_examples=100)
@given(f=testing.expressions(n_inputs=2, max_ops=6), xs=testing.points(2))
def test_expressions_are_callable_dags_over_their_inputs(f, xs):
    out = f(*[Value(x) for x in xs])
    assert isinstance(out, Value)
    assert repr(f).startswith("Expression over x0..x1")
    with pytest.raises(ValueError, match="takes 2 inputs"):
        f(Value(1.0))


def test_expressions_share_subexpressions():
    # Over many draws, some program must reuse an intermediate result (fan-out).
    found = False

    @settings(max_examples=200)
    @given(testing.expressions(n_inputs=1, max_ops=6))
    def probe(f):
        nonlocal found
        used = [i for _, args, _ in f.steps for i in args]
        found = found or any(used.count(i) > 1 for i in set(used) if i >= 1)

    probe()
    assert found
