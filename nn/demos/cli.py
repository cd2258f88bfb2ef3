"""The ``chainrule`` command (also ``python -m nn``): ``chainrule demo NAME``, one of the demos
registered in `nn.demos.registry` (xor, moons, digits, rnn, gpt).

A demo trains with a progress bar, prints what it reached and how long it took, and writes its
pictures (loss curves, and the moons boundary, digits' first layer, GPT's attention) as SVG
files into ``./chainrule-out/`` (any browser opens them).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from nn.checks import shown
from nn.demos.registry import DEMOS, DemoOptions, DemoResult

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chainrule", description="Watch backpropagation train small networks."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="train a network on a classic problem",
        description="Train a network, print its accuracy and write its plots.",
        epilog="demos: " + "; ".join(f"{d.name}: {d.help}" for d in DEMOS.values()),
    )
    demo.add_argument("name", choices=list(DEMOS), help="which demo to run")
    demo.add_argument(
        "--epochs", type=_epochs, default=None, help="override the demo's epoch count"
    )
    demo.add_argument("--seed", type=int, default=0, help="seed for data and weights")
    demo.add_argument("--out", default="chainrule-out", help="directory for the SVG pictures")
    demo.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def _epochs(text: str) -> int:
    """``--epochs``: a whole number from 1 to ``sys.maxsize`` (what training loops can count
    to); a usage error naming the option otherwise, never a traceback from deep in a demo."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {shown(text)}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    if n > sys.maxsize:
        raise argparse.ArgumentTypeError(f"must be at most {sys.maxsize:,}, got {shown(n)}")
    return n


def check_out_dir(out: Path) -> None:
    """Make ``out`` and prove a file can be written there, before any training: OSError (naming
    ``out``) otherwise, so a bad --out costs seconds, not a training run."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as e:
        raise OSError(e.errno, f"cannot write files in --out {str(out)!r} ({e.strerror})") from e


def write_figures(result: DemoResult, out: Path) -> list[Path]:
    """Save the demo's charts as SVG files in ``out``, each written atomically: a full disk
    leaves the old file or none, never half a picture."""
    written: list[Path] = []
    for name, make in result.figures.items():
        if not written:
            out.mkdir(parents=True, exist_ok=True)
        make().save(out / name)
        written.append(out / name)
    return written


def write_pages(result: DemoResult, out: Path) -> list[Path]:
    """Write the demo's pages (HTML views: they need no optional dependency) into ``out``."""
    if not result.pages:
        return []
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OSError(e.errno, f"cannot write files in --out {str(out)!r} ({e.strerror})") from e
    return [write(out / name) for name, write in result.pages.items()]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status: 0, 1 on an error (one line on stderr),
    2 on a bad command line, 130 on Ctrl-C. A closed stdout (``| head -1``) ends it quietly."""
    try:
        return _run(argv)
    except KeyboardInterrupt:
        print("\nchainrule: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 141  # as a shell reports a command ended by SIGPIPE


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # e.g. a captured stdout with no file number
        pass


def _run(argv: Sequence[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command != "demo":
        parser.print_help()
        return 0 if args.command is None else 2
    out = Path(args.out)
    try:
        check_out_dir(out)
    except OSError as e:
        print(f"chainrule: error: {e.strerror}", file=sys.stderr)
        return 1
    options = DemoOptions(epochs=args.epochs, seed=args.seed, progress=not args.no_progress)
    print(f"chainrule demo {args.name}: {DEMOS[args.name].help}", flush=True)
    start = time.perf_counter()
    try:
        result = DEMOS[args.name].run(options)
    except ImportError as e:  # a missing optional dependency, e.g. `names` for gpt
        print(f"error: {e}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    for line in result.summary:
        print(line)
    print(f"time: {seconds:.1f} s", flush=True)
    try:
        written = write_figures(result, out) + write_pages(result, out)
    except OSError as e:
        print(f"chainrule: error: {e}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    sys.stdout.flush()  # a closed pipe shows up here, inside main, not at interpreter exit
    return 0


if __name__ == "__main__":
    sys.exit(main())
