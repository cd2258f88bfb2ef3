"""Packaging promises: no runtime dependencies, optional imports stay optional, README commands."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_engine_has_no_runtime_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == "chainrule"
    assert project["dependencies"] == []
    assert {"viz", "notebooks", "data", "dev", "torch"} <= set(project["optional-dependencies"])


def test_importing_the_packages_imports_no_optional_dependency():
    code = (
        "import sys, autograd, nn; "
        "heavy = {'graphviz', 'hypothesis', 'ipywidgets', 'matplotlib', 'sklearn', 'numpy', 'tqdm', 'torch'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_both_packages_ship_type_information():
    assert (ROOT / "autograd" / "py.typed").exists()
    assert (ROOT / "nn" / "py.typed").exists()


def test_readme_opens_with_exactly_the_demo_and_test_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make demo", "make test"]
    assert readme.index("```sh") < readme.index("\n## ")  # before any section


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
