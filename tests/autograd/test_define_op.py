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


# ---------------------------------------------------------------- refused at definition


def _same(x: float) -> float:
    return x


def _one(x: float, out: float) -> tuple[float]:
    return (1.0,)


@pytest.mark.parametrize(
    ("forward", "derivative", "domain", "message"),
    [
        (lambda x, *, k: x, _one, None, "parameter 'k' is keyword-only"),
        (_same, _one, ("x",), r"domain\[0\] must be a Domain, got str"),
        (_same, _one, "x", "domain must be a list of Domain, got str"),
        (_same, _one, [op_def.Domain(), op_def.Domain()], "forward must take 2 operands"),
        (_same, lambda x: (1.0,), None, "derivative must take the operands and out"),
        (lambda a, b: a, lambda a, b, out: (1.0, 0.0), [op_def.Domain()], "forward must take 1"),
    ],
    ids=["keyword-only", "domain of str", "domain a str", "domain too long", "no out", "short"],
)
def test_define_op_refuses_what_it_cannot_run(forward, derivative, domain, message):
    with pytest.raises(TypeError, match=f"op 'bad': .*{message}"):
        define_op("bad", forward, derivative, domain)


# ---------------------------------------------------------------- refused at the first call


@pytest.mark.parametrize(
    "returned",
    [None, "1.0", 1j, True, Value(1.0)],
    ids=["None", "str", "complex", "bool", "Value"],
)
def test_a_forward_returning_anything_but_a_real_number_is_a_type_error(returned):
    op = define_op("odd", lambda x: returned, _one)
    with pytest.raises(TypeError, match="op 'odd': forward must return a real number, got "):
        op(Value(0.5))


@pytest.mark.parametrize(
    "returned",
    [1.0, (x for x in [1.0]), "1.0", (True,), (None,), ("1.0",), (1j,), (Value(1.0),)],
    ids=["float", "generator", "str", "bool", "None", "str in tuple", "complex", "Value"],
)
def test_a_derivative_returning_anything_but_real_numbers_is_a_type_error(returned):
    op = define_op("odd", _same, lambda x, out: returned)
    with pytest.raises(TypeError, match="op 'odd': derivative must return"):
        op(Value(0.5))


def test_a_number_beyond_float_range_is_a_value_error_and_an_int_becomes_a_float():
    huge_forward = define_op("huge", lambda x: 10**400, _one)
    with pytest.raises(ValueError, match="op 'huge': forward returned a number too large"):
        huge_forward(Value(0.5))
    huge_slope = define_op("steep", _same, lambda x, out: (10**400,))
    with pytest.raises(ValueError, match="op 'steep': derivative returned a number too large"):
        huge_slope(Value(0.5))
    counted = define_op("count", lambda x: 3, lambda x, out: (2,))
    x = Value(0.5)
    node = counted(x)
    assert type(node.data) is float and node.data == 3.0
    assert type(node.local_grads[0]) is float and node.local_grads == (2.0,)
    recomputed = autograd.evaluate(node, {x: 1.5})
    assert type(recomputed) is float and recomputed == 3.0


def test_a_derivative_using_math_under_create_graph_names_the_op():
    wavy = define_op("wavy", math.sin, lambda x, out: (math.cos(x),), [op_def.Domain()])
    x = Value(0.5)
    assert wavy(x).local_grads == (math.cos(0.5),)  # on floats it works
    with pytest.raises(TypeError, match="op 'wavy': its derivative failed on Values"):
        autograd.grad(wavy(x), [x], create_graph=True)
