"""benchmarks/training.py and benchmarks/recurrent.py still run (tiny sizes) and refuse to time
different work: numbers are read by people, not asserted."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> str:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def test_training_benchmark_prints_its_table():
    out = run("benchmarks/training.py", "--repeats", "1")
    assert "digits epoch" in out and "moons step" in out and "no-graph baseline" in out


def test_recurrent_benchmark_prints_its_table():
    out = run("benchmarks/recurrent.py", "--repeats", "1", "--steps", "3", "--hidden", "4")
    assert "no-graph BPTT by hand" in out and "LSTM" in out and "within 4x" in out


def test_recurrent_benchmark_refuses_a_baseline_that_computes_other_gradients(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))  # its shared timing module
    spec = importlib.util.spec_from_file_location(
        "recurrent_bench", ROOT / "benchmarks/recurrent.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    import nn

    rnn = nn.RNN(2, 3, seed=0)
    xs, coef = bench.make_sequence(4, 2, 3)
    assert bench.check_same_gradients(rnn, xs, coef) < 1e-12
    right = bench.NoGraphRNN.forward_backward
    monkeypatch.setattr(
        bench.NoGraphRNN,
        "forward_backward",
        lambda self, xs, coef: [g * 1.01 for g in right(self, xs, coef)],
    )
    with pytest.raises(AssertionError, match="disagree"):
        bench.check_same_gradients(rnn, xs, coef)
