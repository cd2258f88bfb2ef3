"""The README's Python examples run as written, top to bottom, in one namespace."""

import re
from pathlib import Path

import pytest

from nn.interop import INSTALL_TORCH, torch_missing

ROOT = Path(__file__).resolve().parent.parent


def test_readme_python_examples_run(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert len(blocks) >= 3
    monkeypatch.chdir(tmp_path)  # examples may write files (a saved model)
    namespace: dict = {}
    without_torch = torch_missing() is not None  # CI installs it, so there every block runs
    for block in blocks:
        code = compile(block, "README.md", "exec")
        if without_torch and "nn.to_torch(" in block:  # the README's promise: it says how
            with pytest.raises(ImportError, match=re.escape(INSTALL_TORCH)):
                exec(code, namespace)
        else:
            exec(code, namespace)
    assert namespace["x"].grad != 0.0
