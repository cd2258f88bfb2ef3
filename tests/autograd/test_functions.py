"""autograd.functions: the same function on a float and on a Value."""

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, functions, ops, testing

NAMES = [name for name in functions.__all__ if name in ops.BUILTIN]
"""The functions that are ops of the table (``power`` is ``**`` with a number exponent)."""


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=40)
@given(data=st.data())
def test_a_float_and_a_value_give_the_same_number(name, data):
    (x,) = data.draw(testing.inputs_for(ops.BUILTIN[name]))
    f = getattr(functions, name)
    on_float = f(x)
    on_value = f(Value(x))
    assert type(on_float) is float and isinstance(on_value, Value)
    assert on_value.op == name and on_value.data == on_float
    assert f(2) == f(2.0)  # an int is a number too


def test_ieee_results_on_floats():
    assert functions.exp(1000.0) == math.inf
    assert math.isnan(functions.sin(math.inf)) and math.isnan(functions.cos(-math.inf))
    assert functions.sigmoid(-1000.0) == 0.0 and functions.sigmoid(1000.0) == 1.0
    assert functions.power(-1e200, 3.0) == -math.inf and functions.power(0.0, -1.0) == math.inf
    with pytest.raises(ValueError, match="log: the operand must be > 0"):
        functions.log(0.0)
    with pytest.raises(ValueError, match=r"log1p: the operand must be > -1, got -1\.0"):
        functions.log1p(-1.0)
    assert math.isnan(functions.log1p(math.nan)) and functions.log1p(math.inf) == math.inf
    with pytest.raises(ValueError, match="sqrt: the operand must be >= 0"):
        functions.sqrt(-1.0)


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("exp", lambda: functions.exp(10**400)),
        ("log", lambda: functions.log(10**400)),  # finite (921.03...), still refused
        ("log1p", lambda: functions.log1p(10**400)),
        ("tanh", lambda: functions.tanh(-(10**400))),
        ("sigmoid", lambda: functions.sigmoid(10**400)),
        ("relu", lambda: functions.relu(10**400)),
        ("sqrt", lambda: functions.sqrt(10**400)),
        ("sin", lambda: functions.sin(10**400)),
        ("cos", lambda: functions.cos(10**400)),
        ("abs", lambda: functions.abs(10**400)),
        ("power", lambda: functions.power(10**400, 0.5)),
        ("power", lambda: functions.power(2.0, 10**400)),
        ("power", lambda: functions.power(Value(2.0), 10**400)),
        ("log", lambda: functions.log(Fraction(10**400))),
    ],
)
def test_a_number_beyond_float_range_is_a_value_error_naming_the_function(name, call):
    with pytest.raises(ValueError, match=rf"^{name}: the \w+ \S*10000.* is too large for a float"):
        call()


@pytest.mark.parametrize("name", NAMES)
def test_an_int_gives_a_float(name):
    assert type(getattr(functions, name)(1)) is float
    assert type(functions.power(2, 3)) is float and functions.power(2, 3) == 8.0
