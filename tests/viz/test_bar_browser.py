"""The control bar where a person uses it: on a 390x844 phone it is one row of 44 px buttons
(speed and zoom folded behind "More"), every control still labelled, reachable and readable in
light and dark; at 1024 and 1400 px everything shows in one row as before. Chromium from
tests/conftest.py, as the other browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import autograd
import nn
from tests.viz.test_views_browser import Page, readme_neuron

PHONE = {"width": 390, "height": 844}
ONE_ROW_PX = 60  # a row of 44 px touch targets and the bar's padding (before: 106 px, 2 rows)
MORE = "More controls: speed and zoom"
ALL_CONTROLS = {
    "Previous step",
    "Play",
    "Next step",
    "State",
    "Speed",
    "Zoom out",
    "Fit to the view",
    "Zoom in",
}

# Each visible control of the bar: its accessible name, box, font size and the WCAG contrast
# of its text against the nearest background behind it.
CONTROLS = """root => {
  const rgb = c => (c.match(/[\\d.]+/g) || [0, 0, 0, 0]).map(Number);
  const lum = c => { const v = rgb(c).slice(0, 3).map(x => { x /= 255;
      return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const back = el => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor;
      if (rgb(c).length < 4 || rgb(c)[3] > 0) return c; } return 'rgb(255, 255, 255)'; };
  const ratio = el => { const [x, y] = [lum(getComputedStyle(el).color), lum(back(el))]
      .sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const bar = root.querySelector('.cr-bar');
  return [...bar.querySelectorAll('button, select, input, .cr-count, .cr-speed-label')]
    .filter(el => el.getClientRects().length > 0)
    .map(el => { const b = el.getBoundingClientRect();
      return { name: el.getAttribute('aria-label') || '', tag: el.tagName, cls: el.className,
               box: [b.left, b.top, b.width, b.height], px: parseFloat(getComputedStyle(el).fontSize),
               contrast: ratio(el) }; });
}"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An expression step-through, a network view and a training view, saved once."""
    where = tmp_path_factory.mktemp("bar")
    model = nn.MLP(2, [3, 1], seed=3)
    moons = nn.data.moons(40, seed=0)
    small = nn.MLP(2, [4, 2], seed=0)
    history = nn.fit(small, moons, epochs=4, batch_size=20, snapshot_every=2, progress=False)
    return {
        "expression": autograd.step_through(readme_neuron()).save_html(where / "expr.html"),
        "network": nn.network_view(model, [2.0, -1.5], target=0.25, loss="mse").save_html(
            where / "net.html"
        ),
        "training": nn.training_view(small, history, data=moons).save_html(where / "train.html"),
    }


@pytest.fixture
def open_page(chromium: Any) -> Iterator[Any]:
    """open_page(path, viewport, theme) -> (Page, the view), with a touch screen where the
    viewport is a phone's; contexts closed afterwards."""
    contexts: list[Any] = []

    def opener(path: Path, viewport: dict[str, int], theme: str) -> tuple[Page, Any]:
        ctx = chromium.new_context(
            viewport=viewport, color_scheme=theme, has_touch=viewport == PHONE
        )
        contexts.append(ctx)
        p = Page(ctx, path.as_uri())
        view = p.view()
        assert view.get_attribute("data-theme") == theme
        return p, view

    yield opener
    for ctx in contexts:
        ctx.close()


def check_controls(p: Page, controls: list[dict[str, Any]]) -> None:
    """Labelled, touch-sized, on screen; text 11 px or more at 4.5:1 or more."""
    width, height = p.page.viewport_size["width"], p.page.viewport_size["height"]
    for c in controls:
        left, top, w, h = c["box"]
        what = c["name"] or c["cls"]
        assert left >= 0 and top >= 0 and left + w <= width and top + h <= height, what
        if c["tag"] != "INPUT":  # the slider has no text
            assert c["px"] >= 11, what
            assert c["contrast"] >= 4.5, (what, c["contrast"])
        if c["tag"] in ("BUTTON", "SELECT", "INPUT"):
            assert c["name"], f"{c['tag']} {c['cls']} has no aria-label"
            assert h >= 44, (what, h)
            assert c["tag"] == "INPUT" or w >= 44, (what, w)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("kind", ["expression", "network", "training"])
def test_on_a_phone_the_bar_is_one_row_and_more_reaches_the_rest(open_page, pages, kind, theme):
    p, view = open_page(pages[kind], PHONE, theme)
    bar = view.locator(".cr-bar")
    assert bar.bounding_box()["height"] <= ONE_ROW_PX
    shown = view.evaluate(CONTROLS)
    check_controls(p, shown)
    names = {c["name"] for c in shown if c["name"]}
    assert names == {"Previous step", "Play", "Next step", "State", MORE}
    more = view.get_by_role("button", name=MORE)
    assert more.get_attribute("aria-expanded") == "false"
    assert more.get_attribute("title")  # what the icon means, on hover too
    # From the keyboard: Tab reaches More, Enter opens it, the rest shows, Escape closes it.
    view.get_by_role("button", name="Next step").focus()
    p.page.keyboard.press("Tab")
    p.page.keyboard.press("Tab")  # the slider, then More
    assert more.evaluate("el => el === document.activeElement")
    p.page.keyboard.press("Enter")
    assert more.get_attribute("aria-expanded") == "true"
    assert bar.bounding_box()["height"] <= ONE_ROW_PX  # its panel lies over the graph
    opened = view.evaluate(CONTROLS)
    check_controls(p, opened)
    assert {c["name"] for c in opened} - {"", MORE} == ALL_CONTROLS
    p.page.keyboard.press("Tab")  # into the panel: its controls follow More
    assert p.page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Speed"
    p.page.keyboard.press("Escape")
    assert more.get_attribute("aria-expanded") == "false"
    assert more.evaluate("el => el === document.activeElement")
    assert not view.get_by_role("button", name="Zoom in").is_visible()
    # The shortcuts still step, and the folded controls work.
    p.page.keyboard.press("ArrowRight")
    assert p.state(view) == 1
    more.tap()
    before = view.evaluate("el => el.chainrule.scale()")
    view.get_by_role("button", name="Zoom in").tap()
    assert view.evaluate("el => el.chainrule.scale()") > before
    view.locator(".cr-text").tap()  # a tap outside the bar closes the panel
    assert more.get_attribute("aria-expanded") == "false"
    assert p.errors == [] and p.requests == []


@pytest.mark.parametrize("size", [(1024, 768), (1400, 1000)])
@pytest.mark.parametrize("kind", ["expression", "network"])
def test_at_desktop_widths_every_control_shows_in_one_row(open_page, pages, kind, size):
    p, view = open_page(pages[kind], {"width": size[0], "height": size[1]}, "light")
    assert view.locator(".cr-bar").bounding_box()["height"] <= 40  # 28 px controls, one row
    shown = view.evaluate(CONTROLS)
    assert {c["name"] for c in shown} - {""} == ALL_CONTROLS  # no "More" here
    tops = {round(c["box"][1] + c["box"][3] / 2) for c in shown}
    assert max(tops) - min(tops) <= 2, tops  # all centred on one line
    assert p.errors == []
