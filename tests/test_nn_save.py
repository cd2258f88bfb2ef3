"""Saving and loading networks: identical predictions after a round trip, every bad file refused."""

import json
import math
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from nn import ModelFileError

ACTIVATIONS = st.sampled_from(["tanh", "relu", "sigmoid", None])


def outputs(model, x):
    out = model(x)
    return [v.data for v in out] if isinstance(out, list) else [out.data]


@given(
    nin=st.integers(1, 4),
    nouts=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    activation=ACTIVATIONS,
    output_activation=ACTIVATIONS,
    seed=st.integers(0, 2**32),
    x=st.lists(st.floats(-3, 3), min_size=4, max_size=4),
)
@settings(max_examples=25)
def test_mlp_round_trip_gives_identical_predictions(
    tmp_path_factory, nin, nouts, activation, output_activation, seed, x
):
    model = nn.MLP(nin, nouts, activation, output_activation, seed=seed)
    path = tmp_path_factory.mktemp("models") / "model.json"
    model.save(path)
    loaded = nn.load(path)
    assert type(loaded) is nn.MLP and loaded.config() == model.config()
    assert loaded.state_dict() == model.state_dict()  # floats survive JSON exactly
    assert outputs(loaded, x[:nin]) == outputs(model, x[:nin])


@pytest.mark.parametrize(
    "model", [nn.Neuron(3, "relu", seed=1), nn.Layer(3, 2, None, seed=2)], ids=repr
)
def test_neuron_and_layer_round_trip(tmp_path, model):
    model.save(tmp_path / "m.json")
    loaded = nn.load(tmp_path / "m.json")
    assert type(loaded) is type(model)
    assert outputs(loaded, [0.1, -0.2, 0.3]) == outputs(model, [0.1, -0.2, 0.3])


def test_a_trained_model_round_trips(tmp_path):
    moons = nn.data.moons(30, seed=0)
    model = nn.MLP(2, [8, 1], activation="relu", seed=0)
    nn.fit(model, moons, loss="hinge", epochs=5, progress=False)
    model.save(tmp_path / "moons.json")
    loaded = nn.load(tmp_path / "moons.json")
    assert [outputs(loaded, x) for x in moons.xs] == [outputs(model, x) for x in moons.xs]


def test_the_file_is_plain_json_with_architecture_and_weights(tmp_path):
    model = nn.MLP(2, [3, 1], activation="relu", output_activation="sigmoid", seed=0)
    model.save(tmp_path / "m.json")
    doc = json.loads((tmp_path / "m.json").read_text())
    assert doc["class"] == "MLP"
    assert doc["config"] == {"nin": 2, "nouts": [3, 1], "activation": "relu",
                             "output_activation": "sigmoid"}  # fmt: skip
    assert doc["state"]["layers.0.neurons.0.w"] == [w.data for w in model.layers[0].neurons[0].w]


def test_save_replaces_the_file_atomically_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "m.json"
    nn.MLP(2, [3], seed=0).save(path)
    nn.MLP(2, [3], seed=1).save(path)
    assert os.listdir(tmp_path) == ["m.json"]
    assert nn.load(path).state_dict() == nn.MLP(2, [3], seed=1).state_dict()


def test_a_failed_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "m.json"
    nn.MLP(2, [3], seed=0).save(path)
    before = path.read_bytes()

    def disk_full(*args):
        raise OSError("No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)  # fail after the temp file is written
    with pytest.raises(OSError, match="No space left"):
        nn.MLP(2, [3], seed=1).save(path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["m.json"]


def test_saving_over_a_directory_fails_and_leaves_no_temp_file(tmp_path):
    (tmp_path / "m.json").mkdir()
    with pytest.raises(OSError):
        nn.MLP(2, [3], seed=0).save(tmp_path / "m.json")
    assert os.listdir(tmp_path) == ["m.json"] and (tmp_path / "m.json").is_dir()


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_save_refuses_weights_that_load_would_reject(tmp_path, bad):
    """A diverged model (nan or inf weights) is not written: nn.load could never read it back."""
    path = tmp_path / "m.json"
    nn.MLP(2, [3], seed=0).save(path)
    before = path.read_bytes()
    model = nn.MLP(2, [3], seed=1)
    model.layers[0].neurons[2].w[1].data = bad
    with pytest.raises(ValueError, match=rf"'layers.0.neurons.2.w'\[1\] is {bad}"):
        model.save(path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["m.json"]


def test_a_saved_file_gets_the_usual_permissions(tmp_path):
    """Like any file the user writes (umask applied), not the owner-only mode of a temp file."""
    old = os.umask(0o022)
    try:
        nn.MLP(2, [3], seed=0).save(tmp_path / "m.json")
    finally:
        os.umask(old)
    assert (tmp_path / "m.json").stat().st_mode & 0o777 == 0o644


# ---------------------------------------------------------------- bad files


def valid_document():
    model = nn.MLP(2, [2, 1], seed=0)
    document = {
        "format": "chainrule-model",
        "version": 1,
        "class": "MLP",
        "config": model.config(),
        "state": model.state_dict(),
    }
    return json.loads(json.dumps(document))


def edited(change):
    doc = valid_document()
    change(doc)
    return json.dumps(doc)


BAD_FILES = {
    "empty": ("", "not valid JSON"),
    "truncated": (json.dumps(valid_document())[:-40], "not valid JSON"),
    "not json": ("model: MLP", "not valid JSON"),
    "binary": (b"\x80\x81\xfe\xff", "cannot read the model file"),
    "a list": ("[1, 2, 3]", "not a chainrule model"),
    "no format": (edited(lambda d: d.pop("format")), "not a chainrule model"),
    "other format": (edited(lambda d: d.update(format="pickle")), "not a chainrule model"),
    "new version": (edited(lambda d: d.update(version=2)), "unsupported model version 2"),
    "unknown class": (edited(lambda d: d.update({"class": "os.system"})), "unknown model class"),
    "not a module": (edited(lambda d: d.update({"class": "Trainer"})), "unknown model class"),
    "config not object": (edited(lambda d: d.update(config=[2, [1]])), "'config' must be an"),
    "bad config value": (edited(lambda d: d["config"].update(activation="exec")),
                         "cannot build MLP from its config: unknown activation"),
    "unknown argument": (edited(lambda d: d["config"].update(code="import os")),
                         "cannot build MLP from its config"),
    "missing weights": (edited(lambda d: d["state"].pop("layers.1.neurons.0.b")),
                        "MLP config needs 9 weights, but the file holds 8"),
    "misnamed weights": (edited(lambda d: d["state"].update(b=d["state"].pop("layers.1.neurons.0.b"))),
                         "missing 'layers.1.neurons.0.b'"),
    "extra weights": (edited(lambda d: d["state"].update(extra=[1.0])), "unexpected entry 'extra'"),
    "wrong shape": (edited(lambda d: d["state"]["layers.0.neurons.0.w"].append(0.5)),
                    "expected a list of 2 numbers, got 3"),
    "weights for another shape": (edited(lambda d: d["config"].update(nouts=[3, 1])),
                                  "MLP config needs 13 weights, but the file holds 9"),
    "weights for a smaller shape": (edited(lambda d: d["config"].update(nouts=[1, 1])),
                                    "unexpected entry 'layers.0.neurons.1.w'"),
    "missing argument": (edited(lambda d: d["config"].pop("nin")),
                         "missing a required argument: 'nin'"),
    "string weight": (edited(lambda d: d["state"]["layers.0.neurons.0.w"].__setitem__(0, "1")),
                      "expected a finite number"),
    "nan weight": (edited(lambda d: d["state"]["layers.0.neurons.1.w"].__setitem__(1, math.nan)),
                   "expected a finite number, got nan"),
    "no state": (edited(lambda d: d.pop("state")), "'state' must be an object"),
    "state not object": (edited(lambda d: d.update(state=[0.5] * 9)), "'state' must be an object"),
    # json.loads raises ValueError (not JSONDecodeError) past 4,300 digits, RecursionError when
    # nested too deeply: both are still "not a model", naming the file
    "a 5,000-digit number": ('{"format": ' + "1" * 5000 + "}", "not a chainrule model"),
    "nested 100,000 deep": ("[" * 100_000 + "]" * 100_000, "not a chainrule model"),
    "a duplicate key": (edited(lambda d: None)[:-1] + ', "class": "Layer"}',
                        "duplicate key 'class'"),
    "version true": (edited(lambda d: d.update(version=True)), "unsupported model version True"),
    "version 1.0": (edited(lambda d: d.update(version=1.0)), "unsupported model version 1.0"),
    "the base class": (edited(lambda d: d.update({"class": "Module"})), "unknown model class"),
    "a weight too big for a float": (
        edited(lambda d: d["state"]["layers.0.neurons.0.w"].__setitem__(0, 10**400)),
        "expected a finite number"),
}  # fmt: skip


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_every_bad_file_is_rejected_naming_the_file_and_the_problem(tmp_path, name):
    content, message = BAD_FILES[name]
    path = tmp_path / "bad.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(ModelFileError, match=message) as info:
        nn.load(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, ValueError)


def test_a_missing_file_a_directory_and_a_device(tmp_path):
    with pytest.raises(ModelFileError, match="cannot read the model file"):
        nn.load(tmp_path / "nope.json")
    with pytest.raises(ModelFileError, match=r"cannot read the model file.*not a regular file"):
        nn.load(tmp_path)
    if os.path.exists("/dev/zero"):  # endless: reading it would never finish
        with pytest.raises(ModelFileError, match="not a regular file"):
            nn.load("/dev/zero")


def test_the_valid_document_itself_loads(tmp_path):
    (tmp_path / "ok.json").write_text(json.dumps(valid_document()))
    assert isinstance(nn.load(tmp_path / "ok.json"), nn.MLP)


# ---------------------------------------------------------------- load_state_dict: all or nothing


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.pop("layers.1.neurons.0.b"),
        lambda s: s.update(extra=[0.0]),
        lambda s: s["layers.1.neurons.0.w"].pop(),
        lambda s: s["layers.1.neurons.0.w"].__setitem__(0, math.inf),
        lambda s: s["layers.1.neurons.0.w"].__setitem__(1, True),
        lambda s: s["layers.1.neurons.0.w"].__setitem__(1, 10**400),  # no float can hold it
    ],
)
def test_a_bad_state_dict_changes_nothing(change):
    model = nn.MLP(2, [2, 1], seed=0)
    before = model.state_dict()
    state = {name: [v + 1.0 for v in values] for name, values in before.items()}
    change(state)  # the first groups are valid: a partial update would show
    with pytest.raises(ValueError):
        model.load_state_dict(state)
    assert model.state_dict() == before


# ---------------------------------------------------------------- sizes checked before building

HUGE_CONFIGS = {
    "MLP": {"nin": 100_000, "nouts": [100_000]},
    "Layer": {"nin": 10**9, "nout": 10**9},
    "Neuron": {"nin": 10**12},
    "RNNCell": {"nin": 1, "nhidden": 10**6},
    "LSTMCell": {"nin": 1, "nhidden": 10**6},
    "RNN": {"nin": 1, "nhidden": 10**6, "cell": "lstm", "bptt_steps": None},
    "SequenceModel": {"nin": 1, "nhidden": 2, "nout": 10**9, "cell": "rnn", "bptt_steps": None,
                      "activation": None},
}  # fmt: skip


@pytest.mark.parametrize("name", list(HUGE_CONFIGS))
def test_a_small_file_cannot_ask_for_a_huge_model(tmp_path, name):
    """Sizes are compared with the weights in the file before anything is built: a 200-byte
    file naming 10**10 weights is refused at once instead of allocating until memory runs out."""
    document = {"format": "chainrule-model", "version": 1, "class": name,
                "config": HUGE_CONFIGS[name], "state": {"w": [0.5, 0.25]}}  # fmt: skip
    (tmp_path / "huge.json").write_text(json.dumps(document))
    with pytest.raises(ModelFileError, match=r"weights, but the file holds 2") as info:
        nn.load(tmp_path / "huge.json")
    assert str(tmp_path / "huge.json") in str(info.value)


MODELS = [
    nn.Neuron(3, "relu", seed=0),
    nn.Layer(3, 2, None, seed=0),
    nn.MLP(2, [4, 3, 1], seed=0),
    nn.RNNCell(2, 3, seed=0),
    nn.LSTMCell(2, 3, seed=0),
    nn.RNN(3, 2, cell="lstm", seed=0),
    nn.SequenceModel(2, 3, 4, cell="rnn", seed=0),
    nn.Embedding(5, 3, seed=0),
    nn.CausalSelfAttention(4, 2, seed=0),
    nn.attention.FeedForward(4, 16, seed=0),
    nn.attention.TransformerBlock(4, 2, seed=0),
    nn.GPT(5, 3, n_embd=4, n_head=2, n_layer=2, seed=0),
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: type(m).__name__)
def test_count_parameters_from_the_config_alone(model):
    counted = type(model).count_parameters(model.config())
    assert counted == sum(len(values) for values in model.state_dict().values())


def test_every_loadable_class_can_count_its_parameters():
    from nn.module import _REGISTRY

    assert set(_REGISTRY) == {type(m).__name__ for m in MODELS}


def test_saving_a_class_of_your_own_is_refused_before_writing(tmp_path):
    class Mine(nn.MLP):  # a user's subclass: nn.load could never rebuild it
        pass

    path = tmp_path / "mine.json"
    with pytest.raises(TypeError, match=r"cannot save Mine: nn.load rebuilds only"):
        Mine(2, [3], seed=0).save(path)
    assert not path.exists()
