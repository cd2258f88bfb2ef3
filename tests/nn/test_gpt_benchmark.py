"""benchmarks/gpt.py still runs (tiny sizes) and refuses to time different work: its numbers
are read by people, not asserted."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_benchmark(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))  # its shared timing module
    spec = importlib.util.spec_from_file_location("gpt_bench", ROOT / "benchmarks/gpt.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def test_gpt_benchmark_prints_its_table():
    out = subprocess.run(
        [
            sys.executable,
            "benchmarks/gpt.py",
            "--repeats",
            "1",
            "--name",
            "al",
            "--demo-steps",
            "2",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "chainrule nn.GPT (fused dot/sum nodes)" in out and "micrograd-style" in out
    assert "faster (target 8x" in out and "demo training, 2 steps" in out


def test_gpt_benchmark_refuses_a_baseline_that_computes_other_gradients(monkeypatch):
    bench = load_benchmark(monkeypatch)
    model = bench.GPT(5, 6, n_embd=4, n_head=2, seed=0)
    tokens = [0, 1, 2, 3, 0]
    assert bench.check_same_gradients(model, tokens) < 1e-12
    right = bench.unfused_loss
    monkeypatch.setattr(bench, "unfused_loss", lambda m, t: right(m, t) * 1.01)
    with pytest.raises(AssertionError, match="disagree"):
        bench.check_same_gradients(model, tokens)
