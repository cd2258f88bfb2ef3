"""Render the README's pictures: a drawn graph, one state of the step-through, and the
interactive step-through and network view as Chromium shows them.

    python examples/render_readme_images.py               # writes docs/images/*.png
    python examples/render_readme_images.py --out DIR     # somewhere else
    python examples/render_readme_images.py --no-browser  # skip the browser screenshot

Re-run it (``make images``) after changing how graphs are drawn, and commit the PNGs.
Needs the viz extra (Graphviz: system dot or graphviz-pure); the screenshot needs Playwright
(dev extra) and Debian's /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from autograd import Value, draw_graph, step_through
from autograd.viz import replay_backward

ROOT = Path(__file__).resolve().parent.parent
VIEW_STATE = 15  # the step-through view at backward's step 4: n passes its grad on
DPI = "80"  # small files; top to bottom, so GitHub shows them without shrinking


def neuron() -> Value:
    """out = tanh(x1*w1 + x2*w2 + b) + x1: a neuron with a skip connection, so x1 is used twice."""
    x1, x2 = Value(1.0, "x1"), Value(-2.0, "x2")
    w1, w2 = Value(0.5, "w1"), Value(-0.25, "w2")
    b = Value(0.1, "b")
    x1w1 = x1 * w1
    x1w1.label = "x1w1"
    x2w2 = x2 * w2
    x2w2.label = "x2w2"
    n = x1w1 + x2w2 + b
    n.label = "n"
    t = n.tanh()
    t.label = "t"
    out = t + x1
    out.label = "out"
    return out


def render(out_dir: Path) -> list[Path]:
    """Write graph.png and step_through.png into ``out_dir``; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    params = _params(neuron_root := neuron())
    neuron_root.backward()
    graph = draw_graph(neuron_root, show_local=True, params=params, format="png", rankdir="TB")
    graph.digraph.attr(dpi=DPI)

    replay_root = neuron()
    replay = replay_backward(replay_root)
    # State 3: n has just passed its grad on; x1 holds one of its two contributions so far.
    state = replay.draw(3, caption=True, params=_params(replay_root), format="png", rankdir="TB")
    state.digraph.attr(dpi=DPI)

    paths = []
    for name, drawing in [("graph", graph), ("step_through", state)]:
        path = out_dir / f"{name}.png"
        path.write_bytes(drawing.pipe())
        paths.append(path)
    return paths


def screenshot(out_dir: Path, browser: Any = None) -> Path:
    """The step-through view of the same neuron, as Chromium shows it, at `VIEW_STATE`
    (in ``browser``, a Playwright Browser, or a headless Chromium started here)."""
    if browser is None:
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        from tests.browser import chromium

        with chromium() as started:
            return screenshot(out_dir, started)
    root = neuron()
    view = step_through(root, rankdir="TB", params=_params(root), start=VIEW_STATE)
    path = out_dir / "step_through_view.png"
    with tempfile.TemporaryDirectory() as tmp:
        page_path = view.save_html(Path(tmp) / "view.html")
        context = browser.new_context(viewport={"width": 900, "height": 1400})
        page = context.new_page()
        page.goto(page_path.as_uri())
        page.locator("[data-chainrule-view]").screenshot(path=str(path))
        context.close()
    return path


def network_screenshot(out_dir: Path, browser: Any = None) -> Path:
    """`nn.network_view` of the README's 64-16-16-10 digits MLP (untrained, seed 0) on the first
    digit, during backward: layer 2's nudges formed from the outputs' (network_view.png)."""
    if browser is None:
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        from tests.browser import chromium

        with chromium() as started:
            return network_screenshot(out_dir, started)
    import nn

    digits = nn.data.digits()
    model = nn.MLP(64, [16, 16, 10], activation="tanh", seed=0)
    view = nn.network_view(model, digits.xs[0], target=digits.ys[0], loss="cross_entropy")
    path = out_dir / "network_view.png"
    with tempfile.TemporaryDirectory() as tmp:
        page_path = view.save_html(Path(tmp) / "network.html")
        context = browser.new_context(viewport={"width": 1000, "height": 900})
        page = context.new_page()
        page.goto(page_path.as_uri())
        root = page.locator("[data-chainrule-view]")
        root.get_by_role("slider", name="State").fill(str(view.states - 3))
        root.screenshot(path=str(path))
        context.close()
    _fewer_colours(path)
    return path


def _fewer_colours(path: Path) -> None:
    """Rewrite a screenshot with 128 colours (a quarter of the bytes) when Pillow is there."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        fewer = image.convert("RGB").quantize(colors=128, method=Image.Quantize.FASTOCTREE)
    fewer.save(path, optimize=True)


def _params(root: Value) -> list[Value]:
    """The neuron's weights and bias, found by label."""
    from autograd import topological_order

    return [v for v in topological_order(root) if v.label in {"w1", "w2", "b"}]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--no-browser", action="store_true", help="skip the browser screenshot")
    args = parser.parse_args(argv)
    paths = render(args.out)
    if not args.no_browser:
        paths.append(screenshot(args.out))
        paths.append(network_screenshot(args.out))
    for path in paths:
        print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
