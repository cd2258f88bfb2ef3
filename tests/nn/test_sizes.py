"""Sizes are checked before work: every model refuses more than nn.checks.MAX_PARAMETERS before
making a parameter, counts are arithmetic (never a walk over 10**15 claimed layers), and nn.load
refuses a file claiming huge sizes from its config alone. Structural checks, not timings: a
constructor or layout that would run is replaced by one that fails the test."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from nn import ModelFileError, checks
from nn.attention import CausalSelfAttention, Embedding, FeedForward, TransformerBlock

# One small configuration of every model class nn.load can rebuild.
CONFIGS = {
    nn.Neuron: {"nin": 3, "activation": "relu"},
    nn.Layer: {"nin": 3, "nout": 2, "activation": None},
    nn.MLP: {"nin": 2, "nouts": [4, 3, 1]},
    nn.RNNCell: {"nin": 2, "nhidden": 3},
    nn.LSTMCell: {"nin": 2, "nhidden": 3},
    nn.RNN: {"nin": 3, "nhidden": 2, "cell": "lstm"},
    nn.SequenceModel: {"nin": 2, "nhidden": 3, "nout": 4},
    Embedding: {"num": 5, "dim": 3},
    CausalSelfAttention: {"dim": 4, "n_head": 2},
    FeedForward: {"dim": 4, "hidden": 16},
    TransformerBlock: {"dim": 4, "n_head": 2},
    nn.GPT: {"vocab_size": 5, "block_size": 3, "n_embd": 4, "n_head": 2, "n_layer": 2},
}
CLASSES = list(CONFIGS)


def test_the_configs_cover_every_loadable_class():
    from nn.module import _REGISTRY

    assert set(_REGISTRY.values()) == set(CLASSES)


def forbid_parameters(monkeypatch):
    """Making any parameter (a Value in nn's model modules) fails the test."""

    def made(*args, **kwargs):
        raise AssertionError("a parameter was made before the size was checked")

    for module in ("nn.layers", "nn.attention", "nn.recurrent"):
        monkeypatch.setattr(f"{module}.Value", made)


def forbid_layouts(monkeypatch):
    """Generating any class's state layout fails the test (counts must be arithmetic)."""

    def walked(cls, config):
        raise AssertionError(f"{cls.__name__}'s layout was walked")

    for cls in CLASSES:
        monkeypatch.setattr(cls, "state_layout", classmethod(walked))


@pytest.fixture
def no_parameters_made(monkeypatch):
    forbid_parameters(monkeypatch)


@pytest.fixture
def no_layout_walked(monkeypatch):
    forbid_layouts(monkeypatch)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_model_checks_the_limit_before_making_a_parameter(cls, monkeypatch, request):
    n = cls.count_parameters(CONFIGS[cls])
    monkeypatch.setattr(checks, "MAX_PARAMETERS", n)
    assert len(cls(**CONFIGS[cls], seed=0).parameters()) == n  # at the limit: built
    monkeypatch.setattr(checks, "MAX_PARAMETERS", n - 1)
    request.getfixturevalue("no_parameters_made")
    with pytest.raises(ValueError, match=rf"^this {cls.__name__} would have {n:,} parameters"):
        cls(**CONFIGS[cls], seed=0)


def test_embedding_of_10_to_the_10_is_refused(no_parameters_made, monkeypatch):
    with pytest.raises(ValueError, match=r"this Embedding would have 10,000,000,000 parameters"):
        Embedding(10**5, 10**5)
    monkeypatch.setattr(checks, "MAX_PARAMETERS", 1000)
    with pytest.raises(ValueError, match=r"this Embedding would have 10,000 parameters"):
        Embedding(100, 100)


HUGE = 10**15


@pytest.mark.parametrize(
    ("make", "who"),
    [
        (lambda: nn.GPT(2, 2, 4, 1, n_layer=10**8), "GPT"),
        (lambda: nn.GPT(2, 2, 4, 1, n_layer=HUGE), "GPT"),
        (lambda: CausalSelfAttention(HUGE, 1), "CausalSelfAttention"),
        (lambda: FeedForward(2, HUGE), "FeedForward"),
        (lambda: TransformerBlock(HUGE, 1), "TransformerBlock"),
        (lambda: nn.SequenceModel(2, 2, HUGE), "SequenceModel"),
        (lambda: nn.RNN(2, HUGE), "RNN"),
        (lambda: nn.MLP(2, [HUGE, HUGE]), "MLP"),
    ],
)
def test_huge_sizes_are_refused_without_walking_or_building(
    make, who, no_parameters_made, no_layout_walked
):
    with pytest.raises(
        ValueError, match=rf"^this {who} would have (about 10\^\d+|[\d,]+) parameters"
    ):
        make()


def test_sequence_model_checks_its_total_before_building_either_part(monkeypatch):
    # each part alone is within the limit; together they are not
    config = {"nin": 1, "nhidden": 3, "nout": 10}  # RNN 3 * (1 + 3 + 1) = 15, readout 40
    monkeypatch.setattr(checks, "MAX_PARAMETERS", 54)

    def built(*args, **kwargs):
        raise AssertionError("a part was built")

    monkeypatch.setattr(nn.RNN, "__init__", built)
    with pytest.raises(ValueError, match="this SequenceModel would have 55 parameters"):
        nn.SequenceModel(**config)


def test_gpt_counts_its_parameters_by_arithmetic(no_layout_walked):
    v, b, n, layers = 7, 5, 8, HUGE
    per_block = 4 * n * n + 2 * n * (4 * n)  # wq wk wv wo; fc1 and fc2 of an MLP 4n wide
    expected = 2 * v * n + b * n + layers * per_block  # wte, lm_head, wpe, blocks
    config = {"vocab_size": v, "block_size": b, "n_embd": n, "n_head": 2, "n_layer": layers}
    assert nn.GPT.count_parameters(config) == expected


# ---------------------------------------------------------------- nn.load


def saved_document(tmp_path, model):
    model.save(tmp_path / "m.json")
    return json.loads((tmp_path / "m.json").read_text())


def write(tmp_path, document):
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"n_layer": HUGE}, r"needs about 10\^17 weights, but the file holds 232$"),
        ({"n_layer": 10**8}, r"needs 19,200,000,040 weights, but the file holds 232$"),
        ({"n_layer": 2**62}, r"needs about 10\^20 weights"),
        ({"n_embd": HUGE, "n_head": 1}, r"needs about 10\^31 weights"),
        ({"n_layer": 10**4000}, r"n_layer must be a positive integer no larger than 9,22"),
        ({"vocab_size": 10**4000}, r"vocab_size must be a positive integer no larger than"),
    ],
    ids=["n_layer 10**15", "n_layer 10**8", "n_layer 2**62", "n_embd", "4,001 digits", "vocab"],
)
def test_load_refuses_a_gpt_claiming_huge_sizes_from_its_config_alone(
    tmp_path, change, message, request
):
    document = saved_document(tmp_path, nn.GPT(3, 4, n_embd=4, n_head=2, seed=0))
    document["config"].update(change)
    path = write(tmp_path, document)
    request.getfixturevalue("no_parameters_made")
    request.getfixturevalue("no_layout_walked")
    with pytest.raises(ModelFileError, match=message):
        nn.load(path)


def test_load_refuses_a_file_holding_more_weights_than_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "m.json"
    nn.MLP(2, [4], seed=0).save(path)  # 12 weights
    monkeypatch.setattr(checks, "MAX_PARAMETERS", 11)
    monkeypatch.setattr(nn.MLP, "__init__", lambda *a, **k: pytest.fail("built"))
    with pytest.raises(ModelFileError, match="this MLP would have 12 parameters, more than"):
        nn.load(path)


def test_load_generates_no_more_of_the_layout_than_the_file_has_entries(tmp_path, monkeypatch):
    document = saved_document(tmp_path, nn.MLP(2, [3, 1], seed=0))
    document["config"]["nouts"] = [3, 1000]  # held weights are padded under one junk name
    document["state"] = {"junk": [0.0] * 10_000}
    path = write(tmp_path, document)
    generated = []
    layout = nn.MLP.state_layout

    def counting(cls, config):
        for entry in layout(config):
            generated.append(entry)
            yield entry

    monkeypatch.setattr(nn.MLP, "state_layout", classmethod(counting))
    with pytest.raises(ModelFileError, match=r"missing 'layers\.0\.neurons\.0\.w'"):
        nn.load(path)
    assert len(generated) <= len(document["state"]) + 1


SAVED = {cls: cls(**config, seed=0) for cls, config in CONFIGS.items()}


@settings(max_examples=120)
@given(
    cls=st.sampled_from(CLASSES),
    data=st.data(),
    size=st.sampled_from([10**6, 10**8, 10**15, 2**62, 2**63, 10**30, 10**4000])
    | st.integers(10**3, 10**40),
)
def test_any_size_a_file_claims_is_refused_from_its_config_alone(tmp_path_factory, cls, data, size):
    """A saved model with one size in its config raised (to up to 4,001 digits) is refused with
    ModelFileError before any layout is walked or any parameter made."""
    document = saved_document(tmp_path_factory.mktemp("sizes"), SAVED[cls])
    config = document["config"]
    sizes = [(k, None) for k, v in config.items() if type(v) is int and k != "bptt_steps"]
    sizes += [(k, i) for k, v in config.items() if isinstance(v, list) for i in range(len(v))]
    key, index = data.draw(st.sampled_from(sizes))
    if index is None:
        config[key] = size
    else:
        config[key][index] = size
    path = write(tmp_path_factory.mktemp("tampered"), document)
    with pytest.MonkeyPatch.context() as patch:
        forbid_parameters(patch)
        forbid_layouts(patch)
        with pytest.raises(ModelFileError, match=r"weights|must be|multiple of n_head"):
            nn.load(path)
