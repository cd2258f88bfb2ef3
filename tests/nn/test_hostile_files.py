"""Every tampered model file of benchmarks/hostile_files.py is refused with ModelFileError (the
benchmark times the refusals; here only the outcome is checked, never a duration)."""

import importlib.util
import sys
from pathlib import Path

import pytest

import nn

ROOT = Path(__file__).resolve().parents[2]


def load_benchmark():
    sys.path.insert(0, str(ROOT / "benchmarks"))  # its shared timing module
    try:
        spec = importlib.util.spec_from_file_location(
            "hostile_bench", ROOT / "benchmarks/hostile_files.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return module


BENCH = load_benchmark()
CASES = [*BENCH.DOCUMENT_CASES, *BENCH.FILE_CASES]


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    return BENCH.prepare(tmp_path_factory.mktemp("hostile"))


def test_the_benchmark_has_its_cases(paths):
    assert list(paths) == CASES and len(CASES) >= 50


@pytest.mark.parametrize("case", CASES)
def test_every_tampered_file_is_refused(paths, case):
    with pytest.raises(nn.ModelFileError):
        nn.load(paths[case])
