"""copy, deepcopy and pickle of Values: graphs of any depth, sharing kept, models unchanged."""

from __future__ import annotations

import copy
import pickle
import sys

import pytest

import autograd
from autograd import Value


def chain(n: int) -> tuple[Value, Value]:
    x = Value(0.5, label="x")
    y = x
    for i in range(n):
        y = (y * 1.001).tanh() if i % 2 else y + 0.25
    return x, y


def grads(x: Value, y: Value) -> tuple[float, float]:
    y.backward()
    return y.data, x.grad


@pytest.mark.parametrize("ops", [3, 120, 250, 5 * sys.getrecursionlimit()])
def test_deepcopy_and_pickle_of_a_deep_graph(ops: int) -> None:
    """RecursionError from about 120 ops deep (deepcopy) and 200 (pickle) before."""
    x, y = chain(ops)
    expected = grads(*chain(ops))
    size = len(autograd.topological_order(y))
    for clone in (copy.deepcopy((x, y)), pickle.loads(pickle.dumps((x, y)))):
        cx, cy = clone
        assert cx is not x and len(autograd.topological_order(cy)) == size
        assert autograd.topological_order(cy)[0] is cx  # the copied graph ends at the copied leaf
        assert grads(cx, cy) == expected
    assert x.grad == 0.0  # the original untouched


def test_nodes_reached_twice_stay_one_node() -> None:
    a, b = Value(1.0, "a"), Value(2.0, "b")
    shared = a * b
    y, z = shared + a, shared * shared
    cy, cz, ca = copy.deepcopy([y, z, a])
    assert cy.parents[0] is cz.parents[0] is cz.parents[1]  # one copy of `shared`
    assert cy.parents[1] is ca and cy.parents[0].parents[0] is ca
    py, pa = pickle.loads(pickle.dumps([y, a]))
    assert py.parents[1] is pa and py.parents[0].parents[0] is pa  # leaves pickled once
    assert (py.data, py.parents[0].label, py.op) == (y.data, "", "+")


def test_copy_is_shallow() -> None:
    a = Value(1.0)
    y = a * 3.0
    c = copy.copy(y)
    assert c is not y and c.parents == (a,) and c.parents[0] is a
    assert (c.data, c.op, c.local_grads) == (y.data, y.op, y.local_grads)


def test_dot_nodes_keep_their_layout() -> None:
    ws, xs = [Value(0.5), Value(-1.0)], [Value(2.0), Value(3.0)]
    out = autograd.dot(ws, xs)
    for clone in (copy.deepcopy(out), pickle.loads(pickle.dumps(out))):
        (g,) = autograd.grad(clone, [clone.parents[0]], create_graph=True)
        assert g.data == 2.0


def test_models_still_copy_and_pickle() -> None:
    import nn

    model = nn.MLP(2, [4, 1])
    for clone in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert [p.data for p in clone.parameters()] == [p.data for p in model.parameters()]
        assert clone([0.3, -0.2])[0].data == model([0.3, -0.2])[0].data
        assert not set(map(id, clone.parameters())) & set(map(id, model.parameters()))


def test_labels_survive_copies_and_pickle_and_a_copy_is_relabelled_alone() -> None:
    x = Value(0.5, label="x")
    y = x * 2.0
    y.label = "y"
    calls: list[float] = []
    y.register_hook(calls.append)
    shallow = copy.copy(y)
    shallow.label = "copy"
    assert (y.label, shallow.label) == ("y", "copy")
    deep, loaded = copy.deepcopy(y), pickle.loads(pickle.dumps(y))
    assert (deep.label, deep.parents[0].label) == ("y", "x")
    assert (loaded.label, loaded.parents[0].label) == ("y", "x")
    shallow.backward()
    assert calls == [1.0]  # the copy shares the original's hooks
    with pytest.raises(TypeError, match="label"):
        y.label = 3  # type: ignore[assignment]
    assert y.label == "y"
