"""The benchmark scripts still run (tiny sizes): numbers are read by people, not asserted."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_engine_benchmark_prints_its_table():
    out = subprocess.run(
        [sys.executable, "benchmarks/engine.py", "--repeats", "1", "--chain", "2000"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "no-graph baseline" in out and "backward per node" in out and "bytes per node" in out


def test_modes_benchmark_prints_its_tables():
    out = subprocess.run(
        [sys.executable, "benchmarks/modes.py", "--repeats", "1", "--ops", "100", "--chain", "200"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "another in no_grad" in out and "a hook elsewhere" in out
