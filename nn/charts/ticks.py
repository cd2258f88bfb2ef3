"""Axis scales and their tick values: round numbers a reader can use.

A linear axis gets ticks at 1, 2 or 5 times a power of ten. A log axis gets one tick per decade
(or every few decades), decades plus 2 and 5 over a short range, and plain linear ticks when the
data span less than a decade, so 2.2 to 3.3 reads "2.2, 2.4, ... 3.2", not "3 x 10^0". A log
scale works on log10 of the values, so data near the largest float never overflow.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Scale", "Tick", "format_number", "linear_ticks", "log_ticks", "superscript"]

MINUS = "\N{MINUS SIGN}"
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


@dataclass(frozen=True)
class Tick:
    """A tick at ``at`` (in the scale's own terms: log10 of the value on a log axis)."""

    at: float
    label: str


def superscript(n: int) -> str:
    """``n`` in superscript digits, for powers of ten written as 10⁻⁵."""
    return str(n).translate(_SUPERSCRIPTS)


def _step(span: float, count: int) -> float:
    """The round step (1, 2 or 5 times a power of ten) giving about ``count`` ticks."""
    raw = span / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 5.0):
        if m * power >= raw * 0.999:
            return m * power
    return 10.0 * power


def format_number(value: float, step: float) -> str:
    """``value`` written with as many decimals as ``step`` needs: a minus sign, not a hyphen;
    thousands separated; a power of ten past a million or for steps below 1e-4."""
    if value != 0 and (max(abs(value), step) >= 1e6 or step < 1e-4):
        exponent = math.floor(math.log10(abs(value)))
        mantissa = round(value / 10.0**exponent, 6)
        head = "" if mantissa == 1 else ("-1" if mantissa == -1 else f"{mantissa:g}×")
        return (head + "10" + superscript(exponent)).replace("-", MINUS)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return f"{value:,.{decimals}f}".replace("-", MINUS)


def linear_ticks(low: float, high: float, count: int = 5) -> tuple[float, float, list[Tick]]:
    """Round bounds containing [low, high] and the ticks from one to the other."""
    if high <= low:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    step = _step(high - low, count)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    ticks = [Tick(k * step, format_number(k * step, step)) for k in range(first, last + 1)]
    return first * step, last * step, ticks


def _decade(k: int) -> str:
    """10**k as 0.001 ... 10,000, or 10⁻⁵ and 10⁵ beyond."""
    if -3 <= k <= 4:
        return format_number(10.0**k, 10.0 ** min(k, 0))
    return "10" + superscript(k)


def log_ticks(low: float, high: float, count: int = 5) -> tuple[float, float, list[Tick]]:
    """Bounds and ticks for positive data from ``low`` to ``high``, both given as log10 values."""
    if high - low < 1.0:
        lo, hi = 10.0**low, 10.0**high
        if hi <= lo:
            lo, hi = lo * 0.9, hi * 1.1
        step = _step(hi - lo, 4)
        first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
        if first >= 1:  # else the round bound below the data would be 0: use decades
            ticks = [
                Tick(math.log10(k * step), format_number(k * step, step))
                for k in range(first, last + 1)
            ]
            return math.log10(first * step), math.log10(last * step), ticks
    first, last = math.floor(low + 1e-9), math.ceil(high - 1e-9)
    decades = last - first
    if decades <= 2:
        ticks = []
        for k in range(first, last + 1):
            for m in (1, 2, 5):
                at = k + math.log10(m)
                if at <= last + 1e-9:
                    label = _decade(k) if m == 1 else format_number(m * 10.0**k, 10.0 ** min(k, 0))
                    ticks.append(Tick(at, label))
        return float(first), float(last), ticks
    stride = 1 if decades <= 8 else round(_step(decades, count))
    start = stride * math.ceil(first / stride)
    ticks = [Tick(float(k), _decade(k)) for k in range(start, last + 1, stride)]
    return float(first), float(last), ticks


@dataclass
class Scale:
    """Maps data values to pixels along one axis: linear or log10, optionally reversed."""

    low: float
    high: float
    ticks: list[Tick]
    log: bool = False
    reverse: bool = False
    px_low: float = 0.0
    px_high: float = 1.0

    @classmethod
    def fit(
        cls,
        values: Sequence[float],
        *,
        log: bool = False,
        limits: tuple[float | None, float | None] = (None, None),
        nice: bool = True,
    ) -> Scale:
        """A scale covering every finite ``values`` (positive ones on a log scale) and the
        ``limits`` asked for; ``nice`` rounds its ends out to ticks."""
        usable = [v for v in values if math.isfinite(v) and (v > 0 or not log)]
        usable += [v for v in limits if v is not None and (v > 0 or not log)]
        if not usable:
            usable = [1.0] if log else [0.0, 1.0]
        low, high = min(usable), max(usable)
        if high - low <= 1e-6 * max(abs(low), abs(high)):  # flat: show a band around it
            pad = 0.05 * abs(high) or 1.0
            low, high = (high / 1.12, high * 1.12) if log else (low - pad, high + pad)
        if log:
            low, high = math.log10(low), math.log10(high)
        a, b, ticks = log_ticks(low, high) if log else linear_ticks(low, high)
        if not nice and high > low:
            a, b = low, high
            ticks = [t for t in ticks if a - 1e-9 * (b - a) <= t.at <= b + 1e-9 * (b - a)]
        return cls(a, b, ticks, log)

    def at(self, value: float) -> float | None:
        """The pixel of ``value``, or None where this scale cannot show it (nan, inf, or <= 0
        on a log scale)."""
        if not math.isfinite(value) or (self.log and value <= 0):
            return None
        return self.px(math.log10(value) if self.log else value)

    def px(self, t: float) -> float:
        """The pixel of ``t`` in the scale's own terms (log10 of the value on a log scale)."""
        f = (t - self.low) / (self.high - self.low or 1.0)
        if self.reverse:
            f = 1.0 - f
        return self.px_low + f * (self.px_high - self.px_low)
