"""The network and training views in Chromium (network blocked): the contract hidden tests and
notebooks rely on (data-kind, data-neuron, data-weight, data-loss-node, data-layer, data-loss),
the numbers against the model and backward(), the order backward fills them in, and text never
under 10 px on screen at a 1,000 px-wide page. Skips (or fails in CI) without Chromium, as the
other browser tests do."""

from __future__ import annotations

import math
from typing import Any

import nn
from autograd import Value
from tests.viz import test_views_browser as base
from tests.viz.test_views_browser import Page

context = base.context  # the same 1000x800 page (Chromium comes from tests/conftest.py)

SMALLEST_TEXT = """root => {
    let smallest = Infinity, where = "";
    root.querySelectorAll("text, .cr-bar *, .cr-text").forEach(el => {
        if (!el.textContent.trim() || el.closest("[hidden]")) return;
        const box = el.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) return;
        let px = parseFloat(getComputedStyle(el).fontSize);
        if (el.getScreenCTM) px *= el.getScreenCTM().a;
        if (px < smallest) { smallest = px; where = el.textContent.slice(0, 30); }
    });
    return [smallest, where];
}"""

# The lowest WCAG contrast of any text against what is behind it: a neuron's circle for the
# number inside it, else the picture's white canvas.
LOWEST_CONTRAST = """root => {
  const rgb = c => (c.match(/[\\d.]+/g) || [0, 0, 0]).slice(0, 3).map(Number);
  const lum = c => { const v = rgb(c).map(x => { x /= 255;
      return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };
  let lowest = [99, ""];
  root.querySelectorAll("svg.cr-network text").forEach(t => {
    if (!t.textContent.trim()) return;
    const g = t.parentElement, circle = g.matches(".cr-neuron") && g.querySelector("circle");
    const inside = circle && Math.abs(+t.getAttribute("x") - +circle.getAttribute("cx")) < 1;
    const back = inside ? getComputedStyle(circle).fill : "rgb(255, 255, 255)";
    const r = ratio(getComputedStyle(t).fill, back);
    if (r < lowest[0]) lowest = [r, t.textContent];
  });
  return lowest;
}"""

READ = """root => ({
    state: +root.dataset.state,
    neurons: Object.fromEntries([...root.querySelectorAll("[data-neuron]")].map(
        el => [el.dataset.neuron, [el.dataset.activation, el.dataset.grad]])),
    weights: Object.fromEntries([...root.querySelectorAll("[data-weight]")].map(
        el => [el.dataset.weight, [el.dataset.value, el.dataset.grad]])),
    loss: [...root.querySelectorAll("[data-loss-node]")].map(
        el => [el.dataset.value, el.dataset.grad]),
})"""


def close(text: str, expected: float) -> bool:
    return math.isclose(float(text), expected, rel_tol=1e-9, abs_tol=1e-12)


def walk(p: Page, view: Any) -> list[dict[str, Any]]:
    """Every state, reached by clicking Next (attributes read right after each click)."""
    n = int(view.get_attribute("data-states"))
    seen = [view.evaluate(READ)]
    nxt = view.get_by_role("button", name="Next step")
    for k in range(1, n):
        nxt.click()
        seen.append(view.evaluate(READ))
        assert seen[-1]["state"] == k
    return seen


def check_backward_order(states: list[dict[str, Any]]) -> None:
    """Grads appear from the output side towards the inputs: a column gets its first grad no
    earlier than every column to its right."""
    first: dict[int, int] = {}
    for k, s in enumerate(states):
        for key, (_, grad) in s["neurons"].items():
            col = int(key.split(":")[0])
            if grad != "" and col not in first:
                first[col] = k
    cols = sorted(first)
    assert cols, "no gradient was ever shown"
    assert [first[c] for c in cols] == sorted((first[c] for c in cols), reverse=True)
    assert len(set(first.values())) > 1  # more than one backward state


def snapshot(model: nn.Module) -> list[tuple[float, float]]:
    return [(p.data, p.grad) for p in model.parameters()]


def open_view(context: Any, tmp_path: Any, view: Any) -> tuple[Page, Any]:
    path = view.save_html(tmp_path / "net.html")
    p = Page(context, path.as_uri())
    root = p.view()
    assert root.get_attribute("data-kind") == "network"
    for name in ("Previous step", "Next step", "Play"):
        assert root.get_by_role("button", name=name).is_visible()
    assert root.get_by_role("slider", name="State").is_visible()
    return p, root


def mlp_expected(model: nn.MLP, x: list[float], loss_fn: Any) -> tuple[dict[str, Any], Value]:
    """Activations and grads of every unit, from the model itself and backward()."""
    xs = [Value(v) for v in x]
    units = {f"0:{i}": v for i, v in enumerate(xs)}
    h: list[Any] = xs
    for L, layer in enumerate(model.layers, start=1):
        h = layer(h)
        units.update({f"{L}:{j}": v for j, v in enumerate(h)})
    loss = loss_fn(h)
    model.zero_grad()
    loss.backward()
    return units, loss


def test_an_mlp_2_3_1_follows_the_contract_and_ends_at_backwards_numbers(context, tmp_path):
    model = nn.MLP(2, [3, 1], seed=3)
    before = snapshot(model)
    view = nn.network_view(model, [2.0, -1.5], target=0.25, loss="mse")
    assert snapshot(model) == before  # looking changes nothing
    p, root = open_view(context, tmp_path, view)
    states = walk(p, root)
    assert states[0]["neurons"]["1:0"][0] == ""  # not computed yet
    assert states[0]["neurons"]["0:1"][0] == repr(-1.5)  # inputs are given
    check_backward_order(states)
    last = states[-1]
    units, loss = mlp_expected(model, [2.0, -1.5], lambda h: nn.mse_loss(h, 0.25))
    assert set(last["neurons"]) == set(units)
    for key, v in units.items():
        act, grad = last["neurons"][key]
        assert close(act, v.data) and close(grad, v.grad), key
    for L, layer in enumerate(model.layers, start=1):
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                value, grad = last["weights"][f"{L}:{j}:{i}"]
                assert value == repr(w.data) and close(grad, w.grad)
    assert close(last["loss"][0][0], loss.data) and last["loss"][0][1] == "1.0"
    smallest, where = root.evaluate(SMALLEST_TEXT)
    assert smallest >= 10, f"{where!r} is drawn at {smallest:.1f} px"
    for k in range(len(states)):
        root.evaluate(f"r => r.chainrule.show({k})")
        contrast, what = root.evaluate(LOWEST_CONTRAST)
        assert contrast >= 4.5, f"state {k}: {what!r} at {contrast:.2f}:1"
    # A neuron opens its own step-through with labelled weights.
    root.locator('[data-neuron="1:1"]').click()
    info = root.locator(".cr-info").first
    assert info.is_visible() and "w[1][1][0]" in info.inner_text()
    assert p.errors == [] and p.requests == []


def digits_784(seed: int = 0) -> list[float]:
    """An 8x8 digit upsampled to 28x28 (nearest neighbour, as a 784-input net expects)."""
    pixels = list(nn.data.digits().xs[seed])
    side = math.isqrt(len(pixels))
    return [
        pixels[(r * side // 28) * side + (c * side // 28)] for r in range(28) for c in range(28)
    ]


def test_an_mlp_784_16_16_10_draws_its_inputs_as_an_image(context, tmp_path):
    model = nn.MLP(784, [16, 16, 10], seed=0)
    x = digits_784()
    before = snapshot(model)
    view = nn.network_view(model, x, target=3, loss="cross_entropy")
    assert snapshot(model) == before
    p, root = open_view(context, tmp_path, view)
    layer = root.locator('[data-layer="0"][data-shape="28x28"]')
    assert layer.count() == 1
    states = walk(p, root)
    check_backward_order(states)
    last = states[-1]
    units, _ = mlp_expected(model, x, lambda h: nn.cross_entropy(h, 3))
    for key, (act, grad) in last["neurons"].items():  # the drawn ones: 42 + 8 named inputs
        assert close(act, units[key].data) and close(grad, units[key].grad), key
    assert sum(k.startswith("0:") for k in last["neurons"]) == 8
    assert len(last["weights"]) == 16 * 16 + 16 * 10
    smallest, where = root.evaluate(SMALLEST_TEXT)
    assert smallest >= 10, f"{where!r} is drawn at {smallest:.1f} px"
    assert p.errors == []


def test_an_rnn_unrolled_over_5_steps(context, tmp_path):
    model = nn.SequenceModel(1, 3, 1, seed=0)
    xs = [[0.1], [0.5], [-0.3], [0.8], [0.2]]
    targets = [0.5, -0.3, 0.8, 0.2, 0.0]
    before = snapshot(model)
    view = nn.network_view(model, xs, target=targets, loss="mse")
    assert snapshot(model) == before
    p, root = open_view(context, tmp_path, view)
    states = walk(p, root)
    check_backward_order(states)
    last = states[-1]
    outs, _ = model(xs)
    losses = [nn.mse_loss(y, t) for y, t in zip(outs, targets, strict=True)]
    loss = sum(losses[1:], losses[0]) / 5
    model.zero_grad()
    loss.backward()
    hs = model.rnn._steps  # the hidden states the model recorded for this forward
    for t in range(5):
        for j in range(3):  # column t + 1 holds h(t), units 0..2
            act, grad = last["neurons"][f"{t + 1}:{j}"]
            assert close(act, hs[t][j].data) and close(grad, hs[t][j].grad)
        y = outs[t][0]  # column t + 2 holds y(t) after h(t+1) and x(t+2)
        key = [k for k in last["neurons"] if k.startswith(f"{t + 2}:")][-1]
        act, grad = last["neurons"][key]
        assert close(act, y.data) and close(grad, y.grad)
    w_hh = model.rnn.cell.w_hh
    for t in range(1, 6):
        value, grad = last["weights"][f"{t}:0:1"]  # every copy shows the shared total
        assert value == repr(w_hh[0][1].data) and close(grad, w_hh[0][1].grad)
    smallest, where = root.evaluate(SMALLEST_TEXT)
    assert smallest >= 10, f"{where!r} is drawn at {smallest:.1f} px"
    assert p.errors == []


def test_a_training_view_of_moons_scrubs_through_the_snapshots(context, tmp_path):
    moons = nn.data.moons(60, seed=0)
    model = nn.MLP(2, [6, 6, 2], seed=0)
    history = nn.fit(model, moons, epochs=12, batch_size=20, snapshot_every=3, progress=False)
    before = snapshot(model)
    view = nn.training_view(model, history, data=moons)
    assert snapshot(model) == before  # looking changes nothing
    path = view.save_html(tmp_path / "training.html")
    p = Page(context, path.as_uri())
    root = p.view()
    assert root.get_attribute("data-kind") == "training"
    n = int(root.get_attribute("data-states"))
    assert n == len(history["snapshots"]) == 13  # 36 steps: every 3rd, and the trained weights
    params = model.parameters()
    index = {id(w): k for k, w in enumerate(params)}
    nxt = root.get_by_role("button", name="Next step")
    slider = root.get_by_role("slider", name="State")
    for k in [0, 1, 2, 6, 12, 11]:
        if k == p.state(root) + 1:
            nxt.click()
        else:
            slider.fill(str(k))
        assert p.state(root) == k
        assert root.get_attribute("data-loss") == repr(history["snapshot_loss"][k])
        weights = root.evaluate(READ)["weights"]
        snap = history["snapshots"][k]
        for L, layer in enumerate(model.layers, start=1):
            for j, neuron in enumerate(layer.neurons):
                for i, w in enumerate(neuron.w):
                    assert weights[f"{L}:{j}:{i}"][0] == repr(snap[index[id(w)]])
    root.focus()
    p.page.keyboard.press("Home")
    assert p.state(root) == 0 and root.get_attribute("data-loss") == repr(
        history["snapshot_loss"][0]
    )
    assert root.locator("image").count() == 1  # the decision boundary
    smallest, where = root.evaluate(SMALLEST_TEXT)
    assert smallest >= 10, f"{where!r} is drawn at {smallest:.1f} px"
    assert p.errors == [] and p.requests == []


def test_the_readme_screenshot_of_the_network_view(chromium, tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "render_readme_images", base.ROOT / "examples" / "render_readme_images.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data = module.network_screenshot(tmp_path, chromium).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and 20_000 < len(data) < 500_000
    assert (base.ROOT / "docs" / "images" / "network_view.png").exists()  # the README's copy


COURSE_MODELS = {  # the networks notebooks 04, 05, 06 and 09 build, each with an input
    "04 MLP 2-2-1": lambda: (nn.MLP(2, [2, 1], seed=0), [0.5, -1.0], 1.0),
    "04 MLP 2-16-16-1": lambda: (nn.MLP(2, [16, 16, 1], seed=0), [0.5, -1.0], 1.0),
    "05 MLP 64-16-16-10": lambda: (nn.MLP(64, [16, 16, 10], seed=0), [0.5] * 64, 3),
    "06 RNN 1-8 over 12 steps": lambda: (
        nn.RNN(1, 8, seed=0),
        [[math.sin(t / 2)] for t in range(12)],
        [[0.1] * 8] * 12,
    ),
}


def test_no_text_under_10_px_for_the_course_models(context, tmp_path):
    for name, make in COURSE_MODELS.items():
        model, x, target = make()
        path = nn.network_view(model, x, target=target).save_html(tmp_path / "net.html")
        p = Page(context, path.as_uri())
        root = p.view()
        for k in (0, int(root.get_attribute("data-states")) - 1):
            root.evaluate(f"r => r.chainrule.show({k})")
            smallest, where = root.evaluate(SMALLEST_TEXT)
            assert smallest >= 10, f"{name}, state {k}: {where!r} at {smallest:.1f} px"
        root.focus()  # the keys step it, as any view
        p.page.keyboard.press("End")
        assert p.state(root) == int(root.get_attribute("data-states")) - 1
        p.page.keyboard.press("ArrowLeft")
        assert p.state(root) == int(root.get_attribute("data-states")) - 2
        assert p.errors == [], name
        p.page.close()
