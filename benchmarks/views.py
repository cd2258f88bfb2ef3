"""The views stepped in Chromium: milliseconds per state for the step-through of a 500-node
graph, the network view of a 784-16-16-10 MLP and its training view over 100 snapshots.

    python benchmarks/views.py

Each state is shown with view.js's `show(k)` followed by a forced layout (what the browser must
do before it can paint), timed with performance.now() inside the page. The baseline, measured in
the same page, rewrites every text slot at each state (what a view without per-state changes
would do). Target: under 50 ms per state (median and 95th percentile). Needs Playwright and
Debian's /usr/bin/chromium (see tests/browser.py). The training view's page must stay under
5 MB.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import autograd  # noqa: E402
import nn  # noqa: E402
from autograd import Value  # noqa: E402
from tests.browser import chromium, missing  # noqa: E402

TARGET_MS = 50.0
TARGET_PAGE_MB = 5.0

STEP_ALL = """([root, full]) => {
    const view = root.chainrule, n = +root.dataset.states, times = [];
    view.show(0, true);
    for (let k = 1; k < n; k++) {
        const t0 = performance.now();
        view.show(k, full);
        root.getBoundingClientRect(); root.querySelector('svg').getBBox();
        document.body.offsetHeight;  // force style and layout now
        times.push(performance.now() - t0);
    }
    for (let k = n - 2; k >= 0; k--) {  // and back
        const t0 = performance.now();
        view.show(k, full);
        document.body.offsetHeight;
        times.push(performance.now() - t0);
    }
    return times;
}"""


def graph(terms: int) -> Value:
    """sum of tanh(x_i * w_i): 6 drawn nodes per term (2 leaves, 2 ops with their results)."""
    xs = [Value(0.01 * i, f"x{i}") for i in range(terms)]
    ws = [Value(1.0 - 0.01 * i, f"w{i}") for i in range(terms)]
    out = autograd.sum((x * w).tanh() for x, w in zip(xs, ws))
    out.label = "loss"
    return out


def upsampled_digits(n: int) -> nn.Dataset:
    """The first n 8x8 digits as 28x28 images (nearest neighbour): MNIST-sized inputs."""
    d = nn.data.digits()
    xs = [
        [x[(r * 8 // 28) * 8 + (c * 8 // 28)] for r in range(28) for c in range(28)]
        for x in d.xs[:n]
    ]
    return nn.Dataset(xs, list(d.ys[:n]))


def network_views() -> list[tuple[str, object, float]]:
    """(name, view, seconds to build) for the 784-16-16-10 network and training views."""
    digits = upsampled_digits(198)
    model = nn.MLP(784, [16, 16, 10], seed=0)
    started = time.perf_counter()
    network = nn.network_view(model, digits.xs[0], target=digits.ys[0], loss="cross_entropy")
    network_s = time.perf_counter() - started
    # 99 steps of 2 examples, a snapshot before each and one of the trained weights: 100
    history = nn.fit(model, digits, epochs=1, batch_size=2, snapshot_every=1, progress=False)
    started = time.perf_counter()
    training = nn.training_view(model, history, data=digits)
    training_s = time.perf_counter() - started
    return [
        ("network view, MLP 784-16-16-10", network, network_s),
        (f"training view, {len(history['snapshots'])} snapshots", training, training_s),
    ]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    why = missing()
    if why is not None:
        sys.exit(f"benchmarks/views.py needs Chromium: {why}")
    out = graph(83)  # 83 * 6 + 2 = 500 drawn nodes
    started = time.perf_counter()
    view = autograd.step_through(out)
    view._repr_html_()  # states, Graphviz layout, SVG and JSON
    build_s = time.perf_counter() - started
    document = view.view_document()
    nodes = document.plan.node_count()
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        path = view.save_html(Path(tmp) / "view.html")
        size_kib = path.stat().st_size // 1024
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        page = context.new_page()
        page.goto(path.as_uri())
        root = page.locator("[data-chainrule-view]").element_handle()
        rows = []
        for name, full in [("view.js: changed slots only", False), ("baseline: every slot", True)]:
            times = page.evaluate(STEP_ALL, [root, full])
            rows.append((name, statistics.median(times), percentile(times, 0.95), max(times)))
        context.close()
    net_rows = []
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        context = browser.new_context(viewport={"width": 1000, "height": 900})
        for name, net_view, built_s in network_views():
            path = net_view.save_html(Path(tmp) / "net.html")  # type: ignore[attr-defined]
            page = context.new_page()
            page.goto(path.as_uri())
            root = page.locator("[data-chainrule-view]").element_handle()
            times = page.evaluate(STEP_ALL, [root, False])
            states = int(root.get_attribute("data-states"))
            mb = path.stat().st_size / 1e6
            net_rows.append(
                (
                    name,
                    states,
                    built_s,
                    mb,
                    statistics.median(times),
                    percentile(times, 0.95),
                    max(times),
                )
            )
            page.close()
        context.close()
    print(
        f"step-through of a {nodes}-node graph: {view.states} states, "
        f"built in Python in {build_s:.2f} s, page {size_kib} KiB\n"
    )
    print(
        "| stepping (each state forward, then back) | median ms | p95 ms | max ms | vs baseline | target |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    base = rows[1][1]
    for name, median, p95, worst in rows:
        print(
            f"| {name} | {median:.2f} | {p95:.2f} | {worst:.2f} | {median / base:.2f}x "
            f"| < {TARGET_MS:.0f} ms |"
        )
    print()
    print(
        "| network views (each state forward, then back) | states | built s | page MB | median ms | p95 ms | max ms | target |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, states, built_s, mb, median, p95, worst in net_rows:
        print(
            f"| {name} | {states} | {built_s:.2f} | {mb:.2f} | {median:.2f} | {p95:.2f} | "
            f"{worst:.2f} | < {TARGET_MS:.0f} ms, < {TARGET_PAGE_MB:.0f} MB |"
        )


if __name__ == "__main__":
    main()
