"""Fuzzing the views with hostile labels and op names, checked where they would do harm: in
Chromium. Each example names two leaves, the result and a `define_op` from text built of HTML,
DOT and script fragments (and anything else hypothesis draws), then opens ``_repr_html_`` in a
page, the ``save_html`` page and the ``.pipe("svg")`` picture: no script of the user's runs,
no link or handler appears, and the view's controls still step it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value
from tests import browser
from tests.needs import CHROMIUM

TRIP = "window.__tripped = (window.__tripped || 0) + 1"
FRAGMENTS = [
    "<!--",
    "-->",
    "<script>",
    "</script>",
    f"<script>{TRIP}</script>",
    f'<img src=x onerror="{TRIP}">',
    f"<svg onload='{TRIP}'>",
    '<x> URL="javascript:window.__tripped=1" target=_self tooltip=<y>',
    "<b>",
    "</b>",
    "<![CDATA[",
    "]]>",
    "&amp;",
    "&",
    '"',
    "'",
    "\\",
    "\\l",
    "\\N",
    "{",
    "}",
    ";",
    "\n",
    "\ud800",
    "\u2028",
    "</style>",
    "</noscript>",
    "</pre>",
]
hostile = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), min_size=1, max_size=5
).map("".join)


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    why = browser.missing()
    if why is not None:
        CHROMIUM.unavailable(why)
    with browser.chromium() as instance:
        context = instance.new_context(viewport={"width": 1000, "height": 800})
        tab = context.new_page()
        tab.errors = []  # the page's script errors, cleared per page opened
        tab.on("pageerror", lambda e: tab.errors.append(str(e)))
        tab.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(("file://", "data:", "about:"))
                else route.abort()
            ),
        )
        yield tab
        context.close()


def hostile_graph(a: str, b: str, result: str, op_name: str) -> Value:
    op = autograd.define_op(op_name or "f", lambda x: 2.0 * x, lambda x, out: (2.0,))
    x, w = Value(1.5, a), Value(-0.5, b)
    y = op(x * w + x)
    y.label = result
    return y


def opens_safely(page: Any, url: str, *, view: bool) -> None:
    page.errors.clear()
    page.goto(url)
    page.wait_for_load_state("load")
    assert page.evaluate("() => window.__tripped") is None, "a label's script ran"
    handlers = page.evaluate(
        """() => [...document.querySelectorAll('*')].flatMap(el => [...el.attributes]
            .filter(a => /^on/i.test(a.name) || /^\\s*javascript:/i.test(a.value))
            .map(a => el.tagName + ' ' + a.name))"""
    )
    assert handlers == []
    assert page.locator("a").count() == 0
    if view:
        root = page.locator("[data-chainrule-view]")
        assert root.count() == 1 and root.get_attribute("data-ready") == "true"
        assert page.locator("script").count() == 2  # the view's data and code: nothing else
        root.get_by_role("button", name="Next step").click()
        assert root.get_attribute("data-state") == "1"
        root.get_by_role("button", name="Previous step").click()
        assert root.get_attribute("data-state") == "0"
    assert page.errors == []


@settings(max_examples=20, report_multiple_bugs=False)
@given(a=hostile, b=hostile, result=hostile, op_name=hostile)
def test_hostile_names_never_run_and_never_break_the_view(
    page, tmp_path_factory, a, b, result, op_name
):
    folder = tmp_path_factory.mktemp("hostile")
    y = hostile_graph(a, b, result, op_name)
    stepper = autograd.step_through(y)
    inline = folder / "inline.html"
    inline.write_text(
        "<!doctype html><meta charset='utf-8'><body>" + stepper._repr_html_() + "</body>",
        encoding="utf-8",
    )
    opens_safely(page, inline.as_uri(), view=True)
    opens_safely(page, stepper.save_html(folder / "saved.html").as_uri(), view=True)
    picture = folder / "picture.svg"
    picture.write_bytes(autograd.draw_graph(y).pipe("svg"))
    opens_safely(page, picture.as_uri(), view=False)
