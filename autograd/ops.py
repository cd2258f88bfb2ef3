"""Every op, defined once: its name, its forward on floats, its local derivatives, its domain.

``Op(name, forward, derivative, domain)``: ``derivative(*operands, out)`` returns d(out)/d(operand)
for each operand (or is that tuple, where every derivative is a constant), written with
arithmetic and `autograd.functions`, so the one function gives floats in the forward pass and
Values under ``create_graph`` (gradients that can be differentiated again). ``*``'s is
``(b, a)``, since d(a * b)/da = b; tanh's ``1 - out**2``. `Value`'s operators in
`autograd.value` are written from these lines (``make operators``): ``a * b`` computes
``local_grads = (b, a)`` in place. Operands are named ``a, b`` or ``x``, as the operators name
them. The machinery (`Op`, `Domain`) is in `autograd.op`.

IEEE behaviour: results that overflow become ``±inf`` (as in PyTorch); derivatives infinite at a
point (``sqrt`` at 0) are ``inf``; ``nan`` and ``inf`` operands propagate. Domain errors
(``log(0)``, ``log1p(-1)``, ``x / 0``) raise ValueError naming the op;
`autograd.detect_anomaly` turns non-finite results into errors.
"""

from __future__ import annotations

import math
import operator

from autograd.functions import cos, log, log1p, sigmoid, sin, sqrt
from autograd.functions import exp as exp_or_inf
from autograd.op import Domain, DotOp, Op, OpWithConstants, SumOp, data_of
from autograd.piecewise import (
    constant_to_power,
    divide,
    power_derivative,
    power_grads,
    power_of_node,
    real_power,
)

ANY, TWO_ANY = (Domain(),), (Domain(), Domain())
"""The domain of an op defined for every real operand (one or two of them)."""

# ---------------------------------------------------------------- the table
# fmt: off
ADD = Op("+", operator.add, (1.0, 1.0), TWO_ANY, infix=True)  # constants: one shared tuple
SUB = Op("-", operator.sub, (1.0, -1.0), TWO_ANY, infix=True)
MUL = Op("*", operator.mul, lambda a, b, out: (b, a), TWO_ANY, infix=True)
DIV = Op("/", divide, lambda a, b, out: (1.0 / b, -out / b),  # d/db (a / b) = -a/b**2 = -out/b
         (Domain(), Domain(avoid=(0.0,), margin=0.2)), infix=True, fast=operator.truediv)
POW = Op("**", power_of_node, power_grads,  # a node exponent needs a positive base
         (Domain(0.2, 4.0), Domain(-3.0, 3.0)), infix=True)
NEG = Op("neg", operator.neg, (-1.0,), ANY)
ABS = Op("abs", abs,  # 0 at 0, as PyTorch takes it; nan gives nan
         lambda x, out: (1.0,) if x > 0.0 else (-1.0,) if x < 0.0 else (0.0,) if x == 0.0 else (x,),
         (Domain(avoid=(0.0,)),), piecewise_constant=True)
EXP = Op("exp", exp_or_inf, lambda x, out: (out,), (Domain(-10.0, 10.0),), fast=math.exp)
LOG = Op("log", log, lambda x, out: (1.0 / x,), (Domain(0.05, 100.0),), fast=math.log)
LOG1P = Op("log1p", log1p, lambda x, out: (1.0 / (1.0 + x),), (Domain(-0.9, 100.0),),  # log(1 + x)
           fast=math.log1p)
TANH = Op("tanh", math.tanh, lambda x, out: (1.0 - out * out,), ANY)
SIGMOID = Op("sigmoid", sigmoid, lambda x, out: (out * (1.0 - out),), (Domain(-20.0, 20.0),))
RELU = Op("relu", lambda x: x if x > 0.0 else 0.0 if x <= 0.0 else x,  # relu(nan) is nan
          lambda x, out: (1.0,) if x > 0.0 else (0.0,) if x <= 0.0 else (x,),  # 0 at 0, as PyTorch
          (Domain(avoid=(0.0,)),), piecewise_constant=True)
SQRT = Op("sqrt", sqrt, lambda x, out: (0.5 / out if data_of(out) != 0.0 else math.inf,),  # pole at 0
          (Domain(0.05, 100.0),), fast=math.sqrt)
SIN = Op("sin", sin, lambda x, out: (cos(x),), (Domain(-10.0, 10.0),), fast=math.sin)
COS = Op("cos", cos, lambda x, out: (-sin(x),), (Domain(-10.0, 10.0),), fast=math.cos)
SUM = SumOp("sum")  # autograd.sum: local derivatives all 1
DOT = DotOp("dot")  # autograd.dot: d/dw_i = x_i, d/dx_i = w_i
LEAF = Op("", lambda: 0.0, lambda out: (), ())  # the op of a leaf: falsy, equal to ""
# fmt: on

# The infix ops with a number on one side: x * 7 is MUL_NUMBER (7 is b), 7 * x NUMBER_MUL.
ADD_NUMBER, NUMBER_ADD = ADD.with_constants((1,)), ADD.with_constants((0,))
SUB_NUMBER, NUMBER_SUB = SUB.with_constants((1,)), SUB.with_constants((0,))
MUL_NUMBER, NUMBER_MUL = MUL.with_constants((1,)), MUL.with_constants((0,))
DIV_NUMBER, NUMBER_DIV = DIV.with_constants((1,)), DIV.with_constants((0,))
# x ** c, the power function: any real base where the power is real; c ** x, an exponential,
# needs c >= 0. Only the node's derivative is needed: 0.0 holds the constant's place.
POW_NUMBER = POW.add_with_constants(
    OpWithConstants(
        POW,
        (1,),
        real_power,
        lambda a, b, out: (2.0 * a if b == 2.0 else power_derivative(a, b), 0.0),  # x**2 first
        math.pow,
    )
)
NUMBER_POW = POW.add_with_constants(
    OpWithConstants(
        POW, (0,), constant_to_power, lambda a, b, out: (0.0, out * log(a) if a else 0.0)
    )
)

# fmt: off
BUILTIN: dict[str, Op] = {
    op.name: op
    for op in (ADD, SUB, MUL, DIV, POW, NEG, ABS, EXP, LOG, LOG1P, TANH, SIGMOID, RELU, SQRT,
               SIN, COS)
}
# fmt: on
"""The elementwise ops `Value`'s operators and methods are made from, by name."""


def _table_op(name: str) -> Op:
    """Unpickling a table op: the one of this module named ``name``."""
    op: Op = globals()[name]
    return op


for _name, _entry in list(globals().items()):
    if isinstance(_entry, Op):
        _entry.pickled_as = (_table_op, (_name,))
del _name, _entry
