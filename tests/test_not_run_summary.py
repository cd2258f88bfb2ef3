"""Tests needing a tool a developer may lack are listed after the run with the install line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.needs import CHROMIUM, DOT, TORCH, hide_torch

ROOT = Path(__file__).resolve().parent.parent


def test_tests_skipped_for_a_missing_tool_are_listed_with_the_install_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(
        PATH=str(Path(sys.executable).parent),  # no system dot on PATH
        CHAINRULE_CHROMIUM=str(tmp_path / "no-chromium"),
        PYTHONPATH=os.pathsep.join(
            [str(hide_torch(tmp_path / "hidden")), str(ROOT), env.get("PYTHONPATH", "")]
        ),
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k",
         "same_graph and expression or a_drawing_is_the_same_view or takes_a_batch",
         "tests/viz/test_layout.py", "tests/viz/test_views_browser.py",
         "tests/nn/test_pytorch.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    out = result.stdout
    assert result.returncode == 0, out[-3000:]
    for need, test in (
        (DOT, "viz/test_layout.py::test_graphviz_pure_and_dot_draw_the_same_graph[expression]"),
        (CHROMIUM, "viz/test_views_browser.py::test_a_drawing_is_the_same_view_with_one_state"),
        (TORCH, "nn/test_pytorch.py::test_a_gpt_module_takes_a_batch_of_sequences"),
    ):
        assert f"{need.tests} NOT run" in out
        assert f"not run: tests/{test}" in out
        assert f"To run them: {need.install}" in out
