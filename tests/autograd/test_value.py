"""Value construction, attributes, operator dispatch and bad input."""

import gc
import math
from fractions import Fraction

import numpy as np
import pytest

import autograd
from autograd import Value


def test_autograd_is_this_project_and_not_the_pypi_namesake():
    # HIPS autograd and the PyPI `nn` share our import names; a stale install would shadow us.
    assert hasattr(autograd, "Value") and hasattr(autograd, "backward_steps")
    import nn

    assert hasattr(nn, "Module")
    assert Value.__module__ == "autograd.value"


def test_a_new_value_is_a_leaf_with_zero_grad():
    v = Value(3, label="x")
    assert (v.data, v.grad, v.label, v.op, v.parents, v.local_grads) == (3.0, 0.0, "x", "", (), ())
    assert type(v.data) is float
    assert v.is_leaf()
    assert repr(v) == "Value(data=3.0, grad=0.0, label='x')"


@pytest.mark.parametrize(
    "number", [2, 2.5, np.float64(2.5), np.float32(2.5), np.int64(2), Fraction(5, 2)]
)
def test_real_numbers_are_accepted(number):
    assert Value(number).data == float(number)
    assert (Value(1.0) * number).data == float(number)
    assert (number * Value(1.0)).data == float(number)


@pytest.mark.parametrize("bad", ["1.0", None, [1.0], 1 + 2j, True, {}, object()])
def test_anything_but_a_real_number_is_a_type_error_naming_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


def test_a_value_cannot_wrap_a_value():
    with pytest.raises(TypeError, match=r"got Value.*detach"):
        Value(Value(1.0))


@pytest.mark.parametrize(
    "huge", [10**400, -(10**400), Fraction(10**400, 3)], ids=["int", "-int", "Fraction"]
)
def test_numbers_too_large_for_a_float_are_a_clear_value_error(huge):
    name = type(huge).__name__
    for make in (lambda: Value(huge), lambda: Value(1.0) * huge, lambda: huge - Value(1.0)):
        with pytest.raises(ValueError, match=f"the {name} .*too large for a float") as error:
            make()
        assert len(str(error.value)) < 100  # the number is abbreviated, not 400 digits


def test_label_must_be_a_string():
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


@pytest.mark.parametrize("bad", ["2", None, [1.0], 1j, True])
def test_operators_reject_non_numbers(bad):
    x = Value(1.0)
    for op in (
        lambda: x + bad,
        lambda: bad + x,
        lambda: x * bad,
        lambda: bad * x,
        lambda: x - bad,
        lambda: bad - x,
        lambda: x / bad,
        lambda: bad / x,
        lambda: x**bad,
        lambda: bad**x,
    ):
        with pytest.raises(TypeError):
            op()


def test_nodes_use_slots_and_hold_no_reference_to_their_children():
    x = Value(1.0)
    y = x * 2.0
    z = autograd.dot([x, y], [y, 3.0]).tanh()
    assert not hasattr(x, "__dict__")
    assert y.parents == (x,) and z.parents[0].parents == (x, y, y)

    def reachable(node):  # everything a node refers to, following tuples and its extras
        seen, todo = [], list(gc.get_referents(node))
        while todo:
            item = todo.pop()
            if any(item is s for s in seen) or isinstance(item, type):
                continue
            seen.append(item)
            if isinstance(item, tuple) or hasattr(item, "created_at"):
                todo.extend(gc.get_referents(item))
        return seen

    for parent, children in [(x, (y, z, z.parents[0])), (y, (z, z.parents[0]))]:
        refs = reachable(parent)
        assert not any(r is c for r in refs for c in children)


def test_detach_is_a_new_leaf_with_the_same_data():
    x = Value(2.0, "x")
    y = (x * 3.0).detach()
    assert y.data == 6.0 and y.is_leaf()
    z = y * x
    z.backward()
    assert x.grad == 6.0 and y.grad == 2.0


def test_unary_plus_and_float_semantics():
    x = Value(-1.5)
    assert +x is x
    assert abs(x).data == 1.5
    assert (-x).data == 1.5
    assert math.isnan(Value(math.nan).data) and Value(math.inf).data == math.inf


def test_op_label_is_how_views_name_the_op():
    x = Value(2.0, "x")
    assert x.op_label == ""
    assert x.tanh().op_label == "tanh"
    assert (x * x).op_label == "*"
