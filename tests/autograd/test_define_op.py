"""User-defined ops: one definition brings first and second derivatives, drawing, evaluate."""

import math

import pytest
from hypothesis import given, settings

import autograd
import autograd.op as op_def
from autograd import Value, define_op, functions, gradcheck, gradgradcheck, testing

softplus = define_op(
    "softplus",
    forward=lambda x: math.log1p(math.exp(x)),
    derivative=lambda x, out: (functions.sigmoid(x),),
)
scaled_product = define_op(  # two operands, so constants can stand on either side
    "scaled",
    forward=lambda a, b: 3.0 * a * b,
    derivative=lambda a, b, out: (3.0 * b, 3.0 * a),
    domain=[op_def.Domain(-2.0, 2.0), op_def.Domain(-2.0, 2.0)],
)


@settings(max_examples=60)
@given(xs=testing.inputs_for(softplus))
def test_softplus_passes_gradcheck_and_gradgradcheck(xs):
    assert gradcheck(softplus, xs)
    assert gradgradcheck(softplus, xs)


@settings(max_examples=60)
@given(xs=testing.inputs_for(scaled_product))
def test_a_two_operand_user_op_passes_the_same_property_tests(xs):
    assert gradcheck(scaled_product, xs)
    assert gradgradcheck(lambda a, b: scaled_product(a, b).tanh(), xs)
    assert gradcheck(lambda a: scaled_product(a, 0.5), xs[:1])  # a constant operand


def test_a_user_op_is_one_node_that_draws_as_its_name():
    x = Value(0.3, "x")
    y = softplus(x)
    assert y.op == "softplus" and y.op_label == "softplus" and y.parents == (x,)
    assert y.local_grads == (functions.sigmoid(0.3),)
    assert scaled_product(x, 2).op_label == "scaled(·, 2)"
    assert scaled_product(2, x).op_label == "scaled(2, ·)"
    assert isinstance(softplus(1.0), Value) and softplus(1.0).is_leaf()
    assert autograd.evaluate(softplus(x) * 2, {x: 1.0}) == pytest.approx(2 * math.log1p(math.e))


def test_bad_definitions_and_calls_are_clear_errors():
    with pytest.raises(TypeError, match="softplus takes 1 operands, got 2"):
        softplus(Value(1.0), Value(2.0))
    with pytest.raises(TypeError, match="operand 0 must be a Value or a real number, got str"):
        softplus("1")
    wrong_count = define_op("bad", lambda x: x, lambda x, out: (1.0, 2.0))
    with pytest.raises(TypeError, match="derivative returned 2 values for 1 operands"):
        wrong_count(Value(1.0))
    with pytest.raises(TypeError, match="name must be a non-empty str"):
        define_op("", lambda x: x, lambda x, out: (1.0,))
