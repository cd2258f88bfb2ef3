"""Charts as a learner sees them, in Chromium (Playwright from PyPI driving Debian's
/usr/bin/chromium): every label inside the picture and clear of the others, text at least
10 px on screen, colours following a light or dark page inline and the system's scheme in a
saved file. Without Chromium these tests do not run and the summary says so (a failure in CI)."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest

import nn
from nn import charts, data, plots
from nn.attention_plots import plot_attention

# Each text's box in the chart's own px, read by the browser after layout with real fonts.
TEXT_BOXES = """svg => [...svg.querySelectorAll('text')].map(t => {
    const b = t.getBBox(), m = t.getCTM(), r = svg.getScreenCTM().inverse().multiply(m);
    const x = r.a * b.x + r.c * b.y + r.e, y = r.b * b.x + r.d * b.y + r.f;
    const w = Math.abs(r.a * b.width + r.c * b.height), h = Math.abs(r.b * b.width + r.d * b.height);
    const x2 = r.a * (b.x + b.width) + r.c * (b.y + b.height) + r.e;
    const y2 = r.b * (b.x + b.width) + r.d * (b.y + b.height) + r.f;
    return {text: t.textContent, x: Math.min(x, x2), y: Math.min(y, y2), w, h,
            size: parseFloat(getComputedStyle(t).fontSize), fill: getComputedStyle(t).fill};
})"""


def course_charts() -> list[charts.Chart]:
    moons = data.moons(40, seed=0)
    history = {
        "loss": [0.9, 0.5, 0.3],
        "accuracy": [0.5, 0.8, 0.9],
        "test_loss": [1.0, 0.6, 0.45],
        "test_accuracy": [0.5, 0.7, 0.85],
    }
    return [
        plots.plot_history({"full batch": history, "mini-batch (32)": history}),
        plots.plot_decision_boundary(
            nn.MLP(2, [4, 1], seed=0), moons, loss="hinge", resolution=20, title="2-4-1 net"
        ),
        plots.plot_first_layer(nn.MLP(64, [10, 10], seed=0)),
        plots.plot_grad_norms(
            {
                "tanh RNN, W_hh x 0.5": [0.5**k for k in range(40, 0, -1)],
                "LSTM, forget bias 3": [0.9**k for k in range(40, 0, -1)],
            }
        ),
        plots.plot_learning_rates(
            {
                "lr 0.001": [3.0 - 0.01 * i for i in range(30)],
                "lr 0.1": [3.0 * 0.8**i for i in range(30)],
                "lr 5": [3.0 * 10.0 ** (10 * i) for i in range(20)] + [math.inf],
            }
        ),
        plot_attention([[[1.0], [0.3, 0.7], [0.2, 0.3, 0.5]]] * 4, [".", "e", "m"], title="t"),
        charts.histogram(
            {"right": [0.99, 0.97, 0.9], "wrong": [0.4, 0.6]},
            bins=20,
            low=0,
            high=1,
            density=True,
            xlabel="probability of the guess",
        ),
        charts.line_chart([1.0, -3.0, 12.0, -50.0, 300.0], symlog_y=10, ylabel="w"),
        charts.line_chart(
            {"a fairly long series name": [1, 2]},
            width=240,
            title="a long title that has to wrap onto a second line",
        ),
        charts.image_grid(
            [[0.0, 1.0, 0.5, 0.2]] * 3,
            shape=(2, 2),
            captions=["7, read 1"] * 3,
            title="misread digits, wider than three images",
            colorbar="ink",
        ),
    ]


def boxes(page: Any, chart: charts.Chart) -> list[dict[str, Any]]:
    page.set_content(f"<body style='margin:0'>{chart._repr_html_()}</body>")
    return page.locator("svg.chainrule-chart").first.evaluate(TEXT_BOXES)  # type: ignore[no-any-return]


@pytest.mark.parametrize("n", range(10))
def test_every_label_is_inside_the_chart_readable_and_clear_of_the_others(chromium, n):
    chart = course_charts()[n]
    page = chromium.new_page(viewport={"width": 1600, "height": 1000})
    found = boxes(page, chart)
    page.close()
    assert found
    for t in found:
        where = f"{t['text']!r} at ({t['x']:.0f}, {t['y']:.0f}) size {t['w']:.0f}x{t['h']:.0f}"
        assert t["size"] >= 10, where
        assert t["x"] >= -0.5 and t["y"] >= -0.5, where
        assert t["x"] + t["w"] <= chart.width + 0.5 and t["y"] + t["h"] <= chart.height + 0.5, where
    for a, b in itertools.combinations(found, 2):
        overlap_x = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
        overlap_y = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
        assert overlap_x <= 1 or overlap_y <= 1, f"{a['text']!r} overlaps {b['text']!r}"


def test_inline_text_takes_the_page_colour_and_a_saved_file_the_system_scheme(chromium, tmp_path):
    chart = charts.line_chart({"a": [1, 2]}, title="theme")
    page = chromium.new_page()
    page.set_content(f"<body style='color: rgb(10, 200, 30)'>{chart._repr_html_()}</body>")
    fills = {t["fill"] for t in page.locator("svg").first.evaluate(TEXT_BOXES)}
    assert fills == {"rgb(10, 200, 30)"}  # a dark notebook theme's light text, whatever it is
    page.close()
    chart.save(tmp_path / "c.svg")
    seen = {}
    for scheme in ("light", "dark"):
        context = chromium.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto((tmp_path / "c.svg").as_uri())
        seen[scheme] = page.evaluate(
            "() => [getComputedStyle(document.documentElement).backgroundColor,"
            " getComputedStyle(document.querySelector('text')).fill]"
        )
        context.close()
    assert seen["light"] == ["rgb(255, 255, 255)", "rgb(27, 27, 27)"]
    assert seen["dark"] == ["rgb(27, 27, 27)", "rgb(228, 228, 228)"]
