"""Optimizers against PyTorch's update rules worked by hand, and gradient clipping."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Value
from nn.optim import cosine_lr

grads = st.floats(-10, 10, allow_nan=False).filter(lambda g: abs(g) > 1e-3)


def run(optimizer_cls, p0, grad_sequence, **kwargs):
    """Apply one optimizer step per gradient to a single parameter; the values after each."""
    p = Value(p0)
    opt = optimizer_cls([p], **kwargs)
    seen = []
    for g in grad_sequence:
        p.grad = g
        opt.step()
        seen.append(p.data)
    return seen


# ---------------------------------------------------------------- SGD


def test_sgd_by_hand():
    assert run(nn.SGD, 1.0, [0.5], lr=0.1) == pytest.approx([0.95])


def test_sgd_momentum_by_hand():
    # PyTorch: buf = g on the first step, then buf = 0.9 buf + g; p -= lr * buf
    # buf: 1.0, 0.9 + 0.5 = 1.4, 1.26 - 0.25 = 1.01
    # p:   1 - 0.1 = 0.9, 0.9 - 0.14 = 0.76, 0.76 - 0.101 = 0.659
    got = run(nn.SGD, 1.0, [1.0, 0.5, -0.25], lr=0.1, momentum=0.9)
    assert got == pytest.approx([0.9, 0.76, 0.659])


def test_sgd_weight_decay_by_hand():
    # g = 0.5 + 0.1 * 2 = 0.7; p = 2 - 0.1 * 0.7
    assert run(nn.SGD, 2.0, [0.5], lr=0.1, weight_decay=0.1) == pytest.approx([1.93])


@given(
    p0=st.floats(-5, 5),
    gs=st.lists(grads, min_size=1, max_size=6),
    lr=st.floats(1e-4, 1),
    mu=st.floats(0, 0.99),
    wd=st.sampled_from([0.0, 0.01]),
)
@settings(max_examples=50)
def test_sgd_matches_pytorch_formulas(p0, gs, lr, mu, wd):
    p, buf, expected = p0, None, []
    for g in gs:
        d = g + wd * p
        if mu:
            buf = d if buf is None else mu * buf + d
            d = buf
        p = p - lr * d
        expected.append(p)
    assert run(nn.SGD, p0, gs, lr=lr, momentum=mu, weight_decay=wd) == pytest.approx(
        expected, rel=1e-12, abs=1e-12
    )


# ---------------------------------------------------------------- Adam


def test_adam_by_hand():
    # step 1: m = 0.05, v = 0.00025, bias corrections 0.1 and 0.001:
    #         p = 1 - (0.1 / 0.1) * 0.05 / (sqrt(0.00025) / sqrt(0.001) + 1e-8) = 1 - 0.05 / 0.5
    # step 2: m = 0.045 - 0.1 = -0.055, v = 0.00024975 + 0.001 = 0.00124975,
    #         corrections 0.19 and 0.001999: p += 0.1 * 0.289474 / 0.790688 = 0.0366104
    got = run(nn.Adam, 1.0, [0.5, -1.0], lr=0.1)
    assert got == pytest.approx([0.9, 0.9366104], abs=1e-7)


@given(
    p0=st.floats(-5, 5),
    gs=st.lists(grads, min_size=1, max_size=8),
    lr=st.floats(1e-4, 0.5),
    b1=st.floats(0, 0.99),
    b2=st.floats(0.5, 0.9999),
    eps=st.sampled_from([1e-8, 1e-3]),
    wd=st.sampled_from([0.0, 0.05]),
)
@settings(max_examples=50)
def test_adam_matches_pytorch_formulas(p0, gs, lr, b1, b2, eps, wd):
    p, m, v, expected = p0, 0.0, 0.0, []
    for t, g in enumerate(gs, start=1):
        g = g + wd * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1**t)
        v_hat = v / (1 - b2**t)
        p = p - lr * m_hat / (math.sqrt(v_hat) + eps)
        expected.append(p)
    got = run(nn.Adam, p0, gs, lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd)
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)


@given(g=grads, lr=st.floats(1e-4, 1))
@settings(max_examples=30)
def test_adam_first_step_moves_by_lr_times_sign(g, lr):
    # m_hat = g and v_hat = g**2 after one step, so the step is lr * g / (|g| + eps)
    step = run(nn.Adam, 0.0, [g], lr=lr)[0]
    assert step == pytest.approx(-lr * g / (abs(g) + 1e-8), rel=1e-12)
    assert step == pytest.approx(-lr * math.copysign(1, g), rel=2e-5)


# ---------------------------------------------------------------- both: steps vs gradients


@pytest.mark.parametrize("make", [lambda ps: nn.SGD(ps, lr=1e-6), lambda ps: nn.SGD(ps, 1e-6, 0.9)])
@given(x=st.lists(st.floats(-2, 2), min_size=2, max_size=2), seed=st.integers(0, 100))
@settings(max_examples=20)
def test_a_small_sgd_step_lowers_the_loss_by_lr_times_grad_norm_squared(make, x, seed):
    # First-order Taylor: L(p - lr g) = L(p) - lr |g|^2 + O(lr^2): the step agrees with the
    # gradient that finite differences of the loss would give.
    model = nn.MLP(2, [4, 1], seed=seed)
    params = model.parameters()
    opt = make(params)
    loss = nn.mse_loss(model(x), [0.5])
    opt.zero_grad()
    loss.backward()
    norm2 = math.fsum(p.grad**2 for p in params)
    opt.step()
    with autograd.no_grad():
        after = nn.mse_loss(model(x), [0.5]).data
    assert after - loss.data == pytest.approx(-1e-6 * norm2, rel=1e-3, abs=1e-15)


def test_zero_grad_and_lr_changes():
    ps = [Value(1.0), Value(2.0)]
    opt = nn.SGD(ps, lr=0.1)
    for p in ps:
        p.grad = 1.0
    opt.lr = 0.5
    opt.step()
    assert [p.data for p in ps] == [0.5, 1.5]
    opt.zero_grad()
    assert [p.grad for p in ps] == [0.0, 0.0]


def test_a_parameter_listed_twice_is_updated_once():
    p = Value(1.0)
    p.grad = 1.0
    nn.SGD([p, p], lr=0.1).step()
    assert p.data == pytest.approx(0.9)


def test_optimizers_accept_a_generator_of_parameters():
    model = nn.MLP(2, [3, 1], seed=0)
    assert len(nn.Adam(iter(model.parameters())).params) == len(model.parameters())


# ---------------------------------------------------------------- clip_grad_norm


def test_clip_grad_norm_by_hand():
    a, b = Value(0.0), Value(0.0)
    a.grad, b.grad = 3.0, 4.0
    assert nn.clip_grad_norm([a, b], 1.0) == 5.0
    # PyTorch's scale: max_norm / (norm + 1e-6)
    assert [a.grad, b.grad] == pytest.approx([3 / (5 + 1e-6), 4 / (5 + 1e-6)], rel=1e-15)
    assert nn.clip_grad_norm([a, b], 1.0) == pytest.approx(1.0, abs=1e-6)


def test_clip_grad_norm_leaves_small_gradients_alone():
    a, b = Value(0.0), Value(0.0)
    a.grad, b.grad = 3.0, 4.0
    assert nn.clip_grad_norm([a, b], 10.0) == 5.0
    assert [a.grad, b.grad] == [3.0, 4.0]
    assert nn.clip_grad_norm([a, b], math.inf) == 5.0
    assert [a.grad, b.grad] == [3.0, 4.0]
    a.grad = b.grad = 0.0
    assert nn.clip_grad_norm([a, b], 1.0) == 0.0


def with_grads(gs):
    ps = [Value(0.0) for _ in gs]
    for p, g in zip(ps, gs, strict=True):
        p.grad = g
    return ps


def test_clip_grad_norm_of_exploding_but_finite_gradients():
    # the squares overflow (3e308 > the largest float), the norm itself does not
    ps = with_grads([1e154, -1e154, 1e154])
    assert nn.clip_grad_norm(ps, 1.0) == pytest.approx(math.sqrt(3) * 1e154, rel=1e-15)
    third = 1 / math.sqrt(3)
    assert [p.grad for p in ps] == pytest.approx([third, -third, third], rel=1e-12)


def test_clip_grad_norm_with_inf_and_nan_scales_as_pytorch_does():
    # PyTorch: scale = max_norm / (norm + 1e-6), clamped at 1; an inf norm gives scale 0
    # (inf * 0 = nan), a nan norm a nan scale that reaches every gradient
    ps = with_grads([math.inf, 2.0])
    assert nn.clip_grad_norm(ps, 1.0) == math.inf
    assert math.isnan(ps[0].grad) and ps[1].grad == 0.0
    ps = with_grads([math.nan, 1e10])
    assert math.isnan(nn.clip_grad_norm(ps, 1.0))
    assert all(math.isnan(p.grad) for p in ps)  # not a nan beside an unclipped 1e10


def test_grad_norms_of_exploding_gradients():
    assert nn.grad_norms([with_grads([1e154, 1e154]), with_grads([3.0, 4.0])]) == pytest.approx(
        [math.sqrt(2) * 1e154, 5.0], rel=1e-15
    )


@given(gs=st.lists(st.floats(-100, 100), min_size=1, max_size=10), max_norm=st.floats(0.1, 10))
@settings(max_examples=30)
def test_clipped_norm_is_at_most_max_norm(gs, max_norm):
    ps = [Value(0.0) for _ in gs]
    for p, g in zip(ps, gs, strict=True):
        p.grad = g
    before = nn.clip_grad_norm(ps, max_norm)
    assert before == pytest.approx(math.sqrt(math.fsum(g * g for g in gs)))
    after = math.sqrt(math.fsum(p.grad**2 for p in ps))
    assert after <= max_norm + 1e-9
    if before + 1e-6 <= max_norm:  # PyTorch scales by max_norm / (norm + 1e-6) when below 1
        assert [p.grad for p in ps] == gs


# ---------------------------------------------------------------- schedules


def test_cosine_lr():
    schedule = cosine_lr(0.1, 4)
    assert [schedule(e) for e in (1, 3, 5)] == pytest.approx([0.1, 0.05, 0.0])
    assert schedule(2) == pytest.approx(0.05 * (1 + math.cos(math.pi / 4)))
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        cosine_lr(0.1, 0)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda p: nn.SGD([], lr=0.1), ValueError, "empty parameter list"),
        (lambda p: nn.SGD(p[0], lr=0.1), TypeError, "list of Values"),
        (lambda p: nn.SGD([1.0], lr=0.1), TypeError, r"params\[0\] is a float"),
        (lambda p: nn.SGD(5, lr=0.1), TypeError, "list of Values, got int"),
        (lambda p: nn.SGD(p, lr=-0.1), ValueError, "lr must be a finite number >= 0"),
        (lambda p: nn.SGD(p, lr="0.1"), TypeError, "lr must be a real number"),
        (
            lambda p: nn.SGD(p, lr=0.1, momentum=-0.5),
            ValueError,
            "momentum must be a finite number >= 0",
        ),
        (lambda p: nn.Adam(p, betas=(1.0, 0.999)), ValueError, r"betas\[0\] must be in \[0, 1\)"),
        (lambda p: nn.Adam(p, betas=(0.9,)), ValueError, "betas must be a pair"),
        (lambda p: nn.Adam(p, eps=-1e-8), ValueError, "eps must be a finite number >= 0"),
        (lambda p: nn.Adam(p, lr=math.inf), ValueError, "lr must be a finite number >= 0"),
        (lambda p: nn.clip_grad_norm(p, -1.0), ValueError, "max_norm must be a finite number >= 0"),
    ],
)
def test_bad_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call([Value(1.0)])


# ---------------------------------------------------------------- all-or-nothing steps

OPTIMIZERS = [
    lambda ps: nn.SGD(ps, lr=0.1),
    lambda ps: nn.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
    lambda ps: nn.Adam(ps, lr=0.1),
    lambda ps: nn.Adam(ps, lr=0.1, weight_decay=0.01),
]


def optimizer_state(opt):
    """Everything a step may change: the parameters' data and the optimizer's attributes."""
    state = {k: v if not isinstance(v, list) else list(v) for k, v in vars(opt).items()}
    state["params"] = [p.data for p in opt.params]
    return state


def create_graph_grad():
    """A grad that is a Value, as backward(create_graph=True) leaves it."""
    x = Value(0.5)
    (x * x).backward(create_graph=True)
    assert isinstance(x.grad, Value)
    return x.grad


BAD_GRADS = [
    ("Value", create_graph_grad, r"params\[1\]\.grad is a Value"),
    ("None", lambda: None, r"params\[1\]\.grad is None"),
    ("list", lambda: [1.0], r"params\[1\]\.grad is \[1\.0\] \(list\)"),
    ("bool", lambda: True, r"params\[1\]\.grad is True"),
    ("str", lambda: "0.1", r"params\[1\]\.grad is '0\.1'"),
]


@pytest.mark.parametrize("make", OPTIMIZERS)
@pytest.mark.parametrize(("kind", "bad", "message"), BAD_GRADS, ids=[b[0] for b in BAD_GRADS])
def test_a_step_with_a_bad_grad_changes_nothing(make, kind, bad, message):
    params = [Value(1.0), Value(2.0), Value(3.0)]
    opt = make(params)
    for p in params:  # one good step first, so momentum buffers and Adam moments exist
        p.grad = 0.5
    opt.step()
    before = optimizer_state(opt)
    params[0].grad, params[1].grad, params[2].grad = 1.0, bad(), 1.0
    with pytest.raises(TypeError, match=message):
        opt.step()
    assert optimizer_state(opt) == before
    assert all(type(p.data) is float for p in params)


def test_a_step_refuses_a_numpy_array_grad():
    import numpy as np  # in the dev extra (matplotlib needs it)

    params = [Value(1.0), Value(2.0)]
    opt = nn.Adam(params)
    before = optimizer_state(opt)
    params[0].grad, params[1].grad = 1.0, np.array([1.0, 2.0])
    with pytest.raises(TypeError, match=r"params\[1\]\.grad .*ndarray"):
        opt.step()
    assert optimizer_state(opt) == before
    params[1].grad = np.float64(2.0)  # a numpy scalar is a number
    opt.step()
    assert opt.t == 1 and all(type(p.data) is float for p in params)


def test_clip_grad_norm_refuses_a_value_grad():
    p = Value(1.0)
    p.grad = create_graph_grad()
    with pytest.raises(TypeError, match="grad is a Value"):
        nn.clip_grad_norm([p], 1.0)


def test_adam_with_eps_0_and_a_zero_grad_gives_nan_like_pytorch():
    # PyTorch: m = v = 0, so the update is lr * 0 / (sqrt(0) + 0) = nan; no ZeroDivisionError
    ps = [Value(1.0), Value(2.0)]
    opt = nn.Adam(ps, lr=0.1, eps=0.0)
    ps[0].grad, ps[1].grad = 0.5, 0.0
    opt.step()
    assert ps[0].data == pytest.approx(0.9)  # m/sqrt(v) with bias correction: sign(g) * lr
    assert math.isnan(ps[1].data)
    assert opt.t == 1


@pytest.mark.parametrize(
    "call",
    [
        lambda p: nn.SGD(p, lr=10**400),
        lambda p: nn.SGD(p, lr=0.1, momentum=10**400),
        lambda p: nn.SGD(p, lr=0.1, weight_decay=10**400),
        lambda p: nn.Adam(p, lr=10**400),
        lambda p: nn.Adam(p, betas=(10**400, 0.9)),
        lambda p: nn.Adam(p, eps=10**400),
        lambda p: nn.Adam(p, weight_decay=10**400),
        lambda p: nn.clip_grad_norm(p, 10**400),
        lambda p: cosine_lr(10**400, 3),
        lambda p: cosine_lr(0.1, 10**400),
    ],
)
def test_10_to_the_400_is_a_value_error(call):
    with pytest.raises(ValueError, match=r"must be .*, got 1000"):
        call([Value(1.0)])


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_a_grad_beyond_float_range_is_a_value_error_and_changes_nothing(make):
    params = [Value(1.0), Value(2.0)]
    opt = make(params)
    params[0].grad, params[1].grad = 0.5, 0.5
    opt.step()
    before = optimizer_state(opt)
    params[0].grad, params[1].grad = 1.0, -(10**400)
    with pytest.raises(
        ValueError, match=r"\.step: params\[1\]\.grad is -1000.*too large for a float"
    ):
        opt.step()
    assert optimizer_state(opt) == before


def test_clip_grad_norm_refuses_a_grad_beyond_float_range():
    params = [Value(1.0), Value(2.0)]
    params[0].grad, params[1].grad = 3.0, 10**400
    with pytest.raises(ValueError, match=r"clip_grad_norm: params\[1\]\.grad is 1000.*too large"):
        nn.clip_grad_norm(params, 1.0)
    assert [p.grad for p in params] == [3.0, 10**400]


BAD_DATA = [
    ("10**400", lambda: 10**400, ValueError, r"params\[1\]\.data is 1000.*too large for a float"),
    ("str", lambda: "2.0", TypeError, r"params\[1\]\.data is '2\.0' \(str\), not a number"),
    ("Value", lambda: Value(2.0), TypeError, r"params\[1\]\.data is .*\(Value\), not a number"),
]


@pytest.mark.parametrize("make", OPTIMIZERS)
@pytest.mark.parametrize(
    ("kind", "bad", "error", "message"), BAD_DATA, ids=[b[0] for b in BAD_DATA]
)
def test_a_step_with_a_bad_parameter_value_changes_nothing(make, kind, bad, error, message):
    # every parameter (value and grad) is checked before params[0] or Adam's t changes
    params = [Value(1.0), Value(2.0), Value(3.0)]
    opt = make(params)
    for p in params:
        p.grad = 0.5
    opt.step()
    before = optimizer_state(opt)
    for p in params:
        p.grad = 1.0
    params[1].data = bad()
    before["params"][1] = params[1].data
    with pytest.raises(error, match=message):
        opt.step()
    assert optimizer_state(opt) == before


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_a_learning_rate_set_beyond_float_range_changes_nothing(make):
    params = [Value(1.0), Value(2.0)]
    opt = make(params)
    for p in params:
        p.grad = 1.0
    opt.lr = 10**400  # as a schedule might
    before = optimizer_state(opt)
    with pytest.raises(ValueError, match=r"\.step: lr must be a finite number >= 0, got 1000"):
        opt.step()
    assert optimizer_state(opt) == before


def test_an_int_parameter_value_within_range_steps_to_a_float():
    p = Value(1.0)
    p.data, p.grad = 3, 1.0
    nn.SGD([p], lr=0.5).step()
    assert type(p.data) is float and p.data == 2.5
