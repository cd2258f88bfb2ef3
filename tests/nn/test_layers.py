"""Neuron, Layer and MLP: shapes, forward values, graphs, gradients, initialisation, bad input."""

import math
import random
import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Value

ACTS = {
    "tanh": math.tanh,
    "relu": lambda z: max(z, 0.0),
    "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)),
    None: lambda z: z,
}

floats = st.floats(-3, 3, allow_nan=False)


def by_hand(neuron: nn.Neuron, x: list[float]) -> float:
    """The neuron's output from its weights' floats, without the engine."""
    z = math.fsum(w.data * xi for w, xi in zip(neuron.w, x, strict=True)) + neuron.b.data
    return ACTS[neuron.activation](z)


# ---------------------------------------------------------------- shapes and attributes


def test_neuron_attributes():
    n = nn.Neuron(3, seed=0)
    assert len(n.w) == 3 and all(isinstance(w, Value) for w in n.w)
    assert isinstance(n.b, Value) and n.b.data == 0.0
    assert n.parameters() == [*n.w, n.b]


def test_layer_and_mlp_attributes():
    layer = nn.Layer(3, 4, seed=0)
    assert len(layer.neurons) == 4 and all(isinstance(n, nn.Neuron) for n in layer.neurons)
    mlp = nn.MLP(2, [16, 16, 1], seed=0)
    assert [len(layer.neurons) for layer in mlp.layers] == [16, 16, 1]
    assert [len(layer.neurons[0].w) for layer in mlp.layers] == [2, 16, 16]
    assert len(mlp.parameters()) == (2 * 16 + 16) + (16 * 16 + 16) + (16 + 1)


def test_parameters_in_layer_neuron_order():
    mlp = nn.MLP(2, [3, 2], seed=0)
    expected = [p for layer in mlp.layers for n in layer.neurons for p in (*n.w, n.b)]
    assert mlp.parameters() == expected


def test_mlp_activations_hidden_and_output():
    mlp = nn.MLP(2, [3, 3, 2], activation="relu", output_activation="sigmoid", seed=0)
    assert [layer.activation for layer in mlp.layers] == ["relu", "relu", "sigmoid"]
    assert [layer.activation for layer in nn.MLP(2, [3, 1], seed=0).layers] == ["tanh", None]


# ---------------------------------------------------------------- forward values


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", None])
@given(x=st.lists(floats, min_size=3, max_size=3))
@settings(max_examples=20)
def test_neuron_value_matches_hand_computation(activation, x):
    n = nn.Neuron(3, activation, seed=1)
    n.b.data = 0.3
    assert n(x).data == pytest.approx(by_hand(n, x), rel=1e-12, abs=1e-12)


def test_layer_and_mlp_always_return_lists():
    x = [0.5, -1.0]
    one = nn.Layer(2, 1, seed=0)(x)
    assert isinstance(one, list) and len(one) == 1 and isinstance(one[0], Value)
    out = nn.MLP(2, [4, 1], seed=0)(x)
    assert isinstance(out, list) and len(out) == 1 and isinstance(out[0], Value)
    assert len(nn.MLP(2, [4, 3], seed=0)(x)) == 3


def test_mlp_value_is_its_layers_composed_by_hand():
    mlp = nn.MLP(3, [4, 2], activation="tanh", output_activation="sigmoid", seed=3)
    x = [0.2, -0.7, 1.5]
    hidden = [by_hand(n, x) for n in mlp.layers[0].neurons]
    expected = [by_hand(n, hidden) for n in mlp.layers[1].neurons]
    assert [v.data for v in mlp(x)] == pytest.approx(expected, rel=1e-12)


def test_inputs_may_be_values_and_get_gradients():
    mlp = nn.MLP(2, [3, 1], seed=0)
    xs = [Value(0.5), Value(-0.25)]
    mlp(xs)[0].backward()
    assert all(x.grad != 0.0 for x in xs)


def test_numpy_rows_are_accepted():
    import numpy as np  # comes with the data extra (scikit-learn)

    mlp = nn.MLP(3, [2], seed=0)
    row = np.array([0.1, 0.2, 0.3])
    assert [v.data for v in mlp(row)] == pytest.approx([v.data for v in mlp([0.1, 0.2, 0.3])])


# ---------------------------------------------------------------- the graph


def test_neuron_is_one_dot_node_with_its_bias():
    n = nn.Neuron(3, activation=None, seed=0)
    out = n([1.0, 2.0, 3.0])
    assert out.op == "dot"
    assert out.parents == (*n.w, n.b)
    assert out.local_grads == (1.0, 2.0, 3.0, 1.0)


def test_layer_builds_the_same_graph_as_one_dot_per_neuron():
    layer = nn.Layer(3, 2, activation="tanh", seed=0)
    xs = [Value(0.1), Value(0.2), Value(-0.3)]
    fast = layer(xs)
    per_neuron = [autograd.dot(n.w, xs, n.b).tanh() for n in layer.neurons]
    for a, b in zip(fast, per_neuron, strict=True):
        assert a.op == b.op == "tanh"
        (za,), (zb,) = a.parents, b.parents
        assert za.op == zb.op == "dot"
        assert za.parents == zb.parents
        assert za.local_grads == zb.local_grads
        assert a.data == b.data


def test_mlp_graph_size():
    mlp = nn.MLP(2, [4, 4, 1], seed=0)
    out = mlp([0.3, 0.4])[0]
    order = autograd.topological_order(out)
    ops = [v.op for v in order if v.op]
    assert ops.count("dot") == 9 and ops.count("tanh") == 8 and len(ops) == 17


# ---------------------------------------------------------------- gradients vs finite differences


def numeric_param_grads(f, params, eps=1e-6):
    grads = []
    with autograd.no_grad():
        for p in params:
            saved = p.data
            p.data = saved + eps
            up = f().data
            p.data = saved - eps
            down = f().data
            p.data = saved
            grads.append((up - down) / (2 * eps))
    return grads


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", None])
@given(x=st.lists(floats, min_size=2, max_size=2), seed=st.integers(0, 1000))
@settings(max_examples=15)
def test_mlp_parameter_gradients_match_finite_differences(activation, x, seed):
    mlp = nn.MLP(2, [3, 2], activation=activation, output_activation=activation, seed=seed)

    def f():
        a, b = mlp(x)
        return a * 0.7 - b * 1.3

    mlp.zero_grad()
    f().backward()
    params = mlp.parameters()
    analytic = [p.grad for p in params]
    assert analytic == pytest.approx(numeric_param_grads(f, params), rel=1e-5, abs=1e-7)


@given(x=st.lists(floats, min_size=3, max_size=3))
@settings(max_examples=15)
def test_mlp_input_gradients_match_finite_differences(x):
    mlp = nn.MLP(3, [4, 1], activation="tanh", seed=7)
    assert autograd.gradcheck(lambda *v: mlp(list(v))[0], x)


def test_relu_mlp_gradients_away_from_kinks():
    mlp = nn.MLP(2, [5, 1], activation="relu", seed=2)
    x = [0.9, -0.4]
    pre = [n.w[0].data * x[0] + n.w[1].data * x[1] for n in mlp.layers[0].neurons]
    assert min(abs(z) for z in pre) > 1e-3  # finite differences are exact only off the kinks

    def f():
        return mlp(x)[0]

    mlp.zero_grad()
    f().backward()
    params = mlp.parameters()
    assert [p.grad for p in params] == pytest.approx(numeric_param_grads(f, params), abs=1e-7)


# ---------------------------------------------------------------- initialisation


def weights(model):
    return [p.data for p in model.parameters()]


def test_same_seed_same_weights_other_seed_other_weights():
    assert weights(nn.MLP(3, [4, 2], seed=5)) == weights(nn.MLP(3, [4, 2], seed=5))
    assert weights(nn.MLP(3, [4, 2], seed=5)) != weights(nn.MLP(3, [4, 2], seed=6))


def test_rng_argument_is_drawn_from_and_matches_the_seed():
    assert weights(nn.MLP(3, [4], rng=random.Random(5))) == weights(nn.MLP(3, [4], seed=5))
    rng = random.Random(0)
    first, second = nn.Layer(3, 4, rng=rng), nn.Layer(3, 4, rng=rng)
    assert weights(first) != weights(second)


def test_unseeded_models_differ():
    assert weights(nn.MLP(4, [8])) != weights(nn.MLP(4, [8]))


@pytest.mark.parametrize(
    ("activation", "bound"),
    [
        ("tanh", math.sqrt(6 / (200 + 100))),
        ("sigmoid", math.sqrt(6 / 300)),
        (None, math.sqrt(6 / 300)),
        ("relu", math.sqrt(6 / 200)),
    ],
)
def test_initialisation_is_glorot_or_he_uniform(activation, bound):
    layer = nn.Layer(200, 100, activation, seed=0)
    ws = [w.data for n in layer.neurons for w in n.w]
    assert all(n.b.data == 0.0 for n in layer.neurons)
    assert max(abs(w) for w in ws) <= bound
    assert max(abs(w) for w in ws) > 0.99 * bound  # 20,000 draws reach the edge
    # uniform(-a, a) has variance a**2 / 3
    assert statistics.pvariance(ws) == pytest.approx(bound**2 / 3, rel=0.05)
    assert statistics.fmean(ws) == pytest.approx(0.0, abs=0.01 * bound)


def test_lone_neuron_uses_fan_out_one():
    ws = [w.data for w in nn.Neuron(1000, "tanh", seed=0).w]
    bound = math.sqrt(6 / 1001)  # Glorot with fan_in 1000, fan_out 1
    assert 0.99 * bound < max(abs(w) for w in ws) <= bound


# ---------------------------------------------------------------- config


@pytest.mark.parametrize(
    "model",
    [
        nn.Neuron(3, "relu", seed=0),
        nn.Layer(3, 2, "sigmoid", seed=0),
        nn.MLP(3, [4, 2], activation="relu", output_activation="sigmoid", seed=0),
    ],
)
def test_config_rebuilds_the_same_architecture(model):
    clone = type(model)(**model.config())
    assert list(clone.state_dict()) == list(model.state_dict())
    assert repr(clone) == repr(model)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("model", "who", "nin"),
    [(nn.Neuron(3, seed=0), "Neuron", 3), (nn.Layer(3, 2, seed=0), "Layer", 3),
     (nn.MLP(3, [2], seed=0), "MLP", 3)],
)  # fmt: skip
def test_wrong_input_length_names_expected_and_got(model, who, nin):
    with pytest.raises(ValueError, match=f"{who} expects {nin} inputs, got 2"):
        model([1.0, 2.0])
    with pytest.raises(TypeError, match="single float"):
        model(1.0)
    with pytest.raises(TypeError, match="str"):
        model("abc")
    with pytest.raises(TypeError, match="dot input"):
        model([1.0, "x", 2.0])
    with pytest.raises(TypeError, match="got set"):  # no order: which input meets which weight?
        model({1.0, 2.0, 3.0})
    with pytest.raises(TypeError, match="got dict"):
        model({0: 1.0, 1: 2.0, 2: 3.0})


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: nn.Neuron(0), "nin must be a positive integer, got 0"),
        (lambda: nn.Neuron(2.5), "nin must be a positive integer"),
        (lambda: nn.Neuron(True), "nin must be a positive integer"),
        (lambda: nn.Layer(2, -1), "nout must be a positive integer"),
        (lambda: nn.Neuron(2, "swish"), "unknown activation 'swish'"),
        (lambda: nn.MLP(2, [3], activation="Tanh"), "unknown activation 'Tanh'"),
        (lambda: nn.MLP(2, [3], output_activation="softmax"), "unknown activation 'softmax'"),
        (lambda: nn.MLP(2, []), "nouts must be a non-empty list"),
        (lambda: nn.MLP(2, 3), "nouts must be a non-empty list"),
        (lambda: nn.MLP(2, [3, 0]), "every layer width in nouts must be a positive integer"),
        (lambda: nn.MLP(2, [3], seed=1, rng=random.Random(1)), "either seed= or rng="),
    ],
)
def test_bad_construction_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_bad_seed_and_rng_types():
    with pytest.raises(TypeError, match="seed must be an int"):
        nn.MLP(2, [3], seed="0")
    with pytest.raises(TypeError, match=r"rng must be a random\.Random"):
        nn.MLP(2, [3], rng=42)


# ---------------------------------------------------------------- sizes far too large


@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.Neuron(10**400),
        lambda: nn.Layer(2, 10**400),
        lambda: nn.MLP(2, [10**400]),
        lambda: nn.MLP(10**400, [1]),
        lambda: nn.RNN(10**400, 2),
        lambda: nn.RNN(2, 10**400),
        lambda: nn.RNN(2, 2, bptt_steps=10**400),
        lambda: nn.SequenceModel(2, 2, 10**400),
    ],
)
def test_a_size_of_10_to_the_400_is_a_value_error(make):
    with pytest.raises(ValueError, match=r"must be a positive integer no larger than .*got 1000"):
        make()


@pytest.mark.parametrize(
    ("make", "who"),
    [
        (lambda: nn.MLP(10**9, [1]), "MLP"),
        (lambda: nn.Layer(10**4, 10**4), "Layer"),
        (lambda: nn.Neuron(10**8), "Neuron"),
        (lambda: nn.RNN(10**6, 10), "RNN"),
        (lambda: nn.RNN(10, 2000, cell="lstm"), "RNN"),
        (lambda: nn.RNNCell(10**6, 10), "RNNCell"),
        (lambda: nn.LSTMCell(10, 2000), "LSTMCell"),
    ],
)
def test_a_model_over_the_parameter_limit_is_refused_up_front(make, who):
    with pytest.raises(ValueError, match=rf"this {who} would have [\d,]+ parameters, more than"):
        make()


def test_the_parameter_limit_can_be_raised(monkeypatch):
    from nn import checks

    monkeypatch.setattr(checks, "MAX_PARAMETERS", 10)
    with pytest.raises(ValueError, match=r"more than the limit of 10 .*nn\.checks\.MAX_PARAMETERS"):
        nn.MLP(2, [4])
    monkeypatch.setattr(checks, "MAX_PARAMETERS", 12)
    assert len(nn.MLP(2, [4]).parameters()) == 12
