"""Gradient checking catches wrong derivatives and explains the mismatch."""

import math

import pytest

import autograd
from autograd import GradcheckError, Value, define_op, gradcheck, numerical_grad


def test_numerical_grad_of_known_functions():
    # d/dx x^3 = 3x^2, d/dy sin(y) = cos(y), worked out by hand.
    grads = numerical_grad(lambda x, y: x**3 + y.sin(), [2.0, 0.5])
    assert grads[0] == pytest.approx(12.0, rel=1e-8)
    assert grads[1] == pytest.approx(math.cos(0.5), rel=1e-8)


def test_numerical_grad_builds_no_graph_and_returns_floats():
    seen = []

    def f(x):
        y = x * x
        seen.append(y)
        return y

    grads = numerical_grad(f, [1.0])
    assert len(seen) == 2 and all(y.is_leaf() for y in seen)
    assert [type(g) for g in grads] == [float] and grads[0] == pytest.approx(2.0)


def test_gradcheck_passes_for_correct_rules():
    assert gradcheck(lambda a, b: (a * b).tanh() / (1 + b * b), [0.3, -1.2]) is True


_buggy_square = define_op("buggy**2", lambda x: x**2, lambda x, out: (3 * x**2,))
"""x**2 with the local derivative of x**3: the kind of mistake gradcheck exists for."""
_almost = define_op("almost", lambda x: x, lambda x, out: (1.01,))


def test_gradcheck_catches_a_wrong_derivative_with_a_table():
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, y: _buggy_square(x) + y, [2.0, 1.0])
    message = str(info.value)
    assert "input(s) [0]" in message
    lines = message.splitlines()
    assert "analytic" in lines[1] and "numeric" in lines[1]
    row = lines[2].split()
    assert row[0] == "!" and float(row[3]) == 12.0 and float(row[4]) == pytest.approx(4.0)
    assert not lines[3].startswith("!")  # the correct input is listed, not marked


def test_gradcheck_tolerances_are_respected():
    f = lambda x: x * 1.0  # noqa: E731
    assert gradcheck(f, [1.0], atol=0.0, rtol=1e-6)
    with pytest.raises(GradcheckError):
        gradcheck(_almost, [1.0], atol=0.0, rtol=1e-3)
    assert gradcheck(_almost, [1.0], atol=0.0, rtol=0.02)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: gradcheck(lambda x: x, "12"), TypeError, "inputs must be a list"),
        (
            lambda: gradcheck(lambda x: x, [None]),
            TypeError,
            "input 0 must be a real number",
        ),
        (lambda: gradcheck(lambda x: 3.0, [1.0]), TypeError, "f must return a Value"),
        (lambda: numerical_grad(lambda x: x, [1.0], eps=0), ValueError, "eps must be a finite"),
        (lambda: numerical_grad(lambda x: x, [1.0], eps="1e-6"), ValueError, "eps must be"),
        (lambda: gradcheck(lambda x: x, [1.0], eps=math.inf), ValueError, "eps must be"),
        (lambda: gradcheck(lambda x: x, [1.0], atol=-1e-5), ValueError, "atol must be .* >= 0"),
        (lambda: gradcheck(lambda x: x, [1.0], rtol=math.nan), ValueError, "rtol must be"),
        (lambda: numerical_grad(lambda x: 1, [1.0]), TypeError, "f must return a Value"),
    ],
)
def test_bad_arguments_are_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_analytic_grad_is_one_backward():
    assert autograd.analytic_grad(lambda x, y: x * y, [3.0, 4.0]) == [4.0, 3.0]


def test_checks_record_the_graph_even_inside_no_grad():
    # Inside no_grad f would build no graph: every analytic derivative 0, a false failure.
    f = lambda x, y: (x * y).tanh()  # noqa: E731
    with autograd.no_grad():
        assert autograd.analytic_grad(f, [0.5, -1.0]) == pytest.approx(
            [-1.0 * (1 - math.tanh(-0.5) ** 2), 0.5 * (1 - math.tanh(-0.5) ** 2)]
        )
        assert gradcheck(f, [0.5, -1.0])
        assert autograd.gradgradcheck(f, [0.5, -1.0])
        assert not autograd.is_grad_enabled()


def test_values_stand_for_their_data_as_tensors_do_in_pytorch():
    x, y = Value(0.3), Value(-1.2)
    assert gradcheck(lambda a, b: (a * b).tanh(), [x, y])
    assert numerical_grad(lambda a: a * a, [x]) == pytest.approx([0.6])
    assert autograd.gradgradcheck(lambda a, b: (a * b).tanh(), [x, y])
    assert x.grad == 0.0 and y.grad == 0.0  # checking touches nothing


def test_an_eps_too_large_for_a_float_names_eps():
    with pytest.raises(ValueError, match="numerical_grad: eps must be a finite number > 0"):
        numerical_grad(lambda a: a, [1.0], eps=10**400)
