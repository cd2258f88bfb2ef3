"""Higher-order gradients: create_graph, autograd.grad, gradgradcheck, Hessian-vector products.

Second derivatives are checked two independent ways: `gradgradcheck` (central differences of
the first derivatives) and, for one-input functions, second differences of f itself, which do
not go through backward at all. A few have closed forms written out by hand.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import autograd.op as op_def
from autograd import GradcheckError, Value, dot, grad, gradgradcheck, ops
from autograd import sum as vsum
from autograd.fused import dot_layout
from autograd.graph import local_grads_as_values
from autograd.higher import hessian

ROOT = Path(__file__).resolve().parents[2]


def second_difference(f, x: float, h: float = 1e-4) -> float:
    """d2f/dx2 from values of f only: (f(x+h) - 2 f(x) + f(x-h)) / h**2."""
    with autograd.no_grad():
        return (f(Value(x + h)).data - 2 * f(Value(x)).data + f(Value(x - h)).data) / (h * h)


def d2(f, x: float) -> float:
    """d2f/dx2 by differentiating the gradient (a Value) again."""
    v = Value(x)
    (g,) = grad(f(v), [v], create_graph=True)
    (h,) = grad(g, [v], allow_unused=True)  # None: g does not depend on v (its d2 is 0)
    return 0.0 if h is None else h.data


def close(a: float, b: float, rtol: float = 1e-4, atol: float = 1e-5) -> bool:
    return abs(a - b) <= atol + rtol * abs(b)


floats = st.floats


# ---------------------------------------------------------------- unary ops, every one


UNARY = {
    "tanh": (lambda x: x.tanh(), floats(-3, 3)),
    "sigmoid": (lambda x: x.sigmoid(), floats(-6, 6)),
    "exp": (lambda x: x.exp(), floats(-3, 3)),
    "log": (lambda x: x.log(), floats(0.05, 20)),
    "log1p": (lambda x: x.log1p(), floats(-0.9, 20)),
    "sqrt": (lambda x: x.sqrt(), floats(0.05, 20)),
    "sin": (lambda x: x.sin(), floats(-4, 4)),
    "cos": (lambda x: x.cos(), floats(-4, 4)),
    "neg": (lambda x: -x, floats(-4, 4)),
    "abs": (lambda x: abs(x) * x, floats(0.1, 4) | floats(-4, -0.1)),  # |x| x: d2 = 2 sign(x)
    "relu": (lambda x: x.relu() * x, floats(0.1, 4) | floats(-4, -0.1)),
    "square": (lambda x: x**2, floats(-4, 4)),
    "cube": (lambda x: x**3, floats(-4, 4)),
    "**-1": (lambda x: x**-1, floats(0.2, 4) | floats(-4, -0.2)),
    "**-2": (lambda x: x**-2, floats(0.2, 4) | floats(-4, -0.2)),
    "**0.5": (lambda x: x**0.5, floats(0.05, 9)),
    "**1.5": (lambda x: x**1.5, floats(0.05, 9)),
    "**1": (lambda x: x**1 * x, floats(-4, 4)),
    "**0": (lambda x: x**0 * x, floats(-4, 4)),
    "2**": (lambda x: 2**x, floats(-4, 4)),
    "0.5**": (lambda x: 0.5**x, floats(-4, 4)),
    "3-": (lambda x: (3 - x) * x, floats(-4, 4)),
    "1/": (lambda x: 1 / x, floats(0.2, 4) | floats(-4, -0.2)),
    "-2.5/": (lambda x: -2.5 / x, floats(0.2, 4) | floats(-4, -0.2)),
    "x/c": (lambda x: (x / 4.0) * x, floats(-4, 4)),
    "x*c": (lambda x: (x * 3.0) * x, floats(-4, 4)),
    "c*x": (lambda x: (3.0 * x).tanh(), floats(-1, 1)),
    "x+c": (lambda x: (x + 1.5) ** 3, floats(-4, 4)),
    "x-c": (lambda x: (x - 1.5) ** 3, floats(-4, 4)),
    "c+x": (lambda x: (1.5 + x).exp(), floats(-3, 3)),
    "sum": (lambda x: vsum([x, x * x, 2.0, x.sin()]) ** 2, floats(-2, 2)),
}


@pytest.mark.parametrize("name", list(UNARY))
@settings(max_examples=60)
@given(data=st.data())
def test_second_derivative_of_each_unary_op(name: str, data: st.DataObject) -> None:
    f, domain = UNARY[name]
    x = data.draw(domain, label="x")
    assert gradgradcheck(f, [x])
    assert close(d2(f, x), second_difference(f, x), rtol=1e-4, atol=1e-4)


@settings(max_examples=40)
@given(x=floats(-5, 5))
def test_closed_forms(x: float) -> None:
    t = math.tanh(x)
    assert close(d2(lambda v: v.tanh(), x), -2 * t * (1 - t * t), rtol=1e-9, atol=1e-12)
    s = 1 / (1 + math.exp(-x))
    assert close(d2(lambda v: v.sigmoid(), x), s * (1 - s) * (1 - 2 * s), rtol=1e-9, atol=1e-12)
    assert close(d2(lambda v: v.sin(), x), -math.sin(x), rtol=1e-9, atol=1e-12)
    y = abs(x) + 0.1
    assert close(d2(lambda v: v.log(), y), -1 / (y * y), rtol=1e-9)
    assert close(d2(lambda v: v.log1p(), y - 1.0), -1 / (y * y), rtol=1e-9)
    assert close(d2(lambda v: v.sqrt(), y), -0.25 * y**-1.5, rtol=1e-9)


def test_third_derivative() -> None:
    x = Value(0.3)
    (g,) = grad(x.sin(), [x], create_graph=True)
    (h,) = grad(g, [x], create_graph=True)
    (k,) = grad(h, [x])
    assert close(k.data, -math.cos(0.3), rtol=1e-12)
    x = Value(1.7)
    y = x**4
    (g,) = grad(y, [x], create_graph=True)
    (h,) = grad(g, [x], create_graph=True)
    (k,) = grad(h, [x])
    assert close(k.data, 24 * 1.7, rtol=1e-12)


# ---------------------------------------------------------------- binary ops and fan-out


positive = floats(0.1, 4)
nonzero = floats(0.2, 4) | floats(-4, -0.2)
anything = floats(-3, 3)

BINARY = {
    "a+b": (lambda a, b: (a + b) ** 3, anything, anything),
    "a-b": (lambda a, b: (a - b) ** 3, anything, anything),
    "a*b": (lambda a, b: a * b, anything, anything),
    "a/b": (lambda a, b: a / b, anything, nonzero),
    "b/a (division the other way)": (lambda a, b: b / a, nonzero, anything),
    "a**b (Value exponent)": (lambda a, b: a**b, positive, floats(-2, 3)),
    "a**a": (lambda a, b: a**a * b, positive, anything),
    "x*x*y": (lambda a, b: a * a * b, anything, anything),
    "(a*b)*(a+b)": (lambda a, b: (a * b) * (a + b), anything, anything),
    "fan-out through tanh": (lambda a, b: (t := (a * b).tanh()) * t + t * a, anything, anything),
    "a/(a+b*b+1)": (lambda a, b: a / (a * a + b * b + 1), anything, anything),
    "log(a*b)": (lambda a, b: (a * b).log(), positive, positive),
    "sigmoid(a)*exp(-b)": (lambda a, b: a.sigmoid() * (-b).exp(), anything, anything),
}


@pytest.mark.parametrize("name", list(BINARY))
@settings(max_examples=60)
@given(data=st.data())
def test_second_derivatives_of_binary_expressions(name: str, data: st.DataObject) -> None:
    f, da, db = BINARY[name]
    assert gradgradcheck(f, [data.draw(da, label="a"), data.draw(db, label="b")])


@settings(max_examples=40)
@given(a=floats(0.2, 4), b=floats(-3, 3))
def test_power_with_a_value_exponent_closed_form(a: float, b: float) -> None:
    mixed = a ** (b - 1) * (1 + b * math.log(a))
    expected = [b * (b - 1) * a ** (b - 2), mixed, mixed, a**b * math.log(a) ** 2]
    h = hessian(lambda x, y: x**y, [a, b])
    assert h[0] + h[1] == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_power_at_a_zero_base() -> None:
    # 0 ** b for b > 1: d/da = b * 0**(b-1) = 0, d2/da2 = b(b-1) 0**(b-2) is 0 for b > 2.
    assert hessian(lambda a, b: a**b, [0.0, 3.0]) == [[0.0, 0.0], [0.0, 0.0]]
    a, b = Value(0.0), Value(2.0)
    ga, gb = grad(a**b, [a, b], create_graph=True)
    assert (ga.data, gb.data) == (0.0, 0.0)
    assert grad(ga, [a])[0].data == 2.0  # d2/da2 of a**2 is 2
    # for 1 < b < 2 the second derivative in a, b(b-1) 0**(b-2), is infinite: inf, no error
    a, b = Value(0.0), Value(1.5)
    ga, _ = grad(a**b, [a, b], create_graph=True)
    assert ga.data == 0.0 and grad(ga, [a])[0].data == math.inf


def test_sqrt_and_fractional_power_at_zero_keep_their_infinite_derivative() -> None:
    x = Value(0.0)
    assert local_grads_as_values(x.sqrt()) == (math.inf,)
    assert local_grads_as_values(x**0.5) == (math.inf,)
    assert local_grads_as_values(x**-0.0) == (0.0,)


# ---------------------------------------------------------------- fused sum and dot


@settings(max_examples=30)
@given(
    ws=st.lists(anything, min_size=3, max_size=3),
    xs=st.lists(anything, min_size=3, max_size=3),
    b=anything,
)
def test_dot_of_values_second_derivatives(ws: list[float], xs: list[float], b: float) -> None:
    def f(w0, w1, w2, x0, x1, x2, bias):
        return dot([w0, w1, w2], [x0, x1, x2], bias).tanh()

    assert gradgradcheck(f, [*ws, *xs, b])


@settings(max_examples=30)
@given(values=st.lists(anything, min_size=4, max_size=4), c=anything)
def test_dot_with_constants_mixed_in(values: list[float], c: float) -> None:
    def f(a, b, x, y):  # weights and inputs mixing Values and numbers, a shared operand
        return dot([a, c, b, a], [x, y, 2.0, a], b) ** 2

    assert gradgradcheck(f, values)

    def g(a, b, x, y):  # constant inputs: every local derivative a constant
        return dot([a, b], [c, 2.0], y) * x

    assert gradgradcheck(g, values)


@settings(max_examples=20)
@given(values=st.lists(anything, min_size=2, max_size=2))
def test_dots_layer_second_derivatives(values: list[float]) -> None:
    def f(u, v):
        rows = [[u, v], [v * 0.5, u], [u * v, 1.5]]
        hidden = [h.tanh() for h in autograd.dots(rows, [u, v], [v, None, u])]
        return vsum(hidden) ** 2

    assert gradgradcheck(f, values)


def test_dot_of_a_value_with_itself() -> None:
    a = Value(1.5)
    (g,) = grad(dot([a], [a]), [a], create_graph=True)  # d/da a*a = 2a
    assert g.data == 3.0
    assert grad(g, [a])[0].data == 2.0


def test_dot_layout_is_recorded_without_allocating() -> None:
    ws = [[Value(1.0), Value(2.0)], [Value(3.0), Value(4.0)]]
    xs = [Value(5.0), Value(6.0)]
    first, second = autograd.dots(ws, xs)
    assert first.constant is second.constant is dot_layout(2)  # one shared, read-only record
    assert first.extras is None and second.extras is None
    assert autograd.dot([Value(1.0), Value(2.0)], [3.0, 4.0]).constant is None  # no pairs
    with autograd.no_grad():
        assert autograd.dot(ws[0], xs).constant is None


def test_mixed_dot_lays_out_pairs_first() -> None:
    a, b, c = Value(2.0), Value(3.0), Value(5.0)
    node = dot([a, 2.0, b], [c, a, 4.0], b)
    assert node.parents == (a, c, a, b, b)
    assert node.local_grads == (5.0, 2.0, 2.0, 4.0, 1.0)
    assert node.constant == op_def.DotLayout(1)
    assert local_grads_as_values(node)[:2] == (c, a)
    assert node.data == 2.0 * 5.0 + 2.0 * 2.0 + 3.0 * 4.0 + 3.0


def test_a_hook_on_a_dot_node_keeps_its_layout_and_leaves_others_alone() -> None:
    ws = [[Value(0.5), Value(-1.0)], [Value(2.0), Value(0.25)]]
    xs = [Value(0.3), Value(0.7)]
    first, second = autograd.dots(ws, xs)
    seen = []
    remove = first.register_hook(seen.append)
    try:
        assert first.constant is second.constant is dot_layout(2) and second.extras is None
        loss = first * second
        (g,) = grad(loss, [xs[0]], create_graph=True)
        (h,) = grad(g, [xs[0]])
        # loss = (w00 x0 + w01 x1)(w10 x0 + w11 x1): d2/dx0^2 = 2 w00 w10
        assert h.data == pytest.approx(2 * 0.5 * 2.0)
        assert len(seen) == 2  # the hook ran for the first node only, once per pass
    finally:
        remove()


# ---------------------------------------------------------------- random DAGs, HVPs


def random_dag(draw, n_inputs: int):
    """A function of n inputs built from smooth ops, reusing earlier nodes (fan-out)."""
    ops = [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a * b,
        lambda a, b: a / (1.0 + b * b),
        lambda a, b: (a * b).tanh(),
        lambda a, b: a.sin() * b.sigmoid(),
        lambda a, b: (1.0 + a * a).log() - b,
        lambda a, b: (1.0 + a * a) ** b.tanh(),
        lambda a, b: (1.0 + b * b).sqrt() * a,
        lambda a, b: 2.0 ** a.tanh() + b.cos(),
        lambda a, b: 1.5 / (2.0 + a.sin()) + b,
        lambda a, b: dot([a, b, a], [b, 0.5, a], b),
        lambda a, b: vsum([a, b, a * b]),
    ]
    steps = draw(
        st.lists(
            st.tuples(st.integers(0, len(ops) - 1), st.integers(0, 100), st.integers(0, 100)),
            min_size=1,
            max_size=8,
        )
    )

    def f(*inputs):
        nodes = list(inputs)
        for op, i, j in steps:
            nodes.append(ops[op](nodes[i % len(nodes)], nodes[j % len(nodes)]))
        return vsum(nodes[n_inputs:]) if len(nodes) > n_inputs else nodes[0] * nodes[-1]

    return f


@settings(max_examples=150)
@given(data=st.data())
def test_random_dags_second_derivatives(data: st.DataObject) -> None:
    f = random_dag(data.draw, 3)
    point = data.draw(st.lists(floats(-1.5, 1.5), min_size=3, max_size=3), label="point")
    assert gradgradcheck(f, point, atol=1e-4)


@settings(max_examples=150)
@given(data=st.data())
def test_hessian_vector_products(data: st.DataObject) -> None:
    f = random_dag(data.draw, 3)
    point = data.draw(st.lists(floats(-1.5, 1.5), min_size=3, max_size=3), label="point")
    v = data.draw(st.lists(floats(-1, 1), min_size=3, max_size=3), label="v")
    xs = [Value(p) for p in point]
    g = [0.0 if d is None else d for d in grad(f(*xs), xs, create_graph=True, allow_unused=True)]
    hv = [0.0 if h is None else h.data for h in grad(dot(g, v), xs, allow_unused=True)]
    eps = 1e-6
    up = autograd.analytic_grad(f, [p + eps * d for p, d in zip(point, v, strict=True)])
    down = autograd.analytic_grad(f, [p - eps * d for p, d in zip(point, v, strict=True)])
    numeric = [(u - w) / (2 * eps) for u, w in zip(up, down, strict=True)]
    assert hv == pytest.approx(numeric, rel=1e-3, abs=1e-4)


@settings(max_examples=150)
@given(data=st.data())
def test_create_graph_gives_the_same_first_derivatives(data: st.DataObject) -> None:
    f = random_dag(data.draw, 3)
    point = data.draw(st.lists(floats(-1.5, 1.5), min_size=3, max_size=3), label="point")
    xs = [Value(p) for p in point]
    as_values = grad(f(*xs), xs, create_graph=True, allow_unused=True)
    assert [0.0 if g is None else g.data for g in as_values] == pytest.approx(
        autograd.analytic_grad(f, point), rel=1e-12, abs=1e-12
    )


@settings(max_examples=150)
@given(data=st.data())
def test_local_grads_as_values_equal_the_stored_floats(data: st.DataObject) -> None:
    f = random_dag(data.draw, 2)
    point = data.draw(st.lists(floats(-1.5, 1.5), min_size=2, max_size=2), label="point")
    out = f(*[Value(p) for p in point])
    for node in autograd.topological_order(out):
        if node.parents:
            rebuilt = local_grads_as_values(node)
            assert len(rebuilt) == len(node.parents)
            values = [r.data if isinstance(r, Value) else r for r in rebuilt]
            assert values == pytest.approx(list(node.local_grads), rel=1e-12, abs=1e-12), node.op


def test_constant_derivatives_stay_floats() -> None:
    a, b = Value(1.5), Value(-0.5)
    for node in [a + b, a - b, a * 2.0, 3.0 * a, a / 4.0, -a, abs(a), a.relu(), 2.0 - a,
                 vsum([a, b, 1.0]), dot([a, b], [1.0, 2.0], a)]:  # fmt: skip
        rebuilt = local_grads_as_values(node)
        assert all(type(r) is float for r in rebuilt), node.op
        assert rebuilt == node.local_grads


def test_gradient_of_a_linear_function_has_no_second_derivative() -> None:
    x, y = Value(2.0), Value(3.0)
    gx, gy = grad(3.0 * x - y + 1.0, [x, y], create_graph=True)
    assert (gx.data, gy.data) == (3.0, -1.0)
    assert grad(gx, [x, y], allow_unused=True) == [None, None]  # gx is the constant 3


# ---------------------------------------------------------------- backward(create_graph=True)


def test_backward_create_graph_makes_grads_values() -> None:
    x = Value(0.5)
    y = x**3
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value) and isinstance(y.grad, Value)
    assert x.grad.data == pytest.approx(3 * 0.25)
    first = x.grad
    x.grad = 0.0  # break the x <-> x.grad reference cycle, as the docstring advises
    first.backward()
    assert x.grad == pytest.approx(6 * 0.5)


def test_backward_create_graph_accumulates_into_leaves() -> None:
    x = Value(2.0)
    x.grad = 1.0
    (x * x).backward(create_graph=True)
    (x * x).backward(create_graph=True)
    assert isinstance(x.grad, Value) and x.grad.data == 1.0 + 4.0 + 4.0
    assert grad(x.grad, [x])[0].data == 4.0
    x.grad = 0.0


def test_backward_create_graph_of_a_constant_gradient_is_a_leaf() -> None:
    x = Value(2.0)
    (x * 5.0).backward(create_graph=True)
    assert isinstance(x.grad, Value) and x.grad.is_leaf() and x.grad.data == 5.0


def test_plain_backward_still_gives_floats() -> None:
    x = Value(0.5)
    (x.tanh() * x).backward()
    assert type(x.grad) is float


# ---------------------------------------------------------------- autograd.grad


def test_grad_touches_no_grad_attribute() -> None:
    a, b = Value(0.3), Value(-1.2)
    a.grad, b.grad = 7.0, 8.0
    h = (a * b).tanh()
    out = h * a
    first = grad(out, [a, b, h])
    assert (a.grad, b.grad, h.grad, out.grad) == (7.0, 8.0, 0.0, 0.0)
    grad(out, [a, b], create_graph=True)
    assert (a.grad, b.grad, h.grad, out.grad) == (7.0, 8.0, 0.0, 0.0)
    out.backward()
    assert [a.grad - 7.0, b.grad - 8.0, h.grad] == pytest.approx([g.data for g in first])


def test_grad_of_unused_and_intermediate_inputs() -> None:
    a, unused = Value(1.0), Value(2.0, label="u")
    mid = a * 3.0
    out = mid * mid
    with pytest.raises(ValueError, match=r"inputs\[1\] \('u'\) was not used .* allow_unused=True"):
        grad(out, [a, unused, mid])
    g_a, g_unused, g_mid = grad(out, [a, unused, mid], allow_unused=True)
    assert (g_a.data, g_unused, g_mid.data) == (18.0, None, 6.0)
    assert g_a.is_leaf() and g_mid.is_leaf()
    with pytest.raises(TypeError, match="allow_unused must be a bool"):
        grad(out, [a], allow_unused="yes")  # type: ignore[call-overload]
    (g_single,) = grad(out, a)  # one Value instead of a list
    assert g_single.data == 18.0


def test_grad_output() -> None:
    a = Value(2.0)
    assert grad(a * a, [a], grad_output=0.5)[0].data == 2.0
    # A Value grad_output is part of the graph: d/dv (v * d(a*a)/da) = 2a.
    v = Value(3.0)
    (g,) = grad(a * a, [a], create_graph=True, grad_output=v)
    assert g.data == 12.0
    assert [d.data for d in grad(g, [a, v])] == [6.0, 4.0]


def test_create_graph_under_no_grad_records_nothing() -> None:
    x = Value(0.5)
    y = x.tanh() * x
    with autograd.no_grad():
        (g,) = grad(y, [x], create_graph=True)
    t = math.tanh(0.5)
    assert g.is_leaf() and g.data == pytest.approx(t + 0.5 * (1 - t * t))


def test_grad_rejects_bad_arguments() -> None:
    a = Value(1.0)
    with pytest.raises(TypeError, match="output must be a Value, got float"):
        grad(1.0, [a])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"inputs\[1\] must be a Value, got float"):
        grad(a * a, [a, 2.0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="inputs must be a Value or a list of Values, got str"):
        grad(a * a, "a")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="grad_output must be a real number or a Value, got str"):
        grad(a * a, [a], grad_output="1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="create_graph must be a bool, got int"):
        grad(a * a, [a], 1)  # type: ignore[arg-type]


def test_a_user_op_gets_second_derivatives_from_its_one_definition() -> None:
    cube = autograd.define_op("cube", lambda x: x**3, lambda x, out: (3.0 * x * x,))
    a = Value(1.5)
    (g,) = grad(cube(a), [a], create_graph=True)
    assert g.data == pytest.approx(3 * 1.5**2)
    assert grad(g, [a])[0].data == pytest.approx(6 * 1.5)


# ---------------------------------------------------------------- gradgradcheck


def test_gradgradcheck_reports_a_wrong_rule_as_a_table(monkeypatch: pytest.MonkeyPatch) -> None:
    # Right on floats (the first derivatives), wrong on Values (the second ones).
    def broken(x: object, out: object) -> tuple[object]:
        return (1.0 - out * out,) if isinstance(out, float) else (1.0 - out,)  # type: ignore[operator]

    monkeypatch.setattr(ops.TANH, "derivative", broken)
    with pytest.raises(GradcheckError) as error:
        gradgradcheck(lambda a, b: a.tanh() * b, [0.4, 1.3])
    message = str(error.value)
    # d/da and d/db of df/da = tanh'(a) b both use the broken rule; df/db = tanh(a) does not
    assert "second derivative d/dx_j (df/dx_0) check failed for input(s) [0, 1]" in message
    assert "analytic" in message and "numeric" in message
    assert "df/dx_1" not in message


def test_gradgradcheck_rejects_bad_input() -> None:
    with pytest.raises(TypeError, match="input 1 must be a real number, got str"):
        gradgradcheck(lambda a, b: a * b, [1.0, "2"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        gradgradcheck(lambda a: a * a, [1.0], eps=0.0)
    with pytest.raises(ValueError, match="atol must be a finite number >= 0"):
        gradgradcheck(lambda a: a * a, [1.0], atol=-1.0)
    with pytest.raises(TypeError, match="f must return a Value, got float"):
        hessian(lambda a: 1.0, [1.0])  # type: ignore[arg-type, return-value]


# ---------------------------------------------------------------- Newton's method


def newton(f, point: list[float], steps: int) -> list[list[float]]:
    """Pure Newton iterations x <- x - H^-1 g (2-D, solved by Cramer's rule)."""
    path = [point]
    for _ in range(steps):
        xs = [Value(p) for p in point]
        g = grad(f(*xs), xs, create_graph=True)
        (hxx, hxy), (hyx, hyy) = ([h.data for h in grad(gi, xs)] for gi in g)
        det = hxx * hyy - hxy * hyx
        gx, gy = g[0].data, g[1].data
        point = [point[0] - (hyy * gx - hxy * gy) / det, point[1] - (hxx * gy - hyx * gx) / det]
        path.append(point)
    return path


def test_newtons_method_converges_quadratically() -> None:
    def f(x, y):  # smooth and strictly convex; minimum at (-ln(2) / 2, 0)
        return (x + 3 * y - 0.1).exp() + (x - 3 * y - 0.1).exp() + (-x - 0.1).exp()

    path = newton(f, [-1.0, 0.7], steps=8)
    errors = [math.dist(p, (-math.log(2) / 2, 0.0)) for p in path]
    assert errors[-1] < 1e-12
    # quadratic convergence: once close, each error is at most a constant times the last squared
    close_steps = [(e, n) for e, n in itertools.pairwise(errors) if 1e-8 < e < 1e-1]
    assert close_steps and all(n <= 10 * e * e for e, n in close_steps)
