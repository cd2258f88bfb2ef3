"""The argument checks every part of `nn` shares: one definition, one wording per kind of mistake.

Each check returns the value as a plain Python int, float or bool (a numpy int64 becomes an int,
so configs stay JSON) or raises an error naming the argument and showing what was given.
A ``bool`` is never taken for a number (``True`` is not a size). Numbers too large for a float,
such as ``10**400``, are a ValueError like any other out-of-range setting, never an
OverflowError. Checks run once per call, at construction or step level, never per scalar op.
"""

from __future__ import annotations

import math
import numbers
import operator
import sys
from collections.abc import Callable, Iterable, Mapping, Set
from typing import Any, SupportsFloat, SupportsIndex, cast

__all__ = [
    "MAX_PARAMETERS",
    "check_callable",
    "check_count",
    "check_flag",
    "check_index",
    "check_int",
    "check_parameter_count",
    "check_real",
    "is_integer",
    "is_real",
    "ordered_items",
    "shown",
    "shown_count",
]

MAX_PARAMETERS = 10_000_000
"""The most parameters a model may have (each is a `Value` of about 120 bytes, so this is over a
gigabyte). Models are refused above it before anything is allocated; raise it by assigning
``nn.checks.MAX_PARAMETERS`` if you really mean to build something larger."""


def shown(value: object, width: int = 60) -> str:
    """``repr(value)`` cut to ``width`` characters, so a 400-digit number or a huge list still
    makes a one-line message."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def is_integer(value: object) -> bool:
    """An integer (Python's or numpy's), and not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value: object) -> bool:
    """A real number (int, float, Fraction, numpy scalar), and not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def ordered_items(value: object) -> list[Any] | None:
    """``value``'s items as a list if it is an ordered collection (a list, tuple, numpy row,
    generator), else None: text, sets and mappings have no order that could pair item i with
    weight i or target i, and a number or a `Value` is one item, not a list of them."""
    if isinstance(value, list):
        return value
    if isinstance(value, (str, bytes, Set, Mapping, numbers.Number)) or not isinstance(
        value, Iterable
    ):
        return None
    return list(value)


def check_count(name: str, value: object, least: int = 1, most: int = sys.maxsize) -> int:
    """A size or count: an integer in [least, most]. ValueError otherwise (a size given as
    ``2.5`` or ``"3"`` is as wrong as ``0``)."""
    if type(value) is int:  # the usual case, without the slower test for numpy's ints
        n: int | None = value
    else:
        n = operator.index(cast(SupportsIndex, value)) if is_integer(value) else None
    if n is None or not least <= n <= most:
        kind = "a positive integer" if least == 1 else f"an integer >= {least}"
        if n is not None and n > most:
            kind += f" no larger than {most:,}"
        raise ValueError(f"{name} must be {kind}, got {shown(value)}")
    return n


def check_int(name: str, value: object) -> int:
    """Any integer (e.g. a seed); TypeError otherwise."""
    if not is_integer(value):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    return operator.index(cast(SupportsIndex, value))


def check_index(name: str, value: object, size: int) -> int:
    """A position in something of ``size`` items: TypeError for a non-integer, ValueError
    outside 0..size-1 (no negative indices: -1 would quietly mean the last)."""
    index = check_int(name, value)
    if not 0 <= index < size:
        raise ValueError(f"{name} is {shown(index)}, outside 0..{size - 1}")
    return index


def check_real(name: str, value: object, low: float = 0.0, high: float = math.inf) -> float:
    """A setting such as a learning rate: a real number in [low, high), finite.

    TypeError for something that is not a number; ValueError for nan, inf, a number out of range
    or one too large for a float.
    """
    if not is_real(value):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    try:
        x = float(cast(SupportsFloat, value))
    except OverflowError:
        x = math.inf
    if not low <= x < high:
        bounds = f"in [{low:g}, {high:g})" if high != math.inf else f"a finite number >= {low:g}"
        raise ValueError(f"{name} must be {bounds}, got {shown(value)}")
    return x


def check_flag(name: str, value: object) -> bool:
    """True or False, nothing else: a string such as ``"no"`` is truthy, so it is refused."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {shown(value)}")
    return value


def check_callable(name: str, value: object) -> Callable[..., Any] | None:
    """A function, or None; TypeError otherwise (before any work that would call it)."""
    if value is not None and not callable(value):
        raise TypeError(f"{name} must be a function (or None), got {type(value).__name__}")
    return value


def check_parameter_count(who: str, n: int) -> int:
    """``n`` if a model of ``n`` parameters is within `MAX_PARAMETERS`, else ValueError: checked
    from the sizes alone, before a single parameter is made."""
    limit = MAX_PARAMETERS
    if n > limit:
        raise ValueError(
            f"{who} would have {shown_count(n)} parameters, more than the limit of {limit:,} "
            "(about 120 bytes each; raise nn.checks.MAX_PARAMETERS to allow more)"
        )
    return n


def shown_count(n: int) -> str:
    """A count for a message: ``1,234,567``, or ``about 10^4000`` from 10**15 on (from its
    logarithm: Python refuses to print an int of over 4,300 digits)."""
    if n < 10**15:
        return f"{n:,}"
    return f"about 10^{int(math.log10(n))}"
