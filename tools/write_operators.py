"""Write `Value`'s operators into ``autograd/value.py`` from the table in ``autograd/ops.py``.

Each operator computes its op's forward and local derivatives in place, in the table's own
words: ``*``'s row says ``lambda a, b, out: (b, a)``, so ``Value.__mul__`` gets the line
``local_grads = (b, a)``; ``x * 7`` keeps d/da only, ``(b,)``. The formulas are written once, in
the table, and an operator is plain source a reader, mypy and a debugger see, with no call per
formula. Nothing here runs when chainrule is imported: change the table, then run
``make operators`` (this script); ``tests/autograd/test_written_operators.py`` fails while
``autograd/value.py`` and the table differ. A function a formula calls (``power_derivative``)
must be imported in value.py too: ``make lint`` names any that is missing.

Run: ``python tools/write_operators.py`` (writes), ``--check`` (exit 1 on a difference).
"""

from __future__ import annotations

import argparse
import ast
import inspect
import math
import operator
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograd import ops  # noqa: E402  (the checkout's, not an installed copy)
from autograd.op import Op  # noqa: E402

VALUE = ROOT / "autograd" / "value.py"
BEGIN = "    # ---------------------------------------------------------------- operators\n"
END = (
    "    # ---------------------------------------------------------------- end of the operators\n"
)

HEADER = """\
    # Written by `make operators` (tools/write_operators.py) from the table in autograd/ops.py:
    # edit the table, not these. Each computes its op's forward and local derivatives with the
    # table's own formulas and hands them to `make_node`. A number on the other side is the
    # node's constant, not a parent: x * 7 is MUL_NUMBER (7 is b), 7 * x is NUMBER_MUL (7 is
    # a), and the node keeps the derivative for its one parent.
"""


class Binary(NamedTuple):
    """An infix op's two operators: ``x op other`` and ``number op x``."""

    method: str
    reflected: str
    op: str
    doc: str
    reflected_doc: str


class Unary(NamedTuple):
    method: str
    op: str
    doc: str


BINARY = (
    Binary("__add__", "__radd__", "ADD", "self + other", "other + self, a number on the left"),
    Binary("__sub__", "__rsub__", "SUB", "self - other", "other - self, a number on the left"),
    Binary("__mul__", "__rmul__", "MUL", "self * other", "other * self, a number on the left"),
    Binary(
        "__truediv__",
        "__rtruediv__",
        "DIV",
        "self / other; ValueError for a zero divisor",
        "other / self, a number on the left",
    ),
    Binary(
        "__pow__",
        "__rpow__",
        "POW",
        "self ** other; a Value exponent needs a base >= 0 (d/db is out * ln a)",
        "other ** self, a number base (>= 0) to a Value power",
    ),
)
UNARY = (
    Unary("__neg__", "NEG", "-self"),
    Unary("__abs__", "ABS", "|self|; derivative 0 at 0, as in PyTorch."),
    Unary("exp", "EXP", "e ** x; overflows to inf past x = 709.78 (IEEE)."),
    Unary("log", "LOG", "Natural log; ValueError for x <= 0."),
    Unary("log1p", "LOG1P", "log(1 + x), exact for tiny x; ValueError for x <= -1."),
    Unary("tanh", "TANH", "Hyperbolic tangent; finite for any finite x."),
    Unary("sigmoid", "SIGMOID", "1 / (1 + e**-x), computed without overflow for large |x|."),
    Unary("relu", "RELU", "max(0, x); derivative 0 at x = 0, as in PyTorch."),
    Unary("sqrt", "SQRT", "Square root; ValueError for x < 0, derivative inf at 0."),
    Unary("sin", "SIN", "Sine (radians)."),
    Unary("cos", "COS", "Cosine (radians)."),
)

INFIX: dict[Callable[..., Any], str] = {
    operator.add: "+",
    operator.sub: "-",
    operator.mul: "*",
    operator.truediv: "/",
}
"""Forwards written as their operator."""

BINARY_NAMES, UNARY_NAMES = ("a", "b"), ("x",)
"""What the operands are called in the table's formulas, and so in the operators."""


def table_name(op: Op) -> str:
    """The op's name in `autograd.ops` (MUL, MUL_NUMBER)."""
    names = [name for name, entry in vars(ops).items() if entry is op and name.isupper()]
    if len(names) != 1:
        raise SystemExit(f"op {op.name!r}: expected one name in autograd/ops.py, got {names}")
    return names[0]


def lambda_of(function: Callable[..., Any], operands: tuple[str, ...]) -> ast.Lambda | None:
    """The table's lambda for ``function`` (None if it is not a lambda of autograd/ops.py),
    checked to name its operands as the operators do."""
    code = getattr(function, "__code__", None)
    if code is None or function.__name__ != "<lambda>" or function.__module__ != ops.__name__:
        return None
    params = code.co_varnames[: code.co_argcount]
    found = [
        node
        for node in ast.walk(TABLE)
        if isinstance(node, ast.Lambda)
        and node.lineno == code.co_firstlineno
        and tuple(a.arg for a in node.args.args) == params
    ]
    if len(found) != 1:
        raise SystemExit(f"line {code.co_firstlineno} of autograd/ops.py: cannot tell its lambdas")
    if params[: len(operands)] != operands:
        raise SystemExit(
            f"line {code.co_firstlineno} of autograd/ops.py: name the operands {operands}, "
            f"as the operators do (got {params})"
        )
    return found[0]


def text(node: ast.expr) -> str:
    """The table's own text for ``node``."""
    segment = ast.get_source_segment(TABLE_SOURCE, node)
    assert segment is not None
    return " ".join(segment.split())


def forward(name: str, op: Op, operands: tuple[str, ...]) -> str:
    """The forward as an expression: the operator itself, a math function, the table's lambda
    written out, or else a call of the op's forward."""
    fast = op.fast_forward
    if fast in INFIX:
        return f"{operands[0]} {INFIX[fast]} {operands[1]}"
    if fast is operator.neg:
        return f"-{operands[0]}"
    if fast is abs:
        return f"abs({operands[0]})"
    if getattr(math, getattr(fast, "__name__", ""), None) is fast:
        return f"math.{fast.__name__}({', '.join(operands)})"
    written = lambda_of(fast, operands)
    if written is not None:
        return text(written.body)
    return f"{name}.forward({', '.join(operands)})"


def derivative(name: str, op: Op, operands: tuple[str, ...]) -> str:
    """The local derivatives of the operands that are nodes, as an expression."""
    if op.constant_grads:
        return repr(op.constant_grads)
    written = lambda_of(op.derivative, (*operands, "out"))
    if written is None:  # a def: called
        call = f"{name}.derivative({', '.join(operands)}, out)"
        if op.variables == tuple(range(len(operands))):
            return call
        return as_tuple([f"{call}[{i}]" for i in op.variables])
    if op.variables == tuple(range(len(operands))):
        return text(written.body)
    if not isinstance(written.body, ast.Tuple):
        raise SystemExit(f"op {name}: write its derivative as a tuple, one entry per operand")
    return as_tuple([text(written.body.elts[i]) for i in op.variables])


def as_tuple(items: list[str]) -> str:
    """A tuple display of ``items``: ``(b,)``, ``(b, a)``."""
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def node(op: Op, operands: tuple[str, ...], parents: str, constant: str, indent: int) -> str:
    """Forward, local derivatives and `make_node`: the body every operator ends with."""
    name = table_name(op)
    lines = []
    if op.fast_forward is op.forward:
        lines.append(f"out = {forward(name, op, operands)}")
    else:  # a faster function, for the common case: where it raises, the op's own forward
        lines += [
            "try:",
            f"    out = {forward(name, op, operands)}",
            "except FAST_FORWARD_ERRORS:  # the op's own forward: inf, or the clear error",
            f"    out = {name}.forward({', '.join(operands)})",
        ]
    lines.append(f"local_grads = {derivative(name, op, operands)}")
    lines.append(f"return make_node(out, {name}, {parents}, local_grads, {constant})")
    return "".join(" " * indent + line + "\n" for line in lines)


def binary(entry: Binary) -> str:
    op: Op = getattr(ops, entry.op)
    number_on_right, number_on_left = op.with_constants((1,)), op.with_constants((0,))
    return (
        f"    def {entry.method}(self, other: Value | Number) -> Value:\n"
        f'        """{entry.doc}"""\n'
        "        a = self.data\n"
        "        b: float | None\n"
        "        local_grads: tuple[float, ...]\n"
        "        if type(other) is float:  # the common constant, tested first\n"
        "            b = other\n"
        "        elif isinstance(other, Value):\n"
        "            b = other.data\n"
        + node(op, BINARY_NAMES, "(self, other)", "None", 12)
        + "        else:\n"
        "            b = as_constant(other)\n"
        "            if b is None:\n"
        "                return NotImplemented\n"
        + node(number_on_right, BINARY_NAMES, "(self,)", "b", 8)
        + "\n"
        f"    def {entry.reflected}(self, other: Number) -> Value:\n"
        f'        """{entry.reflected_doc}"""\n'
        "        a = other if type(other) is float else as_constant(other)\n"
        "        if a is None:\n"
        "            return NotImplemented\n"
        "        b = self.data\n" + node(number_on_left, BINARY_NAMES, "(self,)", "a", 8)
    )


def unary(entry: Unary) -> str:
    return (
        f"    def {entry.method}(self) -> Value:\n"
        f'        """{entry.doc}"""\n'
        "        x = self.data\n" + node(getattr(ops, entry.op), UNARY_NAMES, "(self,)", "None", 8)
    )


def written(current: str) -> str:
    """``current`` (the text of autograd/value.py) with its operators written afresh."""
    try:
        head, rest = current.split(BEGIN)
        _, tail = rest.split(END)
    except ValueError:
        raise SystemExit("autograd/value.py: the operators' markers are missing") from None
    methods = [binary(entry) for entry in BINARY] + [unary(entry) for entry in UNARY]
    source = head + BEGIN + HEADER + "\n" + "\n".join(methods) + "\n" + END + tail
    formatted = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(VALUE), "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return formatted.stdout


TABLE_SOURCE = inspect.getsource(ops)
TABLE = ast.parse(TABLE_SOURCE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if value.py differs")
    args = parser.parse_args()
    current = VALUE.read_text()
    fresh = written(current)
    if args.check:
        if fresh != current:
            sys.exit("autograd/value.py differs from the table: run `make operators`")
        return
    if fresh != current:
        staged = VALUE.with_suffix(".py.new")
        staged.write_text(fresh)
        staged.replace(VALUE)  # atomic: value.py is never half written


if __name__ == "__main__":
    main()
