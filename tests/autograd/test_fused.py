"""Fused n-ary nodes: the same values and gradients as the ops they replace, in one node."""

import gc
import math
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, gradcheck, testing


@settings(max_examples=200)
@given(data=st.data(), n=st.integers(1, 6))
def test_sum_equals_chained_additions(data, n):
    xs = data.draw(testing.points(n))
    fused = autograd.sum(Value(x) for x in xs)
    assert fused.op == "sum" and len(fused.parents) == n
    assert gradcheck(lambda *vs: autograd.sum(v * v for v in vs), xs)
    chained = Value(0.0)
    for x in xs:
        chained = chained + x
    assert fused.data == pytest.approx(chained.data)


@settings(max_examples=200)
@given(data=st.data(), n=st.integers(1, 5), with_bias=st.booleans())
def test_dot_matches_finite_differences_for_weights_inputs_and_bias(data, n, with_bias):
    point = data.draw(testing.points(2 * n + 1))

    def f(*vs):
        ws, xs, b = vs[:n], vs[n : 2 * n], vs[2 * n]
        return autograd.dot(ws, xs, b if with_bias else None).tanh()

    assert gradcheck(f, point)
    node = autograd.dot([Value(p) for p in point[:n]], [Value(p) for p in point[n : 2 * n]])
    assert node.op == "dot" and len(node.parents) == 2 * n


@settings(max_examples=200)
@given(data=st.data(), n=st.integers(1, 5))
def test_dot_with_constants_mixed_in_makes_only_values_parents(data, n):
    point = data.draw(testing.points(2 * n))
    mask = data.draw(st.lists(st.booleans(), min_size=2 * n, max_size=2 * n))

    def operands(vs):
        it = iter(vs)
        return [next(it) if is_value else c for c, is_value in zip(point, mask)]

    n_values = sum(mask)
    if n_values == 0:
        node = autograd.dot(point[:n], point[n:], 1.5)
        assert node.is_leaf()
        assert node.data == pytest.approx(sum(a * b for a, b in zip(point[:n], point[n:])) + 1.5)
        return
    values_point = [c for c, is_value in zip(point, mask) if is_value]

    def f(*vs):
        ops = operands(vs)
        return autograd.dot(ops[:n], ops[n:], 0.5)

    assert gradcheck(f, values_point)
    node = f(*[Value(c) for c in values_point])
    assert len(node.parents) == n_values
    expected = sum(a * b for a, b in zip(point[:n], point[n:])) + 0.5
    assert node.data == pytest.approx(expected)


def test_sum_folds_constants_into_its_data():
    x = Value(1.0)
    s = autograd.sum([x, 2.0, 3, x])
    assert s.data == 7.0 and s.parents == (x, x) and s.local_grads == (1.0, 1.0)
    s.backward()
    assert x.grad == 2.0
    assert autograd.sum([]).data == 0.0
    assert autograd.sum([1, 2]).is_leaf()


def test_a_dot_of_no_products_is_its_bias():
    # Like sum([]): a plain leaf, not a "dot" node without parents, and its data a float.
    for bias in (None, 1.5):
        empty = autograd.dot([], [], bias)
        assert empty.is_leaf() and empty.op == "" and type(empty.data) is float
        assert empty.data == (bias or 0.0)
    b = Value(2.0)
    only_bias = autograd.dot([], [], b)
    assert (only_bias.data, only_bias.parents, only_bias.local_grads) == (2.0, (b,), (1.0,))
    assert [v.data for v in autograd.dots([[], []], [], [None, b])] == [0.0, 2.0]


def test_dots_is_one_dot_node_per_row():
    rows = [[Value(1.0), Value(2.0)], [Value(3.0), Value(4.0)]]
    xs = [Value(0.5), Value(-1.0)]
    bs = [Value(0.1), None]
    (w00, w01), (w10, w11) = rows
    x0, x1 = xs
    first, second = autograd.dots(rows, xs, bs)
    # By hand: 1 * 0.5 + 2 * -1 + 0.1 = -1.4 and 3 * 0.5 + 4 * -1 = -2.5; d/dw = x, d/dx = w.
    assert first.op == second.op == "dot"
    assert first.data == pytest.approx(-1.4) and second.data == -2.5
    assert first.parents == (w00, w01, x0, x1, bs[0])
    assert first.local_grads == (0.5, -1.0, 1.0, 2.0, 1.0)
    assert second.parents == (w10, w11, x0, x1)
    assert second.local_grads == (0.5, -1.0, 3.0, 4.0)
    constant_inputs = autograd.dots(rows, [0.5, -1.0])[0]
    assert (constant_inputs.parents, constant_inputs.local_grads) == ((w00, w01), (0.5, -1.0))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: autograd.dot([Value(1.0)], [1.0, 2.0]), "1 weights but 2 inputs"),
        (lambda: autograd.dots([[1.0], [1.0, 2.0]], [1.0]), "2 weights but 1 inputs in row 1"),
        (lambda: autograd.dots([[1.0]], [1.0], [None, None]), "1 rows of weights but 2 biases"),
    ],
)
def test_length_mismatches_are_value_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: autograd.dot([Value(1.0)], ["x"]),
        lambda: autograd.dot(["w"], [Value(1.0)]),
        lambda: autograd.dot([Value(1.0)], [1.0], bias="b"),
        lambda: autograd.sum([Value(1.0), None]),
    ],
)
def test_non_numbers_in_fused_ops_are_type_errors(call):
    with pytest.raises(TypeError, match="expected a Value or a real number"):
        call()


def test_terms_overflowing_both_ways_give_nan_as_a_chain_of_additions_does():
    ws, xs = [Value(1e200), Value(1e200)], [Value(1e200), Value(-1e200)]
    chained = ws[0] * xs[0] + ws[1] * xs[1]  # inf + -inf
    assert math.isnan(autograd.dot(ws, xs).data) and math.isnan(chained.data)
    with autograd.detect_anomaly(), pytest.raises(autograd.AnomalyError, match="'dot'"):
        autograd.dot(ws, xs)


def test_sum_refuses_bytes_and_strings():
    # bytes iterate as small ints: sum(b"12") would silently add 49 + 50
    with pytest.raises(TypeError, match="sum: expected Values or numbers, got bytes"):
        autograd.sum(b"12")
    with pytest.raises(TypeError, match="got str"):
        autograd.sum("12")


def test_dot_refuses_sets_whose_pairing_would_be_arbitrary():
    a, b = Value(1.0), Value(2.0)
    with pytest.raises(TypeError, match=r"set.*unordered"):
        autograd.dot({a, b}, [1.0, 2.0])
    with pytest.raises(TypeError, match=r"frozenset.*unordered"):
        autograd.dot([1.0, 2.0], frozenset({a, b}))


def test_long_sums_do_not_fill_a_cache():
    # Sums of 1..4096 terms once kept every tuple of ones alive (~67 MB); here every 97th length.
    leaf = Value(1.0)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for n in range(1, 4097, 97):
        autograd.sum([leaf] * n)
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert kept < 50_000, f"{kept} bytes kept after the sums were dropped"
