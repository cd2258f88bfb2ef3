"""step_through(summary=True): a network's graph stepped one neuron box at a time, no state spent
on a weight the picture folds into its box, and the same numbers as backward."""

from __future__ import annotations

import pytest

import autograd
import nn
from autograd.viz.plan import is_dot


def mlp_loss() -> tuple[nn.MLP, autograd.Value]:
    model = nn.MLP(2, [4, 4, 1], seed=0)
    return model, nn.mse_loss(model([1.0, -2.0]), 0.5)


def test_a_summary_steps_each_computed_node_once_and_no_folded_weight():
    model, loss = mlp_loss()
    whole = autograd.step_through(loss)
    summary = autograd.step_through(loss, summary=True)
    order = autograd.topological_order(loss)
    computed = [v for v in order if v.parents]
    backward = whole.states - len(order) - 1
    assert summary.states == len(computed) + 1 + backward  # no leaf is a state of its own
    document = summary.view_document()
    boxes = [v for v in document.plan.values if v in document.plan.boxes]
    assert boxes and all(is_dot(v) for v in boxes)
    assert not any(p in document.plan.index for p in model.parameters())  # folded into boxes
    texts = [" ".join(t) for t in document.texts]
    assert sum("Forward" in t for t in texts) == len(computed)


def test_a_summary_ends_at_backwards_grads_and_changes_none():
    model, loss = mlp_loss()
    before = [p.grad for p in model.parameters()]
    view = autograd.step_through(loss, summary=True)
    view.view_document().html()
    assert [p.grad for p in model.parameters()] == before
    loss.backward()
    document = view.view_document()
    texts, _ = document.snapshot(view.states - 1)
    for i, node in enumerate(document.plan.values):
        slots = document.slot_of_row[i]
        kinds = document.row_kinds[i]
        grad_text = next(texts[s] for s, k in zip(slots, kinds, strict=True) if k == "grad")
        assert float(grad_text.split()[-1]) == pytest.approx(node.grad, rel=1e-3, abs=1e-4)


def test_summary_must_be_a_bool():
    _, loss = mlp_loss()
    with pytest.raises(TypeError, match="summary must be True or False"):
        autograd.step_through(loss, summary="yes")
