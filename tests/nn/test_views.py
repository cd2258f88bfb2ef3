"""nn.network_view and nn.training_view in Python: the numbers each state shows (against central
differences and the model's own backward), looking changes nothing, wide layers aggregate, and
bad arguments are clear errors. (What a learner sees in Chromium: tests/viz/test_network_browser.py.)"""

from __future__ import annotations

import base64
import math
import random
import struct
import zlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import testing
from autograd.viz.attrs import AttrTimeline
from nn.views.png import png_data_url


def final(view: nn.views.NetworkView) -> dict[str, dict[str, str]]:
    """Each neuron's and weight's data-* attributes in the last state, by key."""
    t = view.picture.t
    values = t.at(view.states - 1)
    out = {}
    for (c, i), els in view.picture.el_neuron.items():
        out[f"{c}:{i}"] = values[els["g"]]
    for key, el in view.picture.el_wire.items():
        out[f"w{key}"] = values[el]
    return out


def loss_of(model: nn.MLP, x: list[float], target: float) -> float:
    return nn.mse_loss(model(x), target).data


@given(testing.points(3), testing.reals(-1.0, 1.0), st.integers(0, 1000))
def test_input_nudges_are_the_central_differences_of_the_loss(x, target, seed):
    model = nn.MLP(3, [4, 2], seed=seed)
    shown = final(nn.network_view(model, x, target=[target, -target]))
    h = 1e-6
    for i in range(3):
        up = [*x[:i], x[i] + h, *x[i + 1 :]]
        down = [*x[:i], x[i] - h, *x[i + 1 :]]
        numeric = (
            nn.mse_loss(model(up), [target, -target]).data
            - nn.mse_loss(model(down), [target, -target]).data
        ) / (2 * h)
        assert float(shown[f"0:{i}"]["data-grad"]) == pytest.approx(numeric, rel=1e-4, abs=1e-6)


def test_looking_changes_no_weight_and_no_grad():
    model = nn.MLP(2, [3, 1], seed=0)
    rng = random.Random(0)
    for p in model.parameters():
        p.grad = rng.uniform(-1, 1)  # left over from some earlier backward
    before = [(p.data, p.grad) for p in model.parameters()]
    view = nn.network_view(model, [0.3, -0.7], target=1.0)
    view.html()
    assert [(p.data, p.grad) for p in model.parameters()] == before
    # and the weights' grads shown are this loss's alone, as after zero_grad and backward
    loss = nn.mse_loss(model([0.3, -0.7]), 1.0)
    model.zero_grad()
    loss.backward()
    shown = final(view)
    w = model.layers[1].neurons[0].w[2]
    assert shown["w2:0:2"]["data-grad"] == repr(w.grad)


def test_forward_states_fill_activations_left_to_right_and_grads_wait_for_backward():
    view = nn.network_view(nn.MLP(2, [3, 3, 1], seed=1), [1.0, 2.0], target=0.0)
    t = view.picture.t
    first_act: dict[int, int] = {}
    first_grad: dict[int, int] = {}
    for state in range(view.states):
        values = t.at(state)
        for (c, _), els in view.picture.el_neuron.items():
            if values[els["g"]]["data-activation"] != "":
                first_act.setdefault(c, state)
            if values[els["g"]]["data-grad"] != "":
                first_grad.setdefault(c, state)
    assert [first_act[c] for c in range(4)] == [0, 1, 2, 3]
    assert [first_grad[c] for c in range(4)] == [8, 7, 6, 5]  # loss at state 4, then backward
    assert view.states == 9


def test_without_a_target_only_forward():
    view = nn.network_view(nn.MLP(2, [2], seed=0), [1.0, 2.0])
    assert view.states == 2
    assert all(v["data-grad"] == "" for k, v in final(view).items() if not k.startswith("w"))


def test_a_wide_hidden_layer_is_a_strip_naming_its_8_largest_nudges():
    model = nn.MLP(3, [40, 2], seed=0)
    x = [0.5, -1.0, 2.0]
    view = nn.network_view(model, x, target=1, loss="cross_entropy")
    html = view.html()
    assert 'data-layer="1" data-shape="40"' in html
    named = sorted(i for c, i in view.picture.el_neuron if c == 1)
    h = model.layers[0](x)
    loss = nn.cross_entropy(model.layers[1](h), 1)
    model.zero_grad()
    loss.backward()
    largest = sorted(sorted(range(40), key=lambda j: -abs(h[j].grad))[:8])
    assert named == largest
    assert not any(key.startswith("1:") or key.startswith("2:") for key in view.picture.el_wire)


def test_784_inputs_are_a_28x28_image_and_other_shapes_can_be_given():
    model = nn.MLP(784, [3], seed=0)
    assert 'data-shape="28x28"' in nn.network_view(model, [0.0] * 784).html()
    model = nn.MLP(48, [3], seed=0)
    assert 'data-shape="6x8"' in nn.network_view(model, [0.0] * 48, shape=(6, 8)).html()
    with pytest.raises(ValueError, match=r"does not hold the 48 inputs"):
        nn.network_view(model, [0.0] * 48, shape=(7, 7))


def test_an_rnn_without_readout_and_a_truncated_one():
    rnn = nn.RNN(2, 3, bptt_steps=2, seed=0)
    xs = [[0.1, 0.2], [0.3, -0.1], [0.0, 0.5], [0.2, 0.2]]
    targets = [[0.1, 0.0, -0.1]] * 4
    view = nn.network_view(rnn, xs, target=targets)
    outs, _ = rnn(xs)
    losses = [nn.mse_loss(h, t) for h, t in zip(outs, targets, strict=True)]
    loss = sum(losses[1:], losses[0]) / 4
    rnn.zero_grad()
    loss.backward()
    shown = final(view)
    for t in range(4):
        for j in range(3):
            assert float(shown[f"{t + 1}:{j}"]["data-grad"]) == pytest.approx(
                outs[t][j].grad, rel=1e-9
            )
    w = rnn.cell.w_ih[1][0]
    assert float(shown["w2:1:3"]["data-grad"]) == pytest.approx(w.grad, rel=1e-9)


def test_a_one_input_sequence_may_be_plain_numbers():
    model = nn.SequenceModel(1, 2, 1, seed=0)
    a = final(nn.network_view(model, [0.1, 0.5, -0.3], target=[0.0, 1.0, 0.5]))
    b = final(nn.network_view(model, [[0.1], [0.5], [-0.3]], target=[[0.0], [1.0], [0.5]]))
    assert a == b


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: nn.network_view(nn.Layer(2, 2), [1, 2]), TypeError, "draws an nn.MLP"),
        (lambda: nn.network_view(nn.MLP(2, [1]), [1]), ValueError, "must have 2 numbers"),
        (lambda: nn.network_view(nn.MLP(2, [1]), [1, 2], 1.0, "l1"), ValueError, "loss must"),
        (lambda: nn.network_view(nn.MLP(2, [1]), [1, 2], loss="mse"), ValueError, "needs a"),
        (
            lambda: nn.network_view(nn.MLP(2, [2]), [1, 2], 0.5, "cross_entropy"),
            TypeError,
            "class index",
        ),
        (
            lambda: nn.network_view(nn.RNN(1, 2, cell="lstm"), [[1.0]]),
            TypeError,
            "tanh RNN",
        ),
        (
            lambda: nn.network_view(nn.RNN(1, 2), [[1.0], [2.0]], target=[0.0]),
            ValueError,
            "one target per step",
        ),
        (lambda: nn.network_view(nn.MLP(2, [1]), [1, math.nan]), ValueError, "finite"),
    ],
)
def test_bad_arguments_are_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_training_view_refuses_a_history_without_snapshots_or_of_another_model():
    model = nn.MLP(2, [2, 1], seed=0)
    moons = nn.data.moons(10)
    history = nn.fit(model, moons, loss="hinge", epochs=1, progress=False)
    with pytest.raises(ValueError, match="snapshot_every"):
        nn.training_view(model, history)
    history = nn.fit(model, moons, loss="hinge", epochs=1, progress=False, snapshot_every=1)
    with pytest.raises(ValueError, match="another model"):
        nn.training_view(nn.MLP(2, [3, 1]), history)
    with pytest.raises(TypeError, match=r"nn\.MLP"):
        nn.training_view(nn.RNN(1, 1), history)


def test_training_view_activations_are_the_models_at_each_snapshot():
    moons = nn.data.moons(20, seed=0)
    model = nn.MLP(2, [3, 2], seed=0)
    history = nn.fit(model, moons, epochs=2, batch_size=10, snapshot_every=1, progress=False)
    view = nn.training_view(model, history, data=moons)
    copy = nn.MLP(2, [3, 2], seed=0)
    for k, snap in enumerate(history["snapshots"]):
        for p, v in zip(copy.parameters(), snap, strict=True):
            p.data = v
        outs = copy(moons.xs[0])
        values = view.picture.t.at(k)
        for j, out in enumerate(outs):
            shown = values[view.picture.el_neuron[2, j]["g"]]["data-activation"]
            assert float(shown) == pytest.approx(out.data, rel=1e-12)


def test_attr_timelines_keep_only_changes_and_escape():
    t = AttrTimeline()
    el = t.element()
    t.set(0, el, "data-x", "1")
    t.set(1, el, "data-x", "1")
    t.set(2, el, "data-x", '"<2>')
    assert t.data()["attrs"] == [(0, 0, "1"), (2, 0, '"<2>')]
    assert t.attributes(el, t.at(2)) == ' data-a="0" data-x="&quot;&lt;2&gt;"'
    assert t.attributes(el, t.at(1)) == ' data-a="0" data-x="1"'


def test_png_pixels_are_the_colours_of_the_values():
    url = png_data_url([1.0, -1.0, 0.0, 0.5], 2, 2, 1.0)
    data = base64.b64decode(url.split(",", 1)[1])
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (2, 2)
    idat = data.index(b"IDAT")
    (length,) = struct.unpack(">I", data[idat - 4 : idat])
    raw = zlib.decompress(data[idat + 4 : idat + 4 + length])
    rows = [raw[1:7], raw[8:14]]  # each row: a filter byte, then RGB per pixel
    assert rows[0][:3] == bytes((37, 99, 235)) and rows[0][3:] == bytes((234, 88, 12))
    assert rows[1][:3] == bytes((255, 255, 255))


def test_in_jupyter_a_picture_output_then_the_view_which_hides_it(monkeypatch):
    """An untrusted notebook shows the PNG (its sanitizer keeps no inline SVG); the trusted
    view's script hides it (companion=True)."""
    import IPython.display

    shown: list[tuple[dict[str, Any], dict[str, Any]]] = []
    monkeypatch.setattr(
        IPython.display,
        "display",
        lambda data, raw, metadata=None: shown.append((data, metadata or {})),
    )
    model = nn.MLP(2, [3, 1], seed=0)
    before = [(p.data, p.grad) for p in model.parameters()]
    nn.network_view(model, [1.0, -2.0], target=0.5)._ipython_display_()
    assert [(p.data, p.grad) for p in model.parameters()] == before
    (picture, meta), (view, _) = shown
    png = picture["image/png"]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert meta["image/png"]["width"] == round(width * 0.75) == 900  # laid out 900 px wide
    assert '"companion":true' in view["text/html"] and 'data-kind="network"' in view["text/html"]


def test_the_backward_text_counts_what_each_neuron_feeds_in_words_that_fit_one() -> None:
    view = nn.network_view(nn.MLP(2, [3, 1], seed=1), [0.5, -1.0], target=1.0)
    text = "\n".join(line for lines in view.texts for line in lines)
    assert text.count("its nudge is weight × the nudge of the one neuron it feeds") == 3
    assert text.count("its nudge is the sum over the 3 neurons it feeds of weight") == 2
    assert "The 3 weights into column 2" in text and "The 6 weights into column 1" in text
    single = nn.network_view(nn.MLP(1, [1], seed=1), [0.5], target=1.0)
    lines = [line for state in single.texts for line in state]
    assert any(line.startswith("The 1 weight into column 1:") for line in lines)
    assert not any("1 neurons" in line or "1 weights" in line for line in lines)
