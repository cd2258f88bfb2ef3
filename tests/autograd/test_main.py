"""``python -m autograd``: the printed example, and a command line that refuses what it ignores."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def python_m_autograd(*args):
    return subprocess.run(
        [sys.executable, "-m", "autograd", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_it_prints_every_node():
    result = python_m_autograd()
    assert result.returncode == 0, result.stderr
    assert "  x1 = leaf" in result.stdout and " out = " in result.stdout


def test_unknown_arguments_are_refused():
    result = python_m_autograd("--bogus")
    assert result.returncode == 2
    assert "unrecognized arguments: --bogus" in result.stderr and result.stdout == ""


def test_a_closed_pipe_ends_quietly():
    with subprocess.Popen(
        [sys.executable, "-m", "autograd"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as proc:
        proc.stdout.close()
        err = proc.stderr.read().decode()
        proc.wait(timeout=60)
    assert err == ""


def test_help():
    result = python_m_autograd("--help")
    assert result.returncode == 0 and "usage: python -m autograd" in result.stdout


def test_an_unlabelled_node_is_named_by_its_position_as_the_views_name_it():
    result = python_m_autograd()
    assert result.returncode == 0
    assert "#6 = +(x1w1, x2w2)" in result.stdout and "n = +(#6, b)" in result.stdout
    assert "·" not in result.stdout
