"""Losses: hand-computed values and gradients, finite differences, stability, small graphs."""

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Value, testing

logit = st.floats(-8, 8, allow_nan=False)
logit_lists = st.lists(logit, min_size=1, max_size=6)


def leaves(xs):
    return [Value(x) for x in xs]


def grads_of(loss, xs):
    """Evaluate loss(leaves), backward, and return (value, gradients)."""
    vs = leaves(xs)
    out = loss(vs)
    out.backward()
    return out.data, [v.grad for v in vs]


# ---------------------------------------------------------------- hand-computed values


def test_mse_by_hand():
    # errors 1, 0, -2: mean of squares (1 + 0 + 4) / 3; d/dp_i = 2 e_i / 3
    value, grads = grads_of(lambda p: nn.mse_loss(p, [0, 2, 5]), [1.0, 2.0, 3.0])
    assert value == pytest.approx(5 / 3)
    assert grads == pytest.approx([2 / 3, 0.0, -4 / 3])


def test_mse_single_value_and_number():
    p = Value(3.0)
    loss = nn.mse_loss(p, 1.0)
    loss.backward()
    assert loss.data == 4.0 and p.grad == 4.0


def test_softmax_by_hand():
    # exp(0), exp(ln 2), exp(ln 3) = 1, 2, 3: probabilities 1/6, 2/6, 3/6
    probs = nn.softmax(leaves([0.0, math.log(2), math.log(3)]))
    assert [p.data for p in probs] == pytest.approx([1 / 6, 2 / 6, 3 / 6])


def test_softmax_jacobian_by_hand():
    # d p_i / d l_j = p_i (delta_ij - p_j); take i = 2
    ls = leaves([0.0, math.log(2), math.log(3)])
    nn.softmax(ls)[2].backward()
    p = [1 / 6, 2 / 6, 3 / 6]
    assert [v.grad for v in ls] == pytest.approx([-p[2] * p[0], -p[2] * p[1], p[2] * (1 - p[2])])


def test_log_softmax_by_hand():
    out = nn.log_softmax(leaves([0.0, math.log(2), math.log(3)]))
    assert [v.data for v in out] == pytest.approx(
        [math.log(1 / 6), math.log(2 / 6), math.log(3 / 6)]
    )


def test_cross_entropy_by_hand():
    # -log(3/6) = ln 2; gradient softmax - one_hot = [1/6, 2/6, 3/6 - 1]
    value, grads = grads_of(lambda ls: nn.cross_entropy(ls, 2), [0.0, math.log(2), math.log(3)])
    assert value == pytest.approx(math.log(2))
    assert grads == pytest.approx([1 / 6, 2 / 6, -1 / 2])


@pytest.mark.parametrize(
    ("y", "value", "grad"),
    [
        (1, -math.log(0.8), -1 / 0.8),
        (0, -math.log(0.2), 1 / 0.2),
        (0.25, -(0.25 * math.log(0.8) + 0.75 * math.log(0.2)), -0.25 / 0.8 + 0.75 / 0.2),
    ],
)
def test_binary_cross_entropy_by_hand(y, value, grad):
    p = Value(0.8)
    loss = nn.binary_cross_entropy(p, y)
    loss.backward()
    assert loss.data == pytest.approx(value)
    assert p.grad == pytest.approx(grad)


def test_binary_cross_entropy_is_clamped_at_100_like_pytorch():
    assert nn.binary_cross_entropy(Value(0.0), 1).data == 100.0
    assert nn.binary_cross_entropy(Value(1.0), 0).data == 100.0
    assert nn.binary_cross_entropy(Value(1.0), 1).data == 0.0
    # a saturated sigmoid: the loss is finite, not a log(0) error, and backward runs
    s = Value(40.0).sigmoid()
    assert s.data == 1.0
    loss = nn.binary_cross_entropy(s, 0)
    loss.backward()
    assert loss.data == 100.0 and math.isfinite(s.grad)


# PyTorch (torch.nn.functional.binary_cross_entropy, float64):
#   loss = -(y * max(log p, -100) + (1 - y) * max(log(1 - p), -100))
#   dloss/dp = (p - y) / max(p * (1 - p), EPS)     (ATen's binary_cross_entropy_backward)
# where EPS is 1e-12 as ATen stores it, a float32: 9.999999960041972e-13.
# Each expected number below is that formula worked by hand for the given p and y.
EPS = 9.999999960041972e-13


@pytest.mark.parametrize(
    ("p", "y", "value", "grad"),
    [
        (0.0, 0.3, 30.0, -0.3 / EPS),  # -(0.3 * -100 + 0.7 * log 1); (0 - 0.3) / EPS
        (1.0, 0.3, 70.0, 0.7 / EPS),  # -(0.3 * log 1 + 0.7 * -100); (1 - 0.3) / EPS
        (1e-40, 1, 40 * math.log(10), -1 / EPS),  # log 1e-40 = -92.1 is above the clamp
        (0.0, 1, 100.0, -1 / EPS),
        (1.0, 0, 100.0, 1 / EPS),
        (0.0, 0, 0.0, 0.0),  # a perfect answer: log(1 - 0) = 0, and (0 - 0) / EPS = 0
        (1e-13, 0.5, 0.5 * 13 * math.log(10), (1e-13 - 0.5) / EPS),  # log(1 - 1e-13) ~ -1e-13
        (0.5, 0.3, math.log(2), 0.2 / 0.25),  # the unclamped case: (p - y) / (p (1 - p))
        (1e-6, 1, 6 * math.log(10), -1 / 1e-6),
    ],
)
def test_binary_cross_entropy_matches_pytorch_where_it_clamps(p, y, value, grad):
    leaf = Value(p)
    loss = nn.binary_cross_entropy(leaf, y)
    loss.backward()
    assert loss.data == pytest.approx(value, rel=1e-9, abs=1e-12)
    assert leaf.grad == pytest.approx(grad, rel=1e-9)


def test_binary_cross_entropy_gradient_follows_pytorch_just_inside_one():
    # p = 1 - 1e-13: p (1 - p) < EPS, so PyTorch's gradient is (p - 1) / EPS ~ -0.1, not -1/p
    p = 1.0 - 1e-13
    leaf = Value(p)
    loss = nn.binary_cross_entropy(leaf, 1)
    loss.backward()
    assert loss.data == -math.log(p)
    assert leaf.grad == pytest.approx((p - 1.0) / EPS, rel=1e-12)


def test_hinge_by_hand():
    # margins 1 - y*s: 1 - 2 = -1 (clipped to 0), 1 - 0.5 = 0.5, 1 - (-1)(1) = 2
    value, grads = grads_of(lambda s: nn.hinge_loss(s, [1, 1, -1]), [2.0, 0.5, 1.0])
    assert value == pytest.approx((0 + 0.5 + 2) / 3)
    # d/ds = -y / n where the margin is positive, else 0
    assert grads == pytest.approx([0.0, -1 / 3, 1 / 3])


def test_hinge_single_score():
    s = Value(0.25)
    loss = nn.hinge_loss(s, -1)
    loss.backward()
    assert loss.data == 1.25 and s.grad == 1.0


def test_batch_mean_takes_any_iterables():
    outputs = (leaves([0.0, 0.0]) for _ in range(2))
    assert nn.batch_mean(nn.cross_entropy, outputs, iter([0, 1])).data == pytest.approx(math.log(2))


def test_batch_mean_by_hand():
    outputs = [leaves([0.0, 0.0]), leaves([0.0, math.log(3)])]
    loss = nn.batch_mean(nn.cross_entropy, outputs, [0, 1])
    # -log(1/2) and -log(3/4)
    assert loss.data == pytest.approx((math.log(2) + math.log(4 / 3)) / 2)
    loss.backward()
    assert [v.grad for v in outputs[1]] == pytest.approx([0.25 / 2, -0.25 / 2])


# ---------------------------------------------------------------- finite differences (hypothesis)


@given(ls=logit_lists, data=st.data())
@settings(max_examples=40)
def test_cross_entropy_gradcheck(ls, data):
    target = data.draw(st.integers(0, len(ls) - 1))
    assert autograd.gradcheck(lambda *v: nn.cross_entropy(list(v), target), ls)


@given(ls=logit_lists, weights=st.lists(st.floats(-2, 2), min_size=6, max_size=6))
@settings(max_examples=40)
def test_softmax_and_log_softmax_gradcheck(ls, weights):
    def weighted(f):
        # a random linear read-out checks every entry of the Jacobian's image
        return lambda *v: autograd.sum([o * w for o, w in zip(f(list(v)), weights, strict=False)])

    assert autograd.gradcheck(weighted(nn.softmax), ls)
    assert autograd.gradcheck(weighted(nn.log_softmax), ls)


@given(
    ps=st.lists(st.floats(-5, 5), min_size=1, max_size=5),
    data=st.data(),
)
@settings(max_examples=40)
def test_mse_gradcheck(ps, data):
    ts = data.draw(st.lists(st.floats(-5, 5), min_size=len(ps), max_size=len(ps)))
    assert autograd.gradcheck(lambda *v: nn.mse_loss(list(v), ts), ps)


@given(p=st.floats(0.01, 0.99), y=st.sampled_from([0, 1, 0.3]))
@settings(max_examples=40)
def test_binary_cross_entropy_gradcheck(p, y):
    assert autograd.gradcheck(lambda v: nn.binary_cross_entropy(v, y), [p])


@given(ss=st.lists(st.floats(-3, 3), min_size=1, max_size=5), data=st.data())
@settings(max_examples=40)
def test_hinge_gradcheck_off_the_kink(ss, data):
    ys = data.draw(st.lists(st.sampled_from([-1, 1]), min_size=len(ss), max_size=len(ss)))
    assume(all(abs(1 - y * s) > 1e-3 for s, y in zip(ss, ys, strict=True)))  # no kinks
    assert autograd.gradcheck(lambda *v: nn.hinge_loss(list(v), ys), ss)


@given(ls=logit_lists)
@settings(max_examples=30)
def test_softmax_sums_to_one_and_log_softmax_is_its_log(ls):
    probs = [p.data for p in nn.softmax(ls)]
    assert math.fsum(probs) == pytest.approx(1.0)
    logs = [v.data for v in nn.log_softmax(ls)]
    assert logs == pytest.approx([math.log(p) for p in probs], abs=1e-9)


@given(ls=logit_lists, shift=st.floats(-50, 50), data=st.data())
@settings(max_examples=30)
def test_cross_entropy_is_shift_invariant(ls, shift, data):
    target = data.draw(st.integers(0, len(ls) - 1))
    a = nn.cross_entropy(ls, target).data
    b = nn.cross_entropy([v + shift for v in ls], target).data
    assert a == pytest.approx(b, abs=1e-9)


# ---------------------------------------------------------------- stability


def test_large_logits_give_finite_values_and_gradients():
    value, grads = grads_of(lambda ls: nn.cross_entropy(ls, 2), [1000.0, 0.0, -1000.0])
    assert value == pytest.approx(2000.0)
    assert grads == pytest.approx([1.0, 0.0, -1.0])
    value, grads = grads_of(lambda ls: nn.cross_entropy(ls, 0), [1000.0, 1000.0])
    assert value == pytest.approx(math.log(2)) and grads == pytest.approx([-0.5, 0.5])
    ls = leaves([1000.0, 999.0])
    probs = nn.softmax(ls)
    assert [p.data for p in probs] == pytest.approx([1 / (1 + math.exp(-1)), 1 / (1 + math.e)])
    probs[0].backward()
    assert all(math.isfinite(v.grad) for v in ls)
    logs = nn.log_softmax(leaves([1000.0, -1000.0]))
    assert [v.data for v in logs] == pytest.approx([0.0, -2000.0])


@pytest.mark.parametrize("where", [0, 1, 2])
@pytest.mark.parametrize("loss", [nn.softmax, nn.log_softmax, lambda ls: nn.cross_entropy(ls, 0)])
def test_a_nan_logit_is_refused_wherever_it_sits(loss, where):
    # max() with a nan depends on the order (max([1.0, nan]) is 1.0), so each logit is checked
    ls = [1.0, 2.0, 3.0]
    ls[where] = math.nan
    with pytest.raises(ValueError, match=f"logits must be finite.*nan at index {where}"):
        loss(ls)


def test_minus_infinity_masks_a_logit():
    ls = leaves([0.0, -math.inf, math.log(3)])
    probs = nn.softmax(ls)
    assert [p.data for p in probs] == pytest.approx([0.25, 0.0, 0.75])
    loss = nn.cross_entropy(ls, 2)
    loss.backward()
    assert loss.data == pytest.approx(math.log(4 / 3))
    assert [v.grad for v in ls] == pytest.approx([0.25, 0.0, -0.25])


# ---------------------------------------------------------------- graph size


def test_losses_build_small_graphs():
    ls = leaves([0.1] * 10)
    nodes = [v for v in autograd.topological_order(nn.cross_entropy(ls, 3)) if v.op]
    # 10 shifts, 10 exps, one fused sum, one log, one subtraction
    assert len(nodes) == 23 and sum(v.op == "sum" for v in nodes) == 1
    errors = [v for v in autograd.topological_order(nn.mse_loss(ls, [0] * 10)) if v.op]
    assert len(errors) == 12  # 10 differences, one dot (sum of squares), one division


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: nn.mse_loss([Value(1.0)], [1.0, 2.0]), ValueError, "1 outputs but 2 targets"),
        (lambda: nn.mse_loss([], []), ValueError, "empty"),
        (lambda: nn.mse_loss(["a"], [1.0]), TypeError, "got str"),
        (lambda: nn.mse_loss([1.0], "1"), TypeError, "targets"),
        (lambda: nn.softmax([]), ValueError, "empty"),
        (lambda: nn.softmax("abc"), TypeError, "got str"),
        (lambda: nn.softmax([math.inf, 0.0]), ValueError, "finite"),
        (lambda: nn.log_softmax([math.nan]), ValueError, "finite"),
        (lambda: nn.cross_entropy([0.0, 1.0], 2), ValueError, "target_index 2 out of range"),
        (lambda: nn.cross_entropy([0.0, 1.0], -1), ValueError, "out of range"),
        (lambda: nn.cross_entropy([0.0, 1.0], 1.0), TypeError, "must be an int"),
        (lambda: nn.cross_entropy([0.0, 1.0], True), TypeError, "must be an int"),
        (lambda: nn.binary_cross_entropy(Value(1.5), 1), ValueError, "probability"),
        (lambda: nn.binary_cross_entropy(Value(0.5), 2), ValueError, r"target must be in \[0, 1\]"),
        (lambda: nn.binary_cross_entropy(Value(0.5), "1"), TypeError, "real number"),
        (lambda: nn.hinge_loss([Value(1.0)], [0]), ValueError, "-1 or \\+1"),
        (lambda: nn.hinge_loss([Value(1.0)], [1, 1]), ValueError, "1 outputs but 2 targets"),
        (lambda: nn.batch_mean(nn.mse_loss, [[1.0]], []), ValueError, "1 outputs but 0"),
        (lambda: nn.batch_mean(nn.mse_loss, [], []), ValueError, "empty"),
        (lambda: nn.batch_mean(nn.mse_loss, 1.0, [1.0]), TypeError, "outputs must be a list"),
        (lambda: nn.softmax([-math.inf, -math.inf]), ValueError, "finite"),
        (lambda: nn.softmax([math.inf, 0.0]), ValueError, "finite.*inf at index 0"),
    ],
)
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: nn.mse_loss([10**400], [1.0]),
        lambda: nn.mse_loss([Value(1.0)], [10**400]),
        lambda: nn.binary_cross_entropy(10**400, 1),
        lambda: nn.binary_cross_entropy(Value(0.5), 10**400),
        lambda: nn.hinge_loss([Value(1.0)], [10**400]),
        lambda: nn.hinge_loss([10**400], [1]),
        lambda: nn.cross_entropy([Value(1.0)], 10**400),
        lambda: nn.cross_entropy([10**400, 1.0], 0),
        lambda: nn.softmax([10**400]),
        lambda: nn.log_softmax([1.0, 10**400]),
    ],
)
def test_10_to_the_400_is_a_value_error_with_a_short_message(call):
    with pytest.raises(ValueError) as info:
        call()
    assert len(str(info.value)) < 200  # the 401 digits are cut short


@pytest.mark.parametrize(
    "call",
    [
        lambda: nn.mse_loss({Value(1.0), Value(2.0)}, [1.0, 2.0]),  # which pred meets which target?
        lambda: nn.mse_loss([Value(1.0), Value(2.0)], {1.0, 2.0}),
        lambda: nn.hinge_loss({0: Value(1.0)}, [1]),
        lambda: nn.batch_mean(nn.mse_loss, {(1.0,)}, [[1.0]]),
    ],
)
def test_unordered_collections_are_refused(call):
    with pytest.raises(TypeError, match=r"got (set|dict|\{)"):
        call()


# PyTorch computes (1 - y) log(1 - p) as (1 - y) log1p(-p): for tiny p, 1 - p rounds (1 - 1e-17
# is 1.0), so log(1 - p) is off (or 0) where log1p(-p) is exact. The references below are that
# formula written here with math.log1p.
@pytest.mark.parametrize("p", [1e-17, 1e-13, 1e-12, 1e-9, 1e-5])
def test_binary_cross_entropy_uses_log1p_for_tiny_p(p):
    assert nn.binary_cross_entropy(Value(p), 0).data == -math.log1p(-p)
    assert nn.binary_cross_entropy(Value(1e-17), 0).data == 1e-17  # PyTorch's answer


@pytest.mark.parametrize("y", [0, 0.3])
def test_binary_cross_entropy_takes_log_1_minus_p_from_a_log1p_node(y):
    # -log1p(-p) is the loss itself, bit for bit, from the graph's own ops: a log1p node of -p,
    # no log of 1 - p (which rounds) and no constant node patching its value.
    p = Value(1e-9)
    loss = nn.binary_cross_entropy(p, y)
    if y == 0:
        assert loss.data == -math.log1p(-1e-9) and loss.op == "neg"
        assert loss.parents[0].op == "log1p" and loss.parents[0].parents[0].op == "neg"
    made = sorted(node.op_label for node in autograd.topological_order(loss))
    expected = ["", "neg", "log1p", "neg"]  # p, -p, log1p(-p), the loss
    if y != 0:
        expected += ["log", "* 0.3", "* 0.7", "+"]  # y log p, (1 - y) log(1 - p), their sum
    assert made == sorted(expected)


@settings(max_examples=60)
@given(e=testing.reals(-11.9, -0.5), y=st.sampled_from([0, 0.3]))
def test_binary_cross_entropy_near_zero_matches_log1p_and_its_derivatives(e, y):
    p = 10.0**e  # where p (1 - p) >= 1e-12: the loss is a graph, with second derivatives
    leaf = Value(p)
    loss = nn.binary_cross_entropy(leaf, y)
    assert loss.data == pytest.approx(
        -(y * math.log(p) + (1 - y) * math.log1p(-p)), rel=1e-14, abs=0
    )
    (grad,) = autograd.grad(loss, [leaf], create_graph=True)
    assert grad.data == pytest.approx(-y / p + (1 - y) / (1 - p), rel=1e-12, abs=0)
    (second,) = autograd.grad(grad, [leaf])
    assert second.data == pytest.approx(y / p**2 + (1 - y) / (1 - p) ** 2, rel=1e-12, abs=0)
