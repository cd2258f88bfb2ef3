"""The notebooks are part of the product: each runs top to bottom (with nbmake, as a user would
run it) and is committed without outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nn.interop import INSTALL_TORCH
from tests.needs import hide_torch

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TIMEOUT = 120  # seconds per notebook; each should take well under 20


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(notebook, tmp_path):
    env = notebook_env(tmp_path)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbmake",
            f"--nbmake-timeout={TIMEOUT}",
            "-p",
            "no:cacheprovider",
            "-q",
            str(notebook),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT + 60,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]


def notebook_env(tmp_path: Path, *first_on_path: Path) -> dict[str, str]:
    """This checkout's packages, whatever is installed (after ``first_on_path``); hypothesis's
    cache out of the tree."""
    path = [*map(str, first_on_path), str(ROOT), os.environ.get("PYTHONPATH", "")]
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(path),
        "HYPOTHESIS_STORAGE_DIRECTORY": str(tmp_path / "hypothesis"),
    }


@pytest.mark.slow
def test_the_pytorch_notebook_runs_to_the_end_without_pytorch(tmp_path):
    """Where torch is missing (`make demo`'s environment, a browser), notebook 15 still runs, each
    PyTorch part replaced by the sentence saying how to install the extra."""
    notebook = ROOT / "notebooks" / "15_graduating_to_pytorch.ipynb"
    out = tmp_path / "ran.ipynb"
    env = notebook_env(tmp_path, hide_torch(tmp_path / "hidden"))
    result = subprocess.run(
        [sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute",
         f"--ExecutePreprocessor.timeout={TIMEOUT}", "--output", str(out), str(notebook)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT + 60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    cells = [c for c in json.loads(out.read_text())["cells"] if c["cell_type"] == "code"]
    printed = ["".join("".join(o.get("text", "")) for o in c["outputs"]) for c in cells]
    torch_parts = [text for c, text in zip(cells, printed) if "if missing:" in "".join(c["source"])]
    assert len(torch_parts) >= 8
    for text in torch_parts:
        assert text.count("\n") == 1 and INSTALL_TORCH in text, text
    assert any("chainrule:" in text for text in printed)  # the chainrule parts ran


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(notebook):
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            where = f"{notebook.name} cell {i}: run nbstripout notebooks/*.ipynb"
            assert cell["outputs"] == [], where
            assert cell["execution_count"] is None, where
    assert "widgets" not in nb["metadata"], f"{notebook.name}: widget state saved"


def test_nbstripout_would_change_nothing():
    result = subprocess.run(
        [sys.executable, "-m", "nbstripout", "--verify", *map(str, NOTEBOOKS)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
