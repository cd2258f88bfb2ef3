"""Saving and loading networks: identical predictions after a round trip, every bad file refused."""

import json
import math
import os
import tracemalloc

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
                                    "'layers.1.neurons.0.w': expected a list of 1 numbers, got 2"),
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
    "version of 4,001 digits": (edited(lambda d: d.update(version=10**4000)),
                                r"unsupported model version 10{56}\.\.\.$"),
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


@pytest.mark.parametrize("model", MODELS, ids=lambda m: type(m).__name__)
def test_state_layout_from_the_config_alone_matches_the_state_dict(model):
    layout = list(type(model).state_layout(model.config()))
    assert layout == [(name, len(values)) for name, values in model.state_dict().items()]
    assert sum(n for _, n in layout) == type(model).count_parameters(model.config())


# ---------------------------------------------------------------- load: limits, names, paths


def test_a_junk_key_is_refused_before_the_model_is_built(tmp_path, monkeypatch):
    """The file's weight count padded with a key the model lacks: refused from the config alone."""
    document = {"format": "chainrule-model", "version": 1, "class": "MLP",
                "config": {"nin": 1000, "nouts": [1000], "activation": "tanh",
                           "output_activation": None},
                "state": {"junk": [0] * 1_001_000}}  # fmt: skip
    path = tmp_path / "junk.json"
    path.write_text(json.dumps(document))

    def no_building(*args, **kwargs):
        raise AssertionError("the model was built")

    monkeypatch.setattr(nn.MLP, "__init__", no_building)
    with pytest.raises(ModelFileError, match=r"missing 'layers\.0\.neurons\.0\.w'") as info:
        nn.load(path)
    assert str(path) in str(info.value)


def test_an_extra_key_beside_the_right_ones_is_refused_before_building(tmp_path, monkeypatch):
    model = nn.MLP(2, [2], seed=0)
    model.save(tmp_path / "m.json")
    document = json.loads((tmp_path / "m.json").read_text())
    document["state"]["junk"] = [0.5] * 100
    (tmp_path / "m.json").write_text(json.dumps(document))
    monkeypatch.setattr(nn.MLP, "__init__", lambda *a, **k: pytest.fail("built"))
    with pytest.raises(ModelFileError, match="unexpected entry 'junk'"):
        nn.load(tmp_path / "m.json")


def test_an_unknown_top_level_key_is_refused(tmp_path):
    model = nn.MLP(2, [2], seed=0)
    model.save(tmp_path / "m.json")
    document = json.loads((tmp_path / "m.json").read_text())
    document["extra"] = [0.0] * 10
    (tmp_path / "m.json").write_text(json.dumps(document))
    with pytest.raises(ModelFileError, match="unknown key 'extra'"):
        nn.load(tmp_path / "m.json")


def test_a_file_over_the_size_limit_is_refused_naming_the_limit(tmp_path):
    path = tmp_path / "m.json"
    nn.MLP(2, [2], seed=0).save(path)
    size = path.stat().st_size
    with pytest.raises(ModelFileError, match=rf"limit of {size - 1:,} bytes.*max_bytes=") as info:
        nn.load(path, max_bytes=size - 1)
    assert str(path) in str(info.value)
    assert nn.load(path, max_bytes=size).config() == nn.MLP(2, [2]).config()
    assert nn.module.MAX_FILE_BYTES == 256 * 1024 * 1024


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    # a sparse file of 20 MB (no disk blocks): reading it before refusing would allocate 20 MB
    path = tmp_path / "big.json"
    with open(path, "wb") as f:
        f.truncate(20_000_001)
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match="limit of 20,000,000 bytes"):
            nn.load(path, max_bytes=20_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


def test_a_path_with_a_nul_byte_is_named_in_the_error():
    with pytest.raises(ModelFileError, match=r"model\\x00\.json.*cannot read the model file"):
        nn.load("model\0.json")


def test_a_path_of_the_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="path must be a str or a path, got int"):
        nn.load(3)  # open(3) would read file descriptor 3


# ---------------------------------------------------------------- save: links, modes, errors


def test_save_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "real.json"
    link = tmp_path / "link.json"
    nn.MLP(2, [3], seed=0).save(target)
    link.symlink_to(target)
    nn.MLP(2, [3], seed=1).save(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert nn.load(target).state_dict() == nn.MLP(2, [3], seed=1).state_dict()
    assert sorted(os.listdir(tmp_path)) == ["link.json", "real.json"]


def test_save_keeps_an_existing_files_mode(tmp_path):
    path = tmp_path / "m.json"
    nn.MLP(2, [3], seed=0).save(path)
    path.chmod(0o600)
    nn.MLP(2, [3], seed=1).save(path)
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("where", ["missing folder", "read-only folder"])
def test_a_failed_save_names_the_path_given(tmp_path, monkeypatch, where):
    path = tmp_path / "nope" / "m.json"
    if where == "read-only folder":
        path = tmp_path / "m.json"

        def permission_denied(name, *args):  # what a read-only folder does (also for root)
            raise PermissionError(13, "Permission denied", name)

        monkeypatch.setattr(os, "open", permission_denied)
    with pytest.raises(OSError) as info:
        nn.MLP(2, [3], seed=0).save(path)
    assert str(path) in str(info.value) and "tmp" not in str(info.value).replace(str(tmp_path), "")
    assert info.value.filename == str(path)
    assert isinstance(
        info.value, FileNotFoundError if where == "missing folder" else PermissionError
    )


def test_a_stale_temp_file_is_removed_by_the_next_save(tmp_path):
    path = tmp_path / "m.json"
    stale = tmp_path / ".m.json.0123456789ab.chainrule-tmp"
    fresh = tmp_path / ".m.json.ba9876543210.chainrule-tmp"  # maybe another process's save
    stale.write_text("{")
    fresh.write_text("{")
    os.utime(stale, (0, 0))
    nn.MLP(2, [3], seed=0).save(path)
    assert sorted(os.listdir(tmp_path)) == [fresh.name, "m.json"]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("activation", "x" * 100_000),
        ("output_activation", ["y" * 100_000]),
        ("nouts", "3" * 100_000),
        ("nouts", {"a" * 100_000: 1}),
        ("z" * 100_000, 1),  # an unexpected argument named by 100 KB
    ],
    ids=["activation", "output_activation", "nouts str", "nouts dict", "argument name"],
)
def test_a_100_kb_config_value_makes_a_short_message(tmp_path, key, value):
    path = tmp_path / "m.json"
    nn.MLP(2, [2], seed=0).save(path)
    document = json.loads(path.read_text())
    document["config"][key] = value
    path.write_text(json.dumps(document))
    with pytest.raises(ModelFileError, match="cannot build MLP from its config") as info:
        nn.load(path)
    assert len(str(info.value)) < 500


@pytest.mark.parametrize("weight", ["1", None, [], 10**400, True])
def test_a_weight_that_is_not_a_number_is_refused_before_building(tmp_path, monkeypatch, weight):
    path = tmp_path / "m.json"
    nn.MLP(2, [2], seed=0).save(path)
    document = json.loads(path.read_text())
    document["state"]["layers.0.neurons.1.w"][1] = weight
    path.write_text(json.dumps(document))
    monkeypatch.setattr(nn.MLP, "__init__", lambda *a, **k: pytest.fail("built"))
    with pytest.raises(ModelFileError, match=r"'layers\.0\.neurons\.1\.w'\[1\]: expected a finite"):
        nn.load(path)
