"""The views live in JupyterLab 4 and Notebook 7: a real ``jupyter lab`` on 127.0.0.1 (one per
module), Chromium with every other address refused; trusted and untrusted notebooks, light and
dark, at 1400x1000, 1024x768 and a 390x844 phone. A handful of representative pages, not the
whole matrix: each page load costs seconds. Without Chromium or Jupyter these tests do not run
and the summary says so (in CI, where CI=true, that is a failure)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import browser
from tests.needs import CHROMIUM

CELL = """import autograd
from autograd import Value
x1, x2 = Value(2.0, "x1"), Value(-2.0, "x2")
w1, w2, b = Value(0.5, "w1"), Value(-0.25, "w2"), Value(0.1, "b")
x1w1, x2w2 = x1 * w1, x2 * w2
x1w1.label, x2w2.label = "x1w1", "x2w2"
n = x1w1 + x2w2 + b
n.label = "n"
t = n.tanh()
t.label = "t"
out = t + x1
out.label = "out"
autograd.step_through(out, rankdir="TB")"""  # notebook 02's neuron, drawn top to bottom

SIZES = {"desktop": (1400, 1000), "laptop": (1024, 768), "phone": (390, 844)}

# WCAG contrast of every text the view draws against what is behind it (JavaScript).
CONTRAST = """root => {
  const rgb = c => { const m = c.match(/[\\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; };
  const lum = c => { const v = rgb(c).slice(0, 3).map(x => { x /= 255;
      return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };
  const htmlBack = el => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor;
      if (rgb(c).length < 4 || rgb(c)[3] > 0) return c; } return 'rgb(255, 255, 255)'; };
  const svg = root.querySelector('svg.cr-graph');
  const clusters = [...svg.querySelectorAll('.cr-cluster rect')];
  const canvas = htmlBack(root.querySelector('.cr-scroll'));
  const worst = [];
  svg.querySelectorAll('text').forEach(t => {
    if (!t.textContent.trim()) return;
    let back;
    const g = t.parentElement;
    if (g.matches('.cr-node')) back = getComputedStyle(g.querySelector('rect')).fill;
    else if (g.matches('.cr-op')) back = getComputedStyle(g.querySelector('ellipse')).fill;
    else {
      const b = t.getBBox(), cx = b.x + b.width / 2, cy = b.y + b.height / 2;
      const inside = clusters.filter(r => { const c = r.getBBox();
        return cx >= c.x && cx <= c.x + c.width && cy >= c.y && cy <= c.y + c.height; });
      back = inside.length ? getComputedStyle(inside[inside.length - 1]).fill : canvas;
    }
    worst.push([ratio(getComputedStyle(t).fill, back), t.textContent]);
  });
  root.querySelectorAll('.cr-bar button, .cr-count, .cr-text, .cr-info, .cr-speed-label').forEach(el => {
    if (el.offsetParent) worst.push([ratio(getComputedStyle(el).color, htmlBack(el)), el.className]);
  });
  return worst.sort((a, b) => a[0] - b[0]).slice(0, 3);
}"""

# The smallest text on screen, in px: font size times the drawing's scale.
SMALLEST_TEXT = """root => {
  const svg = root.querySelector('svg.cr-graph');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  let least = 1e9;
  svg.querySelectorAll('text').forEach(t => { if (t.textContent.trim())
    least = Math.min(least, parseFloat(getComputedStyle(t).fontSize) * scale); });
  return least;
}"""


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, browser.JupyterServer]]:
    """Chromium and a Jupyter server over two notebooks holding one executed step-through:
    trusted.ipynb (signed, as `jupyter trust` does) and untrusted.ipynb."""
    why = browser.missing() or browser.jupyter_missing()
    if why is not None:
        CHROMIUM.unavailable(why, f"{CHROMIUM.install}; {browser.JUPYTER_INSTALL_LINE}")
    import nbformat
    from nbclient import NotebookClient

    root = tmp_path_factory.mktemp("notebooks")
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# A view"),
            nbformat.v4.new_code_cell(CELL),
            nbformat.v4.new_markdown_cell("The cell after the view."),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    nbformat.write(nb, root / "trusted.ipynb")
    nb.cells[0].source = "# An untrusted view"  # another notebook: its own signature
    nbformat.write(nb, root / "untrusted.ipynb")
    with browser.jupyter_server(root) as server, browser.chromium() as chromium:
        server.sign(root / "trusted.ipynb")
        yield chromium, server


class Notebook:
    """One notebook open in JupyterLab ("lab") or Notebook 7 ("notebook")."""

    def __init__(self, live: Any, front_end: str, name: str, size: str, theme: str) -> None:
        chromium, server = live
        server.theme("JupyterLab Dark" if theme == "dark" else "JupyterLab Light")
        width, height = SIZES[size]
        self.context = chromium.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.errors: list[str] = []
        # Errors of our script only: the front ends log their own (a settings schema, ...).
        self.page.on(
            "pageerror",
            lambda e: self.errors.append(str(e)) if "chainrule" in (e.stack or "") else None,
        )

        def refuse(route: Any) -> None:
            if route.request.url.startswith(server.base + "/"):
                route.continue_()
            else:
                self.outside.append(route.request.url)
                route.abort()

        self.page.route("**/*", refuse)
        url = server.url(front_end, name) + ("&reset" if front_end == "lab" else "")
        self.page.goto(url)
        self.page.wait_for_selector(".jp-OutputArea-child img", state="attached", timeout=90_000)
        self.page.wait_for_timeout(500)  # outputs settle (fit, theme)
        self.name = f"{front_end}-{name.split('.')[0]}-{size}-{theme}"

    def view(self) -> Any:
        return self.page.locator("[data-chainrule-view][data-ready]").first

    def shot(self, tmp_path: Path) -> None:
        """A screenshot in tmp_path, and in $CHAINRULE_SHOTS if set (to look at)."""
        path = tmp_path / f"{self.name}.png"
        self.page.screenshot(path=path)
        if os.environ.get("CHAINRULE_SHOTS"):
            shutil.copy(path, Path(os.environ["CHAINRULE_SHOTS"]) / path.name)

    def active_cell(self) -> int:
        return int(
            self.page.evaluate(
                "() => [...document.querySelectorAll('.jp-Notebook-cell')]"
                ".findIndex(c => c.classList.contains('jp-mod-active'))"
            )
        )

    def close(self) -> None:
        assert self.outside == [], self.outside
        assert self.errors == [], self.errors
        self.context.close()


def press_and_check_keys(nb: Notebook) -> None:
    """Click the counter, then the keys step the view; the notebook's active cell and its
    scroll position stay (Notebook 7 moved between cells and scrolled away)."""
    view = nb.view()
    n = int(view.get_attribute("data-states"))
    view.locator(".cr-count").click()
    cell, scroll = nb.active_cell(), nb.page.evaluate("() => document.scrollingElement.scrollTop")
    panel = "() => document.querySelector('.jp-WindowedPanel-outer').scrollTop"
    before = nb.page.evaluate(panel)
    for key, expected in [
        ("ArrowRight", 1),
        ("ArrowRight", 2),
        ("End", n - 1),
        ("ArrowLeft", n - 2),
    ]:
        nb.page.keyboard.press(key)
        assert view.get_attribute("data-state") == str(expected), key
    nb.page.keyboard.press("Home")
    assert view.get_attribute("data-state") == "0"
    nb.page.keyboard.press("Space")  # plays: the button reads Pause
    assert view.get_by_role("button", name="Pause").is_visible()
    nb.page.keyboard.press("Space")
    assert view.get_by_role("button", name="Play").is_visible()
    assert nb.active_cell() == cell
    assert nb.page.evaluate(panel) == before
    assert nb.page.evaluate("() => document.scrollingElement.scrollTop") == scroll


def check_reads_well(nb: Notebook) -> None:
    """Every text at 4.5:1 or more against what is behind it, none under 6.6 px, the step
    text never cut or scrolled sideways, the picture output hidden by the live view."""
    view = nb.view()
    worst = view.evaluate(CONTRAST)
    assert worst[0][0] >= 4.5, worst
    assert view.evaluate(SMALLEST_TEXT) >= 6.6 - 1e-6
    cut = view.evaluate(
        """root => { const el = root.querySelector('.cr-text'), bad = [];
            for (let k = 0; k < +root.dataset.states; k++) { root.chainrule.show(k);
              if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)
                bad.push(k); }
            root.chainrule.show(0); return bad; }"""
    )
    assert cut == [], f"states whose step text is cut or scrolls sideways: {cut}"
    assert not nb.page.locator(".jp-OutputArea-child img").first.is_visible()


def test_notebook_7_keys_step_the_view_trusted_light(live, tmp_path):
    nb = Notebook(live, "notebook", "trusted.ipynb", "laptop", "light")
    assert nb.view().get_attribute("data-theme") == "light"
    press_and_check_keys(nb)
    check_reads_well(nb)
    nb.shot(tmp_path)
    nb.close()


def test_jupyterlab_dark_follows_the_theme_and_reads_well(live, tmp_path):
    nb = Notebook(live, "lab", "trusted.ipynb", "desktop", "dark")
    view = nb.view()
    assert view.get_attribute("data-theme") == "dark"
    bar = view.locator(".cr-bar").evaluate("el => getComputedStyle(el).backgroundColor")
    assert bar not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")  # no white strip
    press_and_check_keys(nb)
    check_reads_well(nb)
    view.evaluate("el => el.chainrule.show(12)")
    nb.shot(tmp_path)
    # The view fits the panel the notebook scrolls in: scrolled to its top, all of it shows.
    view.evaluate("el => el.scrollIntoView({block: 'start'})")
    inside = view.evaluate(
        """root => { const p = root.closest('.jp-WindowedPanel-outer').getBoundingClientRect();
            const v = root.querySelector('.cr-stage').getBoundingClientRect();
            return [root.dataset.fit, v.bottom <= p.bottom + 1]; }"""
    )
    assert inside == ["whole", True]
    nb.close()


def test_on_a_phone_notebook_7_has_touch_sized_controls(live, tmp_path):
    nb = Notebook(live, "notebook", "trusted.ipynb", "phone", "light")
    view = nb.view()
    # One row above the graph: speed and zoom fold behind "More" on a phone.
    assert view.locator(".cr-bar").bounding_box()["height"] <= 60
    view.get_by_role("button", name="More controls: speed and zoom").click()
    heights = view.evaluate(
        "root => [...root.querySelectorAll('.cr-bar button, .cr-bar select')]"
        ".map(el => el.getBoundingClientRect().height)"
    )
    assert len(heights) == 8 and min(heights) >= 44, heights
    nb.page.keyboard.press("Escape")
    check_reads_well(nb)
    view.evaluate("el => el.chainrule.show(12)")
    nb.shot(tmp_path)
    nb.close()


@pytest.mark.parametrize(
    ("front_end", "size", "theme"),
    [("lab", "laptop", "light"), ("notebook", "phone", "dark")],
)
def test_an_untrusted_notebook_shows_the_picture_and_how_to_trust(
    live, tmp_path, front_end, size, theme
):
    nb = Notebook(live, front_end, "untrusted.ipynb", size, theme)
    picture = nb.page.locator(".jp-OutputArea-child img").first
    assert picture.is_visible()
    assert picture.evaluate("img => img.naturalWidth > 200 && img.complete")
    box = picture.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size][0]
    assert nb.page.locator("[data-ready]").count() == 0  # no script ran
    html = nb.page.locator(".jp-OutputArea-child").nth(1).inner_text()
    assert "The picture above shows state 18 of 18, the end of backward" in html
    assert "command palette" in html and "File > Trust Notebook" in html
    assert "data ?" not in html and "grad 0" not in html  # no run-on text of the stripped SVG
    nb.shot(tmp_path)
    nb.close()
