"""register_hook: hooks see a node's whole gradient, may replace it, and cost nothing once gone."""

from __future__ import annotations

import copy
import gc
import math
import pickle
import weakref
from collections.abc import Callable, Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, graph, hooks
from autograd.hooks import hooks_of


@pytest.fixture
def gc_off() -> Iterator[None]:
    """Reference counting alone: anything still alive after `del` is in a cycle."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_hook_sees_the_gradient() -> None:
    a, b = Value(0.5), Value(-1.5)
    h = (a * b).tanh()
    out = h * h * 3.0
    seen: list[float] = []
    remove = h.register_hook(seen.append)
    out.backward()
    remove()
    t = math.tanh(0.5 * -1.5)
    assert seen == [pytest.approx(6 * t)]  # d(3 h**2)/dh, derived by hand
    assert h.grad == pytest.approx(6 * t)


def test_replacement_is_stored_and_used_downstream() -> None:
    a, b = Value(0.5), Value(-1.5)
    h = a * b
    out = h.tanh()
    remove = h.register_hook(lambda g: g * 10.0)
    out.backward()
    remove()
    upstream = 1 - math.tanh(-0.75) ** 2
    assert h.grad == pytest.approx(10 * upstream)
    assert (a.grad, b.grad) == (
        pytest.approx(10 * upstream * -1.5),
        pytest.approx(10 * upstream * 0.5),
    )
    assert out.grad == 1.0


def test_returning_none_keeps_the_gradient() -> None:
    a = Value(2.0)
    y = a * a
    remove = y.register_hook(lambda g: None)
    (y * 3.0).backward()
    remove()
    assert (y.grad, a.grad) == (3.0, 12.0)


def test_hooks_run_in_order_each_seeing_the_last_replacement() -> None:
    a = Value(1.0)
    y = a * 2.0
    calls: list[tuple[str, float]] = []
    r1 = y.register_hook(lambda g: calls.append(("first", g)) or g + 1.0)
    r2 = y.register_hook(lambda g: calls.append(("second", g)) or g * 3.0)
    y.backward()
    r1()
    r2()
    assert calls == [("first", 1.0), ("second", 2.0)]
    assert (y.grad, a.grad) == (6.0, 12.0)


def test_a_replacement_upstream_is_what_a_hook_downstream_sees() -> None:
    a = Value(1.0)
    h1 = a * 2.0
    h2 = h1 * 3.0
    seen: list[float] = []
    r1 = h2.register_hook(lambda g: 100.0)
    r2 = h1.register_hook(seen.append)
    h2.backward()
    r1()
    r2()
    assert seen == [300.0] and a.grad == 600.0


def test_hook_on_the_root_sees_the_seed() -> None:
    a = Value(1.5)
    y = a * a
    seen: list[float] = []
    remove = y.register_hook(seen.append)
    y.backward(0.25)
    remove()
    assert seen == [0.25] and a.grad == 0.75


def test_removal() -> None:
    a = Value(1.0)
    y = a * 2.0
    seen: list[float] = []
    remove = y.register_hook(seen.append)
    assert hooks_of(y) == [seen.append]
    remove()
    assert hooks_of(y) == []
    remove()  # twice: harmless
    assert hooks_of(y) == []
    y.backward()
    assert seen == [] and a.grad == 2.0


def test_the_same_function_twice_needs_two_removals() -> None:
    y = Value(1.0) * 2.0
    seen: list[float] = []
    first = y.register_hook(seen.append)
    second = y.register_hook(seen.append)
    first()
    first()  # a second call of the same handle does not remove the other registration
    assert len(hooks_of(y)) == 1
    y.backward()
    assert seen == [1.0]
    second()
    assert hooks_of(y) == []


def test_a_hook_may_remove_itself() -> None:
    y = Value(1.0) * 2.0
    seen: list[tuple[str, float]] = []

    def once(g: float) -> None:
        seen.append(("once", g))
        remove_once()

    remove_once = y.register_hook(once)
    remove_next = y.register_hook(lambda g: seen.append(("next", g)))  # still runs this time
    y.backward()
    y.backward()
    remove_next()
    assert seen == [("once", 1.0), ("next", 1.0), ("next", 1.0)] and hooks_of(y) == []


def test_leaf_hook_sees_this_calls_gradient_and_its_replacement_accumulates() -> None:
    w = Value(3.0)
    w.grad = 5.0  # from an earlier step
    seen: list[float] = []
    remove = w.register_hook(lambda g: seen.append(g) or g * 2.0)
    (w * w).backward()
    remove()
    assert seen == [6.0]
    assert w.grad == 5.0 + 12.0


def test_hook_on_a_shared_node_sees_the_total_once() -> None:
    a = Value(0.7)
    shared = a.tanh()
    out = shared * 2.0 + shared * shared + shared.exp()  # three children
    seen: list[float] = []
    remove = shared.register_hook(seen.append)
    out.backward()
    remove()
    s = math.tanh(0.7)
    assert seen == [pytest.approx(2.0 + 2 * s + math.exp(s))]


def test_hooks_only_for_nodes_in_this_graph() -> None:
    other = Value(1.0) * 2.0
    seen: list[float] = []
    remove = other.register_hook(seen.append)
    a = Value(1.0)
    (a * 3.0).backward()
    remove()
    assert seen == [] and a.grad == 3.0


def test_clipping_gradients_at_hidden_states() -> None:
    """A small recurrent net with each hidden state's gradient clipped, against BPTT by hand."""
    xs = [0.9, -0.4, 1.2, 0.3, -1.1, 0.8]
    ys = [0.5, -0.2, 0.9, 0.1, -0.7, 0.4]
    w0, u0, clip = 1.4, 0.8, 0.5

    w, u = Value(w0), Value(u0)
    h = Value(0.0)
    hidden, removes = [], []
    terms = []
    for x, y in zip(xs, ys, strict=True):
        h = (w * h + u * x).tanh()
        hidden.append(h)
        removes.append(h.register_hook(lambda g: max(-clip, min(clip, g))))
        terms.append((h - y) ** 2 * 10.0)
    autograd.sum(terms).backward()
    for remove in removes:
        remove()

    # The same by hand, on floats: forward, then backward through time with clipping.
    hs = [0.0]
    for x in xs:
        hs.append(math.tanh(w0 * hs[-1] + u0 * x))
    dw = du = 0.0
    from_next = 0.0  # gradient reaching h_t from step t + 1
    clipped_any = False
    for t in range(len(xs), 0, -1):
        total = 20.0 * (hs[t] - ys[t - 1]) + from_next
        dh = max(-clip, min(clip, total))
        clipped_any |= dh != total
        dz = dh * (1 - hs[t] ** 2)
        dw += dz * hs[t - 1]
        du += dz * xs[t - 1]
        from_next = dz * w0
    assert clipped_any  # the test exercises clipping
    assert all(abs(v.grad) <= clip for v in hidden)
    assert (w.grad, u.grad) == (pytest.approx(dw, rel=1e-12), pytest.approx(du, rel=1e-12))


def test_a_hook_that_raises_leaves_every_grad_untouched() -> None:
    a = Value(1.0)
    a.grad = 4.0
    h = a * 2.0
    out = h.tanh()
    remove = h.register_hook(lambda g: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        out.backward()
    remove()
    assert (a.grad, h.grad, out.grad) == (4.0, 0.0, 0.0)


@pytest.mark.parametrize("returned", ["oops", [1.0], Value(2.0)])
def test_a_hook_returning_a_non_number_is_a_type_error_and_writes_nothing(returned) -> None:
    a = Value(1.0)
    a.grad = 4.0
    h = a * 2.0
    h.label = "h"
    out = h.tanh()
    remove = h.register_hook(lambda g: returned)
    try:
        with pytest.raises(
            TypeError, match=r"hook .*<lambda> on 'h' returned \w+: expected a real"
        ):
            out.backward()
        with pytest.raises(TypeError, match="returned"):
            autograd.grad(out, [a])
    finally:
        remove()
    assert (a.grad, h.grad, out.grad) == (4.0, 0.0, 0.0)


def test_a_numpy_replacement_is_stored_as_a_float() -> None:
    a = Value(1.0)
    h = a * 2.0
    remove = h.register_hook(lambda g: np.float32(0.5))
    (h * 3.0).backward()
    remove()
    assert (type(h.grad), type(a.grad)) == (float, float) and a.grad == 1.0


def test_hooks_under_create_graph_see_values() -> None:
    x = Value(0.5)
    y = x * x
    seen: list[object] = []
    remove = y.register_hook(lambda g: seen.append(g) or g * y)  # a replacement with a graph
    (g,) = autograd.grad(y * 3.0, [x], create_graph=True)
    remove()
    assert isinstance(seen[0], Value) and seen[0].data == 3.0
    # g = 3 * x**2 * 2x = 6 x**3, so dg/dx = 18 x**2
    assert g.data == pytest.approx(6 * 0.5**3)
    assert autograd.grad(g, [x])[0].data == pytest.approx(18 * 0.25)


def test_hooks_run_for_functional_grad_which_touches_no_grad() -> None:
    a = Value(1.0)
    h = a * 2.0
    remove = h.register_hook(lambda g: g * 5.0)
    (ga,) = autograd.grad(h * h, [a])
    remove()
    assert ga.data == 2 * 2.0 * 5.0 * 2.0
    assert (a.grad, h.grad) == (0.0, 0.0)


def test_register_hook_rejects_non_callables() -> None:
    with pytest.raises(TypeError, match="register_hook expects a callable, got float"):
        Value(1.0).register_hook(1.0)  # type: ignore[arg-type]


@settings(max_examples=40)
@given(
    st.lists(st.floats(-2, 2), min_size=3, max_size=3),
    st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_pass_through_hooks_change_no_gradient(point: list[float], hooked: list[bool]) -> None:
    def run(with_hooks: bool) -> list[float]:
        a, b, c = (Value(p) for p in point)
        n1 = a * b
        n2 = (n1 + c).tanh()
        n3 = n2 * n1 - a
        n4 = autograd.dot([n1, n2, n3], [c, a, n2], b)
        n5 = n4.sigmoid() * n3
        removes = []
        if with_hooks:
            for node, on in zip([a, n1, n2, n3, n4, n5], hooked, strict=True):
                if on:
                    removes.append(node.register_hook(lambda g: None))
        n5.backward()
        for remove in removes:
            remove()
        return [a.grad, b.grad, c.grad, n1.grad, n2.grad, n3.grad, n4.grad]

    assert run(True) == pytest.approx(run(False), rel=1e-12, abs=1e-300)


# ---------------------------------------------------------------- which path: read from the graph


@pytest.fixture
def fast_path_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def general_path(*args: object, **kwargs: object) -> None:
        raise AssertionError("backward took the general path")

    monkeypatch.setattr(graph, "_gradients", general_path)


def test_a_hook_elsewhere_leaves_the_fast_path(fast_path_only: None) -> None:
    hooked = Value(1.0) * 2.0
    hooked.register_hook(lambda g: g)  # a node of another graph, never removed
    b = Value(3.0)
    (b * b).backward()
    assert b.grad == 6.0


def test_removed_hooks_leave_the_fast_path(fast_path_only: None) -> None:
    a = Value(3.0)
    h = a * a
    for node in (a, h):
        node.register_hook(lambda g: g)()
    (h * 2.0).backward()
    assert a.grad == 12.0


def zero_gradient(g: float) -> float:
    """A hook that pickle can find by name."""
    return 0.0


def test_hooks_survive_copies_of_a_model() -> None:
    """The issue's case: a copy of a hooked model, deleted, switched the original's hook off."""
    import nn

    model = nn.MLP(2, [3, 1])
    p = model.parameters()[0]
    p.register_hook(zero_gradient)
    copied = copy.deepcopy(model)
    for _ in range(3):
        pickled = pickle.loads(pickle.dumps(model))
        del pickled
    del copied
    gc.collect()
    model([0.5, -0.5])[0].backward()
    assert p.grad == 0.0  # the hook ran
    assert sum(q.grad != 0.0 for q in model.parameters()) > 0

    twin = copy.deepcopy(model)
    twin.zero_grad()
    twin([0.5, -0.5])[0].backward()  # the copy's parameter has the hook too
    assert twin.parameters()[0].grad == 0.0


@pytest.mark.parametrize("clone", [copy.deepcopy, lambda v: pickle.loads(pickle.dumps(v))])
def test_a_hooked_copy_puts_backward_on_watch(
    clone: Callable[[Value], Value], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in a new process that unpickles a hooked model: no hook was registered there."""
    x = Value(2.0)
    x.register_hook(zero_gradient)
    monkeypatch.setattr(hooks.HOOK_WATCH, "seen", False)
    (y := Value(1.0) * 3.0).backward()  # no hooks anywhere yet: the fast path
    assert not hooks.HOOK_WATCH.seen and y.grad == 1.0
    copied = clone(x)
    assert hooks.HOOK_WATCH.seen
    (copied * copied).backward()
    assert copied.grad == 0.0


def test_hooks_survive_copies_of_a_value() -> None:
    x = Value(2.0)
    x.register_hook(zero_gradient)
    for clone in (copy.deepcopy(x), pickle.loads(pickle.dumps(x)), copy.copy(x)):
        (clone * clone).backward()
        assert clone.grad == 0.0
    (x * x).backward()
    assert x.grad == 0.0


# ---------------------------------------------------------------- lifetime: no cycles, no leaks


def test_remove_after_the_node_is_freed_is_harmless(gc_off: None) -> None:
    h = Value(1.0) * 2.0
    remove = h.register_hook(print)
    del h
    remove()
    remove()


def test_a_hooked_graph_is_freed_by_reference_counting(gc_off: None) -> None:
    def make_hook() -> object:
        def hook(g: float) -> float:
            return g * 0.5

        return hook

    a, b = Value(0.3), Value(-0.8)
    nodes = [a * b]
    for _ in range(5):
        nodes.append((nodes[-1] * a + b).tanh())
    hook = make_hook()
    alive = weakref.ref(hook)
    removes = [nodes[i].register_hook(hook) for i in (0, 2, 4)]
    a.register_hook(hook)  # on a leaf, never removed
    del hook
    nodes[-1].backward()
    removes[1]()  # one removed, two left on intermediates, one on the leaf
    del nodes, removes
    assert alive() is not None  # the leaf a still holds it
    del a, b
    assert alive() is None  # everything went without gc.collect()


def test_create_graph_with_functional_grad_makes_no_cycles(gc_off: None) -> None:
    def make_hook() -> object:
        def hook(g: object) -> object:
            return g

        return hook

    x = Value(0.4)
    y = (x * x).tanh()
    hook = make_hook()
    alive = weakref.ref(hook)
    y.register_hook(hook)
    del hook
    (g,) = autograd.grad(y, [x], create_graph=True)
    (h,) = autograd.grad(g, [x])
    del y, g, h
    assert alive() is None
