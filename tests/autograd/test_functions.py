"""autograd.functions: the same function on a float and on a Value."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, functions, ops, testing

NAMES = ["exp", "log", "tanh", "sigmoid", "relu", "sqrt", "sin", "cos", "abs"]


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
    with pytest.raises(ValueError, match="sqrt: the operand must be >= 0"):
        functions.sqrt(-1.0)
