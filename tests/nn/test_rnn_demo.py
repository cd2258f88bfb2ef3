"""``chainrule demo rnn``: registered with the other demos, and runs end to end."""

from __future__ import annotations

import pytest

from nn.demos import DEMOS
from nn.demos.cli import main


def test_rnn_demo_is_registered():
    assert "rnn" in DEMOS and "LSTM" in DEMOS["rnn"].help


@pytest.mark.slow
def test_rnn_demo_trains_samples_and_writes_its_loss_curve(tmp_path, capsys):
    assert main(["demo", "rnn", "--epochs", "1", "--no-progress", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "held-out loss" in out and "of sampled words are real words" in out
    assert (tmp_path / "rnn-loss.svg").stat().st_size > 1000
