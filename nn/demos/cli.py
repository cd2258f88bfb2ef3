"""The ``chainrule`` command (also ``python -m nn``): ``chainrule demo xor|moons|digits``.

A demo trains with a progress bar, prints what it reached and how long it took, and writes its
pictures (loss curve; decision boundary for moons) as PNGs into ``./chainrule-out/``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from nn.demos.registry import DEMOS, DemoOptions, DemoResult
from nn.plots import NOTEBOOKS_EXTRA_HINT

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
    demo.add_argument("--epochs", type=int, default=None, help="override the demo's epoch count")
    demo.add_argument("--seed", type=int, default=0, help="seed for data and weights")
    demo.add_argument("--out", default="chainrule-out", help="directory for the PNGs")
    demo.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def write_figures(result: DemoResult, out: Path) -> list[Path]:
    """Save the demo's figures as PNGs with matplotlib's Agg backend (no window needed)."""
    if not result.figures:
        return []
    try:
        import matplotlib
    except ImportError:
        print(f"matplotlib is not installed, so no plots were written ({NOTEBOOKS_EXTRA_HINT})")
        return []
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in result.figures.items():
        fig = make()
        try:
            fig.savefig(out / name, dpi=110)
        finally:
            plt.close(fig)
        written.append(out / name)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command != "demo":
        parser.print_help()
        return 0 if args.command is None else 2
    if args.epochs is not None and args.epochs < 1:
        parser.error(f"--epochs must be at least 1, got {args.epochs}")
    options = DemoOptions(epochs=args.epochs, seed=args.seed, progress=not args.no_progress)
    print(f"chainrule demo {args.name}: {DEMOS[args.name].help}", flush=True)
    start = time.perf_counter()
    try:
        result = DEMOS[args.name].run(options)
    except ImportError as e:  # a missing optional dependency, e.g. scikit-learn for digits
        print(f"error: {e}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    for line in result.summary:
        print(line)
    print(f"time: {seconds:.1f} s")
    for path in write_figures(result, Path(args.out)):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
