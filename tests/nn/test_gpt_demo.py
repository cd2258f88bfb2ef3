"""``chainrule demo gpt``, its training loop and the attention heatmap."""

from __future__ import annotations

import math

import pytest

import nn
from nn.attention_plots import plot_attention
from nn.demos import DEMOS
from nn.demos.cli import main
from nn.names_gpt import GPTConfig, name_loss, sample_names, train_names
from tests.nn.svg_reading import parse, texts


def test_gpt_demo_is_registered_with_microgpt_sizes():
    assert "gpt" in DEMOS and "4 heads" in DEMOS["gpt"].help
    config = GPTConfig()
    assert (config.n_embd, config.n_head, config.n_layer, config.block_size) == (16, 4, 1, 16)
    assert (config.steps, config.lr, config.betas) == (1000, 0.01, (0.85, 0.99))


@pytest.mark.slow
def test_gpt_demo_trains_samples_and_writes_its_pictures(tmp_path, capsys):
    assert main(["demo", "gpt", "--epochs", "40", "--no-progress", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "uniform guessing is ln 27 = 3.296" in out and "40 steps of one name" in out
    assert "loss on 200 names it never saw" in out
    samples = out.split("ten sampled names")[1].splitlines()[1:11]
    assert len(samples) == 10 and all(line.startswith("  ") for line in samples)
    for name in ("gpt-loss.svg", "gpt-attention.svg"):
        assert (tmp_path / name).stat().st_size > 1000


def test_training_lowers_the_loss_on_a_few_names():
    words = ["anna", "bob", "ada", "otto"]
    run = train_names(GPTConfig(n_embd=8, n_head=2, block_size=6, steps=160), names=words)
    assert len(run.losses) == 160 and run.unseen == []
    before = sum(run.losses[:20]) / 20
    after = sum(name_loss(run.model, run.vocab.encode(w)).data for w in words) / 4
    assert after < 0.6 * before < 0.6 * math.log(len(run.vocab)) + 1
    samples = sample_names(run.model, run.vocab, 5, temperature=0.3)
    assert sum(s in words for s in samples) >= 3  # four names are easy to memorise


def test_plot_attention_draws_one_heatmap_per_head():
    model = nn.GPT(4, 5, n_embd=8, n_head=4, seed=0)
    model([0, 1, 2])
    chart = plot_attention(model.blocks[0].attn.attention_weights, [".", "a", "b"], title="t")
    assert [p.title for p in chart.charts] == ["head 0", "head 1", "head 2", "head 3"]
    blank = [[c is None for c in row] for row in chart.charts[0].layers[0].colors]
    assert blank == [[False, True, True], [False, False, True], [False, False, False]]
    root = parse(chart.charts[0])
    assert [t.text for t in texts(root, "tick-x")] == [".", "a", "b"]
    assert "reading (t)" in [t.text for t in texts(root)]
    assert "attention weight" in [t.text for t in texts(parse(chart.charts[3]))]  # colorbar
    with pytest.raises(ValueError, match="3 positions but 2 labels"):
        plot_attention(model.blocks[0].attn.attention_weights, ["a", "b"])
    with pytest.raises(ValueError, match="no attention weights"):
        plot_attention([], [])
    with pytest.raises(ValueError, match="not causal"):
        plot_attention([[[1.0], [0.5, 0.5]], [[1.0, 0.0], [0.5, 0.5]]], ["a", "b"])
