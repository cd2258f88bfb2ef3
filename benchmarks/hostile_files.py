"""How fast `nn.load` refuses tampered model files, whatever sizes they claim.

Each case takes a small model file saved by chainrule and changes it as an attacker might: a
config claiming 10**15 layers or a 4,000-digit width, junk state entries, deep nesting, huge
numbers, a file over the size limit, a pipe, a directory. Every case must be refused with
`nn.ModelFileError`, quickly. Prints a table: case, outcome, file size, median milliseconds;
then how many cases misbehaved (not refused with ModelFileError, or slower than the budget).
The budget is for what a file claims: parsing a file's actual bytes (the 2 MB of junk keys)
takes what JSON takes, on top.

Run: ``python benchmarks/hostile_files.py`` (stdlib only; Unix: a per-case alarm stops a
refusal that hangs, and reports it as TIMEOUT).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import median_time

import nn
from nn.module import MAX_FILE_BYTES

BUDGET_MS = 100.0
"""A refusal slower than this counts as misbehaving."""

Document = dict[str, Any]


def saved(model: nn.Module) -> Document:
    """The JSON document ``model.save`` writes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.json"
        model.save(path)
        document: Document = json.loads(path.read_text())
        return document


def gpt() -> Document:
    return saved(nn.GPT(3, 4, n_embd=4, n_head=2, n_layer=1, seed=0))


def mlp() -> Document:
    return saved(nn.MLP(2, [3, 1], seed=0))


def config_case(base: Callable[[], Document], **changes: Any) -> Callable[[], Document]:
    def make() -> Document:
        document = base()
        document["config"].update(changes)
        return document

    return make


def model(name: str, config: dict[str, Any], state: dict[str, Any] | None = None) -> Document:
    return {"format": "chainrule-model", "version": 1, "class": name, "config": config,
            "state": state or {"w": [0.0]}}  # fmt: skip


def junk_keys() -> Document:
    document = gpt()
    document["state"].update({f"junk{i}": [0.0] for i in range(100_000)})
    return document


def padded_weights() -> Document:
    """Enough weights for the claimed config, under names the model does not have."""
    document = mlp()
    document["config"]["nouts"] = [50, 1]
    document["state"] = {"pad": [0.0] * 10_000}
    return document


HUGE = 10**15
DIGITS = 10**4000  # a 4,001-digit size; products of two exceed Python's int-to-str limit

DOCUMENT_CASES: dict[str, Callable[[], Document]] = {
    "GPT n_layer 10**15": config_case(gpt, n_layer=HUGE),
    "GPT n_layer 10**8": config_case(gpt, n_layer=10**8),
    "GPT n_layer 4,001 digits": config_case(gpt, n_layer=DIGITS),
    "GPT n_embd 10**15, n_head 1": config_case(gpt, n_embd=HUGE, n_head=1),
    "GPT n_embd 4,001 digits, n_head 1": config_case(gpt, n_embd=DIGITS, n_head=1),
    "GPT vocab_size 10**15": config_case(gpt, vocab_size=HUGE),
    "GPT block_size 10**15": config_case(gpt, block_size=HUGE),
    "GPT all sizes 4,001 digits": config_case(
        gpt, vocab_size=DIGITS, block_size=DIGITS, n_embd=DIGITS, n_head=1, n_layer=DIGITS
    ),
    "GPT n_layer 0": config_case(gpt, n_layer=0),
    "GPT n_layer -1": config_case(gpt, n_layer=-1),
    "GPT n_layer 1.5": config_case(gpt, n_layer=1.5),
    "GPT n_layer true": config_case(gpt, n_layer=True),
    "GPT n_layer '10'": config_case(gpt, n_layer="10"),
    "GPT n_head 3 (does not divide)": config_case(gpt, n_head=3),
    "GPT unknown argument": config_case(gpt, dropout=0.1),
    "GPT 100,000 junk state keys": junk_keys,
    "MLP nin 10**15": config_case(mlp, nin=HUGE),
    "MLP nouts [10**15]": config_case(mlp, nouts=[HUGE]),
    "MLP nouts [10**8, 10**8]": config_case(mlp, nouts=[10**8, 10**8]),
    "MLP nouts 4,001 digits": config_case(mlp, nouts=[DIGITS, DIGITS]),
    "MLP 100,000 layers": config_case(mlp, nouts=[1] * 100_000),
    "MLP nouts a string": config_case(mlp, nouts="33"),
    "MLP weights padded under junk names": padded_weights,
    "Neuron nin 10**15": lambda: model("Neuron", {"nin": HUGE, "activation": "tanh"}),
    "Layer nout 10**15": lambda: model("Layer", {"nin": 2, "nout": HUGE, "activation": None}),
    "Embedding 10**15 x 10**15": lambda: model("Embedding", {"num": HUGE, "dim": HUGE}),
    "CausalSelfAttention dim 10**15": lambda: model(
        "CausalSelfAttention", {"dim": HUGE, "n_head": 1}
    ),
    "FeedForward hidden 10**15": lambda: model("FeedForward", {"dim": 2, "hidden": HUGE}),
    "TransformerBlock dim 10**15": lambda: model("TransformerBlock", {"dim": HUGE, "n_head": 1}),
    "RNN nhidden 10**15": lambda: model("RNN", {"nin": 2, "nhidden": HUGE}),
    "RNN lstm nin 4,001 digits": lambda: model("RNN", {"nin": DIGITS, "nhidden": 2, "cell": "lstm"}),
    "RNN cell 'gru'": lambda: model("RNN", {"nin": 2, "nhidden": 2, "cell": "gru"}),
    "SequenceModel nout 10**15": lambda: model(
        "SequenceModel", {"nin": 2, "nhidden": 2, "nout": HUGE}
    ),
    "unknown class": lambda: model("Evil", {}),
    "class Module (the base)": lambda: model("Module", {}),
    "version 2": lambda: {**mlp(), "version": 2},
    "version 4,001 digits": lambda: {**mlp(), "version": DIGITS},
    "extra top-level key": lambda: {**mlp(), "exec": "rm -rf /"},
    "weights as strings": lambda: {**mlp(), "state": {k: ["1"] * len(v) for k, v in mlp()["state"].items()}},
}  # fmt: skip


def write_text(text: str) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        path.write_text(text)
        return path

    return make


def write_bytes(data: bytes) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        path.write_bytes(data)
        return path

    return make


def oversized(path: Path) -> Path:
    """A sparse file one byte over nn.load's default limit (no disk blocks are written)."""
    with open(path, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)
    return path


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def directory(path: Path) -> Path:
    path.mkdir()
    return path


def dev_zero(path: Path) -> Path:
    path.symlink_to("/dev/zero")
    return path


def gpt_text() -> str:
    return json.dumps(gpt())


def with_weight(text: str) -> str:
    """A saved MLP whose first weight is written as ``text`` (JSON that json.dumps cannot
    write)."""
    document = mlp()
    first = next(iter(document["state"].values()))
    first[0] = 0.123456789
    return json.dumps(document).replace("0.123456789", text, 1)


FILE_CASES: dict[str, Callable[[Path], Path]] = {
    "not JSON": write_text("hello"),
    "empty file": write_text(""),
    "not UTF-8": write_bytes(b'{"format": "\xff"}'),
    "nesting 100,000 deep": write_text("[" * 100_000 + "]" * 100_000),
    "a 5,000-digit number": write_text('{"format": ' + "9" * 5000 + "}"),
    "a weight of 1e400": write_text(with_weight("1e400")),
    "a NaN weight": write_text(with_weight("NaN")),
    "a weight of 400 digits": write_text(with_weight("9" * 400)),
    "duplicate key": write_text(gpt_text()[:-1] + ', "class": "MLP"}'),
    "sparse file over the size limit": oversized,
    "a directory": directory,
    "a FIFO": fifo,
    "symlink to /dev/zero": dev_zero,
}


def prepare(tmp: Path) -> dict[str, Path]:
    """Every case written to its own file under ``tmp``."""
    paths = {}
    for i, (name, make_document) in enumerate(DOCUMENT_CASES.items()):
        path = tmp / f"doc{i}.json"
        path.write_text(json.dumps(make_document()))
        paths[name] = path
    for i, (name, make_file) in enumerate(FILE_CASES.items()):
        paths[name] = make_file(tmp / f"file{i}.json")
    return paths


class Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Timeout


def outcome(path: Path, seconds: float) -> str:
    """How ``nn.load(path)`` ends: 'refused', 'LOADED', 'TIMEOUT' or the exception's type."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        nn.load(path)
    except nn.ModelFileError:
        return "refused"
    except Timeout:
        return "TIMEOUT"
    except Exception as e:  # misbehaving: any other error
        return type(e).__name__
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return "LOADED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds before TIMEOUT")
    args = parser.parse_args()
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        paths = prepare(Path(tmp))
        width = max(map(len, paths))
        print(f"{'case':<{width}}  {'outcome':<16} {'file KB':>8} {'median ms':>10}")
        for name, path in paths.items():
            start = time.perf_counter()
            result = outcome(path, args.timeout)
            first = time.perf_counter() - start
            if result in ("refused", "LOADED") or result.endswith("Error"):
                ms = 1000 * median_time(lambda p=path: outcome(p, args.timeout), args.repeats)
            else:
                ms = 1000 * first
            slow = ms > BUDGET_MS
            bad += result != "refused" or slow
            flag = "  <-- misbehaves" if result != "refused" or slow else ""
            kb = path.stat().st_size / 1024 if path.is_file() else 0.0
            print(f"{name:<{width}}  {result:<16} {kb:>8.0f} {ms:>10.2f}{flag}")
    print(f"\n{len(paths)} cases, {bad} misbehaved (not refused with ModelFileError, or over "
          f"{BUDGET_MS:g} ms)")  # fmt: skip


if __name__ == "__main__":
    main()
