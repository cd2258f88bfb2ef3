"""The ``chainrule`` command: demos train, report, and write their SVG pictures."""

import os
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from nn import charts
from nn.demos import registry as demos
from nn.demos.cli import main

ROOT = Path(__file__).resolve().parents[2]


def is_svg(path: Path) -> bool:
    return ET.parse(path).getroot().tag == "{http://www.w3.org/2000/svg}svg"


def run(capsys, *args):
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_demo_xor(tmp_path, capsys):
    status, out, _ = run(capsys, "demo", "xor", "--out", str(tmp_path), "--no-progress")
    assert status == 0
    assert "accuracy 100% (4 cases)" in out and "time: " in out
    assert is_svg(tmp_path / "xor-loss.svg")


def test_demo_moons_writes_a_decision_boundary(tmp_path, capsys):
    # (tests/nn/test_train.py checks that the full 100 steps reach 100%)
    status, out, err = run(capsys, "demo", "moons", "--epochs", "10", "--out", str(tmp_path))
    assert status == 0 and "after 10 full-batch steps: training accuracy" in out
    assert "acc=" in err  # the progress bar
    for name in ("moons-loss.svg", "moons-boundary.svg"):
        assert is_svg(tmp_path / name)


def test_demo_digits_short_run_needs_no_scikit_learn(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    status, out, _ = run(
        capsys, "demo", "digits", "--epochs", "1", "--out", str(tmp_path), "--no-progress"
    )
    assert status == 0 and "held-out accuracy" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "digits-first-layer.svg",
        "digits-loss.svg",
        "digits-training.html",
    ]
    page = (tmp_path / "digits-training.html").read_text(encoding="utf-8")
    assert 'data-kind="training"' in page and 'data-shape="8x8"' in page
    assert f"wrote {tmp_path / 'digits-training.html'}" in out


def test_the_pictures_need_no_plotting_library(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    status, out, _ = run(capsys, "demo", "xor", "--out", str(tmp_path), "--no-progress")
    assert status == 0 and f"wrote {tmp_path / 'xor-loss.svg'}" in out
    assert is_svg(tmp_path / "xor-loss.svg")


def test_bad_command_lines(capsys):
    with pytest.raises(SystemExit) as info:
        main(["demo", "mnist"])
    assert info.value.code == 2 and "invalid choice: 'mnist'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["demo", "xor", "--epochs", "0"])
    assert "argument --epochs: must be at least 1, got 0" in capsys.readouterr().err
    for epochs in (str(10**30), "9" * 5000, "ten"):  # no traceback from deep inside a demo
        with pytest.raises(SystemExit) as info:
            main(["demo", "xor", "--epochs", epochs])
        err = capsys.readouterr().err
        assert info.value.code == 2 and "argument --epochs: " in err and len(err) < 400
        assert ("at most 9,223,372,036,854,775,807" in err) == (epochs == str(10**30))
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


# ---------------------------------------------------------------- failing early and cleanly


@pytest.fixture
def fake_demo(monkeypatch):
    """A registered demo that records whether it ran, with one figure."""
    monkeypatch.setattr(demos, "DEMOS", dict(demos.DEMOS))
    monkeypatch.setattr("nn.demos.cli.DEMOS", demos.DEMOS)
    ran = []

    def figure():
        return charts.line_chart([1.0, 2.0])

    @demos.demo("fake", "records that it ran")
    def fake(options):
        ran.append(options)
        return demos.DemoResult(["trained"], {}, {"fake.svg": figure})

    return ran


def test_an_unwritable_out_is_reported_before_training(tmp_path, capsys, fake_demo):
    (tmp_path / "file").write_text("not a folder")
    out = tmp_path / "file" / "pictures"
    status, _, err = run(capsys, "demo", "fake", "--out", str(out), "--no-progress")
    assert status == 1 and fake_demo == []  # nothing trained
    assert err.count("\n") == 1 and str(out) in err and "Traceback" not in err


def test_a_full_disk_leaves_no_half_written_picture(tmp_path, capsys, fake_demo, monkeypatch):
    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    status, _, err = run(capsys, "demo", "fake", "--out", str(tmp_path), "--no-progress")
    assert status == 1 and "No space left on device" in err and "fake.svg" in err
    assert list(tmp_path.iterdir()) == []  # neither a truncated SVG nor a temp file


def test_ctrl_c_exits_130_with_one_line(capsys, monkeypatch):
    monkeypatch.setattr(demos, "DEMOS", dict(demos.DEMOS))
    monkeypatch.setattr("nn.demos.cli.DEMOS", demos.DEMOS)

    @demos.demo("interrupted", "is interrupted")
    def interrupted(options):
        raise KeyboardInterrupt

    status, _, err = run(capsys, "demo", "interrupted", "--no-progress")
    assert status == 130 and err.strip() == "chainrule: interrupted"


def test_ctrl_c_on_a_real_process(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "nn", "demo", "moons", "--epochs", "100000", "--no-progress",
         "--out", str(tmp_path)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout.readline().startswith("chainrule demo moons")  # training has started
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err.strip() == "chainrule: interrupted"


def test_a_closed_pipe_ends_quietly(tmp_path):
    """As in ``chainrule demo xor | head -1``: no BrokenPipeError traceback."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "nn", "demo", "xor", "--no-progress", "--out", str(tmp_path)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    with proc:
        proc.stdout.close()  # the reader is gone before the first line is written
        err = proc.stderr.read().decode()
        proc.wait(timeout=60)
    assert err == "" and proc.returncode == 141
