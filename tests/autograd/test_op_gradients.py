"""Every op's local derivatives against central finite differences, on hypothesis inputs."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import autograd.op as op_def
from autograd import Value, gradcheck, numerical_grad, ops, testing
from autograd.define import apply_op

UNARY_CALLS = {
    "neg": lambda x: -x,
    "abs": abs,
    "exp": Value.exp,
    "log": Value.log,
    "log1p": Value.log1p,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "relu": Value.relu,
    "sqrt": Value.sqrt,
    "sin": Value.sin,
    "cos": Value.cos,
}
BINARY_CALLS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
}
REFERENCE = {  # the forward values, from the standard library, to check the ops against
    "neg": lambda x: -x,
    "abs": abs,
    "exp": math.exp,
    "log": math.log,
    "log1p": math.log1p,
    "tanh": math.tanh,
    "sigmoid": lambda x: 1 / (1 + math.exp(-x)),
    "relu": lambda x: max(x, 0.0),
    "sqrt": math.sqrt,
    "sin": math.sin,
    "cos": math.cos,
}


@pytest.mark.parametrize("name", sorted(ops.BUILTIN))
@settings(max_examples=60)
@given(data=st.data())
def test_every_op_definition_matches_finite_differences_first_and_second(name, data):
    # Derived from the one table: an op added there is tested here with no list to update.
    op = ops.BUILTIN[name]
    xs = data.draw(testing.inputs_for(op))
    f = lambda *vs: apply_op(op, *vs)  # noqa: E731
    assert _tolerant_gradcheck(f, xs)
    assert autograd.gradgradcheck(f, xs, atol=1e-4, rtol=1e-3)


BINARY_NAMES = sorted(name for name, op in ops.BUILTIN.items() if op.arity == 2)


@pytest.mark.parametrize("position", [0, 1])
@pytest.mark.parametrize("name", BINARY_NAMES)
@settings(max_examples=40)
@given(data=st.data())
def test_every_constant_form_matches_finite_differences_first_and_second(name, position, data):
    # x - 2 and 2 - x: each binary op with a constant on either side, from the same table.
    op = ops.BUILTIN[name]
    a, b = data.draw(testing.inputs_for(op))
    constant, variable = (a, b) if position == 0 else (b, a)
    f = (
        (lambda v: apply_op(op, constant, v))
        if position == 0
        else (lambda v: apply_op(op, v, constant))
    )
    assert f(Value(variable)).op is op.with_constants((position,))
    assert _tolerant_gradcheck(f, [variable])
    assert autograd.gradgradcheck(f, [variable], atol=1e-4, rtol=1e-3)


@pytest.mark.parametrize("name", sorted(ops.BUILTIN))
def test_the_operators_build_the_same_node_as_the_definition(name):
    op = ops.BUILTIN[name]
    xs = [d.low / 2 + d.high / 2 + 0.1 for d in op.domain]
    calls = {**UNARY_CALLS, **BINARY_CALLS}
    by_operator = calls[name](*map(Value, xs))
    by_definition = apply_op(op, *map(Value, xs))
    assert by_operator.op is by_definition.op is op
    assert (by_operator.data, by_operator.local_grads) == (
        by_definition.data,
        by_definition.local_grads,
    )


def _tolerant_gradcheck(f, xs):
    # Relative tolerance scaled for ops whose derivatives reach e^10 or 1/x^2 near the margin.
    return gradcheck(f, xs, eps=1e-6, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("op", sorted(UNARY_CALLS))
@settings(max_examples=150)
@given(data=st.data())
def test_unary_op_gradient_matches_finite_differences(op, data):
    (x,) = data.draw(testing.inputs_for(op))
    assert _tolerant_gradcheck(UNARY_CALLS[op], [x])


@pytest.mark.parametrize("op", sorted(UNARY_CALLS))
@settings(max_examples=50)
@given(data=st.data())
def test_unary_op_forward_matches_the_standard_library(op, data):
    (x,) = data.draw(testing.inputs_for(op))
    out = UNARY_CALLS[op](Value(x))
    assert out.data == pytest.approx(REFERENCE[op](x), rel=1e-12, abs=1e-300)
    assert out.op == op and len(out.parents) == 1 and len(out.local_grads) == 1


@pytest.mark.parametrize("op", sorted(BINARY_CALLS))
@settings(max_examples=150)
@given(data=st.data())
def test_binary_op_gradient_matches_finite_differences(op, data):
    a, b = data.draw(testing.inputs_for(op))
    assert _tolerant_gradcheck(BINARY_CALLS[op], [a, b])


@pytest.mark.parametrize("op", sorted(BINARY_CALLS))
@settings(max_examples=100)
@given(data=st.data())
def test_constant_on_either_side_matches_finite_differences(op, data):
    a, b = data.draw(testing.inputs_for(op))
    f = BINARY_CALLS[op]
    assert _tolerant_gradcheck(lambda x: f(x, b), [a])  # Value op constant
    assert _tolerant_gradcheck(lambda y: f(a, y), [b])  # constant op Value (reflected)
    assert f(Value(a), b).data == pytest.approx(f(a, b), rel=1e-12)
    assert f(a, Value(b)).data == pytest.approx(f(a, b), rel=1e-12)


@settings(max_examples=150)
@given(
    x=testing.reals(-3, 3, avoid=(0.0,), margin=0.2),
    c=st.sampled_from([-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3, 1.5]),
)
def test_constant_powers_match_finite_differences(x, c):
    if not float(c).is_integer():
        x = abs(x)  # non-integer powers need a non-negative base
    assert _tolerant_gradcheck(lambda v: v**c, [x])
    assert (Value(x) ** c).op == "**"
    assert (Value(x) ** c).op_label == f"** {op_def.format_constant(float(c))}"


@settings(max_examples=100)
@given(x=testing.reals(-3, 3), base=st.floats(0.1, 5.0))
def test_constant_base_power_matches_finite_differences(x, base):
    assert _tolerant_gradcheck(lambda v: base**v, [x])


@settings(max_examples=300)
@given(f=testing.expressions(n_inputs=3, max_ops=10), xs=testing.points(3))
def test_random_expression_dags_match_finite_differences(f, xs):
    out = f(*[Value(x) for x in xs])
    grads = autograd.analytic_grad(f, xs)
    numeric = numerical_grad(f, xs)
    scale = max(1.0, abs(out.data), *map(abs, numeric))
    for a, n in zip(grads, numeric):
        assert a == pytest.approx(n, abs=1e-5 * scale, rel=1e-4), f


def test_local_derivatives_are_computed_in_the_forward_pass():
    x = Value(0.3)
    y = x.tanh()
    assert y.local_grads == (1 - math.tanh(0.3) ** 2,)
    z = x * Value(4.0)
    assert z.local_grads == (4.0, 0.3)


def test_plain_numbers_are_constants_not_nodes():
    x = Value(2.0)
    for y in (x * 2.0, 2.0 * x, x + 1, 1 + x, x - 1, 1 - x, x / 4, 4 / x, x**2, 2**x):
        assert y.parents == (x,)
        assert len(y.local_grads) == 1


def test_op_labels_show_the_constant_on_its_side():
    x = Value(2.0)
    labels = {
        "3 -": 3 - x,
        "- 3": x - 3,
        "1 /": 1 / x,
        "/ 4": x / 4,
        "2 **": 2**x,
        "** 0.5": x**0.5,
        "* 7": x * 7,
        "7 *": 7 * x,
        "+ 0.125": x + 0.125,
        "0.125 +": 0.125 + x,
        "** 2": x**2,
    }
    for label, node in labels.items():
        assert node.op_label == label
        assert node.op == label.replace(" ", "").strip("0123456789.")  # the op is the name alone
        assert node.constant == float(label.replace(" ", "").strip("-+*/"))
    assert (x - 3).op == "-" and (3 * x).op == "*" and (x * x).op_label == "*"
    assert x.op_label == "" and not x.op and x.op == ""


@pytest.mark.parametrize("x", [1000.0, -1000.0, 1e308, -1e308])
def test_sigmoid_and_tanh_do_not_overflow(x):
    for op in (Value.sigmoid, Value.tanh):
        out = op(Value(x))
        out.backward()
        assert math.isfinite(out.data) and math.isfinite(out.local_grads[0])
    assert Value.sigmoid(Value(x)).data == (1.0 if x > 0 else 0.0)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Value(0.0).log(), "log"),
        (lambda: Value(-1.0).log(), "log"),
        (lambda: Value(-1.0).log1p(), r"^log1p: the operand must be > -1, got -1\.0$"),
        (lambda: Value(-2.5).log1p(), r"^log1p: .* got -2\.5$"),
        (lambda: Value(-1.0).sqrt(), "sqrt"),
        (lambda: Value(1.0) / 0, "division by zero"),
        (lambda: Value(1.0) / Value(0.0), "division by zero"),
        (lambda: 1 / Value(0.0), "division by zero"),
        (lambda: Value(-8.0) ** 0.5, "negative base"),
        (lambda: Value(0.0) ** -1, "negative power"),
        (lambda: Value(-2.0) ** Value(2.0), "base must be >= 0"),
        (lambda: Value(0.0) ** Value(-1.0), "non-positive power"),
        (lambda: (-2) ** Value(0.5), "constant base must be >= 0"),
        (lambda: 0 ** Value(0.0), "non-positive power"),
    ],
)
def test_domain_errors_name_the_op_and_operand(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_ieee_edge_cases_are_documented_behaviour():
    assert Value(1000.0).exp().data == math.inf  # overflow is inf, as in PyTorch
    root = Value(0.0).sqrt()
    assert root.data == 0.0 and root.local_grads == (math.inf,)
    assert abs(Value(0.0)).local_grads == (0.0,)  # subgradient 0 at the kink
    assert Value(0.0).relu().local_grads == (0.0,)
    assert (Value(-2.0) ** 2).data == 4.0 and (Value(-2.0) ** 3).local_grads == (12.0,)
    zero_power = Value(0.0) ** Value(2.0)
    assert zero_power.data == 0.0 and zero_power.local_grads == (0.0, 0.0)
    nan = Value(math.nan).tanh()
    assert math.isnan(nan.data)  # nan in, nan out: no exception, as IEEE says


def test_log1p_is_exact_where_forming_1_plus_x_rounds():
    # 1 - 1e-9 rounds to a neighbouring float, so log(1 - 1e-9) is off in its 8th digit;
    # log1p(-1e-9) is the correctly rounded answer, and the node and function give it.
    x = -1e-9
    assert math.log(1.0 + x) != math.log1p(x)
    assert Value(x).log1p().data == math.log1p(x) == autograd.functions.log1p(x)
    assert Value(x).log1p().local_grads == (1.0 / (1.0 + x),)
    assert Value(1e-300).log1p().data == 1e-300  # where log(1 + x) is 0.0


NAN, INF = math.nan, math.inf


def _same(a: float, b: float) -> bool:
    """Equal, counting nan as equal to nan."""
    return (math.isnan(a) and math.isnan(b)) or a == b


@pytest.mark.parametrize(
    "make, data, local_grads",
    [
        # nan in, nan out: an op must not turn a nan into a number, nor a derivative into one.
        (lambda: Value(NAN).relu(), NAN, (NAN,)),
        (lambda: abs(Value(NAN)), NAN, (NAN,)),
        (lambda: Value(0.0) ** Value(NAN), NAN, (NAN, NAN)),
        (lambda: Value(0.0) ** NAN, NAN, (NAN,)),
        (lambda: Value(-2.0) ** NAN, NAN, (NAN,)),
        (lambda: Value(NAN).log1p(), NAN, (NAN,)),
        # inf in: IEEE results, not a bare "math domain error" or a domain error
        (lambda: Value(INF).sin(), NAN, (NAN,)),
        (lambda: Value(-INF).cos(), NAN, (NAN,)),
        (lambda: Value(-2.0) ** INF, INF, (INF,)),
        (lambda: Value(INF).log1p(), INF, (0.0,)),
        (lambda: Value(-0.5) ** INF, 0.0, (NAN,)),  # inf * 0.5**inf: IEEE inf * 0
        # overflow keeps its sign: (-1e200)**3 is -inf, and d/dx x**4 = 4x**3 there is -inf
        (lambda: Value(-1e200) ** 3, -INF, (INF,)),
        (lambda: Value(-1e200) ** 4, INF, (-INF,)),
        (lambda: Value(-1e-200) ** -3, -INF, (-INF,)),
    ],
)
def test_non_finite_operands_and_overflow_follow_ieee(make, data, local_grads):
    out = make()
    assert _same(out.data, data)
    assert len(out.local_grads) == len(local_grads)
    assert all(map(_same, out.local_grads, local_grads)), out.local_grads


@pytest.mark.parametrize("exponent", [0.5, 1.0, 2.0, 3.5])
def test_a_zero_base_is_the_same_whichever_side_is_a_value(exponent):
    # d/db 0**b is 0 for b > 0 (the limit of a**b ln a); d/da is b * 0**(b-1): inf, 1 or 0.
    as_constant = 0.0 ** Value(exponent)
    as_values = Value(0.0) ** Value(exponent)
    assert as_constant.data == as_values.data == 0.0
    assert as_constant.local_grads == (0.0,) == as_values.local_grads[1:]
    x = Value(exponent)
    (g,) = autograd.grad(0.0**x, [x], create_graph=True)
    assert (g.data, autograd.grad(g, [x], allow_unused=True)) == (0.0, [None])  # a constant
