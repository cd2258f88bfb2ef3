"""The check every integer option of a view shares (max_nodes, depth, digits, start, a state):
one rule (an int, never a bool or a float, within bounds) and one wording."""

from __future__ import annotations

__all__ = ["check_int_option"]


def check_int_option(
    who: str,
    name: str,
    value: object,
    low: int,
    high: int | None = None,
    *,
    optional: bool = False,
) -> None:
    """ValueError unless ``value`` is an int in [low, high] (no upper bound when ``high`` is
    None), or None when ``optional``: ``"{who}: {name} must be an int from low to high, got
    value"``."""
    if optional and value is None:
        return
    if type(value) is int and low <= value and (high is None or value <= high):
        return
    if high is not None:
        kind = f"an int from {low} to {high}"
    else:
        kind = "a positive int" if low == 1 else f"an int >= {low}"
    if optional:
        kind = f"None or {kind}"
    prefix = f"{who}: " if who else ""
    raise ValueError(f"{prefix}{name} must be {kind}, got {value!r}")
