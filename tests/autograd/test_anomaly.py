"""detect_anomaly(): the first nan or inf, forward or backward, raises and says where."""

from __future__ import annotations

import inspect
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import AnomalyError, Value, detect_anomaly, is_anomaly_enabled
from autograd.hooks import hooks_of
from autograd.mode import MODES

HERE = __file__


def line_after() -> str:
    """file:line of the line after the caller's (where the op under test is written)."""
    caller = inspect.currentframe().f_back  # type: ignore[union-attr]
    return f"{HERE}:{caller.f_lineno + 1}"  # type: ignore[union-attr]


@pytest.fixture(autouse=True)
def _mode_restored():
    yield
    assert (MODES.record, MODES.anomaly, MODES.all_default) == (True, False, True)


# ---------------------------------------------------------------- off by default


def test_off_by_default_and_silent() -> None:
    assert not is_anomaly_enabled()
    y = Value(1000.0).exp()  # IEEE overflow: inf, no error, no extras recorded
    assert y.data == math.inf and y.extras is None


def test_switches() -> None:
    with detect_anomaly():
        assert is_anomaly_enabled() and MODES.record and not MODES.all_default
        with autograd.no_grad():
            assert MODES.anomaly and not MODES.record and not MODES.all_default
        with detect_anomaly():
            pass
        assert is_anomaly_enabled()  # a nested block restores, not clears
    assert not is_anomaly_enabled() and MODES.all_default


def test_switch_restored_after_an_error() -> None:
    with pytest.raises(AnomalyError), detect_anomaly():
        Value(1000.0).exp()
    assert not is_anomaly_enabled()


def test_as_a_decorator() -> None:
    @detect_anomaly()
    def overflow() -> Value:
        return Value(800.0).exp()

    with pytest.raises(AnomalyError):
        overflow()
    assert overflow.__name__ == "overflow"


def test_an_arithmetic_error() -> None:
    assert issubclass(AnomalyError, FloatingPointError)
    assert issubclass(AnomalyError, ArithmeticError)


# ---------------------------------------------------------------- forward


def test_forward_overflow_names_op_operands_and_line() -> None:
    x = Value(400.0, label="x")
    with detect_anomaly(), pytest.raises(AnomalyError) as error:
        site = line_after()
        (x * 2.0).exp()
    message = str(error.value)
    assert "op 'exp' produced inf in the forward pass" in message
    assert "operands:" in message and "800.0" in message
    assert site in message
    assert (error.value.op, error.value.created_at) == (
        "exp",
        f"{site} in {error.value.created_at.split(' in ')[1]}",
    )
    assert error.value.created_at.endswith("in test_forward_overflow_names_op_operands_and_line")


@pytest.mark.parametrize(
    ("make", "op"),
    [
        (lambda a, b: (a * 1e300) * (b * 1e300), "*"),
        (lambda a, b: (a * 0.6e308) - (b * -1.2e308), "-"),
        (lambda a, b: autograd.sum([a * 0.6e308, b * 1.2e308]), "sum"),
        (lambda a, b: autograd.dot([a, b], [0.6e308, 1.2e308]), "dot"),
        (lambda a, b: a / (b * 1e-308), "/"),
        (lambda a, b: a ** (b * 2000.0), "**"),
        (lambda a, b: 10.0 ** (b * 400.0), "10 **"),
    ],
)
def test_every_kind_of_op_is_checked(make, op: str) -> None:
    a, b = Value(2.0, label="a"), Value(1.0, label="b")
    with detect_anomaly(), pytest.raises(AnomalyError) as error:
        make(a, b)
    assert error.value.op == op.split()[-1]  # the op, equal to its name
    assert f"op {op!r} produced" in str(error.value)  # the message shows its constant


def test_labels_of_operands_are_shown() -> None:
    big = Value(1e308, label="big")
    with (
        detect_anomaly(),
        pytest.raises(AnomalyError, match=r"operands:\s+\[big=1e\+308, big=1e\+308\]"),
    ):
        big + big


def test_nan_operand_is_caught_at_the_first_op() -> None:
    bad = Value(math.nan, label="bad")  # made by the user: leaves are not checked
    with detect_anomaly(), pytest.raises(AnomalyError, match="op 'tanh' produced nan"):
        bad.tanh()


def test_forward_is_checked_under_no_grad_too() -> None:
    with detect_anomaly(), autograd.no_grad(), pytest.raises(AnomalyError, match="'exp'"):
        Value(1000.0).exp()


def test_site_skips_frames_inside_autograd() -> None:
    ws, xs = [Value(1e308), Value(1e308)], [Value(1.0), Value(1.0)]
    with detect_anomaly(), pytest.raises(AnomalyError) as error:
        site = line_after()
        autograd.dots([ws], xs)  # made deep inside autograd.fused
    assert error.value.created_at.startswith(site + " in ")


def test_site_is_recorded_on_every_node_and_finite_graphs_work() -> None:
    with detect_anomaly():
        x = Value(0.5)
        site = line_after()
        y = (x * 3.0).tanh()
        y.backward()
    assert y.extras.created_at.startswith(site)
    assert y.parents[0].extras.created_at.startswith(site)
    assert x.grad == pytest.approx(3 * (1 - math.tanh(1.5) ** 2))


def test_dot_layout_survives_anomaly_mode() -> None:
    with detect_anomaly():
        ws, xs = [Value(0.3), Value(-0.2)], [Value(1.1), Value(0.7)]
        node = autograd.dot(ws, xs, Value(0.1))
        assert node.constant.pairs == 2 and node.extras.created_at is not None
        assert autograd.gradgradcheck(lambda a, b: autograd.dot([a, b], [b, a]).tanh(), [0.3, 0.8])


# ---------------------------------------------------------------- backward


def test_backward_nan_names_the_node_and_its_values() -> None:
    with detect_anomaly():
        z = Value(0.0, label="z")
        site = line_after()
        h = z.sqrt()  # finite (0.0), but its derivative is inf
        h.label = "h"
        out = h * 0.0  # so the upstream gradient at h is 0: inf * 0 = nan
        with pytest.raises(AnomalyError) as error:
            out.backward()
    message = str(error.value)
    assert "backward through the 'sqrt' node labelled 'h' produced nan for operand 0" in message
    assert "local derivative inf * upstream gradient 0.0" in message
    assert "z=0.0" in message and site in message
    assert (error.value.op, error.value.label) == ("sqrt", "h")
    assert error.value.created_at.startswith(site)


def test_backward_overflow_in_a_local_derivative() -> None:
    with detect_anomaly():
        x = Value(1e-300, label="x")
        y = 1.0 / x  # 1e300, fine; its derivative -1 / x**2 is -inf
        with pytest.raises(AnomalyError, match=r"'1 /' node \(no label\) produced -inf"):
            y.backward()
    assert x.grad == 0.0  # nothing written: the error leaves state untouched


def test_backward_of_a_graph_made_outside_the_mode() -> None:
    h = Value(0.0).sqrt() * 0.0
    with (
        detect_anomaly(),
        pytest.raises(AnomalyError, match=r"unknown \(made outside detect_anomaly"),
    ):
        h.backward()
    # outside the mode the same backward is silent: IEEE nan
    leaf = Value(0.0)
    (leaf.sqrt() * 0.0).backward()
    assert math.isnan(leaf.grad)


def test_a_nan_seed_is_caught() -> None:
    x = Value(1.0, label="x")
    y = x * 2.0
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"the gradient of the '\* 2' node"):
        y.backward(math.nan)


def test_a_hook_returning_nan_is_caught() -> None:
    x = Value(1.0, label="x")
    h = x.tanh()
    h.label = "h"
    remove = h.register_hook(lambda g: math.nan)
    try:
        with (
            detect_anomaly(),
            pytest.raises(AnomalyError, match="labelled 'h' is nan after its hooks"),
        ):
            (h * 2.0).backward()
    finally:
        remove()
    assert hooks_of(h) == []


def test_leaf_gradient_is_checked() -> None:
    x = Value(1.0, label="w")
    remove = x.register_hook(lambda g: math.inf)
    try:
        with detect_anomaly(), pytest.raises(AnomalyError, match="the gradient of leaf 'w' is inf"):
            (x * 2.0).backward()
    finally:
        remove()


def test_create_graph_under_anomaly_mode() -> None:
    with detect_anomaly():
        x = Value(0.7)
        (g,) = autograd.grad(x.sin() * x, [x], create_graph=True)
        (h,) = autograd.grad(g, [x])
    assert h.data == pytest.approx(2 * math.cos(0.7) - 0.7 * math.sin(0.7))


@settings(max_examples=30)
@given(st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_same_gradients_with_and_without_the_mode(point: list[float]) -> None:
    def f(a, b, c):
        return autograd.dot([a, b], [b.tanh(), c], a.sigmoid()) * (c * c + 1.0).log()

    expected = autograd.analytic_grad(f, point)
    with detect_anomaly():
        assert autograd.analytic_grad(f, point) == pytest.approx(expected, rel=1e-12)


def test_long_operand_lists_are_shortened() -> None:
    xs = [Value(1e308) for _ in range(20)]
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"\.\.\. \(12 more\)"):
        autograd.sum(xs)


def test_a_forward_anomaly_names_operands_outside_the_ops_domain() -> None:
    x = Value(1000.0, label="x")
    with detect_anomaly(), pytest.raises(AnomalyError) as error:
        x.exp()
    assert "outside the domain: operand 0 = 1000.0 not in [-10.0, 10.0]" in str(error.value)
