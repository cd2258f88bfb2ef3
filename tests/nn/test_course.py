"""nn.course: a claim raises at the notebook's own settings and reports once a knob changed."""

from __future__ import annotations

import pytest

from nn.course import ClaimError, Knobs


def test_a_true_claim_passes_silently(capsys):
    knobs = Knobs(lr=0.1)
    assert knobs.claim(1 < 2, "one is less than two") is True
    assert capsys.readouterr().out == ""


def test_a_false_claim_at_the_defaults_raises_with_the_sentence_and_what_was_seen():
    knobs = Knobs(lr=0.1, activation="tanh")
    knobs.lr = 0.1  # set, but to its default: still the notebook's own settings
    with pytest.raises(ClaimError, match=r"the loss falls below 0\.01.*Saw: loss 0\.5"):
        knobs.claim(False, "the loss falls below 0.01", saw="loss 0.5")


def test_a_false_claim_after_a_change_prints_instead_of_raising(capsys):
    knobs = Knobs(lr=0.1, activation="tanh")
    knobs.activation = "sigmoid"
    assert knobs.claim(False, "every point is classified right", saw="92%") is False
    out = capsys.readouterr().out
    assert "activation 'tanh' -> 'sigmoid'" in out
    assert "every point is classified right" in out and "Saw: 92%" in out
    assert "lr" not in out  # only the knobs that changed are named


def test_changed_lists_each_changed_knob_with_default_and_value():
    knobs = Knobs(lr=0.1, hidden=2)
    assert knobs.changed() == {}
    knobs.hidden = 3
    assert knobs.changed() == {"hidden": (2, 3)}
    assert knobs.hidden == 3 and knobs.lr == 0.1
    assert repr(knobs) == "Knobs(lr=0.1, hidden=3)"


def test_an_unknown_knob_is_an_error_naming_the_knobs():
    knobs = Knobs(lr=0.1)
    with pytest.raises(AttributeError, match="no knob 'learning_rate'; the knobs are lr"):
        knobs.learning_rate = 0.2
    with pytest.raises(AttributeError, match="no knob 'hiden'"):
        _ = knobs.hiden
    assert knobs.changed() == {}


def test_a_knob_changed_in_place_counts_as_changed(capsys):
    knobs = Knobs(activations=["tanh", "relu"])
    knobs.activations.append("sigmoid")
    assert knobs.changed() == {"activations": (["tanh", "relu"], ["tanh", "relu", "sigmoid"])}
    assert knobs.claim(False, "every activation bends the boundary") is False
    assert "-> ['tanh', 'relu', 'sigmoid']" in capsys.readouterr().out
