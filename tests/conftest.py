"""Shared test setup: a reproducible hypothesis profile and the repository on sys.path."""

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

# "ci" (the default): derandomized and without deadlines, so every run checks the same examples
# and a slow machine cannot fail a test. "explore": random examples, for hunting new bugs locally.
settings.register_profile("ci", deadline=None, derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say which tests could not run for want of a tool, and how to install it (never a
    silent skip): the browser tests without Chromium, the dot comparisons without Graphviz."""
    from tests.needs import NEEDS

    skipped = terminalreporter.stats.get("skipped", [])
    for need in NEEDS:
        ids = [r.nodeid for r in skipped if _skip_reason(r).startswith(need.skip_prefix)]
        if not ids:
            continue
        terminalreporter.section(f"{need.tests} NOT run")
        first = next(r for r in skipped if r.nodeid == ids[0])
        why = _skip_reason(first).replace(need.install, "").rstrip(" .:")
        terminalreporter.write_line(f"{len(ids)} {need.tests} could not run: {why}.")
        for nodeid in ids:
            terminalreporter.write_line(f"  not run: {nodeid}")
        terminalreporter.write_line(f"To run them: {need.install}")


def _skip_reason(report) -> str:
    """The reason a skipped test gave, without pytest's "Skipped: " prefix."""
    longrepr = report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return text.removeprefix("Skipped: ")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Headless Chromium for a module's browser tests (skipped with the install line where it is
    missing; required in CI)."""
    from tests import browser
    from tests.needs import CHROMIUM

    why = browser.missing()
    if why is not None:
        CHROMIUM.unavailable(why)
    with browser.chromium() as instance:
        yield instance
