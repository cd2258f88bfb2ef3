"""Debian's Chromium driven by Playwright (from PyPI), for the browser tests, the benchmark and
the README screenshot. Never `playwright install`: it downloads browsers; we use the system's.

    apt-get install chromium   # Debian/Ubuntu; the browser tests need /usr/bin/chromium
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM = os.environ.get("CHAINRULE_CHROMIUM", "/usr/bin/chromium")
INSTALL_LINE = "sudo apt-get install chromium  (and pip install 'chainrule[dev]' for playwright)"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def missing() -> str | None:
    """Why the browser cannot run here (None if it can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} not found"
    return None


@contextmanager
def chromium(*extra_args: str) -> Iterator[Any]:
    """Headless Chromium (Playwright gives each launch a new, empty profile), with ``ARGS``
    and ``extra_args``; open contexts on it with ``browser.new_context(...)``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=[*ARGS, *extra_args]
        )
        try:
            yield instance
        finally:
            instance.close()
