"""`Value`'s operators are written from the table of `autograd.ops` by tools/write_operators.py:
value.py must hold exactly what the table writes, and a changed formula must change it."""

from __future__ import annotations

import ast
import importlib.util
import inspect
import sys
from pathlib import Path
from types import ModuleType

import pytest

import autograd
from autograd import Value

ROOT = Path(autograd.__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def writer() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "write_operators", ROOT / "tools/write_operators.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("write_operators", module)
    spec.loader.exec_module(module)
    return module


def test_value_py_holds_the_operators_the_table_writes(writer: ModuleType) -> None:
    current = writer.VALUE.read_text()
    assert writer.written(current) == current, "run `make operators`"


def test_a_changed_formula_changes_the_written_operator(
    writer: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    changed = writer.TABLE_SOURCE.replace("lambda a, b, out: (b, a)", "lambda a, b, out: (a, b)")
    assert changed != writer.TABLE_SOURCE
    monkeypatch.setattr(writer, "TABLE_SOURCE", changed)
    monkeypatch.setattr(writer, "TABLE", ast.parse(changed))
    current = writer.VALUE.read_text()
    fresh = writer.written(current)
    before, after = "            local_grads = (b, a)\n", "            local_grads = (a, b)\n"
    assert before in current and after not in current
    assert after in fresh and before not in fresh


def test_every_operator_the_writer_names_is_a_method_of_value(writer: ModuleType) -> None:
    names = [name for entry in writer.BINARY for name in (entry.method, entry.reflected)]
    names += [entry.method for entry in writer.UNARY]
    for name in names:
        assert inspect.getsourcefile(getattr(Value, name)) == inspect.getsourcefile(Value), name
    source = inspect.getsource(Value)
    begin, end = source.index(writer.BEGIN), source.index(writer.END)
    written = [
        line.split("(")[0].split()[-1]
        for line in source[begin:end].splitlines()
        if line.startswith("    def ")
    ]
    assert written == names
