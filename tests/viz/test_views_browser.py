"""The graph views where a learner sees them: in Chromium (Playwright from PyPI driving Debian's
/usr/bin/chromium), from a saved page and from an nbconvert export of notebook 02, with the
network blocked. Without Chromium these tests do not run and the summary says so (in CI, where
CI=true, that is a failure)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import autograd
from autograd import Value

ROOT = Path(__file__).resolve().parents[2]
# nbconvert's own page template links these two scripts; nothing of ours may request anything.
NBCONVERT_TEMPLATE_URLS = (
    "cdnjs.cloudflare.com/ajax/libs/mathjax",
    "cdnjs.cloudflare.com/ajax/libs/require.js",
)


@pytest.fixture
def context(chromium: Any) -> Iterator[Any]:
    ctx = chromium.new_context(viewport={"width": 1000, "height": 800})
    yield ctx
    ctx.close()


class Page:
    """A page with every request outside the file recorded and refused."""

    def __init__(self, context: Any, url: str) -> None:
        self.page = context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def refuse(route: Any) -> None:
            request_url = route.request.url
            if request_url.startswith(("file://", "data:", "about:")):
                route.continue_()
            else:
                self.requests.append(request_url)
                route.abort()

        self.page.route("**/*", refuse)
        self.page.goto(url)
        self.page.wait_for_load_state("load")

    def view(self, n: int = 0) -> Any:
        return self.page.locator("[data-chainrule-view]").nth(n)

    def positions(self, view: Any) -> dict[str, tuple[float, float]]:
        """Each node's position inside the SVG (so scrolling the view does not count)."""
        return view.evaluate(
            """root => Object.fromEntries([...root.querySelectorAll('[data-node]')].map(
                   el => { const b = el.getBBox(); return [el.dataset.i, [b.x, b.y]]; }))"""
        )

    def state(self, view: Any) -> int:
        return int(view.get_attribute("data-state"))


def in_viewport(page: Any, locator: Any) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


def wide_graph() -> Value:
    """A sum of many products: wider than the page, so fitting and scrolling matter."""
    xs = [Value(0.1 * i, f"x{i}") for i in range(12)]
    ws = [Value(1.0 - 0.1 * i, f"w{i}") for i in range(12)]
    out = autograd.sum((x * w).tanh() for x, w in zip(xs, ws)) * Value(2.0, "scale")
    out.label = "out"
    return out


def readme_neuron() -> Value:
    """README's "See it" graph."""
    x, w = Value(2.0, "x"), Value(-0.5, "w")
    out = (x * w + x).tanh()
    out.label = "out"
    return out


def current_nodes(view: Any) -> list[str]:
    return view.evaluate(
        "root => [...root.querySelectorAll('[data-current=\"true\"]')].map(e => e.dataset.node)"
    )


def step_and_check(p: Page, view: Any) -> None:
    """Forward and back through every control: positions hold, one current node, in view."""
    n = int(view.get_attribute("data-states"))
    start = p.positions(view)
    nxt = view.get_by_role("button", name="Next step")
    prev = view.get_by_role("button", name="Previous step")
    assert p.state(view) == 0
    for k in range(1, min(n, 12)):
        nxt.click()
        assert p.state(view) == k
        assert len(current_nodes(view)) == 1
        assert p.positions(view) == start  # nothing moves between states
        for control in (nxt, prev, view.get_by_role("slider", name="State")):
            assert in_viewport(p.page, control)
        current = view.locator('[data-current="true"]')
        assert in_viewport(p.page, current), f"state {k}: the current node is off-screen"
    prev.click()
    assert p.state(view) == min(n, 12) - 2
    view.focus()
    p.page.keyboard.press("End")
    assert p.state(view) == n - 1
    p.page.keyboard.press("ArrowLeft")
    assert p.state(view) == n - 2
    p.page.keyboard.press("Home")
    assert p.state(view) == 0
    p.page.keyboard.press("ArrowRight")
    assert p.state(view) == 1
    view.get_by_role("slider", name="State").fill(str(n - 1))
    assert p.state(view) == n - 1
    assert p.positions(view) == start


def holds_still(p: Page, view: Any) -> None:
    """Every state: each node's rectangle on screen is the same, and the controls and the
    current node are inside the window (the view's top scrolled to the window's top)."""
    view.evaluate("el => el.scrollIntoView({block: 'start'})")
    assert view.get_attribute("data-fit") == "whole"
    seen = view.evaluate(
        """root => {
            const r = el => { const b = el.getBoundingClientRect();
                              return [b.left, b.top, b.right, b.bottom].map(v => v.toFixed(2)); };
            const inside = el => { const b = el.getBoundingClientRect();
                return b.top >= 0 && b.left >= 0 && b.bottom <= innerHeight
                       && b.right <= innerWidth; };
            const out = [];
            for (let k = 0; k < +root.dataset.states; k++) {
                root.chainrule.show(k);
                const nodes = {};
                root.querySelectorAll('[data-node]').forEach(el => nodes[el.dataset.i] = r(el));
                const current = root.querySelector('[data-current="true"]');
                const controls = [...root.querySelectorAll('.cr-bar button, .cr-slider')];
                out.push({nodes, current: !current || inside(current),
                          controls: controls.length > 0 && controls.every(inside),
                          scroll: [scrollX, scrollY]});
            }
            return out;
        }"""
    )
    for k, state in enumerate(seen):
        assert state["nodes"] == seen[0]["nodes"], f"state {k}: a node moved on screen"
        assert state["current"], f"state {k}: the current node is off-screen"
        assert state["controls"], f"state {k}: a control is off-screen"
        assert state["scroll"] == seen[0]["scroll"]
    nxt = view.get_by_role("button", name="Next step")
    view.evaluate("el => el.chainrule.show(0)")
    for _ in range(3):  # and the same through a real click
        nxt.click()
        assert p.page.evaluate("() => [scrollX, scrollY]") == seen[0]["scroll"]
    assert (
        view.evaluate(
            """root => Object.fromEntries([...root.querySelectorAll('[data-node]')].map(el => {
               const b = el.getBoundingClientRect();
               return [el.dataset.i, [b.left, b.top, b.right, b.bottom].map(v => v.toFixed(2))];
           }))"""
        )
        == seen[0]["nodes"]
    )


def test_a_small_graph_holds_still_on_screen_in_every_state(context, tmp_path):
    path = autograd.step_through(readme_neuron()).save_html(tmp_path / "steps.html")
    p = Page(context, path.as_uri())
    holds_still(p, p.view())
    assert p.errors == []


def test_a_saved_step_through_steps_from_a_file_with_the_network_blocked(context, tmp_path):
    out = wide_graph()
    path = autograd.step_through(out).save_html(tmp_path / "steps.html")
    p = Page(context, path.as_uri())
    view = p.view()
    n = int(view.get_attribute("data-states"))
    assert n == len(autograd.topological_order(out)) + 1 + 26  # forward, seed, backward
    width = view.locator("svg.cr-graph").bounding_box()["width"]
    assert width <= 1000 - 2 * 8  # fitted to the page (body margin 1rem)
    step_and_check(p, view)
    # Play runs on its own, reads "Pause" while playing, and stops at the end.
    p.page.keyboard.press("Home")
    view.locator(".cr-speed").select_option("4")
    view.get_by_role("button", name="Play").click()
    assert view.get_by_role("button", name="Pause").is_visible()
    p.page.wait_for_function(
        "el => +el.dataset.state >= 3", arg=view.element_handle(), timeout=5000
    )
    view.get_by_role("button", name="Pause").click()
    stopped = p.state(view)
    p.page.wait_for_timeout(700)
    assert p.state(view) == stopped and view.get_by_role("button", name="Play").is_visible()
    assert p.requests == [] and p.errors == []


def test_clicking_a_node_shows_its_op_data_grad_locals_and_uses(context, tmp_path):
    x, w = Value(2.0, "x"), Value(-0.5, "w")
    out = (x * w + x).tanh()
    out.label = "out"
    path = autograd.step_through(out, start=8).save_html(tmp_path / "steps.html")
    p = Page(context, path.as_uri())
    view = p.view()
    view.locator('[data-node="x"]').click()
    info = view.locator(".cr-info")
    assert info.is_visible()
    text = info.inner_text()
    assert "uses: 2" in text and "grad 0.21" in text and "leaf" in text
    nudges = info.locator("table.cr-nudge tr")
    assert nudges.count() == 5  # a header and h = 0.001, 0.01, 0.1, 1
    assert nudges.nth(1).inner_text().split() == ["0.001", "0.00021", "0.0002099"]
    view.locator('[data-node="#2"]').click()
    text = info.inner_text()
    assert "op: ×" in text and "d #2 / d x" in text and "d #2 / d w" in text
    assert x.grad == 0.0  # and nothing was changed by looking


def test_the_node_details_are_all_visible_and_cover_no_node(context, tmp_path):
    path = autograd.step_through(readme_neuron()).save_html(tmp_path / "steps.html")
    p = Page(context, path.as_uri())
    view = p.view()
    view.locator('[data-node="x"]').click(timeout=3000)
    info = view.locator(".cr-info")
    assert info.is_visible()
    assert info.evaluate("el => el.scrollHeight <= el.clientHeight")  # no scrolling inside it
    rows = info.locator("table.cr-nudge tr")
    assert rows.count() == 5
    for k in range(rows.count()):  # header and h = 0.001 .. 1, all on screen
        assert in_viewport(p.page, rows.nth(k)), f"nudge row {k} is not visible"
    for name in ("out", "w", "x"):  # every node stays clickable: the panel covers none
        view.locator(f'[data-node="{name}"]').click(timeout=3000)
        assert info.locator("b").first.inner_text() == name
    view.get_by_role("button", name="Close").click()
    assert not info.is_visible()
    view.locator('[data-node="w"]').focus()  # and from the keyboard
    p.page.keyboard.press("Enter")
    assert info.is_visible() and info.locator("b").first.inner_text() == "w"
    assert p.errors == []


def test_a_drawing_is_the_same_view_with_one_state(context, tmp_path):
    out = wide_graph()
    out.backward()
    path = autograd.draw_graph(out, show_local=True).save_html(tmp_path / "graph.html")
    p = Page(context, path.as_uri())
    view = p.view()
    assert view.get_attribute("data-states") == "1"
    assert view.get_attribute("data-state") == "0"
    assert view.get_by_role("button", name="Zoom in").is_visible()
    before = view.locator("svg.cr-graph").bounding_box()["width"]
    view.get_by_role("button", name="Zoom in").click()
    assert view.locator("svg.cr-graph").bounding_box()["width"] > before
    assert p.requests == [] and p.errors == []


def test_a_dots_constants_are_on_screen_without_show_local(context, tmp_path):
    w1, w2, b = Value(1.0, "w1"), Value(2.0, "w2"), Value(0.3, "b")
    y = autograd.dot([w1, w2], [0.5, -1.0], bias=b)
    y.label = "y"
    for view_object in (autograd.draw_graph(y), autograd.step_through(y, show_local=False)):
        p = Page(context, view_object.save_html(tmp_path / "dot.html").as_uri())
        labels = p.view().locator("text.cr-elabel")
        shown = [labels.nth(i).text_content() for i in range(labels.count())]
        assert {"× 0.5", "× (-1)", "× 1"} <= set(shown)
        assert labels.filter(has_text="× 0.5").first.is_visible()
        assert p.errors == []


def test_without_javascript_the_picture_and_the_hint_show(chromium, tmp_path):
    out = wide_graph()
    path = autograd.step_through(out, start=5).save_html(tmp_path / "steps.html")
    ctx = chromium.new_context(viewport={"width": 1000, "height": 800}, java_script_enabled=False)
    with ctx:
        p = Page(ctx, path.as_uri())
        view = p.view()
        svg = view.locator("svg.cr-graph")
        assert svg.is_visible() and svg.bounding_box()["width"] <= 1000
        # The picture is the end of backward (whatever state the live view opens at): the
        # last state, one current node, no box reading "?".
        assert int(view.get_attribute("data-state")) == int(view.get_attribute("data-states")) - 1
        assert len(current_nodes(view)) == 1
        assert "?" not in svg.text_content()
        hint = view.locator(".cr-nojs")
        text = hint.inner_text()
        assert hint.is_visible() and "allow JavaScript for this file" in text
        assert "end of backward" in text
        assert "save_html" not in text and "notebook" not in text  # it is neither
        assert not view.get_by_role("button", name="Play").is_visible()  # no dead controls
        assert p.requests == []


@pytest.mark.slow
def test_notebook_02_exported_by_nbconvert_steps_offline(context, tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    notebook = ROOT / "notebooks" / "02_stepping_through_backward.ipynb"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbconvert",
            "--to",
            "html",
            "--execute",
            str(notebook),
            "--output-dir",
            str(tmp_path),
            "--ExecutePreprocessor.timeout=120",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    exported = tmp_path / "02_stepping_through_backward.html"
    assert "Generated by graphviz" not in exported.read_text(encoding="utf-8")  # each graph once
    p = Page(context, exported.as_uri())
    views = p.page.locator("[data-chainrule-view]")
    assert views.count() >= 2
    stepping = [
        views.nth(i)
        for i in range(views.count())
        if views.nth(i).get_attribute("data-states") != "1"
    ]
    assert stepping, "notebook 02 shows a step-through"
    for i in range(views.count()):  # every graph fits the output
        box = views.nth(i).locator("svg.cr-graph").bounding_box()
        assert box["width"] <= 1000
    view = stepping[0]
    holds_still(p, view)  # the top-to-bottom neuron (about 690 x 800 px) fits whole
    view.evaluate("el => el.chainrule.show(0)")
    view.scroll_into_view_if_needed()
    p.page.evaluate("window.scrollBy(0, -20)")
    view.get_by_role("button", name="Next step").click()
    assert p.state(view) == 1
    assert len(current_nodes(view)) == 1
    assert [u for u in p.requests if not any(t in u for t in NBCONVERT_TEMPLATE_URLS)] == []
    assert p.errors == []
    # Each view's picture output (for untrusted notebooks) is hidden by the live view...
    hidden = p.page.locator('[data-chainrule-companion="hidden"]')
    assert hidden.count() == views.count() and not hidden.first.is_visible()
    # ... and is what a reader with scripts off sees, with a hint that fits a web page.
    ctx = context.browser.new_context(
        viewport={"width": 1000, "height": 800}, java_script_enabled=False
    )
    with ctx:
        off = Page(ctx, exported.as_uri())
        pictures = off.page.locator(".jp-OutputArea-child img")
        assert pictures.count() >= views.count() and pictures.first.is_visible()
        hint = off.page.locator(".cr-nojs").first.inner_text()
        assert "in a web page exported from it, allow JavaScript" in hint
        assert off.page.locator("svg.cr-graph").count() == 0  # one picture each, not two


def test_the_readme_screenshot_of_the_step_through(chromium, tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "render_readme_images", ROOT / "examples" / "render_readme_images.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data = module.screenshot(tmp_path, chromium).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and 10_000 < len(data) < 200_000
    assert (ROOT / "docs" / "images" / "step_through_view.png").exists()  # the README's copy


def test_in_a_tall_graph_each_step_brings_its_node_into_view(context, tmp_path):
    x = Value(0.5, "x")
    y = x
    for k in range(30):  # a chain drawn top to bottom: far taller than the viewport
        y = (y * 1.01).tanh()
        y.label = f"h{k}"
    path = autograd.step_through(y, rankdir="TB", forward=False).save_html(tmp_path / "t.html")
    p = Page(context, path.as_uri())
    view = p.view()
    scroller = view.locator(".cr-scroll")
    assert scroller.evaluate("el => el.scrollHeight > el.clientHeight")  # it does scroll
    view.focus()
    for k in (1, 20, 40, 60):
        view.evaluate(f"el => el.chainrule.show({k})")
        current = view.locator('[data-current="true"]')
        inside = current.evaluate(
            """(node) => { const a = node.getBoundingClientRect(),
                   b = node.closest('.cr-scroll').getBoundingClientRect();
                   return a.top >= b.top && a.bottom <= b.bottom; }"""
        )
        assert inside, f"state {k}: the current node is scrolled out of the view"
    p.page.keyboard.press("Home")
    p.page.keyboard.press("Space")  # Space plays; the button then reads Pause
    assert view.get_by_role("button", name="Pause").is_visible()
    p.page.keyboard.press("Space")
    assert view.get_by_role("button", name="Play").is_visible()
    assert p.errors == []


def test_in_a_notebook_panel_the_view_fits_the_height_the_reader_sees(chromium, tmp_path):
    # JupyterLab and Notebook 7 scroll the notebook in a panel shorter than the window: the
    # view fits that panel, so the graph holds still and every step's node is in sight.
    context = chromium.new_context(viewport={"width": 1000, "height": 1000})
    panel_height = 850
    x1, x2 = Value(2.0, "x1"), Value(-2.0, "x2")
    w1, w2, b = Value(0.5, "w1"), Value(-0.25, "w2"), Value(0.1, "b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1.label, x2w2.label = "x1w1", "x2w2"
    n = x1w1 + x2w2 + b
    n.label = "n"
    t = n.tanh()
    t.label = "t"
    out = t + x1  # notebook 02's neuron: top to bottom, 795 px tall at full size
    out.label = "out"
    view_html = autograd.step_through(out, rankdir="TB")._repr_html_()
    page = tmp_path / "notebook.html"
    page.write_text(
        "<!doctype html><html><head><meta charset='utf-8'></head><body style='margin:0'>"
        f"<div id='panel' style='height:{panel_height}px; overflow:auto'>"
        "<div style='height:150px'>cells above</div>"
        f"{view_html}<div style='height:1500px'>cells below</div></div></body></html>",
        encoding="utf-8",
    )
    p = Page(context, page.as_uri())
    view = p.view()
    view.evaluate("el => el.scrollIntoView({block: 'start'})")
    assert view.get_attribute("data-fit") == "whole"
    assert view.bounding_box()["height"] <= panel_height
    outside = view.evaluate(
        """root => {
            const panel = document.getElementById('panel').getBoundingClientRect();
            const bad = [];
            for (let k = 0; k < +root.dataset.states; k++) {
                root.chainrule.show(k);
                const b = root.querySelector('[data-current="true"]').getBoundingClientRect();
                if (b.top < panel.top || b.bottom > panel.bottom) bad.push(k);
            }
            return bad;
        }"""
    )
    assert outside == [], f"states whose node is outside the panel: {outside}"
    assert p.requests == [] and p.errors == []


SMALLEST_TEXT = """root => {
    const svg = root.querySelector('svg.cr-graph');
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    let least = 1e9;
    svg.querySelectorAll('text').forEach(t => { if (t.textContent.trim())
        least = Math.min(least, parseFloat(getComputedStyle(t).fontSize) * scale); });
    return least;
}"""


@pytest.mark.parametrize(
    ("graph", "width", "height"),
    [(readme_neuron, 390, 844), (wide_graph, 1024, 768), (wide_graph, 390, 844)],
)
def test_no_text_is_drawn_below_6_6_px_whatever_limits_the_fit(
    chromium, tmp_path, graph, width, height
):
    # Width-limited graphs shrank to 3.8 px (the README neuron on a phone): the floor holds in
    # both directions, and the stage pans instead.
    path = autograd.step_through(graph()).save_html(tmp_path / "v.html")
    ctx = chromium.new_context(viewport={"width": width, "height": height})
    with ctx:
        p = Page(ctx, path.as_uri())
        view = p.view()
        assert view.evaluate(SMALLEST_TEXT) >= 6.6 - 1e-6
        if width < 560:  # a narrow view folds zoom behind "More"
            view.get_by_role("button", name="More controls: speed and zoom").click()
        view.get_by_role("button", name="Fit to the view").click()
        assert view.evaluate(SMALLEST_TEXT) >= 6.6 - 1e-6
        if view.get_attribute("data-fit") != "whole":  # what does not fit pans to each node
            for k in (3, 20, 40):
                view.evaluate(f"el => el.chainrule.show({k})")
                inside = view.locator('[data-current="true"]').evaluate(
                    """node => { const a = node.getBoundingClientRect(),
                           b = node.closest('.cr-scroll').getBoundingClientRect();
                           return a.left >= b.left - 1 && a.right <= b.right + 1; }"""
                )
                assert inside, k
        assert p.errors == []


def test_the_details_panel_tells_the_state_shown(context, tmp_path):
    x1, w1 = Value(2.0, "x1"), Value(0.5, "w1")
    out = (x1 * w1).tanh()
    out.label = "out"
    p = Page(context, autograd.step_through(out).save_html(tmp_path / "v.html").as_uri())
    view = p.view()
    view.evaluate("el => el.chainrule.show(1)")  # forward: w1 computed, the product not yet
    view.locator('[data-node="#2"]').click()
    info = view.locator(".cr-info")
    graph_rows = view.locator('[data-node="#2"] text')
    assert "data ?" in graph_rows.all_text_contents()
    assert "data ?" in info.inner_text() and "grad ?" in info.inner_text()
    assert "state 2 of" in info.inner_text()
    view.locator('[data-node="w1"]').click()
    text = info.inner_text()
    assert "data 0.5" in text and "grad 0" in text
    assert "predicted with its final grad" in text  # the nudge rows use the end of backward
    info.evaluate("el => { el.firstElementChild.dataset.mark = 'same'; }")
    view.get_by_role("button", name="Next step").click()  # the panel follows, not rebuilt
    view.evaluate("el => el.chainrule.show(+el.dataset.states - 1)")
    assert info.locator("[data-mark='same']").count() == 1
    assert "grad 0.8399" in info.inner_text()  # by hand: x1 * (1 - tanh(1)^2) = 2 * 0.419974
    assert info.get_attribute("aria-live") is None  # stepping does not re-announce it
    assert p.errors == []


def test_keyboard_and_screen_reader(context, tmp_path):
    out = readme_neuron()
    p = Page(context, autograd.step_through(out).save_html(tmp_path / "v.html").as_uri())
    view = p.view()
    text = view.locator(".cr-text")
    assert text.get_attribute("aria-live") == "polite"  # the step explanation is announced
    assert view.locator(".cr-count").get_attribute("aria-live") is None
    view.evaluate("el => el.chainrule.show(+el.dataset.states - 1)")
    # A node's name is what it shows: its label, data and grad (no "show details" alone).
    x = view.get_by_role("button", name=re.compile(r"^x data 2 grad -?\d"))
    assert x.count() == 1
    x.focus()
    p.page.keyboard.press("Enter")
    info = view.locator(".cr-info")
    assert info.is_visible()
    p.page.keyboard.press("Escape")
    assert not info.is_visible()
    assert view.evaluate("root => document.activeElement.dataset.node") == "x"
    # The focus ring shows on the current node too (its red outline hid it).
    current = view.locator('[data-current="true"]')
    current.evaluate("el => el.focus({focusVisible: true})")
    ring = current.locator("rect.cr-ring")
    assert ring.evaluate("r => getComputedStyle(r).strokeWidth") == "3px"
    assert ring.evaluate("r => getComputedStyle(r).stroke") not in ("none", "rgb(220, 38, 38)")
    assert p.errors == []
