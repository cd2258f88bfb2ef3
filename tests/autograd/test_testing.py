"""The public hypothesis strategies keep to their promises."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import autograd.op as op_def
from autograd import Value, ops, testing


@settings(max_examples=300)
@given(x=testing.reals(-1.0, 1.0, avoid=(0.0, 0.5), margin=0.1))
def test_reals_stay_in_range_and_off_the_avoided_points(x):
    assert -1.0 <= x <= 1.0
    assert abs(x) >= 0.1 - 1e-12 and abs(x - 0.5) >= 0.1 - 1e-12


KINKS = {"abs": (0, 0.0), "relu": (0, 0.0), "/": (1, 0.0)}  # operand, point to stay off


@pytest.mark.parametrize("op", sorted(testing.OP_DOMAINS))
@settings(max_examples=50)
@given(data=st.data())
def test_op_inputs_are_inside_the_ops_domain_and_off_its_kinks(op, data):
    operands = data.draw(testing.inputs_for(op))
    assert all(math.isfinite(x) for x in operands)
    definition = ops.BUILTIN[op]
    out = definition.forward(*operands)  # a domain error would raise here
    local_grads = definition.local_grads(operands, out)
    assert math.isfinite(out) and all(map(math.isfinite, local_grads))
    if op in KINKS:
        index, point = KINKS[op]
        # far enough that central differences with eps = 1e-6 never straddle the kink
        assert abs(operands[index] - point) >= 1e-2 - 1e-12


def test_a_user_op_brings_its_domain():
    inverse = autograd.define_op(
        "inverse", lambda x: 1 / x, lambda x, out: (-out * out,), [op_def.Domain(0.5, 2.0)]
    )

    @settings(max_examples=30)
    @given(testing.inputs_for(inverse))
    def draws(xs):
        assert len(xs) == 1 and 0.5 <= xs[0] <= 2.0
        assert autograd.gradcheck(inverse, xs)

    draws()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"min_value": -0.005, "max_value": 0.005, "avoid": (0.0,)}, "no float in"),
        ({"avoid": (0.0, 0.015)}, "closer than"),
    ],
)
def test_reals_refuses_what_it_cannot_avoid(kwargs, match):
    with pytest.raises(ValueError, match=match):
        testing.reals(**kwargs)


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
