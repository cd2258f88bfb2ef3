"""Op objects: equal to their names, shared by reference when a graph is copied or pickled."""

import copy
import math
import pickle

import pytest

import autograd
from autograd import Value, ops


def test_an_op_equals_and_hashes_as_its_name():
    x = Value(2.0)
    assert (x * 7).op == "*" and (7 * x).op == "*" and x.tanh().op == "tanh"
    assert {x.tanh().op: 1}["tanh"] == 1 and hash(ops.TANH) == hash("tanh")
    assert f"{x.exp().op}" == "exp" and str((x - 2).op) == "-"
    assert not x.op and x.op == "" and (x * 7).op != "+"
    assert (x - 2).op == (x - x).op == ops.SUB and (x - 2).op is not ops.SUB  # a form of SUB


def test_copies_and_pickles_share_the_op_definitions():
    x = Value(1.5, "x")
    out = autograd.sum([(2 - x) ** 2, x.tanh() * 7, autograd.dot([x], [x], 0.5), 1.0])
    for clone in (copy.deepcopy(out), pickle.loads(pickle.dumps(out))):
        nodes = autograd.topological_order(clone)
        originals = autograd.topological_order(out)
        assert [n.op_label for n in nodes] == [n.op_label for n in originals]
        assert all(a.op is b.op for a, b in zip(nodes, originals))
        leaf = next(n for n in nodes if n.label == "x")
        assert autograd.evaluate(clone, {leaf: 0.5}) == autograd.evaluate(out, {x: 0.5})


def test_a_user_op_says_it_cannot_be_pickled():
    square = autograd.define_op("square", lambda x: x * x, lambda x, out: (2 * x,))
    node = square(Value(3.0))
    assert copy.deepcopy(node).op is node.op
    with pytest.raises(TypeError, match="'square' \\(made by define_op\\) cannot be pickled"):
        pickle.dumps(node)
    assert math.isclose(node.data, 9.0)
