"""The notebooks are part of the product: each runs top to bottom (with nbmake, as a user would
run it), survives a learner's edits of its knobs, and is committed without outputs.

CI runs the notebooks in the environment `make demo` builds (`make notebooks`) and deselects
the `notebook`-marked test here, so they run once."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from nn.interop import INSTALL_TORCH
from tests.needs import hide_torch
from tests.run_notebooks import run_notebook

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TIMEOUT = 120  # seconds per notebook; each should take well under 20


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.slow
@pytest.mark.notebook
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


# The learner's edits of issue 21, made the way the notebooks invite them: by changing a knob.
LEARNER_EDITS = {
    "01_values_and_the_chain_rule": ("knobs.extra_node = False", "knobs.extra_node = True"),
    "10_the_learning_rate": ("knobs.rate_factor = 3.0", "knobs.rate_factor = 1.05"),
    "12_activations": (
        'knobs.activations = ["tanh", "relu"]',
        'knobs.activations = ["tanh", "relu", "sigmoid"]',
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("stem", LEARNER_EDITS)
def test_a_learners_edit_runs_to_the_end_with_a_sentence(stem, tmp_path, monkeypatch):
    """The edited notebook runs to its last cell (no traceback) and says in words which
    sentence of its text no longer holds, naming the knob that changed."""
    monkeypatch.setenv("HYPOTHESIS_STORAGE_DIRECTORY", str(tmp_path / "hypothesis"))
    old, new = LEARNER_EDITS[stem]
    printed = "".join(run_notebook(ROOT / "notebooks" / f"{stem}.ipynb", {old: new}))
    knob = old.split("=")[0].strip().removeprefix("knobs.")
    assert f"With your change ({knob} " in printed, printed[-3000:]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_has_knobs_and_try_this(notebook):
    """Each notebook invites play: knobs near the top and 2-3 "Try this" suggestions at the end."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    sources = ["".join(cell["source"]) for cell in nb["cells"]]
    assert any("knobs = Knobs(" in src for src in sources[:6]), f"{notebook.name}: no knobs on top"
    tries = [i for i, src in enumerate(sources) if src.startswith("## Try this")]
    assert tries and tries[0] >= len(sources) - 3, f"{notebook.name}: no Try this at the end"
    assert 2 <= sources[tries[0]].count("**") // 2 <= 3, f"{notebook.name}: 2-3 suggestions"


# Notebooks about another library, which cannot run in the browser (no Pyodide build of it).
NOT_IN_THE_BROWSER = {"15_graduating_to_pytorch"}


@pytest.mark.parametrize(
    "notebook", [p for p in NOTEBOOKS if p.stem not in NOT_IN_THE_BROWSER], ids=lambda p: p.stem
)
def test_notebook_imports_only_what_runs_in_the_browser(notebook):
    """The course also runs on Pyodide, where numpy, matplotlib and scikit-learn do not exist."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    for module in ("numpy", "matplotlib", "sklearn"):
        assert f"import {module}" not in code and f"from {module}" not in code, notebook.name


def demo_distributions() -> set[str]:
    """The distributions `make demo` installs: the notebooks and data extras, and what they pull."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted, seen, found = ["notebooks", "data"], set(), set(extras["dependencies"])
    while wanted:
        extra = wanted.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for requirement in extras["optional-dependencies"][extra]:
            if requirement.startswith("chainrule["):
                wanted += requirement[len("chainrule[") : -1].split(",")
            else:
                found.add(requirement)
    return {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].lower().replace("-", "_") for r in found}


@pytest.mark.parametrize(
    "notebook", [p for p in NOTEBOOKS if p.stem not in NOT_IN_THE_BROWSER], ids=lambda p: p.stem
)
def test_notebook_imports_only_what_make_demo_installs(notebook):
    """Every module a notebook imports is the standard library's, chainrule's, or installed by
    `make demo` (notebook 03 once needed hypothesis, which only the dev extra had)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    available = demo_distributions() | set(sys.stdlib_module_names) | {"autograd", "nn"}
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse("".join(cell["source"]))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top in available, f"{notebook.name} imports {name}, not in make demo"


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
