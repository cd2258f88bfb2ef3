"""Tools some tests need that a developer may lack, and how to install each. Without one, its
tests are skipped with a reason starting ``SKIP_PREFIX`` and the summary (tests/conftest.py)
lists them with the install line; in CI (CI=true) a missing tool is a failure instead."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

from nn.interop import INSTALL_TORCH
from tests import browser


@dataclass(frozen=True)
class Need:
    """A tool, the tests that need it, and how to get it."""

    tests: str  # what the summary calls them
    skip_prefix: str  # how their skip reasons start
    install: str

    def unavailable(self, why: str, install: str | None = None) -> NoReturn:
        """Stop a test that needs this tool: a skip saying why and how to install it (listed by
        the summary), or, in CI (CI=true), a failure."""
        how = self.install if install is None else install
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs the tool of the {self.tests}: {why}. {how}")
        pytest.skip(f"{self.skip_prefix}: {why}. {how}")


CHROMIUM = Need("browser tests", "no browser", browser.INSTALL_LINE)
DOT = Need(
    "dot-vs-graphviz-pure comparison tests",
    "no system dot",
    "sudo apt-get install graphviz  (macOS: brew install graphviz; Windows: winget install "
    "Graphviz.Graphviz)",
)
TORCH = Need("PyTorch equivalence tests", "no PyTorch", INSTALL_TORCH)
NEEDS = (CHROMIUM, DOT, TORCH)


def hide_torch(folder: Path) -> Path:
    """A folder to put first on PYTHONPATH so that ``import torch`` fails as if PyTorch were not
    installed (a package named torch that raises on import)."""
    package = folder / "torch"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(
        'raise ModuleNotFoundError("No module named \'torch\' (hidden by the tests)", name="torch")\n'
    )
    return folder
