"""Op objects: equal to their names, shared by reference when a graph is copied or pickled."""

import ast
import copy
import inspect
import itertools
import math
import pickle
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

import autograd
import autograd.op as op_def
from autograd import Value, ops


def test_an_op_equals_and_hashes_as_its_name():
    x = Value(2.0)
    assert (x * 7).op == "*" and (7 * x).op == "*" and x.tanh().op == "tanh"
    assert {x.tanh().op: 1}["tanh"] == 1 and hash(ops.TANH) == hash("tanh")
    assert f"{x.exp().op}" == "exp" and str((x - 2).op) == "-"
    assert not x.op and x.op == "" and (x * 7).op != "+"
    assert (x - 2).op == (x - x).op == ops.SUB and (x - 2).op is not ops.SUB  # a form of SUB


def test_copies_and_pickles_share_the_op_definitions():
    x = Value(1.5, "x")
    out = autograd.sum([(2 - x) ** 2, x.tanh() * 7, autograd.dot([x], [x], 0.5), 1.0])
    for clone in (copy.deepcopy(out), pickle.loads(pickle.dumps(out))):
        nodes = autograd.topological_order(clone)
        originals = autograd.topological_order(out)
        assert [n.op_label for n in nodes] == [n.op_label for n in originals]
        assert all(a.op is b.op for a, b in zip(nodes, originals))
        leaf = next(n for n in nodes if n.label == "x")
        assert autograd.evaluate(clone, {leaf: 0.5}) == autograd.evaluate(out, {x: 0.5})


def test_a_user_op_says_it_cannot_be_pickled():
    square = autograd.define_op("square", lambda x: x * x, lambda x, out: (2 * x,))
    node = square(Value(3.0))
    assert copy.deepcopy(node).op is node.op
    with pytest.raises(TypeError, match="'square' \\(made by define_op\\) cannot be pickled"):
        pickle.dumps(node)
    assert math.isclose(node.data, 9.0)


def _ops_with_a_fast_forward() -> list[op_def.Op]:
    forms = [
        op.with_constants(at) for op in ops.BUILTIN.values() if op.arity == 2 for at in [(0,), (1,)]
    ]
    return [op for op in [*ops.BUILTIN.values(), *forms] if op.fast_forward is not op.forward]


POINTS = [0.0, -0.0, 0.3, -0.7, 1.0, -1.0, 2.0, -2.5, -8.0, 1e300, -1e300, 710.0]
POINTS += [math.inf, -math.inf, math.nan]


def test_the_ops_that_have_a_fast_forward() -> None:
    names = sorted({op.name for op in _ops_with_a_fast_forward()})
    assert names == ["**", "/", "cos", "exp", "log", "log1p", "sin", "sqrt"]


@pytest.mark.parametrize("op", _ops_with_a_fast_forward(), ids=repr)
def test_a_fast_forward_gives_the_forward_s_float_or_leaves_it_to_forward(op: op_def.Op) -> None:
    """Where the C function returns, it is the op's forward to the bit; where it raises, the
    operators call forward (which returns the IEEE value or raises the clear error)."""
    arity = (
        op.base.arity if isinstance(op, op_def.OpWithConstants) else op.arity
    )  # a form takes all operands
    for operands in itertools.product(POINTS, repeat=arity):
        try:
            fast = op.fast_forward(*operands)
        except op_def.FAST_FORWARD_ERRORS:
            continue
        try:
            careful = op.forward(*operands)
        except ValueError:
            pytest.fail(f"{op!r} at {operands}: the C function gave {fast!r}, forward refused")
        assert math.copysign(1.0, fast) == math.copysign(1.0, careful), operands
        assert fast == careful or (math.isnan(fast) and math.isnan(careful)), operands


def test_where_the_fast_forward_raises_the_operators_give_forward_s_answer() -> None:
    assert Value(1000.0).exp().data == math.inf and (Value(1e300) ** 2).data == math.inf
    assert math.isnan(Value(math.inf).sin().data)
    with pytest.raises(ValueError, match="division by zero"):
        Value(1.0) / 0.0
    with pytest.raises(ValueError, match="log"):
        Value(0.0).log()
    with pytest.raises(ValueError, match="negative base"):
        Value(-8.0) ** (1 / 3)


def test_each_operator_s_derivatives_are_its_op_s_on_floats_and_on_values() -> None:
    x, y = Value(1.5), Value(-2.0)
    assert (x * y).local_grads == (-2.0, 1.5) and (x * 3.0).local_grads == (3.0,)
    assert (3.0 * x).local_grads == (3.0,) and x.exp().local_grads == (math.exp(1.5),)
    assert (3.0 / x).local_grads == (-(3.0 / 1.5) / 1.5,) and (x - 2).local_grads == (1.0,)
    assert (2 - x).local_grads == (-1.0,) and (x**2).local_grads == (3.0,)
    (g,) = autograd.grad((x * x).exp(), [x], create_graph=True)  # 2x e^(x^2)
    (h,) = autograd.grad(g, [x])  # (2 + 4x^2) e^(x^2)
    assert h.data == pytest.approx((2 + 4 * 1.5**2) * math.exp(1.5**2))


def test_the_operators_are_source_in_value_py_and_show_in_tracebacks() -> None:
    with pytest.raises(ValueError, match="division by zero") as error:
        Value(1.0) / 0.0
    shown = "".join(traceback.format_exception(error.value))
    assert 'value.py", line' in shown and "in __truediv__" in shown
    source = inspect.getsource(Value.__mul__)
    assert "out = a * b" in source and "local_grads = (b, a)" in source
    assert inspect.getsourcefile(Value.__mul__) == inspect.getsourcefile(Value)


def test_no_code_is_generated_in_the_engine() -> None:
    """No exec, eval or compile anywhere in autograd: every line runs from a file."""
    package = Path(autograd.__file__).parent
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"exec", "eval", "compile"}, f"{path}:{node.lineno}"


def test_mypy_rejects_an_operand_an_operator_cannot_take(tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(
        "from autograd import Value\n"
        "ok: Value = Value(1.0) * 2 + 3.0 / Value(2.0) - Value(1.0) ** Value(2.0)\n"
        'bad = Value(1.0) * "oops"\n'
    )
    root = Path(autograd.__file__).parent.parent
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(snippet)],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    errors = [line for line in run.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and "snippet.py:3:" in errors[0], run.stdout
    assert "Unsupported operand types for *" in errors[0]
