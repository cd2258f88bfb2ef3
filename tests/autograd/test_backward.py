"""Backward's semantics: ordering, accumulation, stepping, depth, and memory."""

import gc
import math
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, backward_steps, testing, topological_order


def test_chain_rule_on_a_small_expression_by_hand():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = a * b  # -6
    d = c + a**2  # -2
    e = d.tanh()
    e.backward()
    de = 1 - math.tanh(-2.0) ** 2
    assert e.grad == 1.0
    assert d.grad == pytest.approx(de)
    assert c.grad == pytest.approx(de)
    assert a.grad == pytest.approx(de * (b.data + 2 * a.data))
    assert b.grad == pytest.approx(de * a.data)


def test_leaves_accumulate_across_backward_calls():
    x = Value(3.0)
    y = x * x
    y.backward()
    y.backward()
    assert x.grad == 12.0  # 2 * (2x), as PyTorch accumulates into leaves


def test_intermediate_nodes_hold_the_latest_backward_only():
    x = Value(3.0)
    h = x * 2.0
    y = h * h
    y.backward()
    y.backward()
    assert h.grad == 2 * h.data  # not doubled
    z = h * 5.0
    z.backward()
    assert h.grad == 5.0  # from the latest backward through h
    assert x.grad == 2 * (4 * h.data) + 10.0


def test_backward_seed_and_leaf_root():
    x = Value(1.5)
    y = x * 4.0
    y.backward(0.5)
    assert x.grad == 2.0 and y.grad == 0.5
    x.backward()
    assert x.grad == 3.0  # a leaf root accumulates like any leaf


@pytest.mark.parametrize("bad", ["1", None, [1.0], Value(1.0), 1j])
def test_backward_rejects_a_non_numeric_seed(bad):
    x = Value(1.0)
    y = x * 2.0
    with pytest.raises(TypeError, match="grad must be a real number"):
        y.backward(bad)
    assert x.grad == 0.0


def test_shared_subexpressions_sum_their_contributions():
    x = Value(0.7)
    s = x.sin()
    y = s * s + s  # s used three times
    y.backward()
    assert x.grad == pytest.approx((2 * math.sin(0.7) + 1) * math.cos(0.7))


@settings(max_examples=200)
@given(f=testing.expressions(n_inputs=3, max_ops=12), xs=testing.points(3))
def test_topological_order_puts_every_node_after_its_parents(f, xs):
    root = f(*[Value(x) for x in xs])
    order = topological_order(root)
    position = {id(node): i for i, node in enumerate(order)}
    assert len(position) == len(order)  # no node twice
    assert order[-1] is root
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]
    # ... and it contains exactly the nodes reachable from the root.
    reachable, frontier = {id(root)}, [root]
    while frontier:
        for parent in frontier.pop().parents:
            if id(parent) not in reachable:
                reachable.add(id(parent))
                frontier.append(parent)
    assert reachable == set(position)


@settings(max_examples=200)
@given(f=testing.expressions(n_inputs=3, max_ops=12), xs=testing.points(3))
def test_running_every_step_gives_exactly_backwards_gradients(f, xs):
    leaves_a = [Value(x) for x in xs]
    root_a = f(*leaves_a)
    root_a.backward()
    leaves_b = [Value(x) for x in xs]
    root_b = f(*leaves_b)
    steps = list(backward_steps(root_b))
    assert [leaf.grad for leaf in leaves_a] == [leaf.grad for leaf in leaves_b]
    interior_a = [n.grad for n in topological_order(root_a)]
    interior_b = [n.grad for n in topological_order(root_b)]
    assert interior_a == interior_b
    for step in steps:  # each record is the chain rule, written out
        for edge in step.edges:
            assert edge.contribution == edge.local_grad * step.upstream
            assert edge.grad_after == edge.grad_before + edge.contribution


@settings(max_examples=100)
@given(
    f=testing.expressions(n_inputs=3, max_ops=10),
    xs=testing.points(3),
    hooked=st.lists(st.booleans(), min_size=13, max_size=13),
)
def test_steps_run_the_same_hooks_as_backward(f, xs, hooked):
    """Hooks (here: halve, on random nodes and leaves) and leaves holding earlier grads."""

    def run(stepwise):
        leaves = [Value(x) for x in xs]
        for i, leaf in enumerate(leaves):
            leaf.grad = 0.25 * i  # leaves accumulate onto what they hold
        root = f(*leaves)
        order = topological_order(root)
        removes = [n.register_hook(lambda g: g * 0.5) for n, on in zip(order, hooked) if on]
        try:
            if stepwise:
                steps = list(backward_steps(root))
                for step in steps:  # upstream is the hooked gradient the step passed on
                    assert step.upstream == step.node.grad
                    for edge in step.edges:
                        assert edge.contribution == edge.local_grad * step.upstream
            else:
                root.backward()
        finally:
            for remove in removes:
                remove()
        return [n.grad for n in order]

    assert run(stepwise=True) == run(stepwise=False)


def test_steps_check_for_anomalies_as_backward_does():
    with autograd.detect_anomaly():
        z = Value(0.0, label="z")
        out = z.sqrt() * 0.0  # sqrt's derivative at 0 is inf; inf * 0 is nan
        with pytest.raises(autograd.AnomalyError, match=r"'sqrt' node .* produced nan"):
            list(backward_steps(out))


def test_a_leaf_roots_hook_runs_in_steps_too():
    x = Value(2.0)
    x.grad = 1.0
    remove = x.register_hook(lambda g: g * 10.0)
    try:
        assert list(backward_steps(x, 0.5)) == []
    finally:
        remove()
    assert x.grad == 1.0 + 5.0


@pytest.mark.parametrize("bad", ["1", None, Value(1.0)])
def test_backward_steps_checks_its_seed_before_the_first_step(bad):
    x = Value(1.0)
    y = x * 2.0
    with pytest.raises(TypeError, match="grad must be a real number"):
        backward_steps(y, bad)  # at the call, not at the first next()
    with pytest.raises(TypeError, match="backward expects a Value, got float"):
        backward_steps(1.0)  # type: ignore[arg-type]
    assert (x.grad, y.grad) == (0.0, 0.0)


def test_backward_steps_describe_each_step_in_order():
    x = Value(2.0, "x")
    y = x * 3.0
    z = y + x
    steps = list(backward_steps(z))
    assert [s.node for s in steps] == [z, y]
    first = steps[0]
    assert first.index == 0 and first.upstream == 1.0
    assert [(e.parent, e.local_grad, e.contribution) for e in first.edges] == [
        (y, 1.0, 1.0),
        (x, 1.0, 1.0),
    ]
    second = steps[1].edges[0]
    assert (second.parent, second.grad_before, second.grad_after) == (x, 1.0, 4.0)
    assert x.grad == 4.0


def test_a_million_step_chain_at_the_default_recursion_limit():
    assert sys.getrecursionlimit() <= 10_000
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0
    assert len(topological_order(y)) == 1_000_001


def _live_values() -> int:
    # type(o), not isinstance: isinstance reads o.__class__, which some of torch's objects warn
    # about when the suite has imported it (tests/nn/test_pytorch.py)
    return sum(type(o) is Value for o in gc.get_objects())


def test_a_finished_graph_is_freed_without_the_cycle_collector():
    def train_step() -> float:
        params = [Value(0.1 * i) for i in range(20)]
        loss = autograd.sum((autograd.dot(params, params[::-1]) * p).tanh() for p in params)
        loss.backward()
        return loss.data

    gc.collect()
    gc.disable()
    try:
        before = _live_values()
        for _ in range(20):
            train_step()
        after = _live_values()  # reference counting alone has freed every node ...
        unreachable = gc.collect()  # ... and no cycle was left for the collector
    finally:
        gc.enable()
    assert after == before
    assert unreachable == 0


def test_no_grad_builds_no_graph():
    x = Value(2.0)
    with autograd.no_grad():
        assert not autograd.is_grad_enabled()
        y = (x * 3.0).tanh() + x
        with autograd.enable_grad():
            kept = x * 2.0
    assert autograd.is_grad_enabled()
    assert y.parents == () and y.op == "" and y.local_grads == ()
    assert kept.parents == (x,)
    y.backward()
    assert x.grad == 0.0

    @autograd.no_grad()
    def predict(v):
        return v * 2.0

    assert predict(x).parents == ()
    assert autograd.is_grad_enabled()


def test_no_grad_is_restored_after_an_exception():
    with pytest.raises(ValueError), autograd.no_grad():
        Value(-1.0).log()
    assert autograd.is_grad_enabled()
    with pytest.raises(TypeError, match="bool"):
        autograd.set_grad_enabled(1)


@pytest.mark.parametrize("flag", ["no", 1, None])
def test_create_graph_must_be_a_bool(flag):
    x = Value(2.0)
    y = x * x
    with pytest.raises(TypeError, match="create_graph must be a bool"):
        y.backward(create_graph=flag)
    assert (x.grad, y.grad) == (0.0, 0.0)  # nothing written
