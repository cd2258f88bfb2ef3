"""Shared test setup: a reproducible hypothesis profile and the repository on sys.path."""

import os
import sys
from pathlib import Path

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
    """Say which browser tests did not run, and how to make them run (never a silent skip)."""
    from tests import browser

    skipped = [
        r.nodeid
        for r in terminalreporter.stats.get("skipped", [])
        if "test_views_browser" in r.nodeid
    ]
    if skipped:
        terminalreporter.section("browser tests NOT run")
        reason = browser.NOT_RUN[0] if browser.NOT_RUN else "no browser"
        terminalreporter.write_line(f"{len(skipped)} browser tests could not run: {reason}.")
        for nodeid in skipped:
            terminalreporter.write_line(f"  not run: {nodeid}")
        terminalreporter.write_line(f"To run them: {browser.INSTALL_LINE}")
