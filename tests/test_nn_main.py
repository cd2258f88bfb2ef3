"""The ``chainrule`` command: demos train, report, and write their PNGs."""

import subprocess
import sys
from pathlib import Path

import pytest

from nn.demos import registry as demos
from nn.demos.cli import main

ROOT = Path(__file__).resolve().parent.parent

PNG = b"\x89PNG\r\n\x1a\n"


def run(capsys, *args):
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_demo_xor(tmp_path, capsys):
    status, out, _ = run(capsys, "demo", "xor", "--out", str(tmp_path), "--no-progress")
    assert status == 0
    assert "accuracy 100% (4 cases)" in out and "time: " in out
    assert (tmp_path / "xor-loss.png").read_bytes().startswith(PNG)


def test_demo_moons_writes_a_decision_boundary(tmp_path, capsys):
    # (test_nn_train checks that the full 100 steps reach 100%)
    status, out, err = run(capsys, "demo", "moons", "--epochs", "10", "--out", str(tmp_path))
    assert status == 0 and "after 10 full-batch steps: training accuracy" in out
    assert "acc=" in err  # the progress bar
    for name in ("moons-loss.png", "moons-boundary.png"):
        assert (tmp_path / name).read_bytes().startswith(PNG)


def test_demo_digits_short_run(tmp_path, capsys):
    status, out, _ = run(
        capsys, "demo", "digits", "--epochs", "1", "--out", str(tmp_path), "--no-progress"
    )
    assert status == 0 and "held-out accuracy" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "digits-first-layer.png",
        "digits-loss.png",
    ]


def test_without_matplotlib_a_clear_message_and_no_files(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    status, out, _ = run(capsys, "demo", "xor", "--out", str(tmp_path / "out"), "--no-progress")
    assert status == 0
    assert "matplotlib is not installed" in out and "pip install 'chainrule[notebooks]'" in out
    assert not (tmp_path / "out").exists()


def test_without_scikit_learn_digits_fails_cleanly(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    status, _, err = run(capsys, "demo", "digits", "--no-progress")
    assert status == 1 and "pip install 'chainrule[data]'" in err


def test_bad_command_lines(capsys):
    with pytest.raises(SystemExit) as info:
        main(["demo", "mnist"])
    assert info.value.code == 2 and "invalid choice: 'mnist'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["demo", "xor", "--epochs", "0"])
    assert "--epochs must be at least 1" in capsys.readouterr().err
    assert main([]) == 0 and "demo" in capsys.readouterr().out


def test_a_registered_demo_joins_the_command(capsys, monkeypatch):
    monkeypatch.setattr(demos, "DEMOS", dict(demos.DEMOS))
    monkeypatch.setattr("nn.demos.cli.DEMOS", demos.DEMOS)

    @demos.demo("echo", "prints its options")
    def echo(options):
        return demos.DemoResult([f"seed {options.seed}, epochs {options.epochs}"], {})

    status, out, _ = run(capsys, "demo", "echo", "--seed", "3", "--epochs", "2")
    assert status == 0 and "seed 3, epochs 2" in out
    with pytest.raises(ValueError, match="already registered"):
        demos.demo("echo", "again")(echo)


def test_python_dash_m_nn(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "nn", "demo", "xor", "--no-progress", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "accuracy 100%" in result.stdout
