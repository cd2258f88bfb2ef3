"""Fixtures of the site tests: the built site served locally, one Chromium for the session,
and a summary table (per notebook: pass/fail, time to kernel ready, time to run its cells)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests import browser as chromium
from tests_site.serve import SITE, serving

# Chromium itself must not reach out either (no DNS but for the local server); the router in
# test_site.py is what records and fails an attempt.
OFFLINE = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
RESULTS: dict[str, dict[str, Any]] = {}  # filled from the reports (which xdist workers send)


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    if not (SITE / "index.html").is_file():
        pytest.fail("build/site/index.html is missing: run `make site` (or `make site-test`)")
    with serving(SITE) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    why = chromium.missing()
    if why:
        if os.environ.get("CI") == "true":
            pytest.fail(f"no browser: {why}")
        pytest.skip(f"no browser: {why}. {chromium.INSTALL_LINE}")
    with chromium.chromium(*OFFLINE) as instance:
        yield instance


@pytest.fixture
def record(request: pytest.FixtureRequest) -> dict[str, Any]:
    """This test's line of the summary table, filled in by the test, sent with its report."""
    line: dict[str, Any] = {"ready": None, "run": None, "status": "FAIL", "why": ""}
    request.node.user_properties.append(("site", line))
    return line


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for key, line in report.user_properties:
        if key == "site" and report.when == "call":
            RESULTS[report.nodeid.rsplit("[", 1)[-1].rstrip("]")] = line


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line per notebook: did it run to the end in the site, and how long it took."""
    if not RESULTS:
        return
    terminalreporter.section("notebooks in the site (JupyterLite, Pyodide, headless Chromium)")
    terminalreporter.write_line(f"{'notebook':40} {'result':6} {'kernel ready':>12} {'run':>8}")
    for name, r in sorted(RESULTS.items()):
        ready = f"{r['ready']:.1f} s" if r["ready"] is not None else "-"
        run = f"{r['run']:.1f} s" if r["run"] is not None else "-"
        line = f"{name:40} {r['status']:6} {ready:>12} {run:>8}"
        terminalreporter.write_line(line + (f"  {r['why']}" if r["why"] else ""))
